// SPDX-License-Identifier: MIT
// Publisher: retained-state cache in front of the MQTT client.
#include "publisher.h"

#include <iterator>

namespace bank2mqtt {

Publisher::Publisher(MqttClient& mqtt, std::string baseTopic, std::string discoveryPrefix)
    : mqtt_(mqtt), layout_(std::move(baseTopic), std::move(discoveryPrefix))
{
}

void Publisher::set(const std::string& topic, const std::string& payload)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = retained_.find(topic);
    if (payload.empty() && it == retained_.end()) {
        // A topic this process never published: clear it once (it may be retained from an
        // earlier run), then forget it like any delivered clear.
        if (!mqtt_.publish(topic, payload, true))
            retained_[topic] = Entry{payload, false};
        return;
    }
    if (it == retained_.end())
        it = retained_.emplace(topic, Entry{}).first;
    Entry& e = it->second;
    if (e.delivered && e.payload == payload)
        return;
    e.payload = payload;
    e.delivered = mqtt_.publish(topic, payload, true);
    if (e.delivered && payload.empty())
        retained_.erase(it);
}

void Publisher::clear(const std::string& topic)
{
    set(topic, "");
}

void Publisher::onConnected()
{
    std::lock_guard<std::mutex> lock(mutex_);
    mqtt_.publish(statusTopic(), "online", true);
    for (auto it = retained_.begin(); it != retained_.end();) {
        Entry& e = it->second;
        e.delivered = mqtt_.publish(it->first, e.payload, true);
        it = e.delivered && e.payload.empty() ? retained_.erase(it) : std::next(it);
    }
}

bool Publisher::event(const std::string& topic, const std::string& payload)
{
    std::lock_guard<std::mutex> lock(mutex_);
    return mqtt_.isConnected() && mqtt_.publish(topic, payload, false);
}

void Publisher::publishOffline()
{
    std::lock_guard<std::mutex> lock(mutex_);
    mqtt_.publish(statusTopic(), "offline", true);
}

bool Publisher::allDelivered() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [topic, e] : retained_)
        if (!e.delivered)
            return false;
    return true;
}

}  // namespace bank2mqtt
