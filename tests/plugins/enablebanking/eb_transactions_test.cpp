// SPDX-License-Identifier: MIT
// One page of GET /accounts/{uid}/transactions read into SDK entries: sign, text, ids, dates,
// statuses, exact amounts, and nothing of the counterpart's account in the text.
#include "eb_transactions.h"

#include <gmock/gmock.h>

namespace bank2mqtt::enablebanking::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

HttpResponse page(const std::string& body)
{
    HttpResponse r;
    r.status = 200;
    r.body = body;
    r.headers = {{"Content-Type", "application/json"}};
    return r;
}

std::string pageOf(const std::string& entries, const std::string& key = "null")
{
    return R"({"transactions":[)" + entries + R"(],"continuation_key":)" + key + "}";
}

// An entry as Enable Banking's OpenAPI names the fields; `extra` is spliced in.
std::string entry(const std::string& amount, const std::string& indicator,
                  const std::string& status = "BOOK", const std::string& extra = "")
{
    return R"({"entry_reference":"5561990681","transaction_amount":{"currency":"NOK","amount":")" +
           amount + R"("},"credit_debit_indicator":")" + indicator + R"(","status":")" + status +
           R"(","booking_date":"2026-12-02","value_date":"2026-12-01",)"
           R"("transaction_date":"2026-11-30")" +
           (extra.empty() ? "" : "," + extra) + "}";
}

TransactionsPage read(const std::string& body, const std::string& since = "2026-11-25")
{
    return parseTransactionsPage(page(body), "NOK", since, ReplyContext{});
}

TEST(EbTransactions, DebitIsNegativeCreditPositiveAndAmountsExact)
{
    const TransactionsPage p = read(pageOf(entry("49.00", "DBIT") + "," + entry("1250.5", "CRDT") +
                                           "," + entry("0.01", "DBIT")));

    ASSERT_TRUE(p.ok()) << p.status.message;
    ASSERT_EQ(p.transactions.size(), 3u);
    EXPECT_EQ(p.transactions[0].amount, (Money{-4900, "NOK"}));
    EXPECT_EQ(p.transactions[1].amount, (Money{125050, "NOK"}));
    EXPECT_EQ(p.transactions[2].amount, (Money{-1, "NOK"}));
    EXPECT_EQ(p.transactions[0].id, "5561990681");
    EXPECT_EQ(p.transactions[0].date, "2026-12-02");
    EXPECT_FALSE(p.transactions[0].pending);
    EXPECT_TRUE(p.continuationKey.empty());
}

TEST(EbTransactions, ASignedAmountTakesItsSignFromTheIndicatorOnly)
{
    const TransactionsPage p = read(pageOf(entry("-49.00", "DBIT") + "," + entry("-5", "CRDT")));
    ASSERT_TRUE(p.ok()) << p.status.message;
    EXPECT_EQ(p.transactions[0].amount.minor, -4900);
    EXPECT_EQ(p.transactions[1].amount.minor, 500);
}

TEST(EbTransactions, AnAmountThatIsNotExactFailsThePageNotTheEntryAlone)
{
    for (const std::string amount : {"49.001", "1e3", "4,50", "", "--5"}) {
        const TransactionsPage p =
            read(pageOf(entry("1.00", "DBIT") + "," + entry(amount, "DBIT")));
        EXPECT_EQ(p.status.outcome, EbOutcome::Temporary) << amount;
        EXPECT_TRUE(p.transactions.empty()) << amount << ": a partial list";
    }
    EXPECT_FALSE(read(pageOf(entry("1.00", "XXXX"))).ok());
    EXPECT_FALSE(read(pageOf(R"({"transaction_amount":{"currency":"NOK","amount":"1.00"},)"
                             R"("credit_debit_indicator":"DBIT"})"))
                     .ok())
        << "status is required";
}

TEST(EbTransactions, DebitTextIsTheCreditorCreditTextTheDebtorElseRemittance)
{
    const std::string both =
        R"("creditor":{"name":"NARVESEN OSLO S"},"debtor":{"name":"Ola Nordmann"})";
    const TransactionsPage p = read(pageOf(
        entry("49.00", "DBIT", "BOOK", both) + "," + entry("100.00", "CRDT", "BOOK", both) + "," +
        entry("45.13", "DBIT", "BOOK",
              R"("creditor":{"name":""},"debtor":null,)"
              R"("remittance_information":["POS 45,13 31.07.","REMA 1000\nMAJORSTUEN"])") +
        "," + entry("5.00", "CRDT", "BOOK", R"("creditor":null,"remittance_information":null)")));

    ASSERT_TRUE(p.ok()) << p.status.message;
    EXPECT_EQ(p.transactions[0].text, "NARVESEN OSLO S");
    EXPECT_EQ(p.transactions[1].text, "Ola Nordmann");
    EXPECT_EQ(p.transactions[2].text, "POS 45,13 31.07. REMA 1000 MAJORSTUEN");
    EXPECT_EQ(p.transactions[3].text, "");
}

