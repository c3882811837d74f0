// SPDX-License-Identifier: MIT
// Probes on the discovery prefix, HA's birth message, and readers for discovery payloads.
#include "home_assistant_fixture.h"

#include "ha_discovery_checker.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <mqtt/async_client.h>

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <iostream>
#include <regex>
#include <sstream>

namespace bank2mqtt::itest {

const std::vector<DemoAccount> kDemoAccounts = {{"Lommepenger", "lommepenger"},
                                                {"Sparekonto", "sparekonto"},
                                                {"Felleskonto", "felleskonto"},
                                                {"Kredittkort", "kredittkort"}};
const std::set<std::string> kAccountObjects = {"balance",     "available",    "credit_limit",
                                               "last_update", "fetch_status", "low_balance",
                                               "problem",     "refresh"};
const std::set<std::string> kBridgeObjects = {"connectivity", "refresh", "version",
                                              "source_kid_status"};

namespace {

const std::string kPrefix = "homeassistant";
constexpr std::chrono::seconds kPublishTimeout{5};

Poco::JSON::Object::Ptr parseObject(const std::string& payload)
{
    try {
        auto parsed = Poco::JSON::Parser().parse(payload);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
            return parsed.extract<Poco::JSON::Object::Ptr>();
        }
    } catch (const Poco::Exception&) {
        // Not JSON: callers see "no such field".
    }
    return nullptr;
}

/// The object at `path` below `object`, or null.
Poco::JSON::Object::Ptr objectAt(Poco::JSON::Object::Ptr object,
                                 const std::vector<std::string>& path)
{
    for (const auto& key : path) {
        if (!object) {
            return nullptr;
        }
        object = object->getObject(key);
    }
    return object;
}

std::string uniqueClientId()
{
    static std::atomic<int> counter{0};
    return "itest-ha-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace

void HomeAssistantTest::TearDown()
{
    IntegrationTest::TearDown();
    if (HasFailure()) {
        for (const auto& p : discoveryProbes_) {
            std::cerr << p->dump();
        }
    }
}

DaemonConfigOptions HomeAssistantTest::haOptions() const
{
    DaemonConfigOptions o = configOptions();
    o.discovery = true;
    return o;
}

DaemonConfigOptions HomeAssistantTest::sameInstance(const DaemonConfig& earlier,
                                                    DaemonConfigOptions options)
{
    options.mqttClientId = earlier.mqttClientId();
    options.stateDir = earlier.stateDir();
    return options;
}

std::optional<int> HomeAssistantTest::runOnce(const DaemonConfig& config)
{
    return startDaemon(config, {"--once"}).waitExit(kOnceRunTimeout);
}

MqttProbe& HomeAssistantTest::discoveryProbe()
{
    discoveryProbes_.push_back(std::make_unique<MqttProbe>(broker_.uri(), kPrefix));
    return *discoveryProbes_.back();
}

MqttProbe& HomeAssistantTest::freshDiscoveryProbe()
{
    MqttProbe& p = discoveryProbe();
    if (!p.sync(kMqttTimeout)) {
        ADD_FAILURE() << "the discovery probe's sync marker did not come back";
    }
    return p;
}

DiscoveryConfigs HomeAssistantTest::retainedDiscovery()
{
    return latestDiscovery(freshDiscoveryProbe());
}

void HomeAssistantTest::publish(const std::string& topic, const std::string& payload, bool retain)
{
    mqtt::async_client client(broker_.uri(), uniqueClientId());
    try {
        if (!client.connect()->wait_for(kPublishTimeout) ||
            !client.publish(topic, payload, 1, retain)->wait_for(kPublishTimeout)) {
            ADD_FAILURE() << "publishing " << topic << " timed out";
        }
        client.disconnect()->wait_for(kPublishTimeout);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "publishing " << topic << ": " << e.what();
    }
}

DiscoveryConfigs latestDiscovery(const MqttProbe& probe)
{
    DiscoveryConfigs configs;
    for (const auto& m : probe.messages()) {
        if (m.payload.empty()) {
            configs.erase(m.topic);
        } else {
            configs[m.topic] = m.payload;
        }
    }
    return configs;
}

std::string violations(const DiscoveryConfigs& configs)
{
    HaDiscoveryChecker checker(kPrefix);
    std::ostringstream out;
    for (const auto& [topic, payload] : configs) {
        for (const auto& v : checker.check(topic, payload)) {
            out << v << '\n';
        }
    }
    return out.str();
}

std::string identifyingData(const DiscoveryConfigs& configs)
{
    const std::vector<std::string> secrets = {sim::kLommepenger, sim::kSparekonto,
                                              sim::kFelleskonto, sim::kKredittkort,
                                              sim::kCustomerId,  sim::kSharedOwnerId};
    std::ostringstream out;
    for (const auto& [topic, payload] : configs) {
        for (const auto& secret : secrets) {
            if (topic.find(secret) != std::string::npos ||
                payload.find(secret) != std::string::npos) {
                out << secret << " in " << topic << ": " << payload << '\n';
            }
        }
    }
    return out.str();
}

std::string bridgeId(const DaemonConfig& config)
{
    std::string id = "bank2mqtt_";
    for (const char c : config.mqttClientId()) {
        const auto u = static_cast<unsigned char>(c);
        id += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
    }
    return id;
}

std::string deviceTopic(const std::string& deviceId)
{
    return kPrefix + "/device/" + deviceId + "/config";
}

std::string accountDeviceIdOf(const std::string& topic)
{
    static const std::regex pattern("homeassistant/device/(bank2mqtt_[0-9a-f]{16})/config");
    std::smatch match;
    return std::regex_match(topic, match, pattern) ? match[1].str() : "";
}

std::string deviceTopicNamed(const DiscoveryConfigs& configs, const std::string& name)
{
    const std::string devicePrefix = kPrefix + "/device/";
    for (const auto& [topic, payload] : configs) {
        if (topic.rfind(devicePrefix, 0) == 0 && stringAt(payload, {"device", "name"}) == name) {
            return topic;
        }
    }
    return "";
}

std::string stringAt(const std::string& payload, const std::vector<std::string>& path)
{
    if (path.empty()) {
        return "";
    }
    auto parent = objectAt(parseObject(payload), {path.begin(), path.end() - 1});
    const std::string& key = path.back();
    if (!parent || !parent->has(key) || !parent->get(key).isString()) {
        return "";
    }
    return parent->getValue<std::string>(key);
}

std::set<std::string> componentIds(const std::string& payload)
{
    std::set<std::string> ids;
    if (auto components = objectAt(parseObject(payload), {"components"})) {
        for (const auto& [id, value] : *components) {
            ids.insert(id);
        }
    }
    return ids;
}

std::map<std::string, std::string> componentUniqueIds(const std::string& payload)
{
    std::map<std::string, std::string> ids;
    for (const auto& id : componentIds(payload)) {
        ids[id] = stringAt(payload, {"components", id, "unique_id"});
    }
    return ids;
}

std::vector<std::string> availabilityTopics(const std::string& payload,
                                            const std::vector<std::string>& path)
{
    std::vector<std::string> topics;
    auto object = objectAt(parseObject(payload), path);
    auto list = object ? object->getArray("availability") : nullptr;
    for (std::size_t i = 0; list && i < list->size(); ++i) {
        auto item = list->getObject(static_cast<unsigned>(i));
        topics.push_back(item && item->has("topic") ? item->getValue<std::string>("topic") : "");
    }
    return topics;
}

}  // namespace bank2mqtt::itest
