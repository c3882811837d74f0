// SPDX-License-Identifier: MIT
// Tests of the simulator's Transactions endpoints (v1 and v2) and its /transaction and /book
// control routes.
#include "sim_test_support.h"

#include <Poco/JSON/Array.h>

namespace bank2mqtt::sim::test {
namespace {

const std::string kLommepengerId = "8B1F4C2A9D3E47A6B5C0D1E2F3A4B5C6";
const std::string kV1 = "/bank/api/v1/Transactions/" + kLommepengerId;
const std::string kV2 = "/apibeta/api/v2/Transactions/" + kLommepengerId;

class TransactionsApi : public SimulatorTest {
protected:
    /// POST /transaction with `query` after "account=Lommepenger&"; returns the new id.
    std::string add(const std::string& query)
    {
        const HttpResult reply = control("POST", "/transaction?account=Lommepenger&" + query);
        EXPECT_EQ(reply.status, 200) << reply.body;
        const auto object = parseObject(reply.body);
        return object ? object->getValue<std::string>("id") : "";
    }

    HttpResult get(const std::string& pathAndQuery)
    {
        auto session = httpsSession();
        return apiGet(*session, pathAndQuery, token(*session));
    }

    /// The items of a successful list reply; fails the test otherwise.
    Poco::JSON::Array::Ptr items(const HttpResult& reply, int availableItems)
    {
        EXPECT_EQ(reply.status, 200) << reply.body;
        const auto object = parseObject(reply.body);
        if (!object) {
            return new Poco::JSON::Array;
        }
        EXPECT_EQ(object->getValue<int>("availableItems"), availableItems) << reply.body;
        return object->getArray("items");
    }
};

TEST_F(TransactionsApi, V1AndV2ListEntriesWithExactAmounts)
{
    add("amount=-49.99&text=VISA+VARE+KIWI&merchant=KIWI+GRUNERLOKKA");
    add("amount=1234567.89&text=Arv&other_account=12345678903");
    add("amount=-0.5&text=Reservasjon&pending=1");
    for (const std::string& path : {kV1, kV2}) {
        const HttpResult reply = get(path);
        for (const char* literal :
             {R"("amount":-49.99)", R"("amount":1234567.89)", R"("amount":-0.50)",
              R"("merchantName":"KIWI GRUNERLOKKA")", R"("otherAccountNumber":"12345678903")",
              R"("otherAccountNumberSpecified":true)", R"("isReservation":true)",
              R"("cardDetailsSpecified":true)"}) {
            EXPECT_NE(reply.body.find(literal), std::string::npos) << path << " " << literal;
        }
        const auto list = items(reply, 3);
        ASSERT_EQ(list->size(), 3u);
        const auto first = list->getObject(0);
        EXPECT_EQ(first->getValue<std::string>("accountingDate").size(), 19u);
        EXPECT_TRUE(first->has("text"));
        EXPECT_FALSE(first->has("id"));
        EXPECT_EQ(reply.body.find("\"isError\"") != std::string::npos, path == kV1) << path;
    }
}

TEST_F(TransactionsApi, StartDateAndEndDateChooseTheWindow)
{
    const std::string today = todayUtc();
    add("amount=-10&text=Gammel&date=" + addDays(today, -40));
    add("amount=-20&text=Forrige+uke&date=" + addDays(today, -7));
    add("amount=-30&text=Reservert&pending=1");

    EXPECT_EQ(items(get(kV2), 2)->size(), 2u);  // default: the last 30 days
    EXPECT_EQ(items(get(kV2 + "?startDate=" + addDays(today, -41)), 3)->size(), 3u);
    EXPECT_EQ(items(get(kV2 + "?startDate=" + addDays(today, -6)), 1)->size(), 1u);
    // An endDate hides the reservations, as Sbanken did.
    const auto withEnd =
        items(get(kV2 + "?startDate=" + addDays(today, -10) + "&endDate=" + addDays(today, -1)), 1);
    ASSERT_EQ(withEnd->size(), 1u);
    EXPECT_EQ(withEnd->getObject(0)->getValue<std::string>("text"), "Forrige uke");
    // v1 answered 500 to endDate = today.
    EXPECT_EQ(get(kV1 + "?endDate=" + today).status, 500);
    EXPECT_EQ(get(kV2 + "?endDate=" + today).status, 200);
}

TEST_F(TransactionsApi, IndexAndLengthPageThroughNewestFirst)
{
    const std::string today = todayUtc();
    for (int day = 1; day <= 5; ++day) {
        add("amount=-" + std::to_string(day) + "&text=Dag+" + std::to_string(day) +
            "&date=" + addDays(today, -day));
    }
    std::vector<std::string> texts;
    for (int index = 0; index < 6; index += 2) {
        const auto page = items(get(kV1 + "?index=" + std::to_string(index) + "&length=2"), 5);
        EXPECT_EQ(page->size(), index < 4 ? 2u : 1u);
        for (std::size_t i = 0; i < page->size(); ++i) {
            texts.push_back(page->getObject(i)->getValue<std::string>("text"));
        }
    }
    EXPECT_EQ(texts, (std::vector<std::string>{"Dag 1", "Dag 2", "Dag 3", "Dag 4", "Dag 5"}));
    EXPECT_EQ(items(get(kV2 + "?index=5"), 5)->size(), 0u);
    EXPECT_EQ(get(kV2 + "?length=1001").status, 400);
    EXPECT_EQ(get(kV2 + "?length=0").status, 400);
    EXPECT_EQ(get(kV1 + "?startDate=yesterday").status, 400);
}

TEST_F(TransactionsApi, BookReplacesTheReservationWithABookedEntry)
{
    const std::string id = add("amount=-249.00&text=VISA+VARE+NARVESEN&pending=1");
    const HttpResult booked = control("POST", "/book?id=" + id + "&text=NARVESEN+OSLO+S");
    ASSERT_EQ(booked.status, 200) << booked.body;
    const auto newId = parseObject(booked.body)->getValue<std::string>("id");
    EXPECT_NE(newId, id);

    const auto list = items(get(kV2), 1);
    ASSERT_EQ(list->size(), 1u);
    const auto entry = list->getObject(0);
    EXPECT_FALSE(entry->getValue<bool>("isReservation"));
    EXPECT_EQ(entry->getValue<std::string>("text"), "NARVESEN OSLO S");
    EXPECT_NE(get(kV2).body.find(R"("amount":-249.00)"), std::string::npos);

    EXPECT_EQ(control("POST", "/book?id=" + id).status, 404);     // gone
    EXPECT_EQ(control("POST", "/book?id=" + newId).status, 404);  // booked already
    const HttpResult listed = control("GET", "/transactions?account=97104133219");
    ASSERT_EQ(listed.status, 200);
    EXPECT_NE(listed.body.find("\"ids\":[\"" + newId + "\"]"), std::string::npos) << listed.body;
}

TEST_F(TransactionsApi, RequestsAreCountedApartAndFaulted)
{
    ASSERT_EQ(control("POST", "/fault?mode=503&count=1").status, 200);
    EXPECT_EQ(get(kV2).status, 503);
    EXPECT_EQ(get(kV2).status, 200);
    EXPECT_EQ(get("/apibeta/api/v2/Transactions/00000000000000000000000000000000").status, 404);
    const auto counters = sim_->state().counters();
    EXPECT_EQ(counters.transactionRequests, 3u);
    EXPECT_EQ(counters.accountRequests, 0u);
    EXPECT_NE(control("GET", "/counters").body.find(R"("transaction_requests":3)"),
              std::string::npos);
}

TEST_F(TransactionsApi, ControlRefusesBadParameters)
{
    EXPECT_EQ(control("POST", "/transaction?account=Nope&amount=1&text=x").status, 404);
    EXPECT_EQ(control("POST", "/transaction?account=Lommepenger&amount=1.234&text=x").status, 400);
    EXPECT_EQ(control("POST", "/transaction?account=Lommepenger&amount=1").status, 400);
    EXPECT_EQ(
        control("POST", "/transaction?account=Lommepenger&amount=1&text=x&date=2026-02-30").status,
        400);
    EXPECT_EQ(control("POST", "/transaction?account=Lommepenger&amount=1&text=x&other_account=123")
                  .status,
              400);
    EXPECT_EQ(control("GET", "/transaction").status, 405);
    EXPECT_EQ(control("GET", "/transactions?account=Nope").status, 404);
}

}  // namespace
}  // namespace bank2mqtt::sim::test
