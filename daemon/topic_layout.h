// SPDX-License-Identifier: MIT
// Every MQTT topic the daemon publishes or listens to, spelled in one place.
#pragma once

#include <optional>
#include <string>

namespace bank2mqtt {

/// The topic tree under base_topic, and Home Assistant's under discovery_prefix:
///
///   <base>/status  <base>/info  <base>/refresh
///   <base>/<source>/status  <base>/<source>/refresh
///   <base>/<source>/consent  (renewal step JSON)  .../consent/renew  .../consent/answer
///   <base>/<source>/<account>  (JSON)  and .../balance .../available .../low_balance
///   .../availability .../problem
///   .../transaction (an event, not retained)  .../last_transaction
///   <prefix>/status (HA's birth)  <prefix>/...  (discovery, built by discovery.cpp)
///
/// Source ids and account keys never equal a level with its own meaning (reserved_names.h),
/// so no account topic can be a command or status topic. A value type; cheap to copy.
class TopicLayout {
public:
    TopicLayout(std::string base, std::string discoveryPrefix = "homeassistant");

    const std::string& base() const { return base_; }
    const std::string& discoveryPrefix() const { return prefix_; }

    std::string bridgeStatus() const { return base_ + "/status"; }
    std::string info() const { return base_ + "/info"; }
    std::string refreshAll() const { return base_ + "/refresh"; }
    std::string sourceStatus(const std::string& source) const;
    std::string sourceRefresh(const std::string& source) const;
    /// The consent renewal of a source with Authorization: the step JSON (retained), the
    /// button's command topic and the pasted answer's command topic (subscribed; the answer is
    /// a secret and never retained). "consent" is a reserved account key, so none of these is
    /// an account's topic.
    std::string sourceConsent(const std::string& source) const;
    std::string sourceRenew(const std::string& source) const
    {
        return sourceConsent(source) + "/renew";
    }
    std::string sourceConsentAnswer(const std::string& source) const
    {
        return sourceConsent(source) + "/answer";
    }
    std::string account(const std::string& source, const std::string& key) const;

    /// The plain-value topics below an account's topic.
    enum class Value {
        Balance,
        Available,
        LowBalance,
        Availability,
        Problem,
        Transaction,      ///< one message per new transaction, not retained
        LastTransaction,  ///< the last one announced, retained
    };
    std::string accountValue(const std::string& source, const std::string& key, Value v) const;

    /// Home Assistant's birth and last will: "online" means it (re)started.
    std::string homeAssistantStatus() const { return prefix_ + "/status"; }
    /// True for a discovery message's topic (everything under the prefix).
    bool isDiscovery(const std::string& topic) const;
    /// Device-form discovery: <prefix>/device/<id>/config (HA >= 2024.12).
    std::string deviceDiscovery(const std::string& deviceId) const;
    /// Component-form discovery: <prefix>/<platform>/<id>/<object>/config.
    std::string componentDiscovery(const std::string& platform, const std::string& deviceId,
                                   const std::string& objectId) const;
    /// Whose discovery message `topic` is, and in which form; nullopt for any other topic.
    struct DiscoveryTarget {
        std::string device;
        bool deviceForm = true;
    };
    std::optional<DiscoveryTarget> discoveryTarget(const std::string& topic) const;

private:
    std::string base_;
    std::string prefix_;
};

}  // namespace bank2mqtt
