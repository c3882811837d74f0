// SPDX-License-Identifier: MIT
// HA's MQTT discovery data tables as plain data, for the checker: components, classes, keys.
#pragma once

#include <optional>
#include <set>
#include <string>

namespace bank2mqtt::ha {

// Transcribed from Home Assistant core (dev, about 2026.9) as summarised in
// shared/reference/ha-mqtt.md sections 1.2-1.14: mqtt/const.py, mqtt/schemas.py,
// mqtt/abbreviations.py, mqtt/{sensor,binary_sensor,button}.py and sensor/const.py.
// Update them together when a newer HA is the target.

/// SUPPORTED_COMPONENTS: what may stand between the prefix and the ids in a discovery topic
/// (besides "device") and what a device component's "platform" may be.
bool isSupportedComponent(const std::string& component);

/// Platforms whose schema keys the checker knows. Another supported platform in a payload is
/// reported, because its keys could not be checked.
bool isCheckedPlatform(const std::string& platform);

/// Keys an entity of `platform` may carry (full names; "platform" itself included).
/// Empty for a platform that is not checked.
const std::set<std::string>& allowedEntityKeys(const std::string& platform);

/// SHARED_OPTIONS: root keys of a device payload that each component inherits.
const std::set<std::string>& sharedOptions();

const std::set<std::string>& deviceKeys();            ///< MQTT_ENTITY_DEVICE_INFO_SCHEMA
const std::set<std::string>& originKeys();            ///< MQTT_ORIGIN_INFO_SCHEMA
const std::set<std::string>& availabilityItemKeys();  ///< an item of the availability list

bool isSensorDeviceClass(const std::string& deviceClass);
bool isBinarySensorDeviceClass(const std::string& deviceClass);
bool isButtonDeviceClass(const std::string& deviceClass);
bool isEventDeviceClass(const std::string& deviceClass);
bool isStateClass(const std::string& stateClass);

/// DEVICE_CLASS_UNITS for the sensor device classes that restrict the unit; nullopt when any
/// unit is accepted by the schema (monetary among them: the checker adds its own ISO rule).
std::optional<std::set<std::string>> unitsForDeviceClass(const std::string& deviceClass);

/// The full name of an abbreviated key (mqtt/abbreviations.py), or nullopt. HA expands them;
/// bank2mqtt publishes full names only, so the checker reports an abbreviation as such.
std::optional<std::string> expandAbbreviation(const std::string& key);

/// Why `topic` is not a valid MQTT topic name (util.py valid_topic), or nullopt: empty, not
/// UTF-8, longer than 65535 bytes, NUL, control characters or Unicode non-characters.
std::optional<std::string> topicProblem(const std::string& topic);

/// cv.configuration_url: an http, https or homeassistant URL.
bool isConfigurationUrl(const std::string& url);

/// HA's valid_entity_id: "<domain>.<object>", lower case [a-z0-9_], no "__", no leading or
/// trailing "_" in either part.
bool isValidEntityId(const std::string& entityId);

/// The entity id Home Assistant (every version since 2023.8) makes for an MQTT entity without
/// object_id / default_entity_id: "<platform>." + slugify("<device name> <entity name>"), where
/// slugify is python-slugify with unidecode (Nordic and German letters transliterated, every
/// other run of non-alphanumerics one "_", trimmed). Only the transliterations our names can
/// meet are known here.
std::string haEntityId(const std::string& platform, const std::string& deviceName,
                       const std::string& entityName);

}  // namespace bank2mqtt::ha
