// SPDX-License-Identifier: MIT
// SimpleFinSource: one SimpleFIN Access URL (a SimpleFIN Bridge login) as a BankSource.
#pragma once

#include "sf_api.h"

#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/capabilities.h"
#include "bank2mqtt/services.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt::simplefin {

/// A SimpleFIN Bridge login (README.md lists the config keys, the API facts and the guide).
///
/// Requests per poll: exactly one GET <access>/accounts?version=2&balances-only=1, or, once
/// enableTransactions() was called, ...?version=2&start-date=<window start>&pending=1: the
/// Bridge counts every request against one daily quota, so the transactions come with the
/// balances and fetchTransactions() only hands out what the last fetch() read. The Access
/// URL is read from the StateStore (key kAccessStateKey) at every fetch, so a `bank2mqtt
/// --authorize` next to the running daemon is picked up at the next poll. configure() does no
/// network I/O. Errors of one connection or account (v2 `errlist`) leave only those accounts
/// out: fetch() returns the others as Ok with a message naming what is missing and why.
///
/// Authorization: asks for the setup token (a secret answer), decodes the claim URL, POSTs it
/// once and stores the Access URL it answers. A pasted Access URL is accepted as well (as Home
/// Assistant's own integration does). A 403 on the claim is never retried.
///
/// Threads and errors: as BankSource (one caller at a time, no exceptions escape).
class SimpleFinSource final : public BankSource,
                              public Authorization,
                              public CallLimit,
                              public TransactionFeed {
public:
    explicit SimpleFinSource(const Services& services);

    std::vector<ConfigKey> configKeys() const noexcept override;
    ConfigResult configure(const SourceConfig& config) noexcept override;
    FetchResult listAccounts() noexcept override;
    FetchResult fetch() noexcept override;
    void* capability(const std::string& name, std::uint32_t version) noexcept override;

    AuthStep start() noexcept override;
    AuthStep answer(const std::string& reply) noexcept override;

    std::uint32_t pollsPerDay() const noexcept override { return dailyLimit_; }

    void enableTransactions() noexcept override { transactionsOn_ = true; }
    /// Sends no request: the entries of the last fetch() dated on or after `since`, and every
    /// pending one. `since` becomes the start of the next fetch()'s window.
    TransactionsResult fetchTransactions(const std::string& since) noexcept override;
    std::uint32_t fetchesPerDay() const noexcept override { return 0; }

    static constexpr const char* kAccessStateKey = "access_url";
    /// SimpleFIN's suggested use; the Bridge warns at 48 requests a day and blocks at 96.
    static constexpr std::uint32_t kDefaultDailyLimit = 24;
    static constexpr std::uint32_t kBridgeBlocksAt = 96;
    /// The window before the host's first fetchTransactions(), and the most it may reach back
    /// (the Bridge caps a request at 90 days; how far back it keeps history is UNCONFIRMED).
    static constexpr std::chrono::hours kFirstWindow{14 * 24};
    static constexpr std::chrono::hours kLongestWindow{60 * 24};

private:
    /// Sentences of a status message, joined by "; ".
    static std::string joined(const std::vector<std::string>& parts);
    FetchResult poll(bool forListing);
    std::optional<AccessUrl> storedAccess() const;
    std::string authorizeHint() const;
    void noteWarnings(const std::vector<std::string>& warnings);
    AuthStep store(const AccessUrl& access, const std::string& how);
    std::int64_t windowStart() const;
    /// Keeps the transactions of the accounts fetch() returns (`returned`, with their
    /// fingerprints) for fetchTransactions(); `incomplete`: account ids of act.missingdata.
    void keepTransactions(const std::vector<std::pair<const SfAccount*, std::string>>& returned,
                          const std::set<std::string>& incomplete);

    Clock& clock_;
    HttpClient& http_;
    StateStore& state_;
    Logger& log_;

    bool configured_ = false;
    bool asking_ = false;
    std::string sourceId_;
    std::chrono::milliseconds timeout_{std::chrono::seconds(20)};
    std::uint32_t dailyLimit_ = kDefaultDailyLimit;
    std::vector<std::string> selectors_;
    std::string lastWarning_;  ///< logged once per change, not at every poll

    bool transactionsOn_ = false;
    std::string lastSince_;  ///< the previous fetchTransactions()'s `since`; "" before it
    /// What the last fetch() read; `transactionsRead_` false when it asked for none or failed.
    bool transactionsRead_ = false;
    std::vector<AccountTransactions> transactions_;
    std::vector<std::string> transactionsMissing_;  ///< "<account>: why", for the message
};

}  // namespace bank2mqtt::simplefin
