// SPDX-License-Identifier: MIT
// An MqttClient that keeps retained topics the way a broker does and logs every publish.
#pragma once

#include "mqtt_client.h"

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace bank2mqtt::test {

class FakeMqttClient : public MqttClient {
public:
    struct Publish {
        std::string topic, payload;
        bool retain;
    };

    void setConnectedHandler(ConnectedHandler h) override { connected_ = std::move(h); }
    void setMessageHandler(MessageHandler h) override { message_ = std::move(h); }
    bool connect(std::chrono::milliseconds, std::string& error) override
    {
        if (refuse) {
            error = "refused in test";
            return false;
        }
        simulateReconnect();
        return true;
    }
    void keepConnected() override {}
    bool isConnected() const override { return online_; }
    bool publish(const std::string& topic, const std::string& payload, bool retain) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!online_)
            return false;
        log.push_back({topic, payload, retain});
        if (retain) {
            if (payload.empty())
                retained.erase(topic);
            else
                retained[topic] = payload;
        }
        return true;
    }
    void subscribe(const std::string& filter) override { subscriptions.insert(filter); }
    bool flush(std::chrono::milliseconds) override { return true; }
    void disconnect(std::chrono::milliseconds) override { online_ = false; }

    /// The connection drops; publishes fail until simulateReconnect().
    void simulateDisconnect() { online_ = false; }
    /// Connects (again) and runs the connected handler, as after a broker restart.
    void simulateReconnect()
    {
        online_ = true;
        if (connected_)
            connected_();
    }
    /// A broker restart without persistence: retained topics are gone.
    void forgetRetained() { retained.clear(); }
    /// Delivers a message to the subscriber side (e.g. a refresh command).
    void deliver(const std::string& topic, const std::string& payload)
    {
        if (message_)
            message_(topic, payload);
    }

    bool refuse = false;
    std::vector<Publish> log;
    std::map<std::string, std::string> retained;
    std::set<std::string> subscriptions;

private:
    std::mutex mutex_;
    bool online_ = false;
    ConnectedHandler connected_;
    MessageHandler message_;
};

}  // namespace bank2mqtt::test
