// SPDX-License-Identifier: MIT
// FireflySource as a TransactionFeed: signs, transfers, splits, exact amounts, paging, privacy,
// failures.
#include "ff_transaction_fixtures.h"

#include <gtest/gtest.h>

namespace bank2mqtt::firefly::test {
namespace {

Item asset(std::string id, std::string name, std::string iban = "null")
{
    Item i;
    i.id = std::move(id);
    i.name = "\"" + name + "\"";
    i.iban = iban == "null" ? iban : "\"" + iban + "\"";
    return i;
}

const std::vector<Item> kOneAccount = {asset("1", "Lommepenger", "NO9386011117947")};

Split deposit(std::string journal, std::string amount, std::string description)
{
    Split s;
    s.journal = "\"" + journal + "\"";
    s.type = "\"deposit\"";
    s.amount = "\"" + amount + "\"";
    s.description = "\"" + description + "\"";
    s.sourceId = "\"8\"";
    s.sourceName = "\"Pappa\"";
    s.sourceIban = "\"NO5015032080119\"";
    s.destinationId = "\"1\"";
    s.destinationName = "\"Lommepenger\"";
    return s;
}

Split transfer(std::string journal, std::string from, std::string to, std::string amount)
{
    Split s;
    s.journal = "\"" + journal + "\"";
    s.type = "\"transfer\"";
    s.amount = "\"" + amount + "\"";
    s.description = "\"Til sparing\"";
    s.sourceId = "\"" + from + "\"";
    s.destinationId = "\"" + to + "\"";
    return s;
}

TEST(FireflyTransactions, WithdrawalsAreNegativeAndDepositsPositiveInTheAccountsUnit)
{
    FeedHarness h(kOneAccount);
    ASSERT_EQ(h.fetched.status, FetchStatus::Ok);
    h.transactions("1", {groupJson("50", {Split{}}),
                         groupJson("51", {deposit("102", "1500.500000000000", "Lommepenger")})});
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts.size(), 1u);
    EXPECT_EQ(result.accounts[0].fingerprint, h.fetched.accounts[0].fingerprint);
    const auto& list = result.accounts[0].transactions;
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, "101");
    EXPECT_EQ(list[0].amount, (Money{-4900, "NOK", 2}));
    EXPECT_EQ(list[0].amount, (Money{-4900, h.fetched.accounts[0].balance.currency,
                                     h.fetched.accounts[0].balance.decimals}));
    EXPECT_EQ(list[0].date, "2026-11-25");
    EXPECT_EQ(list[0].text, "NARVESEN OSLO S");
    EXPECT_FALSE(list[0].pending);
    EXPECT_EQ(list[1].id, "102");
    EXPECT_EQ(list[1].amount, (Money{150050, "NOK", 2}));
    EXPECT_EQ(h.http.requests().size(), 1u);  // one request for an account whose week fits a page
    EXPECT_TRUE(h.http.unexpected().empty());
}

TEST(FireflyTransactions, ATransferBetweenTwoSelectedAccountsIsOneEntryOnEach)
{
    FeedHarness h({asset("1", "Lommepenger"), asset("2", "Sparekonto")});
    const std::string group = groupJson("60", {transfer("201", "1", "2", "250.000000000000")});
    h.transactions("1", {group});
    h.transactions("2", {group});
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts.size(), 2u);
    ASSERT_EQ(result.accounts[0].transactions.size(), 1u);
    ASSERT_EQ(result.accounts[1].transactions.size(), 1u);
    EXPECT_EQ(result.accounts[0].transactions[0].amount, (Money{-25000, "NOK", 2}));
    EXPECT_EQ(result.accounts[1].transactions[0].amount, (Money{25000, "NOK", 2}));
    EXPECT_EQ(result.accounts[0].transactions[0].id, "201");
    EXPECT_EQ(result.accounts[1].transactions[0].id, "201");
}

TEST(FireflyTransactions, OnlySplitsOfTheAccountInItsCurrencyThatMoveMoneyAreListed)
{
    FeedHarness h(kOneAccount);
    Split mine;
    Split other = transfer("302", "5", "9", "10.000000000000");  // another account's split
    Split euro;
    euro.journal = "\"303\"";
    euro.code = "\"EUR\"";
    Split opening = deposit("304", "1000.000000000000", "Initial balance");
    opening.type = "\"opening balance\"";
    Split reconciliation = deposit("305", "0.010000000000", "Reconciliation");
    reconciliation.type = "\"reconciliation\"";
    h.transactions("1", {groupJson("70", {mine, other, euro}), groupJson("71", {opening}),
                         groupJson("72", {reconciliation})});
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts[0].transactions.size(), 1u);
    EXPECT_EQ(result.accounts[0].transactions[0].id, "101");
}

