// SPDX-License-Identifier: MIT
// Strict INI reading: a pre-pass that keeps line numbers and refuses what Poco would swallow.
#pragma once

#include <string>
#include <vector>

namespace bank2mqtt::detail {

/// One `key = value` line. The key is lower case; the value trimmed, inline comment removed.
struct IniEntry {
    std::string key;
    std::string value;
    int line = 0;
};

/// One `[name]` section and its entries in file order (no duplicate keys).
struct IniSection {
    std::string name;  ///< as written between the brackets, trimmed
    int line = 0;
    std::vector<IniEntry> entries;
};

struct IniDocument {
    std::vector<IniSection> sections;  ///< in file order, at least one, no duplicates
};

/// Largest configuration file accepted, in bytes.
constexpr std::size_t maxIniFileSize = 1024 * 1024;

/// Reads the file at `path` (see parseIni). Throws ConfigError naming the file when it cannot
/// be read, is a directory or another non-regular file (FIFO, device), or is larger than
/// maxIniFileSize. Never blocks on a FIFO.
IniDocument readIni(const std::string& path);

/// Checks `text` line by line (binary content, invalid UTF-8, lines that are no comment,
/// header or key = value, duplicate sections and keys, keys outside a section, no section at
/// all), strips comments, then loads the cleaned text with Poco::Util::IniFileConfiguration and
/// takes the values from it. `path` is only used in messages. Throws ConfigError.
IniDocument parseIni(const std::string& path, const std::string& text);

}  // namespace bank2mqtt::detail