TEST(EbTransactions, TheCounterpartsAccountNumberNeverReachesTheText)
{
    const std::string iban = "NO8330001234567";
    const TransactionsPage p = read(pageOf(
        entry("200.00", "CRDT", "BOOK",
              R"("debtor":{"name":"Lommepenger fra )" + iban + R"("},"debtor_account":{"iban":")" +
                  iban + R"("},"creditor_account":{"other":{"identification":"12345678903"}})") +
        "," +
        entry(
            "10.00", "DBIT", "BOOK",
            R"("creditor_account":{"iban":")" + iban + R"("},"remittance_information":["Til )" +
                iban +
                R"("],)"
                R"("creditor_account_additional_identification":[{"identification":"12345678903",)"
                R"("scheme_name":"BBAN"}])")));

    ASSERT_TRUE(p.ok()) << p.status.message;
    for (const Transaction& t : p.transactions) {
        EXPECT_THAT(t.text, Not(HasSubstr(iban)));
        EXPECT_THAT(t.text, Not(HasSubstr("12345678903")));
    }
    EXPECT_EQ(p.transactions[0].text, "Lommepenger fra ***");
    EXPECT_EQ(p.transactions[1].text, "Til ***");
}

TEST(EbTransactions, BookIsBookedPdngAndHoldArePendingOthersAreLeftOut)
{
    const TransactionsPage p =
        read(pageOf(entry("1.00", "DBIT", "BOOK") + "," + entry("2.00", "DBIT", "PDNG") + "," +
                    entry("3.00", "DBIT", "HOLD") + "," + entry("4.00", "DBIT", "CNCL") + "," +
                    entry("5.00", "DBIT", "RJCT") + "," + entry("6.00", "DBIT", "SCHD") + "," +
                    entry("7.00", "DBIT", "OTHR")));

    ASSERT_TRUE(p.ok()) << p.status.message;
    ASSERT_EQ(p.transactions.size(), 3u);
    EXPECT_FALSE(p.transactions[0].pending);
    EXPECT_TRUE(p.transactions[1].pending);
    EXPECT_TRUE(p.transactions[2].pending);
    EXPECT_EQ(p.transactions[1].date, "2026-11-30") << "a pending entry's transaction_date";
    EXPECT_EQ(p.otherStatus, 4);
}

TEST(EbTransactions, DatesFallBackAndOldBookedEntriesAreLeftOut)
{
    const std::string onlyValue =
        R"({"transaction_amount":{"currency":"NOK","amount":"1.00"},"credit_debit_indicator":)"
        R"("DBIT","status":"BOOK","value_date":"2026-12-01"})";
    const std::string noDate =
        R"({"transaction_amount":{"currency":"NOK","amount":"1.00"},"credit_debit_indicator":)"
        R"("DBIT","status":"PDNG","transaction_date":"soon"})";
    const TransactionsPage p = read(pageOf(onlyValue + "," + noDate), "2026-12-01");
    ASSERT_TRUE(p.ok()) << p.status.message;
    ASSERT_EQ(p.transactions.size(), 2u);
    EXPECT_EQ(p.transactions[0].date, "2026-12-01");
    EXPECT_EQ(p.transactions[1].date, "");
    EXPECT_EQ(p.transactions[0].id, "") << "no entry_reference, no id";

    EXPECT_TRUE(read(pageOf(entry("1.00", "DBIT")), "2026-12-03").transactions.empty());
    EXPECT_EQ(read(pageOf(entry("1.00", "DBIT", "PDNG")), "2026-12-03").transactions.size(), 1u)
        << "every pending entry is listed";
}

TEST(EbTransactions, AnEntryInAnotherCurrencyIsLeftOutAndCounted)
{
    const TransactionsPage p = read(pageOf(
        entry("1.00", "DBIT") + "," +
        R"({"transaction_amount":{"currency":"EUR","amount":"9.99"},"credit_debit_indicator":)"
        R"("DBIT","status":"BOOK","booking_date":"2026-12-02"})"));
    ASSERT_TRUE(p.ok()) << p.status.message;
    EXPECT_EQ(p.transactions.size(), 1u);
    EXPECT_EQ(p.otherCurrency, 1);
}

TEST(EbTransactions, AContinuationKeyAndUnusableRepliesAreRead)
{
    EXPECT_EQ(read(pageOf("", R"("page-2")")).continuationKey, "page-2");
    EXPECT_EQ(read(pageOf("", R"("")")).continuationKey, "");
    EXPECT_EQ(read(R"({"transactions":[)").status.outcome, EbOutcome::Temporary);
    EXPECT_EQ(read(R"({"continuation_key":null})").status.outcome, EbOutcome::Temporary);

    HttpResponse tooMany =
        page(R"({"code":429,"message":"x","error":"ASPSP_RATE_LIMIT_EXCEEDED"})");
    tooMany.status = 429;
    EXPECT_EQ(parseTransactionsPage(tooMany, "NOK", "2026-11-25", {}).status.outcome,
              EbOutcome::RateLimited);
    HttpResponse period = page(R"({"code":422,"message":"x","error":"WRONG_TRANSACTIONS_PERIOD"})");
    period.status = 422;
    EXPECT_EQ(parseTransactionsPage(period, "NOK", "2026-11-25", {}).status.outcome,
              EbOutcome::AccountError);
}

TEST(EbTransactions, RepeatedIdsAreNoIds)
{
    std::vector<Transaction> list(4);
    list[0].id = "0";
    list[1].id = "0";
    list[2].id = "77";
    std::vector<Transaction> copy = list;
    clearRepeatedIds(copy);
    EXPECT_EQ(copy[0].id, "");
    EXPECT_EQ(copy[1].id, "");
    EXPECT_EQ(copy[2].id, "77");
    EXPECT_EQ(copy[3].id, "");
}

}  // namespace
}  // namespace bank2mqtt::enablebanking::test
