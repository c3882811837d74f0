// SPDX-License-Identifier: MIT
// Home Assistant discovery payloads: device or single-component form, full key names.
//
// Facts this file relies on (HA core, mqtt/discovery.py, schemas.py, sensor.py):
// - device discovery: <prefix>/device/<id>/config with device, origin and components; every
//   component needs platform and unique_id. Root-level availability, availability_mode and qos
//   are inherited by each component that does not set its own.
// - single-component discovery: <prefix>/<platform>/<node>/<object>/config, everything in one
//   entity's payload. The same entity in both forms is a conflict HA ignores.
// - unknown keys are dropped silently, so only full key names HA's schemas know are written.
// - monetary sensors: state_class total and an ISO 4217 unit; timestamp and enum sensors: no
//   unit, no state_class; default_entity_id (<platform>.<id>) replaces the deprecated object_id.
#include "discovery.h"

#include "money.h"
#include "payloads.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cctype>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace bank2mqtt {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

/// Keys and values in publishing order: Poco's Object only keeps the order it is told to keep,
/// and a plain list makes that order visible here.
using Fields = std::vector<std::pair<std::string, Var>>;

constexpr const char* kSupportUrl = "https://github.com/bank2mqtt/bank2mqtt";
constexpr const char* kFetchStates[] = {"ok", "stale", "auth_failed", "error", "rate_limited"};

struct Component {
    std::string objectId;  ///< key in "components"; last topic level in component mode
    std::string platform;
    Fields fields;  ///< unique_id first; no platform, no availability
    /// Own availability (the bridge status only), or null to follow the device's.
    Array::Ptr availability;
};

struct DeviceSpec {
    std::string id;
    Fields device;
    Array::Ptr availability;  ///< null: always available unless a component sets its own
    std::vector<Component> components;
};

Object::Ptr toObject(const Fields& fields)
{
    Object::Ptr object = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [key, value] : fields)
        object->set(key, value);
    return object;
}

std::string render(const Fields& fields)
{
    std::ostringstream out;
    toObject(fields)->stringify(out);
    return out.str();
}

Array::Ptr stringArray(const std::vector<std::string>& values)
{
    Array::Ptr array = new Array;
    for (const std::string& value : values)
        array->add(value);
    return array;
}

/// [{topic, payload_available: online, payload_not_available: offline}, ...]. The payloads
/// are HA's defaults; writing them out documents what the daemon publishes.
Array::Ptr availabilityList(const std::vector<std::string>& topics)
{
    Array::Ptr array = new Array;
    for (const std::string& topic : topics) {
        array->add(toObject({{"topic", topic},
                             {"payload_available", std::string("online")},
                             {"payload_not_available", std::string("offline")}}));
    }
    return array;
}

Fields origin(const DiscoverySettings& settings)
{
    Fields fields{{"name", std::string("bank2mqtt")}};
    if (!settings.version.empty())
        fields.emplace_back("sw_version", settings.version);
    fields.emplace_back("support_url", std::string(kSupportUrl));
    return fields;
}

void addIfSet(Fields& fields, const char* key, const std::string& value)
{
    if (!value.empty())
        fields.emplace_back(key, value);
}

void requireKnownMode(const DiscoverySettings& settings)
{
    if (settings.mode != "device" && settings.mode != "component")
        throw std::invalid_argument("discovery mode \"" + settings.mode +
                                    "\" is neither \"device\" nor \"component\"");
}

/// The fields every entity starts with. `name` nullopt writes JSON null: the entity is the
/// device's main feature and takes the device's name.
Component component(const std::string& deviceId, const std::string& deviceSlug,
                    std::string objectId, std::string platform,
                    const std::optional<std::string>& name, const Fields& rest)
{
    Component c{std::move(objectId), std::move(platform), {}, nullptr};
    c.fields.emplace_back("unique_id", deviceId + "_" + c.objectId);
    c.fields.emplace_back("default_entity_id",
                          c.platform + "." + deviceSlug + "_" + slugify(c.objectId));
    c.fields.emplace_back("name", name ? Var(*name) : Var());
    c.fields.insert(c.fields.end(), rest.begin(), rest.end());
    return c;
}

