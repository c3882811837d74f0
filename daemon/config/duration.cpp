// SPDX-License-Identifier: MIT
// Parses and formats the durations of the configuration file (interval, max_age, keepalive).
#include "duration.h"

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace bank2mqtt {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The run of letters starting at `from`: a unit as the user wrote it, e.g. "min".
std::string letters(std::string_view text, std::size_t from)
{
    std::size_t end = from;
    while (end < text.size() && isLetter(text[end]))
        ++end;
    return std::string(text.substr(from, end - from));
}

// Seconds per unit, or 0 for an unknown unit.
std::int64_t unitSeconds(char unit)
{
    switch (unit) {
    case 'h':
        return 3600;
    case 'm':
        return 60;
    case 's':
        return 1;
    default:
        return 0;
    }
}

[[noreturn]] void reject(const std::string& reason)
{
    throw std::invalid_argument(reason);
}

}  // namespace

std::chrono::seconds parseDuration(std::string_view text)
{
    // Beyond this, timers and time_t arithmetic elsewhere would overflow; nobody means it.
    constexpr std::int64_t maxSeconds = std::numeric_limits<std::int32_t>::max();

    text = trimmed(text);
    if (text.empty())
        reject("is empty");
    if (text.front() == '-')
        reject("is negative");
    if (text.front() == '+')
        reject("has a sign; durations are written without one");

    std::int64_t total = 0;
    std::int64_t lastUnit = 0;  // 0 until the first unit has been read
    std::size_t i = 0;
    while (i < text.size()) {
        if (!isDigit(text[i])) {
            if (isSpace(text[i]))
                reject("has a space in it");
            if (isLetter(text[i]))
                reject("has no number before \"" + letters(text, i) + "\"");
            reject(std::string("has an unexpected character \"") + text[i] + "\"");
        }
        std::int64_t number = 0;
        while (i < text.size() && isDigit(text[i])) {
            number = number * 10 + (text[i] - '0');
            if (number > maxSeconds)
                reject("is too large");
            ++i;
        }
        if (i == text.size()) {
            // A bare number is seconds, but only on its own: "1h30" is ambiguous.
            if (lastUnit != 0)
                reject("ends in a number without a unit");
            total = number;
            break;
        }
        if (text[i] == '.' || text[i] == ',')
            reject("has a fraction; combine whole units instead, e.g. 1h30m");
        if (isSpace(text[i]))
            reject("has a space in it");
        if (!isLetter(text[i]))
            reject(std::string("has an unexpected character \"") + text[i] + "\"");
        const std::string unitText = letters(text, i);
        const std::int64_t unit = unitText.size() == 1 ? unitSeconds(unitText[0]) : 0;
        if (unit == 0)
            reject("has an unknown unit \"" + unitText + "\"");
        if (unit == lastUnit)
            reject("repeats the unit \"" + unitText + "\"");
        if (lastUnit != 0 && unit > lastUnit)
            reject("has its units out of order; write the largest first, e.g. 1h30m");
        lastUnit = unit;
        i += unitText.size();
        if (number > maxSeconds / unit)
            reject("is too large");
        total += number * unit;
        if (total > maxSeconds)
            reject("is too large");
    }
    if (total == 0)
        reject("is zero");
    return std::chrono::seconds(total);
}

std::string formatDuration(std::chrono::seconds duration)
{
    const std::int64_t count = duration.count();
    if (count == 0)
        return "0s";
    std::string out = count < 0 ? "-" : "";
    // Unsigned negation is defined even for the most negative value.
    const std::uint64_t total =
        count < 0 ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
    const std::uint64_t hours = total / 3600;
    const std::uint64_t minutes = total % 3600 / 60;
    const std::uint64_t seconds = total % 60;
    if (hours != 0)
        out += std::to_string(hours) + "h";
    if (minutes != 0)
        out += std::to_string(minutes) + "m";
    if (seconds != 0)
        out += std::to_string(seconds) + "s";
    return out;
}

}  // namespace bank2mqtt
