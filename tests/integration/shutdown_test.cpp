// SPDX-License-Identifier: MIT
// SIGTERM: `offline` retained, a clean exit within two seconds, even in a slow bank fetch.
#include "integration_test.h"

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

TEST_F(Shutdown, SigtermDuringASlowFetchExitsWithinTwoSeconds)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {"--log-level=debug"});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));

    // A poll has just finished, so the next fetch starts an interval from now: after the fault
    // is set. The check at the end (no ok status since) proves that fetch was the slow one.
    sim_.fault("slow", "api", 0, 30000);
    const std::size_t faultSetAtLine = daemon.lineCount(ChildProcess::Stream::Err);
    const std::size_t faultSetAtMessage = live.size();
    ASSERT_TRUE(daemon.waitForLine(ChildProcess::Stream::Err, "[kid] fetch started", kPollTimeout,
                                   faultSetAtLine))
        << "no `[kid] fetch started` debug line after the fault was set";

    const auto signalled = Clock::now();
    auto status = terminate(daemon);
    const auto took = std::chrono::duration_cast<Millis>(Clock::now() - signalled);

    ASSERT_TRUE(status) << "still running " << kShutdownLimit.count()
                        << " ms after SIGTERM during a slow fetch";
    EXPECT_EQ(*status, 0);
    EXPECT_LE(took, kShutdownLimit);
    EXPECT_TRUE(
        live.waitForPayload(topic::kBridgeStatus, "offline", kMqttTimeout, faultSetAtMessage));
    EXPECT_FALSE(live.waitFor(topic::kSourceStatus, stateIs("ok"), Millis(0), faultSetAtMessage))
        << "a poll succeeded after the slow fault was set: the signal did not hit a slow fetch";
    auto retained = freshProbe().latest(topic::kBridgeStatus);
    ASSERT_TRUE(retained);
    EXPECT_EQ(retained->payload, "offline");
}

}  // namespace
}  // namespace bank2mqtt::itest
