// SPDX-License-Identifier: MIT
// The discovery builders: every payload passes the checker, ids are stable, modes never mix.
#include "account_identity.h"
#include "discovery_fixtures.h"
#include "ha_schema_tables.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

using namespace bank2mqtt;
using Poco::JSON::Array;
using Poco::JSON::Object;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace {

Object::Ptr parse(const std::string& payload)
{
    return Poco::JSON::Parser().parse(payload).extract<Object::Ptr>();
}

std::vector<std::string> availabilityTopics(const Object::Ptr& holder)
{
    std::vector<std::string> topics;
    const Array::Ptr list = holder->getArray("availability");
    for (std::size_t i = 0; list && i < list->size(); ++i)
        topics.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("topic"));
    return topics;
}

std::vector<AccountEntity> withLowBalance(bool low)
{
    std::vector<AccountEntity> accounts = simulatorAccounts();
    for (AccountEntity& a : accounts)
        a.hasLowBalance = low;
    return accounts;
}

}  // namespace

TEST(Discovery, EveryPayloadPassesTheCheckerInBothModesWithAndWithoutLowBalance)
{
    for (const std::string mode : {"device", "component"}) {
        for (const bool low : {false, true}) {
            SCOPED_TRACE(mode + (low ? " with low balance" : " without low balance"));
            const auto all = allDiscovery(testSettings(mode), withLowBalance(low));
            EXPECT_THAT(checkDiscovery(asPairs(all)), IsEmpty());
        }
    }
}

TEST(Discovery, CustomPrefixAndBaseTopicPassTheChecker)
{
    DiscoverySettings settings = testSettings();
    settings.prefix = "ha-test";
    settings.baseTopic = "home/bank";
    const auto all = allDiscovery(settings, simulatorAccounts());
    EXPECT_THAT(checkDiscovery(asPairs(all), "ha-test"), IsEmpty());
    for (const DiscoveryMessage& m : all)
        EXPECT_EQ(m.topic.rfind("ha-test/device/", 0), 0u) << m.topic;
}

TEST(Discovery, DeviceModePublishesOneMessagePerDevice)
{
    const AccountEntity lomme = simulatorAccounts()[0];
    const auto messages = accountDiscovery(testSettings(), lomme);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].topic, "homeassistant/device/bank2mqtt_3f6c1a9e8b7d4c2f/config");
    const Object::Ptr components = parse(messages[0].payload)->getObject("components");
    EXPECT_EQ(components->getNames(),
              (std::vector<std::string>{"available", "balance", "credit_limit", "fetch_status",
                                        "last_update", "low_balance", "problem", "refresh"}));

    const auto bridge = bridgeDiscovery(testSettings(), simulatorSources());
    ASSERT_EQ(bridge.size(), 1u);
    EXPECT_EQ(bridge[0].topic, "homeassistant/device/bank2mqtt_home/config");
}

TEST(Discovery, ComponentModePublishesNoDeviceTopics)
{
    const auto all = allDiscovery(testSettings("component"), simulatorAccounts());
    for (const DiscoveryMessage& m : all) {
        EXPECT_EQ(m.topic.find("/device/"), std::string::npos) << m.topic;
        const Object::Ptr payload = parse(m.payload);
        EXPECT_FALSE(payload->has("platform")) << m.topic;
        EXPECT_FALSE(payload->has("components")) << m.topic;
        EXPECT_TRUE(payload->has("device")) << m.topic;
    }
    const auto lomme = accountDiscovery(testSettings("component"), simulatorAccounts()[0]);
    EXPECT_EQ(lomme.size(), 8u);
    EXPECT_EQ(lomme[0].topic, "homeassistant/sensor/bank2mqtt_3f6c1a9e8b7d4c2f/balance/config");
    EXPECT_EQ(lomme[5].topic,
              "homeassistant/binary_sensor/bank2mqtt_3f6c1a9e8b7d4c2f/problem/config");
    EXPECT_EQ(lomme[6].topic,
              "homeassistant/binary_sensor/bank2mqtt_3f6c1a9e8b7d4c2f/low_balance/config");
    EXPECT_EQ(lomme[7].topic, "homeassistant/button/bank2mqtt_3f6c1a9e8b7d4c2f/refresh/config");
}

