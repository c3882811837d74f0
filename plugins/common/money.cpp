// SPDX-License-Identifier: MIT
// Exact decimal formatting and parsing of money in integer minor units.
#include "money.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>
#include <typeinfo>

namespace bank2mqtt {
namespace {

constexpr std::array<std::string_view, 17> kZeroDecimals = {
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
    "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::array<std::string_view, 7> kThreeDecimals = {"BHD", "IQD", "JOD", "KWD",
                                                            "LYD", "OMR", "TND"};
constexpr std::array<std::string_view, 2> kFourDecimals = {"CLF", "UYW"};

// Magnitude of the most negative int64, the largest magnitude a negative amount can have.
constexpr std::uint64_t kMaxNegativeMagnitude =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;

// Exponents beyond this cannot produce a value that fits an int64; clamping keeps the
// arithmetic below free of overflow for texts such as "1e99999999999".
constexpr long kExponentClamp = 100000;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& table, std::string_view code)
{
    for (std::string_view entry : table) {
        if (entry == code)
            return true;
    }
    return false;
}

std::optional<std::int64_t> applySign(std::uint64_t magnitude, bool negative)
{
    if (negative) {
        if (magnitude > kMaxNegativeMagnitude)
            return std::nullopt;
        if (magnitude == 0)
            return 0;
        return -static_cast<std::int64_t>(magnitude - 1) - 1;
    }
    if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
    return static_cast<std::int64_t>(magnitude);
}

std::optional<std::uint64_t> powerOfTen(int decimals)
{
    if (decimals < 0 || decimals > kMaxDecimals)
        return std::nullopt;
    std::uint64_t p = 1;
    for (int i = 0; i < decimals; ++i)
        p *= 10;
    return p;
}

std::optional<std::int64_t> scaleInteger(std::int64_t value, int decimals)
{
    const auto factor = powerOfTen(decimals);
    if (!factor)
        return std::nullopt;
    std::int64_t result = 0;
    if (__builtin_mul_overflow(value, static_cast<std::int64_t>(*factor), &result))
        return std::nullopt;
    return result;
}

template <typename Float> std::optional<std::int64_t> floatToMinor(Float value, int decimals)
{
    if (!std::isfinite(value))
        return std::nullopt;
    std::array<char, 64> buffer{};
    // Scientific: the shortest digits that read back as `value`. Plain to_chars may choose fixed
    // notation, which writes a large integer-valued double's every digit (72467309551611.5e3
    // would become ...504, not ...500 as written in the reply; found by fuzzing).
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                            std::chars_format::scientific);
    if (error != std::errc())
        return std::nullopt;
    return parseDecimalToMinor(std::string_view(buffer.data(), end - buffer.data()), decimals);
}

}  // namespace

int currencyDecimals(std::string_view isoCode) noexcept
{
    std::array<char, 3> upper{};
    if (isoCode.size() != upper.size())
        return 2;
    for (std::size_t i = 0; i < upper.size(); ++i) {
        const char c = isoCode[i];
        upper[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    const std::string_view code(upper.data(), upper.size());
    if (contains(kZeroDecimals, code))
        return 0;
    if (contains(kThreeDecimals, code))
        return 3;
    if (contains(kFourDecimals, code))
        return 4;
    return 2;
}

std::string formatMinorUnits(std::int64_t minor, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > kMaxDecimals)
        decimals = kMaxDecimals;
    const bool negative = minor < 0;
    // Unsigned negation is defined for every value, INT64_MIN included.
    const std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
    std::string text = std::to_string(magnitude);
    const auto places = static_cast<std::size_t>(decimals);
    if (places > 0) {
        if (text.size() <= places)
            text.insert(0, places + 1 - text.size(), '0');
        text.insert(text.size() - places, 1, '.');
    }
    if (negative)
        text.insert(0, 1, '-');
    return text;
}

int moneyDecimals(const Money& money) noexcept
{
    return money.decimals >= 0 ? money.decimals : currencyDecimals(money.currency);
}

std::string formatMoney(const Money& money)
{
    return formatMinorUnits(money.minor, moneyDecimals(money));
}

std::optional<std::int64_t> parseDecimalToMinor(std::string_view text, int decimals)
{
    if (decimals < 0 || decimals > kMaxDecimals)
        return std::nullopt;
    std::size_t pos = 0;
    const bool negative = pos < text.size() && text[pos] == '-';
    if (negative)
        ++pos;

    // All significant digits, integer part then fraction; the point is tracked as a count.
    std::string digits;
    const std::size_t integerStart = pos;
    while (pos < text.size() && isDigit(text[pos]))
        digits += text[pos++];
    if (pos == integerStart)
        return std::nullopt;
    long fractionDigits = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && isDigit(text[pos])) {
            digits += text[pos++];
            ++fractionDigits;
        }
        if (fractionDigits == 0)
            return std::nullopt;
    }
    long exponent = 0;
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        bool exponentNegative = false;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
            exponentNegative = text[pos++] == '-';
        const std::size_t exponentStart = pos;
        while (pos < text.size() && isDigit(text[pos])) {
            if (exponent < kExponentClamp)
                exponent = exponent * 10 + (text[pos] - '0');
            ++pos;
        }
        if (pos == exponentStart)
            return std::nullopt;
        if (exponentNegative)
            exponent = -exponent;
    }
    if (pos != text.size())
        return std::nullopt;

    const std::size_t firstNonZero = digits.find_first_not_of('0');
    if (firstNonZero == std::string::npos)
        return 0;
    digits.erase(0, firstNonZero);

    // value = digits * 10^(exponent - fractionDigits); minor = value * 10^decimals.
    const long shift = decimals + exponent - fractionDigits;
    if (shift < 0) {
        const auto drop = static_cast<std::size_t>(-shift);
        if (drop >= digits.size())
            return std::nullopt;  // a non-zero digit would fall below one minor unit
        if (digits.find_first_not_of('0', digits.size() - drop) != std::string::npos)
            return std::nullopt;
        digits.resize(digits.size() - drop);
    } else {
        if (digits.size() + static_cast<std::size_t>(shift) > 20)
            return std::nullopt;
        digits.append(static_cast<std::size_t>(shift), '0');
    }

    std::uint64_t magnitude = 0;
    for (char c : digits) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return std::nullopt;
        magnitude = magnitude * 10 + digit;
    }
    return applySign(magnitude, negative);
}

std::optional<std::int64_t> jsonNumberToMinor(const Poco::Dynamic::Var& value, int decimals)
{
    try {
        if (value.isEmpty())
            return std::nullopt;
        const std::type_info& type = value.type();
        if (type == typeid(std::string))
            return parseDecimalToMinor(value.extract<std::string>(), decimals);
        if (type == typeid(double))
            return floatToMinor(value.extract<double>(), decimals);
        if (type == typeid(float))
            return floatToMinor(value.extract<float>(), decimals);
        if (type == typeid(bool) || type == typeid(char) || !value.isInteger())
            return std::nullopt;
        if (value.isSigned())
            return scaleInteger(value.convert<Poco::Int64>(), decimals);
        const auto unsignedValue = value.convert<Poco::UInt64>();
        if (unsignedValue > static_cast<Poco::UInt64>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return scaleInteger(static_cast<std::int64_t>(unsignedValue), decimals);
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

}  // namespace bank2mqtt
