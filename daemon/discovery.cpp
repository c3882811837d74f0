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
//   unit, no state_class.
// - entity ids: every HA version makes <platform>.<slug of device name + " " + entity name>
//   (MQTT entities have has_entity_name). default_entity_id is read only from 2025.10 on and
//   object_id is deprecated (a warning from 2025.10, ignored from 2026.4), so neither is sent:
//   the names are chosen so that HA derives the documented ids by itself on every version
//   ("Lommepenger" + "Balance" -> sensor.lommepenger_balance). No entity is nameless (a null
//   name would make the device's name alone the entity id).
#include "discovery.h"

#include "money.h"
#include "payloads.h"
#include "topic_layout.h"

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
constexpr const char* kFetchStates[] = {"ok",    "stale",        "auth_failed",
                                        "error", "rate_limited", "consent_expiring"};

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

/// The fields every entity starts with. The entity id HA makes is <platform>.<slug of the
/// device name and `name`>, so `name` is what names the entity id too.
Component component(const std::string& deviceId, std::string objectId, std::string platform,
                    const std::string& name, const Fields& rest)
{
    Component c{std::move(objectId), std::move(platform), {}, nullptr};
    c.fields.emplace_back("unique_id", deviceId + "_" + c.objectId);
    c.fields.emplace_back("name", name);
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
    return {
        {TopicLayout(settings.baseTopic, settings.prefix).deviceDiscovery(spec.id), render(root)}};
}

std::vector<DiscoveryMessage> componentMessages(const DiscoverySettings& settings,
                                                const DeviceSpec& spec)
{
    const TopicLayout topics(settings.baseTopic, settings.prefix);
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
            {topics.componentDiscovery(c.platform, spec.id, c.objectId), render(fields)});
    }
    return messages;
}

std::vector<DiscoveryMessage> messagesFor(const DiscoverySettings& settings, const DeviceSpec& spec)
{
    return settings.mode == "device" ? deviceMessage(settings, spec)
                                     : componentMessages(settings, spec);
}

/// device_class monetary, state_class total, the ISO code as unit, and as many decimals as the
/// amount has (2 for NOK, 0 for JPY, or the bank's own). A unit that is not a currency (a
/// SimpleFIN custom currency) has no unit and no device class: HA's monetary class would
/// demand an ISO code, and a URL or "points" is not one.
Fields monetary(const Money& amount)
{
    Fields fields;
    if (!amount.currency.empty())
        fields.push_back({"device_class", std::string("monetary")});
    fields.push_back({"state_class", std::string("total")});
    if (!amount.currency.empty())
        fields.push_back({"unit_of_measurement", amount.currency});
    fields.push_back({"suggested_display_precision", moneyDecimals(amount)});
    return fields;
}

