// SPDX-License-Identifier: MIT
// The SimpleFIN simulator's state: setup tokens, Access URL credentials, the accounts of two
// connections, errors, faults, and the Bridge's daily request counts. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::sfsim {

/// The Bridge's quota (SimpleFIN support, actualbudget/actual#3228): warned at 48, blocked at 96.
inline constexpr int kWarnAt = 48;
inline constexpr int kBlockAt = 96;

struct SimAccount {
    std::string id;    ///< "ACT-..."
    std::string key;   ///< control-port name, e.g. "checking"
    std::string name;  ///< as the bank names it
    std::string connId;
    std::string currency;  ///< ISO code or a custom-currency URL
    std::string balance;
    std::optional<std::string> available;  ///< nullopt: the field is left out
    long long balanceDate = 0;
};

/// One entry of an account's statement, as the Bridge lists it.
struct SimTransaction {
    std::string id;              ///< "TRN-..."
    std::string accountId;       ///< SimAccount::id
    long long posted = 0;        ///< UNIX time; 0 while pending (the protocol allows it)
    long long transactedAt = 0;  ///< 0: the field is left out
    std::string amount;          ///< signed decimal string, negative = money out
    std::string description;
    std::string payee;  ///< "": left out (the Bridge sends it, the spec does not define it yet)
    std::string memo;   ///< "": left out
    bool pending = false;
};

/// What a GET /accounts asked for.
struct SimQuery {
    bool version2 = false;
    bool balancesOnly = false;           ///< balances-only=1: no `transactions` at all
    bool pending = false;                ///< pending=1: pending entries too
    std::optional<long long> startDate;  ///< booked entries posted on or after
    std::optional<long long> endDate;    ///< booked entries posted before
    std::string text;                    ///< the raw query string
};

struct SimConnection {
    std::string connId, name, orgId, domain;
};

/// An errlist entry the next replies carry: for one connection, one account, or the login.
struct SimError {
    std::string code, msg, connId, accountId;
    bool useMessageKey = false;  ///< "message" instead of "msg" (the spec's own inconsistency)
    /// v2: the connection's accounts are left out of the reply while the error lasts.
    bool dropAccounts = false;
};

/// What GET /accounts answers, decided under the lock.
struct SimReply {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
};

class SimState {
public:
    SimState();

    /// A new setup token for `claimBase` ("https://127.0.0.1:<port>/simplefin/claim/"): the
    /// base64 of the claim URL.
    std::string newToken(const std::string& claimBase);
    /// POST /claim/<token>: the Access URL once (`accessBase` "127.0.0.1:<port>/simplefin"),
    /// nullopt (403) for an unknown or already claimed token.
    std::optional<std::string> claim(const std::string& token, const std::string& accessBase);
    /// GET /accounts with this Authorization header value.
    SimReply accounts(const std::string& authorization, const SimQuery& query);

    // Control.
    bool setBalance(const std::string& key, const std::string& balance,
                    const std::optional<std::string>& available);
    void addError(SimError error);
    void clearErrors();
    void revokeAll();
    /// "none", "402", "html", "truncated", "500", "v1" (answer the v1 shape even to version=2).
    void setFault(const std::string& fault);
    /// Adds `t` to the account `key` (key or id); its id is made up when empty, `posted` is
    /// now when 0 and not pending, `transactedAt` now when 0 and pending. Returns the id, or ""
    /// for an unknown account.
    std::string addTransaction(const std::string& key, SimTransaction t);
    /// Books a pending entry: pending false, posted now; with `newId` it also gets a new id
    /// (whether the real Bridge keeps the id is UNCONFIRMED, so tests choose). Returns the id
    /// it has now, "" when no pending entry has `id`.
    std::string postTransaction(const std::string& id, bool newId);
    /// Sets today's request count (to reach the warning or block quickly).
    void setRequestsToday(int n);
    void advanceClock(long long seconds);
    long long now() const;
    std::string countersJson() const;
    /// Every setup token, user and password issued (for secret sweeps).
    std::string secretsJson() const;
    std::vector<SimAccount> accountsSnapshot() const;

private:
    std::string body(const SimQuery& query, const std::vector<std::string>& warnings) const;
    std::string transactionsJson(const SimAccount& account, const SimQuery& query) const;
    long long day() const { return now() / 86400; }

    mutable std::mutex mutex_;
    std::vector<SimConnection> connections_;
    std::vector<SimAccount> accounts_;
    std::vector<SimError> errors_;
    std::vector<SimTransaction> transactions_;  ///< in the order added
    std::map<std::string, bool> tokens_;        ///< token -> claimed
    std::vector<std::string> tokenTexts_;       ///< base64 setup tokens handed out
    struct Credential {
        std::string user, password;
        bool revoked = false;
    };
    std::vector<Credential> credentials_;
    std::string fault_ = "none";
    long long clockOffset_ = 0;
    long long countDay_ = -1;
    int requestsToday_ = 0;
    int accountRequests_ = 0;
    std::string lastQuery_;  ///< of the last GET /accounts that passed authentication
    int claims_ = 0;
    int claimRefusals_ = 0;
    int authFailures_ = 0;
};

/// A JSON string literal.
std::string jsonString(const std::string& text);

}  // namespace bank2mqtt::sfsim
