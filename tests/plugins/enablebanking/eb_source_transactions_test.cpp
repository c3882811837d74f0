// SPDX-License-Identifier: MIT
// EnableBankingSource as a TransactionFeed on fakes: paging, failures, the budget, the uids of
// the last poll, and nothing of a transaction in a log line.
#include "eb_source_fixtures.h"

#include <gmock/gmock.h>

namespace bank2mqtt::enablebanking::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSince = "2026-11-25";

std::string transactionsUrl(const std::string& uid, const std::string& key = "")
{
    return kApi + "/accounts/" + uid + "/transactions?date_from=" + kSince +
           (key.empty() ? "" : "&continuation_key=" + key);
}

std::string debit(const std::string& reference, const std::string& amount,
                  const std::string& merchant, const std::string& status = "BOOK")
{
    return R"({"entry_reference":")" + reference +
           R"(","transaction_amount":{"currency":"NOK","amount":")" + amount +
           R"("},"credit_debit_indicator":"DBIT","status":")" + status +
           R"(","booking_date":"2026-12-02","creditor":{"name":")" + merchant + R"("}})";
}

std::string pageBody(const std::string& entries, const std::string& next = "")
{
    return R"({"transactions":[)" + entries + R"(],"continuation_key":)" +
           (next.empty() ? std::string("null") : "\"" + next + "\"") + "}";
}

class EbTransactionFeed : public EbSourceHarness {
protected:
    /// A source with a consent and one Ok poll of the selected accounts behind it.
    std::unique_ptr<EnableBankingSource> polled(std::vector<std::string> selectors = {})
    {
        auto source = makeSource(std::move(selectors));
        authorize(*source);
        const auto accounts = fixtureAccounts();
        const std::size_t n = selectorsCount_ == 0 ? accounts.size() : selectorsCount_;
        for (std::size_t i = 0; i < n; ++i)
            http.expect("GET", balancesUrl(accounts[i].uid), 200, balancesBody("100.00"));
        const FetchResult poll = source->fetch();
        EXPECT_EQ(poll.status, FetchStatus::Ok) << poll.message;
        http.clearRequests();
        return source;
    }
    std::unique_ptr<EnableBankingSource> polledLommepenger()
    {
        selectorsCount_ = 1;
        return polled({"Lommepenger"});
    }
    std::size_t selectorsCount_ = 0;
};

TEST_F(EbTransactionFeed, IsOfferedWithTheSameDailyLimitAsTheBalances)
{
    auto source = makeSource();
    TransactionFeed* feed = capabilityOf<TransactionFeed>(*source);
    ASSERT_NE(feed, nullptr);
    EXPECT_EQ(feed->fetchesPerDay(), 4u);
    SourceConfig c = config();
    c.values["daily_limit"] = "2";
    EXPECT_EQ(makeSourceFrom(c)->fetchesPerDay(), 2u);
    feed->enableTransactions();
    EXPECT_TRUE(http.requests().empty());
}

TEST_F(EbTransactionFeed, FollowsThreePagesAndListsEachEntryOnce)
{
    auto source = polledLommepenger();
    const std::string uid = fixtureAccounts()[0].uid;
    http.expect(
        "GET", transactionsUrl(uid), 200,
        pageBody(debit("r1", "49.00", "NARVESEN OSLO S") + "," + debit("r2", "12.50", "KIWI"),
                 "k2"));
    http.expect("GET", transactionsUrl(uid, "k2"), 200,
                pageBody(debit("r3", "300.00", "VINMONOPOLET"), "k3"));
    http.expect("GET", transactionsUrl(uid, "k3"), 200,
                pageBody(debit("r4", "8.00", "RUTER", "PDNG")));

    const TransactionsResult result = source->fetchTransactions(kSince);

    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    expectScriptConsumed();
    ASSERT_EQ(result.accounts.size(), 1u);
    EXPECT_EQ(result.accounts[0].fingerprint, accountIdentity(fixtureAccounts()[0].iban, ""));
    const auto& list = result.accounts[0].transactions;
    ASSERT_EQ(list.size(), 4u);
    EXPECT_EQ(list[0].id, "r1");
    EXPECT_EQ(list[0].text, "NARVESEN OSLO S");
    EXPECT_EQ(list[0].amount, (Money{-4900, "NOK"}));
    EXPECT_EQ(list[3].id, "r4");
    EXPECT_TRUE(list[3].pending);
    for (const auto& request : http.requests()) {
        for (const auto& [name, value] : request.headers)
            EXPECT_THAT(name, Not(HasSubstr("Psu"))) << "an unattended read claims a person";
    }
}

