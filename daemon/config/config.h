// SPDX-License-Identifier: MIT
// The validated configuration file: what the daemon reads from bank2mqtt.ini, and the loader.
#pragma once

#include "bank2mqtt/bank_source.h"

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bank2mqtt {

/// The `[mqtt]` section. Paths are resolved: a relative path in the file is made absolute
/// against the configuration file's directory (secrets: see loadConfig()).
struct MqttSettings {
    std::string uri =
        "tcp://localhost:1883";  ///< normalised: mqtt:// -> tcp://, mqtts:// -> ssl://
    std::string clientId = "bank2mqtt";
    std::string username;
    std::string password;  ///< content of password_file, or the inline `password`
    std::string caFile;    ///< TLS: CA bundle that verifies the broker; empty = system store
    std::string certFile;  ///< TLS client certificate; set together with keyFile or not at all
    std::string keyFile;
    bool insecure = false;  ///< skip broker certificate verification; only when the user said so
    std::string baseTopic = "bank2mqtt";
    bool discovery = true;
    std::string discoveryPrefix = "homeassistant";
    std::string discoveryMode = "device";  ///< device | component
    std::chrono::seconds keepAlive{60};
};

/// The `[daemon]` section. Not checked against the file system here; the daemon does that.
struct DaemonSettings {
    std::string pluginDir = "/usr/lib/bank2mqtt/plugins";
    std::string stateDir = "/var/lib/bank2mqtt";
};

/// One item of `accounts =`: `selector` or `alias=selector`.
struct AccountSelector {
    std::string alias;  ///< [a-z0-9_]{1,32}, or empty when the user gave none
    std::string selector;
    /// `selector@100`: this account's low-balance threshold instead of the source's
    /// `low_balance` (decimal text as written); "off" = no threshold for this account.
    std::optional<std::string> lowBalance;
};

/// One `[source.<id>]` section: the host's keys validated, the plugin's keys kept as text.
struct SourceSettings {
    std::string id;  ///< from [source.<id>]: [a-z0-9_-]{1,32}, used as an MQTT topic level
    std::string plugin;
    std::chrono::seconds interval{900};
    std::chrono::seconds maxAge{0};    ///< never 0 after loading: defaults to 3 x interval
    std::chrono::seconds timeout{20};  ///< per bank request, 1s..120s
    /// How long before a bank consent ends (plugins with ConsentInfo) the source shows
    /// consent_expiring; 1h..366 days, default 14 days.
    std::chrono::seconds consentWarning{14 * 24 * 3600};
    std::vector<AccountSelector> accounts;  ///< empty = every account of the login
    std::optional<std::string> lowBalance;  ///< decimal text as written, e.g. "100", "-5.50"
    std::string caFile;                     ///< extra CA for this bank, absolute path
    /// `insecure = true`: the bank's certificate is not verified. Accepted only when every
    /// `*_url` key of the section names a loopback host (the simulator); the HTTP client also
    /// refuses any other host then.
    bool insecure = false;
    /// `allow_http = true`: the hosts of the section's url / *_url keys that use http:// to
    /// another machine (a self-hosted server on the LAN); the HTTP client allows plain http to
    /// these and to loopback only.
    std::vector<std::string> plainHttpHosts;
    /// `transactions = true`: new transactions are announced on <account>/transaction (the
    /// plugin must offer TransactionFeed; the daemon checks that after loading it).
    bool transactions = false;
    /// `transactions_backlog`: how many of the newest transactions an account's first listing
    /// announces (0..50); the rest is history.
    int transactionsBacklog = 0;
    /// Every other key of the section (lower case) with its trimmed value, for
    /// resolvePluginConfig(). May hold secrets: never log these values.
    std::map<std::string, std::string> pluginKeys;
    std::map<std::string, int> keyLines;  ///< every key of the section -> its line number
    int line = 0;                         ///< line of the [source.<id>] header
};

struct Config {
    std::string file;  ///< the path as given to loadConfig(), used in every message
    /// Absolute directory of `file`, taken at load time, so that relative paths keep their
    /// meaning in resolvePluginConfig() even if the process has changed directory since.
    std::string directory;
    MqttSettings mqtt;
    DaemonSettings daemon;
    std::vector<SourceSettings> sources;  ///< in file order; at least one
    /// Complete sentences naming file, line, section and key; never containing a secret.
    std::vector<std::string> warnings;
};

/// A configuration the daemon must refuse. what() is the complete one-line message for the
/// user: file, line when known, section, key, what is wrong with the value and what to do.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Reads and validates the INI file at `path`.
///
/// Syntax: `[section]` headers, `key = value` lines, comments on their own line starting with
/// `;` or `#`, and inline comments: a `;` or `#` preceded by whitespace ends the value. Key and
/// section names are case-insensitive; values are trimmed. An empty value is the same as an
/// absent key, except where the key has no sensible empty meaning (then it is an error).
///
/// Secrets (`password_file`, and a plugin's SecretFile keys in resolvePluginConfig()): a
/// relative path is looked up in $CREDENTIALS_DIRECTORY when that variable is set (systemd
/// LoadCredential=), otherwise next to the configuration file. `key_file` (the client's private
/// key) follows the same rule. Other relative paths are relative to the configuration file.
///
/// Throws ConfigError on the first problem. Reads only local files; safe from any thread.
///
/// `brokerSecrets` false: [mqtt] password_file and key_file are not read (their values stay
/// empty), for modes that never connect to the broker (--authorize, --list-accounts). Those run
/// as the service user outside systemd, where a secret that only LoadCredential= can read
/// (root's /etc/bank2mqtt/mqtt.password) is out of reach and not needed.
Config loadConfig(const std::string& path, bool brokerSecrets = true);

/// Second half of a source's validation, after the daemon has loaded its plugin and asked it
/// for `schema` (BankSource::configKeys()). Rejects keys in `source.pluginKeys` that are
/// neither in the schema nor inline forms of its SecretFile keys (with a "did you mean" over
/// host and schema keys), rejects missing required keys, applies defaults, and reads SecretFile
/// keys: `client_secret_file` arrives in SourceConfig::values as `client_secret`. Schema keys
/// named like host keys (interval, ca_file, ...) are ignored: the host owns those.
/// `selectors` are the accounts' selector strings in order. Appends warnings (same form as
/// Config::warnings). Throws ConfigError.
SourceConfig resolvePluginConfig(const Config& config, const SourceSettings& source,
                                 const std::vector<ConfigKey>& schema,
                                 std::vector<std::string>& warnings);

}  // namespace bank2mqtt
