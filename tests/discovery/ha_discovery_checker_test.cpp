// SPDX-License-Identifier: MIT
// The checker on payload structure: topic, JSON, origin, device, components, ids, availability.
#include "checker_fixture.h"

#include <Poco/JSON/Array.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace bank2mqtt;
using Poco::JSON::Array;
using Poco::JSON::Object;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Rules = std::set<std::string>;

TEST_F(CheckerRejects, NothingInTheUnbrokenPayloads)
{
    EXPECT_THAT(deviceRules(), IsEmpty());
    EXPECT_THAT(singleRules(), IsEmpty());
    EXPECT_THAT(buttonRules(), IsEmpty());
}

TEST_F(CheckerRejects, RemovalsAreValid)
{
    EXPECT_THAT(checkDiscovery({{deviceTopic_, ""}, {singleTopic_, ""}}), IsEmpty());
    Object::Ptr onlyPlatform = new Object;
    onlyPlatform->set("platform", "sensor");
    device_->getObject("components")->set("balance", onlyPlatform);
    EXPECT_THAT(deviceRules(), IsEmpty());
}

TEST_F(CheckerRejects, TopicWithADotInTheObjectId)
{
    EXPECT_EQ(deviceRules("homeassistant/device/bank2mqtt.3f6c/config"), Rules{"topic"});
}

TEST_F(CheckerRejects, TopicWithAnUnsupportedComponent)
{
    EXPECT_EQ(singleRules("homeassistant/bank/bank2mqtt_3f6c/balance/config"), Rules{"topic"});
}

TEST_F(CheckerRejects, TopicOutsideThePrefixOrWithoutConfig)
{
    EXPECT_EQ(deviceRules("hass/device/bank2mqtt_3f6c/config"), Rules{"topic"});
    EXPECT_EQ(deviceRules("homeassistant/device/bank2mqtt_3f6c/state"), Rules{"topic"});
    EXPECT_EQ(deviceRules("homeassistant/device/a/b/c/config"), Rules{"topic"});
}

TEST_F(CheckerRejects, PayloadThatIsNotAJsonObject)
{
    EXPECT_EQ(rulesOf(checkDiscovery({{deviceTopic_, "[1,2]"}})), Rules{"json"});
    EXPECT_EQ(rulesOf(checkDiscovery({{deviceTopic_, "{\"device\":"}})), Rules{"json"});
}

TEST_F(CheckerRejects, OriginWithoutName)
{
    device_->getObject("origin")->remove("name");
    EXPECT_EQ(deviceRules(), Rules{"origin"});
}

TEST_F(CheckerRejects, OriginWithAnFtpSupportUrl)
{
    device_->getObject("origin")->set("support_url", "ftp://example.org/");
    EXPECT_EQ(deviceRules(), Rules{"origin"});
}

TEST_F(CheckerRejects, SingleComponentPayloadWithoutOrigin)
{
    single_->remove("origin");
    EXPECT_EQ(singleRules(), Rules{"origin"});
}

TEST_F(CheckerRejects, DevicePayloadWithoutComponents)
{
    device_->remove("components");
    EXPECT_EQ(deviceRules(), Rules{"device-payload"});
}

TEST_F(CheckerRejects, DevicePayloadWithoutOrigin)
{
    device_->remove("origin");
    EXPECT_EQ(deviceRules(), Rules{"device-payload"});
}

TEST_F(CheckerRejects, ComponentWithoutPlatform)
{
    component("balance")->remove("platform");
    EXPECT_EQ(deviceRules(), Rules{"component"});
}

TEST_F(CheckerRejects, ComponentWithAnUnsupportedPlatform)
{
    component("balance")->set("platform", "money");
    EXPECT_EQ(deviceRules(), Rules{"component"});
}

TEST_F(CheckerRejects, ComponentThatOverridesTheDevice)
{
    component("balance")->set("device", device_->getObject("device"));
    EXPECT_EQ(deviceRules(), Rules{"component"});
}

TEST_F(CheckerRejects, ComponentWithoutUniqueId)
{
    component("balance")->remove("unique_id");
    EXPECT_EQ(deviceRules(), Rules{"unique-id"});
}

TEST_F(CheckerRejects, TheSameUniqueIdTwiceInASet)
{
    component("available")
        ->set("unique_id", component("balance")->getValue<std::string>("unique_id"));
    EXPECT_EQ(deviceRules(), Rules{"duplicate-unique-id"});
}

TEST_F(CheckerRejects, DeviceWithoutIdentifiers)
{
    device_->getObject("device")->set("identifiers", Array::Ptr(new Array));
    EXPECT_EQ(deviceRules(), Rules{"device"});
}

TEST_F(CheckerRejects, DeviceWithoutName)
{
    device_->getObject("device")->remove("name");
    EXPECT_EQ(deviceRules(), Rules{"device"});
}

TEST_F(CheckerRejects, DeviceConnectionThatIsNotAPair)
{
    Array::Ptr connection = new Array;
    connection->add("mac");
    Array::Ptr connections = new Array;
    connections->add(connection);
    device_->getObject("device")->set("connections", connections);
    EXPECT_EQ(deviceRules(), Rules{"device"});
}

TEST_F(CheckerRejects, BothAvailabilityForms)
{
    component("balance")->set("availability_topic", "bank2mqtt/status");
    EXPECT_EQ(deviceRules(), Rules{"availability"});
}

TEST_F(CheckerRejects, AvailabilityItemWithoutTopic)
{
    device_->getArray("availability")->getObject(1)->remove("topic");
    EXPECT_EQ(deviceRules(), Rules{"availability"});
}

TEST_F(CheckerRejects, AvailabilityModeOutsideAllAnyLatest)
{
    device_->set("availability_mode", "both");
    EXPECT_EQ(deviceRules(), Rules{"availability"});
}

TEST_F(CheckerRejects, MigrateDiscoveryThatIsNotTrue)
{
    EXPECT_EQ(rulesOf(checkDiscovery({{singleTopic_, "{\"migrate_discovery\":1}"}})),
              Rules{"migrate"});
    EXPECT_THAT(checkDiscovery({{singleTopic_, "{\"migrate_discovery\":true}"}}), IsEmpty());
}

TEST_F(CheckerRejects, UnknownRootKey)
{
    device_->set("icon", "mdi:bank");
    EXPECT_EQ(deviceRules(), Rules{"unknown-key"});
}

TEST_F(CheckerRejects, PlatformInASingleComponentPayload)
{
    single_->set("platform", "sensor");
    EXPECT_EQ(singleRules(), Rules{"unknown-key"});
}

TEST_F(CheckerRejects, TheSameTopicTwiceInASet)
{
    const std::string payload = stringify(single_);
    EXPECT_THAT(rulesOf(checkDiscovery({{singleTopic_, payload}, {singleTopic_, ""}})),
                ElementsAre("duplicate-topic"));
}

TEST(ViolationText, NamesRuleTopicPlaceAndProblem)
{
    std::ostringstream out;
    out << Violation{"qos", "homeassistant/device/x/config", "qos", "must be 0, 1 or 2"};
    EXPECT_EQ(out.str(), "qos at homeassistant/device/x/config qos: must be 0, 1 or 2");
}