TEST(FireflyTransactions, AmountsAreExactInTheAccountsDecimalsNeverRounded)
{
    Item yen = asset("3", "Yen");
    yen.code = "\"JPY\"";
    yen.places = "0";
    yen.balance = "\"150000\"";
    FeedHarness h({asset("1", "Lommepenger"), yen});
    Split inexact;
    inexact.amount = "\"49.125000000000\"";
    Split yenSplit;
    yenSplit.sourceId = "\"3\"";
    yenSplit.code = "\"JPY\"";
    yenSplit.places = "0";
    yenSplit.amount = "\"1200.000000000000\"";
    h.transactions("1", {groupJson("80", {inexact})});
    h.transactions("3", {groupJson("81", {yenSplit})});
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts.size(), 1u);  // Lommepenger is left out, not rounded
    EXPECT_EQ(result.accounts[0].fingerprint, h.fetched.accounts[1].fingerprint);
    EXPECT_EQ(result.accounts[0].transactions[0].amount, (Money{-1200, "JPY", 0}));
    EXPECT_NE(result.message.find("the transactions of \"Lommepenger\" were not read: Firefly "
                                  "III sent a transaction amount that is not an exact positive "
                                  "amount with 2 decimals"),
              std::string::npos)
        << result.message;
}

TEST(FireflyTransactions, TheDateIsTheLocalBookingDateNotUtc)
{
    FeedHarness h(kOneAccount);
    Split early;
    early.date = "\"2026-11-25T00:30:00+01:00\"";  // still the 24th in UTC
    Split late = deposit("102", "1.000000000000", "x");
    late.date = "\"2026-11-24T23:30:00-05:00\"";  // already the 25th in UTC
    h.transactions("1", {groupJson("90", {early, late})});
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    EXPECT_EQ(result.accounts[0].transactions[0].date, "2026-11-25");
    EXPECT_EQ(result.accounts[0].transactions[1].date, "2026-11-24");
}

TEST(FireflyTransactions, ThreePagesAreReadByBuiltUrls)
{
    FeedHarness h(kOneAccount);
    h.transactions("1", {groupJson("1", {deposit("11", "1.000000000000", "a")})}, 1, 3);
    h.transactions("1", {groupJson("2", {deposit("12", "2.000000000000", "b")})}, 2, 3);
    h.transactions("1", {groupJson("3", {deposit("13", "3.000000000000", "c")})}, 3, 3);
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts[0].transactions.size(), 3u);
    EXPECT_EQ(result.accounts[0].transactions[2].amount, (Money{300, "NOK", 2}));
    EXPECT_EQ(h.http.requests().size(), 3u);
    EXPECT_TRUE(h.http.unexpected().empty());
}

TEST(FireflyTransactions, ATotalThatChangesBetweenPagesFailsTheWholeCall)
{
    FeedHarness h(kOneAccount);
    h.transactions("1", {groupJson("1", {Split{}})}, 1, 2, 2);
    h.transactions("1", {groupJson("2", {deposit("12", "2.000000000000", "b")})}, 2, 2, 3);
    const TransactionsResult result = h.read();
    EXPECT_EQ(result.status, FetchStatus::Temporary);
    EXPECT_EQ(result.message, "the transactions changed while they were read; trying again");
    EXPECT_TRUE(result.accounts.empty());
}

TEST(FireflyTransactions, ThePageCountIsBounded)
{
    FeedHarness h({asset("1", "Lommepenger"), asset("2", "Sparekonto")});
    h.transactions("1", {groupJson("1", {Split{}})}, 1, 21);
    h.transactions("2", {groupJson("2", {transfer("5", "1", "2", "1.000000000000")})});
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts.size(), 1u);  // Lommepenger left out after its first page
    EXPECT_EQ(result.accounts[0].fingerprint, h.fetched.accounts[1].fingerprint);
    EXPECT_NE(result.message.find("more than 10000 transaction groups"), std::string::npos);
    EXPECT_EQ(h.http.requests().size(), 2u);

    FeedHarness alone(kOneAccount);
    alone.transactions("1", {groupJson("1", {Split{}})}, 1, 21);
    EXPECT_EQ(alone.read().status, FetchStatus::Temporary);
}

TEST(FireflyTransactions, NoCounterpartNumberReachesTheTextAndNothingOfItIsLogged)
{
    FeedHarness h(kOneAccount);
    Split split;
    split.description = "\"Kiwi 512 Majorstuen\"";
    h.transactions("1", {groupJson("1", {split, deposit("102", "777.770000000000", "Fra Pappa")})});
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    const std::vector<std::string> secrets = {
        "NO0215038877041", "15038877041", "NO5015032080119", "15032080119",  "NO9386011117947",
        "86011117947",     "Narvesen",    "Pappa\"",         "1234.56.78903"};
    for (const auto& entry : result.accounts[0].transactions) {
        for (const auto& secret : secrets)
            EXPECT_EQ(entry.text.find(secret), std::string::npos) << entry.text;
    }
    EXPECT_EQ(result.accounts[0].transactions[0].text, "Kiwi 512 Majorstuen");
    ASSERT_FALSE(h.log.lines.empty());
    const std::vector<std::string> leaks = {"Kiwi",
                                            "Majorstuen",
                                            "Fra Pappa",
                                            "49",
                                            "777",
                                            "NO0215038877041",
                                            "NO5015032080119",
                                            "NO9386011117947",
                                            kToken.substr(0, 20)};
    for (const auto& line : h.log.lines) {
        for (const auto& leak : leaks)
            EXPECT_EQ(line.text.find(leak), std::string::npos) << line.text;
    }
}

