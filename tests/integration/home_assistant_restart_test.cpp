// SPDX-License-Identifier: MIT
// Home Assistant across restarts: no ghost entities after a config change, stable identities.
#include "home_assistant_fixture.h"

namespace bank2mqtt::itest {
namespace {

class HomeAssistantRestart : public HomeAssistantTest {};

/// Every retained topic under `prefix` a fresh subscriber to `itest/#` gets, one per line.
std::string retainedUnder(MqttProbe& fresh, const std::string& prefix)
{
    std::string found;
    for (const auto& m : fresh.messages()) {
        if (m.topic.rfind(prefix, 0) == 0) {
            found += m.topic + " = " + m.payload + "\n";
        }
    }
    return found;
}

TEST_F(HomeAssistantRestart, RemovedAccountLeavesNoRetainedTopics)
{
    DaemonConfigOptions first = haOptions();
    first.accounts = "Lommepenger, Sparekonto";
    const DaemonConfig& before = writeConfig(first);
    ASSERT_EQ(runOnce(before), 0);
    DiscoveryConfigs configs = retainedDiscovery();
    const std::string pocket = deviceTopicNamed(configs, "Lommepenger");
    const std::string savings = deviceTopicNamed(configs, "Sparekonto");
    ASSERT_FALSE(pocket.empty() || savings.empty()) << "the first run has no account devices";
    ASSERT_TRUE(freshProbe().latest(topic::balance("sparekonto")));

    DaemonConfigOptions second = sameInstance(before, haOptions());
    second.accounts = "Lommepenger";
    ASSERT_EQ(runOnce(writeConfig(second)), 0);

    MqttProbe& state = freshProbe();
    EXPECT_EQ(retainedUnder(state, topic::account("sparekonto")), "");
    EXPECT_TRUE(state.latest(topic::balance("lommepenger")));
    configs = retainedDiscovery();
    EXPECT_FALSE(configs.count(savings)) << savings << " = " << configs[savings];
    EXPECT_TRUE(configs.count(pocket));
    EXPECT_EQ(configs.size(), 2u) << "expected the bridge and Lommepenger only";
}

TEST_F(HomeAssistantRestart, RemovedSourceLeavesNoRetainedTopics)
{
    DaemonConfigOptions first = haOptions();
    first.accounts = "Lommepenger";
    first.extraSources = {{"parent", "accounts = Felleskonto\n"}};
    const DaemonConfig& before = writeConfig(first);
    ASSERT_EQ(runOnce(before), 0);
    DiscoveryConfigs configs = retainedDiscovery();
    const std::string shared = deviceTopicNamed(configs, "Felleskonto");
    ASSERT_FALSE(shared.empty()) << "the first run has no Felleskonto device";
    EXPECT_TRUE(componentIds(configs[deviceTopic(bridgeId(before))]).count("source_parent_status"));
    ASSERT_TRUE(freshProbe().latest("itest/parent/felleskonto/balance"));

    DaemonConfigOptions second = sameInstance(before, haOptions());
    second.accounts = "Lommepenger";
    ASSERT_EQ(runOnce(writeConfig(second)), 0);

    MqttProbe& state = freshProbe();
    EXPECT_EQ(retainedUnder(state, "itest/parent/"), "");
    EXPECT_TRUE(state.latest(topic::balance("lommepenger")));
    configs = retainedDiscovery();
    EXPECT_FALSE(configs.count(shared)) << shared << " = " << configs[shared];
    EXPECT_EQ(componentIds(configs[deviceTopic(bridgeId(before))]), kBridgeObjects);
    EXPECT_FALSE(deviceTopicNamed(configs, "Lommepenger").empty());
    EXPECT_EQ(configs.size(), 2u) << "expected the bridge and Lommepenger only";
}

TEST_F(HomeAssistantRestart, RenamedAccountKeepsItsDeviceAndKey)
{
    const DaemonConfig& config = writeConfig(haOptions());
    ASSERT_EQ(runOnce(config), 0);
    DiscoveryConfigs configs = retainedDiscovery();
    const std::string device = deviceTopicNamed(configs, "Lommepenger");
    ASSERT_FALSE(device.empty());
    const auto uniqueIds = componentUniqueIds(configs[device]);

    sim_.rename(sim::kLommepenger, "Godteri");
    ASSERT_EQ(runOnce(config), 0);

    configs = retainedDiscovery();
    ASSERT_TRUE(configs.count(device)) << device << " is gone after the rename";
    EXPECT_EQ(stringAt(configs[device], {"device", "name"}), "Godteri");
    EXPECT_EQ(componentUniqueIds(configs[device]), uniqueIds);
    EXPECT_EQ(stringAt(configs[device], {"components", "balance", "state_topic"}),
              topic::balance("lommepenger"));
    EXPECT_EQ(configs.size(), 1 + kDemoAccounts.size()) << "a device was added or lost";
    MqttProbe& state = freshProbe();
    auto json = state.latest(topic::account("lommepenger"));
    ASSERT_TRUE(json);
    EXPECT_EQ(jsonString(json->payload, "name"), "Godteri");
    EXPECT_EQ(retainedUnder(state, topic::account("godteri")), "");
}

TEST_F(HomeAssistantRestart, DiscoveryOffClearsEarlierConfigs)
{
    const DaemonConfig& before = writeConfig(haOptions());
    ASSERT_EQ(runOnce(before), 0);
    const DiscoveryConfigs earlier = retainedDiscovery();
    ASSERT_EQ(earlier.size(), 1 + kDemoAccounts.size());
    MqttProbe& ha = freshDiscoveryProbe();
    const std::size_t mark = ha.size();

    ASSERT_EQ(runOnce(writeConfig(sameInstance(before, configOptions()))), 0);

    for (const auto& [topic, payload] : earlier) {
        EXPECT_TRUE(ha.waitForPayload(topic, "", kMqttTimeout, mark))
            << topic << " was not cleared with an empty retained payload";
    }
    const auto messages = ha.messages();
    for (std::size_t i = mark; i < messages.size(); ++i) {
        EXPECT_EQ(messages[i].payload, "")
            << "published with discovery = false on " << messages[i].topic;
    }
    EXPECT_TRUE(retainedDiscovery().empty());
    EXPECT_TRUE(freshProbe().latest(topic::balance("lommepenger")));
}

TEST_F(HomeAssistantRestart, ModeChangeClearsEarlierConfigs)
{
    const DaemonConfig& before = writeConfig(haOptions());
    ASSERT_EQ(runOnce(before), 0);
    const DiscoveryConfigs earlier = retainedDiscovery();
    ASSERT_EQ(earlier.size(), 1 + kDemoAccounts.size());

    DaemonConfigOptions component = sameInstance(before, haOptions());
    component.discoveryMode = "component";
    ASSERT_EQ(runOnce(writeConfig(component)), 0);

    DiscoveryConfigs configs = retainedDiscovery();
    for (const auto& [topic, payload] : earlier) {
        EXPECT_FALSE(configs.count(topic)) << topic << " is still retained";
    }
    EXPECT_EQ(configs.size(),
              kBridgeObjects.size() + kDemoAccounts.size() * (kAccountObjects.size() - 1))
        << "expected one config per entity (no low_balance configured)";
    EXPECT_EQ(violations(configs), "");
}

}  // namespace
}  // namespace bank2mqtt::itest
