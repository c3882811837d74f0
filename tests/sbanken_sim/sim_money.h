// SPDX-License-Identifier: MIT
// Money for the simulator: int64 minor units (øre), parsed from and written as exact decimals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bank2mqtt::sim {

/// Amount in minor units of NOK (1 krone = 100 øre). Never a double.
using MinorUnits = std::int64_t;

/// "437.25" -> 43725, "-1520.4" -> -152040, "12500" -> 1250000, "+0.30" -> 30.
/// At most two decimals; no exponent, no thousands separator, no spaces.
/// Returns nullopt for anything else, including values that would overflow.
std::optional<MinorUnits> parseMinorUnits(const std::string& text);

/// 43725 -> "437.25", 1250000 -> "12500.00", -152040 -> "-1520.40", 30 -> "0.30".
/// The text is also a valid JSON number literal, which is how the API writes amounts.
std::string formatMinorUnits(MinorUnits amount);

}  // namespace bank2mqtt::sim
