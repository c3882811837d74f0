// SPDX-License-Identifier: MIT
// Component tests of SbankenSource's TransactionFeed: both API shapes, paging, reservations,
// card merchants, exact amounts and failures (privacy: sbanken_privacy_test.cpp).
#include "sbanken_transaction_fixtures.h"

#include <gtest/gtest.h>

namespace bank2mqtt::sbanken::test {
namespace {

using SbankenTransactions = SbankenTransactionsHarness;

TEST_F(SbankenTransactions, IsOfferedAsACapabilityWithoutADailyLimit)
{
    auto source = makeSource();
    TransactionFeed* feed = capabilityOf<TransactionFeed>(*source);
    ASSERT_NE(feed, nullptr);
    EXPECT_EQ(feed->fetchesPerDay(), 0u);
    EXPECT_EQ(source->capability(TransactionFeed::kName, TransactionFeed::kVersion + 1), nullptr);
    EXPECT_EQ(source->capability(CallLimit::kName, CallLimit::kVersion), nullptr);
    // Not enabled: nothing is sent.
    EXPECT_EQ(feed->fetchTransactions(kSince).status, FetchStatus::ConfigError);
    EXPECT_EQ(requestCount(), 0u);
}

TEST_F(SbankenTransactions, V1ReadsOneAccountInOneRequestWithExactAmounts)
{
    auto source = fetchedSource({"Lommepenger", "Sparekonto"});
    http.expect("GET", transactionsUrl(0), 200,
                page({cardEntry("-49.99", "*4821 01.12 NOK 49.99 KIWI 505 GRUNERL Kurs: 1.0000",
                                "KIWI 505 GRUNERLOKKA"),
                      transferEntry("1234567.89", "Arv"),
                      entry("-0.5", "VISA VARE Narvesen", "2026-12-03", true)},
                     3));
    http.expect("GET", transactionsUrl(1), 200, page({}, 0));
    const TransactionsResult r = source->fetchTransactions(kSince);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_TRUE(r.message.empty());
    ASSERT_EQ(r.accounts.size(), 2u);
    EXPECT_EQ(r.accounts[0].fingerprint, fetched_[0].fingerprint);
    EXPECT_EQ(r.accounts[1].fingerprint, fetched_[1].fingerprint);
    EXPECT_TRUE(r.accounts[1].transactions.empty());
    const auto& t = r.accounts[0].transactions;
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].amount, (Money{-4999, "NOK"}));
    EXPECT_EQ(t[0].text, "KIWI 505 GRUNERLOKKA");  // the merchant, not the card text
    EXPECT_EQ(t[0].date, "2026-12-01");
    EXPECT_FALSE(t[0].pending);
    EXPECT_EQ(t[1].amount, (Money{123456789, "NOK"}));
    EXPECT_EQ(t[1].text, "Arv");
    EXPECT_EQ(t[2].amount, (Money{-50, "NOK"}));
    EXPECT_TRUE(t[2].pending);
    EXPECT_EQ(t[2].date, "2026-12-03");
    for (const auto& each : t)
        EXPECT_TRUE(each.id.empty());  // Sbanken entries have no id
    ASSERT_EQ(requestCount(), 2u);
    bool customerIdSent = false;
    for (const auto& [key, value] : http.requests()[0].headers)
        customerIdSent = customerIdSent || (key == "customerId" && value == kCustomerId);
    EXPECT_TRUE(customerIdSent);
    expectScriptConsumed();
}

TEST_F(SbankenTransactions, V2ReadsEveryAccountOfTheLastFetchWithoutCustomerId)
{
    auto source = fetchedSource({}, "2");
    for (std::size_t i = 0; i < 4; ++i)
        http.expect(
            "GET", transactionsUrl(i, 0, "2"), 200,
            page({entry(std::to_string(i + 1) + ".00", "Konto " + std::to_string(i))}, 1, "2"));
    const TransactionsResult r = source->fetchTransactions(kSince);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(r.accounts[i].fingerprint, fetched_[i].fingerprint);
        ASSERT_EQ(r.accounts[i].transactions.size(), 1u);
        EXPECT_EQ(r.accounts[i].transactions[0].amount.minor, static_cast<long>(i + 1) * 100);
    }
    for (const auto& request : http.requests()) {
        for (const auto& header : request.headers)
            EXPECT_NE(header.first, "customerId");
        EXPECT_EQ(request.url.find("endDate"), std::string::npos);  // reservations need none
    }
    expectScriptConsumed();
}

TEST_F(SbankenTransactions, FollowsIndexAndLengthUntilAvailableItems)
{
    auto source = fetchedSource({"Lommepenger"});
    std::vector<std::string> first(1000, entry("-1.00", "Mye"));
    http.expect("GET", transactionsUrl(0, 0), 200, page(first, 1500));
    http.expect("GET", transactionsUrl(0, 1000), 200,
                page(std::vector<std::string>(500, entry("-2.00", "Mer")), 1500));
    const TransactionsResult r = source->fetchTransactions(kSince);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 1u);
    EXPECT_EQ(r.accounts[0].transactions.size(), 1500u);
    EXPECT_EQ(r.accounts[0].transactions.back().amount.minor, -200);
    expectScriptConsumed();
}

