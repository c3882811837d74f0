// SPDX-License-Identifier: MIT
// GET /accounts/{uid}/balances: the preferred types, exact amounts and the bank's date.
#include "eb_balances.h"

#include "eb_fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bank2mqtt::enablebanking::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string entry(const std::string& type, const std::string& amount,
                  const std::string& currency = "NOK", const std::string& extra = "")
{
    return R"({"name":"x","balance_amount":{"currency":")" + currency + R"(","amount":")" + amount +
           R"("},"balance_type":")" + type + "\"" + extra + "}";
}

BalancesReply parse(const std::string& entries, const BalancePreference& p = {})
{
    return parseBalancesReply(reply(200, R"({"balances":[)" + entries + "]}"), p, context());
}

TEST(EbBalances, DefaultsPreferClosingBookedAndInterimAvailable)
{
    const BalancesReply r = parse(entry("ITAV", "400.00") + "," + entry("CLBD", "437.25") + "," +
                                  entry("XPCD", "1.00"));
    ASSERT_TRUE(r.ok()) << r.status.message;
    EXPECT_EQ(r.balance, (Money{43725, "NOK"}));
    EXPECT_EQ(r.available, (Money{40000, "NOK"}));
    EXPECT_EQ(r.balanceType, "CLBD");
    EXPECT_EQ(r.availableType, "ITAV");
}

TEST(EbBalances, OnlyClbdServesBoth)
{
    const BalancesReply r = parse(entry("CLBD", "-1520.4"));
    ASSERT_TRUE(r.ok()) << r.status.message;
    EXPECT_EQ(r.balance, (Money{-152040, "NOK"}));
    EXPECT_EQ(r.available, (Money{-152040, "NOK"}));
}

TEST(EbBalances, ThePreferenceIsConfigurable)
{
    BalancePreference p;
    p.booked = {"ITBD"};
    p.available = {"CLAV"};
    const BalancesReply r =
        parse(entry("CLBD", "1") + "," + entry("ITBD", "2") + "," + entry("CLAV", "3"), p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.balance.minor, 200);
    EXPECT_EQ(r.available.minor, 300);
}

TEST(EbBalances, NoneOfThePreferredTypesIsAnErrorNeverZero)
{
    const BalancesReply r = parse(entry("OTHR", "5") + "," + entry("INFO", "6"));
    EXPECT_EQ(r.status.outcome, EbOutcome::AccountError);
    EXPECT_THAT(r.status.message, HasSubstr("only balance types OTHR, INFO"));
    EXPECT_THAT(r.status.message, HasSubstr("balance_types"));
    const BalancesReply empty = parse("");
    EXPECT_EQ(empty.status.outcome, EbOutcome::AccountError);
    EXPECT_THAT(empty.status.message, HasSubstr("no balance of a known type"));
    BalancePreference p;
    p.available = {"FWAV"};
    EXPECT_THAT(parse(entry("CLBD", "1"), p).status.message, HasSubstr("available_types FWAV"));
}

TEST(EbBalances, AmountsAreParsedExactlyInTheRepliesCurrency)
{
    EXPECT_EQ(parse(entry("CLBD", "0")).balance, (Money{0, "NOK"}));
    EXPECT_EQ(parse(entry("CLBD", "437.250")).balance.minor, 43725);
    EXPECT_EQ(parse(entry("CLBD", "1500", "JPY")).balance, (Money{1500, "JPY"}));
    EXPECT_EQ(parse(entry("CLBD", "1.234", "KWD")).balance, (Money{1234, "KWD"}));
    EXPECT_EQ(parse(entry("CLBD", "0.30", "EUR")).balance, (Money{30, "EUR"}));
    for (const char* bad :
         {"1e3", "437.251", "+1", ".5", "1.", "1,5", " 1", "", "NaN", "99999999999999999999"}) {
        const BalancesReply r = parse(entry("CLBD", bad));
        EXPECT_EQ(r.status.outcome, EbOutcome::Temporary) << bad;
        EXPECT_THAT(r.status.message, HasSubstr("not an exact decimal")) << bad;
    }
}

TEST(EbBalances, AmountAsJsonNumberOrBadCurrencyIsRefused)
{
    const std::string number =
        R"({"balance_amount":{"currency":"NOK","amount":437.25},"balance_type":"CLBD"})";
    EXPECT_EQ(parse(number).status.outcome, EbOutcome::Temporary);
    EXPECT_THAT(parse(entry("CLBD", "1", "kr")).status.message, HasSubstr("ISO 4217"));
}

TEST(EbBalances, TheBanksDateComesWithTheBalance)
{
    const BalancesReply withTime = parse(entry(
        "CLBD", "1", "NOK",
        R"(,"reference_date":"2026-11-26","last_change_date_time":"2026-11-27T06:58:00+01:00")"));
    ASSERT_TRUE(withTime.balanceDate.has_value());
    EXPECT_FALSE(withTime.balanceDate->dateOnly);
    EXPECT_EQ(withTime.balanceDate->at,
              std::chrono::system_clock::time_point(std::chrono::seconds(1795762800 - 3720)));
    const BalancesReply dateOnly =
        parse(entry("CLBD", "1", "NOK", R"(,"reference_date":"2026-11-27")"));
    ASSERT_TRUE(dateOnly.balanceDate.has_value());
    EXPECT_TRUE(dateOnly.balanceDate->dateOnly);
    EXPECT_FALSE(parse(entry("CLBD", "1")).balanceDate.has_value());
}

TEST(EbBalances, ErrorsAndGarbage)
{
    EXPECT_EQ(parseBalancesReply(reply(200, R"({"foo":1})"), {}, context()).status.outcome,
              EbOutcome::Temporary);
    EXPECT_EQ(parseBalancesReply(reply(200, R"({"balances":[)"), {}, context()).status.outcome,
              EbOutcome::Temporary);
    EXPECT_EQ(parseBalancesReply(reply(401, R"({"message":"m","error":"EXPIRED_SESSION"})"), {},
                                 context())
                  .status.outcome,
              EbOutcome::ConsentNeeded);
    EXPECT_EQ(
        parseBalancesReply(reply(400, R"({"message":"m","error":"ASPSP_ERROR"})"), {}, context())
            .status.outcome,
        EbOutcome::AccountError);
}

TEST(EbBalances, BalanceTypesSetting)
{
    std::string error;
    EXPECT_THAT(*parseBalanceTypes(" clbd, ITAV ,CLBD", error), ElementsAre("CLBD", "ITAV"));
    EXPECT_FALSE(parseBalanceTypes("CLBD, BOOKED", error).has_value());
    EXPECT_THAT(error, HasSubstr("unknown balance type \"BOOKED\""));
    EXPECT_FALSE(parseBalanceTypes(" , ", error).has_value());
    EXPECT_THAT(error, HasSubstr("empty"));
}

}  // namespace
}  // namespace bank2mqtt::enablebanking::test
