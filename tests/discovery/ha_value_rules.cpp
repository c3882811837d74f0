// SPDX-License-Identifier: MIT
// Value rules after HA's config_validation helpers and mqtt/util.py topic checks.
#include "ha_value_rules.h"

#include "ha_schema_tables.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

namespace bank2mqtt::ha {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

bool isObject(const Var& v)
{
    return v.type() == typeid(Object::Ptr);
}
bool isArray(const Var& v)
{
    return v.type() == typeid(Array::Ptr);
}
bool isString(const Var& v)
{
    return v.isString();
}

/// The value of a JSON integer >= 0, or nullopt for anything else (bools included).
std::optional<Poco::UInt64> nonNegativeInt(const Var& v)
{
    if (v.isEmpty() || v.isBoolean() || !v.isInteger())
        return std::nullopt;
    if (v.isSigned()) {
        const auto value = v.convert<Poco::Int64>();
        return value < 0 ? std::nullopt : std::optional<Poco::UInt64>(value);
    }
    return v.convert<Poco::UInt64>();
}

std::string text(const Var& v)
{
    return isString(v) ? v.extract<std::string>() : std::string();
}

std::string join(const std::string& where, const std::string& key)
{
    return where.empty() ? key : where + "." + key;
}

const std::set<std::string> kTopicKeys = {"state_topic", "command_topic", "json_attributes_topic",
                                          "availability_topic"};
const std::set<std::string> kBoolKeys = {"enabled_by_default", "force_update", "retain",
                                         "optimistic"};
const std::set<std::string> kCountKeys = {
    "suggested_display_precision", "expire_after", "off_delay",
    "message_expiry_interval",     "max",          "min"};
const std::set<std::string> kStringKeys = {"unique_id",
                                           "unit_of_measurement",
                                           "value_template",
                                           "command_template",
                                           "json_attributes_template",
                                           "availability_template",
                                           "last_reset_value_template",
                                           "payload_available",
                                           "payload_not_available",
                                           "payload_on",
                                           "payload_off",
                                           "payload_press",
                                           "encoding",
                                           "entity_picture",
                                           "default_entity_id",
                                           "icon",
                                           "entity_category",
                                           "device_class",
                                           "state_class",
                                           "availability_mode",
                                           "mode",
                                           "pattern"};

/// HA accepts '+' and '#' as whole levels in subscribe topics, but bank2mqtt publishes each
/// topic exactly: a wildcard in any topic is a bug (and in a command topic, a rejection).
void checkTopic(const Var& v, const std::string& where, const Report& report)
{
    if (!isString(v)) {
        report("type", where, "a topic must be a string");
        return;
    }
    const std::string topic = text(v);
    if (const auto problem = topicProblem(topic))
        report("topic-value", where, "the topic " + *problem);
    else if (topic.find_first_of("+#") != std::string::npos)
        report("wildcard", where, "\"" + topic + "\" contains a wildcard");
}

void checkAvailabilityList(const Var& v, const std::string& where, const Report& report)
{
    if (!isArray(v)) {
        report("availability", where, "must be a list of {topic, ...} objects");
        return;
    }
    const Array::Ptr items = v.extract<Array::Ptr>();
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string at = where + "[" + std::to_string(i) + "]";
        const Var item = items->get(static_cast<unsigned>(i));
        if (!isObject(item)) {
            report("availability", at, "an availability item must be an object");
            continue;
        }
        const Object::Ptr object = item.extract<Object::Ptr>();
        if (!object->has("topic"))
            report("availability", at, "an availability item needs topic");
        for (const auto& [key, value] : *object) {
            if (availabilityItemKeys().count(key) == 0)
                reportUnknownKey(key, join(at, key), report);
            else if (key == "topic")
                checkTopic(value, join(at, key), report);
            else if (!isString(value))
                report("type", join(at, key), "must be a string");
        }
    }
}

bool isDeviceClassOf(const std::string& platform, const std::string& deviceClass)
{
    if (platform == "sensor")
        return isSensorDeviceClass(deviceClass);
    if (platform == "binary_sensor")
        return isBinarySensorDeviceClass(deviceClass);
    if (platform == "button")
        return isButtonDeviceClass(deviceClass);
    if (platform == "event")
        return isEventDeviceClass(deviceClass);
    return false;
}

/// Rules on string values, once they are known to be strings.
void checkString(const std::string& platform, const std::string& key, const std::string& s,
                 const std::string& where, const Report& report)
{
    if (key == "unique_id" && s.empty())
        report("unique-id", where, "must not be empty");
    if (key == "icon" && s.find(':') == std::string::npos)
        report("icon", where, "\"" + s + "\" is not in the form prefix:name");
    if (key == "entity_category") {
        if (s != "config" && s != "diagnostic")
            report("entity-category", where, "\"" + s + "\" is neither config nor diagnostic");
        else if (s == "config" && (platform == "sensor" || platform == "binary_sensor"))
            report("entity-category", where, "HA never adds a " + platform + " with config");
    }
    if (key == "device_class" && !isDeviceClassOf(platform, s))
        report("device-class", where, "\"" + s + "\" is not a " + platform + " device class");
    if (key == "state_class" && !isStateClass(s))
        report("state-class", where, "\"" + s + "\" is not a state class");
    if (key == "availability_mode" && s != "all" && s != "any" && s != "latest")
        report("availability", where, "\"" + s + "\" is not all, any or latest");
    if (key == "default_entity_id" &&
        (!isValidEntityId(s) || s.compare(0, platform.size() + 1, platform + ".") != 0))
        report("default-entity-id", where, "\"" + s + "\" is not " + platform + ".<object_id>");
}

}  // namespace