TEST_F(SbankenTransactions, ABankThatKeepsPagingIsTemporaryAfterTwentyRequests)
{
    auto source = fetchedSource({"Lommepenger"});
    for (int i = 0; i < 25; ++i)
        http.expect("GET", transactionsUrl(0, i), 200, page({entry("-1.00", "Igjen")}, 1000000));
    const TransactionsResult r = source->fetchTransactions(kSince);
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_TRUE(r.accounts.empty());
    EXPECT_EQ(requestCount(), 20u);
}

TEST_F(SbankenTransactions, AReservationWithoutAccountingDateTakesItsInterestDate)
{
    auto source = fetchedSource({"Lommepenger"});
    http.expect("GET", transactionsUrl(0), 200,
                page({R"({"interestDate":"2026-12-02T00:00:00","amount":-120.00,)"
                      R"("text":"VISA VARE REMA 1000","isReservation":true})"},
                     1));
    const TransactionsResult r = source->fetchTransactions(kSince);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.at(0).transactions.size(), 1u);
    EXPECT_EQ(r.accounts[0].transactions[0].date, "2026-12-02");
    EXPECT_TRUE(r.accounts[0].transactions[0].pending);
}

TEST_F(SbankenTransactions, AnUnreadableEntryFailsTheWholeAccount)
{
    for (const std::string& bad :
         {entry("-1.234", "Tre desimaler"), entry("\"abc\"", "Tekst"),
          std::string(R"({"text":"Uten beløp","accountingDate":"2026-12-01T00:00:00"})"),
          std::string(R"({"amount":-5.00,"text":"Uten dato"})")}) {
        auto source = fetchedSource({"Lommepenger"});
        http.expect("GET", transactionsUrl(0), 200, page({entry("-1.00", "God"), bad}, 2));
        const TransactionsResult r = source->fetchTransactions(kSince);
        EXPECT_EQ(r.status, FetchStatus::Temporary) << bad;
        EXPECT_TRUE(r.accounts.empty()) << bad;
    }
}

TEST_F(SbankenTransactions, FailuresMapLikeFetch)
{
    struct Case {
        int status;
        std::string body;
        std::vector<HttpHeader> headers;
        FetchStatus expected;
    };
    const std::vector<Case> cases = {
        {503,
         kServiceUnavailableBody,
         {{"Content-Type", "application/json"}},
         FetchStatus::Temporary},
        {500, "", {}, FetchStatus::Temporary},
        {200,
         "<!DOCTYPE html><html><body>Teknisk feil</body></html>",
         {{"Content-Type", "text/html"}},
         FetchStatus::Temporary},
        {200,
         page({entry("-1.00", "Kuttet")}, 1).substr(0, 60),
         {{"Content-Type", "application/json"}},
         FetchStatus::Temporary},
        {200,
         R"({"errorType":0,"isError":true,"errorMessage":"Feil","traceId":"x"})",
         {{"Content-Type", "application/json"}},
         FetchStatus::Temporary},
        {429, "", {{"Retry-After", "120"}}, FetchStatus::RateLimited},
        {403, "", {}, FetchStatus::AuthRequired},
    };
    for (const Case& c : cases) {
        auto source = fetchedSource({"Lommepenger"});
        http.expect("GET", transactionsUrl(0), c.status, c.body, c.headers);
        const TransactionsResult r = source->fetchTransactions(kSince);
        EXPECT_EQ(r.status, c.expected) << c.status << " " << c.body;
        EXPECT_TRUE(r.accounts.empty());
        EXPECT_FALSE(r.message.empty());
        if (c.expected == FetchStatus::RateLimited) {
            EXPECT_EQ(r.retryAfter, std::chrono::seconds(120));
        }
    }
    auto source = fetchedSource({"Lommepenger"});
    http.expectTransportError("GET", transactionsUrl(0), TransportError::Timeout);
    EXPECT_EQ(source->fetchTransactions(kSince).status, FetchStatus::Temporary);
}

TEST_F(SbankenTransactions, A401RenewsTheTokenOnceThenNeedsAPerson)
{
    auto source = fetchedSource({"Lommepenger"});
    http.expect("GET", transactionsUrl(0), 401, "");
    expectToken(kToken2);
    http.expect("GET", transactionsUrl(0), 200, page({entry("-1.00", "Etter ny token")}, 1));
    EXPECT_EQ(source->fetchTransactions(kSince).status, FetchStatus::Ok);

    http.expect("GET", transactionsUrl(0), 401, "");
    expectToken();
    http.expect("GET", transactionsUrl(0), 401, "");
    EXPECT_EQ(source->fetchTransactions(kSince).status, FetchStatus::AuthRequired);
    expectScriptConsumed();
}

TEST_F(SbankenTransactions, OneFailingAccountIsLeftOutWithAMessage)
{
    auto source = fetchedSource({"Lommepenger", "Sparekonto"});
    http.expect("GET", transactionsUrl(0), 200, page({entry("-1.00", "Ok")}, 1));
    http.expect("GET", transactionsUrl(1), 503, kServiceUnavailableBody);
    const TransactionsResult r = source->fetchTransactions(kSince);
    ASSERT_EQ(r.status, FetchStatus::Ok);
    ASSERT_EQ(r.accounts.size(), 1u);
    EXPECT_EQ(r.accounts[0].fingerprint, fetched_[0].fingerprint);
    EXPECT_NE(r.message.find("503"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace bank2mqtt::sbanken::test