TEST(Discovery, PublishingBothModesIsACheckerViolation)
{
    const AccountEntity lomme = simulatorAccounts()[0];
    auto both = asPairs(accountDiscovery(testSettings("device"), lomme));
    const auto single = asPairs(accountDiscovery(testSettings("component"), lomme));
    both.insert(both.end(), single.begin(), single.end());
    bool conflict = false;
    for (const Violation& v : checkDiscovery(both))
        conflict = conflict || v.rule == "discovery-conflict";
    EXPECT_TRUE(conflict);
}

TEST(Discovery, UniqueIdsAndTopicsSurviveARename)
{
    AccountEntity before = simulatorAccounts()[0];
    AccountEntity after = before;
    after.account.name = "Ukepenger";
    after.key = "ukepenger";
    for (const std::string mode : {"device", "component"}) {
        const auto a = accountDiscovery(testSettings(mode), before);
        const auto b = accountDiscovery(testSettings(mode), after);
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].topic, b[i].topic);
            const Object::Ptr pa = parse(a[i].payload);
            const Object::Ptr pb = parse(b[i].payload);
            if (mode == "component") {
                EXPECT_EQ(pa->getValue<std::string>("unique_id"),
                          pb->getValue<std::string>("unique_id"));
                continue;
            }
            for (const std::string& id : pa->getObject("components")->getNames()) {
                EXPECT_EQ(
                    pa->getObject("components")->getObject(id)->getValue<std::string>("unique_id"),
                    pb->getObject("components")->getObject(id)->getValue<std::string>("unique_id"));
            }
            EXPECT_EQ(pb->getObject("device")->getValue<std::string>("name"), "Ukepenger");
        }
    }
    EXPECT_EQ(accountDeviceId(before), accountDeviceId(after));
}

TEST(Discovery, NeverRevealsTheAccountNumber)
{
    const std::string number = "97104133219";
    AccountEntity lomme = simulatorAccounts()[0];
    lomme.account.fingerprint = accountFingerprint("sbanken", number);
    for (const std::string mode : {"device", "component"}) {
        for (const DiscoveryMessage& m : accountDiscovery(testSettings(mode), lomme)) {
            EXPECT_EQ(m.topic.find(number), std::string::npos);
            EXPECT_EQ(m.payload.find(number), std::string::npos);
            EXPECT_EQ(m.payload.find("3219"), std::string::npos) << "not even the masked tail";
        }
    }
    EXPECT_THAT(checkDiscovery(asPairs(accountDiscovery(testSettings(), lomme))), IsEmpty());
}

TEST(Discovery, LowBalanceEntityOnlyWhenConfigured)
{
    AccountEntity account = simulatorAccounts()[1];
    ASSERT_FALSE(account.hasLowBalance);
    EXPECT_FALSE(parse(accountDiscovery(testSettings(), account)[0].payload)
                     ->getObject("components")
                     ->has("low_balance"));
    account.hasLowBalance = true;
    const Object::Ptr low = parse(accountDiscovery(testSettings(), account)[0].payload)
                                ->getObject("components")
                                ->getObject("low_balance");
    ASSERT_TRUE(low);
    EXPECT_EQ(low->getValue<std::string>("platform"), "binary_sensor");
    EXPECT_EQ(low->getValue<std::string>("device_class"), "problem");
    EXPECT_EQ(low->getValue<std::string>("state_topic"), "bank2mqtt/kid/sparekonto/low_balance");
}

