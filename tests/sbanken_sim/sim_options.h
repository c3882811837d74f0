// SPDX-License-Identifier: MIT
// What the simulator is told at start: where to listen, which credentials to accept, timings.
#pragma once

#include "sim_accounts.h"

#include <cstdint>
#include <functional>
#include <string>

namespace bank2mqtt::sim {

struct SimulatorOptions {
    std::string certFile;  ///< PEM server certificate (e.g. test-certs/server.pem); required
    std::string keyFile;   ///< PEM private key of certFile; required
    /// IP literal to bind both ports to; only loopback (127.0.0.0/8 or ::1) is accepted.
    std::string bindAddress = "127.0.0.1";
    std::uint16_t httpsPort = 0;    ///< 0: any free port (read it back with httpsPort())
    std::uint16_t controlPort = 0;  ///< 0: any free port (read it back with controlPort())
    std::string clientId = "demo-client";
    /// Full of characters that must be URL-encoded before base64 (RFC 6749 2.3.1), so that a
    /// client which forgets the encoding fails the way it did against the real Sbanken.
    std::string clientSecret = "Hemmelig+Passord/2026?=&%";
    std::string customerId = kDefaultCustomerId;  ///< required in the v1 `customerId` header
    int tokenLifetimeSeconds = 3600;              ///< `expires_in` of issued tokens; > 0
    int keepAliveTimeoutSeconds = 15;             ///< idle HTTPS connections close after this; > 0
    /// Accounts of the customer, 1 to 1000: the first (up to 4) are the default dataset, the
    /// rest generated (see generatedAccounts()); for benchmarks of many accounts.
    int accountCount = 4;
    /// HTTPS server threads, 2 to 1000. A kept-alive connection holds one thread until it
    /// closes, so a client with more connections than this waits for the keep-alive timeout.
    int maxThreads = 64;
    /// Receives one line per request and event when set; called from server threads, so it
    /// must be thread-safe. Never given secrets or tokens.
    std::function<void(const std::string&)> log;
};

}  // namespace bank2mqtt::sim
