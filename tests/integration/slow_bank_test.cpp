// SPDX-License-Identifier: MIT
// A bank that stalls holds up its own source only: the other sources go on polling and
// publishing, and a refresh command is served, while the stalled request waits for its deadline.
#include "fault_support.h"
#include "integration_test.h"

#include <iostream>

namespace bank2mqtt::itest {
namespace {

class SlowBank : public IntegrationTest {
protected:
    void TearDown() override
    {
        IntegrationTest::TearDown();
        if (HasFailure())
            std::cerr << "===== the other source's bank\n" << otherBank_.transcript();
    }

    Simulator otherBank_{SIM_BIN, CERT_DIR};
};

const std::string kOtherStatus = "itest/other/status";

TEST_F(SlowBank, AStalledSourceDoesNotDelayAnother)
{
    otherBank_.start();
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    options.extraSourceLines = "timeout = 30s\n";
    options.extraSources = {{"other", ""}};
    options.extraSourcesAuthUrl = otherBank_.authUrl();
    options.extraSourcesApiUrl = otherBank_.apiUrl();
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));
    ASSERT_TRUE(live.waitFor(kOtherStatus, stateIs("ok"), kPollTimeout));

    // kid's bank now takes 25 s to answer, well within its timeout: its poll thread would be
    // held that long.
    sim_.fault("slow", "api", 0, 25000);
    const SimCounters before = otherBank_.counters();
    const std::size_t otherOk = live.messagesOn(kOtherStatus).size();
    const std::size_t kidStatuses = live.messagesOn(topic::kSourceStatus).size();

    // Four polls of the other source at its 1 s interval, while kid's request still waits.
    ASSERT_TRUE(live.waitForCount(kOtherStatus, otherOk + 4, kPollTimeout, stateIs("ok")))
        << "the other source stopped polling while kid's bank stalled";
    EXPECT_GE(otherBank_.counters().accountRequests - before.accountRequests, 4);
    // And a refresh command for it is served too.
    const std::size_t refreshed = live.size();
    publishCommand(broker_.uri(), "itest/other/refresh");
    EXPECT_TRUE(live.waitFor(kOtherStatus, stateIs("ok"), kPollTimeout, refreshed));
    // All the while kid's one request was still waiting for its bank (at most one more status:
    // a poll that had ended just before the fault).
    EXPECT_LE(live.messagesOn(topic::kSourceStatus).size(), kidStatuses + 1);
    sim_.fault("none");
    EXPECT_EQ(terminate(daemon), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