TEST(Discovery, BalanceDateEntityOnlyForBanksThatDateTheirBalances)
{
    AccountEntity account = simulatorAccounts()[1];
    EXPECT_FALSE(parse(accountDiscovery(testSettings(), account)[0].payload)
                     ->getObject("components")
                     ->has("balance_date"));
    account.account.balanceDate = std::chrono::system_clock::now();
    const auto messages = accountDiscovery(testSettings(), account);
    const Object::Ptr root = parse(messages[0].payload);
    const Object::Ptr date = root->getObject("components")->getObject("balance_date");
    ASSERT_TRUE(date);
    EXPECT_EQ(date->getValue<std::string>("device_class"), "timestamp");
    EXPECT_EQ(date->getValue<std::string>("value_template"), "{{ value_json.balance_date }}");
    EXPECT_EQ(ha::haEntityId("sensor", root->getObject("device")->getValue<std::string>("name"),
                             date->getValue<std::string>("name")),
              "sensor.sparekonto_balance_date");
    EXPECT_THAT(checkDiscovery(asPairs(messages)), IsEmpty());
}

TEST(Discovery, AvailabilityCombinesBridgeAndFreshnessExceptForStatusAndRefresh)
{
    const Object::Ptr root =
        parse(accountDiscovery(testSettings(), simulatorAccounts()[0])[0].payload);
    EXPECT_THAT(availabilityTopics(root),
                ElementsAre("bank2mqtt/status", "bank2mqtt/kid/lommepenger/availability"));
    EXPECT_EQ(root->getValue<std::string>("availability_mode"), "all");
    const Object::Ptr components = root->getObject("components");
    EXPECT_THAT(availabilityTopics(components->getObject("fetch_status")),
                ElementsAre("bank2mqtt/status"));
    EXPECT_THAT(availabilityTopics(components->getObject("refresh")),
                ElementsAre("bank2mqtt/status"));
    EXPECT_FALSE(components->getObject("balance")->has("availability"));
}

TEST(Discovery, DisplayPrecisionFollowsTheCurrency)
{
    AccountEntity account = simulatorAccounts()[0];
    account.account.balance.currency = "JPY";
    const Object::Ptr balance = parse(accountDiscovery(testSettings(), account)[0].payload)
                                    ->getObject("components")
                                    ->getObject("balance");
    EXPECT_EQ(balance->getValue<int>("suggested_display_precision"), 0);
    EXPECT_EQ(balance->getValue<std::string>("unit_of_measurement"), "JPY");
}

TEST(Discovery, ABanksOwnDecimalsAndAUnitThatIsNoCurrency)
{
    AccountEntity firefly = simulatorAccounts()[0];
    firefly.account.balance = firefly.account.available = {12345678, "EUR", 4};
    AccountEntity points = simulatorAccounts()[1];
    points.account.balance = points.account.available = {5005, "", 1};
    points.hasLowBalance = true;
    for (const std::string mode : {"device", "component"})
        EXPECT_THAT(checkDiscovery(asPairs(allDiscovery(testSettings(mode), {firefly, points}))),
                    IsEmpty())
            << mode;

    const Object::Ptr own = parse(accountDiscovery(testSettings(), firefly)[0].payload)
                                ->getObject("components")
                                ->getObject("available");
    EXPECT_EQ(own->getValue<int>("suggested_display_precision"), 4);
    EXPECT_EQ(own->getValue<std::string>("unit_of_measurement"), "EUR");
    EXPECT_EQ(own->getValue<std::string>("device_class"), "monetary");
    const Object::Ptr custom = parse(accountDiscovery(testSettings(), points)[0].payload)
                                   ->getObject("components")
                                   ->getObject("balance");
    EXPECT_EQ(custom->getValue<int>("suggested_display_precision"), 1);
    EXPECT_FALSE(custom->has("unit_of_measurement"));
    EXPECT_FALSE(custom->has("device_class"));
    EXPECT_EQ(custom->getValue<std::string>("state_class"), "total");
}

