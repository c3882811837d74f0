// SPDX-License-Identifier: MIT
// Optional interfaces a plugin may offer beside BankSource, found through BankSource::capability.
//
// How the API grows without breaking plugins: BankSource's virtual table is fixed since API 2.
// Whatever a later version adds comes as a new interface here, with a name and a version of its
// own; the host asks a source for it (capabilityOf<T>) and works without it when the plugin is
// older. An interface, once published, never changes: a changed one gets a new version number
// and the host may ask for either.
#pragma once

#include "bank2mqtt/fetch_result.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

/// One step of an authorization: a question for the person, or the end.
struct AuthStep {
    enum class Kind {
        Ask,     ///< show `prompt` (and `url`, `choices`), then call answer() with the reply
        Done,    ///< authorized; `prompt` says what was stored (e.g. "consent valid until ...")
        Failed,  ///< `prompt` says why in one sentence; nothing was stored
    };
    Kind kind = Kind::Failed;
    /// The question or the outcome, one or two sentences a person understands. Never a secret,
    /// a token, an authorization code or a full account number.
    std::string prompt;
    /// Ask: a URL the person opens in a browser before answering (the bank's login page).
    std::string url;
    /// Ask: the possible answers (e.g. the banks of a country); empty = free text.
    std::vector<std::string> choices;
    /// Ask: the answer is a secret (a setup token, a URL with a code): the host does not echo,
    /// log or publish it.
    bool secretAnswer = false;
    /// Failed: the person's answer was wrong (a URL from another attempt, a malformed paste):
    /// exit 64 on the terminal. Otherwise the bank refused (access denied, code used): exit 77.
    bool usageError = false;

    static AuthStep ask(std::string prompt, std::string url = {},
                        std::vector<std::string> choices = {}, bool secretAnswer = false)
    {
        AuthStep s;
        s.kind = Kind::Ask;
        s.prompt = std::move(prompt);
        s.url = std::move(url);
        s.choices = std::move(choices);
        s.secretAnswer = secretAnswer;
        return s;
    }
    static AuthStep done(std::string prompt)
    {
        AuthStep s;
        s.kind = Kind::Done;
        s.prompt = std::move(prompt);
        return s;
    }
    static AuthStep failed(std::string prompt, bool usageError = false)
    {
        AuthStep s;
        s.kind = Kind::Failed;
        s.prompt = std::move(prompt);
        s.usageError = usageError;
        return s;
    }
};

/// A login that needs a person (an OAuth consent, a one-time setup token). The plugin owns the
/// protocol: which questions, which URL, what it stores in its StateStore. The host owns input
/// and output: `bank2mqtt --authorize=<source>` on a terminal, or Home Assistant (a button that
/// starts it and publishes the URL, a text entity that takes the answer). No plugin reads stdin
/// or touches MQTT. Called from one thread at a time, like BankSource; may block on the network.
class Authorization {
public:
    static constexpr const char* kName = "bank2mqtt.authorization";
    static constexpr std::uint32_t kVersion = 1;

    virtual ~Authorization() = default;
    /// Starts a new authorization and returns its first step; one in progress is abandoned.
    virtual AuthStep start() noexcept = 0;
    /// The person's reply to the last Ask step. After Done or Failed, start() begins anew.
    virtual AuthStep answer(const std::string& reply) noexcept = 0;
};

/// A login whose access ends on a date (a PSD2 consent, 90-180 days), so that the host can warn
/// before it ends and show the date in Home Assistant.
class ConsentInfo {
public:
    static constexpr const char* kName = "bank2mqtt.consent";
    static constexpr std::uint32_t kVersion = 1;

    virtual ~ConsentInfo() = default;
    /// When the current consent ends; nullopt when there is none (not authorized yet).
    virtual std::optional<std::chrono::system_clock::time_point> consentEnd() const noexcept = 0;
};

/// A bank that allows only so many unattended calls a day (PSD2 RTS art. 36(5): 4 per account
/// per endpoint per rolling 24 h). The host never polls past it, spreads the polls over the day
/// and keeps the count across restarts; the plugin only says the limit.
class CallLimit {
public:
    static constexpr const char* kName = "bank2mqtt.call_limit";
    static constexpr std::uint32_t kVersion = 1;

