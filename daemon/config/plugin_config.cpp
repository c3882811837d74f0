// SPDX-License-Identifier: MIT
// resolvePluginConfig(): a source's remaining keys checked against its plugin's declared keys.
#include "config.h"

#include "config_sections.h"

#include <algorithm>

namespace bank2mqtt {

namespace {

const std::string fileSuffix = "_file";

bool contains(const std::vector<std::string>& list, const std::string& word)
{
    return std::find(list.begin(), list.end(), word) != list.end();
}

// `client_secret_file` -> `client_secret`; names without the suffix stay as they are.
std::string inlineName(const ConfigKey& key)
{
    const std::string& name = key.name;
    if (name.size() > fileSuffix.size() &&
        name.compare(name.size() - fileSuffix.size(), fileSuffix.size(), fileSuffix) == 0)
        return name.substr(0, name.size() - fileSuffix.size());
    return name;
}

}  // namespace

SourceConfig resolvePluginConfig(const Config& config, const SourceSettings& source,
                                 const std::vector<ConfigKey>& schema,
                                 std::vector<std::string>& warnings)
{
    using namespace detail;
    std::vector<IniEntry> entries;
    for (const auto& [key, value] : source.pluginKeys) {
        const auto line = source.keyLines.find(key);
        entries.push_back(IniEntry{key, value, line != source.keyLines.end() ? line->second : 0});
    }
    // The first problem reported is the first one in the file.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const IniEntry& a, const IniEntry& b) { return a.line < b.line; });
    const SectionScope scope(config.file, "source." + source.id, source.line, std::move(entries));
    const ConfigFileFacts facts = configFileFacts(config.file, config.directory);
    const std::vector<std::string>& hostKeys = sourceHostKeys();

    // Every name the section may use: the host's, the plugin's, and inline forms of secrets.
    std::vector<std::string> schemaNames;
    for (const ConfigKey& key : schema)
        schemaNames.push_back(key.name);
    std::vector<std::string> known = hostKeys;
    known.insert(known.end(), schemaNames.begin(), schemaNames.end());
    for (const ConfigKey& key : schema) {
        if (key.kind == ConfigKey::Kind::SecretFile && !contains(known, inlineName(key)))
            known.push_back(inlineName(key));
    }
    for (const IniEntry& entry : scope.entries()) {
        if (contains(known, entry.key))
            continue;
        const std::string hint = suggest(entry.key, known);
        scope.fail(entry, "is not a key of the " + source.plugin + " plugin" +
                              (hint.empty() ? "; it accepts " + listWords(schemaNames) +
                                                  " besides the host's " + listWords(hostKeys)
                                            : "; did you mean " + hint + "?"));
    }

    SourceConfig out;
    out.sourceId = source.id;
    out.file = config.file;
    for (const AccountSelector& account : source.accounts)
        out.selectors.push_back(account.selector);

    for (const ConfigKey& key : schema) {
        if (contains(hostKeys, key.name))
            continue;  // the host owns these and has validated them already
        const std::string what = key.name + " is missing; the " + source.plugin +
                                 " plugin requires it" +
                                 (key.help.empty() ? std::string() : " (" + key.help + ")");
        const IniEntry* given = scope.findSet(key.name);
        if (key.kind == ConfigKey::Kind::Text) {
            if (given != nullptr)
                out.values[key.name] = given->value;
            else if (key.required)
                throw ConfigError(scope.atSection() + " " + what + "; add " + key.name +
                                  " = <value> to the section");
            else
                out.values[key.name] = key.defaultValue;
            continue;
        }
        // SecretFile: the file form, or the inline form when the plugin has no key of that name.
        const std::string valueName = inlineName(key);
        const IniEntry* inlineEntry = valueName != key.name && !contains(schemaNames, valueName)
                                          ? scope.findSet(valueName)
                                          : nullptr;
        if (given != nullptr && inlineEntry != nullptr)
            scope.fail(*inlineEntry, "and " + key.name + " (line " + std::to_string(given->line) +
                                         ") are both set; keep only " + key.name);
        if (given != nullptr) {
            out.values[valueName] = readSecretFile(scope, *given, facts, warnings);
        } else if (inlineEntry != nullptr) {
            out.values[valueName] = inlineEntry->value;
            warnInlineSecret(scope, *inlineEntry, key.name, facts, warnings);
        } else if (key.required) {
            throw ConfigError(scope.atSection() + " " + what + "; add " + key.name +
                              " = /path/to/the/secret (a file only the service user can read)");
        } else if (!key.defaultValue.empty()) {
            const IniEntry fallback{key.name, key.defaultValue, source.line};
            out.values[valueName] = readSecretFile(scope, fallback, facts, warnings);
        } else {
            out.values[valueName] = "";
        }
    }
    return out;
}

}  // namespace bank2mqtt