TEST(FireflyTransactions, RequestFailuresFailTheWholeCallLikeTheAccountList)
{
    struct Case {
        int status;
        std::string body;
        std::vector<HttpHeader> headers;
        FetchStatus expected;
    };
    const std::vector<Case> cases = {
        {401,
         R"({"message":"Unauthenticated.","exception":"AuthenticationException"})",
         {{"Content-Type", "application/json"}},
         FetchStatus::AuthRequired},
        {401,
         "<html><body>401 Authorization Required</body></html>",
         {{"Content-Type", "text/html"}, {"WWW-Authenticate", "Basic realm=\"ff\""}},
         FetchStatus::AuthRequired},
        {302, "", {{"Location", kBase + "/login"}}, FetchStatus::AuthRequired},
        {429,
         R"({"message":"Too Many Attempts."})",
         {{"Content-Type", "application/json"}, {"Retry-After", "120"}},
         FetchStatus::RateLimited},
        {500,
         R"({"message":"Internal Firefly III Exception: x"})",
         {{"Content-Type", "application/json"}},
         FetchStatus::Temporary},
        {502,
         "<html><body>Bad Gateway</body></html>",
         {{"Content-Type", "text/html"}},
         FetchStatus::Temporary},
        {200, txPageJson({groupJson("1", {Split{}})}).substr(0, 200), kJsonApi,
         FetchStatus::Temporary},
    };
    for (const auto& c : cases) {
        // The first account reads well: a failure on the second still fails the whole call,
        // never a list with one account silently missing.
        FeedHarness h({asset("1", "Lommepenger"), asset("2", "Sparekonto")});
        h.transactions("1", {groupJson("1", {Split{}})});
        h.http.expect("GET", txUrl("2"), c.status, c.body, c.headers);
        const TransactionsResult result = h.read();
        EXPECT_EQ(result.status, c.expected) << c.status << " " << result.message;
        EXPECT_TRUE(result.accounts.empty());
        if (c.status == 429) {
            ASSERT_TRUE(result.retryAfter);
            EXPECT_EQ(*result.retryAfter, std::chrono::seconds(120));
        }
    }
    FeedHarness h(kOneAccount);
    h.http.expectTransportError("GET", txUrl("1"), TransportError::Timeout);
    EXPECT_EQ(h.read().status, FetchStatus::Temporary);
}

TEST(FireflyTransactions, AnAccountDeletedSinceTheListIsLeftOutWithAMessage)
{
    FeedHarness h({asset("1", "Lommepenger"), asset("2", "Sparekonto")});
    h.http.expect("GET", txUrl("1"), 404,
                  R"({"message":"Resource not found","exception":"NotFoundHttpException"})");
    h.transactions("2", {});
    const TransactionsResult result = h.read();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts.size(), 1u);
    EXPECT_TRUE(result.accounts[0].transactions.empty());
    EXPECT_NE(result.message.find("\"Lommepenger\" were not read"), std::string::npos);
}

TEST(FireflyTransactions, OffersTheFeedWithoutALimitAndReadsOnlyAfterAnOkFetch)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    EXPECT_EQ(capabilityOf<TransactionFeed>(h.source), static_cast<TransactionFeed*>(&h.source));
    EXPECT_EQ(h.source.fetchesPerDay(), 0u);
    h.source.enableTransactions();
    const TransactionsResult before = h.source.fetchTransactions(kSince);
    EXPECT_EQ(before.status, FetchStatus::Ok);
    EXPECT_TRUE(before.accounts.empty());
    EXPECT_TRUE(h.http.requests().empty());
    EXPECT_EQ(h.source.fetchTransactions("last week").status, FetchStatus::Temporary);
}

TEST(FireflyTransactions, TheEndIsTheDayAfterTheLaterOfSinceAndToday)
{
    EXPECT_EQ(transactionsEnd("2026-11-20", "2026-11-27"), "2026-11-28");
    EXPECT_EQ(transactionsEnd("2026-12-31", "2026-12-01"), "2027-01-01");
    EXPECT_EQ(transactionsEnd("2026-02-30", "2026-12-01"), "");
    EXPECT_EQ(transactionsEnd("20261120", "2026-12-01"), "");
    EXPECT_EQ(transactionsPageUrl(kBase, "1", "2026-11-20", "2026-11-28", 2),
              kBase + "/api/v1/accounts/1/transactions?start=2026-11-20&end=2026-11-28&limit=500"
                      "&page=2");
}

}  // namespace
}  // namespace bank2mqtt::firefly::test