TEST(Discovery, EveryAccountHasAProblemEntityThatFollowsTheBridgeOnly)
{
    const Object::Ptr components =
        parse(accountDiscovery(testSettings(), simulatorAccounts()[0])[0].payload)
            ->getObject("components");
    const Object::Ptr problem = components->getObject("problem");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->getValue<std::string>("platform"), "binary_sensor");
    EXPECT_EQ(problem->getValue<std::string>("device_class"), "problem");
    EXPECT_EQ(problem->getValue<std::string>("entity_category"), "diagnostic");
    EXPECT_EQ(problem->getValue<std::string>("state_topic"), "bank2mqtt/kid/lommepenger/problem");
    EXPECT_THAT(availabilityTopics(problem), ElementsAre("bank2mqtt/status"));
}

TEST(Discovery, TransactionsGiveAnEventAndALastAmountPerAccount)
{
    AccountEntity kid = simulatorAccounts()[0];
    EXPECT_FALSE(parse(accountDiscovery(testSettings(), kid)[0].payload)
                     ->getObject("components")
                     ->has("transaction"));
    kid.hasTransactions = true;
    AccountEntity points = simulatorAccounts()[1];
    points.account.balance = points.account.available = {5005, "", 1};
    points.hasTransactions = true;
    for (const std::string mode : {"device", "component"})
        EXPECT_THAT(checkDiscovery(asPairs(allDiscovery(testSettings(mode), {kid, points}))),
                    IsEmpty())
            << mode;

    const Object::Ptr components =
        parse(accountDiscovery(testSettings(), kid)[0].payload)->getObject("components");
    const Object::Ptr event = components->getObject("transaction");
    ASSERT_TRUE(event);
    EXPECT_EQ(event->getValue<std::string>("platform"), "event");
    EXPECT_EQ(event->getValue<std::string>("name"), "Transaction");
    EXPECT_EQ(event->getValue<std::string>("state_topic"), "bank2mqtt/kid/lommepenger/transaction");
    const Array::Ptr types = event->getArray("event_types");
    ASSERT_TRUE(types);
    EXPECT_EQ(types->size(), 3u);
    EXPECT_EQ(types->getElement<std::string>(0), "debit");
    EXPECT_EQ(types->getElement<std::string>(1), "credit");
    EXPECT_EQ(types->getElement<std::string>(2), "booked");
    EXPECT_FALSE(event->has("device_class"));

    const Object::Ptr last = components->getObject("last_transaction");
    ASSERT_TRUE(last);
    EXPECT_EQ(last->getValue<std::string>("platform"), "sensor");
    EXPECT_EQ(last->getValue<std::string>("state_topic"),
              "bank2mqtt/kid/lommepenger/last_transaction");
    EXPECT_EQ(last->getValue<std::string>("json_attributes_topic"),
              "bank2mqtt/kid/lommepenger/last_transaction");
    EXPECT_EQ(last->getValue<std::string>("value_template"), "{{ value_json.amount }}");
    EXPECT_EQ(last->getValue<std::string>("device_class"), "monetary");
    EXPECT_EQ(last->getValue<std::string>("unit_of_measurement"), "NOK");
    EXPECT_FALSE(last->has("state_class"));  // a last amount is no total

    const Object::Ptr custom = parse(accountDiscovery(testSettings(), points)[0].payload)
                                   ->getObject("components")
                                   ->getObject("last_transaction");
    EXPECT_FALSE(custom->has("device_class"));
    EXPECT_FALSE(custom->has("unit_of_measurement"));
}

TEST(Discovery, NamesWithNordicLettersAndQuotesGiveValidIds)
{
    AccountEntity account = simulatorAccounts()[0];
    account.account.name = "H\xc3\xb8yrente & \"Bil\"";
    account.key = "hoyrente_bil";
    const auto messages = accountDiscovery(testSettings(), account);
    EXPECT_THAT(checkDiscovery(asPairs(messages)), IsEmpty());
    const Object::Ptr root = parse(messages[0].payload);
    EXPECT_EQ(root->getObject("device")->getValue<std::string>("name"),
              "H\xc3\xb8yrente & \"Bil\"");
    // What every Home Assistant version makes of the device and entity names by itself.
    EXPECT_EQ(
        ha::haEntityId(
            "sensor", root->getObject("device")->getValue<std::string>("name"),
            root->getObject("components")->getObject("balance")->getValue<std::string>("name")),
        "sensor.hoyrente_bil_balance");
}

