// SPDX-License-Identifier: MIT
// The flows a real Home Assistant logged warnings for, on fakes: removal order, clears never
// repeated, discovery_mode migration, names that collide with our own topics, restarts that
// must not make an old balance look fresh, and ids that do not give the account number away.
#include "ha_rig.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace bank2mqtt;
using namespace bank2mqtt::test;

namespace {

/// Index in the publish log of the first message on `topic` with `payload` (-1: none).
long indexOf(const FakeMqttClient& mqtt, const std::string& topic, const std::string& payload)
{
    for (std::size_t i = 0; i < mqtt.log.size(); ++i)
        if (mqtt.log[i].topic == topic && mqtt.log[i].payload == payload)
            return static_cast<long>(i);
    return -1;
}

std::string deviceTopic(const Rig& rig, const std::string& fingerprint)
{
    return "homeassistant/device/" + rig.device(fingerprint) + "/config";
}

}  // namespace

TEST(HomeAssistantFlows, RemovedAccountLosesItsDiscoveryBeforeItsState)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(
        FetchResult::ok({account("Lommepenger", kLomme), account("Sparekonto", kSpare)}));
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    poller.poll();
    rig.mqtt.log.clear();

    poller.poll();

    const long discovery = indexOf(rig.mqtt, deviceTopic(rig, kSpare), "");
    ASSERT_GE(discovery, 0);
    for (const char* topic : {"bank2mqtt/kid/sparekonto", "bank2mqtt/kid/sparekonto/balance",
                              "bank2mqtt/kid/sparekonto/availability"}) {
        const long state = indexOf(rig.mqtt, topic, "");
        ASSERT_GE(state, 0) << topic;
        EXPECT_LT(discovery, state) << topic;
    }
}

TEST(HomeAssistantFlows, AClearedTopicIsNeverSentAgain)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(
        FetchResult::ok({account("Lommepenger", kLomme), account("Sparekonto", kSpare)}));
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    poller.poll();
    poller.poll();
    rig.mqtt.log.clear();

    rig.publisher.onConnected();  // Home Assistant restarted (or the broker reconnected)

    for (const auto& message : rig.mqtt.log)
        EXPECT_FALSE(message.payload.empty()) << message.topic;
    EXPECT_GE(
        indexOf(rig.mqtt, deviceTopic(rig, kLomme), rig.mqtt.retained[deviceTopic(rig, kLomme)]),
        0);
}

TEST(HomeAssistantFlows, AClearWhileDisconnectedIsSentOnTheNextConnect)
{
    Rig rig;
    rig.publisher.set("bank2mqtt/kid/x/balance", "1.00");
    rig.mqtt.simulateDisconnect();

    rig.publisher.clear("bank2mqtt/kid/x/balance");
    rig.mqtt.simulateReconnect();
    rig.mqtt.log.clear();
    rig.publisher.onConnected();

    EXPECT_EQ(rig.mqtt.retained.count("bank2mqtt/kid/x/balance"), 0u);
    EXPECT_EQ(indexOf(rig.mqtt, "bank2mqtt/kid/x/balance", ""), -1);
}

TEST(HomeAssistantFlows, SwitchingDiscoveryModeMigratesTheEntities)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePlan component = rig.plan();
    component.discovery->mode = "component";
    {
        SourcePoller before = rig.poller(registry, component);
        rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
        before.poll();
    }
    const std::string old = "homeassistant/sensor/" + rig.device(kLomme) + "/balance/config";
    ASSERT_EQ(rig.mqtt.retained.count(old), 1u);
    rig.mqtt.log.clear();

    SourcePoller after = rig.poller(registry, rig.plan());
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    after.poll();

    // Migrate on the old topic and clear it (silent once migrated; after the new form HA warns
    // of a conflicting discovery message), then the new form takes the entities over.
    const long migrate = indexOf(rig.mqtt, old, "{\"migrate_discovery\":true}");
    const long device =
        indexOf(rig.mqtt, deviceTopic(rig, kLomme), rig.mqtt.retained[deviceTopic(rig, kLomme)]);
    const long clear = indexOf(rig.mqtt, old, "");
    ASSERT_GE(migrate, 0);
    EXPECT_LT(migrate, clear);
    EXPECT_LT(clear, device);
    EXPECT_EQ(rig.mqtt.retained.count(old), 0u);
}

TEST(HomeAssistantFlows, BankNamesThatAreOurOwnTopicsGetASuffix)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(
        FetchResult::ok({account("Refresh", kLomme), account("Status", kSpare)}));

    poller.poll();
    poller.publishStatus(std::nullopt);

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/refresh_2/balance"], "437.25");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/status_2/balance"], "437.25");
    EXPECT_EQ(rig.mqtt.retained.count("bank2mqtt/kid/refresh"), 0u);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/status"].rfind("{\"state\":\"ok\"", 0), 0u);
}

TEST(HomeAssistantFlows, KeysReadBackFromStateAreCheckedBeforeTheyBecomeTopics)
{
    Rig rig;
    rig.hostState.values["account_keys"] = "{\"" + rig.ids.publicId(kLomme) + "\":\"+/#\",\"" +
                                           rig.ids.publicId(kSpare) + "\":\"refresh\"}";
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(
        FetchResult::ok({account("Lommepenger", kLomme), account("Sparekonto", kSpare)}));

    poller.poll();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/balance"], "437.25");
}

