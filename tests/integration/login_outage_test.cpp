// SPDX-License-Identifier: MIT
// A login service that is down or behind a web firewall is not a rejected login: the source
// reports an error, keeps polling, and recovers by itself once the bank answers again.
#include "integration_test.h"

#include <ostream>

namespace bank2mqtt::itest {
namespace {

struct Outage {
    const char* name;
    const char* mode;  ///< the simulator's fault on the token endpoint
};

void PrintTo(const Outage& outage, std::ostream* out)
{
    *out << outage.name;
}

class LoginOutage : public IntegrationTest, public ::testing::WithParamInterface<Outage> {};

TEST_P(LoginOutage, IsAnErrorThatRecoversWithoutAPerson)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, 0))
        << "no ok status at start";

    const std::size_t beforeOutage = live.size();
    sim_.fault(GetParam().mode, "token");
    sim_.expireTokens();  // the next poll must log in again
    const auto error =
        live.waitFor(topic::kSourceStatus, stateIs("error"), kPollTimeout, beforeOutage);
    ASSERT_TRUE(error) << "no error status during the outage\n" << live.dump();
    EXPECT_NE(jsonString(error->payload, "error").value_or("").find("trying again later"),
              std::string::npos)
        << error->payload;

    const std::size_t beforeRecovery = live.size();
    sim_.fault("none");
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, beforeRecovery))
        << "the source did not recover by itself once the login service answered again";
    EXPECT_EQ(terminate(daemon), 0);
    for (const MqttMessage& message : live.messagesOn(topic::kSourceStatus))
        EXPECT_NE(statusState(message.payload), "auth_failed") << message.payload;
}

INSTANTIATE_TEST_SUITE_P(
    Causes, LoginOutage,
    ::testing::Values(Outage{"TemporarilyUnavailable", "temporarily_unavailable"},
                      Outage{"WebFirewallPage", "firewall403"}),
    [](const ::testing::TestParamInfo<Outage>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace bank2mqtt::itest
