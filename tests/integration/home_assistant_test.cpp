// SPDX-License-Identifier: MIT
// Home Assistant end to end: discovery payloads on a real broker, HA's birth, availability.
#include "home_assistant_fixture.h"

#include <regex>

namespace bank2mqtt::itest {
namespace {

class HomeAssistant : public HomeAssistantTest {};

const std::string kBirthTopic = "homeassistant/status";

std::string topicList(const DiscoveryConfigs& configs)
{
    std::string list;
    for (const auto& [topic, payload] : configs) {
        list += topic + "\n";
    }
    return list;
}

MqttProbe::PayloadPredicate nonEmpty()
{
    return [](const std::string& payload) { return !payload.empty(); };
}

/// Waits until the start-up publishing of a running daemon is over. It publishes `online` and
/// then every retained topic once the broker accepted the connection, and the first poll's
/// results end with `<base>/kid/status`; the two run in either order, and the republish also
/// ends with the status topic (after the discovery and account topics). So a status message
/// after the `online` marks the end of both.
bool waitForStartup(MqttProbe& p)
{
    if (!p.waitForPayload(topic::kBridgeStatus, "online", kPollTimeout)) {
        return false;
    }
    const auto messages = p.messages();
    std::size_t online = 0;
    while (messages[online].topic != topic::kBridgeStatus || messages[online].payload != "online") {
        ++online;
    }
    return p.waitFor(topic::kSourceStatus, nullptr, kPollTimeout, online + 1).has_value();
}

TEST_F(HomeAssistant, DevicePayloadsPassTheChecker)
{
    DaemonConfigOptions options = haOptions();
    options.extraSourceLines = "low_balance = 1000\n";
    const DaemonConfig& config = writeConfig(options);
    ASSERT_EQ(runOnce(config), 0);

    DiscoveryConfigs configs = retainedDiscovery();
    EXPECT_EQ(violations(configs), "");
    EXPECT_EQ(identifyingData(configs), "");
    const std::string bridge = deviceTopic(bridgeId(config));
    ASSERT_TRUE(configs.count(bridge)) << "no bridge device; topics:\n" << topicList(configs);
    EXPECT_EQ(componentIds(configs[bridge]), kBridgeObjects);
    for (const auto& account : kDemoAccounts) {
        const std::string topic = deviceTopicNamed(configs, account.name);
        ASSERT_FALSE(topic.empty()) << "no device " << account.name << "; topics:\n"
                                    << topicList(configs);
        const std::string id = accountDeviceIdOf(topic);
        EXPECT_FALSE(id.empty()) << topic << " is not homeassistant/device/bank2mqtt_<16 hex>";
        const std::string& payload = configs[topic];
        EXPECT_EQ(componentIds(payload), kAccountObjects) << topic;
        for (const auto& [object, uniqueId] : componentUniqueIds(payload)) {
            EXPECT_EQ(uniqueId, id + "_" + object) << topic;
        }
        EXPECT_EQ(stringAt(payload, {"components", "balance", "state_topic"}),
                  topic::balance(account.key));
        EXPECT_EQ(stringAt(payload, {"device", "via_device"}), bridgeId(config)) << topic;
    }
    EXPECT_EQ(configs.size(), 1 + kDemoAccounts.size()) << topicList(configs);
}

TEST_F(HomeAssistant, ComponentPayloadsPassTheChecker)
{
    DaemonConfigOptions options = haOptions();
    options.discoveryMode = "component";
    options.extraSourceLines = "low_balance = 1000\n";
    const DaemonConfig& config = writeConfig(options);
    ASSERT_EQ(runOnce(config), 0);

    DiscoveryConfigs configs = retainedDiscovery();
    EXPECT_EQ(violations(configs), "");
    EXPECT_EQ(identifyingData(configs), "");
    // <prefix>/<platform>/<device id>/<object>/config, grouped by device.
    static const std::regex pattern(
        "homeassistant/(sensor|binary_sensor|button)/(bank2mqtt_[a-z0-9_]+)/([a-z0-9_]+)/config");
    std::map<std::string, std::set<std::string>> objects;  // device id -> objects
    std::map<std::string, std::string> balanceDevice;      // balance state topic -> device id
    for (const auto& [topic, payload] : configs) {
        std::smatch m;
        if (!std::regex_match(topic, m, pattern)) {
            ADD_FAILURE() << "not a component topic of bank2mqtt: " << topic;
            continue;
        }
        objects[m[2]].insert(m[3]);
        EXPECT_EQ(stringAt(payload, {"unique_id"}), m[2].str() + "_" + m[3].str()) << topic;
        if (m[3] == "balance") {
            balanceDevice[stringAt(payload, {"state_topic"})] = m[2];
        }
    }
    EXPECT_EQ(objects[bridgeId(config)], kBridgeObjects);
    for (const auto& account : kDemoAccounts) {
        const std::string id = balanceDevice[topic::balance(account.key)];
        ASSERT_FALSE(id.empty()) << "no balance sensor of " << account.name << "; topics:\n"
                                 << topicList(configs);
        EXPECT_TRUE(std::regex_match(id, std::regex("bank2mqtt_[0-9a-f]{16}"))) << id;
        EXPECT_EQ(objects[id], kAccountObjects) << account.name;
        EXPECT_EQ(
            stringAt(configs["homeassistant/sensor/" + id + "/balance/config"], {"device", "name"}),
            account.name);
    }
    EXPECT_EQ(objects.size(), 1 + kDemoAccounts.size()) << topicList(configs);
}

TEST_F(HomeAssistant, BirthMessageRepublishesDiscoveryAndState)
{
    DaemonConfigOptions options = haOptions();
    options.interval = "1h";  // no poll of its own while the test waits for the republish
    MqttProbe& ha = discoveryProbe();
    MqttProbe& live = probe();
    startDaemon(writeConfig(options), {});
    ASSERT_TRUE(waitForStartup(live)) << "the daemon's start-up publishing did not end";
    ASSERT_TRUE(ha.sync(kMqttTimeout));
    const std::string device = deviceTopicNamed(latestDiscovery(ha), "Lommepenger");
    ASSERT_FALSE(device.empty()) << "no Lommepenger device config after the first poll";
    const std::size_t haMark = ha.size();
    const std::size_t liveMark = live.size();

    publish(kBirthTopic, "online");

    // The daemon waits 1-5 s before it republishes; 10 s bounds that with room to spare.
    const Millis republishLimit{10000};
    EXPECT_TRUE(ha.waitFor(device, nonEmpty(), republishLimit, haMark))
        << device << " was not republished after HA's birth";
    EXPECT_TRUE(
        live.waitForPayload(topic::balance("lommepenger"), "437.25", republishLimit, liveMark))
        << "the balance was not republished after HA's birth";
}

TEST_F(HomeAssistant, BankFailingPastMaxAgeMakesTheAccountUnavailable)
{
    DaemonConfigOptions options = haOptions();
    options.interval = "1s";
    options.maxAge = "2s";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    const std::string availability = topic::account("lommepenger") + "/availability";
    ASSERT_TRUE(live.waitForPayload(availability, "online", kPollTimeout));
    ASSERT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout));