TEST(Discovery, SameInputGivesByteEqualOutput)
{
    EXPECT_EQ(allDiscovery(testSettings(), simulatorAccounts()),
              allDiscovery(testSettings(), simulatorAccounts()));
}

TEST(Discovery, BridgeHasAFetchStatusPerSource)
{
    const Object::Ptr components =
        parse(bridgeDiscovery(testSettings(), {"kid", "family-2"})[0].payload)
            ->getObject("components");
    const Object::Ptr status = components->getObject("source_family-2_status");
    ASSERT_TRUE(status);
    EXPECT_EQ(status->getValue<std::string>("state_topic"), "bank2mqtt/family-2/status");
    EXPECT_EQ(ha::haEntityId("sensor", "bank2mqtt", status->getValue<std::string>("name")),
              "sensor.bank2mqtt_family_2_status");
    EXPECT_FALSE(components->getObject("connectivity")->has("availability"));
}

TEST(Discovery, ASourceWithACallBudgetGetsACallsLeftSensorOnTheBridge)
{
    for (const std::string mode : {"device", "component"}) {
        SCOPED_TRACE(mode);
        auto all = bridgeDiscovery(testSettings(mode), {"kid", "family-2"}, {"family-2"});
        for (const auto& account : accountDiscovery(testSettings(mode), simulatorAccounts()[0]))
            all.push_back(account);
        EXPECT_THAT(checkDiscovery(asPairs(all)), IsEmpty());
    }
    const Object::Ptr components =
        parse(bridgeDiscovery(testSettings(), {"kid", "family-2"}, {"family-2"})[0].payload)
            ->getObject("components");
    EXPECT_FALSE(components->has("source_kid_calls_left"));
    const Object::Ptr calls = components->getObject("source_family-2_calls_left");
    ASSERT_TRUE(calls);
    EXPECT_EQ(calls->getValue<std::string>("state_topic"), "bank2mqtt/family-2/status");
    EXPECT_EQ(calls->getValue<std::string>("value_template"), "{{ value_json.calls_remaining }}");
    EXPECT_EQ(calls->getValue<std::string>("entity_category"), "diagnostic");
    EXPECT_THAT(availabilityTopics(calls), ElementsAre("bank2mqtt/status"));
    EXPECT_EQ(ha::haEntityId("sensor", "bank2mqtt", calls->getValue<std::string>("name")),
              "sensor.bank2mqtt_family_2_calls_left");
}

TEST(Discovery, ConsentEntitiesPassTheCheckerInBothModes)
{
    for (const std::string mode : {"device", "component"}) {
        SCOPED_TRACE(mode);
        std::vector<DiscoveryMessage> all = renewalBridge(testSettings(mode));
        const auto account = accountDiscovery(testSettings(mode), consentAccount());
        all.insert(all.end(), account.begin(), account.end());
        EXPECT_THAT(checkDiscovery(asPairs(all)), IsEmpty());
    }
}

