// SPDX-License-Identifier: MIT
// The checker's walk over a discovery message: topic, payload shape, blocks, then each entity.
#include "ha_discovery_checker.h"

#include "ha_schema_tables.h"
#include "ha_value_rules.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>

namespace bank2mqtt {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using Fields = std::map<std::string, Var>;

bool isObject(const Var& v)
{
    return v.type() == typeid(Object::Ptr);
}
bool isString(const Var& v)
{
    return v.isString();
}
bool isBool(const Var& v)
{
    return v.isBoolean();
}

std::string text(const Var& v)
{
    return isString(v) ? v.extract<std::string>() : std::string();
}

Fields membersOf(const Object::Ptr& object)
{
    Fields fields;
    for (const auto& [key, value] : *object)
        fields[key] = value;
    return fields;
}

std::string join(const std::string& where, const std::string& key)
{
    return where.empty() ? key : where + "." + key;
}

/// [a-zA-Z0-9_] plus '-' when `dash`: the discovery id charset of TOPIC_MATCHER.
bool isId(const std::string& s, bool dash)
{
    if (s.empty())
        return false;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || (dash && c == '-');
        if (!ok)
            return false;
    }
    return true;
}

bool isIsoCurrency(const std::string& unit)
{
    return unit.size() == 3 &&
           std::all_of(unit.begin(), unit.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Violation& v)
{
    return out << v.rule << " at " << v.topic << (v.where.empty() ? "" : " " + v.where) << ": "
               << v.message;
}

/// One message's walk; reports into `out` and records ids in the checker.
class DiscoveryWalk {
public:
    DiscoveryWalk(HaDiscoveryChecker& checker, std::string topic, std::vector<Violation>& out)
        : checker_(checker), topic_(std::move(topic)), out_(out)
    {
    }

    void run(const std::string& payload)
    {
        if (++checker_.topics_[topic_] > 1)
            add("duplicate-topic", "", "the set holds this discovery topic more than once");
        if (!parseTopic() || payload.empty())
            return;  // a removal needs no checks; a bad topic is dropped by HA before parsing
        Var root;
        try {
            root = Poco::JSON::Parser().parse(payload);
        } catch (const Poco::Exception& e) {
            add("json", "", "not JSON: " + e.displayText());
            return;
        }
        if (!isObject(root)) {
            add("json", "", "the payload is not a JSON object");
            return;
        }
        const Fields fields = membersOf(root.extract<Object::Ptr>());
        if (const auto it = fields.find("migrate_discovery"); it != fields.end()) {
            if (!(isBool(it->second) && it->second.convert<bool>()))
                add("migrate", "migrate_discovery", "must be exactly true");
            if (fields.size() == 1)
                return;  // the migration handshake message
        }
        if (component_ == "device")
            checkDevicePayload(fields);
        else
            checkSinglePayload(fields);
    }

private:
    void add(const std::string& rule, const std::string& where, const std::string& message)
    {
        out_.push_back({rule, topic_, where, message});
    }

    bool parseTopic()
    {
        const std::string head = checker_.prefix_ + "/";
        const std::string tail = "/config";
        if (topic_.compare(0, head.size(), head) != 0 ||
            topic_.size() < head.size() + tail.size() ||
            topic_.compare(topic_.size() - tail.size(), tail.size(), tail) != 0) {
            add("topic", "", "not <prefix>/<component>/[<node_id>/]<object_id>/config");
            return false;
        }
        const std::string middle =
            topic_.substr(head.size(), topic_.size() - head.size() - tail.size());
        std::vector<std::string> parts;
        Poco::StringTokenizer tokens(middle, "/");
        parts.assign(tokens.begin(), tokens.end());
        if (middle.empty() || middle.back() == '/' || parts.size() < 2 || parts.size() > 3) {
            add("topic", "", "not <prefix>/<component>/[<node_id>/]<object_id>/config");
            return false;
        }
        component_ = parts[0];
        node_ = parts.size() == 3 ? parts[1] : "";
        object_ = parts.back();
        if (!isId(component_, false) || !isId(object_, true) ||
            (parts.size() == 3 && !isId(node_, true))) {
            add("topic", "", "component, node_id and object_id must be [a-zA-Z0-9_-]");
            return false;
        }
        if (component_ != "device" && !ha::isSupportedComponent(component_)) {
            add("topic", "", "\"" + component_ + "\" is not a supported component");
            return false;
        }
        return true;
    }

    std::string discoveryId() const { return node_.empty() ? object_ : node_ + " " + object_; }

    void checkDevicePayload(const Fields& root)
    {
        for (const auto& [key, value] : root) {
            if (key != "device" && key != "origin" && key != "components" &&
                key != "migrate_discovery" && ha::sharedOptions().count(key) == 0)
                reportUnknownKey(key, key);
            else if (ha::sharedOptions().count(key) != 0)
                checkValue("", key, value, key);
        }
        std::string deviceName;
        if (const auto it = root.find("device"); it == root.end())
            add("device-payload", "device", "a device payload needs a device block");
        else
            deviceName = checkDevice(it->second, "device");
        if (const auto it = root.find("origin"); it == root.end())
            add("device-payload", "origin", "a device payload needs origin");
        else
            checkOrigin(it->second, "origin");
        checkAvailabilityShape(root, "");
        const auto components = root.find("components");
        if (components == root.end() || !isObject(components->second)) {
            add("device-payload", "components", "a device payload needs a components object");
            return;
        }
        for (const auto& [id, value] : membersOf(components->second.extract<Object::Ptr>()))
            checkComponent(root, id, value, deviceName);
    }

    void checkComponent(const Fields& root, const std::string& id, const Var& value,
                        const std::string& deviceName)
    {
        const std::string where = "components." + id;
        if (!isId(id, true))
            add("component", where, "a component id must be [a-zA-Z0-9_-]");
        if (!isObject(value)) {
            add("component", where, "a component must be an object");
            return;
        }
        const Fields own = membersOf(value.extract<Object::Ptr>());
        const auto platform = own.find("platform");
        if (platform == own.end() || !isString(platform->second) ||
            !ha::isSupportedComponent(text(platform->second))) {
            add("component", join(where, "platform"), "missing or not a supported platform");
            return;
        }
        const std::string p = text(platform->second);
        registerDiscoveryId(p, discoveryId() + " " + id, true);
        if (own.size() == 1)
            return;  // {"platform": ...} alone removes the component
        if (!ha::isCheckedPlatform(p)) {
            add("component", join(where, "platform"), "the checker knows no schema for " + p);
            return;
        }
        for (const char* key : {"device", "origin"}) {
            if (own.count(key) != 0)
                add("component", join(where, key), "cannot be set per component");
        }
        Fields merged = own;
        for (const auto& [key, v] : root) {
            if (ha::sharedOptions().count(key) != 0 && merged.count(key) == 0)
                merged[key] = v;
        }
        checkEntity(p, own, merged, where, deviceName);
    }

    void checkSinglePayload(const Fields& fields)
    {
        registerDiscoveryId(component_, discoveryId(), false);
        if (!ha::isCheckedPlatform(component_)) {
            add("topic", "", "the checker knows no schema for " + component_);
            return;
        }
        std::string deviceName;
        if (const auto it = fields.find("device"); it == fields.end())
            add("device", "device", "bank2mqtt attaches every entity to a device");
        else
            deviceName = checkDevice(it->second, "device");
        if (const auto it = fields.find("origin"); it == fields.end())
            add("origin", "origin", "bank2mqtt always sends origin");
        else
            checkOrigin(it->second, "origin");
        Fields own = fields;
        own.erase("device");
        own.erase("origin");
        if (own.count("platform") != 0)
            reportUnknownKey("platform", "platform");  // only for device components
        own.erase("platform");
        own.erase("migrate_discovery");
        checkEntity(component_, own, own, "", deviceName);
    }

    void checkEntity(const std::string& platform, const Fields& own, const Fields& merged,
                     const std::string& where, const std::string& deviceName)
    {
        const std::set<std::string>& allowed = ha::allowedEntityKeys(platform);
        for (const auto& [key, value] : own) {
            if (allowed.count(key) == 0)
                reportUnknownKey(key, join(where, key));
            else
                checkValue(platform, key, value, join(where, key));
        }
        checkAvailabilityShape(merged, where);

        const auto unique = merged.find("unique_id");
        if (unique == merged.end()) {
            add("unique-id", join(where, "unique_id"), "missing");
        } else if (isString(unique->second) && !text(unique->second).empty()) {
            const auto [it, inserted] = checker_.uniqueIds_.emplace(text(unique->second), topic_);
            if (!inserted)
                add("duplicate-unique-id", join(where, "unique_id"),
                    "\"" + it->first + "\" is already used by " + it->second);
        }
        if (const auto name = merged.find("name");
            name != merged.end() && isString(name->second) && !deviceName.empty() &&
            Poco::toLower(text(name->second)).rfind(Poco::toLower(deviceName), 0) == 0) {
            add("name", join(where, "name"), "repeats the device name \"" + deviceName + "\"");
        }
        const std::string required =
            platform == "button" || platform == "text" ? "command_topic" : "state_topic";
        if (merged.count(required) == 0)
            add("required", join(where, required), "a " + platform + " needs " + required);
        if (platform == "event" && merged.count("event_types") == 0)
            add("required", join(where, "event_types"), "an event needs event_types");
        if (platform == "sensor")
            checkSensorClasses(merged, where);
        if (platform == "text")
            checkTextLimits(merged, where);
    }

    /// mqtt/text.py valid_text_size_configuration: min <= max <= 255 (MAX_LENGTH_STATE_STATE),
    /// defaults 0 and 255; mode text or password. A text without state_topic is optimistic:
    /// HA keeps what was typed as its state (reported, as a pasted secret would be kept).
    void checkTextLimits(const Fields& f, const std::string& where)
    {
        const auto count = [&](const char* key, Poco::Int64 fallback) {
            const auto it = f.find(key);
            if (it == f.end() || !it->second.isInteger() || it->second.isBoolean())
                return fallback;
            return it->second.convert<Poco::Int64>();
        };
        const Poco::Int64 min = count("min", 0), max = count("max", 255);
        if (max > 255)
            add("text", join(where, "max"), "max text length must be <= 255");
        if (min > max)
            add("text", join(where, "min"), "text length min must be <= max");
        if (const auto mode = f.find("mode");
            mode != f.end() && text(mode->second) != "text" && text(mode->second) != "password")
            add("text", join(where, "mode"), "mode must be text or password");
        if (f.count("state_topic") == 0)
            add("text", join(where, "state_topic"),
                "without state_topic HA keeps the typed value as the entity's state");
    }

    void checkSensorClasses(const Fields& f, const std::string& where)
    {
        const auto get = [&](const char* key) {
            const auto it = f.find(key);
            return it == f.end() ? std::string() : text(it->second);
        };
        const std::string dc = get("device_class");
        const std::string sc = get("state_class");
        const std::string unit = get("unit_of_measurement");
        const bool hasUnit = f.count("unit_of_measurement") != 0;
        const bool hasState = f.count("state_class") != 0;
        if (f.count("options") != 0) {
            if (dc != "enum")
                add("options", join(where, "options"), "options need device_class enum");
            if (hasUnit || hasState)
                add("options", join(where, "options"), "options exclude a unit and state_class");
        } else if (dc == "enum") {
            add("options", join(where, "options"), "an enum sensor needs options");
        }
        // HA warns about any other state class; none at all is fine (sensor/__init__.py: "expected
        // None or one of 'total'").
        if (dc == "monetary" && hasState && sc != "total")
            add("monetary", join(where, "state_class"),
                "a monetary sensor takes no state_class or total");
        if (dc == "monetary" && !isIsoCurrency(unit))
            add("monetary", join(where, "unit_of_measurement"),
                "a monetary unit must be an ISO 4217 code such as NOK, not \"" + unit + "\"");
        if ((dc == "timestamp" || dc == "date") && (hasUnit || hasState))
            add("timestamp", join(where, "device_class"),
                "a " + dc + " sensor takes neither unit_of_measurement nor state_class");
        if (const auto units = ha::unitsForDeviceClass(dc); units && hasUnit && !units->count(unit))
            add("unit", join(where, "unit_of_measurement"),
                "\"" + unit + "\" is not a unit of device class " + dc);
        if (sc == "measurement_angle" && unit != "\xc2\xb0")
            add("unit", join(where, "unit_of_measurement"),
                "measurement_angle needs unit \xc2\xb0");
        if (f.count("last_reset_value_template") != 0 && sc != "total")
            add("state-class", join(where, "last_reset_value_template"), "needs state_class total");
    }

    /// HA keys an entity by (platform, discovery id); the same key through a device topic and
    /// a single-component topic is a conflict HA ignores.
    void registerDiscoveryId(const std::string& platform, const std::string& id, bool viaDevice)
    {
        const auto [it, inserted] = checker_.discoveryIds_.emplace(
            platform + " " + id, HaDiscoveryChecker::Seen{topic_, viaDevice});
        if (!inserted && it->second.viaDevice != viaDevice)
            add("discovery-conflict", "",
                platform + " \"" + id + "\" is also discovered through " + it->second.topic);
    }

    ha::Report report()
    {
        return [this](const std::string& rule, const std::string& where,
                      const std::string& message) { add(rule, where, message); };
    }
    void checkValue(const std::string& platform, const std::string& key, const Var& v,
                    const std::string& where)
    {
        ha::checkValue(platform, key, v, where, report());
    }
    std::string checkDevice(const Var& v, const std::string& where)
    {
        return ha::checkDeviceBlock(v, where, report());
    }
    void checkOrigin(const Var& v, const std::string& where)
    {
        ha::checkOriginBlock(v, where, report());
    }
    void checkAvailabilityShape(const Fields& f, const std::string& where)
    {
        ha::checkAvailabilityExclusive(f, where, report());
    }
    void reportUnknownKey(const std::string& key, const std::string& where)
    {
        ha::reportUnknownKey(key, where, report());
    }

    HaDiscoveryChecker& checker_;
    std::string topic_;
    std::vector<Violation>& out_;
    std::string component_, node_, object_;
};

HaDiscoveryChecker::HaDiscoveryChecker(std::string prefix) : prefix_(std::move(prefix)) {}

std::vector<Violation> HaDiscoveryChecker::check(const std::string& topic,
                                                 const std::string& payload)
{
    std::vector<Violation> out;
    DiscoveryWalk(*this, topic, out).run(payload);
    return out;
}

std::vector<Violation>
checkDiscovery(const std::vector<std::pair<std::string, std::string>>& messages,
               const std::string& prefix)
{
    HaDiscoveryChecker checker(prefix);
    std::vector<Violation> all;
    for (const auto& [topic, payload] : messages) {
        std::vector<Violation> found = checker.check(topic, payload);
        all.insert(all.end(), found.begin(), found.end());
    }
    return all;
}

}  // namespace bank2mqtt
