// SPDX-License-Identifier: MIT
// docs/home-assistant.md against the payloads: every entity id the page names (tables, dashboard
// and automation YAML) is one Home Assistant makes from the golden discovery payloads.
#include "discovery_fixtures.h"
#include "ha_schema_tables.h"

#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace bank2mqtt;
using Poco::JSON::Object;

namespace {

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The entity ids HA derives from a golden device payload (device name + entity name).
std::set<std::string> entityIdsOf(const std::string& goldenName)
{
    const Object::Ptr root =
        parseOrdered(readFile(std::string(BANK2MQTT_GOLDEN_DIR) + "/" + goldenName + ".json"));
    const std::string device = root->getObject("device")->getValue<std::string>("name");
    std::set<std::string> ids;
    const Object::Ptr components = root->getObject("components");
    for (const auto& [objectId, value] : *components) {
        const Object::Ptr component = value.extract<Object::Ptr>();
        ids.insert(ha::haEntityId(component->getValue<std::string>("platform"), device,
                                  component->getValue<std::string>("name")));
    }
    return ids;
}

}  // namespace

TEST(DocsExamples, EveryEntityIdOnTheHomeAssistantPageIsOneHomeAssistantMakes)
{
    std::set<std::string> known;
    for (const char* golden : {"lommepenger", "lommepenger_transactions", "bridge",
                               "bridge_call_budget", "bridge_renewal", "brukskonto"}) {
        const auto ids = entityIdsOf(golden);
        known.insert(ids.begin(), ids.end());
    }
    const std::string page = readFile(BANK2MQTT_DOCS_DIR "/home-assistant.md");
    ASSERT_FALSE(page.empty());

    const std::regex entityId(R"(\b(sensor|binary_sensor|button|text|event)\.[a-z0-9_]+)");
    int seen = 0;
    for (auto it = std::sregex_iterator(page.begin(), page.end(), entityId);
         it != std::sregex_iterator(); ++it, ++seen)
        EXPECT_TRUE(known.count(it->str())) << it->str() << " is not an entity HA makes";
    EXPECT_GT(seen, 10);
}

TEST(DocsExamples, NoExampleTriggersOnAValueComingBackFromUnavailable)
{
    // A numeric_state trigger fires again whenever the balance returns from unavailable (each
    // outage, restart or renewed login); a state trigger on a balance must exclude those.
    const std::string page = readFile(BANK2MQTT_DOCS_DIR "/home-assistant.md");
    EXPECT_EQ(page.find("trigger: numeric_state"), std::string::npos);
    const std::regex balanceTrigger(
        R"(trigger: state\n\s+entity_id: sensor\.[a-z0-9_]+_balance\n((?:\s+\w+:.*\n)*))");
    int seen = 0;
    for (auto it = std::sregex_iterator(page.begin(), page.end(), balanceTrigger);
         it != std::sregex_iterator(); ++it, ++seen) {
        const std::string options = (*it)[1].str();
        EXPECT_NE(options.find("not_from: [unavailable, unknown]"), std::string::npos) << options;
        EXPECT_NE(options.find("not_to: [unavailable, unknown]"), std::string::npos) << options;
    }
    EXPECT_GT(seen, 0);
}

TEST(DocsExamples, TransactionAutomationsIgnoreTheEventEntityComingBackFromUnavailable)
{
    // An event entity's state is the time of its last event: it also changes when the entity
    // comes back from unavailable (a restart, the broker), which must not notify anyone again.
    const std::string page = readFile(BANK2MQTT_DOCS_DIR "/home-assistant.md");
    const std::regex eventTrigger(
        R"(trigger: state\n\s+entity_id: event\.[a-z0-9_]+\n((?:\s+\w+:.*\n)*))");
    int seen = 0;
    for (auto it = std::sregex_iterator(page.begin(), page.end(), eventTrigger);
         it != std::sregex_iterator(); ++it, ++seen) {
        const std::string options = (*it)[1].str();
        EXPECT_NE(options.find("not_from: [unavailable]"), std::string::npos) << options;
        EXPECT_NE(options.find("not_to: [unavailable, unknown]"), std::string::npos) << options;
    }
    EXPECT_GT(seen, 0);
}
