// SPDX-License-Identifier: MIT
// One source's poll: fetch through its plugin, publish accounts and status, log state changes once.
#pragma once

#include "account_discovery_cache.h"
#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/services.h"
#include "call_budget.h"
#include "consent_watch.h"
#include "installation_key.h"
#include "payloads.h"
#include "published_topics.h"
#include "publisher.h"
#include "retained_set.h"
#include "transaction_ledger.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bank2mqtt {

/// What the poll loop needs to know about one source beyond the plugin.
struct SourcePlan {
    std::string id;
    std::vector<std::string> aliases;       ///< per selector index; empty string = no alias
    std::optional<std::string> lowBalance;  ///< the source's `low_balance`
    /// Per selector index: `selector@100` overrides lowBalance ("off" = none); nullopt = the
    /// source's.
    std::vector<std::optional<std::string>> accountLowBalance;

    /// The low-balance threshold of an account chosen by selector `selector` (-1 = no
    /// selectors), or nullopt when it has none.
    std::optional<std::string> lowBalanceFor(int selector) const
    {
        if (selector >= 0 && static_cast<std::size_t>(selector) < accountLowBalance.size() &&
            accountLowBalance[static_cast<std::size_t>(selector)]) {
            const std::string& own = *accountLowBalance[static_cast<std::size_t>(selector)];
            return own == "off" ? std::nullopt : std::optional<std::string>(own);
        }
        return lowBalance;
    }
    std::chrono::seconds maxAge{2700};
    std::string bank;  ///< the bank's display name, the HA device's manufacturer
    /// Home Assistant discovery settings; nullopt when `discovery = false`.
    std::optional<DiscoverySettings> discovery;
    /// consent_warning: how long before a consent ends the source shows consent_expiring.
    std::chrono::seconds consentWarning{14 * 24 * 3600};
    /// `transactions = true` (the plugin offers TransactionFeed): new transactions are
    /// announced; `transactions_backlog` of them on an account's first listing.
    bool transactions = false;
    int transactionsBacklog = 0;
};

/// A fetch as it came back from the plugin, with when it started.
struct FetchOutcome {
    FetchResult result;
    std::chrono::system_clock::time_point wallStarted;
    std::chrono::steady_clock::time_point monoStarted;
    /// ConsentInfo::consentEnd() as read on the worker with the fetch (consentRead).
    bool consentRead = false;
    std::optional<std::chrono::system_clock::time_point> consentEnd;
    /// Before the fetch, ConsentInfo said there was no consent or that it had ended: the
    /// plugin could make no request (the call budget takes the call back).
    bool withoutConsent = false;
    /// The fetch sent no request towards the bank (a plugin not authorized yet, a selector
    /// error found before any request): the call budget takes the call back.
    bool madeNoRequest = false;
    /// The transactions read after an Ok fetch (transactions = true); nullopt when none were
    /// asked for (a failed fetch, none of their own daily calls left).
    std::optional<TransactionsResult> transactions;
};

/// Not thread-safe: the poll loop calls it from one thread, except fetch(), which only calls
/// the plugin and may run on a worker thread while the loop thread serves other sources (never
/// two fetch() of one source at once).
class SourcePoller {
public:
    /// `ids` keys every fingerprint before it is used or published (see InstallationKey); it
    /// must outlive the poller. Restores from `hostState` the account keys and the time of the
    /// last successful poll, and from `registry` the accounts published before this process.
    SourcePoller(SourcePlan plan, const InstallationKey& ids, BankSource& source, Clock& clock,
                 Logger& log, StateStore& hostState, Publisher& publisher,
                 PublishedTopics& registry);

    const std::string& id() const { return plan_.id; }
    const SourceStatus& status() const { return status_; }
    Logger& log() { return log_; }

    /// Publishes what is known before the first poll: each account published by an earlier
    /// process is `online` only while its last success (kept in state_dir) is younger than
    /// max_age, otherwise `offline` and the source `stale`. A restart never makes an old
    /// balance look fresh.
    void publishRestored();

    /// fetch() then apply(): one poll on the calling thread.
    FetchResult poll();
    /// Only the plugin's fetch, timed; touches nothing else of the poller.
    FetchOutcome fetch();
    /// Publishes the accounts of a successful fetch, updates the state and logs a change once.
    /// Does not publish the status, which needs the next poll time: call publishStatus() after
    /// the scheduler has been told.
    FetchResult apply(FetchOutcome outcome);
    void publishStatus(std::optional<std::chrono::system_clock::time_point> nextPoll);

    /// The source's call budget (owned by SourceBudgets, outliving the poller), or nullptr.
    /// With one, every status carries its calls_* fields, and balances restored fresh (younger
    /// than max_age) make the source "ok" at start-up: its first poll may be hours away.
    void setCallBudget(const CallBudget* budget) { budget_ = budget; }
    /// How many requests the source's HTTP client has sent so far: a fetch that sent none
    /// is marked FetchOutcome::madeNoRequest. Without it, every fetch counts as a call.
    void countRequestsWith(std::function<std::uint64_t()> counter)
    {
        requestCounter_ = std::move(counter);
    }
    /// With a call budget: when its count changes without a poll (a spent call frees up);
    /// nullopt without a budget or with nothing spent.
    std::optional<std::chrono::steady_clock::time_point> callsChangeAt() const;
    /// Republishes the status (keeping its next_poll) when the calls left differ from the
    /// published ones, so that Home Assistant's count goes up when a call frees up.
    void checkCalls();
    /// A command that was not carried out (a refresh with no call left): `sentence` is
    /// published as the status's notice, state, error and values unchanged, and logged.
    void refuse(const std::string& sentence);

