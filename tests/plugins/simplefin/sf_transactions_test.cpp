// SPDX-License-Identifier: MIT
// SimpleFinSource as a TransactionFeed: the one request's query, the window, the entries read
// with the balances (amounts in the account's unit, payee or description, pending), partial
// results, and that nothing of a transaction reaches a log line.
#include "sf_fixtures.h"

#include "account_identity.h"
#include "sf_transactions.h"

#include <gmock/gmock.h>

namespace bank2mqtt::simplefin::test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// FakeClock: 2026-11-27T07:00:00Z.
constexpr std::int64_t kNow = 1795762800;
const std::string kBase = "https://bridge.simplefin.org/simplefin/accounts?version=2";

std::string windowUrl(std::int64_t start)
{
    return kBase + "&start-date=" + std::to_string(start) + "&pending=1";
}

// 2026-11-25T12:00Z, 2026-11-18T12:00Z, 2026-11-26T18:30Z.
const std::string kCheckingTransactions = R"([
  {"id":"TRN-1","posted":1795608000,"amount":"-49.00","description":"POS 4471 NARVESEN OSLO",
   "payee":"Narvesen","memo":"Card 4111111111111111","transacted_at":1795600000},
  {"id":"TRN-2","posted":1795003200,"amount":"2500.5","description":"PAYROLL ACME INC",
   "extra":{"counterparty_account":"12345678903"}},
  {"id":"TRN-3","posted":0,"amount":"-12.34","description":"SQ *COFFEE","pending":true,
   "transacted_at":1795717800}])";

std::string bodyWith(const std::string& checking, const std::string& miles = R"([
  {"id":"TRN-9","posted":1795608000,"amount":"-2500","description":"Award flight"}])",
                     const std::string& errlist = "")
{
    return R"({"errors":[],"errlist":[)" + errlist + R"(],
 "connections":[{"conn_id":"CON-1","name":"Chase","org_id":"ORG-1","sfin_url":"https://x"},
  {"conn_id":"CON-2","name":"Maple Credit Union","org_id":"ORG-2","sfin_url":"https://x"}],
 "accounts":[
  {"id":"ACT-aaa","name":"Checking","conn_id":"CON-1","currency":"USD","balance":"437.25",
   "available-balance":"400.00","balance-date":1795762000,"transactions":)" +
           checking + R"(},
  {"id":"ACT-ccc","name":"Savings","conn_id":"CON-2","currency":"CAD","balance":"1200.5",
   "balance-date":1795761000,"transactions":[]},
  {"id":"ACT-ddd","name":"Airline miles","conn_id":"CON-2",
   "currency":"https://www.example.com/flight-miles","balance":"12500",
   "balance-date":1795761000,"transactions":)" +
           miles + "}]}";
}

class SfTransactionsTest : public SfHarness {
protected:
    std::unique_ptr<SimpleFinSource> feedSource()
    {
        auto source = authorizedSource();
        feed(*source).enableTransactions();
        return source;
    }
    static TransactionFeed& feed(SimpleFinSource& source)
    {
        return *static_cast<TransactionFeed*>(
            source.capability(TransactionFeed::kName, TransactionFeed::kVersion));
    }
    static const AccountTransactions* find(const TransactionsResult& r, const std::string& id)
    {
        for (const auto& a : r.accounts)
            if (a.fingerprint == digestHex("simplefin:" + id))
                return &a;
        return nullptr;
    }
};

TEST_F(SfTransactionsTest, TheFeedIsOfferedAndCostsNoCallOfItsOwn)
{
    auto source = authorizedSource();
    ASSERT_NE(source->capability(TransactionFeed::kName, TransactionFeed::kVersion), nullptr);
    EXPECT_EQ(source->capability(TransactionFeed::kName, TransactionFeed::kVersion + 1), nullptr);
    EXPECT_EQ(feed(*source).fetchesPerDay(), 0u);
}

TEST_F(SfTransactionsTest, WithoutTransactionsThePollAsksForBalancesOnly)
{
    auto source = authorizedSource();
    http.expect("GET", kAccountsUrl, 200, bodyWith("[]"));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    EXPECT_THAT(http.unexpected(), IsEmpty());
    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-20");
    EXPECT_EQ(r.status, FetchStatus::ConfigError);
}

TEST_F(SfTransactionsTest, OnePollAsksForTwoWeeksAndPendingAndFetchTransactionsSendsNothing)
{
    auto source = feedSource();
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200, bodyWith(kCheckingTransactions));
    const FetchResult balances = source->fetch();
    ASSERT_EQ(balances.status, FetchStatus::Ok) << balances.message;
    EXPECT_THAT(http.unexpected(), IsEmpty());
    ASSERT_EQ(balances.accounts.size(), 3u);

    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-10");
    EXPECT_EQ(http.requests().size(), 1u);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_TRUE(r.message.empty()) << r.message;
    ASSERT_EQ(r.accounts.size(), 3u);
    const AccountTransactions* checking = find(r, "ACT-aaa");
    ASSERT_NE(checking, nullptr);
    ASSERT_EQ(checking->transactions.size(), 3u);
    const Transaction& narvesen = checking->transactions[0];
    EXPECT_EQ(narvesen.id, "TRN-1");
    EXPECT_EQ(narvesen.amount, (Money{-4900, "USD", balances.accounts[0].balance.decimals}));
    EXPECT_EQ(narvesen.date, "2026-11-25");
    EXPECT_EQ(narvesen.text, "Narvesen");  // the payee, not the raw description
    EXPECT_FALSE(narvesen.pending);
    const Transaction& payroll = checking->transactions[1];
    EXPECT_EQ(payroll.amount.minor, 250050);      // "2500.5" exactly, money in
    EXPECT_EQ(payroll.text, "PAYROLL ACME INC");  // no payee: the description
    EXPECT_EQ(payroll.date, "2026-11-18");
    const Transaction& coffee = checking->transactions[2];
    EXPECT_TRUE(coffee.pending);
    EXPECT_EQ(coffee.amount.minor, -1234);
    EXPECT_EQ(coffee.date, "2026-11-26");  // transacted_at, as posted is 0

    const AccountTransactions* savings = find(r, "ACT-ccc");
    ASSERT_NE(savings, nullptr);
    EXPECT_THAT(savings->transactions, IsEmpty());
}

