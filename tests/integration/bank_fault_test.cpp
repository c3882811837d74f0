// SPDX-License-Identifier: MIT
// Bank failures after a good poll: the status says why, the last good balance stays retained.
#include "integration_test.h"

#include <ostream>

namespace bank2mqtt::itest {
namespace {

struct Fault {
    std::string mode;   ///< the simulator's fault mode
    std::string cause;  ///< a word the status error must contain; empty: any sentence
};

void PrintTo(const Fault& fault, std::ostream* out)
{
    *out << "fault " << fault.mode;
}

class BankFault : public IntegrationTest, public ::testing::WithParamInterface<Fault> {};

TEST_P(BankFault, KeepsTheLastGoodBalanceAndReportsTheCause)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));

    const std::size_t beforeFault = live.size();
    sim_.fault(GetParam().mode);

    auto failed = live.waitFor(topic::kSourceStatus, stateIs("error"), kPollTimeout, beforeFault);
    ASSERT_TRUE(failed) << "no error status after fault " << GetParam().mode;
    auto error = jsonString(failed->payload, "error");
    ASSERT_TRUE(error) << failed->payload;
    EXPECT_FALSE(error->empty());
    if (!GetParam().cause.empty()) {
        EXPECT_NE(error->find(GetParam().cause), std::string::npos) << *error;
    }

    // The last good values, as published before the failure, are what a new subscriber gets.
    auto lastGoodJson = live.latest(topic::account("lommepenger"));
    ASSERT_TRUE(lastGoodJson);
    MqttProbe& fresh = freshProbe();
    auto balance = fresh.latest(topic::balance("lommepenger"));
    ASSERT_TRUE(balance);
    EXPECT_EQ(balance->payload, "437.25");
    EXPECT_TRUE(balance->retained);
    auto json = fresh.latest(topic::account("lommepenger"));
    ASSERT_TRUE(json);
    EXPECT_EQ(json->payload, lastGoodJson->payload);
    auto status = fresh.latest(topic::kSourceStatus);
    ASSERT_TRUE(status);
    EXPECT_EQ(statusState(status->payload), "error") << status->payload;

    // Retries fail too: from the first error on, no account topic may change.
    EXPECT_TRUE(live.waitForCount(topic::kSourceStatus, 2, kPollTimeout, stateIs("error")))
        << "the daemon did not retry within the interval";
    const auto all = live.messages();
    std::size_t i = beforeFault;
    while (i < all.size() &&
           !(all[i].topic == topic::kSourceStatus && statusState(all[i].payload) == "error")) {
        ++i;
    }
    for (; i < all.size(); ++i) {
        const bool accountTopic =
            all[i].topic.rfind("itest/kid/", 0) == 0 && all[i].topic != topic::kSourceStatus;
        EXPECT_FALSE(accountTopic)
            << "published while the bank fails: " << all[i].topic << " = " << all[i].payload;
    }

    const std::size_t beforeRecovery = live.size();
    sim_.fault("none");
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, beforeRecovery))
        << "no recovery to ok after clearing the fault";
    EXPECT_EQ(terminate(daemon), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, BankFault,
                         ::testing::Values(Fault{"503", "503"}, Fault{"html", ""},
                                           Fault{"truncated", ""}),
                         [](const ::testing::TestParamInfo<Fault>& info) {
                             return "Mode" + info.param.mode;
                         });

}  // namespace
}  // namespace bank2mqtt::itest
