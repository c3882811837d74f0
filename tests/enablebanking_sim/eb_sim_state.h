// SPDX-License-Identifier: MIT
// The Enable Banking simulator's mutable state: clock, consents, sessions, call budgets, faults.
#pragma once

#include "eb_sim_data.h"

#include <Poco/Event.h>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bank2mqtt::ebsim {

/// An Enable Banking ErrorResponse to send.
struct EbError {
    int status = 0;
    std::string message;
    std::string error;  ///< ErrorCode; empty: no "error" field
    std::string detail;
};

/// A reply body or the error to send instead.
struct Outcome {
    std::optional<EbError> error;
    std::string json;
};

/// The data endpoints that have a per-account daily budget.
enum class DataEndpoint { Details, Balances, Transactions };

/// The query of GET /accounts/{uid}/transactions that the simulator reads.
struct TransactionQuery {
    std::string dateFrom;  ///< booked entries on or after it; "" = all
    std::string dateTo;    ///< booked entries on or before it; "" = all
    std::string status;    ///< transaction_status filter; "" = all
    std::string continuationKey;
};

/// How matching requests misbehave (README.md lists the replies).
enum class FaultMode {
    Http503,
    Http500,
    Html,
    Truncated,
    Slow,
    RateLimit,
    PsuHeader,
    WrongParameters,
    AspspError,
    ExpiredSession
};
std::optional<FaultMode> parseFaultMode(const std::string& name);
std::string faultModeName(FaultMode mode);

struct Fault {
    FaultMode mode = FaultMode::Http503;
    std::string endpoint = "any";  ///< a counter name ("balances", "auth", ...) or "any"
    std::string account;           ///< an account key: only that account's data calls
    int remaining = 0;             ///< >0: this many more requests; 0: until cleared
    long delayMs = 30000;          ///< Slow only
    int status = 0;                ///< 0: the mode's default status
};

/// What /auth was asked for.
struct AuthRequest {
    std::string aspspName;
    std::string aspspCountry;
    std::string state;
    std::string redirectUrl;
    std::string psuType = "personal";
    long long validUntil = 0;
};

/// Where the login page sends the browser.
struct LoginRedirect {
    std::string location;
};

/// Thread-safe: every method may be called from any server thread or a test.
class EbSimState {
public:
    EbSimState(int dailyLimit, long long consentValidity, std::vector<std::string> redirectUrls);

    /// Unix seconds on the simulator's clock: the real clock plus every advance.
    long long now() const;
    void advanceClock(long long seconds);

    bool appActive() const;
    void setAppActive(bool active);
    std::vector<std::string> redirectUrls() const { return redirectUrls_; }
    long long consentValidity() const { return consentValidity_; }
    int dailyLimit() const { return dailyLimit_; }
    std::vector<EbAspsp> aspsps() const { return aspsps_; }

    void countRequest(const std::string& endpoint);
    /// One bearer JWT that passed (accepted) or failed the check.
    void countJwt(const std::string& jwt, bool accepted);

    /// Validates and stores an authorization; json: StartAuthorizationResponse without url.
    Outcome startAuthorization(const AuthRequest& request, std::string& authorizationId);
    /// The login page: redirect_url?code=&state= (or error=access_denied once after
    /// denyNextLogin()); nullopt for an unknown authorization id.
    std::optional<LoginRedirect> login(const std::string& authorizationId);
    void denyNextLogin();
    /// POST /sessions: a code is usable once and for 10 minutes; new uids every time.
    Outcome createSession(const std::string& code);
    Outcome getSession(const std::string& sessionId);
    Outcome deleteSession(const std::string& sessionId);
    /// The account behind `uid`, or the error its session's state calls for.
    Outcome accountByUid(const std::string& uid, EbAccount& account);
    /// Counts one unattended call to `endpoint` of `accountKey`; false (not counted) when the
    /// rolling 24 h budget is spent. Calls with PSU headers are user-present: not limited.
    bool spendCall(const std::string& accountKey, DataEndpoint endpoint, bool psuPresent);
    /// Expires every session (or one); data calls answer 401 EXPIRED_SESSION. False: unknown.
    bool expireSessions(const std::string& sessionId = "");