std::vector<DiscoveryMessage> deviceMessage(const DiscoverySettings& settings,
                                            const DeviceSpec& spec)
{
    Fields components;
    for (const Component& c : spec.components) {
        Fields fields{{"platform", c.platform}};
        fields.insert(fields.end(), c.fields.begin(), c.fields.end());
        if (c.availability)
            fields.emplace_back("availability", c.availability);
        components.emplace_back(c.objectId, toObject(fields));
    }
    Fields root{{"device", toObject(spec.device)}, {"origin", toObject(origin(settings))}};
    if (spec.availability) {
        root.emplace_back("availability", spec.availability);
        root.emplace_back("availability_mode", std::string("all"));
    }
    root.emplace_back("qos", 1);
    root.emplace_back("components", toObject(components));
    return {{settings.prefix + "/device/" + spec.id + "/config", render(root)}};
}

std::vector<DiscoveryMessage> componentMessages(const DiscoverySettings& settings,
                                                const DeviceSpec& spec)
{
    std::vector<DiscoveryMessage> messages;
    for (const Component& c : spec.components) {
        Fields fields = c.fields;
        if (c.availability) {
            fields.emplace_back("availability", c.availability);
        } else if (spec.availability) {
            fields.emplace_back("availability", spec.availability);
            fields.emplace_back("availability_mode", std::string("all"));
        }
        fields.emplace_back("qos", 1);
        fields.emplace_back("device", toObject(spec.device));
        fields.emplace_back("origin", toObject(origin(settings)));
        messages.push_back(
            {settings.prefix + "/" + c.platform + "/" + spec.id + "/" + c.objectId + "/config",
             render(fields)});
    }
    return messages;
}

std::vector<DiscoveryMessage> messagesFor(const DiscoverySettings& settings, const DeviceSpec& spec)
{
    return settings.mode == "device" ? deviceMessage(settings, spec)
                                     : componentMessages(settings, spec);
}

/// device_class monetary, state_class total, the ISO code as unit, and as many decimals as the
/// currency has minor units (2 for NOK, 0 for JPY).
Fields monetary(const std::string& currency)
{
    return {{"device_class", std::string("monetary")},
            {"state_class", std::string("total")},
            {"unit_of_measurement", currency},
            {"suggested_display_precision", currencyDecimals(currency)}};
}

Fields concat(Fields a, const Fields& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Component fetchStatus(const std::string& deviceId, const std::string& deviceSlug,
                      std::string objectId, const std::string& name, const std::string& statusTopic,
                      const Array::Ptr& bridgeOnly)
{
    std::vector<std::string> options(std::begin(kFetchStates), std::end(kFetchStates));
    Component c = component(deviceId, deviceSlug, std::move(objectId), "sensor", name,
                            {{"state_topic", statusTopic},
                             {"value_template", std::string("{{ value_json.state }}")},
                             {"device_class", std::string("enum")},
                             {"options", stringArray(options)},
                             {"entity_category", std::string("diagnostic")}});
    c.availability = bridgeOnly;
    return c;
}

}  // namespace

std::string accountDeviceId(const AccountEntity& entity)
{
    const std::string& fingerprint = entity.account.fingerprint;
    std::string hex;
    for (std::size_t i = 0; i < fingerprint.size() && hex.size() < 16; ++i) {
        const unsigned char c = static_cast<unsigned char>(fingerprint[i]);
        if (!std::isxdigit(c))
            break;
        hex += static_cast<char>(std::tolower(c));
    }
    if (hex.size() < 16)
        throw std::invalid_argument("account fingerprint \"" + fingerprint +
                                    "\" does not start with 16 hex digits");
    return "bank2mqtt_" + hex;
}

