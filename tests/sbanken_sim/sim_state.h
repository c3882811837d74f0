// SPDX-License-Identifier: MIT
// The simulator's mutable state: accounts, issued tokens, counters and the active fault.
#pragma once

#include "sim_accounts.h"
#include "sim_transactions.h"

#include <Poco/Event.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::sim {

/// What the control port's GET /counters reports.
struct SimCounters {
    std::uint64_t tokenRequests = 0;        ///< every request to the token path
    std::uint64_t tokensIssued = 0;         ///< successful token replies
    std::uint64_t accountRequests = 0;      ///< every other request under the API prefixes
    std::uint64_t transactionRequests = 0;  ///< every request to Transactions/..., faulted or not
    std::uint64_t tlsConnections = 0;       ///< HTTPS connections accepted (keep-alive reuse: 1)
    std::uint64_t tlsHandshakes = 0;        ///< TLS handshakes completed, full or resumed
    std::uint64_t tlsResumed = 0;           ///< of those, resumed sessions (SSL_session_reused)
};

/// How the next matching requests misbehave. See README.md for each mode's exact reply.
enum class FaultMode {
    None,
    Http503,
    Http401,
    Http429,
    Html,
    Truncated,
    Slow,
    IsError,
    Empty,
    InvalidClient,
    Drip,  ///< the normal reply, one byte every delayMs (a bank that is alive but crawls)
    Echo,  ///< 400 whose error text echoes the client secret, the bearer token and the customer id
    TemporarilyUnavailable,  ///< 400 {"error":"temporarily_unavailable"} (OAuth: try later)
    Firewall403              ///< 403 with a web application firewall's HTML page
};
/// Which endpoint a fault hits: the account API paths or the token endpoint.
enum class FaultTarget { Api, Token };

struct Fault {
    FaultMode mode = FaultMode::None;
    FaultTarget target = FaultTarget::Api;
    int remaining = 0;     ///< >0: this many more matching requests, then cleared; 0: until cleared
    long delayMs = 30000;  ///< Slow: the wait before the reply; Drip: the gap between bytes
};

/// "none", "503", ..., "empty" <-> FaultMode; nullopt for an unknown name.
std::optional<FaultMode> parseFaultMode(const std::string& name);
std::string faultModeName(FaultMode mode);

/// Thread-safe: every method may be called from any server thread or from a test.
class SimState {
public:
    SimState(std::vector<SimAccount> accounts, std::chrono::seconds tokenLifetime);

    /// A new random opaque token (43 base64url characters), valid for the token lifetime.
    std::string issueToken();
    /// True for a token this simulator issued that has not expired.
    bool tokenValid(const std::string& token) const;
    /// Every token issued so far is expired from now on.
    void expireTokens();
    /// Every token issued since start, oldest first (at most the latest kMaxIssuedTokens), for
    /// tests that prove no token leaks. Expiry does not remove a token from this list.
    std::vector<std::string> issuedTokens() const;
    static constexpr std::size_t kMaxIssuedTokens = 10000;

    void countTokenRequest();
    void countAccountRequest();
    void countTransactionRequest();
    void countTlsConnection();
    /// One completed TLS handshake; `resumed` when the client resumed an earlier session.
    void countTlsHandshake(bool resumed);
    SimCounters counters() const;
    void resetCounters();
    /// Blocks until `predicate(counters())` holds or `timeout` passes; returns whether it holds.
    bool waitForCounters(const std::function<bool(const SimCounters&)>& predicate,
                         std::chrono::milliseconds timeout) const;

    void setFault(const Fault& fault);
    Fault fault() const;
    /// The fault to apply to one request to `target`, if any; consumes one of its count.
    std::optional<Fault> takeFault(FaultTarget target);

    std::vector<SimAccount> accounts() const;
    /// Sets balance and available (default: balance + creditLimit). False if `key` is unknown.
    bool setBalance(const std::string& key, MinorUnits balance,
                    std::optional<MinorUnits> available);
    /// False if `key` is unknown.
    bool rename(const std::string& key, const std::string& name);

    /// Appends `transaction` (its id and accountId are set here) to the account `key`; returns
    /// the new entry's id, or nullopt if `key` is unknown.
    std::optional<std::string> addTransaction(const std::string& key, SimTransaction transaction);
    /// The reservation `id` books: it is removed and a booked entry with the same amount (and
    /// `text` when not empty, dated `date` or its own date) is appended. Returns the new entry's
    /// id, or nullopt if no reservation has that id.
    std::optional<std::string> bookTransaction(const std::string& id, const std::string& date,
                                               const std::string& text);
    /// The entries of the account whose accountId is `accountId`, oldest added first.
    std::vector<SimTransaction> transactions(const std::string& accountId) const;

    /// Waits up to `ms` for shutdown; true if the full delay passed, false if interrupted.
    bool delayUnlessShuttingDown(long ms);
    void beginShutdown() { shutdown_.set(); }
    void endShutdown() { shutdown_.reset(); }

private:
    using SteadyClock = std::chrono::steady_clock;

    mutable std::mutex mutex_;
    mutable std::condition_variable countersChanged_;
    std::vector<SimAccount> accounts_;
    std::vector<SimTransaction> transactions_;  // every account's, oldest added first
    std::uint64_t lastTransactionId_ = 0;
    std::chrono::seconds tokenLifetime_;
    std::map<std::string, SteadyClock::time_point> tokens_;  // token -> expiry
    std::vector<std::string> issued_;                        // every token, oldest first
    SimCounters counters_;
    Fault fault_;
    Poco::Event shutdown_{Poco::Event::EVENT_MANUALRESET};
};

}  // namespace bank2mqtt::sim
