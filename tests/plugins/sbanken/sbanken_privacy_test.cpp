// SPDX-License-Identifier: MIT
// What the Sbanken plugin hands the host when a bank echoes secrets or names an account after
// its number: the token, the secret, the customer id and account numbers never come out.
#include "sbanken_fixtures.h"
#include "sbanken_transaction_fixtures.h"

#include "account_identity.h"
#include "json_reply.h"
#include "url_encode.h"

#include <gtest/gtest.h>

namespace bank2mqtt::sbanken::test {
namespace {

class SbankenPrivacy : public SbankenHarness {
protected:
    // Every form of a secret that must not appear in `text`.
    void expectClean(const std::string& text)
    {
        const std::string basic = basicAuthorization(kClientId, kSecret).substr(6);
        for (const std::string& secret :
             {kToken1, kToken1.substr(0, 20), kSecret, formUrlEncode(kSecret), basic, kCustomerId,
              std::string("97104133219")})
            EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in: " << text;
    }
};

TEST_F(SbankenPrivacy, ABankEchoingTheBearerTokenAndCustomerIdIsRedacted)
{
    auto source = makeSource();
    expectToken(kToken1);
    // The token first, so that the 120-character cut would leave part of a later one.
    http.expect("GET", listUrl(), 400,
                R"({"errorType":1,"isError":true,"errorMessage":"token )" + kToken1 +
                    R"( of customer )" + kCustomerId + R"x( is not valid (Bearer )x" + kToken1 +
                    R"(, secret )" + kSecret + R"x()","traceId":null})x");
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    expectClean(r.message);
    EXPECT_NE(r.message.find("token *** of customer *** is not valid"), std::string::npos)
        << r.message;
}

TEST_F(SbankenPrivacy, ALoginServiceEchoingTheSecretIsRedacted)
{
    auto source = makeSource();
    const std::string basic = basicAuthorization(kClientId, kSecret);
    http.expect("POST", kAuthUrl, 400,
                R"({"error":"invalid_request","error_description":"secret )" + kSecret + " (" +
                    formUrlEncode(kSecret) + ") in " + basic + R"( refused"})");
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::Temporary) << r.message;
    expectClean(r.message);
    for (const auto& line : log.lines)
        expectClean(line.text);
}

TEST_F(SbankenPrivacy, AccountNumbersInAnErrorTextAreRedactedInEveryForm)
{
    auto source = makeSource();
    expectToken(kToken1);
    http.expect(
        "GET", listUrl(), 503,
        R"({"errorType":0,"isError":true,"errorMessage":"9710/41/33219, 9710_41_33219, )"
        R"(9710,41,33219 and 9\u200B7\u200C1\u200D0\u206041\uFEFF33219 and )"
        R"(\uFF19\uFF17\uFF11\uFF10\uFF14\uFF11\uFF13\uFF13\uFF12\uFF11\uFF19 are closed"})");
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.message, "the bank answered 503 Service Unavailable: ***, ***, *** and *** and *** "
                         "are closed");
}

TEST(SbankenAccountName, ANameThatGivesAwayTheNumberOrCustomerIdIsReplaced)
{
    EXPECT_EQ(publishableName("97104133219", "Standard account", "97104133219", kCustomerId),
              "Standard account");
    EXPECT_EQ(publishableName("9710.41.33219", "", "97104133219", kCustomerId), "Account 3219");
    EXPECT_EQ(
        publishableName("Konto " + kCustomerId, "Standard account", "97104133219", kCustomerId),
        "Standard account");
    // Full-width digits and zero-width characters read as the digits they show.
    EXPECT_EQ(publishableName("\xEF\xBC\x99\xEF\xBC\x97\xEF\xBC\x91\xEF\xBC\x90"
                              "41\xE2\x80\x8B"
                              "33219",
                              "Sparing", "97104133219", kCustomerId),
              "Sparing");
    // A type that gives it away too is no way out.
    EXPECT_EQ(publishableName("97104133219", "Konto 97104133219", "97104133219", ""),
              "Account 3219");
}

