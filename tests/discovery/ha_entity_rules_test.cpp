// SPDX-License-Identifier: MIT
// The checker on entity values: topics, classes, units, options, types, keys, names.
#include "checker_fixture.h"

#include <Poco/JSON/Array.h>

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace bank2mqtt;
using Poco::JSON::Array;
using Poco::JSON::Object;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Rules = std::set<std::string>;

TEST_F(CheckerRejects, TopicWithAControlCharacter)
{
    component("balance")->set("state_topic", "bank2mqtt/kid/lomme\x01penger/balance");
    EXPECT_EQ(deviceRules(), Rules{"topic-value"});
}

TEST_F(CheckerRejects, EmptyStateTopic)
{
    single_->set("state_topic", "");
    EXPECT_EQ(singleRules(), Rules{"topic-value"});
}

TEST_F(CheckerRejects, WildcardInACommandTopic)
{
    button_->set("command_topic", "bank2mqtt/+/refresh");
    EXPECT_EQ(buttonRules(), Rules{"wildcard"});
}

TEST_F(CheckerRejects, WildcardInAStateTopic)
{
    single_->set("state_topic", "bank2mqtt/kid/#");
    EXPECT_EQ(singleRules(), Rules{"wildcard"});
}

TEST_F(CheckerRejects, QosThree)
{
    device_->set("qos", 3);
    EXPECT_EQ(deviceRules(), Rules{"qos"});
}

TEST_F(CheckerRejects, IconWithoutAColon)
{
    component("refresh")->set("icon", "refresh");
    EXPECT_EQ(deviceRules(), Rules{"icon"});
}

TEST_F(CheckerRejects, ConfigCategoryOnASensor)
{
    component("last_update")->set("entity_category", "config");
    EXPECT_EQ(deviceRules(), Rules{"entity-category"});
}

TEST_F(CheckerRejects, UnknownEntityCategory)
{
    component("refresh")->set("entity_category", "system");
    EXPECT_EQ(deviceRules(), Rules{"entity-category"});
}

TEST_F(CheckerRejects, SensorWithoutStateTopic)
{
    single_->remove("state_topic");
    EXPECT_EQ(singleRules(), Rules{"required"});
}

TEST_F(CheckerRejects, BinarySensorWithoutStateTopic)
{
    component("low_balance")->remove("state_topic");
    EXPECT_EQ(deviceRules(), Rules{"required"});
}

TEST_F(CheckerRejects, ButtonWithoutCommandTopic)
{
    button_->remove("command_topic");
    EXPECT_EQ(buttonRules(), Rules{"required"});
}

TEST_F(CheckerRejects, UnknownSensorDeviceClass)
{
    component("available")->set("device_class", "money");
    EXPECT_EQ(deviceRules(), Rules{"device-class"});
}

TEST_F(CheckerRejects, ButtonDeviceClassOutsideIdentifyRestartUpdate)
{
    button_->set("device_class", "refresh");
    EXPECT_EQ(buttonRules(), Rules{"device-class"});
}

TEST_F(CheckerRejects, InvalidStateClass)
{
    component("last_update")->set("state_class", "sometimes");
    EXPECT_EQ(deviceRules(), (Rules{"state-class", "timestamp"}));
}

TEST_F(CheckerRejects, MonetaryWithStateClassMeasurement)
{
    single_->set("state_class", "measurement");
    EXPECT_EQ(singleRules(), Rules{"monetary"});
}

TEST_F(CheckerRejects, NothingInTheAccountWithTransactions)
{
    EXPECT_THAT(deviceRules(), IsEmpty());
    ASSERT_TRUE(component("transaction"));
    EXPECT_FALSE(component("last_transaction")->has("state_class"));  // allowed for monetary
}

TEST_F(CheckerRejects, EventWithoutEventTypes)
{
    component("transaction")->remove("event_types");
    EXPECT_EQ(deviceRules(), Rules{"required"});
}

TEST_F(CheckerRejects, EventWithEmptyOrRepeatedEventTypes)
{
    component("transaction")->set("event_types", Array::Ptr(new Array));
    EXPECT_EQ(deviceRules(), Rules{"event-types"});
    Array::Ptr twice = new Array;
    twice->add("debit");
    twice->add("debit");
    component("transaction")->set("event_types", twice);
    EXPECT_EQ(deviceRules(), Rules{"event-types"});
    component("transaction")->set("event_types", "debit");
    EXPECT_EQ(deviceRules(), Rules{"event-types"});
}

TEST_F(CheckerRejects, EventWithASensorDeviceClassOrStateClass)
{
    component("transaction")->set("device_class", "monetary");
    EXPECT_EQ(deviceRules(), Rules{"device-class"});
    component("transaction")->set("device_class", "doorbell");
    EXPECT_THAT(deviceRules(), IsEmpty());
    component("transaction")->remove("device_class");
    component("transaction")->set("state_class", "total");
    EXPECT_EQ(deviceRules(), Rules{"unknown-key"});
}

