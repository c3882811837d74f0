// SPDX-License-Identifier: MIT
// Shared wording of configuration messages: where, quoted values, "did you mean" suggestions.
#include "config_text.h"

#include "config.h"

#include <algorithm>
#include <cstdio>

namespace bank2mqtt::detail {

namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string trim(std::string_view text)
{
    while (!text.empty() && isBlank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isBlank(text.back()))
        text.remove_suffix(1);
    return std::string(text);
}

std::string toLower(std::string_view text)
{
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string quote(std::string_view value)
{
    constexpr std::size_t maxShown = 60;
    std::string out = "\"";
    for (std::size_t i = 0; i < value.size() && i < maxShown; ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (value.size() > maxShown)
        out += "...";
    return out + "\"";
}

std::optional<bool> parseBool(std::string_view text)
{
    const std::string word = toLower(text);
    if (word == "true" || word == "yes" || word == "on" || word == "1")
        return true;
    if (word == "false" || word == "no" || word == "off" || word == "0")
        return false;
    return std::nullopt;
}

std::string listWords(const std::vector<std::string>& words)
{
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            out += i + 1 == words.size() ? " or " : ", ";
        out += words[i];
    }
    return out;
}

std::string suggest(std::string_view word, const std::vector<std::string>& candidates)
{
    const std::string typed = toLower(word);
    std::string best;
    std::size_t bestDistance = 3;
    for (const std::string& candidate : candidates) {
        const std::string known = toLower(candidate);
        std::size_t distance = editDistance(typed, known);
        const std::size_t shorter = std::min(typed.size(), known.size());
        const bool prefix =
            shorter >= 3 && (known.rfind(typed, 0) == 0 || typed.rfind(known, 0) == 0);
        // A prefix match ranks just behind a close spelling.
        if (prefix && distance > 2)
            distance = 2;
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return best;
}

std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates)
{
    const std::string best = suggest(word, candidates);
    return best.empty() ? std::string() : "; did you mean " + best + "?";
}

SectionScope::SectionScope(std::string file, std::string section, int line,
                           std::vector<IniEntry> entries)
    : file_(std::move(file)), section_(std::move(section)), line_(line),
      entries_(std::move(entries))
{
}

const IniEntry* SectionScope::find(std::string_view key) const
{
    for (const IniEntry& entry : entries_) {
        if (entry.key == key)
            return &entry;
    }
    return nullptr;
}

const IniEntry* SectionScope::findSet(std::string_view key) const
{
    const IniEntry* entry = find(key);
    return entry != nullptr && !entry->value.empty() ? entry : nullptr;
}

std::string SectionScope::at(const IniEntry& entry) const
{
    return file_ + (entry.line > 0 ? ":" + std::to_string(entry.line) : std::string()) + ": [" +
           section_ + "] " + entry.key;
}

std::string SectionScope::atSection() const
{
    return file_ + (line_ > 0 ? ":" + std::to_string(line_) : std::string()) + ": [" + section_ +
           "]";
}

void SectionScope::badValue(const IniEntry& entry, const std::string& problem,
                            const std::string& fix) const
{
    throw ConfigError(at(entry) + " = " + quote(entry.value) + " " + problem + "; " + fix);
}

void SectionScope::fail(const IniEntry& entry, const std::string& message) const
{
    throw ConfigError(at(entry) + " " + message);
}

void SectionScope::rejectUnknownKeys(const std::vector<std::string>& known) const
{
    for (const IniEntry& entry : entries_) {
        if (std::find(known.begin(), known.end(), entry.key) != known.end())
            continue;
        const std::string hint = suggest(entry.key, known);
        fail(entry, "is not a known key" + (hint.empty() ? "; use one of " + listWords(known)
                                                         : "; did you mean " + hint + "?"));
    }
}

}  // namespace bank2mqtt::detail
