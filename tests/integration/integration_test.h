// SPDX-License-Identifier: MIT
// The fixture every integration test starts from: a fresh broker and simulator per test.
#pragma once

#include "harness/child_process.h"
#include "harness/daemon_config.h"
#include "harness/mosquitto.h"
#include "harness/mqtt_probe.h"
#include "harness/simulator.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::itest {

/// Bounded waits used across the suite. Nothing in the suite sleeps; these are upper bounds.
inline constexpr Millis kOnceRunTimeout{30000};  ///< a whole --once / --list-accounts run
inline constexpr Millis kPollTimeout{15000};     ///< until a poll's result is published
inline constexpr Millis kShutdownLimit{2000};    ///< the contract for SIGTERM
inline constexpr Millis kMqttTimeout{5000};      ///< a retained message to a fresh subscriber

/// Starts mosquitto and the Sbanken simulator on free loopback ports in SetUp. Daemons,
/// probes and configurations created through it live until the test ends; when a test fails,
/// TearDown prints everything each process said and every message each probe saw.
class IntegrationTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    /// Options for a configuration pointing at this test's broker and simulator.
    DaemonConfigOptions configOptions() const;
    const DaemonConfig& writeConfig(const DaemonConfigOptions& options);
    const DaemonConfig& writeConfig() { return writeConfig(configOptions()); }

    /// Starts `bank2mqtt --config=<ini> <args...>`.
    ChildProcess& startDaemon(const DaemonConfig& config, const std::vector<std::string>& args);
    /// A new subscriber to `itest/#` on this test's broker.
    MqttProbe& probe();
    /// A new subscriber that has received every retained message (see MqttProbe::sync).
    MqttProbe& freshProbe();

    /// SIGTERM, then the exit status if the daemon ended within `limit`.
    std::optional<int> terminate(ChildProcess& daemon, Millis limit = kShutdownLimit);

    Mosquitto broker_{MOSQUITTO_BIN};
    Simulator sim_{SIM_BIN, CERT_DIR};

private:
    std::deque<std::unique_ptr<DaemonConfig>> configs_;
    std::deque<std::unique_ptr<ChildProcess>> daemons_;
    std::deque<std::unique_ptr<MqttProbe>> probes_;
};

/// Topic names for the base topic "itest" and source "kid".
namespace topic {
inline const std::string kBridgeStatus = "itest/status";
inline const std::string kSourceStatus = "itest/kid/status";
inline std::string account(const std::string& key)
{
    return "itest/kid/" + key;
}
inline std::string balance(const std::string& key)
{
    return account(key) + "/balance";
}
inline std::string available(const std::string& key)
{
    return account(key) + "/available";
}
}  // namespace topic

/// Waits until `daemon` (run with --log-level=debug) has published the balances of `n` more
/// polls of `source` after this call; false when one does not come within kPollTimeout.
bool waitForPolls(ChildProcess& daemon, int n, const std::string& source = "kid");

/// The `state` of a status JSON payload, or "" if the payload is not such an object.
std::string statusState(const std::string& payload);
/// A predicate for status payloads in `state`.
MqttProbe::PayloadPredicate stateIs(const std::string& state);
/// A string field of a JSON object payload; nullopt if absent, not a string or not JSON.
std::optional<std::string> jsonString(const std::string& payload, const std::string& key);
/// Whether `key` is present with the value null.
bool jsonIsNull(const std::string& payload, const std::string& key);
/// The literal text of a numeric field as written in the payload (e.g. "12500.00"), or "".
std::string jsonNumberLiteral(const std::string& payload, const std::string& key);

}  // namespace bank2mqtt::itest
