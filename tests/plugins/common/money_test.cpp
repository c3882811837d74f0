// SPDX-License-Identifier: MIT
// Tests of exact money formatting and parsing, including doubles from Poco's JSON parser.
#include "money.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <limits>

namespace bank2mqtt {
namespace {

constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
constexpr auto kMax = std::numeric_limits<std::int64_t>::max();

// The value Poco's parser makes of `literal` inside a JSON document, as the plugins see it.
Poco::Dynamic::Var parsedNumber(const std::string& literal)
{
    Poco::JSON::Parser parser;
    const auto object = parser.parse("{\"v\":" + literal + "}").extract<Poco::JSON::Object::Ptr>();
    return object->get("v");
}

TEST(CurrencyDecimals, KnowsZeroTwoThreeAndFourDecimalCurrencies)
{
    EXPECT_EQ(currencyDecimals("NOK"), 2);
    EXPECT_EQ(currencyDecimals("EUR"), 2);
    EXPECT_EQ(currencyDecimals("JPY"), 0);
    EXPECT_EQ(currencyDecimals("KRW"), 0);
    EXPECT_EQ(currencyDecimals("ISK"), 0);
    EXPECT_EQ(currencyDecimals("CLP"), 0);
    EXPECT_EQ(currencyDecimals("VND"), 0);
    EXPECT_EQ(currencyDecimals("BHD"), 3);
    EXPECT_EQ(currencyDecimals("KWD"), 3);
    EXPECT_EQ(currencyDecimals("OMR"), 3);
    EXPECT_EQ(currencyDecimals("JOD"), 3);
    EXPECT_EQ(currencyDecimals("TND"), 3);
    EXPECT_EQ(currencyDecimals("CLF"), 4);
    EXPECT_EQ(currencyDecimals("jpy"), 0);
    EXPECT_EQ(currencyDecimals("XYZ"), 2);
    EXPECT_EQ(currencyDecimals(""), 2);
}

TEST(FormatMinorUnits, WritesExactDecimals)
{
    EXPECT_EQ(formatMinorUnits(43725, 2), "437.25");
    EXPECT_EQ(formatMinorUnits(1250000, 2), "12500.00");
    EXPECT_EQ(formatMinorUnits(-152040, 2), "-1520.40");
    EXPECT_EQ(formatMinorUnits(-5, 2), "-0.05");
    EXPECT_EQ(formatMinorUnits(5, 2), "0.05");
    EXPECT_EQ(formatMinorUnits(0, 2), "0.00");
    EXPECT_EQ(formatMinorUnits(7, 0), "7");
    EXPECT_EQ(formatMinorUnits(-7, 0), "-7");
    EXPECT_EQ(formatMinorUnits(1500, 3), "1.500");
    EXPECT_EQ(formatMinorUnits(-1, 4), "-0.0001");
}

TEST(FormatMinorUnits, HandlesInt64Limits)
{
    EXPECT_EQ(formatMinorUnits(kMin, 2), "-92233720368547758.08");
    EXPECT_EQ(formatMinorUnits(kMax, 2), "92233720368547758.07");
    EXPECT_EQ(formatMinorUnits(kMin, 0), "-9223372036854775808");
}

TEST(FormatMoney, UsesTheCurrencysDecimals)
{
    EXPECT_EQ(formatMoney({43725, "NOK"}), "437.25");
    EXPECT_EQ(formatMoney({1520, "JPY"}), "1520");
    EXPECT_EQ(formatMoney({1500, "KWD"}), "1.500");
}

TEST(ParseDecimalToMinor, AcceptsJsonNumberSyntax)
{
    EXPECT_EQ(parseDecimalToMinor("437.25", 2), 43725);
    EXPECT_EQ(parseDecimalToMinor("-1520.4", 2), -152040);
    EXPECT_EQ(parseDecimalToMinor("12500", 2), 1250000);
    EXPECT_EQ(parseDecimalToMinor("-0.05", 2), -5);
    EXPECT_EQ(parseDecimalToMinor("-0", 2), 0);
    EXPECT_EQ(parseDecimalToMinor("437.250000", 2), 43725);
    EXPECT_EQ(parseDecimalToMinor("1.5e3", 2), 150000);
    EXPECT_EQ(parseDecimalToMinor("4.35E+0", 2), 435);
    EXPECT_EQ(parseDecimalToMinor("12345e-2", 2), 12345);
    EXPECT_EQ(parseDecimalToMinor("1e-2", 2), 1);
    EXPECT_EQ(parseDecimalToMinor("0e99999999999", 2), 0);
    EXPECT_EQ(parseDecimalToMinor("007", 2), 700);
}

TEST(ParseDecimalToMinor, UsesZeroAndThreeDecimalCurrencies)
{
    EXPECT_EQ(parseDecimalToMinor("1520", 0), 1520);
    EXPECT_EQ(parseDecimalToMinor("1520.0", 0), 1520);
    EXPECT_EQ(parseDecimalToMinor("1520.5", 0), std::nullopt);
    EXPECT_EQ(parseDecimalToMinor("1.5", 3), 1500);
    EXPECT_EQ(parseDecimalToMinor("-0.001", 3), -1);
    EXPECT_EQ(parseDecimalToMinor("0.0001", 3), std::nullopt);
}

TEST(ParseDecimalToMinor, RejectsWhatIsNotAnExactAmount)
{
    for (const char* text : {"", "-", "+1", ".5", "1.", "1e", "1e+", " 1", "1 ", "1,5", "0x10",
                             "NaN", "inf", "--1", "1.2.3", "12a", "437.251", "1e-3", "1e99999"})
        EXPECT_EQ(parseDecimalToMinor(text, 2), std::nullopt) << text;
    EXPECT_EQ(parseDecimalToMinor("1", -1), std::nullopt);
    EXPECT_EQ(parseDecimalToMinor("1", kMaxDecimals + 1), std::nullopt);
}

TEST(ParseDecimalToMinor, HandlesInt64LimitsAndOverflow)
{
    EXPECT_EQ(parseDecimalToMinor("-92233720368547758.08", 2), kMin);
    EXPECT_EQ(parseDecimalToMinor("92233720368547758.07", 2), kMax);
    EXPECT_EQ(parseDecimalToMinor("92233720368547758.08", 2), std::nullopt);
    EXPECT_EQ(parseDecimalToMinor("-92233720368547758.09", 2), std::nullopt);
    EXPECT_EQ(parseDecimalToMinor("-9223372036854775808", 0), kMin);
    EXPECT_EQ(parseDecimalToMinor("18446744073709551616", 0), std::nullopt);
    EXPECT_EQ(parseDecimalToMinor("99999999999999999999999", 0), std::nullopt);
}

TEST(JsonNumberToMinor, TurnsParsedDoublesIntoExactMinorUnits)
{
    // Each of these goes wrong when multiplied by 100 and truncated (4.35 * 100 = 434.99...).
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("4.35"), 2), 435);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("1.15"), 2), 115);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("0.29"), 2), 29);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("437.25"), 2), 43725);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("8479.60"), 2), 847960);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("-1520.40"), 2), -152040);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("12500.00"), 2), 1250000);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("1e2"), 2), 10000);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("0.3"), 2), 30);
}