std::vector<DiscoveryMessage> bridgeDiscovery(const DiscoverySettings& settings,
                                              const std::vector<std::string>& sourceIds)
{
    requireKnownMode(settings);
    const std::string& base = settings.baseTopic;
    const std::string slug = "bank2mqtt";  // the bridge device's name, as an entity id
    const Array::Ptr bridgeOnly = availabilityList({base + "/status"});

    DeviceSpec spec;
    spec.id = settings.bridgeId;
    spec.device = {{"identifiers", stringArray({settings.bridgeId})},
                   {"name", std::string("bank2mqtt")},
                   {"manufacturer", std::string("bank2mqtt")},
                   {"model", std::string("Bank balance bridge")}};
    addIfSet(spec.device, "sw_version", settings.version);

    // No availability on the connectivity sensor: it must read "disconnected" when the daemon
    // is gone, not "unavailable".
    spec.components.push_back(component(settings.bridgeId, slug, "connectivity", "binary_sensor",
                                        std::string("Connectivity"),
                                        {{"state_topic", base + "/status"},
                                         {"payload_on", std::string("online")},
                                         {"payload_off", std::string("offline")},
                                         {"device_class", std::string("connectivity")},
                                         {"entity_category", std::string("diagnostic")}}));
    Component refresh =
        component(settings.bridgeId, slug, "refresh", "button", std::string("Refresh all"),
                  {{"command_topic", base + "/refresh"},
                   {"payload_press", std::string("PRESS")},
                   {"icon", std::string("mdi:refresh")}});
    refresh.availability = bridgeOnly;
    spec.components.push_back(refresh);
    Component version =
        component(settings.bridgeId, slug, "version", "sensor", std::string("Version"),
                  {{"state_topic", base + "/info"},
                   {"value_template", std::string("{{ value_json.version }}")},
                   {"entity_category", std::string("diagnostic")}});
    version.availability = bridgeOnly;
    spec.components.push_back(version);
    for (const std::string& source : sourceIds) {
        spec.components.push_back(fetchStatus(settings.bridgeId, slug,
                                              "source_" + source + "_status", source + " status",
                                              base + "/" + source + "/status", bridgeOnly));
    }
    return messagesFor(settings, spec);
}

std::vector<DiscoveryMessage> accountDiscovery(const DiscoverySettings& settings,
                                               const AccountEntity& entity)
{
    requireKnownMode(settings);
    const Account& account = entity.account;
    const std::string id = accountDeviceId(entity);
    const std::string name = account.name.empty() ? entity.key : account.name;
    const std::string slug = slugify(name);
    const std::string sourceTopic = settings.baseTopic + "/" + entity.sourceId;
    const std::string topic = sourceTopic + "/" + entity.key;
    const std::string& currency = account.balance.currency;
    const Array::Ptr bridgeOnly = availabilityList({settings.baseTopic + "/status"});

    DeviceSpec spec;
    spec.id = id;
    spec.device = {{"identifiers", stringArray({id})}, {"name", name}};
    addIfSet(spec.device, "manufacturer", entity.bank);
    addIfSet(spec.device, "model", account.type);
    addIfSet(spec.device, "sw_version", settings.version);
    addIfSet(spec.device, "via_device", settings.bridgeId);
    spec.availability = availabilityList({settings.baseTopic + "/status", topic + "/availability"});

    auto& cs = spec.components;
    cs.push_back(component(id, slug, "balance", "sensor", std::nullopt,
                           concat({{"state_topic", topic + "/balance"}},
                                  concat(monetary(currency), {{"json_attributes_topic", topic}}))));
    cs.push_back(component(id, slug, "available", "sensor", std::string("Available balance"),
                           concat({{"state_topic", topic + "/available"}}, monetary(currency))));
    // credit_limit is null in the account JSON when the bank has none; HA shows that as
    // unknown. Disabled by default because most accounts have no credit.
    cs.push_back(
        component(id, slug, "credit_limit", "sensor", std::string("Credit limit"),
                  concat({{"state_topic", topic},
                          {"value_template", std::string("{{ value_json.credit_limit }}")}},
                         concat(monetary(currency), {{"enabled_by_default", false}}))));
    cs.push_back(component(id, slug, "last_update", "sensor", std::string("Last update"),
                           {{"state_topic", topic},
                            {"value_template", std::string("{{ value_json.updated }}")},
                            {"device_class", std::string("timestamp")},
                            {"entity_category", std::string("diagnostic")}}));
    cs.push_back(
        fetchStatus(id, slug, "fetch_status", "Fetch status", sourceTopic + "/status", bridgeOnly));
    if (entity.hasLowBalance) {
        cs.push_back(component(id, slug, "low_balance", "binary_sensor", std::string("Low balance"),
                               {{"state_topic", topic + "/low_balance"},
                                {"payload_on", std::string("ON")},
                                {"payload_off", std::string("OFF")},
                                {"device_class", std::string("problem")}}));
    }
    Component refresh = component(id, slug, "refresh", "button", std::string("Refresh"),
                                  {{"command_topic", sourceTopic + "/refresh"},
                                   {"payload_press", std::string("PRESS")},
                                   {"icon", std::string("mdi:refresh")}});
    refresh.availability = bridgeOnly;
    cs.push_back(refresh);
    return messagesFor(settings, spec);
}

}  // namespace bank2mqtt
