// SPDX-License-Identifier: MIT
// loadConfig(): reads the INI file and hands each section to the checks of its kind.
#include "config.h"

#include "config_sections.h"
#include "duration.h"
#include "ini_reader.h"
#include "reserved_names.h"

#include <stdexcept>

namespace bank2mqtt {

namespace detail {

namespace {

bool isSourceId(const std::string& id)
{
    if (id.empty() || id.size() > 32)
        return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

[[noreturn]] void unknownSection(const SectionScope& scope)
{
    const std::string name = toLower(scope.name());
    const std::size_t dot = name.find('.');
    std::string hint;
    if (dot != std::string::npos) {
        if (!suggest(name.substr(0, dot), {"source"}).empty())
            hint = "source" + scope.name().substr(dot);
    } else {
        hint = suggest(name, {"mqtt", "daemon", "source.<id>"});
    }
    throw ConfigError(scope.atSection() + " is not a known section" +
                      (hint.empty() ? "; use [mqtt], [daemon] or [source.<id>]"
                                    : "; did you mean [" + hint + "]?"));
}

}  // namespace

void requireValue(const SectionScope& scope, const IniEntry& entry, const std::string& example)
{
    if (entry.value.empty())
        scope.fail(entry, "is empty; write a value such as " + example +
                              ", or remove the line to use the default");
}

bool boolValue(const SectionScope& scope, const IniEntry& entry)
{
    requireValue(scope, entry, "true");
    const std::optional<bool> value = parseBool(entry.value);
    if (!value)
        scope.badValue(entry, "is not a yes/no value", "write true or false");
    return *value;
}

std::chrono::seconds durationValue(const SectionScope& scope, const IniEntry& entry,
                                   std::chrono::seconds min, std::chrono::seconds max,
                                   const std::string& example)
{
    requireValue(scope, entry, example);
    std::chrono::seconds value{};
    try {
        value = parseDuration(entry.value);
    } catch (const std::invalid_argument& e) {
        scope.badValue(entry, std::string("is not a duration (it ") + e.what() + ")",
                       "write a number followed by s, m or h, e.g. " + example);
    }
    if (value < min || value > max)
        scope.badValue(entry,
                       std::string("is ") + (value < min ? "shorter" : "longer") + " than allowed",
                       "write a duration from " + formatDuration(min) + " to " +
                           formatDuration(max) + ", e.g. " + example);
    return value;
}

DaemonSettings parseDaemon(const SectionScope& scope)
{
    scope.rejectUnknownKeys({"plugin_dir", "state_dir"});
    DaemonSettings daemon;
    // The daemon checks the directories when it uses them; here they only have to be given.
    if (const IniEntry* entry = scope.find("plugin_dir")) {
        requireValue(scope, *entry, daemon.pluginDir);
        daemon.pluginDir = entry->value;
    }
    if (const IniEntry* entry = scope.find("state_dir")) {
        requireValue(scope, *entry, daemon.stateDir);
        daemon.stateDir = entry->value;
    }
    return daemon;
}

}  // namespace detail

Config loadConfig(const std::string& path, bool brokerSecrets)
{
    using namespace detail;
    Config config;
    config.file = path;
    const IniDocument doc = readIni(path);
    ConfigFileFacts facts = configFileFacts(path);
    facts.brokerSecrets = brokerSecrets;
    config.directory = facts.dir;
    for (const IniSection& section : doc.sections) {
        const SectionScope scope(path, section.name, section.line, section.entries);
        const std::string kind = toLower(section.name);
        if (kind == "mqtt") {
            config.mqtt = parseMqtt(scope, facts, config.warnings);
        } else if (kind == "daemon") {
            config.daemon = parseDaemon(scope);
        } else if (kind == "source") {
            throw ConfigError(scope.atSection() + " has no source id; name the section "
                                                  "[source.<id>], e.g. [source.kid]");
        } else if (kind.rfind("source.", 0) == 0) {
            const std::string id = section.name.substr(7);
            if (!isSourceId(id))
                throw ConfigError(scope.atSection() + " " + quote(id) +
                                  " is not a valid source id; use 1 to 32 lower-case letters, "
                                  "digits, _ or -, since it becomes an MQTT topic level");
            if (isReservedSourceId(id))
                throw ConfigError(scope.atSection() + " " + quote(id) +
                                  " is a name the daemon uses itself (the topic <base>/" + id +
                                  " or the file " + id +
                                  ".json in state_dir); rename the "
                                  "section, e.g. [source." +
                                  id + "_bank]");
            config.sources.push_back(parseSource(scope, id, facts, config.warnings));
        } else {
            unknownSection(scope);
        }
    }
    if (config.sources.empty())
        throw ConfigError(path + ": there is no [source.<id>] section; add one per bank login, "
                                 "e.g. [source.kid] with plugin = sbanken");
    return config;
}

}  // namespace bank2mqtt