TEST(SbankenAccountName, OrdinaryNamesStayAsTheyAre)
{
    EXPECT_EQ(publishableName("Lommepenger", "Standard account", "97104133219", kCustomerId),
              "Lommepenger");
    EXPECT_EQ(publishableName("Sparing 2024-2025", "", "97104133219", kCustomerId),
              "Sparing 2024-2025");
    EXPECT_EQ(publishableName("Konto 3219", "", "97104133219", kCustomerId), "Konto 3219");
    EXPECT_EQ(publishableName("Tab\there", "", "97104133219", kCustomerId), "Tab here");
}

TEST_F(SbankenPrivacy, TheListNeverPublishesANameHoldingTheCustomerId)
{
    auto accounts = fixtureAccounts();
    accounts[0].name = accounts[0].number;
    accounts[1].name = "Sparing for " + kCustomerId;
    auto source = makeSource();
    expectToken();
    http.expect("GET", listUrl(), 200, v1ListBody(accounts),
                {{"Content-Type", "application/json"}});
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(r.accounts.at(0).name, "Standard account");
    EXPECT_EQ(r.accounts.at(1).name, "High interest account");
    for (const auto& account : r.accounts)
        expectClean(account.name + " " + account.type);
}

// A transaction's text: the counterpart's number (a structured field) never gets in, and
// where the bank wrote it, or the login's own numbers, into the text they are masked.
using SbankenTransactionPrivacy = SbankenTransactionsHarness;

TEST_F(SbankenTransactionPrivacy, CounterpartAndOwnAccountNumbersNeverReachTheText)
{
    auto source = fetchedSource({"Lommepenger"});
    http.expect(
        "GET", transactionsUrl(0), 200,
        page({transferEntry("-500.00", "Til 1234.56.78903 husleie"),
              transferEntry("-1.00", "Overføring 12345678903"),
              entry("250.00", "Fra 9710 41 33227 sparing"), entry("-3.00", "Kunde 12345678901"),
              entry("-4.00", "Kvittering 4711 KIWI 505")},
             5));
    const TransactionsResult r = source->fetchTransactions(kSince);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    const auto& t = r.accounts.at(0).transactions;
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t[0].text, "Til *******8903 husleie");
    EXPECT_EQ(t[1].text, "Overføring *******8903");
    EXPECT_EQ(t[2].text, "Fra *******3227 sparing");   // another account of the login
    EXPECT_EQ(t[3].text, "Kunde *******8901");         // the customer id
    EXPECT_EQ(t[4].text, "Kvittering 4711 KIWI 505");  // short numbers stay
    for (const auto& each : t) {
        EXPECT_EQ(digitsOnly(each.text).find(kCounterpart), std::string::npos) << each.text;
    }
}

TEST_F(SbankenTransactionPrivacy, NothingTransactionRelatedIsLogged)
{
    auto source = fetchedSource({"Lommepenger"});
    http.expect("GET", transactionsUrl(0), 200,
                page({transferEntry("-777.77", "HEMMELIG BUTIKK"),
                      cardEntry("-49.99", "VISA", "SKJULT KIOSK")},
                     2));
    ASSERT_EQ(source->fetchTransactions(kSince).status, FetchStatus::Ok);
    http.expect("GET", transactionsUrl(0), 503,
                R"({"errorType":0,"isError":true,"errorMessage":"bad entry HEMMELIG BUTIKK )"
                R"(-777.77 to 12345678903","traceId":"x"})");
    const TransactionsResult failed = source->fetchTransactions(kSince);
    ASSERT_EQ(failed.status, FetchStatus::Temporary);
    EXPECT_EQ(failed.message.find("12345678903"), std::string::npos) << failed.message;
    for (const auto& line : log.lines) {
        for (const std::string& needle :
             {std::string("HEMMELIG"), std::string("SKJULT"), std::string("777"),
              std::string("49.99"), kCounterpart, std::string("97104133219"), kCustomerId})
            EXPECT_EQ(line.text.find(needle), std::string::npos) << line.text;
    }
}

}  // namespace
}  // namespace bank2mqtt::sbanken::test
