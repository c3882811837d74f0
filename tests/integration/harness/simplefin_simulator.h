// SPDX-License-Identifier: MIT
// The project's SimpleFIN Bridge simulator as a child process, plus a client for its control port.
#pragma once

#include "harness/child_process.h"

#include <memory>
#include <string>
#include <vector>

namespace bank2mqtt::itest {

/// The simulator's dataset (tests/simplefin_sim): account keys on the control port.
namespace sfsim {
inline const std::string kChecking = "checking";  ///< Chase, USD 437.25 / 400.00
inline const std::string kVisa = "visa";          ///< Chase, USD -532.69, no available
inline const std::string kSavings = "savings";    ///< Maple Credit Union, CAD 1200.50
inline const std::string kMiles = "miles";        ///< Maple Credit Union, custom currency 12500
inline const std::string kChase = "CON-1";
inline const std::string kMaple = "CON-2";
}  // namespace sfsim

/// Owns a bank2mqtt-simplefin-sim process on kernel-chosen loopback ports. Control calls are
/// plain HTTP to 127.0.0.1 and throw std::runtime_error on any failure. Not thread-safe.
class SimpleFinSimulator {
public:
    SimpleFinSimulator(std::string binary, std::string certDir);
    ~SimpleFinSimulator();
    SimpleFinSimulator(const SimpleFinSimulator&) = delete;
    SimpleFinSimulator& operator=(const SimpleFinSimulator&) = delete;

    /// Starts it and waits for READY.
    void start();
    void stop();

    int httpsPort() const { return httpsPort_; }
    /// A new setup token (base64 of the simulator's claim URL).
    std::string newToken();
    void setBalance(const std::string& account, const std::string& balance,
                    const std::string& available = "");
    /// An errlist entry for a connection (conn) or an account (account key); `dropAccounts`:
    /// v2 replies leave the connection's accounts out while it lasts.
    void addError(const std::string& code, const std::string& msg, const std::string& conn,
                  const std::string& account = "", bool dropAccounts = false);
    void clearErrors();
    /// Every Access URL issued so far stops working (403 HTML).
    void revoke();
    /// none | 402 | html | 500 | truncated | v1
    void fault(const std::string& mode);
    void setRequestsToday(int n);
    /// Adds a transaction to an account (key) and returns its id. `amount` is signed ("-49.00"
    /// = money out); `posted` 0 = now (a pending one stays 0 and is transacted now);
    /// `payee` "" = the field is left out.
    std::string addTransaction(const std::string& account, const std::string& amount,
                               const std::string& description, const std::string& payee = "",
                               bool pending = false, long long posted = 0);
    /// Books a pending transaction (posted now) and returns its id then; `newId`: it gets a new
    /// id (whether the real Bridge keeps it is UNCONFIRMED).
    std::string postTransaction(const std::string& id, bool newId = false);
    /// The raw query string of the last authenticated GET /accounts.
    std::string lastQuery();
    /// {"accounts_requests", "requests_today", "claims", "claim_refusals", "auth_failures"}.
    int counter(const std::string& name);
    /// Every setup token, claim token, user and password issued (for secret sweeps).
    std::vector<std::string> secrets();

    std::string transcript() const;

private:
    std::string request(const std::string& method, const std::string& pathAndQuery);

    std::string binary_;
    std::string certDir_;
    int httpsPort_ = 0;
    int controlPort_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace bank2mqtt::itest
