// SPDX-License-Identifier: MIT
// One source's poll: fetch through its plugin, publish accounts and status, log state changes once.
#pragma once

#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/services.h"
#include "discovery.h"
#include "payloads.h"
#include "published_topics.h"
#include "publisher.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

/// What the poll loop needs to know about one source beyond the plugin.
struct SourcePlan {
    std::string id;
    std::vector<std::string> aliases;  ///< per selector index; empty string = no alias
    std::optional<std::string> lowBalance;
    std::chrono::seconds maxAge{2700};
    std::string bank;  ///< the bank's display name, the HA device's manufacturer
    /// Home Assistant discovery settings; nullopt when `discovery = false`.
    std::optional<DiscoverySettings> discovery;
    /// Turns a plugin's fingerprint into the id the host uses and publishes (see
    /// InstallationKey); empty = use the fingerprint as it is (tests).
    std::function<std::string(const std::string&)> publicId;
};

/// Not thread-safe: the poll loop calls it from one thread.
class SourcePoller {
public:
    SourcePoller(SourcePlan plan, BankSource& source, Clock& clock, Logger& log,
                 StateStore& hostState, Publisher& publisher, PublishedTopics& registry);

    const std::string& id() const { return plan_.id; }
    const SourceStatus& status() const { return status_; }

    /// Fetches once and publishes the accounts (on success). Does not publish the status, which
    /// needs the next poll time: call publishStatus() after the scheduler has been told.
    FetchResult poll();
    void publishStatus(std::optional<std::chrono::system_clock::time_point> nextPoll);

    /// When the last good data turns older than max_age (nullopt: no data, or already stale).
    std::optional<std::chrono::steady_clock::time_point> freshnessDeadline() const;
    /// Past the deadline: state becomes "stale", every account's availability "offline", the
    /// status is republished (keeping its next_poll) and the change is logged once.
    void checkFreshness();

    /// Topic key of each account published so far, by fingerprint.
    const std::map<std::string, std::string>& keys() const { return keys_; }

private:
    void publishAccounts(const std::vector<Account>& accounts,
                         std::chrono::system_clock::time_point fetchedAt);
    std::string keyFor(const Account& account, std::vector<std::string>& used);
    using Message = std::pair<std::string, std::string>;  ///< topic, payload
    const std::vector<std::string>& discoveryFor(const Account& account, const std::string& key,
                                                 std::vector<Message>& messages);
    void publishAvailability();
    std::string statusTopic() const;
    void logTransition(const std::string& oldState, const std::string& oldError, int failures);

    SourcePlan plan_;
    BankSource& source_;
    Clock& clock_;
    Logger& log_;
    StateStore& hostState_;
    Publisher& publisher_;
    PublishedTopics& registry_;
    SourceStatus status_;
    std::optional<std::chrono::steady_clock::time_point> lastSuccessMono_;
    std::vector<std::string> accountTopics_;  // <base>/<source>/<key> of the accounts published
    std::map<std::string, std::string> keys_;
    /// Discovery topics per account fingerprint, with the inputs they were built from.
    struct CachedDiscovery {
        std::string inputs;
        std::vector<std::string> topics;
    };
    std::map<std::string, CachedDiscovery> discovery_;
    int failures_ = 0;
};

}  // namespace bank2mqtt