TEST_F(SfTransactionsTest, AmountsTakeTheUnitOfTheAccountsBalanceCustomCurrencyToo)
{
    auto source = feedSource();
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200, bodyWith(kCheckingTransactions));
    const FetchResult balances = source->fetch();
    ASSERT_EQ(balances.status, FetchStatus::Ok) << balances.message;
    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-10");
    const AccountTransactions* miles = find(r, "ACT-ddd");
    ASSERT_NE(miles, nullptr);
    ASSERT_EQ(miles->transactions.size(), 1u);
    const Money& unit = balances.accounts[2].balance;
    EXPECT_EQ(unit.currency, "");
    EXPECT_EQ(miles->transactions[0].amount, (Money{-2500, unit.currency, unit.decimals}));
    for (const Transaction& t : find(r, "ACT-aaa")->transactions) {
        EXPECT_EQ(t.amount.currency, balances.accounts[0].balance.currency);
        EXPECT_EQ(t.amount.decimals, balances.accounts[0].balance.decimals);
    }
}

TEST_F(SfTransactionsTest, SinceDropsOlderBookedEntriesButKeepsPendingOnes)
{
    auto source = feedSource();
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200, bodyWith(kCheckingTransactions));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-27");
    ASSERT_EQ(r.status, FetchStatus::Ok);
    const auto& list = find(r, "ACT-aaa")->transactions;
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].id, "TRN-3");
    EXPECT_TRUE(find(r, "ACT-ddd")->transactions.empty());
}

TEST_F(SfTransactionsTest, TheNextPollStartsAtTheLastSinceAndNeverReachesPast60Days)
{
    auto source = feedSource();
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200, bodyWith("[]"));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    ASSERT_EQ(feed(*source).fetchTransactions("2026-11-20").status, FetchStatus::Ok);

    const std::int64_t nov20 = 1795132800;  // 2026-11-20T00:00:00Z
    http.expect("GET", windowUrl(nov20), 200, bodyWith("[]"));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    ASSERT_EQ(feed(*source).fetchTransactions("2025-01-01").status, FetchStatus::Ok);

    http.expect("GET", windowUrl(kNow - 60 * 86400), 200, bodyWith("[]"));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    EXPECT_THAT(http.unexpected(), IsEmpty());
    EXPECT_EQ(http.requests().size(), 3u);
}

