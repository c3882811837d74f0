// SPDX-License-Identifier: MIT
// Through the real binary: published ids that do not give the account number away (also after
// an upgrade from the plain ids), and a balance whose age survives a restart.
#include "home_assistant_fixture.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>

#include <fstream>
#include <sstream>

namespace bank2mqtt::itest {
namespace {

class IdentityAndRestart : public HomeAssistantTest {};

/// The plain hash an id could be: SHA-256 of "sbanken:<number>" as hex (computed here, not with
/// the plugin's code), the form 0.1.0 published as the device id.
std::string plainHash(const std::string& number)
{
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update("sbanken:" + number);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

void writeStateFile(const std::string& path, const std::map<std::string, std::string>& values)
{
    Poco::JSON::Object object;
    for (const auto& [key, value] : values)
        object.set(key, value);
    std::ofstream out(path);
    object.stringify(out);
}

TEST_F(IdentityAndRestart, NoPublishedIdIsAPlainHashOfAnAccountNumber)
{
    MqttProbe& all = discoveryProbe();
    MqttProbe& state = probe();
    ASSERT_EQ(runOnce(writeConfig(haOptions())), 0);
    ASSERT_FALSE(retainedDiscovery().empty());

    std::vector<MqttMessage> messages = all.messages();
    for (const auto& m : state.messages())
        messages.push_back(m);
    for (const auto& number : sim_.accountNumbers()) {
        const std::string hash = plainHash(number);
        for (std::size_t length : {16u, 12u}) {  // the id form, and a shorter prefix of it
            const std::string prefix = hash.substr(0, length);
            for (const auto& m : messages) {
                EXPECT_EQ(m.topic.find(prefix), std::string::npos) << m.topic;
                EXPECT_EQ(m.payload.find(prefix), std::string::npos) << m.topic;
            }
        }
    }
}

TEST_F(IdentityAndRestart, AnUpgradeFromPlainIdsLeavesNoGhostDevice)
{
    // What 0.1.0 left behind: a device per account under the plain hash, retained on the
    // broker, and recorded in its state file.
    const DaemonConfig& first = writeConfig(haOptions());
    std::vector<std::string> oldTopics;
    std::string registry = "{\"kid\":{";
    for (const auto& number : sim_.accountNumbers()) {
        const std::string topic = deviceTopic("bank2mqtt_" + plainHash(number).substr(0, 16));
        oldTopics.push_back(topic);
        registry += std::string(oldTopics.size() > 1 ? "," : "") + "\"old" +
                    std::to_string(oldTopics.size()) + "\":[\"" + topic + "\"]";
        publish(topic, "{\"device\":{\"identifiers\":[\"x\"],\"name\":\"old\"}}", true);
    }
    registry += "}}";
    writeStateFile(first.stateDir() + "/bank2mqtt.json", {{"published_topics", registry}});
    ASSERT_EQ(retainedDiscovery().count(oldTopics.front()), 1u);

    ASSERT_EQ(runOnce(first), 0);

    const DiscoveryConfigs configs = retainedDiscovery();
    for (const auto& topic : oldTopics)
        EXPECT_EQ(configs.count(topic), 0u) << "ghost device left on " << topic;
    for (const auto& account : kDemoAccounts)
        EXPECT_FALSE(deviceTopicNamed(configs, account.name).empty()) << account.name;
}

TEST_F(IdentityAndRestart, ARestartWhileTheBankFailsTurnsTheOldBalanceStale)
{
    DaemonConfigOptions options = haOptions();
    options.interval = "1s";
    options.maxAge = "2s";
    const DaemonConfig& config = writeConfig(options);
    ASSERT_EQ(runOnce(config), 0);
    const std::string availability = topic::account("lommepenger") + "/availability";

    sim_.fault("503");
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(config, {});

    // The last success before the restart is known, so max_age runs out although this process
    // never had a good poll.
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("stale"), kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(availability, "offline", kPollTimeout));
    auto status = live.latest(topic::kSourceStatus);
    ASSERT_TRUE(status);
    EXPECT_TRUE(jsonString(status->payload, "last_success")) << status->payload;
    auto balance = freshProbe().latest(topic::balance("lommepenger"));
    ASSERT_TRUE(balance);
    EXPECT_EQ(balance->payload, "437.25");
    EXPECT_EQ(terminate(daemon), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
