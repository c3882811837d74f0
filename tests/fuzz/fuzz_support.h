// SPDX-License-Identifier: MIT
// Shared by the fuzz targets: invariant checks that crash loudly, and recorded HTTP replies.
#pragma once

#include "bank2mqtt/services.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace bank2mqtt::fuzz {

/// Aborts with `what` (and the offending text) when `condition` is false, so that libFuzzer
/// records the input as a crash and the replay test fails.
inline void check(bool condition, const char* what, std::string_view detail = {})
{
    if (condition)
        return;
    // Through std::string: gcc's -Wformat-overflow cannot see that an empty view's data() is
    // never printed with "%.*s".
    const std::string text(detail);
    std::fprintf(stderr, "INVARIANT VIOLATED: %s\n  detail: %s\n", what, text.c_str());
    std::abort();
}

inline std::string_view asText(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

/// Length of the longest run of ASCII digits in `text`.
inline std::size_t longestDigitRun(std::string_view text)
{
    std::size_t longest = 0;
    std::size_t run = 0;
    for (char c : text) {
        run = c >= '0' && c <= '9' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    return longest;
}

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool isValidUtf8(std::string_view text);
/// Number of UTF-8 code points in valid `text`.
std::size_t codePoints(std::string_view text);

/// An HTTP reply from fuzz input. Input starting with "HTTP/" or "TRANSPORT " is read in the
/// recorded format of tests/plugins/sbanken/cases/*/response.http (status line, headers, a blank
/// line, the body; or "TRANSPORT <kind> <text>"); anything else is the body of a 200 reply with
/// Content-Type application/json. So recorded replies can be copied into a corpus unchanged.
HttpResponse responseFromInput(std::string_view input);

}  // namespace bank2mqtt::fuzz
