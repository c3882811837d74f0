// SPDX-License-Identifier: MIT
// The checks of each section kind, shared by loadConfig() and resolvePluginConfig().
#pragma once

#include "config.h"
#include "file_checks.h"

#include <chrono>
#include <string>
#include <vector>

namespace bank2mqtt::detail {

/// [mqtt]: every key checked, secrets read, TLS files checked.
MqttSettings parseMqtt(const SectionScope& scope, const ConfigFileFacts& facts,
                       std::vector<std::string>& warnings);

/// [daemon]
DaemonSettings parseDaemon(const SectionScope& scope);

/// [source.<id>]: the host's keys checked; the rest kept for resolvePluginConfig().
SourceSettings parseSource(const SectionScope& scope, const std::string& id,
                           const ConfigFileFacts& facts, std::vector<std::string>& warnings);

/// The keys of [source.<id>] the host itself interprets.
const std::vector<std::string>& sourceHostKeys();

/// Throws unless `entry` has a value; `example` shows what to write.
void requireValue(const SectionScope& scope, const IniEntry& entry, const std::string& example);

/// true/false (also yes/no, on/off, 1/0) of the entry; throws naming the key otherwise.
bool boolValue(const SectionScope& scope, const IniEntry& entry);

/// parseDuration() of the entry, between `min` and `max`; throws naming the key otherwise.
std::chrono::seconds durationValue(const SectionScope& scope, const IniEntry& entry,
                                   std::chrono::seconds min, std::chrono::seconds max,
                                   const std::string& example);

}  // namespace bank2mqtt::detail
