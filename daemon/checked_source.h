// SPDX-License-Identifier: MIT
// Where a plugin's output enters the daemon: secrets scrubbed, accounts checked before use.
#pragma once

#include "secret_scrubber.h"

#include "bank2mqtt/bank_source.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace bank2mqtt {

/// A BankSource as the rest of the daemon sees it: the plugin's instance behind a check.
///
/// - configure() teaches `scrubber` the source's secrets (SecretScrubber::learn), and every
///   text that comes back (ConfigResult::message, FetchResult::message, Account::name and
///   ::type) has them replaced by "***", whatever the bank echoed and the plugin passed on.
/// - An Ok result is checked: at most kMaxAccounts accounts from fetch(); each account with a
///   fingerprint of at least 16 hex digits, 3-letter upper-case currencies, a name and type of
///   valid UTF-8 without control characters, a masked number with at most 4 digits and a
///   selector index in range. A result that fails becomes that source's error (Temporary, or
///   ConfigError for too many accounts) with one sentence; it never reaches the publisher,
///   where it could throw and stop the daemon.
///
/// Threads: as BankSource (one caller at a time). Owns nothing: `inner` and `scrubber` must
/// outlive it.
class CheckedSource final : public BankSource {
public:
    /// More accounts than this from one login would mean as many Home Assistant devices.
    static constexpr std::size_t kMaxAccounts = 500;

    CheckedSource(BankSource& inner, std::string pluginName, SecretScrubber& scrubber);

    std::vector<ConfigKey> configKeys() const noexcept override;
    ConfigResult configure(const SourceConfig& config) noexcept override;
    FetchResult listAccounts() noexcept override;
    FetchResult fetch() noexcept override;
    /// The plugin's own capabilities (capabilities.h), unchanged: the host that drives one
    /// scrubs what comes back itself (scrubber()). Except TransactionFeed, which comes checked:
    /// see CheckedTransactions.
    void* capability(const std::string& name, std::uint32_t version) noexcept override;
    const SecretScrubber& scrubber() const { return scrubber_; }

    /// The plugin's TransactionFeed behind the same kind of check: the message and every text
    /// scrubbed of the source's secrets, then made fit to publish (sanitizeBankMessage: numbers
    /// of 6 or more digits masked, so no account number, national id or card number leaves the
    /// process, cut to 120 code points); only accounts of the last Ok fetch(), at most
    /// kMaxTransactions entries each; an entry in another unit or precision than its account's
    /// balance, or booked without a valid date, is left out (counted in the message).
    class CheckedTransactions final : public TransactionFeed {
    public:
        static constexpr std::size_t kMaxTransactions = 5000;
        explicit CheckedTransactions(CheckedSource& owner) : owner_(owner) {}
        void enableTransactions() noexcept override;
        TransactionsResult fetchTransactions(const std::string& since) noexcept override;
        std::uint32_t fetchesPerDay() const noexcept override;

    private:
        CheckedSource& owner_;
    };

private:
    FetchResult checked(FetchResult result, bool forPublishing) const;
    TransactionsResult checked(TransactionsResult result) const;
    TransactionFeed* innerFeed() noexcept;
    /// "" when `account` may be used, else what is wrong with it (no bank text quoted).
    std::string problemWith(const Account& account) const;

    BankSource& inner_;
    std::string pluginName_;
    SecretScrubber& scrubber_;
    std::size_t selectorCount_ = 0;
    /// The unit of each account of the last Ok fetch(), by plain fingerprint.
    std::map<std::string, Money> units_;
    CheckedTransactions transactions_{*this};
};

}  // namespace bank2mqtt