TEST_F(EbTransactionFeed, APageThatFailsFailsTheCallWithoutAPartialList)
{
    auto source = polledLommepenger();
    const std::string uid = fixtureAccounts()[0].uid;
    http.expect("GET", transactionsUrl(uid), 200, pageBody(debit("r1", "1.00", "A"), "k2"));
    http.expect("GET", transactionsUrl(uid, "k2"), 503, "<html>down</html>",
                {{"Content-Type", "text/html"}});
    http.expect("GET", transactionsUrl(uid), 200, pageBody(debit("r1", "1.00", "A"), "k2"));
    http.expect("GET", transactionsUrl(uid, "k2"), 200, R"({"transactions":[{"entry_ref)");

    for (int attempt = 0; attempt < 2; ++attempt) {
        const TransactionsResult result = source->fetchTransactions(kSince);
        EXPECT_EQ(result.status, FetchStatus::Temporary) << attempt;
        EXPECT_TRUE(result.accounts.empty()) << attempt;
        EXPECT_FALSE(result.message.empty());
    }
    expectScriptConsumed();
}

TEST_F(EbTransactionFeed, AListingThatNeverEndsIsTemporaryAfterTwentyPages)
{
    auto source = polledLommepenger();
    const std::string uid = fixtureAccounts()[0].uid;
    http.expect("GET", transactionsUrl(uid), 200, pageBody(debit("r0", "1.00", "A"), "k1"));
    for (int i = 1; i < 25; ++i)
        http.expect(
            "GET", transactionsUrl(uid, "k" + std::to_string(i)), 200,
            pageBody(debit("r" + std::to_string(i), "1.00", "A"), "k" + std::to_string(i + 1)));

    const TransactionsResult result = source->fetchTransactions(kSince);

    EXPECT_EQ(result.status, FetchStatus::Temporary);
    EXPECT_THAT(result.message, HasSubstr("more pages"));
    EXPECT_TRUE(result.accounts.empty());
    EXPECT_EQ(http.requests().size(),
              static_cast<std::size_t>(EnableBankingSource::kMaxTransactionPages));
}

TEST_F(EbTransactionFeed, TheBanksLimitIsRateLimitedAndEndsTheCall)
{
    auto source = polled();
    http.expect("GET", transactionsUrl(fixtureAccounts()[0].uid), 429,
                R"({"code":429,"message":"HTTP 429","error":"ASPSP_RATE_LIMIT_EXCEEDED"})",
                {{"Content-Type", "application/json"}, {"Retry-After", "7200"}});

    const TransactionsResult result = source->fetchTransactions(kSince);

    EXPECT_EQ(result.status, FetchStatus::RateLimited);
    ASSERT_TRUE(result.retryAfter);
    EXPECT_EQ(*result.retryAfter, std::chrono::seconds(7200));
    EXPECT_EQ(http.requests().size(), 1u) << "the other accounts would spend their budget";
}

TEST_F(EbTransactionFeed, AnEndedSessionIsAuthRequired)
{
    auto source = polled();
    http.expect("GET", transactionsUrl(fixtureAccounts()[0].uid), 401,
                R"({"code":401,"message":"Session expired","error":"EXPIRED_SESSION"})");
    const TransactionsResult result = source->fetchTransactions(kSince);
    EXPECT_EQ(result.status, FetchStatus::AuthRequired);
    EXPECT_THAT(result.message, HasSubstr("bank2mqtt --authorize=kid"));
}

