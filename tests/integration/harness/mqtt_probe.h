// SPDX-License-Identifier: MIT
// An MQTT subscriber that records what a real client of the broker receives.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mqtt {
class async_client;
}

namespace bank2mqtt::itest {

struct MqttMessage {
    std::string topic;
    std::string payload;
    bool retained = false;  ///< true for messages the broker delivered from its retained store
};

/// A Paho async client with a unique client id and a clean session, subscribed to
/// `<base>/#` at QoS 1. Paho's callback thread appends to the record; test threads wait on it
/// through a condition variable. All methods are thread-safe.
class MqttProbe {
public:
    using Millis = std::chrono::milliseconds;
    using PayloadPredicate = std::function<bool(const std::string&)>;

    /// Connects to `uri` and subscribes; returns once the subscription is acknowledged.
    /// Throws std::runtime_error naming the URI if that fails within a bounded time.
    MqttProbe(const std::string& uri, const std::string& baseTopic);
    ~MqttProbe();

    MqttProbe(const MqttProbe&) = delete;
    MqttProbe& operator=(const MqttProbe&) = delete;

    /// Waits for a message on `topic`, among those with record index >= `fromIndex`, whose
    /// payload satisfies `predicate` (already recorded ones count). Returns it, or nullopt.
    std::optional<MqttMessage> waitFor(const std::string& topic, const PayloadPredicate& predicate,
                                       Millis timeout, std::size_t fromIndex = 0);
    /// Waits for a message on `topic` whose payload equals `payload`.
    std::optional<MqttMessage> waitForPayload(const std::string& topic, const std::string& payload,
                                              Millis timeout, std::size_t fromIndex = 0);
    /// Waits until `n` messages on `topic` satisfy `predicate` (default: any payload).
    bool waitForCount(const std::string& topic, std::size_t n, Millis timeout,
                      const PayloadPredicate& predicate = nullptr);

    /// Round-trips a marker message through the broker. Since the broker delivers the retained
    /// messages of a subscription before anything published later by the same client, a true
    /// return means every retained message has been recorded.
    bool sync(Millis timeout);

    /// The latest message on `topic`, if any.
    std::optional<MqttMessage> latest(const std::string& topic) const;
    /// Everything received, in arrival order (sync markers excluded).
    std::vector<MqttMessage> messages() const;
    std::vector<MqttMessage> messagesOn(const std::string& topic) const;
    /// Number of messages received so far: a mark to pass as `fromIndex` later.
    std::size_t size() const;
    /// All messages, one per line, for failure messages.
    std::string dump() const;

private:
    void onMessage(const std::string& topic, const std::string& payload, bool retained);

    std::string clientId_;
    std::string syncTopic_;
    std::unique_ptr<mqtt::async_client> client_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<MqttMessage> messages_;
    int syncsSent_ = 0;
    int syncsSeen_ = 0;
};

}  // namespace bank2mqtt::itest
