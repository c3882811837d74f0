// SPDX-License-Identifier: MIT
// parseDuration and formatDuration: every accepted form and every rejection with its reason.
#include "duration.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace bank2mqtt {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// The reason parseDuration gives, or "" when it accepts the text.
std::string reasonFor(const std::string& text)
{
    try {
        parseDuration(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(Duration, ParsesSeconds)
{
    EXPECT_EQ(parseDuration("30s"), seconds(30));
}

TEST(Duration, ParsesMinutes)
{
    EXPECT_EQ(parseDuration("15m"), minutes(15));
}

TEST(Duration, ParsesHours)
{
    EXPECT_EQ(parseDuration("1h"), hours(1));
}

TEST(Duration, ParsesCombinedUnits)
{
    EXPECT_EQ(parseDuration("1h30m"), minutes(90));
    EXPECT_EQ(parseDuration("2m5s"), seconds(125));
    EXPECT_EQ(parseDuration("1h0m5s"), seconds(3605));
    EXPECT_EQ(parseDuration("1h5s"), seconds(3605));
}

TEST(Duration, ParsesBareNumberAsSeconds)
{
    EXPECT_EQ(parseDuration("90"), seconds(90));
}

TEST(Duration, IgnoresSurroundingWhitespace)
{
    EXPECT_EQ(parseDuration("  15m\t"), minutes(15));
}

TEST(Duration, AcceptsLeadingZeros)
{
    EXPECT_EQ(parseDuration("05m"), minutes(5));
}

TEST(Duration, AcceptsTheLargestValue)
{
    EXPECT_EQ(parseDuration("2147483647"), seconds(2147483647));
}

TEST(Duration, RejectsEachMalformedTextWithItsReason)
{
    struct Case {
        std::string text;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {"", "is empty"},
        {"   ", "is empty"},
        {"0", "is zero"},
        {"0s", "is zero"},
        {"0h0m", "is zero"},
        {"-5m", "is negative"},
        {"+5m", "has a sign"},
        {"1.5h", "has a fraction"},
        {"1,5h", "has a fraction"},
        {"15x", "has an unknown unit \"x\""},
        {"15min", "has an unknown unit \"min\""},
        {"2d", "has an unknown unit \"d\""},
        {"15M", "has an unknown unit \"M\""},
        {"m", "has no number before \"m\""},
        {"abc", "has no number before \"abc\""},
        {"1h30", "ends in a number without a unit"},
        {"30m1h", "has its units out of order"},
        {"1m1m", "repeats the unit \"m\""},
        {"15 m", "has a space in it"},
        {"1h 30m", "has a space in it"},
        {"15m!", "has an unexpected character \"!\""},
        {"%", "has an unexpected character \"%\""},
        {"99999999999", "is too large"},
        {"2147483648", "is too large"},
        {"600000h", "is too large"},
        {"596523h14m8s", "is too large"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("text: \"" + c.text + "\"");
        const std::string reason = reasonFor(c.text);
        EXPECT_NE(reason.find(c.reason), std::string::npos) << "reason was: " << reason;
    }
}

TEST(Duration, FormatsTheShortestForm)
{
    EXPECT_EQ(formatDuration(seconds(45)), "45s");
    EXPECT_EQ(formatDuration(minutes(15)), "15m");
    EXPECT_EQ(formatDuration(minutes(90)), "1h30m");
    EXPECT_EQ(formatDuration(seconds(7205)), "2h5s");
    EXPECT_EQ(formatDuration(hours(24)), "24h");
}

TEST(Duration, FormatsZeroAndNegative)
{
    EXPECT_EQ(formatDuration(seconds(0)), "0s");
    EXPECT_EQ(formatDuration(seconds(-60)), "-1m");
}

TEST(Duration, FormatsWhatItParsesBack)
{
    for (long value : {1L, 59L, 60L, 61L, 3599L, 3600L, 3601L, 86399L, 2147483647L}) {
        SCOPED_TRACE(value);
        EXPECT_EQ(parseDuration(formatDuration(seconds(value))), seconds(value));
    }
}

}  // namespace
}  // namespace bank2mqtt
