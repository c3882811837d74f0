// SPDX-License-Identifier: MIT
// The project's Firefly III simulator as a child process, plus a client for its control port.
#pragma once

#include "harness/child_process.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bank2mqtt::itest {

/// The simulator's defaults (tests/firefly_sim): its token and some of its accounts.
namespace ffsim {
inline const std::string kToken =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.ZmlyZWZseS1zaW0tdGVzdC10b2tlbg.c2ltLXNpZ25hdHVyZQ";
inline const std::string kLommepengerIban = "NO9386011117947";
inline const std::string kSparekontoNumber = "9710.41.33227";
inline const std::string kGirokontoIban = "DE89370400440532013000";
}  // namespace ffsim

/// Owns a bank2mqtt-firefly-sim process with ports chosen by the kernel. Control calls are plain
/// HTTP to 127.0.0.1 and throw std::runtime_error on any failure with the reply's body.
class FireflySimulator {
public:
    /// `binary`: the simulator; `certDir`: server.pem/.key (build/test-certs).
    FireflySimulator(std::string binary, std::string certDir);
    ~FireflySimulator();

    FireflySimulator(const FireflySimulator&) = delete;
    FireflySimulator& operator=(const FireflySimulator&) = delete;

    /// Starts it (extra options, e.g. "--extra-accounts=600") and waits for READY.
    void start(const std::vector<std::string>& extraArgs = {});
    void stop();

    /// "https://127.0.0.1:<port>": the plugin's url.
    std::string httpsUrl() const;
    /// "http://127.0.0.1:<port>": the same API without TLS.
    std::string httpUrl() const;

    /// GET /counters: requests, accounts, https, http, unauthorized, page_<n>, faults.
    std::map<std::string, int> counters();
    void resetCounters();
    /// mode 401|302|406|422|429|500|html|login_html|basic_auth|truncated|none; count 0 = until
    /// cleared.
    void fault(const std::string& mode, int count = 0);
    /// A proxy in front that drops Authorization and Accept.
    void setProxy(bool on);
    void setBalance(int id, const std::string& amount);

    /// One transaction of the simulator (POST /transactions). `source`/`destination`: an
    /// account id of the dataset ("1"), or a counterpart's name ("Narvesen"); the IBANs, when
    /// set, are the counterpart's as Firefly III would send them (to prove they never leak).
    struct Transaction {
        std::string type = "withdrawal";  ///< withdrawal, deposit or transfer
        std::string source;
        std::string destination;
        std::string amount;  ///< positive, "49.00"
        std::string description;
        std::string date;  ///< "YYYY-MM-DD" (at midnight +01:00) or an ATOM time
        std::string sourceIban;
        std::string destinationIban;
    };
    /// Adds it; returns its transaction_journal_id.
    std::string addTransaction(const Transaction& transaction);
    void clearTransactions();
    /// Largest page of transactions whatever `limit` asks; 0 = no cap.
    void setTransactionPageSize(int size);
    /// GET /counters' transaction_requests: requests to accounts/{id}/transactions.
    int transactionRequests();

    std::string transcript() const;

private:
    std::string request(const std::string& method, const std::string& pathAndQuery);

    std::string binary_;
    std::string certDir_;
    int httpsPort_ = 0;
    int httpPort_ = 0;
    int controlPort_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace bank2mqtt::itest
