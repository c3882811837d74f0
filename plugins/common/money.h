// SPDX-License-Identifier: MIT
// Exact money text: ISO 4217 minor units, decimal formatting, and parsing without binary doubles.
#pragma once

#include "bank2mqtt/fetch_result.h"

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bank2mqtt {

/// Largest `decimals` the functions below accept (10^18 still fits an int64).
inline constexpr int kMaxDecimals = 18;

/// ISO 4217 minor units of a currency code (case-insensitive): 0 for JPY, KRW, ISK, CLP, VND and
/// the other zero-decimal currencies, 3 for BHD, IQD, JOD, KWD, LYD, OMR, TND, 4 for CLF and
/// UYW, and 2 for everything else (including codes this table does not know).
int currencyDecimals(std::string_view isoCode) noexcept;

/// Writes `minor` units as an exact decimal: '.' separator, '-' for negatives, exactly
/// `decimals` digits after the point and none when `decimals` is 0. Every int64 works,
/// INT64_MIN included. `decimals` is clamped to 0..kMaxDecimals.
/// Examples: (43725, 2) -> "437.25", (-5, 2) -> "-0.05", (7, 0) -> "7", (1500, 3) -> "1.500".
std::string formatMinorUnits(std::int64_t minor, int decimals);

/// The digits after the decimal point in `money.minor`: Money::decimals when the plugin set it,
/// else the currency's ISO 4217 minor units (currencyDecimals).
int moneyDecimals(const Money& money) noexcept;

/// formatMinorUnits with the amount's own number of decimals (moneyDecimals).
std::string formatMoney(const Money& money);

/// Parses a decimal number into minor units, exactly. The grammar is the JSON number grammar,
/// with leading zeros tolerated:
///   -?digits(.digits)?([eE][+-]?digits)?
/// so "437.25", "-0.05", "12500", "1.5e3", "4.35E+0" and "007" are accepted, while "", "-",
/// "+1", ".5", "1.", "1e", " 1", "1,5", "0x10", "NaN" and "inf" are refused (".5" and "1." are
/// not JSON numbers and are more likely typos than amounts). Fractional digits beyond `decimals`
/// are accepted only when they are zeros ("437.250" at 2 decimals is 43725; "437.251" is
/// refused, never rounded). Returns nullopt for values outside int64 and for `decimals` outside
/// 0..kMaxDecimals.
std::optional<std::int64_t> parseDecimalToMinor(std::string_view text, int decimals);

/// Minor units from a value Poco's JSON parser produced:
/// - integers (Int64, UInt64 and smaller) are scaled exactly, nullopt on overflow;
/// - a double is first written back as its SHORTEST round-trip decimal text (std::to_chars), then
///   parsed with parseDecimalToMinor. A JSON literal with up to 15 significant digits comes back
///   as that literal, so 4.35 becomes 435 (not the 434 that 4.35 * 100 truncates to), and a value
///   that is not a short decimal (0.1 + 0.2 = 0.30000000000000004) is refused at 2 decimals
///   instead of being rounded into a wrong balance. NaN and infinities are refused;
/// - a string is parsed with parseDecimalToMinor (some banks send amounts as strings);
/// - anything else (empty/null, bool, object, array) gives nullopt.
std::optional<std::int64_t> jsonNumberToMinor(const Poco::Dynamic::Var& value, int decimals);

}  // namespace bank2mqtt
