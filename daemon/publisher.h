// SPDX-License-Identifier: MIT
// Keeps the retained state the daemon wants on the broker, and puts it there on every connect.
#pragma once

#include "mqtt_client.h"

#include <map>
#include <mutex>
#include <string>

namespace bank2mqtt {

/// The broker's retained topics are a cache of this map: set() updates the map and publishes
/// when connected; onConnected() publishes `<base>/status online` and then the whole map, so a
/// broker restart or a message produced while disconnected loses nothing (the latest payload
/// per topic wins). Thread-safe: the poll thread calls set(), the MQTT thread onConnected().
class Publisher {
public:
    Publisher(MqttClient& mqtt, std::string baseTopic);

    const std::string& baseTopic() const { return base_; }
    std::string statusTopic() const { return base_ + "/status"; }

    /// Retained, QoS 1. An unchanged payload that already reached the broker is not resent.
    void set(const std::string& topic, const std::string& payload);
    /// Publishes an empty retained payload, which deletes the topic on the broker; kept as such
    /// in the map, so a clear that happens while disconnected is sent on the next connect.
    void clear(const std::string& topic);
    /// Publishes "online" and every retained topic. Call from the MQTT connected handler.
    void onConnected();
    /// Publishes "offline" (before a clean disconnect; the last will covers the unclean case).
    void publishOffline();

    /// Payload last set for `topic`, or empty (for tests and --once summaries).
    std::string retained(const std::string& topic) const;
    std::size_t size() const;

private:
    struct Entry {
        std::string payload;
        bool delivered = false;  // handed to a connected client
    };

    MqttClient& mqtt_;
    std::string base_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> topics_;
};

}  // namespace bank2mqtt
