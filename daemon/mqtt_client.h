// SPDX-License-Identifier: MIT
// The narrow MQTT interface the daemon publishes through (Paho behind it; a fake in tests).
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace bank2mqtt {

/// Thread rules: every method may be called from any thread. Handlers run on the client's own
/// thread while it holds its internal lock: they must only hand work to another thread (set a
/// flag, queue a request), never block or take a lock that a publishing thread may hold.
class MqttClient {
public:
    using ConnectedHandler = std::function<void()>;
    using MessageHandler =
        std::function<void(const std::string& topic, const std::string& payload)>;

    virtual ~MqttClient() = default;

    /// Called after every successful (re)connect, after subscriptions are restored.
    /// Set before connect().
    virtual void setConnectedHandler(ConnectedHandler handler) = 0;
    /// Called for every message on a subscribed topic. Set before connect().
    virtual void setMessageHandler(MessageHandler handler) = 0;

    /// One connection attempt, waiting at most `timeout`. On failure returns false and a
    /// sentence naming the broker and the cause (refused credentials, TLS, unreachable).
    virtual bool connect(std::chrono::milliseconds timeout, std::string& error) = 0;
    /// From now on, reconnect by itself after any loss, with back-off from 1 s to 60 s. Logs a
    /// loss once, and a failed attempt only when its cause differs from the last one logged
    /// (the result of the caller's own connect() counts as logged).
    virtual void keepConnected() = 0;
    virtual bool isConnected() const = 0;

    /// QoS 1. Returns false (message dropped) when not connected; the caller republishes its
    /// retained state from the connected handler, so nothing retained is lost.
    virtual bool publish(const std::string& topic, const std::string& payload, bool retain) = 0;
    /// Remembered and restored on every reconnect. QoS 1.
    virtual void subscribe(const std::string& topicFilter) = 0;
    /// Waits until every publish issued so far is acknowledged, at most `timeout`.
    virtual bool flush(std::chrono::milliseconds timeout) = 0;
    /// Stops reconnecting and disconnects cleanly (the last will is not sent).
    virtual void disconnect(std::chrono::milliseconds timeout) = 0;
};

}  // namespace bank2mqtt
