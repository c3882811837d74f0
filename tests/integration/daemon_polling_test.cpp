// SPDX-License-Identifier: MIT
// The daemon polling on its interval: token and connection reuse, changed balances.
#include "integration_test.h"

namespace bank2mqtt::itest {
namespace {

class DaemonPolling : public IntegrationTest {
protected:
    /// Runs the daemon until its second successful poll, stops it, and checks what the
    /// simulator counted: one token, one TLS connection, one account request per poll.
    void expectTwoPollsCostOneTokenAndOneConnection(DaemonConfigOptions options)
    {
        options.interval = "2s";
        MqttProbe& p = probe();
        ChildProcess& daemon = startDaemon(writeConfig(options), {});

        ASSERT_TRUE(p.waitForCount(topic::kSourceStatus, 2, 2 * kPollTimeout, stateIs("ok")))
            << "no second ok status";
        SimCounters c = sim_.counters();
        EXPECT_EQ(c.tokenRequests, 1);
        EXPECT_EQ(c.tokensIssued, 1);
        EXPECT_EQ(c.accountRequests, 2);
        EXPECT_EQ(c.tlsConnections, 1);
        EXPECT_EQ(terminate(daemon), 0);
    }
};

TEST_F(DaemonPolling, TwoPollsCostOneTokenAndOneConnection)
{
    expectTwoPollsCostOneTokenAndOneConnection(configOptions());
}

TEST_F(DaemonPolling, TwoPollsOfOneAccountCostOneTokenAndOneConnection)
{
    DaemonConfigOptions options = configOptions();
    options.accounts = "lommepenger=" + sim::kLommepenger;
    expectTwoPollsCostOneTokenAndOneConnection(options);
}

TEST_F(DaemonPolling, PublishesAChangedBalanceAtTheNextPoll)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    MqttProbe& p = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(p.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout));

    sim_.setBalance(sim::kLommepenger, "512.50");

    EXPECT_TRUE(p.waitForPayload(topic::balance("lommepenger"), "512.50", kPollTimeout));
    auto json = p.waitFor(
        topic::account("lommepenger"),
        [](const std::string& s) { return jsonNumberLiteral(s, "balance") == "512.50"; },
        kPollTimeout);
    EXPECT_TRUE(json) << "the account JSON does not show 512.50";
    EXPECT_EQ(terminate(daemon), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
