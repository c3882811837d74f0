// SPDX-License-Identifier: MIT
// `bank2mqtt --once` with many accounts (thousands of messages in one burst) and against a
// broker that stops answering: either every message is delivered (exit 0) or exit 69 says
// what really happened.
#include "fault_support.h"
#include "integration_test.h"

#include <memory>
#include <vector>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

class OnceDelivery : public IntegrationTest {
protected:
    /// The simulator again, now serving `accounts` accounts to the demo login.
    void serveAccounts(int accounts)
    {
        sim_.stop();
        sim_.setExtraArguments({"--accounts=" + std::to_string(accounts)});
        sim_.start();
    }

    /// A subscriber to `base`/# only, holding every retained message below it.
    MqttProbe& freshProbe(const std::string& base)
    {
        narrowProbes_.push_back(std::make_unique<MqttProbe>(broker_.uri(), base));
        EXPECT_TRUE(narrowProbes_.back()->sync(kMqttTimeout));
        return *narrowProbes_.back();
    }

private:
    std::vector<std::unique_ptr<MqttProbe>> narrowProbes_;
};

// Four sources of 500 accounts (CheckedSource::kMaxAccounts per source): 8000 retained messages
// from one poll. Without discovery, whose
// bookkeeping per device would make this slow under the sanitizers; the burst is what matters.
// Paho's default of 100 queued messages made this exit 69 blaming a lost connection.
TEST_F(OnceDelivery, ThousandsOfAccountsAreAllDelivered)
{
    serveAccounts(500);
    DaemonConfigOptions options = configOptions();
    options.extraSources = {{"twin", ""}, {"triplet", ""}, {"quad", ""}};
    ChildProcess& once = startDaemon(writeConfig(options), {"--once"});
    ASSERT_EQ(once.waitExit(kOnceRunTimeout), 0) << once.text(Stream::Err);

    // Exit 0 means the broker acknowledged every message. A subscriber to everything would
    // meet mosquitto's queue limit (1000), so look at the last account of each source.
    for (const std::string source : {"kid", "twin", "triplet", "quad"}) {
        MqttProbe& p = freshProbe("itest/" + source + "/konto_500");
        EXPECT_TRUE(p.latest("itest/" + source + "/konto_500/balance")) << source;
    }
    MqttProbe& status = freshProbe("itest/twin/status");
    EXPECT_EQ(statusState(status.latest("itest/twin/status").value_or(MqttMessage{}).payload),
              "ok");
}

// The connection stays up but the broker answers nothing: exit 69 saying so, not "lost".
TEST_F(OnceDelivery, UnansweredMessagesAreNamedAsSuch)
{
    serveAccounts(200);
    // The account list comes 1.5 s late, so that the broker is frozen before the burst.
    sim_.fault("slow", "api", 1, 1500);
    MqttProbe& live = probe();
    ChildProcess& once = startDaemon(writeConfig(), {"--once"});
    // "online" is published on connect, before the poll: the broker has answered the connect.
    ASSERT_TRUE(live.waitForPayload(topic::kBridgeStatus, "online", kMqttTimeout))
        << once.transcript();
    broker_.freeze();
    const auto status = once.waitExit(kOnceRunTimeout);
    broker_.thaw();
    ASSERT_EQ(status, 69) << once.text(Stream::Err);
    const std::string log = once.text(Stream::Err);
    EXPECT_NE(log.find("did not acknowledge"), std::string::npos) << log;
    EXPECT_NE(log.find("within 10 s"), std::string::npos) << log;
    EXPECT_EQ(log.find("was lost"), std::string::npos) << log;
}

}  // namespace
}  // namespace bank2mqtt::itest
