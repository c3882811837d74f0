// SPDX-License-Identifier: MIT
// MqttClient on Eclipse Paho C++: last will, TLS, credentials, our own bounded reconnect loop.
#pragma once

#include "mqtt_client.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace mqtt {
class async_client;
}

namespace bank2mqtt {

class PahoMqttClient : public MqttClient {
public:
    struct Options {
        std::string uri;  ///< tcp://, ssl://, ws://, wss://
        std::string clientId;
        std::string username, password;
        std::string caFile, certFile, keyFile;  ///< TLS; system CAs when caFile is empty
        bool insecure = false;                  ///< skip broker certificate verification
        std::chrono::seconds keepAlive{60};
        std::string willTopic;  ///< retained, QoS 1
        std::string willPayload;
    };

    explicit PahoMqttClient(Options options);
    ~PahoMqttClient() override;

    void setConnectedHandler(ConnectedHandler handler) override;
    void setMessageHandler(MessageHandler handler) override;
    bool connect(std::chrono::milliseconds timeout, std::string& error) override;
    void keepConnected() override;
    bool isConnected() const override;
    bool publish(const std::string& topic, const std::string& payload, bool retain) override;
    void subscribe(const std::string& topicFilter) override;
    bool flush(std::chrono::milliseconds timeout) override;
    void disconnect(std::chrono::milliseconds timeout) override;

    /// After a failed flush(timeout), before disconnect(): one sentence saying what went wrong
    /// (connection lost, messages the client refused, or how many the broker left unanswered).
    std::string deliveryFailure(std::chrono::milliseconds timeout) const;

private:
    void reconnectLoop();
    void onConnected();
    void silenceCallbacks();
    void stopHandlers();
    std::string takeoverSentence() const;

    Options options_;
    std::unique_ptr<mqtt::async_client> client_;
    ConnectedHandler connectedHandler_;
    MessageHandler messageHandler_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::set<std::string> subscriptions_;
    std::string lastError_;  // the last connect() failure, "" after a success; under mutex_
    // When connect() last succeeded, until reconnectLoop() sees that connection end; mutex_.
    std::optional<std::chrono::steady_clock::time_point> connectedAt_;
    std::atomic<bool> stopping_{false};
    std::mutex handlerMutex_;                // held while a handler runs and while stopping_ is set
    std::atomic<bool> connected_{false};     // set by Paho's callbacks; read without Paho's lock
    std::atomic<std::size_t> published_{0};  // publishes handed to Paho
    std::atomic<std::size_t> refused_{0};    // publishes Paho refused while connected
    std::atomic<int> refusal_{0};            // Paho's return code of the last refusal
    std::thread reconnectThread_;
};

}  // namespace bank2mqtt