    /// When the last good data turns older than max_age (nullopt: no data, or already stale).
    std::optional<std::chrono::steady_clock::time_point> freshnessDeadline() const;
    /// Past the deadline: state becomes "stale", every account's availability "offline", the
    /// status is republished (keeping its next_poll) and the change is logged once.
    void checkFreshness();

    /// A consent (ConsentInfo) changes phase as time passes: consent_expiring from
    /// consent_warning before its end, auth_failed at the end (polling must stop: Ended).
    /// Re-evaluates at the current wall time, publishes availability and logs a change once;
    /// the caller publishes the status (with the next poll) unless the state is Starting.
    enum class ConsentChange { None, Changed, Ended };
    ConsentChange checkConsent();
    /// When checkConsent() has something to do next (nullopt: nothing ahead).
    std::optional<std::chrono::steady_clock::time_point> consentDeadline() const;
    /// A renewal completed with this end (read on the worker): as checkConsent().
    ConsentChange consentRenewed(std::optional<std::chrono::system_clock::time_point> end);
    /// The source waits for a person (auth_failed) and its plugin can tell a new consent
    /// (ConsentInfo): the poll loop looks for one stored next to it (--authorize).
    bool waitsForConsent() const
    {
        return consentInfo_ != nullptr && status_.state == SourceState::AuthFailed;
    }
    /// The consent's end as the poll thread knows it.
    std::optional<std::chrono::system_clock::time_point> knownConsentEnd() const
    {
        return consent_ ? consent_->end() : std::nullopt;
    }
    /// ConsentInfo::consentEnd(), read from the plugin like fetch(): on the worker thread,
    /// touching nothing else of the poller.
    std::optional<std::chrono::system_clock::time_point> readConsentEnd()
    {
        return consentInfo_ != nullptr ? consentInfo_->consentEnd() : std::nullopt;
    }

    /// Hands the transaction announcements waiting in the queue to the broker, oldest first,
    /// each also as the account's retained last_transaction; stops at the first the client does
    /// not take (disconnected) and keeps the rest for the next call (after a reconnect).
    void publishTransactions();

    /// Topic key of each account published so far, by public id.
    const std::map<std::string, std::string>& keys() const { return keys_; }

private:
    /// `partial`: the accounts published before and missing from `accounts` keep their topics.
    void publishAccounts(const std::vector<Account>& accounts,
                         std::chrono::system_clock::time_point fetchedAt, bool partial);
    std::string keyFor(const Account& account, std::vector<std::string>& used);
    void publishAvailability();
    void restoreLastSuccess();
    void saveKeys();
    void logTransition(SourceState oldState, const std::string& oldError, int failures);
    /// After a poll's state: consent_expiring instead of ok within the warning; the status's
    /// consent fields.
    void overlayConsent();

    SourcePlan plan_;
    const InstallationKey& ids_;
    BankSource& source_;
    Clock& clock_;
    Logger& log_;
    StateStore& hostState_;
    Publisher& publisher_;
    PublishedTopics& registry_;
    SourceStatus status_;
    std::optional<std::chrono::steady_clock::time_point> lastSuccessMono_;
    std::vector<std::string> accountKeys_;  // keys of the accounts on the broker now
    // Accounts the last results left out (a partial result: one connection failed), with when
    // they were last read: their problem entity is on, and they go unavailable once that is
    // longer ago than max_age even while the other accounts stay fresh.
    std::map<std::string, std::chrono::steady_clock::time_point> leftOut_;
    std::function<std::uint64_t()> requestCounter_;
    std::set<std::string> keptKeys_;  // what the last publishAccounts() kept from before
    void noteLeftOut(std::chrono::steady_clock::time_point fetchStarted);
    bool accountFresh(const std::string& key, std::chrono::steady_clock::time_point now) const;
    std::map<std::string, std::string> keys_;
    /// Home Assistant's account devices; nullopt when `discovery = false`.
    std::optional<AccountDiscoveryCache> discovery_;
    /// The plugin's capabilities, found once at construction (before any worker runs).
    ConsentInfo* consentInfo_ = nullptr;
    bool renewable_ = false;  ///< offers Authorization: <base>/<source>/consent is ours
    /// Poll-thread copy of the consent's end; fetch() reads the plugin, never this.
    std::optional<ConsentWatch> consent_;
    int failures_ = 0;
    const CallBudget* budget_ = nullptr;

    // Transactions (plan_.transactions): the plugin's feed, the host's memory of what was
    // announced, and the feed's own call budget when the bank limits it (fetch worker only).
    void setUpTransactions();  // in the constructor, before any worker runs
    void applyTransactions(const TransactionsResult& result);
    std::optional<TransactionsResult> fetchTransactions();
    TransactionFeed* feed_ = nullptr;
    std::optional<TransactionLedger> ledger_;
    std::unique_ptr<StateStore> transactionBudgetStore_;
    std::unique_ptr<CallBudget> transactionBudget_;
};

}  // namespace bank2mqtt
