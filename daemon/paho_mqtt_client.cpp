// SPDX-License-Identifier: MIT
// PahoMqttClient: the one place that speaks MQTT. Why a connect failed is worked out in
// mqtt_connect_failure.cpp (Paho's own error for most failures is one generic code).
#include "paho_mqtt_client.h"

#include "log.h"
#include "mqtt_connect_failure.h"

#include <mqtt/async_client.h>

#include <algorithm>

namespace bank2mqtt {
namespace {

constexpr auto kMaxBackoff = std::chrono::seconds(60);
constexpr int kMaxOutstanding = 65535;  // QoS 1 message ids of one connection

// Two clients with one client id take each other over: the broker closes the older connection
// as soon as the newer one connects. MQTT 3.1.1 gives no reason (the socket just closes), so the
// pattern is what tells: this many losses in a row, each within kShortLived of connecting.
constexpr int kTakeoverLosses = 3;
constexpr auto kShortLived = std::chrono::seconds(10);
// Then reconnect only after a wait that doubles up to kMaxTakeoverWait, so that the pair swaps
// the connection a few times an hour instead of every second.
constexpr auto kFirstTakeoverWait = std::chrono::seconds(5);
constexpr auto kMaxTakeoverWait = std::chrono::seconds(300);

}  // namespace

PahoMqttClient::PahoMqttClient(Options options) : options_(std::move(options))
{
    // Paho refuses a publish once 100 are queued unsent (its default), which one poll of a
    // source with a few hundred accounts exceeds in a burst. QoS 1 message ids (65535) bound
    // what can be outstanding anyway, so queue up to that; publish() counts any refusal.
    mqtt::create_options create;
    create.set_max_buffered_messages(kMaxOutstanding);
    client_ = std::make_unique<mqtt::async_client>(options_.uri, options_.clientId, create);
    client_->set_connected_handler([this](const std::string&) { onConnected(); });
    client_->set_connection_lost_handler([this](const std::string&) {
        connected_ = false;
        std::lock_guard<std::mutex> lock(mutex_);
        wake_.notify_all();
    });
    client_->set_message_callback([this](mqtt::const_message_ptr msg) {
        std::lock_guard<std::mutex> lock(handlerMutex_);
        if (messageHandler_ && !stopping_)
            messageHandler_(msg->get_topic(), msg->get_payload_str());
    });
}

PahoMqttClient::~PahoMqttClient()
{
    stopHandlers();
    silenceCallbacks();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
    }
    if (reconnectThread_.joinable())
        reconnectThread_.join();
    try {
        if (client_->is_connected())
            client_->disconnect(0)->wait_for(std::chrono::seconds(1));
    } catch (const mqtt::exception&) {
    }
    // Destroyed here, before the handlers and the mutex it may still call into: Paho runs no
    // callback of a destroyed client.
    client_.reset();
}

// Paho refuses to change callbacks while a connect is still in progress (say, one given up on
// at shutdown); the destructor then relies on destroying the client first.
void PahoMqttClient::silenceCallbacks()
{
    try {
        client_->disable_callbacks();
    } catch (const mqtt::exception&) {
    }
}

void PahoMqttClient::setConnectedHandler(ConnectedHandler handler)
{
    connectedHandler_ = std::move(handler);
}

void PahoMqttClient::setMessageHandler(MessageHandler handler)
{
    messageHandler_ = std::move(handler);
}

void PahoMqttClient::onConnected()
{
    // A connect given up on at shutdown may still complete; its owner's handlers may be gone.
    if (stopping_)
        return;
    std::set<std::string> topics;
    connected_ = true;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        topics = subscriptions_;
    }
    for (const auto& topic : topics) {
        try {
            client_->subscribe(topic, 1);
        } catch (const mqtt::exception&) {
            // The connection dropped again; the next connect restores the subscription.
        }
    }
    std::lock_guard<std::mutex> lock(handlerMutex_);
    if (connectedHandler_ && !stopping_)
        connectedHandler_();
}

// Paho C runs callbacks without holding its own lock, so one may be past its stopping_ check
// when the owner stops; holding handlerMutex_ while setting stopping_ waits for it to finish,
// and no handler starts afterwards. Never held while calling into Paho.
void PahoMqttClient::stopHandlers()
{
    std::lock_guard<std::mutex> lock(handlerMutex_);
    stopping_ = true;
}