    virtual ~CallLimit() = default;
    /// Polls (one fetch()) allowed per rolling 24 h; 0 = no limit. Read after configure().
    virtual std::uint32_t pollsPerDay() const noexcept = 0;
};

/// One entry of an account's statement, as the bank lists it.
struct Transaction {
    /// The bank's own id of this entry, when it stays the same from poll to poll (and, where
    /// the bank does so, once a pending entry books). Empty when the bank has none: the host
    /// then tells entries apart by date, amount and text. Never published as it is.
    std::string id;
    /// Money into (positive) or out of (negative) the account, in the account's own unit and
    /// precision (the Account's balance currency and decimals).
    Money amount;
    /// The booking date as the bank gives it, "YYYY-MM-DD"; for a pending entry its
    /// transaction or value date, or "" when the bank gives none (the host uses today).
    std::string date;
    /// The bank's text for the entry, as it gives it: the merchant or the payer
    /// ("NARVESEN OSLO S", "Lommepenger fra pappa"). Never the counterpart's account number
    /// from a structured field (leave those out); the host masks every number of 6 or more
    /// digits in it (account numbers, national ids, card numbers) and cuts it to 120 code points
    /// before it leaves the process.
    std::string text;
    /// Reserved or authorised, not booked yet.
    bool pending = false;
};

/// The transactions of one account.
struct AccountTransactions {
    std::string fingerprint;  ///< Account::fingerprint of the account, as fetch() gave it
    std::vector<Transaction> transactions;  ///< booked and pending, in any order
};

/// What fetchTransactions() returns; statuses and `message` mean what they mean for fetch().
struct TransactionsResult {
    FetchStatus status = FetchStatus::Temporary;
    /// Ok: one entry per account it read (an account with no entries has an empty list).
    /// An account of the last fetch() missing here was not read this time (say why in
    /// `message`): the host publishes nothing for it and asks again next time.
    std::vector<AccountTransactions> accounts;
    std::optional<std::chrono::seconds> retryAfter;
    std::string message;

    static TransactionsResult ok(std::vector<AccountTransactions> accounts)
    {
        TransactionsResult r;
        r.status = FetchStatus::Ok;
        r.accounts = std::move(accounts);
        return r;
    }
    static TransactionsResult failure(FetchStatus status, std::string message,
                                      std::optional<std::chrono::seconds> retryAfter = std::nullopt)
    {
        TransactionsResult r;
        r.status = status;
        r.message = std::move(message);
        r.retryAfter = retryAfter;
        return r;
    }
};

/// A bank that can list an account's transactions. The host offers the new ones to Home
/// Assistant as events (`transactions = true` in the source's section); it remembers what it
/// has published, so a plugin simply lists what the bank has in the window asked for.
///
/// Order of calls, all on the thread that calls fetch(): enableTransactions() once after
/// configure() when the section asks for transactions; then, after an Ok fetch(),
/// fetchTransactions() at most as often as fetchesPerDay() allows.
class TransactionFeed {
public:
    static constexpr const char* kName = "bank2mqtt.transactions";
    static constexpr std::uint32_t kVersion = 1;

    virtual ~TransactionFeed() = default;
    /// The source's section says `transactions = true`. A plugin whose bank sends the
    /// transactions in the same reply as the balances (SimpleFIN) asks for them in fetch()
    /// from now on; others need do nothing.
    virtual void enableTransactions() noexcept = 0;
    /// The booked transactions dated on or after `since` ("YYYY-MM-DD", UTC) and every
    /// pending one, of the accounts the last Ok fetch() returned. Follows the bank's paging to
    /// the end, within a bound of its own (a reply that would not end is Temporary). Blocks on
    /// the network. A plugin that got the transactions with fetch() returns those, sends no
    /// request, and uses the `since` of the previous call for its next fetch() (two weeks
    /// back before the first call).
    virtual TransactionsResult fetchTransactions(const std::string& since) noexcept = 0;
    /// fetchTransactions() calls the bank allows per rolling 24 h, counted apart from the
    /// balances (PSD2: 4 per account on the transactions endpoint); 0 = no limit of its own.
    /// The host keeps this budget apart from CallLimit's, so transactions never take a
    /// balance poll's call. A plugin that sends no request in fetchTransactions() says 0.
    virtual std::uint32_t fetchesPerDay() const noexcept = 0;
};

}  // namespace bank2mqtt
