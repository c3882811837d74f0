// SPDX-License-Identifier: MIT
// Fuzz target: parseDuration (daemon/config/duration.h), the text of interval, timeout, ...
//
// Invariants: only std::invalid_argument escapes, with a non-empty clause; an accepted duration
// is positive and at most 68 years; formatDuration() of it parses back to the same value; and
// an input of only digits is that many seconds.
#include "duration.h"
#include "fuzz_support.h"

#include <algorithm>
#include <stdexcept>

using namespace bank2mqtt;
using bank2mqtt::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text = fuzz::asText(data, size);
    std::chrono::seconds parsed{};
    try {
        parsed = parseDuration(text);
    } catch (const std::invalid_argument& e) {
        check(*e.what() != '\0', "parseDuration threw an empty message");
        check(std::string_view(e.what()).find('\n') == std::string_view::npos,
              "parseDuration's message has a newline", e.what());
        return 0;
    }
    check(parsed.count() > 0, "parseDuration accepted a duration that is not positive", text);
    check(parsed.count() <= 2147483647LL, "parseDuration accepted more than 68 years", text);
    const std::string formatted = formatDuration(parsed);
    try {
        check(parseDuration(formatted) == parsed, "formatDuration does not read back", formatted);
    } catch (const std::invalid_argument&) {
        check(false, "parseDuration refuses formatDuration's output", formatted);
    }
    if (!text.empty() &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        text.size() < 10) {
        check(parsed.count() == std::stoll(std::string(text)), "bare seconds misread", text);
    }
    return 0;
}
