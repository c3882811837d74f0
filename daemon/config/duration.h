// SPDX-License-Identifier: MIT
// Durations as users write them in the configuration: "45s", "15m", "1h30m", or bare seconds.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace bank2mqtt {

/// Parses a positive duration: one or more `<digits><unit>` groups with the units s, m and h
/// (each at most once, largest first: "1h30m", "2m5s"), or a bare integer meaning seconds
/// ("90"). Surrounding whitespace is ignored.
///
/// Throws std::invalid_argument whose what() is a short clause saying what is wrong, meant to
/// be embedded in a sentence, e.g. `has an unknown unit "x"`, `is zero`. Rejects: empty text,
/// zero, negative numbers, fractions, unknown or repeated units, missing numbers and totals over
/// 68 years (the range of a signed 32-bit number of seconds).
std::chrono::seconds parseDuration(std::string_view text);

/// The shortest form parseDuration() reads back: "45s", "15m", "1h30m", "2h0m5s" -> "2h5s".
/// Zero is "0s"; a negative value gets a leading '-'.
std::string formatDuration(std::chrono::seconds duration);

}  // namespace bank2mqtt