void checkValue(const std::string& platform, const std::string& key, const Var& v,
                const std::string& where, const Report& report)
{
    if (key == "object_id") {
        report("object-id", where, "deprecated and ignored since HA 2026.4; use default_entity_id");
    } else if (kTopicKeys.count(key) != 0) {
        checkTopic(v, where, report);
    } else if (key == "availability") {
        checkAvailabilityList(v, where, report);
    } else if (key == "qos") {
        if (nonNegativeInt(v).value_or(3) > 2)
            report("qos", where, "must be 0, 1 or 2");
    } else if (key == "name") {
        if (!v.isEmpty() && !isString(v))
            report("name", where, "must be null or a string");
    } else if (key == "options") {
        bool ok = isArray(v) && v.extract<Array::Ptr>()->size() > 0;
        for (std::size_t i = 0; ok && i < v.extract<Array::Ptr>()->size(); ++i)
            ok = v.extract<Array::Ptr>()->get(static_cast<unsigned>(i)).isString();
        if (!ok)
            report("options", where, "must be a non-empty list of strings");
    } else if (key == "event_types") {
        // HA takes a bare string or [] too, but with [] every event is "Invalid event type".
        bool ok = isArray(v) && v.extract<Array::Ptr>()->size() > 0;
        std::set<std::string> seen;
        for (std::size_t i = 0; ok && i < v.extract<Array::Ptr>()->size(); ++i) {
            const Var item = v.extract<Array::Ptr>()->get(static_cast<unsigned>(i));
            ok = item.isString() && !item.toString().empty() && seen.insert(item.toString()).second;
        }
        if (!ok)
            report("event-types", where, "must be a non-empty list of distinct non-empty strings");
    } else if (kBoolKeys.count(key) != 0) {
        if (!v.isBoolean())
            report("type", where, "must be true or false");
    } else if (kCountKeys.count(key) != 0) {
        if (!nonNegativeInt(v))
            report("type", where, "must be an integer >= 0");
    } else if (kStringKeys.count(key) != 0) {
        if (!isString(v))
            report(key == "unique_id" ? "unique-id" : "type", where, "must be a string");
        else
            checkString(platform, key, text(v), where, report);
    }
}

std::string checkDeviceBlock(const Var& v, const std::string& where, const Report& report)
{
    if (!isObject(v)) {
        report("device", where, "must be an object");
        return "";
    }
    const Object::Ptr device = v.extract<Object::Ptr>();
    bool identified = false;
    for (const auto& [key, value] : *device) {
        const std::string at = join(where, key);
        if (deviceKeys().count(key) == 0) {
            reportUnknownKey(key, at, report);
        } else if (key == "identifiers") {
            std::vector<Var> ids;
            if (isArray(value)) {
                const Array::Ptr list = value.extract<Array::Ptr>();
                for (std::size_t i = 0; i < list->size(); ++i)
                    ids.push_back(list->get(static_cast<unsigned>(i)));
            } else {
                ids.push_back(value);
            }
            const bool strings = std::all_of(ids.begin(), ids.end(), [](const Var& id) {
                return isString(id) && !text(id).empty();
            });
            if (!strings)
                report("device", at, "must be a string or a list of non-empty strings");
            identified = identified || (strings && !ids.empty());
        } else if (key == "connections") {
            bool ok = isArray(value);
            const Array::Ptr pairs = ok ? value.extract<Array::Ptr>() : nullptr;
            for (std::size_t i = 0; ok && i < pairs->size(); ++i) {
                const Var pair = pairs->get(static_cast<unsigned>(i));
                ok = isArray(pair) && pair.extract<Array::Ptr>()->size() == 2 &&
                     pair.extract<Array::Ptr>()->get(0).isString() &&
                     pair.extract<Array::Ptr>()->get(1).isString();
            }
            identified = identified || (ok && pairs->size() > 0);
            if (!ok)
                report("device", at, "must be a list of [type, value] string pairs");
        } else if (!isString(value)) {
            report("device", at, "must be a string");
        } else if (key == "configuration_url" && !isConfigurationUrl(text(value))) {
            report("device", at, "must be an http, https or homeassistant URL");
        }
    }
    if (!identified)
        report("device", where, "needs at least one identifier or connection");
    if (!device->has("name") || text(device->get("name")).empty()) {
        report("device", join(where, "name"), "a device always needs a name");
        return "";
    }
    return text(device->get("name"));
}

void checkOriginBlock(const Var& v, const std::string& where, const Report& report)
{
    if (!isObject(v)) {
        report("origin", where, "must be an object");
        return;
    }
    const Object::Ptr origin = v.extract<Object::Ptr>();
    if (!origin->has("name") || !origin->get("name").isString())
        report("origin", join(where, "name"), "origin needs a string name");
    for (const auto& [key, value] : *origin) {
        const std::string at = join(where, key);
        if (originKeys().count(key) == 0)
            reportUnknownKey(key, at, report);
        else if (!isString(value))
            report("origin", at, "must be a string");
        else if (key == "support_url" && !isConfigurationUrl(text(value)))
            report("origin", at, "must be an http, https or homeassistant URL");
    }
}

void checkAvailabilityExclusive(const std::map<std::string, Var>& fields, const std::string& where,
                                const Report& report)
{
    if (fields.count("availability") != 0 && fields.count("availability_topic") != 0)
        report("availability", join(where, "availability"),
               "availability and availability_topic are exclusive");
}

void reportUnknownKey(const std::string& key, const std::string& where, const Report& report)
{
    if (const auto full = expandAbbreviation(key))
        report("abbreviation", where, "write \"" + *full + "\" instead of \"" + key + "\"");
    else
        report("unknown-key", where, "HA's schema has no \"" + key + "\" and drops it silently");
}

}  // namespace bank2mqtt::ha
