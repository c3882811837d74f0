// SPDX-License-Identifier: MIT
// Fuzz target: exact money parsing (plugins/common/money.h) of amounts from bank replies.
//
// Input: the first byte picks `decimals` (its value mod 21, so 19 and 20 are out of range); the
// rest is the amount text, tried directly and as a JSON value. Invariants: nothing throws; an
// accepted amount written with formatMinorUnits reads back to the same minor units; a canonical
// text ("437.25" at 2 decimals) is written back exactly; "-x" is the negation of "x"; one more
// decimal is ten times the minor units; a JSON string gives what parseDecimalToMinor gives; a
// JSON number with up to 15 significant digits gives what its literal text gives.
#include "fuzz_support.h"
#include "money.h"

#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <limits>
#include <optional>

using namespace bank2mqtt;
using bank2mqtt::fuzz::check;

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// The text is "-?D+(.D+)?" without a redundant leading zero, and has exactly `decimals`
// fraction digits (no point at all when decimals is 0): formatMinorUnits must write it back.
bool isCanonical(std::string_view text, int decimals)
{
    std::size_t pos = text.rfind('-', 0) == 0 ? 1 : 0;
    const std::size_t start = pos;
    while (pos < text.size() && isDigit(text[pos]))
        ++pos;
    const std::size_t integerDigits = pos - start;
    if (integerDigits == 0 || (integerDigits > 1 && text[start] == '0'))
        return false;
    if (pos == text.size())
        return decimals == 0 && text != "-0";
    if (text[pos] != '.' || decimals == 0)
        return false;
    const std::size_t fraction = text.size() - pos - 1;
    for (std::size_t i = pos + 1; i < text.size(); ++i) {
        if (!isDigit(text[i]))
            return false;
    }
    return fraction == static_cast<std::size_t>(decimals) &&
           text.find_first_not_of("-0.") != std::string_view::npos;
}

// Significant digits of a JSON number literal and whether its exponent is small; nullopt when
// the text is not "-?D+(.D+)?([eE][+-]?D+)?".
std::optional<std::size_t> significantDigits(std::string_view text, bool& smallExponent)
{
    std::size_t pos = text.rfind('-', 0) == 0 ? 1 : 0;
    std::string digits;
    while (pos < text.size() && isDigit(text[pos]))
        digits += text[pos++];
    if (digits.empty())
        return std::nullopt;
    if (pos < text.size() && text[pos] == '.') {
        const std::size_t before = digits.size();
        for (++pos; pos < text.size() && isDigit(text[pos]); ++pos)
            digits += text[pos];
        if (digits.size() == before)
            return std::nullopt;
    }
    smallExponent = true;
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
            ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && isDigit(text[pos]))
            ++pos;
        if (pos == start)
            return std::nullopt;
        smallExponent = pos - start <= 1;
    }
    if (pos != text.size())
        return std::nullopt;
    const auto first = digits.find_first_not_of('0');
    return first == std::string::npos ? 0 : digits.size() - first;
}

void checkRoundTrip(std::int64_t minor, int decimals, std::string_view from)
{
    const std::string written = formatMinorUnits(minor, decimals);
    check(parseDecimalToMinor(written, decimals) == minor, "formatMinorUnits does not read back",
          std::string(from) + " -> " + written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const int decimals = data[0] % 21;
    const std::string_view text = fuzz::asText(data + 1, size - 1);

    const std::optional<std::int64_t> minor = parseDecimalToMinor(text, decimals);
    if (decimals > kMaxDecimals)
        check(!minor, "parseDecimalToMinor accepted decimals out of range");
    if (minor) {
        checkRoundTrip(*minor, decimals, text);
        if (isCanonical(text, decimals))
            check(formatMinorUnits(*minor, decimals) == text, "canonical text not written back",
                  text);
        if (text.rfind('-', 0) != 0 && *minor != 0)
            check(parseDecimalToMinor("-" + std::string(text), decimals) == -*minor,
                  "negative amount is not the negation", text);
        if (decimals < kMaxDecimals && *minor < std::numeric_limits<std::int64_t>::max() / 10 &&
            *minor > std::numeric_limits<std::int64_t>::min() / 10)
            check(parseDecimalToMinor(text, decimals + 1) == *minor * 10,
                  "one more decimal is not ten times the minor units", text);
    }

    Poco::Dynamic::Var value;
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var parsed = parser.parse("{\"v\":" + std::string(text) + "}");
        value = parsed.extract<Poco::JSON::Object::Ptr>()->get("v");
    } catch (const std::exception&) {
        return 0;  // not a JSON value; the JSON parser is not what this target tests
    }
    const std::optional<std::int64_t> fromJson = jsonNumberToMinor(value, decimals);
    if (fromJson)
        checkRoundTrip(*fromJson, decimals, text);
    if (value.type() == typeid(std::string))
        check(fromJson == parseDecimalToMinor(value.extract<std::string>(), decimals),
              "a JSON string amount differs from its text", text);
    bool smallExponent = false;
    const auto digits = significantDigits(text, smallExponent);
    if (digits && *digits <= 15 && smallExponent && minor)
        check(fromJson == minor, "a short JSON number differs from its literal", text);
    return 0;
}