TEST_F(CheckerRejects, MonetaryWithACurrencySymbol)
{
    single_->set("unit_of_measurement", "kr");
    EXPECT_EQ(singleRules(), Rules{"monetary"});
}

TEST_F(CheckerRejects, UnitThatTheDeviceClassDoesNotAllow)
{
    component("available")->set("device_class", "temperature");
    component("available")->remove("state_class");
    EXPECT_EQ(deviceRules(), Rules{"unit"});
}

TEST_F(CheckerRejects, TimestampWithAUnit)
{
    component("last_update")->set("unit_of_measurement", "s");
    EXPECT_EQ(deviceRules(), Rules{"timestamp"});
}

TEST_F(CheckerRejects, EnumWithoutOptions)
{
    component("fetch_status")->remove("options");
    EXPECT_EQ(deviceRules(), Rules{"options"});
}

TEST_F(CheckerRejects, OptionsWithoutEnum)
{
    component("fetch_status")->remove("device_class");
    EXPECT_EQ(deviceRules(), Rules{"options"});
}

TEST_F(CheckerRejects, EmptyOptions)
{
    component("fetch_status")->set("options", Array::Ptr(new Array));
    EXPECT_EQ(deviceRules(), Rules{"options"});
}

TEST_F(CheckerRejects, NegativeDisplayPrecision)
{
    single_->set("suggested_display_precision", -1);
    EXPECT_EQ(singleRules(), Rules{"type"});
}

TEST_F(CheckerRejects, EnabledByDefaultAsAString)
{
    component("credit_limit")->set("enabled_by_default", "false");
    EXPECT_EQ(deviceRules(), Rules{"type"});
}

TEST_F(CheckerRejects, MisspelledKey)
{
    component("balance")->set("unit_of_measure", "NOK");
    EXPECT_EQ(deviceRules(), Rules{"unknown-key"});
}

TEST_F(CheckerRejects, AbbreviatedKey)
{
    const std::string topic = single_->getValue<std::string>("state_topic");
    single_->remove("state_topic");
    single_->set("stat_t", topic);
    EXPECT_EQ(singleRules(), (Rules{"abbreviation", "required"}));
}

TEST_F(CheckerRejects, DeprecatedObjectId)
{
    component("balance")->set("object_id", "lommepenger_balance");
    EXPECT_EQ(deviceRules(), Rules{"object-id"});
}

TEST_F(CheckerRejects, DefaultEntityIdOfAnotherPlatform)
{
    component("balance")->set("default_entity_id", "binary_sensor.lommepenger_balance");
    EXPECT_EQ(deviceRules(), Rules{"default-entity-id"});
}

TEST_F(CheckerRejects, DefaultEntityIdThatIsNotAnEntityId)
{
    component("balance")->set("default_entity_id", "sensor.Lommepenger__balance");
    EXPECT_EQ(deviceRules(), Rules{"default-entity-id"});
}

TEST_F(CheckerRejects, NameThatIsNeitherNullNorAString)
{
    component("balance")->set("name", 7);
    EXPECT_EQ(deviceRules(), Rules{"name"});
}

TEST_F(CheckerRejects, NameThatRepeatsTheDeviceName)
{
    component("available")->set("name", "Lommepenger available");
    EXPECT_EQ(deviceRules(), Rules{"name"});
}

namespace {

/// The bridge's renewal text entity, alone, after `edit`.
std::set<std::string> textRules(const std::function<void(Object::Ptr)>& edit)
{
    const auto bridge = renewalBridge(testSettings());
    const Object::Ptr root = parseOrdered(bridge[0].payload);
    edit(root->getObject("components")->getObject("source_eb_renewal_answer"));
    return rulesOf(checkDiscovery({{bridge[0].topic, stringify(root)}}));
}

}  // namespace

TEST(CheckerOnText, AcceptsTheRenewalAnswer)
{
    EXPECT_THAT(textRules([](Object::Ptr) {}), IsEmpty());
}

TEST(CheckerOnText, RejectsAMaxOverHomeAssistantsStateLimit)
{
    EXPECT_EQ(textRules([](Object::Ptr t) { t->set("max", 2048); }), Rules{"text"});
}

TEST(CheckerOnText, RejectsAMinOverTheMax)
{
    EXPECT_EQ(textRules([](Object::Ptr t) { t->set("min", 300); }), Rules{"text"});
}

TEST(CheckerOnText, RejectsAnUnknownMode)
{
    EXPECT_EQ(textRules([](Object::Ptr t) { t->set("mode", "secret"); }), Rules{"text"});
}

TEST(CheckerOnText, RejectsAnOptimisticTextThatWouldKeepTheSecret)
{
    EXPECT_EQ(textRules([](Object::Ptr t) { t->remove("state_topic"); }), Rules{"text"});
}

TEST(CheckerOnText, RejectsATextWithoutCommandTopic)
{
    EXPECT_EQ(textRules([](Object::Ptr t) { t->remove("command_topic"); }), Rules{"required"});
}