TEST(JsonNumberToMinor, RefusesArithmeticArtefactsInsteadOfRounding)
{
    const double artefact = 0.1 + 0.2;  // 0.30000000000000004
    EXPECT_EQ(jsonNumberToMinor(Poco::Dynamic::Var(artefact), 2), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(Poco::Dynamic::Var(artefact), 17), 30000000000000004);
    EXPECT_EQ(jsonNumberToMinor(Poco::Dynamic::Var(std::numeric_limits<double>::quiet_NaN()), 2),
              std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(Poco::Dynamic::Var(std::numeric_limits<double>::infinity()), 2),
              std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(Poco::Dynamic::Var(1e300), 2), std::nullopt);
}

TEST(JsonNumberToMinor, ScalesIntegersExactly)
{
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("12500"), 2), 1250000);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("-7"), 0), -7);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("-9223372036854775808"), 0), kMin);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("-9223372036854775808"), 2), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("18446744073709551615"), 0), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(Poco::Dynamic::Var(42), 2), 4200);
    EXPECT_EQ(jsonNumberToMinor(Poco::Dynamic::Var(Poco::UInt64(42)), 3), 42000);
}

TEST(JsonNumberToMinor, AcceptsDecimalStringsAndRefusesOtherTypes)
{
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("\"437.25\""), 2), 43725);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("\"4.351\""), 2), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("\"\""), 2), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("null"), 2), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("true"), 2), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("{\"amount\":1}"), 2), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(parsedNumber("[1]"), 2), std::nullopt);
    EXPECT_EQ(jsonNumberToMinor(Poco::Dynamic::Var(), 2), std::nullopt);
}

}  // namespace
}  // namespace bank2mqtt