TEST_F(SfTransactionsTest, ListingAccountsNeverAsksForTransactions)
{
    auto source = feedSource();
    http.expect("GET", kAccountsUrl, 200, bodyWith("[]"));
    EXPECT_EQ(source->listAccounts().status, FetchStatus::Ok);
    EXPECT_THAT(http.unexpected(), IsEmpty());
}

TEST_F(SfTransactionsTest, TheV1ShapeCarriesTransactionsToo)
{
    const std::string v1 = R"({"errors":[],"accounts":[
  {"org":{"domain":"chase.com","name":"Chase","sfin-url":"https://x"},"id":"ACT-aaa",
   "name":"Checking","currency":"USD","balance":"437.25","balance-date":1795762000,
   "transactions":[{"id":"TRN-1","posted":"1795608000","amount":"-49","description":"Narvesen"}]}]})";
    auto source = feedSource();
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200, v1);
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-20");
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 1u);
    ASSERT_EQ(r.accounts[0].transactions.size(), 1u);
    EXPECT_EQ(r.accounts[0].transactions[0].amount.minor, -4900);
    EXPECT_EQ(r.accounts[0].transactions[0].date, "2026-11-25");
}

TEST_F(SfTransactionsTest, AFailedConnectionsAccountsHaveNoTransactionsEither)
{
    auto source = feedSource();
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200,
                bodyWith(kCheckingTransactions, "[]",
                         R"({"code":"con.auth","msg":"Log in again","conn_id":"CON-2"})"));
    const FetchResult balances = source->fetch();
    ASSERT_EQ(balances.status, FetchStatus::Ok);
    ASSERT_EQ(balances.accounts.size(), 1u);
    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-10");
    ASSERT_EQ(r.status, FetchStatus::Ok);
    ASSERT_EQ(r.accounts.size(), 1u);
    EXPECT_NE(find(r, "ACT-aaa"), nullptr);
}

TEST_F(SfTransactionsTest, AnIncompleteOrUnreadableListLeavesOnlyThatAccountOut)
{
    auto source = feedSource();
    const std::string badMiles = R"([{"id":"TRN-9","posted":1795608000,"amount":"-12.5",
      "description":"Award"}])";  // more decimals than the balance's unit: never rounded
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200,
                bodyWith(kCheckingTransactions, badMiles,
                         R"({"code":"act.missingdata","msg":"Try later","account_id":"ACT-ccc"})"));
    const FetchResult balances = source->fetch();
    ASSERT_EQ(balances.status, FetchStatus::Ok);
    EXPECT_EQ(balances.accounts.size(), 3u);  // the balances are fine
    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-10");
    ASSERT_EQ(r.status, FetchStatus::Ok);
    ASSERT_EQ(r.accounts.size(), 1u);
    EXPECT_EQ(find(r, "ACT-aaa")->transactions.size(), 3u);
    EXPECT_THAT(r.message, HasSubstr("Savings at Maple Credit Union: the SimpleFIN Bridge's list "
                                     "of its transactions is incomplete"));
    EXPECT_THAT(r.message, HasSubstr("Airline miles at Maple Credit Union: a transaction's amount "
                                     "is not readable"));
    EXPECT_THAT(r.message, Not(HasSubstr("12.5")));
}

TEST_F(SfTransactionsTest, AListMissingFromTheReplyIsNotAnEmptyList)
{
    std::string body = bodyWith("[]");
    const std::string savingsList = R"("balance-date":1795761000,"transactions":[]})";
    body.replace(body.find(savingsList), savingsList.size(), R"("balance-date":1795761000})");
    auto source = feedSource();
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200, body);
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-10");
    ASSERT_EQ(r.status, FetchStatus::Ok);
    EXPECT_EQ(find(r, "ACT-ccc"), nullptr);
    EXPECT_THAT(r.message, HasSubstr("Savings at Maple Credit Union: the SimpleFIN Bridge sent no "
                                     "list of its transactions"));
}

