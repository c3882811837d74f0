// SPDX-License-Identifier: MIT
// The body of a bank-source plugin: declares its config keys, reads its config, fetches balances.
#pragma once

#include "bank2mqtt/capabilities.h"
#include "bank2mqtt/fetch_result.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bank2mqtt {

/// One key a plugin accepts in its `[source.<id>]` section, besides the host's own keys
/// (plugin, interval, accounts, low_balance, max_age, timeout, ca_file, insecure).
struct ConfigKey {
    enum class Kind {
        Text,        ///< plain value
        SecretFile,  ///< a path; the host reads the file (or $CREDENTIALS_DIRECTORY/<name>),
                     ///< checks that only the service user can read it, and hands the plugin the
                     ///< trimmed content under the key name without its "_file" suffix
    };
    std::string name;  ///< snake_case; SecretFile names end in "_file"
    Kind kind = Kind::Text;
    bool required = false;
    std::string defaultValue;  ///< applied by the host when the key is absent and not required
    std::string help;          ///< one line for error messages and the man page
};

/// The plugin's view of its section after the host has validated it.
struct SourceConfig {
    std::string sourceId;  ///< the "<id>" of [source.<id>]; already in every log line
    std::string file;      ///< config file path, for error messages
    /// Values of the keys from configKeys(), defaults applied, secret files already read (a key
    /// `client_secret_file` arrives as `client_secret` holding the file's content).
    std::map<std::string, std::string> values;
    /// The `accounts =` selectors in order (aliases stripped): account numbers, names or ids as
    /// the user wrote them. Empty means every account the login can see.
    std::vector<std::string> selectors;
    /// The source's `timeout =`: use it as HttpRequest::timeout (the host also caps every
    /// request at this value, so a larger one has no effect).
    std::chrono::milliseconds timeout{std::chrono::seconds(20)};
};

/// Result of configure(): empty `message` means accepted.
struct ConfigResult {
    std::string key;      ///< the offending key, when one is to blame
    std::string message;  ///< what is wrong and how to fix it

    bool ok() const { return message.empty(); }
};

/// A bank login. Created by the plugin's create entry point with the host's Services.
///
/// Thread rules: the host calls one instance from one thread at a time. An instance starts no
/// threads and keeps no static mutable state (several instances of one plugin may be live).
/// Errors: every method is noexcept; failures are values, never exceptions across the boundary.
class BankSource {
public:
    virtual ~BankSource() = default;

    /// The keys this plugin accepts. Called before configure(); must not depend on config.
    virtual std::vector<ConfigKey> configKeys() const noexcept = 0;

    /// Takes the validated section. Checks values (URLs, versions) and returns what is wrong,
    /// naming the key. Performs no network I/O; may read the StateStore.
    virtual ConfigResult configure(const SourceConfig& config) noexcept = 0;

    /// Every account the login can see, ignoring `selectors` (for `--list-accounts`).
    /// Blocks on the network; returns any FetchStatus.
    virtual FetchResult listAccounts() noexcept = 0;

    /// The balances of the selected accounts (all when no selectors). Blocks on the network.
    /// While the bank's token is valid and the accounts are resolved, costs one HTTPS request.
    /// Ok carries one Account per selector, in selector order.
    virtual FetchResult fetch() noexcept = 0;

    /// An optional interface of capabilities.h (Authorization, ConsentInfo, CallLimit, ...) by
    /// its kName and kVersion, or nullptr when this plugin does not offer it. The object is
    /// owned by the source and lives as long as it. Use capabilityOf<T>() below.
    virtual void* capability(const std::string& name, std::uint32_t version) noexcept
    {
        (void)name;
        (void)version;
        return nullptr;
    }
};

/// The source's T (an interface of capabilities.h), or nullptr.
template <class T> T* capabilityOf(BankSource& source) noexcept
{
    return static_cast<T*>(source.capability(T::kName, T::kVersion));
}

}  // namespace bank2mqtt
