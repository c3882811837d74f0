// SPDX-License-Identifier: MIT
// Files named by the configuration: where relative paths point, readability, secret files.
#pragma once

#include "config_text.h"

#include <string>
#include <vector>

namespace bank2mqtt::detail {

/// What the checks need to know about the configuration file itself.
struct ConfigFileFacts {
    std::string file;  ///< as given, for messages
    std::string dir;   ///< absolute directory of the file, for relative paths
    int mode = -1;     ///< permission bits (st_mode & 07777), -1 when unknown
    /// false: the broker's secrets (password_file, key_file of [mqtt]) are not read, for modes
    /// that never connect to the broker (see loadConfig()).
    bool brokerSecrets = true;
};

/// Facts about `file`; `directory` (absolute) replaces the computed directory when not empty.
ConfigFileFacts configFileFacts(const std::string& file, const std::string& directory = {});

/// "0644"
std::string octalMode(int mode);

/// The absolute path of an ordinary file key (ca_file, cert_file): relative to `facts.dir`.
/// Throws a ConfigError naming the key when the file does not exist, is not a regular file or
/// cannot be read.
std::string checkReadableFile(const SectionScope& scope, const IniEntry& entry,
                              const ConfigFileFacts& facts);

/// The absolute path of a secret file key (password_file, key_file, *_file of a plugin):
/// relative to $CREDENTIALS_DIRECTORY when set, else to `facts.dir`. Checks it like
/// checkReadableFile() and appends a warning when anyone but its owner and this process's user
/// may use it, judged by its POSIX ACL when it has one, else by its mode (mode & 077). Files
/// in $CREDENTIALS_DIRECTORY are trusted: only systemd writes there.
std::string checkSecretFile(const SectionScope& scope, const IniEntry& entry,
                            const ConfigFileFacts& facts, std::vector<std::string>& warnings);

/// checkSecretFile(), then the content without surrounding whitespace. Throws when the file is
/// not a regular file (a FIFO or a device would block or never end), is empty, or is larger
/// than 64 KiB, far more than a secret. The content never appears in a message.
std::string readSecretFile(const SectionScope& scope, const IniEntry& entry,
                           const ConfigFileFacts& facts, std::vector<std::string>& warnings);

/// For an inline secret `entry` (whose file form is `fileKey`): appends a warning when the
/// configuration file can be read by group or others, since the secret is then exposed.
void warnInlineSecret(const SectionScope& scope, const IniEntry& entry, const std::string& fileKey,
                      const ConfigFileFacts& facts, std::vector<std::string>& warnings);

}  // namespace bank2mqtt::detail