bool PahoMqttClient::connect(std::chrono::milliseconds timeout, std::string& error)
{
    auto builder = mqtt::connect_options_builder()
                       .mqtt_version(MQTTVERSION_3_1_1)  // one attempt, not a 3.1 fallback too
                       .clean_session(true)
                       .keep_alive_interval(options_.keepAlive)
                       .connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(timeout))
                       .automatic_reconnect(false)
                       .will(mqtt::message(options_.willTopic, options_.willPayload, 1, true));
    if (!options_.username.empty())
        builder.user_name(options_.username);
    if (!options_.password.empty())
        builder.password(options_.password);
    if (isTlsUri(options_.uri)) {
        auto ssl = mqtt::ssl_options_builder()
                       .enable_server_cert_auth(!options_.insecure)
                       .verify(!options_.insecure)
                       .finalize();
        if (!options_.caFile.empty())
            ssl.set_trust_store(options_.caFile);
        else
            ssl.ca_path("/etc/ssl/certs");
        if (!options_.certFile.empty()) {
            ssl.set_key_store(options_.certFile);
            ssl.set_private_key(options_.keyFile);
        }
        builder.ssl(ssl);
    }
    bool ok = false;
    try {
        auto token = client_->connect(builder.finalize());
        // Waited for in slices, so that disconnect() during a hanging connect returns at once.
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        bool answered = true;
        while (answered && !token->wait_for(std::chrono::milliseconds(100)))
            answered = !stopping_ && std::chrono::steady_clock::now() < deadline;
        if (answered) {
            // The connected handler may run just after the token completes; asking the client
            // (without holding mutex_) gives the true state either way.
            connected_ = client_->is_connected();
            ok = true;
            std::lock_guard<std::mutex> lock(mutex_);
            connectedAt_ = std::chrono::steady_clock::now();
        } else {
            error = "no answer from the MQTT broker at " + options_.uri + " within " +
                    std::to_string(timeout.count() / 1000) + " s";
        }
    } catch (const mqtt::exception& e) {
        error = describeConnectFailure(e.get_return_code(), e.get_message(), options_);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    lastError_ = ok ? std::string() : error;
    return ok;
}

void PahoMqttClient::keepConnected()
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (!reconnectThread_.joinable())
        reconnectThread_ = std::thread([this] { reconnectLoop(); });
}

// Sleeps on a condition variable while connected (no periodic wake-ups); after a loss, tries
// again after 1, 2, 4 ... 60 s until connected or stopped. A failure is logged when it differs
// from the last one logged (the caller logs the result of its own connect()), so a broker that
// stays down or keeps refusing costs one line, not one per attempt. Connections that keep
// ending soon after they began are a takeover loop (see kTakeoverLosses): said once, and
// reconnects wait. Lock order: mutex_ is never held while calling into Paho, because Paho
// holds its own lock while it runs our callbacks.
void PahoMqttClient::reconnectLoop()
{
    NamedLogger log("mqtt");
    std::chrono::seconds backoff(1);
    int shortLived = 0;                    // losses in a row, each soon after its connect
    std::chrono::seconds takeoverWait(0);  // > 0 once a takeover loop was seen
    bool takeoverSaid = false;             // said once, until a connection holds for long
    std::unique_lock<std::mutex> lock(mutex_);
    std::string logged = lastError_;
    while (!stopping_) {
        if (connected_) {
            backoff = std::chrono::seconds(1);
            logged.clear();
            wake_.wait(lock, [this] { return stopping_ || !connected_; });
            continue;
        }
        if (connectedAt_) {
            // A connection made by connect() has ended (it may never have been seen as up).
            const auto lasted = std::chrono::steady_clock::now() - *connectedAt_;
            connectedAt_.reset();
            if (lasted >= 2 * kMaxTakeoverWait)
                takeoverSaid = false;
            // A twin that waits as we do holds its connection for about our wait: only one that
            // outlived two of our waits shows that the loop has ended.
            if (lasted >=
                std::max<std::chrono::steady_clock::duration>(kShortLived, 2 * takeoverWait)) {
                shortLived = 0;
                takeoverWait = std::chrono::seconds(0);
            } else {
                ++shortLived;
            }
            if (shortLived < kTakeoverLosses) {
                if (shortLived <= 1)
                    log.warning("lost the connection to the MQTT broker at " + options_.uri +
                                "; reconnecting, retained topics are republished once "
                                "connected");
            } else {
                if (takeoverWait.count() == 0) {
                    takeoverWait = kFirstTakeoverWait;
                    if (!takeoverSaid)
                        log.warning(takeoverSentence());
                    takeoverSaid = true;
                } else {
                    takeoverWait = std::min(takeoverWait * 2, kMaxTakeoverWait);
                }
                wake_.wait_for(lock, takeoverWait, [this] { return stopping_.load(); });
                continue;
            }
        }
        lock.unlock();
        std::string error;
        const bool ok = connect(std::chrono::seconds(10), error);
        lock.lock();
        if (ok)
            continue;
        if (error != logged && !stopping_) {
            log.warning(error + "; retrying with back-off up to " +
                        std::to_string(kMaxBackoff.count()) + " s");
            logged = error;
        }
        wake_.wait_for(lock, backoff, [this] { return stopping_.load(); });
        backoff = std::min(backoff * 2, kMaxBackoff);
    }
}

