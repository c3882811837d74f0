// SPDX-License-Identifier: MIT
// Writes a bank2mqtt configuration (ini, secret files, state dir) pointing at test servers.
#pragma once

#include "harness/temp_dir.h"

#include <string>

namespace bank2mqtt::itest {

/// What goes into one test's configuration. The defaults describe the simulator's demo login.
struct DaemonConfigOptions {
    std::string brokerUri;  ///< tcp://127.0.0.1:<port>
    std::string authUrl;    ///< the simulator's token endpoint
    std::string apiUrl;     ///< the simulator's API base
    std::string pluginDir;  ///< where bank2mqtt-sbanken.so was built
    std::string caFile;     ///< the test CA that signed the simulator's certificate
    std::string baseTopic = "itest";
    std::string interval = "2s";
    std::string accounts;          ///< empty: no `accounts =` line (all accounts)
    std::string clientId;          ///< the bank client id; empty: the simulator's
    std::string clientSecret;      ///< empty: the simulator's
    std::string customerId;        ///< empty: the simulator's
    std::string extraSourceLines;  ///< appended verbatim to [source.kid]
};

/// A temporary directory with `bank2mqtt.ini`, `kid.secret` and `kid.customer` (both 0600)
/// and an empty `state/`, removed when the object goes.
class DaemonConfig {
public:
    explicit DaemonConfig(const DaemonConfigOptions& options);

    const std::string& iniPath() const { return iniPath_; }
    const std::string& dir() const { return dir_.path(); }
    std::string stateDir() const { return dir_.file("state"); }
    /// The MQTT client id the daemon uses (unique per configuration).
    const std::string& mqttClientId() const { return mqttClientId_; }
    /// The ini text, for failure messages.
    const std::string& text() const { return text_; }

private:
    TempDir dir_;
    std::string mqttClientId_;
    std::string iniPath_;
    std::string text_;
};

}  // namespace bank2mqtt::itest
