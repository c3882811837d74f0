// SPDX-License-Identifier: MIT
// Records every message a fresh MQTT subscriber gets, so tests assert on what users see.
#include "harness/mqtt_probe.h"

#include <mqtt/async_client.h>

#include <unistd.h>

#include <atomic>
#include <sstream>
#include <stdexcept>

namespace bank2mqtt::itest {
namespace {

constexpr std::chrono::seconds kConnectTimeout{10};
constexpr std::chrono::seconds kDisconnectTimeout{5};

std::string uniqueClientId()
{
    static std::atomic<int> counter{0};
    return "itest-probe-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace

MqttProbe::MqttProbe(const std::string& uri, const std::string& baseTopic)
    : clientId_(uniqueClientId()), syncTopic_("bank2mqtt-itest-sync/" + clientId_)
{
    client_ = std::make_unique<mqtt::async_client>(uri, clientId_);
    client_->set_message_callback([this](mqtt::const_message_ptr message) {
        onMessage(message->get_topic(), message->get_payload_str(), message->is_retained());
    });
    auto options = mqtt::connect_options_builder()
                       .clean_session(true)
                       .connect_timeout(kConnectTimeout)
                       .keep_alive_interval(std::chrono::seconds(30))
                       .finalize();
    try {
        if (!client_->connect(options)->wait_for(kConnectTimeout)) {
            throw std::runtime_error("timed out");
        }
        // The sync topic first: its subscription must exist before any marker is published.
        if (!client_->subscribe(syncTopic_, 1)->wait_for(kConnectTimeout) ||
            !client_->subscribe(baseTopic + "/#", 1)->wait_for(kConnectTimeout)) {
            throw std::runtime_error("subscription timed out");
        }
    } catch (const std::exception& e) {
        throw std::runtime_error("MQTT probe cannot subscribe at " + uri + ": " + e.what());
    }
}

MqttProbe::~MqttProbe()
{
    try {
        if (client_->is_connected()) {
            client_->disconnect()->wait_for(kDisconnectTimeout);
        }
    } catch (const std::exception&) {
        // The broker may already be gone; the probe has nothing left to report.
    }
    client_->set_message_callback(nullptr);
}

void MqttProbe::onMessage(const std::string& topic, const std::string& payload, bool retained)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (topic == syncTopic_) {
        ++syncsSeen_;
    } else {
        messages_.push_back({topic, payload, retained});
    }
    changed_.notify_all();
}

std::optional<MqttMessage> MqttProbe::waitFor(const std::string& topic,
                                              const PayloadPredicate& predicate, Millis timeout,
                                              std::size_t fromIndex)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock<std::mutex> lock(mutex_);
    std::size_t next = fromIndex;
    for (;;) {
        for (; next < messages_.size(); ++next) {
            const auto& m = messages_[next];
            if (m.topic == topic && (!predicate || predicate(m.payload))) {
                return m;
            }
        }
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout &&
            next == messages_.size()) {
            return std::nullopt;
        }
    }
}

std::optional<MqttMessage> MqttProbe::waitForPayload(const std::string& topic,
                                                     const std::string& payload, Millis timeout,
                                                     std::size_t fromIndex)
{
    return waitFor(
        topic, [&](const std::string& p) { return p == payload; }, timeout, fromIndex);
}

bool MqttProbe::waitForCount(const std::string& topic, std::size_t n, Millis timeout,
                             const PayloadPredicate& predicate)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] {
        std::size_t count = 0;
        for (const auto& m : messages_) {
            if (m.topic == topic && (!predicate || predicate(m.payload))) {
                ++count;
            }
        }
        return count >= n;
    });
}

bool MqttProbe::sync(Millis timeout)
{
    int target;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        target = ++syncsSent_;
    }
    try {
        client_->publish(syncTopic_, "sync", 1, false)->wait_for(timeout);
    } catch (const std::exception&) {
        return false;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return syncsSeen_ >= target; });
}

std::optional<MqttMessage> MqttProbe::latest(const std::string& topic) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
        if (it->topic == topic) {
            return *it;
        }
    }
    return std::nullopt;
}

std::vector<MqttMessage> MqttProbe::messages() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
}

std::vector<MqttMessage> MqttProbe::messagesOn(const std::string& topic) const
{
    std::vector<MqttMessage> found;
    for (auto& m : messages()) {
        if (m.topic == topic) {
            found.push_back(std::move(m));
        }
    }
    return found;
}

std::size_t MqttProbe::size() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_.size();
}

std::string MqttProbe::dump() const
{
    std::ostringstream out;
    out << "===== MQTT probe " << clientId_ << '\n';
    for (const auto& m : messages()) {
        out << (m.retained ? "[retained] " : "[live]     ") << m.topic << " = " << m.payload
            << '\n';
    }
    return out.str();
}

}  // namespace bank2mqtt::itest