TEST(HomeAssistantFlows, NoPublishedIdIsAPlainHashOfTheFingerprint)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));

    poller.poll();

    for (const auto& message : rig.mqtt.log) {
        EXPECT_EQ(message.topic.find(kLomme.substr(0, 16)), std::string::npos) << message.topic;
        EXPECT_EQ(message.payload.find(kLomme.substr(0, 16)), std::string::npos) << message.payload;
    }
    EXPECT_EQ(rig.hostState.values["account_keys"].find(kLomme), std::string::npos);
}

TEST(RestartFreshness, AccountsOfUnknownAgeAreOfflineUntilAPollSucceeds)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    {
        SourcePoller before = rig.poller(registry, rig.plan());
        rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
        before.poll();
    }
    rig.hostState.values.erase("last_success");  // an older version kept no success time

    SourcePoller after = rig.poller(registry, rig.plan());
    after.publishRestored();
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "offline");
    after.poll();  // 503

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "offline");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
}

TEST(RestartFreshness, MaxAgeCountsFromTheSuccessBeforeTheRestart)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    {
        SourcePoller before = rig.poller(registry, rig.plan());
        rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
        before.poll();
    }
    rig.clock.advance(30min);  // the daemon was down for half an hour

    SourcePoller after = rig.poller(registry, rig.plan());
    after.publishRestored();
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "online");
    after.poll();  // 503: 30 min old, still within max_age 45 min
    EXPECT_EQ(after.status().state, SourceState::Error);
    ASSERT_TRUE(after.freshnessDeadline().has_value());
    rig.clock.advance(16min);
    after.checkFreshness();

    EXPECT_EQ(after.status().state, SourceState::Stale);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "offline");
    EXPECT_NE(rig.mqtt.retained["bank2mqtt/kid/status"].find("\"last_success\":\"20"),
              std::string::npos)
        << rig.mqtt.retained["bank2mqtt/kid/status"];
}

TEST(RestartFreshness, DataOlderThanMaxAgeIsStaleAtStartUp)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    {
        SourcePoller before = rig.poller(registry, rig.plan());
        rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
        before.poll();
    }
    rig.clock.advance(2h);

    SourcePoller after = rig.poller(registry, rig.plan());
    after.publishRestored();

    EXPECT_EQ(after.status().state, SourceState::Stale);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "offline");
}

TEST(HomeAssistantFlows, AComponentLeftOutIsFirstSentReducedToItsPlatform)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePlan withThreshold = rig.plan();
    withThreshold.lowBalance = "100";
    {
        SourcePoller before = rig.poller(registry, withThreshold);
        rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
        before.poll();
    }
    const std::string topic = deviceTopic(rig, kLomme);
    ASSERT_NE(rig.mqtt.retained[topic].find("\"low_balance\":{"), std::string::npos);
    rig.mqtt.log.clear();

    // A new process whose configuration has no low_balance any more.
    PublishedTopics reread(rig.daemonState);
    SourcePoller after = rig.poller(reread, rig.plan());
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    after.poll();

    std::vector<std::string> payloads;
    for (const auto& message : rig.mqtt.log)
        if (message.topic == topic)
            payloads.push_back(message.payload);
    ASSERT_EQ(payloads.size(), 2u);
    // Home Assistant removes a device's component only when it arrives reduced like this.
    EXPECT_NE(payloads[0].find("\"low_balance\":{\"platform\":\"binary_sensor\"}"),
              std::string::npos)
        << payloads[0];
    EXPECT_EQ(payloads[1].find("low_balance"), std::string::npos) << payloads[1];
    EXPECT_EQ(rig.mqtt.retained[topic], payloads[1]);
}

TEST(AccountDiscoveryCache, BuildsAgainOnlyWhenWhatTheEntitiesShowChanges)
{
    DiscoverySettings settings;
    settings.bridgeId = "bank2mqtt_test";
    AccountDiscoveryCache cache(settings);
    AccountEntity entity{"kid", "lommepenger", "Sbanken", account("Lommepenger", kLomme), false};
    std::vector<DiscoveryMessage> out;

    const auto topics = cache.topics(entity, out);
    EXPECT_EQ(out.size(), 1u);
    entity.account.balance.minor = 1;  // a value, not a description: nothing to send
    out.clear();
    EXPECT_EQ(cache.topics(entity, out), topics);
    EXPECT_TRUE(out.empty());

    entity.account.name = "Pocket money";
    cache.topics(entity, out);
    EXPECT_EQ(out.size(), 1u);
    out.clear();
    entity.hasLowBalance = true;
    cache.topics(entity, out);
    EXPECT_EQ(out.size(), 1u);
    out.clear();
    cache.keepOnly({});
    cache.topics(entity, out);
    EXPECT_EQ(out.size(), 1u) << "a forgotten account is built again";
}

TEST(RestartFreshness, ASuccessSavedInTheFutureIsOfUnknownAge)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    {
        SourcePoller before = rig.poller(registry, rig.plan());
        rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
        before.poll();
    }
    // The next boot's clock is a day behind the saved success (no clock chip, no NTP yet).
    const auto saved = std::stoll(rig.hostState.values.at("last_success"));
    rig.hostState.values["last_success"] = std::to_string(saved + 24 * 3600);

    SourcePoller after = rig.poller(registry, rig.plan());
    after.publishRestored();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "offline");
    EXPECT_FALSE(after.status().lastSuccess.has_value());
}
