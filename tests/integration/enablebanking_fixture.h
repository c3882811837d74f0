// SPDX-License-Identifier: MIT
// The Enable Banking tests' fixture: mosquitto, the Enable Banking simulator, an ini for the
// enablebanking plugin, and `bank2mqtt --authorize` driven through a pipe on its stdin.
#pragma once

#include "harness/child_process.h"
#include "harness/enablebanking_simulator.h"
#include "harness/mosquitto.h"
#include "harness/mqtt_probe.h"
#include "harness/temp_dir.h"
#include "integration_test.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::itest {

/// What goes into an Enable Banking source's configuration ([source.kid]).
struct EbConfigOptions {
    std::string interval = "2s";
    /// `daily_limit =`: "0" (no call budget) lets the tests that are not about the budget poll
    /// every 2 s; "" leaves the key out (the bank's default of 4 a day, the host's budget).
    std::string dailyLimit = "0";
    std::string accounts;  ///< empty: no `accounts =` line
    bool discovery = false;
    std::string extraSourceLines;
};

/// One `bank2mqtt --authorize=kid` run.
struct AuthorizeRun {
    int exitCode = -1;
    std::string output;    ///< stdout and stderr, as the person saw them
    std::string loginUrl;  ///< the URL the plugin asked to open ("" if none)
    std::string pasted;    ///< what was typed back
};

class EnableBankingTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    /// Writes the ini (key file 0600, state dir) once; later calls rewrite the ini only.
    const std::string& writeConfig(const EbConfigOptions& options = {});
    const std::string& stateDir() const { return stateDir_; }
    /// `<state_dir>/kid.plugin.json`, "" when absent.
    std::string pluginState() const;

    ChildProcess& startDaemon(const std::vector<std::string>& args);
    /// Runs --authorize=kid: waits for the login URL it prints, types `answer(url)` (by default
    /// the Location the simulator's login page redirects to) and waits for the exit.
    AuthorizeRun authorize(const std::function<std::string(const std::string& url)>& answer = {});
    MqttProbe& probe();
    /// SIGTERM, then the exit status if the daemon ended within `limit`.
    std::optional<int> terminate(ChildProcess& daemon, Millis limit = kShutdownLimit);

    Mosquitto broker_{MOSQUITTO_BIN};
    EnableBankingSimulator eb_{EB_SIM_BIN, CERT_DIR};
    std::vector<AuthorizeRun> authorizeRuns_;

private:
    std::unique_ptr<TempDir> dir_;
    std::string iniPath_;
    std::string iniText_;
    std::string stateDir_;
    std::deque<std::unique_ptr<ChildProcess>> daemons_;
    std::deque<std::unique_ptr<MqttProbe>> probes_;
};

/// The value of `name` in a URL's query ("" when absent).
std::string queryValue(const std::string& url, const std::string& name);

}  // namespace bank2mqtt::itest