    void addFault(const Fault& fault);
    void clearFaults();
    /// The first fault matching `endpoint` (and `accountKey` for data calls); consumes one.
    std::optional<Fault> takeFault(const std::string& endpoint, const std::string& accountKey);

    /// Replaces an account's balances (key, IBAN or identification hash). False: unknown.
    bool setBalances(const std::string& account, const std::vector<EbBalance>& balances);

    /// Adds an entry to an account (key, IBAN or hash); entryReference "auto" gets a new one.
    /// The reference it got, or nullopt for an unknown account.
    std::optional<std::string> addTransaction(const std::string& account, EbTransaction entry);
    /// Books a pending entry (PDNG/HOLD -> BOOK, booked today), keeping its entry_reference or
    /// giving it a new one as some banks do. The reference it has now; nullopt: none found.
    std::optional<std::string> bookTransaction(const std::string& account,
                                               const std::string& entryReference,
                                               bool keepReference);
    /// Entries per page of GET /accounts/{uid}/transactions (1..1000; default 50).
    void setTransactionPageSize(int entries);
    /// One page of `accountKey`'s listing for `uid`; an unknown or another uid's
    /// continuation_key is 422 WRONG_CONTINUATION_KEY.
    Outcome transactionsPage(const std::string& accountKey, const std::string& currency,
                             const std::string& uid, const TransactionQuery& query);

    /// Control-port JSON: counters, accounts, sessions, faults, JWTs seen.
    std::string countersJson() const;
    std::string accountsJson() const;
    std::string sessionsJson() const;
    std::string faultsJson() const;
    std::string jwtsJson() const;
    void resetCounters();
    static constexpr std::size_t kMaxJwtsKept = 10000;
    static constexpr std::size_t kMaxDistinctJwts = 100000;

    /// Waits up to `ms` unless the simulator stops; false if interrupted.
    bool delayUnlessShuttingDown(long ms);
    void beginShutdown() { shutdown_.set(); }
    void endShutdown() { shutdown_.reset(); }

private:
    struct Authorization {
        AuthRequest request;
        std::string psuIdHash;
    };
    struct Code {
        std::string authorizationId;
        long long issued = 0;
        bool used = false;
    };
    struct Session {
        std::string status = "AUTHORIZED";
        AuthRequest request;
        std::string psuIdHash;
        long long created = 0;
        std::vector<std::pair<std::string, std::size_t>> uids;  // uid -> account index
    };

    struct Continuation {
        std::string uid;
        TransactionQuery query;
        std::size_t offset = 0;
    };

    std::string statusOf(const Session& session) const;  // EXPIRED once valid_until passed
    int findAccount(const std::string& key) const;

    mutable std::mutex mutex_;
    const int dailyLimit_;
    const long long consentValidity_;
    const std::vector<std::string> redirectUrls_;
    const std::vector<EbAspsp> aspsps_;
    long long clockOffset_ = 0;
    bool appActive_ = true;
    bool denyNextLogin_ = false;
    std::vector<EbAccount> accounts_;
    std::map<std::string, Authorization> authorizations_;
    std::map<std::string, Code> codes_;
    std::map<std::string, Session> sessions_;
    std::map<std::string, std::pair<std::string, std::size_t>> uids_;  // uid -> session, index
    std::map<std::pair<std::string, int>, std::deque<long long>> window_;
    std::map<std::string, std::vector<EbTransaction>> transactions_;  // account key -> entries
    std::map<std::string, Continuation> continuations_;
    std::size_t pageSize_ = 50;
    std::vector<Fault> faults_;
    std::map<std::string, std::uint64_t> requests_;
    std::map<std::pair<std::string, int>, std::uint64_t> accountCalls_;
    std::uint64_t jwtsAccepted_ = 0;
    std::uint64_t jwtsRejected_ = 0;
    std::uint64_t rateLimited_ = 0;
    std::set<std::string> distinctJwts_;
    std::vector<std::string> jwts_;
    Poco::Event shutdown_{Poco::Event::EVENT_MANUALRESET};
};

}  // namespace bank2mqtt::ebsim
