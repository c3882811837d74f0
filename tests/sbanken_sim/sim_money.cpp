// SPDX-License-Identifier: MIT
// Exact decimal <-> minor-unit conversion for the simulator's amounts.
#include "sim_money.h"

#include <limits>

namespace bank2mqtt::sim {

std::optional<MinorUnits> parseMinorUnits(const std::string& text)
{
    std::size_t pos = 0;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
        negative = text[pos] == '-';
        ++pos;
    }
    // Accumulate as a negative number so that the most negative value still fits.
    constexpr MinorUnits kMin = std::numeric_limits<MinorUnits>::min();
    MinorUnits value = 0;
    int integerDigits = 0;
    int decimals = -1;  // -1: no '.' seen yet
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (c == '.') {
            if (decimals >= 0) {
                return std::nullopt;
            }
            decimals = 0;
            continue;
        }
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        if (decimals >= 0 && ++decimals > 2) {
            return std::nullopt;
        }
        if (decimals < 0) {
            ++integerDigits;
        }
        const int digit = c - '0';
        if (value < (kMin + digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 - digit;
    }
    if (integerDigits == 0 || decimals == 0) {
        return std::nullopt;  // ".5", "5." and "" are not amounts
    }
    for (int scale = decimals < 0 ? 0 : decimals; scale < 2; ++scale) {
        if (value < kMin / 10) {
            return std::nullopt;
        }
        value *= 10;
    }
    if (!negative) {
        if (value == kMin) {
            return std::nullopt;
        }
        value = -value;
    }
    return value;
}

std::string formatMinorUnits(MinorUnits amount)
{
    // Work on the unsigned magnitude: -INT64_MIN does not fit in int64.
    const bool negative = amount < 0;
    const std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
    const std::uint64_t cents = magnitude % 100;
    std::string text = negative ? "-" : "";
    text += std::to_string(magnitude / 100);
    text += '.';
    text += static_cast<char>('0' + cents / 10);
    text += static_cast<char>('0' + cents % 10);
    return text;
}

}  // namespace bank2mqtt::sim
