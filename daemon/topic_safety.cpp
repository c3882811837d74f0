// SPDX-License-Identifier: MIT
// isSafeTopicLevel() and friends: MQTT's topic rules (UTF-8, no wildcards when publishing).
#include "topic_safety.h"

namespace bank2mqtt {

namespace {

constexpr std::size_t kMaxTopicBytes = 65535;  // MQTT: a two-byte length prefix

// Length of the well-formed UTF-8 sequence at `i` (no overlong forms, surrogates or code
// points above U+10FFFF), or 0.
std::size_t utf8Length(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (i + len > s.size() || byte(i + 1) < lo || byte(i + 1) > hi)
        return 0;
    for (std::size_t k = 2; k < len; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF)
            return 0;
    }
    return len;
}

// Valid UTF-8 without control characters or wildcards, and '/' only where allowed.
bool safeCharacters(std::string_view text, bool slashAllowed)
{
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7F || c == '+' || c == '#' || (c == '/' && !slashAllowed))
            return false;
        const std::size_t len = utf8Length(text, i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

}  // namespace

bool isSafeTopicLevel(std::string_view level)
{
    return !level.empty() && level.size() <= kMaxTopicBytes && level.front() != '$' &&
           safeCharacters(level, false);
}

bool isSafeTopic(std::string_view topic)
{
    return !topic.empty() && topic.size() <= kMaxTopicBytes && topic.front() != '$' &&
           safeCharacters(topic, true);
}

bool isSafeTopicUnder(std::string_view topic, const std::vector<std::string>& prefixes)
{
    if (!isSafeTopic(topic))
        return false;
    for (const std::string& prefix : prefixes) {
        if (!prefix.empty() && topic.size() > prefix.size() + 1 &&
            topic.compare(0, prefix.size(), prefix) == 0 && topic[prefix.size()] == '/')
            return true;
    }
    return false;
}

}  // namespace bank2mqtt