    const std::size_t faultSet = live.size();
    sim_.fault("503");
    EXPECT_TRUE(live.waitForPayload(availability, "offline", kPollTimeout, faultSet))
        << "availability did not turn offline past max_age";
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("stale"), kPollTimeout, faultSet));

    MqttProbe& fresh = freshProbe();
    auto balance = fresh.latest(topic::balance("lommepenger"));
    ASSERT_TRUE(balance) << "the last good balance is gone";
    EXPECT_EQ(balance->payload, "437.25");
    auto retained = fresh.latest(availability);
    ASSERT_TRUE(retained);
    EXPECT_EQ(retained->payload, "offline");
    // Home Assistant shows the account's entities unavailable because they follow this topic.
    DiscoveryConfigs configs = retainedDiscovery();
    const std::string config = configs[deviceTopicNamed(configs, "Lommepenger")];
    EXPECT_EQ(availabilityTopics(config),
              (std::vector<std::string>{topic::kBridgeStatus, availability}))
        << config;
    EXPECT_EQ(stringAt(config, {"availability_mode"}), "all") << config;

    const std::size_t faultCleared = live.size();
    sim_.fault("none");
    EXPECT_TRUE(live.waitForPayload(availability, "online", kPollTimeout, faultCleared))
        << "availability did not come back after the bank recovered";
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, faultCleared));
    for (const auto& m : live.messagesOn(topic::balance("lommepenger"))) {
        EXPECT_EQ(m.payload, "437.25") << "a failing bank changed the published balance";
    }
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(HomeAssistant, SigtermTurnsTheBridgeConnectivityOff)
{
    MqttProbe& ha = discoveryProbe();
    MqttProbe& live = probe();
    const DaemonConfig& config = writeConfig(haOptions());
    ChildProcess& daemon = startDaemon(config, {});
    auto bridge = ha.waitFor(deviceTopic(bridgeId(config)), nonEmpty(), kPollTimeout);
    ASSERT_TRUE(bridge) << "no bridge device config";
    const std::string state =
        stringAt(bridge->payload, {"components", "connectivity", "state_topic"});
    ASSERT_EQ(state, topic::kBridgeStatus) << bridge->payload;
    EXPECT_EQ(stringAt(bridge->payload, {"components", "connectivity", "payload_off"}), "offline");
    ASSERT_TRUE(live.waitForPayload(state, "online", kPollTimeout));
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));
    const std::size_t beforeSignal = live.size();

    EXPECT_EQ(terminate(daemon), 0);

    EXPECT_TRUE(live.waitForPayload(state, "offline", kMqttTimeout, beforeSignal));
    auto retained = freshProbe().latest(state);
    ASSERT_TRUE(retained);
    EXPECT_EQ(retained->payload, "offline");
    EXPECT_TRUE(retained->retained);
    // The configs stay, and every account device follows the same topic: HA keeps the entities
    // and shows them unavailable, not removed.
    DiscoveryConfigs configs = retainedDiscovery();
    EXPECT_EQ(configs.size(), 1 + kDemoAccounts.size()) << topicList(configs);
    for (const auto& account : kDemoAccounts) {
        const std::string& payload = configs[deviceTopicNamed(configs, account.name)];
        const auto topics = availabilityTopics(payload);
        EXPECT_TRUE(!topics.empty() && topics.front() == state) << account.name << ": " << payload;
    }
}

}  // namespace
}  // namespace bank2mqtt::itest
