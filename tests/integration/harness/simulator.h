// SPDX-License-Identifier: MIT
// The project's Sbanken simulator as a child process, plus a client for its control port.
#pragma once

#include "harness/child_process.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bank2mqtt::itest {

/// What the simulator's demo customer looks like (tests/sbanken_sim defaults).
namespace sim {
inline const std::string kClientId = "demo-client";
inline const std::string kClientSecret = "Hemmelig+Passord/2026?=&%";
inline const std::string kCustomerId = "12345678901";
inline const std::string kSharedOwnerId = "10987654321";
inline const std::string kLommepenger = "97104133219";
inline const std::string kSparekonto = "97104133227";
inline const std::string kFelleskonto = "97104133235";
inline const std::string kKredittkort = "97104133243";
}  // namespace sim

/// Request counters since start or the last resetCounters().
struct SimCounters {
    int tokenRequests = 0;
    int tokensIssued = 0;
    int accountRequests = 0;
    int tlsConnections = 0;
};

/// Owns a bank2mqtt-sbanken-sim process with HTTPS and control ports chosen by the kernel.
/// Control calls are plain HTTP to 127.0.0.1 and throw std::runtime_error on any failure
/// (connection, non-2xx reply) with the reply's body. Not thread-safe.
class Simulator {
public:
    /// `binary`: the simulator executable; `certDir`: where server.pem and server.key are.
    Simulator(std::string binary, std::string certDir);
    ~Simulator();

    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    /// Starts the simulator and waits for its `READY https=<port> control=<port>` line.
    /// `cert` names the certificate pair in the certificate directory: "server" (trusted),
    /// "untrusted" (self-signed) or "wronghost" (for another host name). After a stop(), the
    /// new process listens on the same HTTPS port again, so a daemon's URLs stay valid (the
    /// control port may change; controlPort() follows it); counters, tokens and faults start
    /// afresh. Throws std::runtime_error with the simulator's output if it does not start.
    void start(const std::string& cert = "server");
    /// Command-line options added at every later start(), e.g. {"--accounts=1000"}.
    void setExtraArguments(std::vector<std::string> arguments)
    {
        extraArguments_ = std::move(arguments);
    }
    /// SIGTERM and wait for the exit. Until the next start() the ports are closed: a
    /// connection to them is refused. The HTTPS port stays reserved for the next start().
    void stop();

    int httpsPort() const { return httpsPort_; }
    int controlPort() const { return controlPort_; }
    std::string authUrl() const;
    std::string apiUrl() const;

    SimCounters counters();
    void resetCounters();
    /// Makes the next `count` requests to `target` ("api" or "token"; 0 = until cleared with
    /// mode "none") fail as `mode`: none|503|401|429|html|truncated|slow|iserror|empty.
    /// `delayMs` is the delay of mode "slow".
    void fault(const std::string& mode, const std::string& target = "api", int count = 0,
               int delayMs = 0);
    void expireTokens();
    /// `balance` is a decimal string, e.g. "512.50"; `account` an account number.
    void setBalance(const std::string& account, const std::string& balance);
    void rename(const std::string& account, const std::string& name);
    /// POST /transaction; returns the simulator's id of the new entry.
    std::string addTransaction(const std::string& account, const std::string& amount,
                               const std::string& text, bool pending = false,
                               const std::string& date = "", const std::string& otherAccount = "");
    /// POST /book: the reservation `id` books (with `text` when not empty).
    void bookTransaction(const std::string& id, const std::string& text = "");
    /// GET /counters' transaction_requests.
    std::uint64_t transactionRequests();
    /// Every access token this process issued (GET /tokens), expired ones included.
    std::vector<std::string> issuedTokens();
    /// The full account number of every account in the dataset (GET /accounts).
    std::vector<std::string> accountNumbers();

    /// Everything every simulator process of this object said.
    std::string transcript() const;

private:
    std::string post(const std::string& pathAndQuery);
    std::string request(const std::string& method, const std::string& pathAndQuery);

    std::string binary_;
    std::string certDir_;
    std::vector<std::string> extraArguments_;
    int httpsPort_ = 0;
    int controlPort_ = 0;
    int httpsPortGuard_ = -1;  // bound, never listening: keeps httpsPort_ free for a restart
    std::unique_ptr<ChildProcess> process_;
    std::string pastTranscripts_;  // of processes replaced by a restart
};

}  // namespace bank2mqtt::itest