Fields concat(Fields a, const Fields& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Component fetchStatus(const std::string& deviceId, std::string objectId, const std::string& name,
                      const std::string& statusTopic, const Array::Ptr& bridgeOnly)
{
    std::vector<std::string> options(std::begin(kFetchStates), std::end(kFetchStates));
    Component c = component(deviceId, std::move(objectId), "sensor", name,
                            {{"state_topic", statusTopic},
                             {"value_template", std::string("{{ value_json.state }}")},
                             {"device_class", std::string("enum")},
                             {"options", stringArray(options)},
                             {"entity_category", std::string("diagnostic")}});
    c.availability = bridgeOnly;
    return c;
}

// On the bridge next to the source's status: the budget is the source's (one count for all of
// its accounts), and a source that has no account yet spends calls too. A count, not a
// quantity with a unit; measurement, so HA keeps how it drains over the day.
Component callsLeft(const std::string& deviceId, const std::string& source,
                    const std::string& statusTopic, const Array::Ptr& bridgeOnly)
{
    Component c =
        component(deviceId, "source_" + source + "_calls_left", "sensor", source + " calls left",
                  {{"state_topic", statusTopic},
                   {"value_template", std::string("{{ value_json.calls_remaining }}")},
                   {"state_class", std::string("measurement")},
                   {"icon", std::string("mdi:counter")},
                   {"entity_category", std::string("diagnostic")}});
    c.availability = bridgeOnly;
    return c;
}

/// The consent renewal of one source on the bridge device. The step sensor's state is a
/// sentence (HA makes a state over 255 characters unknown, and bank login URLs can be longer),
/// the URL and the choices are attributes. The text entity reads its state from the step
/// topic as "" (the value_template ignores the payload): without a state_topic HA would be
/// optimistic and keep the pasted answer, a secret, as the entity's state in its database.
/// Its max is HA's limit for a text entity (255); a longer address is answered by its code.
std::vector<Component> renewalComponents(const std::string& bridgeId, const TopicLayout& topics,
                                         const std::string& source, const Array::Ptr& bridgeOnly)
{
    std::vector<Component> cs;
    cs.push_back(component(bridgeId, "source_" + source + "_renew", "button",
                           source + " renew consent",
                           {{"command_topic", topics.sourceRenew(source)},
                            {"payload_press", std::string("PRESS")},
                            {"icon", std::string("mdi:shield-key")}}));
    cs.push_back(component(bridgeId, "source_" + source + "_renewal", "sensor", source + " renewal",
                           {{"state_topic", topics.sourceConsent(source)},
                            {"value_template", std::string("{{ value_json.message }}")},
                            {"json_attributes_topic", topics.sourceConsent(source)},
                            {"icon", std::string("mdi:shield-key")}}));
    cs.push_back(component(bridgeId, "source_" + source + "_renewal_answer", "text",
                           source + " renewal answer",
                           {{"command_topic", topics.sourceConsentAnswer(source)},
                            {"state_topic", topics.sourceConsent(source)},
                            {"value_template", std::string("{{ '' }}")},
                            {"mode", std::string("password")},
                            {"max", 255},
                            {"icon", std::string("mdi:form-textbox-password")}}));
    for (Component& c : cs)
        c.availability = bridgeOnly;
    return cs;
}

}  // namespace

std::string discoveryInputs(const AccountEntity& entity)
{
    const Account& a = entity.account;
    return entity.sourceId + '\n' + entity.key + '\n' + entity.bank + '\n' + a.fingerprint + '\n' +
           a.name + '\n' + a.type + '\n' + a.balance.currency + '\n' +
           std::to_string(moneyDecimals(a.balance)) + '\n' + (entity.hasLowBalance ? "low" : "") +
           '\n' + (a.balanceDate ? "dated" : "") + '\n' + (entity.hasConsent ? "consent" : "") +
           '\n' + (entity.hasTransactions ? "transactions" : "");
}

