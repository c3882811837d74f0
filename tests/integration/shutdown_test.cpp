// SPDX-License-Identifier: MIT
// SIGTERM and SIGINT: `offline` retained, a clean exit within two seconds, even in a slow fetch.
#include "fault_support.h"
#include "integration_test.h"

#include <csignal>
#include <string>

namespace bank2mqtt::itest {
namespace {

class Shutdown : public IntegrationTest {};

using Clock = std::chrono::steady_clock;

TEST_F(Shutdown, SigtermPublishesOfflineAndExitsWithinTwoSeconds)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "2s";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitForPayload(topic::kBridgeStatus, "online", kPollTimeout));
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));
    const std::size_t beforeSignal = live.size();

    const auto signalled = Clock::now();
    auto status = terminate(daemon);
    const auto took = std::chrono::duration_cast<Millis>(Clock::now() - signalled);

    ASSERT_TRUE(status) << "still running " << kShutdownLimit.count() << " ms after SIGTERM";
    EXPECT_EQ(*status, 0);
    EXPECT_LE(took, kShutdownLimit);
    EXPECT_TRUE(live.waitForPayload(topic::kBridgeStatus, "offline", kMqttTimeout, beforeSignal));
    auto retained = freshProbe().latest(topic::kBridgeStatus);
    ASSERT_TRUE(retained);
    EXPECT_EQ(retained->payload, "offline");
    EXPECT_TRUE(retained->retained);
}

// SIGTERM (systemd) and SIGINT (Ctrl-C) during a bank reply that would take 30 s.
class ShutdownDuringFetch : public IntegrationTest, public ::testing::WithParamInterface<int> {};

TEST_P(ShutdownDuringFetch, ExitsWithinTwoSecondsWithOfflineRetained)
{
    const int sig = GetParam();
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {"--log-level=debug"});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));

    // Every API request from now on takes 30 s. The first fetch whose start is logged after
    // this is slow; a fetch already in flight may still end well and publish "ok" later, so
    // what counts is the log after that line, not the MQTT messages after the fault was set.
    sim_.fault("slow", "api", 0, 30000);
    const std::size_t faultSetAtLine = daemon.lineCount(ChildProcess::Stream::Err);
    const auto slowFetch = daemon.waitForLine(ChildProcess::Stream::Err, "[kid] fetch started",
                                              kPollTimeout, faultSetAtLine);
    ASSERT_TRUE(slowFetch) << "no `[kid] fetch started` debug line after the fault was set";
    const std::size_t beforeSignal = live.size();

    const auto signalled = Clock::now();
    daemon.signal(sig);
    auto status = daemon.waitExit(kShutdownLimit);
    const auto took = std::chrono::duration_cast<Millis>(Clock::now() - signalled);

    ASSERT_TRUE(status) << "still running " << kShutdownLimit.count() << " ms after signal " << sig
                        << " during a slow fetch";
    EXPECT_EQ(*status, 0);
    EXPECT_LE(took, kShutdownLimit);
    EXPECT_TRUE(live.waitForPayload(topic::kBridgeStatus, "offline", kMqttTimeout, beforeSignal));
    // The log is in the daemon's order: a success of the slow fetch (or of a later one) would
    // be logged after its start. waitExit() has read stderr to its end.
    EXPECT_EQ(
        countLines(daemon, ChildProcess::Stream::Err, "[kid] balances published", *slowFetch + 1),
        0u)
        << "a fetch succeeded after the slow fault was set: the signal did not hit a slow fetch\n"
        << daemon.text(ChildProcess::Stream::Err);
    auto retained = freshProbe().latest(topic::kBridgeStatus);
    ASSERT_TRUE(retained);
    EXPECT_EQ(retained->payload, "offline");
    EXPECT_TRUE(retained->retained);
}

INSTANTIATE_TEST_SUITE_P(Signals, ShutdownDuringFetch, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                             return std::string(info.param == SIGTERM ? "Sigterm" : "Sigint");
                         });

}  // namespace
}  // namespace bank2mqtt::itest
