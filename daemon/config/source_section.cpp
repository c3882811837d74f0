// SPDX-License-Identifier: MIT
// The host's keys of a [source.<id>] section: plugin, schedule, account selection, threshold.
#include "config_sections.h"

#include "duration.h"
#include "loopback.h"
#include "reserved_names.h"

#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <utility>

namespace bank2mqtt::detail {

namespace {

bool allOf(const std::string& text, bool (*pred)(char))
{
    return !text.empty() && std::all_of(text.begin(), text.end(), pred);
}

bool isPluginChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool isAliasChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// What is wrong with a low-balance amount, as {problem, fix}, or an empty problem. The amount is
// [-]digits[.digits] in the account's currency, kept as text so it is compared exactly against
// minor units later.
std::pair<std::string, std::string> amountProblem(const std::string& text)
{
    const std::size_t start = !text.empty() && text.front() == '-' ? 1 : 0;
    const std::size_t dot = text.find('.', start);
    const std::string whole = text.substr(start, dot - start);
    const std::string fraction = dot == std::string::npos ? "0" : text.substr(dot + 1);
    if (text.find(',') != std::string::npos)
        return {"uses a comma", "write . as the decimal separator, e.g. 99.50"};
    if (!allOf(whole, isDigit) || !allOf(fraction, isDigit))
        return {"is not a decimal number", "write an amount in the account's currency such as "
                                           "100 or 99.50, without a currency sign"};
    if (whole.size() > 15 || fraction.size() > 4)
        return {"has too many digits",
                "write at most 15 digits before and 4 after the decimal point"};
    return {};
}

void checkAmount(const SectionScope& scope, const IniEntry& entry)
{
    requireValue(scope, entry, "100");
    if (auto [problem, fix] = amountProblem(entry.value); !problem.empty())
        scope.badValue(entry, problem, fix);
}

// `selector@100` or `selector@off`: the account's own low-balance threshold. An @ followed by
// a digit, a minus or "off" starts one (and must be a valid amount); an @ followed by anything
// else belongs to the selector (an account name may hold one).
void splitThreshold(const SectionScope& scope, const IniEntry& entry, const std::string& itemName,
                    AccountSelector& account)
{
    const std::size_t at = account.selector.rfind('@');
    if (at == std::string::npos)
        return;
    std::string threshold = trim(account.selector.substr(at + 1));
    if (Poco::icompare(threshold, "off") == 0)
        threshold = "off";
    const bool looksLikeAmount =
        !threshold.empty() && (isDigit(threshold.front()) || threshold.front() == '-');
    if (threshold != "off" && !looksLikeAmount)
        return;
    if (threshold != "off")
        if (auto [problem, fix] = amountProblem(threshold); !problem.empty())
            scope.fail(entry, "has a low-balance amount after @ in " + itemName + " that " +
                                  problem + "; " + fix + ", e.g. Sparekonto@1000");
    account.selector = trim(account.selector.substr(0, at));
    if (account.selector.empty())
        scope.fail(entry, "has no account before @ in " + itemName +
                              "; write account@amount, e.g. Sparekonto@1000");
    account.lowBalance = threshold;
}

// `accounts = a, pocket=b`. Account numbers are identifying, so messages name items by
// position and never echo a selector.
std::vector<AccountSelector> parseAccounts(const SectionScope& scope, const IniEntry& entry)
{
    std::vector<AccountSelector> accounts;
    std::size_t start = 0;
    for (int item = 1;; ++item) {
        const std::size_t comma = entry.value.find(',', start);
        const std::string text = trim(entry.value.substr(start, comma - start));
        const std::string itemName = "item " + std::to_string(item);
        if (text.empty())
            scope.fail(entry, "has an empty " + itemName +
                                  "; separate accounts with single commas and no trailing comma");
        AccountSelector account;
        const std::size_t eq = text.find('=');
        account.selector = text;
        if (eq != std::string::npos) {
            account.alias = trim(text.substr(0, eq));
            account.selector = trim(text.substr(eq + 1));
            if (account.alias.empty())
                scope.fail(entry, "has no alias before = in " + itemName +
                                      "; write alias=account, e.g. pocket=Lommepenger");
            if (account.selector.empty())
                scope.fail(entry, "has the alias " + quote(account.alias) +
                                      " but no account after = in " + itemName +
                                      "; write alias=account, e.g. pocket=Lommepenger");
            if (account.alias.size() > 32 || !allOf(account.alias, isAliasChar))
                scope.fail(entry, "has the alias " + quote(account.alias) + " in " + itemName +
                                      ", which is not 1 to 32 lower-case letters, digits or _; "
                                      "it becomes an MQTT topic level, e.g. pocket");
            if (isReservedAccountKey(account.alias))
                scope.fail(entry,
                           "has the alias " + quote(account.alias) + " in " + itemName +
                               ", which is a topic the daemon uses itself (<base>/<source>/" +
                               account.alias + "); choose another alias, e.g. " + account.alias +
                               "_account");
        }
        splitThreshold(scope, entry, itemName, account);
        for (std::size_t i = 0; i < accounts.size(); ++i) {
            const std::string earlier = "item " + std::to_string(i + 1);
            if (!account.alias.empty() && accounts[i].alias == account.alias)
                scope.fail(entry, "uses the alias " + quote(account.alias) + " twice (" + earlier +
                                      " and " + itemName + "); give each account its own alias");
            if (accounts[i].selector == account.selector)
                scope.fail(entry, "names the same account twice (" + earlier + " and " + itemName +
                                      "); list each account once");
        }
        accounts.push_back(account);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return accounts;
}

// A plugin key naming where the bank is: "url" or "*_url" by convention.
bool isUrlKey(const std::string& key)
{
    return key == "url" || (key.size() > 4 && key.compare(key.size() - 4, 4, "_url") == 0);
}

// An unverified connection is only harmless when it cannot leave the machine, so insecure needs
// every bank URL of the section written out and pointing at loopback: a URL left at its
// default would be the real bank's. The key names are the plugin's; see isUrlKey().
void checkInsecureUrls(const SectionScope& scope, const IniEntry& insecure,
                       const SourceSettings& source)
{
    const std::string fix = "remove insecure, or point every bank URL at 127.0.0.1";
    bool anyUrl = false;
    for (const auto& [key, value] : source.pluginKeys) {
        if (!isUrlKey(key))
            continue;
        anyUrl = true;
        std::string host;
        try {
            host = Poco::URI(value).getHost();
        } catch (const std::exception&) {
        }
        // Only the host is quoted: plugin values are never echoed whole (they may hold secrets).
        if (!isLoopbackHost(host))
            scope.badValue(insecure,
                           "is allowed only for a bank on this machine, but the host of " + key +
                               " (" + (host.empty() ? "none" : host) +
                               ") is not a loopback address",
                           fix);
    }
    if (!anyUrl)
        scope.badValue(insecure,
                       "is allowed only for a bank on this machine, and no bank URL "
                       "(auth_url, api_url, ...) is set, so the real bank would be used",
                       fix);
}

// Plain http:// leaves the machine only where the user said so: a self-hosted server on the
// LAN (Firefly III without TLS). Anything else would send a token in clear over a network.
void checkPlainHttp(const SectionScope& scope, SourceSettings& source, const IniEntry* allowHttp,
                    bool allowed, std::vector<std::string>& warnings)
{
    std::vector<std::string> hosts;
    for (const auto& [key, value] : source.pluginKeys) {
        if (!isUrlKey(key))
            continue;
        std::string scheme, host;
        try {
            const Poco::URI uri(value);
            scheme = Poco::toLower(uri.getScheme());
            host = Poco::toLower(uri.getHost());
        } catch (const std::exception&) {
            continue;  // the plugin names what is wrong with its own key
        }
        if (scheme != "http" || host.empty() || isLoopbackHost(host))
            continue;
        // Only the host is quoted: plugin values are never echoed whole (they may hold secrets).
        if (!allowed)
            scope.fail(*scope.find(key),
                       "uses http:// to " + host +
                           ", which would send the login and the balances unencrypted "
                           "over the network; use https://, or, for a server of your own "
                           "on your local network (Firefly III), add allow_http = true");
        if (std::find(hosts.begin(), hosts.end(), host) == hosts.end())
            hosts.push_back(host);
    }
    if (allowHttp == nullptr || !allowed)
        return;
    if (hosts.empty()) {
        warnings.push_back(scope.at(*allowHttp) +
                           " = true has no effect: no url of this section uses http:// to "
                           "another machine; remove it.");
        return;
    }
    std::string list;
    for (const auto& host : hosts)
        list += (list.empty() ? "" : ", ") + host;
    warnings.push_back(scope.at(*allowHttp) + " = true: requests to " + list +
                       " go over plain http, so anyone on that network can read the token and "
                       "the balances. Put the server behind https (a reverse proxy with a "
                       "certificate) when you can.");
    source.plainHttpHosts = std::move(hosts);
}

}  // namespace

const std::vector<std::string>& sourceHostKeys()
{
    static const std::vector<std::string> keys = {
        "plugin",          "interval",    "max_age",      "timeout",
        "accounts",        "low_balance", "ca_file",      "insecure",
        "consent_warning", "allow_http",  "transactions", "transactions_backlog"};
    return keys;
}

SourceSettings parseSource(const SectionScope& scope, const std::string& id,
                           const ConfigFileFacts& facts, std::vector<std::string>& warnings)
{
    SourceSettings source;
    source.id = id;
    source.line = scope.line();
    const std::vector<std::string>& hostKeys = sourceHostKeys();
    for (const IniEntry& entry : scope.entries()) {
        source.keyLines[entry.key] = entry.line;
        if (std::find(hostKeys.begin(), hostKeys.end(), entry.key) == hostKeys.end())
            source.pluginKeys[entry.key] = entry.value;
    }

    const IniEntry* plugin = scope.findSet("plugin");
    if (plugin == nullptr)
        throw ConfigError(scope.atSection() + " plugin is missing; add plugin = <name> naming "
                                              "the bank's plugin, e.g. plugin = sbanken");
    if (!allOf(plugin->value, isPluginChar))
        scope.badValue(*plugin, "is not a plugin name",
                       "write the <name> of a bank2mqtt-<name>.so in plugin_dir, e.g. sbanken");
    source.plugin = plugin->value;

    if (const IniEntry* entry = scope.find("interval")) {
        source.interval = durationValue(scope, *entry, std::chrono::seconds(1),
                                        std::chrono::hours(24 * 7), "15m");
        if (source.interval < std::chrono::minutes(1))
            warnings.push_back(scope.at(*entry) + " = " + formatDuration(source.interval) +
                               " polls the bank more than once a minute, which may get the "
                               "login blocked; 15m is usually often enough.");
    }
    if (const IniEntry* entry = scope.find("timeout"))
        source.timeout =
            durationValue(scope, *entry, std::chrono::seconds(1), std::chrono::seconds(120), "20s");
    source.maxAge = 3 * source.interval;
    if (const IniEntry* entry = scope.find("max_age")) {
        source.maxAge = durationValue(scope, *entry, std::chrono::seconds(1),
                                      std::chrono::hours(24 * 366), "1h");
        if (source.maxAge < source.interval)
            scope.badValue(*entry,
                           "is shorter than interval " + formatDuration(source.interval) +
                               ", so the data would always look stale",
                           "make max_age at least the interval, e.g. " +
                               formatDuration(3 * source.interval));
    }
    // Durations have no day unit (d would read as a typo of another unit elsewhere), so the
    // example spells 14 days in hours.
    if (const IniEntry* entry = scope.find("consent_warning"))
        source.consentWarning = durationValue(scope, *entry, std::chrono::hours(1),
                                              std::chrono::hours(24 * 366), "336h (14 days)");
    if (const IniEntry* entry = scope.findSet("accounts"))
        source.accounts = parseAccounts(scope, *entry);
    if (const IniEntry* entry = scope.find("low_balance")) {
        checkAmount(scope, *entry);
        source.lowBalance = entry->value;
    }
    if (const IniEntry* entry = scope.findSet("ca_file"))
        source.caFile = checkReadableFile(scope, *entry, facts);
    if (const IniEntry* entry = scope.findSet("insecure");
        entry != nullptr && boolValue(scope, *entry)) {
        checkInsecureUrls(scope, *entry, source);
        source.insecure = true;
        warnings.push_back(scope.at(*entry) +
                           " = true: the bank's TLS certificate is not verified. This is meant "
                           "for a bank simulator on this machine only; set ca_file instead.");
    }
    const IniEntry* allowHttp = scope.findSet("allow_http");
    checkPlainHttp(scope, source, allowHttp, allowHttp != nullptr && boolValue(scope, *allowHttp),
                   warnings);
    if (const IniEntry* entry = scope.findSet("transactions"))
        source.transactions = boolValue(scope, *entry);
    if (const IniEntry* entry = scope.findSet("transactions_backlog")) {
        const std::string& v = entry->value;
        if (v.empty() || v.size() > 2 || !allOf(v, isDigit) || std::stoi(v) > 50)
            scope.badValue(*entry, "is not a whole number from 0 to 50",
                           "write how many of the newest transactions the first poll announces, "
                           "e.g. transactions_backlog = 0");
        if (!source.transactions)
            scope.badValue(*entry, "has no effect without transactions = true",
                           "add transactions = true, or remove transactions_backlog");
        source.transactionsBacklog = std::stoi(v);
    }
    return source;
}

}  // namespace bank2mqtt::detail
