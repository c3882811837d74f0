// SPDX-License-Identifier: MIT
// The Firefly III tests' fixture: mosquitto, the Firefly III simulator and an ini for the
// firefly plugin (token file 0600, the test CA for the simulator's certificate).
#pragma once

#include "harness/child_process.h"
#include "harness/firefly_simulator.h"
#include "harness/mosquitto.h"
#include "harness/mqtt_probe.h"
#include "harness/temp_dir.h"
#include "integration_test.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::itest {

/// What goes into the Firefly III source's section ([source.kid]).
struct FfConfigOptions {
    std::string interval = "2s";
    std::string url;       ///< empty: the simulator's HTTPS address
    std::string accounts;  ///< empty: no `accounts =` line
    bool discovery = false;
    std::string token = ffsim::kToken;
    std::string extraSourceLines;
};

class FireflyTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    /// Options the simulator starts with (e.g. "--extra-accounts=600").
    virtual std::vector<std::string> simulatorArgs() const { return {}; }

    const std::string& writeConfig(const FfConfigOptions& options = {});
    const std::string& stateDir() const { return stateDir_; }
    ChildProcess& startDaemon(const std::vector<std::string>& args);
    MqttProbe& probe(const std::string& base = "itest");
    std::optional<int> terminate(ChildProcess& daemon, Millis limit = kShutdownLimit);

    Mosquitto broker_{MOSQUITTO_BIN};
    FireflySimulator ff_{FF_SIM_BIN, CERT_DIR};

private:
    std::unique_ptr<TempDir> dir_;
    std::string iniPath_;
    std::string iniText_;
    std::string stateDir_;
    std::deque<std::unique_ptr<ChildProcess>> daemons_;
    std::deque<std::unique_ptr<MqttProbe>> probes_;
};

}  // namespace bank2mqtt::itest
