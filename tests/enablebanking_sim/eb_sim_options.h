// SPDX-License-Identifier: MIT
// What the Enable Banking simulator is told at start: where to listen, which key, which limits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bank2mqtt::ebsim {

/// The test application's id (the JWT `kid`) unless --app-id says otherwise.
inline const std::string kDefaultAppId = "3f0c6a2e-8d41-4b7a-9c55-2e7b1d9a4f60";

struct EbSimOptions {
    std::string certFile;    ///< PEM server certificate (test-certs/server.pem); required
    std::string keyFile;     ///< PEM private key of certFile; required
    std::string appKeyFile;  ///< PEM public key or certificate of the application; required
    std::string appId = kDefaultAppId;
    /// IP literal to bind both ports to; only loopback (127.0.0.0/8 or ::1) is accepted.
    std::string bindAddress = "127.0.0.1";
    std::uint16_t httpsPort = 0;    ///< 0: any free port
    std::uint16_t controlPort = 0;  ///< 0: any free port
    /// Unattended calls per account and endpoint in a rolling 24 h (PSD2 RTS art. 36(5)).
    int dailyLimit = 4;
    /// The banks' maximum_consent_validity in seconds (180 days, the common maximum).
    long long consentValiditySeconds = 180LL * 24 * 3600;
    /// The application's registered redirect URLs; /auth accepts only these.
    std::vector<std::string> redirectUrls = {"https://enablebanking.com/",
                                             "https://127.0.0.1/bank2mqtt/callback"};
    int keepAliveTimeoutSeconds = 15;
    int maxThreads = 16;
    /// Receives one line per request when set; thread-safe; never given JWTs, codes or IBANs.
    std::function<void(const std::string&)> log;
};

}  // namespace bank2mqtt::ebsim
