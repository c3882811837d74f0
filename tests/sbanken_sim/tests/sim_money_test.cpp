// SPDX-License-Identifier: MIT
// Tests of the simulator's exact decimal <-> minor-unit conversion.
#include "sim_money.h"

#include <gtest/gtest.h>

#include <limits>

namespace bank2mqtt::sim {
namespace {

TEST(SimMoney, FormatsMinorUnitsExactly)
{
    EXPECT_EQ(formatMinorUnits(43725), "437.25");
    EXPECT_EQ(formatMinorUnits(1250000), "12500.00");
    EXPECT_EQ(formatMinorUnits(-152040), "-1520.40");
    EXPECT_EQ(formatMinorUnits(30), "0.30");
    EXPECT_EQ(formatMinorUnits(-5), "-0.05");
    EXPECT_EQ(formatMinorUnits(0), "0.00");
    EXPECT_EQ(formatMinorUnits(std::numeric_limits<MinorUnits>::min()), "-92233720368547758.08");
}

TEST(SimMoney, ParsesDecimalsIntoMinorUnits)
{
    EXPECT_EQ(parseMinorUnits("437.25"), 43725);
    EXPECT_EQ(parseMinorUnits("-1520.4"), -152040);
    EXPECT_EQ(parseMinorUnits("12500"), 1250000);
    EXPECT_EQ(parseMinorUnits("+0.30"), 30);
    EXPECT_EQ(parseMinorUnits("0.1"), 10);
    EXPECT_EQ(parseMinorUnits("92233720368547758.07"), std::numeric_limits<MinorUnits>::max());
    EXPECT_EQ(parseMinorUnits("-92233720368547758.08"), std::numeric_limits<MinorUnits>::min());
}

TEST(SimMoney, RejectsWhatIsNotAnExactAmount)
{
    for (const char* text : {"", "-", ".5", "5.", "1.234", "1,5", "1e3", " 1", "abc", "1.2.3",
                             "92233720368547758.08", "99999999999999999999"}) {
        EXPECT_FALSE(parseMinorUnits(text).has_value()) << text;
    }
}

}  // namespace
}  // namespace bank2mqtt::sim
