// SPDX-License-Identifier: MIT
// `bank2mqtt --once` end to end: what a subscriber finds retained afterwards, and exit codes.
#include "integration_test.h"

#include "harness/loopback_port.h"

namespace bank2mqtt::itest {
namespace {

class OnceRun : public IntegrationTest {
protected:
    /// Runs `--once` with `config` and returns its exit status (nullopt: still running).
    std::optional<int> runOnce(const DaemonConfig& config)
    {
        return startDaemon(config, {"--once"}).waitExit(kOnceRunTimeout);
    }
};

const std::vector<std::string> kFullNumbers = {sim::kLommepenger, sim::kSparekonto,
                                               sim::kFelleskonto, sim::kKredittkort};
const std::vector<std::string> kAccountKeys = {"lommepenger", "sparekonto", "felleskonto",
                                               "kredittkort"};

TEST_F(OnceRun, RetainsBalancesForAFreshSubscriber)
{
    ASSERT_EQ(runOnce(writeConfig()), 0);

    MqttProbe& p = freshProbe();
    const std::vector<std::pair<std::string, std::string>> expected = {
        {topic::balance("lommepenger"), "437.25"},   {topic::available("lommepenger"), "437.25"},
        {topic::balance("sparekonto"), "12500.00"},  {topic::balance("felleskonto"), "197.07"},
        {topic::balance("kredittkort"), "-1520.40"}, {topic::available("kredittkort"), "8479.60"},
    };
    for (const auto& [name, value] : expected) {
        auto message = p.latest(name);
        ASSERT_TRUE(message) << "nothing retained on " << name;
        EXPECT_EQ(message->payload, value) << name;
        EXPECT_TRUE(message->retained) << name;
    }
}

TEST_F(OnceRun, PublishesAccountJsonWithMaskedNumbers)
{
    ASSERT_EQ(runOnce(writeConfig()), 0);

    MqttProbe& p = freshProbe();
    auto lommepenger = p.latest(topic::account("lommepenger"));
    ASSERT_TRUE(lommepenger);
    const std::string& json = lommepenger->payload;
    EXPECT_TRUE(lommepenger->retained);
    EXPECT_EQ(jsonNumberLiteral(json, "balance"), "437.25") << json;
    EXPECT_EQ(jsonNumberLiteral(json, "available"), "437.25") << json;
    EXPECT_EQ(jsonString(json, "currency"), "NOK") << json;
    EXPECT_EQ(jsonString(json, "name"), "Lommepenger") << json;
    EXPECT_EQ(jsonString(json, "type"), "Standard account") << json;
    EXPECT_EQ(jsonString(json, "number"), "*******3219") << json;
    EXPECT_TRUE(jsonString(json, "updated")) << json;
    EXPECT_TRUE(jsonIsNull(json, "low_balance")) << json;

    auto card = p.latest(topic::account("kredittkort"));
    ASSERT_TRUE(card);
    EXPECT_EQ(jsonNumberLiteral(card->payload, "balance"), "-1520.40") << card->payload;
    EXPECT_EQ(jsonNumberLiteral(card->payload, "available"), "8479.60") << card->payload;
    EXPECT_EQ(jsonNumberLiteral(card->payload, "credit_limit"), "10000.00") << card->payload;

    auto savings = p.latest(topic::account("sparekonto"));
    ASSERT_TRUE(savings);
    EXPECT_EQ(jsonNumberLiteral(savings->payload, "balance"), "12500.00") << savings->payload;
    auto shared = p.latest(topic::account("felleskonto"));
    ASSERT_TRUE(shared);
    EXPECT_EQ(jsonNumberLiteral(shared->payload, "balance"), "197.07") << shared->payload;
}

TEST_F(OnceRun, PublishesNoAccountNumberOrNationalId)
{
    ASSERT_EQ(runOnce(writeConfig()), 0);

    MqttProbe& p = freshProbe();
    for (const auto& key : kAccountKeys) {
        EXPECT_TRUE(p.latest(topic::account(key))) << "nothing retained for " << key;
    }
    std::vector<std::string> secrets = kFullNumbers;
    secrets.insert(secrets.end(), {"ownerCustomerId", sim::kCustomerId, sim::kSharedOwnerId});
    for (const auto& m : p.messages()) {
        for (const auto& secret : secrets) {
            EXPECT_EQ(m.payload.find(secret), std::string::npos)
                << secret << " published on " << m.topic << ": " << m.payload;
            EXPECT_EQ(m.topic.find(secret), std::string::npos) << m.topic;
        }
    }
}

TEST_F(OnceRun, MarksTheSourceOkAndTheBridgeOffline)
{
    ASSERT_EQ(runOnce(writeConfig()), 0);

    MqttProbe& p = freshProbe();
    auto status = p.latest(topic::kSourceStatus);
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->retained);
    EXPECT_EQ(statusState(status->payload), "ok") << status->payload;
    EXPECT_TRUE(jsonString(status->payload, "last_success")) << status->payload;
    EXPECT_TRUE(jsonString(status->payload, "last_attempt")) << status->payload;
    EXPECT_TRUE(jsonIsNull(status->payload, "error")) << status->payload;

    auto bridge = p.latest(topic::kBridgeStatus);
    ASSERT_TRUE(bridge);
    EXPECT_EQ(bridge->payload, "offline");
    EXPECT_TRUE(bridge->retained);
}

TEST_F(OnceRun, RejectsAWrongSecretWithExit77)
{
    DaemonConfigOptions options = configOptions();
    options.clientSecret = "not-the-secret";
    ChildProcess& daemon = startDaemon(writeConfig(options), {"--once"});

    ASSERT_EQ(daemon.waitExit(kOnceRunTimeout), 77);
    EXPECT_NE(daemon.text(ChildProcess::Stream::Err).find("invalid_client"), std::string::npos);

    MqttProbe& p = freshProbe();
    for (const auto& m : p.messages()) {
        const bool sourceTopic = m.topic.rfind("itest/kid/", 0) == 0;
        EXPECT_TRUE(!sourceTopic || m.topic == topic::kSourceStatus)
            << "retained after rejected credentials: " << m.topic << " = " << m.payload;
    }
    auto status = p.latest(topic::kSourceStatus);
    ASSERT_TRUE(status);
    EXPECT_EQ(statusState(status->payload), "auth_failed") << status->payload;
}

TEST_F(OnceRun, ExitsWith69WhenTheBrokerIsUnreachable)
{
    DaemonConfigOptions options = configOptions();
    options.brokerUri = "tcp://127.0.0.1:" + std::to_string(pickFreeLoopbackPort());
    ChildProcess& daemon = startDaemon(writeConfig(options), {"--once"});

    ASSERT_EQ(daemon.waitExit(kOnceRunTimeout), 69);
    EXPECT_NE(daemon.text(ChildProcess::Stream::Err).find(options.brokerUri), std::string::npos)
        << "stderr does not name " << options.brokerUri;
}

}  // namespace
}  // namespace bank2mqtt::itest