std::string migrateDiscoveryPayload()
{
    return "{\"migrate_discovery\":true}";
}

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
                                              const std::vector<std::string>& sourceIds,
                                              const std::set<std::string>& budgetedSources,
                                              const std::vector<std::string>& renewableIds)
{
    requireKnownMode(settings);
    const TopicLayout topics(settings.baseTopic, settings.prefix);
    const Array::Ptr bridgeOnly = availabilityList({topics.bridgeStatus()});

    DeviceSpec spec;
    spec.id = settings.bridgeId;
    spec.device = {{"identifiers", stringArray({settings.bridgeId})},
                   {"name", std::string("bank2mqtt")},
                   {"manufacturer", std::string("bank2mqtt")},
                   {"model", std::string("Bank balance bridge")}};
    addIfSet(spec.device, "sw_version", settings.version);

    // No availability on the connectivity sensor: it must read "disconnected" when the daemon
    // is gone, not "unavailable".
    spec.components.push_back(component(settings.bridgeId, "connectivity", "binary_sensor",
                                        "Connectivity",
                                        {{"state_topic", topics.bridgeStatus()},
                                         {"payload_on", std::string("online")},
                                         {"payload_off", std::string("offline")},
                                         {"device_class", std::string("connectivity")},
                                         {"entity_category", std::string("diagnostic")}}));
    Component refresh = component(settings.bridgeId, "refresh", "button", "Refresh all",
                                  {{"command_topic", topics.refreshAll()},
                                   {"payload_press", std::string("PRESS")},
                                   {"icon", std::string("mdi:refresh")}});
    refresh.availability = bridgeOnly;
    spec.components.push_back(refresh);
    Component version = component(settings.bridgeId, "version", "sensor", "Version",
                                  {{"state_topic", topics.info()},
                                   {"value_template", std::string("{{ value_json.version }}")},
                                   {"entity_category", std::string("diagnostic")}});
    version.availability = bridgeOnly;
    spec.components.push_back(version);
    for (const std::string& source : sourceIds) {
        spec.components.push_back(fetchStatus(settings.bridgeId, "source_" + source + "_status",
                                              source + " status", topics.sourceStatus(source),
                                              bridgeOnly));
        if (budgetedSources.count(source))
            spec.components.push_back(
                callsLeft(settings.bridgeId, source, topics.sourceStatus(source), bridgeOnly));
    }
    for (const std::string& source : renewableIds)
        for (Component& c : renewalComponents(settings.bridgeId, topics, source, bridgeOnly))
            spec.components.push_back(std::move(c));
    return messagesFor(settings, spec);
}