TEST_F(EbTransactionFeed, OneAccountsRefusalLeavesTheOthersAndNamesIt)
{
    auto source = polled();
    const auto accounts = fixtureAccounts();
    http.expect("GET", transactionsUrl(accounts[0].uid), 200, pageBody(debit("r1", "1.00", "A")));
    http.expect("GET", transactionsUrl(accounts[1].uid), 422,
                R"({"code":422,"message":"x","error":"PSU_HEADER_NOT_PROVIDED"})");
    http.expect("GET", transactionsUrl(accounts[2].uid), 200, pageBody(""));

    const TransactionsResult result = source->fetchTransactions(kSince);

    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts.size(), 2u);
    EXPECT_EQ(result.accounts[1].fingerprint, accountIdentity(accounts[2].iban, ""));
    EXPECT_TRUE(result.accounts[1].transactions.empty());
    EXPECT_THAT(result.message, HasSubstr("Sparekonto: "));
}

TEST_F(EbTransactionFeed, ReadsOnlyAfterAPollAndWithThatPollsUids)
{
    auto fresh = makeSource();
    authorize(*fresh);
    EXPECT_EQ(fresh->fetchTransactions(kSince).status, FetchStatus::Temporary);
    EXPECT_TRUE(http.requests().empty()) << "no uids of a poll yet";

    auto source = polledLommepenger();
    // A renewal since the poll: the poll's uids belong to the ended session.
    authorize(*source, fixtureAccounts("b"), "9d1e0c4a-5b6f-4a8e-9c2d-1f3e5a7b9c0d");
    const TransactionsResult result = source->fetchTransactions(kSince);
    EXPECT_EQ(result.status, FetchStatus::Temporary);
    EXPECT_THAT(result.message, HasSubstr("after the next poll"));
    EXPECT_TRUE(http.requests().empty());
    EXPECT_EQ(source->fetchTransactions("1 week ago").status, FetchStatus::Temporary);
}

TEST_F(EbTransactionFeed, TwoSelectorsOfOneAccountStayRefusedAndReadNoTransactions)
{
    auto source = makeSource({"lommepenger", "9710.41.33219"});
    authorize(*source);
    EXPECT_EQ(source->fetch().status, FetchStatus::ConfigError);
    EXPECT_EQ(source->fetchTransactions(kSince).status, FetchStatus::Temporary);
    EXPECT_TRUE(http.requests().empty());
}

TEST_F(EbTransactionFeed, NothingOfATransactionIsLoggedAndNoCounterpartNumberIsInItsText)
{
    auto source = polledLommepenger();
    const std::string uid = fixtureAccounts()[0].uid;
    const std::string counterpart = "NO8330001234567";
    http.expect("GET", transactionsUrl(uid), 200,
                pageBody(R"({"entry_reference":"r9","transaction_amount":{"currency":"NOK",)"
                         R"("amount":"777.77"},"credit_debit_indicator":"CRDT","status":"BOOK",)"
                         R"("booking_date":"2026-12-02","debtor":{"name":"Bestemor"},)"
                         R"("debtor_account":{"iban":")" +
                         counterpart + R"("},"remittance_information":["Til )" + counterpart +
                         R"("]},{"transaction_amount":{"currency":"EUR","amount":"3.33"},)"
                         R"("credit_debit_indicator":"DBIT","status":"BOOK",)"
                         R"("booking_date":"2026-12-02","creditor":{"name":"Abroad"}})"));
    log.lines.clear();

    const TransactionsResult result = source->fetchTransactions(kSince);

    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts[0].transactions.size(), 1u);
    EXPECT_EQ(result.accounts[0].transactions[0].text, "Bestemor");
    std::string logs;
    for (const auto& line : log.lines)
        logs += line.text + "\n";
    EXPECT_THAT(logs, HasSubstr("another currency")) << "the left-out entry is counted";
    for (const std::string& secret :
         {counterpart, std::string("777.77"), std::string("77777"), std::string("Bestemor"),
          std::string("3.33"), std::string("Abroad"), std::string("r9"), uid,
          fixtureAccounts()[0].iban, std::string("Lommepenger")})
        EXPECT_THAT(logs + result.message, Not(HasSubstr(secret))) << secret;
}

}  // namespace
}  // namespace bank2mqtt::enablebanking::test