TEST(Discovery, ConsentEntitiesFollowTheBridgeOnlyAndReadTheStatus)
{
    const Object::Ptr root = parse(accountDiscovery(testSettings(), consentAccount())[0].payload);
    const std::string device = root->getObject("device")->getValue<std::string>("name");
    const Object::Ptr components = root->getObject("components");
    const Object::Ptr end = components->getObject("consent_end");
    const Object::Ptr problem = components->getObject("consent");
    ASSERT_TRUE(end && problem);
    EXPECT_EQ(end->getValue<std::string>("state_topic"), "bank2mqtt/eb/status");
    EXPECT_EQ(end->getValue<std::string>("device_class"), "timestamp");
    EXPECT_EQ(problem->getValue<std::string>("device_class"), "problem");
    EXPECT_EQ(problem->getValue<std::string>("entity_category"), "diagnostic");
    // Unavailable balances (a consent that ended) must not hide why.
    EXPECT_THAT(availabilityTopics(end), ElementsAre("bank2mqtt/status"));
    EXPECT_THAT(availabilityTopics(problem), ElementsAre("bank2mqtt/status"));
    EXPECT_EQ(ha::haEntityId("sensor", device, end->getValue<std::string>("name")),
              "sensor.brukskonto_consent_end");
    EXPECT_EQ(ha::haEntityId("binary_sensor", device, problem->getValue<std::string>("name")),
              "binary_sensor.brukskonto_consent");
    EXPECT_FALSE(parse(accountDiscovery(testSettings(), simulatorAccounts()[0])[0].payload)
                     ->getObject("components")
                     ->has("consent"));
}

TEST(Discovery, BridgeOffersTheRenewalOfRenewableSourcesOnly)
{
    const Object::Ptr components =
        parse(renewalBridge(testSettings())[0].payload)->getObject("components");
    EXPECT_FALSE(components->has("source_kid_renew"));
    const Object::Ptr button = components->getObject("source_eb_renew");
    const Object::Ptr step = components->getObject("source_eb_renewal");
    const Object::Ptr answer = components->getObject("source_eb_renewal_answer");
    ASSERT_TRUE(button && step && answer);
    EXPECT_EQ(button->getValue<std::string>("command_topic"), "bank2mqtt/eb/consent/renew");
    EXPECT_EQ(step->getValue<std::string>("state_topic"), "bank2mqtt/eb/consent");
    EXPECT_EQ(step->getValue<std::string>("json_attributes_topic"), "bank2mqtt/eb/consent");
    EXPECT_EQ(answer->getValue<std::string>("platform"), "text");
    EXPECT_EQ(answer->getValue<std::string>("command_topic"), "bank2mqtt/eb/consent/answer");
    EXPECT_EQ(answer->getValue<std::string>("mode"), "password");
    EXPECT_EQ(answer->getValue<int>("max"), 255);
    // A state topic that always reads "": HA never holds the pasted answer as a state.
    EXPECT_EQ(answer->getValue<std::string>("value_template"), "{{ '' }}");
    EXPECT_FALSE(answer->has("retain"));
    EXPECT_EQ(ha::haEntityId("button", "bank2mqtt", button->getValue<std::string>("name")),
              "button.bank2mqtt_eb_renew_consent");
    EXPECT_EQ(ha::haEntityId("sensor", "bank2mqtt", step->getValue<std::string>("name")),
              "sensor.bank2mqtt_eb_renewal");
    EXPECT_EQ(ha::haEntityId("text", "bank2mqtt", answer->getValue<std::string>("name")),
              "text.bank2mqtt_eb_renewal_answer");
}

TEST(Discovery, RefusesAnUnknownMode)
{
    DiscoverySettings settings = testSettings("both");
    EXPECT_THROW(bridgeDiscovery(settings, {}), std::invalid_argument);
    EXPECT_THROW(accountDiscovery(settings, simulatorAccounts()[0]), std::invalid_argument);
}

TEST(AccountDeviceId, IsTheFirst16HexDigitsInLowerCase)
{
    AccountEntity account;
    account.account.fingerprint = "8B1F4C2A9D3E47A6B5C0D1E2F3A4B5C6";
    EXPECT_EQ(accountDeviceId(account), "bank2mqtt_8b1f4c2a9d3e47a6");
    account.account.fingerprint = "8b1f4c2a9d3e";
    EXPECT_THROW(accountDeviceId(account), std::invalid_argument);
    account.account.fingerprint = "8b1f4c2a-9d3e47a6b5c0";
    EXPECT_THROW(accountDeviceId(account), std::invalid_argument);
}