std::vector<DiscoveryMessage> accountDiscovery(const DiscoverySettings& settings,
                                               const AccountEntity& entity)
{
    requireKnownMode(settings);
    const Account& account = entity.account;
    const std::string id = accountDeviceId(entity);
    const std::string name = account.name.empty() ? entity.key : account.name;
    const TopicLayout topics(settings.baseTopic, settings.prefix);
    const std::string topic = topics.account(entity.sourceId, entity.key);
    auto value = [&](TopicLayout::Value v) {
        return topics.accountValue(entity.sourceId, entity.key, v);
    };
    const Money& currency = account.balance;
    const Array::Ptr bridgeOnly = availabilityList({topics.bridgeStatus()});

    DeviceSpec spec;
    spec.id = id;
    spec.device = {{"identifiers", stringArray({id})}, {"name", name}};
    addIfSet(spec.device, "manufacturer", entity.bank);
    addIfSet(spec.device, "model", account.type);
    addIfSet(spec.device, "sw_version", settings.version);
    addIfSet(spec.device, "via_device", settings.bridgeId);
    spec.availability =
        availabilityList({topics.bridgeStatus(), value(TopicLayout::Value::Availability)});

    auto& cs = spec.components;
    cs.push_back(component(id, "balance", "sensor", "Balance",
                           concat({{"state_topic", value(TopicLayout::Value::Balance)}},
                                  concat(monetary(currency), {{"json_attributes_topic", topic}}))));
    cs.push_back(component(
        id, "available", "sensor", "Available",
        concat({{"state_topic", value(TopicLayout::Value::Available)}}, monetary(currency))));
    // credit_limit is null in the account JSON when the bank has none; HA shows that as
    // unknown. Disabled by default because most accounts have no credit.
    cs.push_back(
        component(id, "credit_limit", "sensor", "Credit limit",
                  concat({{"state_topic", topic},
                          {"value_template", std::string("{{ value_json.credit_limit }}")}},
                         concat(monetary(currency), {{"enabled_by_default", false}}))));
    cs.push_back(component(id, "last_update", "sensor", "Last update",
                           {{"state_topic", topic},
                            {"value_template", std::string("{{ value_json.updated }}")},
                            {"device_class", std::string("timestamp")},
                            {"entity_category", std::string("diagnostic")}}));
    // Only for banks that date their balances: our poll time and the bank's date can differ
    // by days (a weekend, a bank that books overnight).
    if (account.balanceDate)
        cs.push_back(component(id, "balance_date", "sensor", "Balance date",
                               {{"state_topic", topic},
                                {"value_template", std::string("{{ value_json.balance_date }}")},
                                {"device_class", std::string("timestamp")}}));
    cs.push_back(fetchStatus(id, "fetch_status", "Fetch status",
                             topics.sourceStatus(entity.sourceId), bridgeOnly));
    // Only for banks with a consent that ends (PSD2). They follow the bridge only: when the
    // consent has ended the balances are unavailable, and these must still say why.
    if (entity.hasConsent) {
        Component end = component(id, "consent_end", "sensor", "Consent end",
                                  {{"state_topic", topics.sourceStatus(entity.sourceId)},
                                   {"value_template", std::string("{{ value_json.consent_end }}")},
                                   {"device_class", std::string("timestamp")},
                                   {"entity_category", std::string("diagnostic")}});
        end.availability = bridgeOnly;
        cs.push_back(end);
        Component problem =
            component(id, "consent", "binary_sensor", "Consent",
                      {{"state_topic", topics.sourceStatus(entity.sourceId)},
                       {"value_template",
                        std::string("{{ 'ON' if value_json.consent_renewal_due else 'OFF' }}")},
                       {"payload_on", std::string("ON")},
                       {"payload_off", std::string("OFF")},
                       {"device_class", std::string("problem")},
                       {"entity_category", std::string("diagnostic")}});
        problem.availability = bridgeOnly;
        cs.push_back(problem);
    }
    // On while the source's last results left this account out (one connection of a
    // SimpleFIN login failing, an Enable Banking account the bank did not answer for): the
    // status says why. It follows the bridge only, so it can say so while the account is
    // unavailable.
    Component leftOut = component(id, "problem", "binary_sensor", "Problem",
                                  {{"state_topic", value(TopicLayout::Value::Problem)},
                                   {"payload_on", std::string("ON")},
                                   {"payload_off", std::string("OFF")},
                                   {"device_class", std::string("problem")},
                                   {"entity_category", std::string("diagnostic")}});
    leftOut.availability = bridgeOnly;
    cs.push_back(leftOut);
    // Transactions (transactions = true): an event per new one, for automations, and the amount
    // of the last one with the rest of it as attributes, for dashboards. No state_class: the
    // last amount is neither a total nor a measurement, and statistics of it would mean nothing.
    if (entity.hasTransactions) {
        const std::string last = value(TopicLayout::Value::LastTransaction);
        cs.push_back(component(id, "transaction", "event", "Transaction",
                               {{"state_topic", value(TopicLayout::Value::Transaction)},
                                {"event_types", stringArray({"debit", "credit", "booked"})},
                                {"icon", std::string("mdi:cash-fast")}}));
        Fields amount{{"state_topic", last},
                      {"value_template", std::string("{{ value_json.amount }}")},
                      {"json_attributes_topic", last}};
        if (!currency.currency.empty()) {
            amount.push_back({"device_class", std::string("monetary")});
            amount.push_back({"unit_of_measurement", currency.currency});
        }
        amount.push_back({"suggested_display_precision", moneyDecimals(currency)});
        cs.push_back(component(id, "last_transaction", "sensor", "Last transaction", amount));
    }
    if (entity.hasLowBalance) {
        cs.push_back(component(id, "low_balance", "binary_sensor", "Low balance",
                               {{"state_topic", value(TopicLayout::Value::LowBalance)},
                                {"payload_on", std::string("ON")},
                                {"payload_off", std::string("OFF")},
                                {"device_class", std::string("problem")}}));
    }
    Component refresh = component(id, "refresh", "button", "Refresh",
                                  {{"command_topic", topics.sourceRefresh(entity.sourceId)},
                                   {"payload_press", std::string("PRESS")},
                                   {"icon", std::string("mdi:refresh")}});
    refresh.availability = bridgeOnly;
    cs.push_back(refresh);
    return messagesFor(settings, spec);
}

}  // namespace bank2mqtt
