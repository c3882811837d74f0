// SPDX-License-Identifier: MIT
// Writes a bank2mqtt configuration (ini, secret files, state dir) pointing at test servers.
#pragma once

#include "harness/temp_dir.h"

#include <string>
#include <utility>
#include <vector>

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
    std::string extraMqttLines;    ///< appended verbatim to [mqtt] (TLS files, username ...)
    std::string maxAge;            ///< empty: no `max_age =` line in [source.kid]
    bool discovery = false;        ///< `discovery =` in [mqtt]
    std::string discoveryMode;     ///< empty: no `discovery_mode =` line
    /// More [source.<id>] sections with the same demo login as kid: (id, lines appended to it).
    std::vector<std::pair<std::string, std::string>> extraSources;
    /// Where the extraSources' bank is (e.g. a second simulator); empty: authUrl / apiUrl.
    std::string extraSourcesAuthUrl;
    std::string extraSourcesApiUrl;
    /// Empty: a unique MQTT client id. Set it to run a second configuration as the same
    /// instance (the bridge device's id derives from it).
    std::string mqttClientId;
    /// Empty: a fresh `state/` in the configuration's directory. Set it to another
    /// configuration's stateDir() to restart "the same" daemon with a changed ini.
    std::string stateDir;
};

/// A temporary directory with `bank2mqtt.ini`, `kid.secret` and `kid.customer` (both 0600)
/// and an empty `state/` (unless options.stateDir names another), removed when the object goes.
class DaemonConfig {
public:
    explicit DaemonConfig(const DaemonConfigOptions& options);

    const std::string& iniPath() const { return iniPath_; }
    const std::string& dir() const { return dir_.path(); }
    const std::string& stateDir() const { return stateDir_; }
    /// The MQTT client id the daemon uses (unique per configuration).
    const std::string& mqttClientId() const { return mqttClientId_; }
    /// The ini text, for failure messages.
    const std::string& text() const { return text_; }

private:
    TempDir dir_;
    std::string mqttClientId_;
    std::string stateDir_;
    std::string iniPath_;
    std::string text_;
};

}  // namespace bank2mqtt::itest