std::string PahoMqttClient::takeoverSentence() const
{
    return "the MQTT broker at " + options_.uri + " closed this connection " +
           std::to_string(kTakeoverLosses) + " times in a row within " +
           std::to_string(kShortLived.count()) +
           " s of connecting: another MQTT client uses the same client id \"" + options_.clientId +
           "\", and each connect takes the other's over; give every instance its own [mqtt] "
           "client_id. Reconnecting after " +
           std::to_string(kFirstTakeoverWait.count()) + " s, doubling up to " +
           std::to_string(kMaxTakeoverWait.count()) + " s";
}

bool PahoMqttClient::isConnected() const
{
    return connected_;
}

bool PahoMqttClient::publish(const std::string& topic, const std::string& payload, bool retain)
{
    if (!connected_)
        return false;
    try {
        client_->publish(topic, payload.data(), payload.size(), 1, retain);
        ++published_;
        return true;
    } catch (const mqtt::exception& e) {
        // Besides a connection that just dropped: Paho's limits (no free message id when
        // 65535 are unacknowledged, a full buffer). Counted so that --once can say so.
        ++refused_;
        refusal_ = e.get_return_code();
        return false;
    }
}

void PahoMqttClient::subscribe(const std::string& topicFilter)
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        subscriptions_.insert(topicFilter);
    }
    if (connected_) {
        try {
            client_->subscribe(topicFilter, 1);
        } catch (const mqtt::exception&) {
        }
    }
}

bool PahoMqttClient::flush(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    try {
        for (const auto& token : client_->get_pending_delivery_tokens()) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !token->wait_for(left))
                return false;
        }
    } catch (const mqtt::exception&) {
        return false;
    }
    return true;
}

std::string PahoMqttClient::deliveryFailure(std::chrono::milliseconds timeout) const
{
    if (!connected_)
        return "the connection to the MQTT broker at " + options_.uri +
               " was lost before every message was delivered";
    if (refused_ > 0)
        return "the MQTT client refused " + std::to_string(refused_.load()) + " of " +
               std::to_string(published_ + refused_) + " messages while connected to " +
               options_.uri + " (" + mqtt::exception::error_str(refusal_) + ")";
    std::size_t pending = 0;
    try {
        pending = client_->get_pending_delivery_tokens().size();
    } catch (const mqtt::exception&) {
    }
    return "the MQTT broker at " + options_.uri + " did not acknowledge " +
           std::to_string(pending) + " of " + std::to_string(published_.load()) +
           " messages within " + std::to_string(timeout.count() / 1000) +
           " s; the connection is up, so the broker is overloaded or slow";
}

void PahoMqttClient::disconnect(std::chrono::milliseconds timeout)
{
    stopHandlers();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
    }
    if (reconnectThread_.joinable())
        reconnectThread_.join();
    silenceCallbacks();
    try {
        if (client_->is_connected())
            client_->disconnect(static_cast<int>(timeout.count()))->wait_for(timeout);
        connected_ = false;
    } catch (const mqtt::exception&) {
    }
}

}  // namespace bank2mqtt
