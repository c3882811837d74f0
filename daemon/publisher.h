// SPDX-License-Identifier: MIT
// Keeps the retained state the daemon wants on the broker, and puts it there on every connect.
#pragma once

#include "mqtt_client.h"
#include "topic_layout.h"

#include <map>
#include <mutex>
#include <string>

namespace bank2mqtt {

/// The broker's retained topics are a cache of this map: set() updates the map and publishes
/// when connected; onConnected() publishes `<base>/status online` and then the whole map, so a
/// broker restart or a message produced while disconnected loses nothing (the latest payload
/// per topic wins). Thread-safe; in the daemon every call comes from the poll thread (the MQTT
/// client's connected handler only asks the poll loop to call onConnected()).
class Publisher {
public:
    Publisher(MqttClient& mqtt, std::string baseTopic,
              std::string discoveryPrefix = "homeassistant");

    const TopicLayout& topics() const { return layout_; }
    const std::string& baseTopic() const { return layout_.base(); }
    std::string statusTopic() const { return layout_.bridgeStatus(); }

    /// Retained, QoS 1. An unchanged payload that already reached the broker is not resent.
    void set(const std::string& topic, const std::string& payload);
    /// Not retained, QoS 1: an event (a new transaction). Returns false, and nothing is kept,
    /// when the client is not connected: the caller keeps it and tries again after the next
    /// connect (see onConnected()).
    bool event(const std::string& topic, const std::string& payload);
    /// Waits at most `timeout` until the broker has acknowledged every message handed over so
    /// far (events included); false when it has not (the connection was lost meanwhile).
    bool acknowledged(std::chrono::milliseconds timeout) { return mqtt_.flush(timeout); }
    /// Publishes an empty retained payload, which deletes the topic on the broker. A clear that
    /// happens while disconnected is kept and sent on the next connect; once the broker has it,
    /// it is forgotten, so it is never sent again (Home Assistant warns about every empty
    /// discovery payload for a device it no longer knows).
    void clear(const std::string& topic);
    /// Publishes "online", every retained topic and the clears not yet delivered; call after
    /// every (re)connect and when Home Assistant restarts.
    void onConnected();
    /// Publishes "offline" (before a clean disconnect; the last will covers the unclean case).
    void publishOffline();

    /// True when every topic in the map was handed to a connected client (--once checks this
    /// before it reports success).
    bool allDelivered() const;

private:
    struct Entry {
        std::string payload;
        bool delivered = false;  // handed to a connected client
    };

    MqttClient& mqtt_;
    TopicLayout layout_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> retained_;
};

}  // namespace bank2mqtt
