// SPDX-License-Identifier: MIT
// Pure payload builders: slugs, RFC 3339, exact amounts in JSON, status and account table.
#include "account_table.h"
#include "payloads.h"

#include <gtest/gtest.h>

#include <cstdint>

using namespace bank2mqtt;

TEST(Slugify, TransliteratesNordicLettersAndCollapsesSeparators)
{
    EXPECT_EQ(slugify("Lommepenger"), "lommepenger");
    EXPECT_EQ(slugify("H\xc3\xb8yrentekonto"), "hoyrentekonto");
    EXPECT_EQ(slugify("  Bil & Hus -- 2026 "), "bil_hus_2026");
    EXPECT_EQ(slugify("\xc3\x86rlig spare\xc3\xa5r"), "aerlig_sparear");
    EXPECT_EQ(slugify("!!!"), "account");
}

TEST(Rfc3339, HasAnExplicitOffset)
{
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    EXPECT_EQ(formatRfc3339(t), "2026-11-27T07:00:00+00:00");
}

TEST(AccountJson, WritesAmountsExactlyAndNoIdentifyingFields)
{
    Account a;
    a.fingerprint = "abc";
    a.name = "Kredittkort \"gull\"";
    a.type = "Creditcard account";
    a.maskedNumber = "*******3243";
    a.balance = {-152040, "NOK"};
    a.available = {847960, "NOK"};
    a.creditLimit = Money{1000000, "NOK"};
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));

    const std::string json = accountJson(a, t, false);

    EXPECT_EQ(json,
              "{\"balance\":-1520.40,\"available\":8479.60,\"credit_limit\":10000.00,"
              "\"currency\":\"NOK\",\"name\":\"Kredittkort \\\"gull\\\"\",\"type\":\"Creditcard "
              "account\",\"number\":\"*******3243\",\"updated\":\"2026-11-27T07:00:00+00:00\","
              "\"balance_date\":null,\"low_balance\":false}");
    EXPECT_EQ(json.find("abc"), std::string::npos);
}

TEST(AccountJson, CarriesTheBanksOwnBalanceDateWhenThereIsOne)
{
    Account a;
    a.balance = {43725, "NOK"};
    a.available = {43725, "NOK"};
    a.balanceDate = std::chrono::system_clock::time_point(std::chrono::seconds(1795737600));
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));

    const std::string json = accountJson(a, t, std::nullopt);

    EXPECT_NE(json.find("\"updated\":\"2026-11-27T07:00:00+00:00\",\"balance_date\":\"2026-11-"
                        "27T00:00:00+00:00\""),
              std::string::npos)
        << json;
    EXPECT_EQ(json.find("abc"), std::string::npos);
}

TEST(SourceStatusJson, UsesNullForMissingTimesAndErrors)
{
    SourceStatus s;
    s.state = SourceState::Error;
    s.error = "the bank answered 503";
    s.lastAttempt = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));

    EXPECT_EQ(sourceStatusJson(s),
              "{\"state\":\"error\",\"last_success\":null,\"last_attempt\":\"2026-11-27T07:00:00+"
              "00:00\",\"error\":\"the bank answered 503\",\"next_poll\":null}");
}

TEST(SourceStatusJson, AddsTheCallBudgetAndANoticeOnlyWhenThereAreSome)
{
    SourceStatus s;
    s.state = SourceState::Ok;
    s.calls =
        CallsStatus{4, 3, std::chrono::system_clock::time_point(std::chrono::seconds(1795849500))};
    s.notice = "no calls of today's budget left";
    EXPECT_EQ(sourceStatusJson(s),
              "{\"state\":\"ok\",\"last_success\":null,\"last_attempt\":null,\"error\":null,"
              "\"next_poll\":null,\"calls_limit\":4,\"calls_remaining\":3,\"calls_reset\":"
              "\"2026-11-28T07:05:00+00:00\",\"notice\":\"no calls of today's budget left\"}");
    s.calls->resetsAt.reset();
    s.notice.clear();
    EXPECT_EQ(sourceStatusJson(s),
              "{\"state\":\"ok\",\"last_success\":null,\"last_attempt\":null,\"error\":null,"
              "\"next_poll\":null,\"calls_limit\":4,\"calls_remaining\":3,\"calls_reset\":null}");
}

TEST(LowBalance, ComparesInMinorUnitsOfTheAccountCurrency)
{
    Account a;
    a.balance = {10000, "NOK"};
    EXPECT_EQ(isLowBalance(a, std::string("100")), false);
    EXPECT_EQ(isLowBalance(a, std::string("100.01")), true);
    EXPECT_EQ(isLowBalance(a, std::nullopt), std::nullopt);
}

TEST(LowBalance, AThresholdFinerThanTheAccountIsComparedExactly)
{
    Account yen;
    yen.balance = {99, "JPY"};
    EXPECT_EQ(isLowBalance(yen, std::string("99.50")), true);
    EXPECT_EQ(isLowBalance(yen, std::string("99.00")), false);
    EXPECT_EQ(isLowBalance(yen, std::string("-0.5")), false);
    Account miles;
    miles.balance = {12500, "", 0};
    EXPECT_EQ(isLowBalance(miles, std::string("12500.0001")), true);
    Account huge;
    huge.balance = {INT64_MAX / 10, "JPY"};
    EXPECT_EQ(isLowBalance(huge, std::string("100.0001")), false);
    huge.balance.minor = -huge.balance.minor;
    EXPECT_EQ(isLowBalance(huge, std::string("-100.0001")), true);
}

TEST(AccountTable, ListsMaskedNumbersWithAlignedColumns)
{
    Account a;
    a.name = "H\xc3\xb8yrentekonto";
    a.type = "High interest account";
    a.maskedNumber = "*******3227";
    a.balance = {1250000, "NOK"};
    a.available = {1250000, "NOK"};
    Account b = a;
    b.name = "Lommepenger";
    b.type = "Standard account";
    b.maskedNumber = "*******3219";
    b.balance = {43725, "NOK"};
    b.available = {43725, "NOK"};

    const std::string table = formatAccountTable({a, b});

    EXPECT_EQ(table, "KEY            NAME           NUMBER       TYPE                    BALANCE  "
                     "AVAILABLE  CURRENCY\n"
                     "hoyrentekonto  H\xc3\xb8yrentekonto  *******3227  High interest account  "
                     "12500.00   12500.00  NOK\n"
                     "lommepenger    Lommepenger    *******3219  Standard account         437.25   "
                     "  437.25  NOK\n");
}
