// SPDX-License-Identifier: MIT
// Shared wording of configuration messages: where, quoted values, "did you mean" suggestions.
#pragma once

#include "ini_reader.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::detail {

/// Without surrounding spaces, tabs, CR and LF.
std::string trim(std::string_view text);
/// ASCII lower case.
std::string toLower(std::string_view text);
/// `"value"` for a message: control characters escaped, long values cut with "...".
/// Never pass a secret.
std::string quote(std::string_view value);
/// true/false, yes/no, on/off, 1/0 in any case; nullopt for anything else.
std::optional<bool> parseBool(std::string_view text);
/// "a, b or c".
std::string listWords(const std::vector<std::string>& words);

/// The candidate closest to `word` (Levenshtein distance <= 2, or one is a prefix of the other
/// and the shorter has at least 3 characters), ignoring case; empty when none is close.
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);
/// "; did you mean x?" or "".
std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates);

/// One section as the checks see it, with the wording of its messages.
/// Every message starts "file:line: [section] key".
class SectionScope {
public:
    SectionScope(std::string file, std::string section, int line, std::vector<IniEntry> entries);

    const std::string& file() const { return file_; }
    const std::string& name() const { return section_; }
    int line() const { return line_; }
    const std::vector<IniEntry>& entries() const { return entries_; }

    /// The entry for `key`, or nullptr when absent.
    const IniEntry* find(std::string_view key) const;
    /// The entry for `key` when present with a non-empty value, else nullptr.
    const IniEntry* findSet(std::string_view key) const;

    /// "file:12: [mqtt] uri"
    std::string at(const IniEntry& entry) const;
    /// "file:3: [mqtt]" (the header line)
    std::string atSection() const;

    /// Throws `at(entry) = "value" <problem>; <fix>`. Never use for secret values.
    [[noreturn]] void badValue(const IniEntry& entry, const std::string& problem,
                               const std::string& fix) const;
    /// Throws `at(entry) <message>`.
    [[noreturn]] void fail(const IniEntry& entry, const std::string& message) const;
    /// Throws for the first key not in `known`, with a suggestion.
    void rejectUnknownKeys(const std::vector<std::string>& known) const;

private:
    std::string file_;
    std::string section_;
    int line_;
    std::vector<IniEntry> entries_;
};

}  // namespace bank2mqtt::detail