TEST_F(SfTransactionsTest, AFailedPollLeavesNothingToHandOut)
{
    auto source = feedSource();
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200, bodyWith(kCheckingTransactions));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    ASSERT_EQ(feed(*source).fetchTransactions("2026-11-10").status, FetchStatus::Ok);
    const std::int64_t nov10 = 1794268800;  // 2026-11-10T00:00:00Z
    http.expect("GET", windowUrl(nov10), 200, bodyWith(kCheckingTransactions).substr(0, 300));
    EXPECT_EQ(source->fetch().status, FetchStatus::Temporary);
    EXPECT_EQ(feed(*source).fetchTransactions("2026-11-10").status, FetchStatus::Temporary);
    http.expect("GET", windowUrl(nov10), 429, "{}", {{"Retry-After", "120"}});
    const FetchResult limited = source->fetch();
    EXPECT_EQ(limited.status, FetchStatus::RateLimited);
    EXPECT_EQ(limited.retryAfter, std::chrono::seconds(120));
    http.expect("GET", windowUrl(nov10), 403, "<html>Forbidden</html>",
                {{"Content-Type", "text/html"}});
    EXPECT_EQ(source->fetch().status, FetchStatus::AuthRequired);
    EXPECT_EQ(feed(*source).fetchTransactions("2026-11-10").status, FetchStatus::Temporary);
    EXPECT_THAT(http.unexpected(), IsEmpty());
}

TEST_F(SfTransactionsTest, NoCounterpartNumberReachesATextAndNothingOfATransactionIsLogged)
{
    log.lines.clear();
    auto source = feedSource();
    const std::string transfer = R"([
  {"id":"TRN-5","posted":1795608000,"amount":"-300.00","description":"Transfer",
   "memo":"To account 12345678903","payee":"",
   "extra":{"counterparty_account":"98765432109","account_number":"55554444333"}},
  {"id":"TRN-6","posted":1795608000,"amount":"-17.77","description":"",
   "payee":"Dr. Who 12345678903"}])";
    http.expect("GET", windowUrl(kNow - 14 * 86400), 200, bodyWith(transfer));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    const TransactionsResult r = feed(*source).fetchTransactions("2026-11-10");
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    const auto& list = find(r, "ACT-aaa")->transactions;
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].text, "Transfer");                       // never the memo, never extra
    EXPECT_THAT(list[1].text, Not(HasSubstr("12345678903")));  // masked even in the payee
    for (const auto& a : r.accounts)
        for (const Transaction& t : a.transactions)
            for (const char* number : {"12345678903", "98765432109", "55554444333"})
                EXPECT_THAT(t.text, Not(HasSubstr(number)));
    for (const char* needle :
         {"Transfer", "300", "17.77", "Dr. Who", "12345678903", "98765432109", "TRN-5", "Narvesen"})
        EXPECT_FALSE(log.contains(needle)) << needle;
    EXPECT_TRUE(logIsClean());
}

TEST(SfTransactionDates, UtcDatesAndTheirStart)
{
    EXPECT_EQ(utcDate(1795762800), "2026-11-27");
    EXPECT_EQ(utcDate(1795737599), "2026-11-26");
    EXPECT_EQ(startOfUtcDate("2026-11-27"), std::optional<std::int64_t>(1795737600));
    EXPECT_FALSE(startOfUtcDate("2026-02-30"));
    EXPECT_FALSE(startOfUtcDate("27.11.2026"));
    EXPECT_FALSE(startOfUtcDate(""));
}

TEST(SfTransactionAmounts, ExactlyInTheUnitOrNotAtAll)
{
    const Money usd{0, "USD", -1};
    EXPECT_EQ(amountIn(std::string("-49.00"), usd), (Money{-4900, "USD", -1}));
    EXPECT_EQ(amountIn(std::string("1e2"), usd), (Money{10000, "USD", -1}));
    EXPECT_FALSE(amountIn(std::string("-1.234"), usd));
    EXPECT_FALSE(amountIn(std::string("12,50"), usd));
    EXPECT_FALSE(amountIn(true, usd));
    EXPECT_EQ(amountIn(std::string("7"), (Money{0, "", 0})), (Money{7, "", 0}));
}

}  // namespace
}  // namespace bank2mqtt::simplefin::test
