// SPDX-License-Identifier: MIT
// What Home Assistant relies on, on fakes: availability by freshness, discovery per account,
// and the clean-up of topics that are no longer ours (no ghost entities).
#include "ha_rig.h"

#include <gtest/gtest.h>

using namespace bank2mqtt;
using namespace bank2mqtt::test;
using namespace std::chrono_literals;

TEST(HomeAssistantState, EachAccountGetsADeviceConfigAndAnAvailabilityTopic)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));

    poller.poll();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "online");
    const std::string config =
        rig.mqtt.retained["homeassistant/device/" + rig.device(kLomme) + "/config"];
    EXPECT_NE(config.find("\"unique_id\":\"" + rig.device(kLomme) + "_balance\""),
              std::string::npos)
        << config;
}

TEST(HomeAssistantState, DataOlderThanMaxAgeTurnsUnavailableWithoutAPoll)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    poller.poll();

    rig.clock.advance(44min);
    poller.checkFreshness();
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "online");
    rig.clock.advance(2min);
    poller.checkFreshness();

    EXPECT_EQ(poller.status().state, SourceState::Stale);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "offline");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
    EXPECT_FALSE(poller.freshnessDeadline().has_value());
}

TEST(HomeAssistantState, RejectedCredentialsMakeAccountsUnavailable)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    rig.source.results.push_back(FetchResult::failure(FetchStatus::AuthRequired, "invalid_client"));
    poller.poll();

    poller.poll();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "offline");
}

TEST(HomeAssistantState, AnAccountThatLeavesTheSelectionIsClearedEverywhere)
{
    Rig rig;
    {
        PublishedTopics registry(rig.daemonState);
        SourcePoller first = rig.poller(registry, rig.plan());
        rig.source.results.push_back(
            FetchResult::ok({account("Lommepenger", kLomme), account("Sparekonto", kSpare)}));
        first.poll();
    }
    ASSERT_EQ(rig.mqtt.retained.count("bank2mqtt/kid/sparekonto/balance"), 1u);

    // A new process (fresh publisher) with a config that selects one account only.
    Publisher publisher(rig.mqtt, "bank2mqtt");
    PublishedTopics registry(rig.daemonState);
    SourcePoller second(rig.plan(), rig.ids, rig.source, rig.clock, rig.log, rig.hostState,
                        publisher, registry);
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    second.poll();

    for (const auto& [topic, payload] : rig.mqtt.retained)
        EXPECT_EQ(topic.find("sparekonto"), std::string::npos) << topic;
    EXPECT_EQ(rig.mqtt.retained.count("homeassistant/device/" + rig.device(kSpare) + "/config"),
              0u);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
}

TEST(HomeAssistantState, AFailedFirstPollClearsNothing)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller first = rig.poller(registry, rig.plan());
    rig.source.results.push_back(FetchResult::ok({account("Sparekonto", kSpare)}));
    first.poll();

    SourcePoller second = rig.poller(registry, rig.plan());
    second.poll();  // 503

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/balance"], "437.25");
}

TEST(HomeAssistantState, SwitchingDiscoveryOffClearsTheConfigs)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller on = rig.poller(registry, rig.plan(true));
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    on.poll();

    SourcePoller off = rig.poller(registry, rig.plan(false));
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    off.poll();

    EXPECT_EQ(rig.mqtt.retained.count("homeassistant/device/" + rig.device(kLomme) + "/config"),
              0u);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
}

TEST(PublishedTopics, ForgetsOwnersNoLongerConfiguredAndReturnsTheirTopics)
{
    MemoryStateStore store;
    PublishedTopics registry(store);
    registry.replace("kid", {{"a", {"t/kid/a", "t/kid/a/balance"}}});
    registry.replace("parent", {{"b", {"t/parent/b"}}});

    PublishedTopics reloaded(store);
    auto gone = reloaded.dropOwnersExcept({"kid"});

    EXPECT_EQ(gone, std::vector<std::string>{"t/parent/b"});
    EXPECT_TRUE(reloaded.dropOwnersExcept({"kid"}).empty());
}

TEST(PublishedTopics, ACorruptRegistryIsIgnored)
{
    MemoryStateStore store;
    store.values["published_topics"] = "{not json";

    PublishedTopics registry(store);

    EXPECT_TRUE(registry.replace("kid", {}).empty());
}

TEST(Publisher, AClearWhileDisconnectedIsSentOnReconnect)
{
    Rig rig;
    rig.publisher.set("bank2mqtt/kid/x/balance", "1.00");
    rig.mqtt.simulateDisconnect();

    rig.publisher.clear("bank2mqtt/kid/x/balance");
    rig.mqtt.simulateReconnect();

    EXPECT_EQ(rig.mqtt.retained.count("bank2mqtt/kid/x/balance"), 0u);
}

TEST(HomeAssistantState, AnEmptyAccountListKeepsEverythingAndReportsIt)
{
    Rig rig;
    PublishedTopics registry(rig.daemonState);
    SourcePoller poller = rig.poller(registry, rig.plan());
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", kLomme)}));
    rig.source.results.push_back(FetchResult::ok({}));
    poller.poll();

    const FetchResult second = poller.poll();

    EXPECT_EQ(second.status, FetchStatus::Temporary);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
    EXPECT_EQ(rig.mqtt.retained.count("homeassistant/device/" + rig.device(kLomme) + "/config"),
              1u);
}

TEST(InstallationKey, PublicIdsAreStablePerInstallationAndHideTheFingerprint)
{
    MemoryStateStore first, second;
    const InstallationKey a(first), again(first), other(second);

    const std::string id = a.publicId(kLomme);

    EXPECT_EQ(id.size(), 32u);
    EXPECT_EQ(again.publicId(kLomme), id);
    EXPECT_NE(other.publicId(kLomme), id);
    EXPECT_NE(id, kLomme);
    EXPECT_EQ(first.values.at("installation_key").size(), 64u);
}
