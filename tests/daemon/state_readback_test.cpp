// SPDX-License-Identifier: MIT
// What is read back from state files is checked before it reaches the broker: topics of the
// published-topics registry (account keys: HomeAssistantFlows.KeysReadBack...).
#include "published_topics.h"
#include "support/memory_state_store.h"
#include "topic_safety.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace bank2mqtt;
using namespace bank2mqtt::test;

namespace {

TEST(TopicSafety, AcceptsWhatTheDaemonPublishes)
{
    EXPECT_TRUE(isSafeTopicLevel("lommepenger"));
    EXPECT_TRUE(isSafeTopicLevel("bank2mqtt_2"));
    EXPECT_TRUE(isSafeTopicLevel("bl\xC3\xA5"));  // blå
    EXPECT_TRUE(isSafeTopic("bank2mqtt/kid/lommepenger/balance"));
    EXPECT_TRUE(isSafeTopic("homeassistant/device/bank2mqtt_0123456789abcdef/config"));
}

TEST(TopicSafety, RefusesWildcardsControlCharactersAndBrokenText)
{
    for (const std::string& level :
         {std::string(), std::string("+"), std::string("#"), std::string("a/b"),
          std::string("a\0b", 3), std::string("a\nb"), std::string("a\x7F"), std::string("$SYS"),
          std::string("\xC3"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80")})
        EXPECT_FALSE(isSafeTopicLevel(level)) << level;
    for (const std::string& topic :
         {std::string(), std::string("bank2mqtt/+/balance"), std::string("bank2mqtt/#"),
          std::string("$SYS/broker"), std::string("bank2mqtt/kid\0/x", 16),
          std::string("bank2mqtt/\r\n"), std::string(65536, 'a')})
        EXPECT_FALSE(isSafeTopic(topic)) << topic;
}

TEST(TopicSafety, KeepsToTheGivenPrefixes)
{
    const std::vector<std::string> prefixes = {"bank2mqtt", "homeassistant"};
    EXPECT_TRUE(isSafeTopicUnder("bank2mqtt/kid/status", prefixes));
    EXPECT_TRUE(isSafeTopicUnder("homeassistant/sensor/x/config", prefixes));
    EXPECT_FALSE(isSafeTopicUnder("bank2mqtt", prefixes));
    EXPECT_FALSE(isSafeTopicUnder("bank2mqtt/", prefixes));
    EXPECT_FALSE(isSafeTopicUnder("bank2mqttx/kid/status", prefixes));
    EXPECT_FALSE(isSafeTopicUnder("zigbee2mqtt/lamp", prefixes));
    EXPECT_FALSE(isSafeTopicUnder("bank2mqtt/#", prefixes));
}

TEST(PublishedTopics, DropsTopicsFromTheStateFileThatAreNotSafeOrNotOurs)
{
    MemoryStateStore store;
    store.values["published_topics"] =
        R"({"kid":{"lommepenger":["bank2mqtt/kid/lommepenger","bank2mqtt/kid/+",)"
        R"("bank2mqtt/#","homeassistant/device/x/config","zigbee2mqtt/lamp/set",)"
        R"("bank2mqtt/kid/a\u0000b","$SYS/broker/x"]}})";
    PublishedTopics registry(store, {"bank2mqtt", "homeassistant"});

    std::vector<std::string> gone = registry.dropOwnersExcept({});
    std::sort(gone.begin(), gone.end());
    EXPECT_EQ(gone, (std::vector<std::string>{"bank2mqtt/kid/lommepenger",
                                              "homeassistant/device/x/config"}));
}

TEST(PublishedTopics, WithoutPrefixesStillDropsWildcards)
{
    MemoryStateStore store;
    store.values["published_topics"] = R"({"kid":{"a":["bank2mqtt/kid/a","x/+/y","x/#"]}})";
    PublishedTopics registry(store);
    EXPECT_EQ(registry.dropOwnersExcept({}), std::vector<std::string>{"bank2mqtt/kid/a"});
}

}  // namespace
