// SPDX-License-Identifier: MIT
// The simulator's transaction listing: shapes, date_from, paging, booking, its own budget.
#include "eb_sim_test_support.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

namespace bank2mqtt::ebsim::test {
namespace {

using EbSimTransactionsTest = EbSimTest;

struct Page {
    std::vector<Poco::JSON::Object::Ptr> entries;
    std::string next;  ///< "" when continuation_key is null
};

Page pageOf(const HttpResult& reply)
{
    EXPECT_EQ(reply.status, 200) << reply.body;
    Page page;
    const auto body = parseObject(reply.body);
    const auto list = body->getArray("transactions");
    for (std::size_t i = 0; list && i < list->size(); ++i)
        page.entries.push_back(list->getObject(static_cast<unsigned>(i)));
    if (!body->isNull("continuation_key"))
        page.next = body->getValue<std::string>("continuation_key");
    return page;
}

std::string nameOf(const Poco::JSON::Object::Ptr& entry, const std::string& party)
{
    return entry->isNull(party) ? "" : entry->getObject(party)->getValue<std::string>("name");
}

TEST_F(EbSimTransactionsTest, AnAddedDebitAndTheDefaultHistoryHaveTheOpenApiShape)
{
    const std::string uid = uidAt(consent(), 0);
    const HttpResult added =
        control("POST", "/transactions?account=lommepenger&amount=-49.00&text=NARVESEN%20OSLO%20S"
                        "&creditor_account=NO8330001234567&entry_reference=r-1");
    ASSERT_EQ(added.status, 200) << added.body;
    EXPECT_EQ(parseObject(added.body)->getValue<std::string>("entry_reference"), "r-1");

    const Page page = pageOf(api("GET", "/accounts/" + uid + "/transactions?date_from=2000-01-01"));

    ASSERT_EQ(page.entries.size(), 3u) << "the new entry first, then the two of the dataset";
    EXPECT_TRUE(page.next.empty());
    const auto& e = page.entries[0];
    EXPECT_EQ(e->getValue<std::string>("entry_reference"), "r-1");
    EXPECT_EQ(e->getValue<std::string>("credit_debit_indicator"), "DBIT");
    EXPECT_EQ(e->getValue<std::string>("status"), "BOOK");
    EXPECT_EQ(e->getObject("transaction_amount")->getValue<std::string>("amount"), "49.00");
    EXPECT_EQ(e->getObject("transaction_amount")->getValue<std::string>("currency"), "NOK");
    EXPECT_EQ(nameOf(e, "creditor"), "NARVESEN OSLO S");
    EXPECT_EQ(e->getObject("creditor_account")->getValue<std::string>("iban"), "NO8330001234567");
    EXPECT_EQ(e->getValue<std::string>("booking_date"), isoDate(sim_->state().now()));
    EXPECT_EQ(page.entries[1]->getValue<std::string>("credit_debit_indicator"), "CRDT");
    EXPECT_EQ(nameOf(page.entries[1], "debtor"), "Lommepenger fra pappa");

    // Another account has none; a date_from after the history leaves only the new entry.
    EXPECT_TRUE(pageOf(api("GET", "/accounts/" + uidAt(consent(), 1) +
                                      "/transactions?date_from=2000-01-01"))
                    .entries.empty());
    EXPECT_EQ(pageOf(api("GET", "/accounts/" + uid +
                                    "/transactions?date_from=" + isoDate(sim_->state().now())))
                  .entries.size(),
              1u);
}

TEST_F(EbSimTransactionsTest, PagesFollowTheContinuationKeyAndEachEntryComesOnce)
{
    const std::string uid = uidAt(consent(), 0);
    for (int i = 0; i < 3; ++i)
        control("POST", "/transactions?account=lommepenger&amount=-1.0" + std::to_string(i));
    ASSERT_EQ(control("POST", "/page-size?n=2").status, 200);
    const std::string first = "/accounts/" + uid + "/transactions?date_from=2000-01-01";

    std::vector<std::string> references;
    Page page = pageOf(api("GET", first));
    int pages = 1;
    for (;;) {
        for (const auto& e : page.entries)
            references.push_back(e->getValue<std::string>("entry_reference"));
        if (page.next.empty())
            break;
        page = pageOf(api("GET", first + "&continuation_key=" + page.next));
        ++pages;
    }

    EXPECT_EQ(pages, 3);
    ASSERT_EQ(references.size(), 5u);
    std::sort(references.begin(), references.end());
    EXPECT_EQ(std::unique(references.begin(), references.end()), references.end());
    const auto counters = parseObject(control("GET", "/counters").body);
    EXPECT_EQ(counters->getValue<int>("transaction_requests"), 3);
    const auto account = counters->getObject("accounts")->getObject("lommepenger");
    EXPECT_EQ(account->getValue<int>("transactions_in_window"), 1) << "one listing, one call";
    EXPECT_EQ(account->getValue<int>("balances"), 0);

    const HttpResult stale = api("GET", first + "&continuation_key=made-up");
    EXPECT_EQ(stale.status, 422);
    EXPECT_EQ(parseObject(stale.body)->getValue<std::string>("error"), "WRONG_CONTINUATION_KEY");
}

TEST_F(EbSimTransactionsTest, APendingEntryBooksKeepingOrChangingItsReference)
{
    const std::string uid = uidAt(consent(), 0);
    const std::string list = "/accounts/" + uid + "/transactions?date_from=2000-01-01";
    control("POST",
            "/transactions?account=lommepenger&amount=-8.00&status=PDNG&entry_reference=p1");
    control("POST",
            "/transactions?account=lommepenger&amount=-9.00&status=PDNG&entry_reference=p2");
    Page page = pageOf(api("GET", list));
    EXPECT_EQ(page.entries[0]->getValue<std::string>("status"), "PDNG");
    EXPECT_TRUE(page.entries[0]->isNull("booking_date"));

    const HttpResult kept =
        control("POST", "/transactions/book?account=lommepenger&entry_reference=p1");
    EXPECT_EQ(parseObject(kept.body)->getValue<std::string>("entry_reference"), "p1");
    const HttpResult changed = control(
        "POST", "/transactions/book?account=lommepenger&entry_reference=p2&keep_reference=0");
    const std::string renamed = parseObject(changed.body)->getValue<std::string>("entry_reference");
    EXPECT_NE(renamed, "p2");
    EXPECT_EQ(control("POST", "/transactions/book?account=lommepenger&entry_reference=p1").status,
              404)
        << "booked already";

    page = pageOf(api("GET", list));
    EXPECT_EQ(page.entries[0]->getValue<std::string>("entry_reference"), renamed);
    EXPECT_EQ(page.entries[0]->getValue<std::string>("status"), "BOOK");
    EXPECT_EQ(page.entries[1]->getValue<std::string>("entry_reference"), "p1");
    EXPECT_EQ(page.entries[1]->getValue<std::string>("status"), "BOOK");
}

TEST_F(EbSimTransactionsTest, TheListingHasItsOwnBudgetAndFaults)
{
    const auto session = consent();
    const std::string list =
        "/accounts/" + uidAt(session, 0) + "/transactions?date_from=2000-01-01";
    ASSERT_EQ(control("POST", "/fault?mode=429&endpoint=transactions&count=1").status, 200);
    EXPECT_EQ(api("GET", list).status, 429);
    EXPECT_EQ(api("GET", "/accounts/" + uidAt(session, 0) + "/balances").status, 200)
        << "a transactions fault leaves the balances alone";
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(api("GET", list).status, 200) << i;
    EXPECT_EQ(api("GET", list).status, 429) << "the fifth listing in a day";
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(api("GET", "/accounts/" + uidAt(session, 0) + "/balances").status, 200) << i;

    EXPECT_EQ(control("POST", "/transactions?account=nobody&amount=1.00").status, 404);
    EXPECT_EQ(control("POST", "/transactions?account=lommepenger&amount=1,00").status, 400);
    EXPECT_EQ(control("POST", "/page-size?n=0").status, 400);
}

}  // namespace
}  // namespace bank2mqtt::ebsim::test
