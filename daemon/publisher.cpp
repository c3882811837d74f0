// SPDX-License-Identifier: MIT
// Publisher: retained-state cache in front of the MQTT client.
#include "publisher.h"

namespace bank2mqtt {

Publisher::Publisher(MqttClient& mqtt, std::string baseTopic)
    : mqtt_(mqtt), base_(std::move(baseTopic))
{
}

void Publisher::set(const std::string& topic, const std::string& payload)
{
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = topics_[topic];
    if (e.delivered && e.payload == payload)
        return;
    e.payload = payload;
    e.delivered = mqtt_.publish(topic, payload, true);
}

void Publisher::clear(const std::string& topic)
{
    set(topic, "");
}

void Publisher::onConnected()
{
    std::lock_guard<std::mutex> lock(mutex_);
    mqtt_.publish(statusTopic(), "online", true);
    for (auto& [topic, e] : topics_)
        e.delivered = mqtt_.publish(topic, e.payload, true);
}

void Publisher::publishOffline()
{
    std::lock_guard<std::mutex> lock(mutex_);
    mqtt_.publish(statusTopic(), "offline", true);
}

bool Publisher::allDelivered() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [topic, e] : topics_)
        if (!e.delivered)
            return false;
    return true;
}

}  // namespace bank2mqtt
