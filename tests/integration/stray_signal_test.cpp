// SPDX-License-Identifier: MIT
// Signals the daemon has no use for (SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGHUP) must not end
// it: after each one it still runs and answers a refresh. SIGTERM and SIGINT: shutdown_test.cpp.
#include "fault_support.h"
#include "integration_test.h"

#include <csignal>
#include <cstring>

namespace bank2mqtt::itest {
namespace {

class StraySignal : public IntegrationTest, public ::testing::WithParamInterface<int> {};

TEST_P(StraySignal, DaemonKeepsRunningAndAnswersARefresh)
{
    const int sig = GetParam();
    DaemonConfigOptions options = configOptions();
    // A refresh is served no sooner than min(30 s, interval) after the last poll.
    options.interval = "2s";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout))
        << daemon.transcript();

    daemon.signal(sig);
    // A refresh needs the process, its MQTT thread and its poll thread: the proof it survived.
    const std::size_t mark = live.size();
    publishCommand(broker_.uri(), "itest/refresh");
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, mark))
        << "no poll after a refresh following " << ::strsignal(sig);
    EXPECT_FALSE(daemon.waitExit(Millis(0))) << ::strsignal(sig) << " ended the daemon";
    EXPECT_EQ(terminate(daemon), 0);
}

INSTANTIATE_TEST_SUITE_P(Ignored, StraySignal,
                         ::testing::Values(SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& info) {
                             switch (info.param) {
                             case SIGUSR1:
                                 return std::string("Sigusr1");
                             case SIGUSR2:
                                 return std::string("Sigusr2");
                             case SIGALRM:
                                 return std::string("Sigalrm");
                             case SIGPIPE:
                                 return std::string("Sigpipe");
                             default:
                                 return std::string("Sighup");
                             }
                         });

}  // namespace
}  // namespace bank2mqtt::itest
