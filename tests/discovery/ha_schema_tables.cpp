// SPDX-License-Identifier: MIT
// The tables behind ha_schema_tables.h, and the small value validators of HA's config helpers.
#include "ha_schema_tables.h"

#include <cctype>
#include <map>
#include <sstream>

namespace bank2mqtt::ha {
namespace {

using Keys = std::set<std::string>;

/// A set from space-separated words: keeps the long tables short and easy to diff.
Keys words(const char* text)
{
    Keys keys;
    std::istringstream in(text);
    for (std::string word; in >> word;)
        keys.insert(word);
    return keys;
}

Keys withCommon(Keys keys)
{
    // MQTT_ENTITY_COMMON_SCHEMA with the availability schema, plus what every MQTT platform
    // takes (qos, encoding) and platform for device discovery. object_id is listed so that it
    // is reported once, by its own deprecation rule.
    static const Keys common =
        words("platform unique_id name default_entity_id object_id icon entity_picture "
              "enabled_by_default entity_category json_attributes_topic json_attributes_template "
              "availability availability_topic availability_mode availability_template "
              "payload_available payload_not_available device origin qos encoding "
              "message_expiry_interval");
    keys.insert(common.begin(), common.end());
    return keys;
}

const std::map<std::string, Keys>& platformKeys()
{
    static const std::map<std::string, Keys> keys = {
        {"sensor", withCommon(words("state_topic value_template device_class state_class "
                                    "unit_of_measurement suggested_display_precision "
                                    "expire_after force_update last_reset_value_template "
                                    "options"))},
        {"binary_sensor", withCommon(words("state_topic value_template device_class "
                                           "expire_after force_update off_delay payload_on "
                                           "payload_off"))},
        {"button", withCommon(words("command_topic command_template device_class "
                                    "payload_press retain"))},
        // mqtt/text.py on MQTT_RW_SCHEMA: command and state topics, templates, limits, mode.
        {"text", withCommon(words("command_topic command_template state_topic value_template "
                                  "retain optimistic max min mode pattern"))},
        // mqtt/event.py on MQTT_RO_SCHEMA: event_types required, device_class one of
        // event/const.py's EventDeviceClass; anything else is dropped (REMOVE_EXTRA).
        {"event", withCommon(words("state_topic value_template device_class event_types"))},
    };
    return keys;
}

bool contains(const Keys& keys, const std::string& key)
{
    return keys.count(key) != 0;
}

/// Decodes one UTF-8 sequence at `i`; returns the code point and advances, or -1 when invalid.
long decodeUtf8(const std::string& s, std::size_t& i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    int length = 0;
    long cp = 0;
    if (lead < 0x80) {
        ++i;
        return lead;
    } else if ((lead & 0xe0) == 0xc0) {
        length = 2, cp = lead & 0x1f;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3, cp = lead & 0x0f;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4, cp = lead & 0x07;
    } else {
        return -1;
    }
    if (i + length > s.size())
        return -1;
    for (int k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (byte(i + k) & 0x3f);
    }
    static const long kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[length] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;  // overlong, out of range or a surrogate
    i += length;
    return cp;
}

bool isLowerAlnumOrUnderscore(const std::string& s)
{
    for (const char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

bool isSlugPart(const std::string& s)
{
    return !s.empty() && isLowerAlnumOrUnderscore(s) && s.front() != '_' && s.back() != '_' &&
           s.find("__") == std::string::npos;
}

}  // namespace

bool isSupportedComponent(const std::string& component)
{
    static const Keys components = words(
        "alarm_control_panel binary_sensor button camera climate cover date datetime "
        "device_automation device_tracker event fan humidifier image infrared lawn_mower light "
        "lock notify number scene siren select sensor switch tag text time update vacuum valve "
        "water_heater");
    return contains(components, component);
}

bool isCheckedPlatform(const std::string& platform)
{
    return platformKeys().count(platform) != 0;
}

const std::set<std::string>& allowedEntityKeys(const std::string& platform)
{
    static const Keys none;
    const auto it = platformKeys().find(platform);
    return it == platformKeys().end() ? none : it->second;
}

const std::set<std::string>& sharedOptions()
{
    static const Keys keys =
        words("availability availability_mode availability_template availability_topic "
              "command_topic encoding message_expiry_interval payload_available "
              "payload_not_available state_topic qos");
    return keys;
}

const std::set<std::string>& deviceKeys()
{
    static const Keys keys =
        words("identifiers connections name manufacturer model model_id hw_version sw_version "
              "serial_number suggested_area via_device configuration_url");
    return keys;
}

const std::set<std::string>& originKeys()
{
    static const Keys keys = {"name", "sw_version", "support_url"};
    return keys;
}

const std::set<std::string>& availabilityItemKeys()
{
    static const Keys keys = {"topic", "payload_available", "payload_not_available",
                              "value_template"};
    return keys;
}

bool isSensorDeviceClass(const std::string& deviceClass)
{
    static const Keys classes = words(
        "absolute_humidity apparent_power aqi area atmospheric_pressure battery "
        "blood_glucose_concentration carbon_dioxide carbon_monoxide conductivity current "
        "data_rate data_size date distance duration energy energy_distance energy_storage enum "
        "frequency gas humidity illuminance irradiance moisture monetary nitrogen_dioxide "
        "nitrogen_monoxide nitrous_oxide ozone ph pm1 pm10 pm25 pm4 power power_factor "
        "precipitation precipitation_intensity pressure reactive_energy reactive_power "
        "signal_strength sound_pressure speed sulphur_dioxide temperature timestamp "
        "volatile_organic_compounds volatile_organic_compounds_parts voltage volume "
        "volume_flow_rate volume_storage water weight wind_direction wind_speed");
    return contains(classes, deviceClass);
}

bool isBinarySensorDeviceClass(const std::string& deviceClass)
{
    static const Keys classes = words(
        "battery battery_charging carbon_monoxide cold connectivity door garage_door gas heat "
        "light lock moisture motion moving occupancy opening plug power presence problem "
        "running safety smoke sound tamper update vibration window");
    return contains(classes, deviceClass);
}

bool isButtonDeviceClass(const std::string& deviceClass)
{
    return deviceClass == "identify" || deviceClass == "restart" || deviceClass == "update";
}

bool isEventDeviceClass(const std::string& deviceClass)
{
    return deviceClass == "button" || deviceClass == "doorbell" || deviceClass == "motion";
}

bool isStateClass(const std::string& stateClass)
{
    return stateClass == "measurement" || stateClass == "measurement_angle" ||
           stateClass == "total" || stateClass == "total_increasing";
}

std::optional<std::set<std::string>> unitsForDeviceClass(const std::string& deviceClass)
{
    // Only the classes a bank bridge could plausibly use; the rest accept any unit here.
    static const std::string degree = "\xc2\xb0";
    static const std::map<std::string, Keys> units = {
        {"battery", {"%"}},
        {"humidity", {"%"}},
        {"power_factor", {"%"}},
        {"duration", {"d", "h", "min", "s", "ms", "\xc2\xb5s"}},
        {"temperature", {degree + "C", degree + "F", "K"}},
        {"wind_direction", {degree}},
    };
    const auto it = units.find(deviceClass);
    if (it == units.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> expandAbbreviation(const std::string& key)
{
    // "short=full" pairs from mqtt/abbreviations.py, the ones a bridge like ours could use.
    static const std::map<std::string, std::string> abbreviations = [] {
        std::map<std::string, std::string> map;
        for (const std::string& pair : words(
                 "avty=availability avty_mode=availability_mode avty_t=availability_topic "
                 "avty_tpl=availability_template cmd_t=command_topic cmd_tpl=command_template "
                 "cmps=components cu=configuration_url def_ent_id=default_entity_id dev=device "
                 "dev_cla=device_class e=encoding en=enabled_by_default ent_cat=entity_category "
                 "evt_typ=event_types "
                 "exp_aft=expire_after frc_upd=force_update hw=hw_version ic=icon ids=identifiers "
                 "json_attr_t=json_attributes_topic json_attr_tpl=json_attributes_template "
                 "mdl=model mdl_id=model_id mf=manufacturer migr_discvry=migrate_discovery "
                 "o=origin obj_id=object_id off_dly=off_delay ops=options p=platform "
                 "pl_avail=payload_available pl_not_avail=payload_not_available pl_off=payload_off "
                 "pl_on=payload_on pl_prs=payload_press ret=retain sn=serial_number "
                 "stat_cla=state_class stat_t=state_topic sug_dsp_prc=suggested_display_precision "
                 "sw=sw_version t=topic uniq_id=unique_id unit_of_meas=unit_of_measurement "
                 "url=support_url val_tpl=value_template")) {
            const auto eq = pair.find('=');
            map.emplace(pair.substr(0, eq), pair.substr(eq + 1));
        }
        return map;
    }();
    const auto it = abbreviations.find(key);
    if (it == abbreviations.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> topicProblem(const std::string& topic)
{
    if (topic.empty())
        return "is empty";
    if (topic.size() > 65535)
        return "is longer than 65535 bytes";
    for (std::size_t i = 0; i < topic.size();) {
        const long cp = decodeUtf8(topic, i);
        if (cp < 0)
            return "is not valid UTF-8";
        if (cp == 0)
            return "contains NUL";
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            return "contains a control character";
        if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
            return "contains a Unicode non-character";
    }
    return std::nullopt;
}

bool isConfigurationUrl(const std::string& url)
{
    const auto sep = url.find("://");
    if (sep == std::string::npos)
        return false;
    const std::string scheme = url.substr(0, sep);
    if (scheme != "http" && scheme != "https" && scheme != "homeassistant")
        return false;
    const std::string rest = url.substr(sep + 3);
    if (rest.empty() || rest.front() == '/')
        return false;
    return rest.find_first_of(" \t\r\n") == std::string::npos;
}

bool isValidEntityId(const std::string& entityId)
{
    const auto dot = entityId.find('.');
    if (dot == std::string::npos || entityId.find('.', dot + 1) != std::string::npos)
        return false;
    return isSlugPart(entityId.substr(0, dot)) && isSlugPart(entityId.substr(dot + 1));
}

}  // namespace bank2mqtt::ha

namespace bank2mqtt::ha {

std::string haEntityId(const std::string& platform, const std::string& deviceName,
                       const std::string& entityName)
{
    static const std::pair<const char*, const char*> kUnidecode[] = {
        {"\xc3\xa6", "ae"}, {"\xc3\x86", "AE"}, {"\xc3\xb8", "o"}, {"\xc3\x98", "O"},
        {"\xc3\xa5", "a"},  {"\xc3\x85", "A"},  {"\xc3\xa4", "a"}, {"\xc3\x84", "A"},
        {"\xc3\xb6", "o"},  {"\xc3\x96", "O"},  {"\xc3\xbc", "u"}, {"\xc3\x9c", "U"},
        {"\xc3\x9f", "ss"}, {"\xc3\xa9", "e"},  {"\xc3\x89", "E"},
    };
    const std::string text = deviceName + " " + entityName;
    std::string ascii;
    for (std::size_t i = 0; i < text.size();) {
        bool replaced = false;
        for (const auto& [utf8, plain] : kUnidecode) {
            const std::string u(utf8);
            if (text.compare(i, u.size(), u) == 0) {
                ascii += plain;
                i += u.size();
                replaced = true;
                break;
            }
        }
        if (!replaced)
            ascii += text[i++];
    }
    std::string slug;
    bool gap = false;
    for (const char raw : ascii) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (gap && !slug.empty())
                slug += '_';
            gap = false;
            slug += c;
        } else {
            gap = true;
        }
    }
    return platform + "." + (slug.empty() ? "unknown" : slug);
}

}  // namespace bank2mqtt::ha
