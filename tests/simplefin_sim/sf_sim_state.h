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
    SimReply accounts(const std::string& authorization, bool version2);

    // Control.
    bool setBalance(const std::string& key, const std::string& balance,
                    const std::optional<std::string>& available);
    void addError(SimError error);
    void clearErrors();
    void revokeAll();
    /// "none", "402", "html", "truncated", "500", "v1" (answer the v1 shape even to version=2).
    void setFault(const std::string& fault);
    /// Sets today's request count (to reach the warning or block quickly).
    void setRequestsToday(int n);
    void advanceClock(long long seconds);
    long long now() const;
    std::string countersJson() const;
    /// Every setup token, user and password issued (for secret sweeps).
    std::string secretsJson() const;
    std::vector<SimAccount> accountsSnapshot() const;

private:
    std::string body(bool version2, const std::vector<std::string>& warnings) const;
    long long day() const { return now() / 86400; }

    mutable std::mutex mutex_;
    std::vector<SimConnection> connections_;
    std::vector<SimAccount> accounts_;
    std::vector<SimError> errors_;
    std::map<std::string, bool> tokens_;   ///< token -> claimed
    std::vector<std::string> tokenTexts_;  ///< base64 setup tokens handed out
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
    int claims_ = 0;
    int claimRefusals_ = 0;
    int authFailures_ = 0;
};

/// A JSON string literal.
std::string jsonString(const std::string& text);

}  // namespace bank2mqtt::sfsim
