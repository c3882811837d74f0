// SPDX-License-Identifier: MIT
// Checks of single values and blocks of a discovery payload (types, topics, device, origin).
#pragma once

#include <Poco/Dynamic/Var.h>

#include <functional>
#include <map>
#include <string>

namespace bank2mqtt::ha {

/// Receives a violation: rule code (see ha_discovery_checker.h), payload path, message.
using Report = std::function<void(const std::string& rule, const std::string& where,
                                  const std::string& message)>;

/// The value rules of one entity key of `platform` ("" for the root of a device payload):
/// JSON types, topics, qos, icon, entity_category, classes, default_entity_id, object_id.
/// `device` and `origin` are checked by their own functions.
void checkValue(const std::string& platform, const std::string& key,
                const Poco::Dynamic::Var& value, const std::string& where, const Report& report);

/// The device block; returns its name ("" when it has none or the block is broken).
std::string checkDeviceBlock(const Poco::Dynamic::Var& value, const std::string& where,
                             const Report& report);

void checkOriginBlock(const Poco::Dynamic::Var& value, const std::string& where,
                      const Report& report);

/// availability_topic and availability are exclusive (checked on the fields a component ends
/// up with, inherited ones included).
void checkAvailabilityExclusive(const std::map<std::string, Poco::Dynamic::Var>& fields,
                                const std::string& where, const Report& report);

/// A key no schema knows: "abbreviation" when it is an abbreviated name, else "unknown-key".
void reportUnknownKey(const std::string& key, const std::string& where, const Report& report);

}  // namespace bank2mqtt::ha
