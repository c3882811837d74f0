// SPDX-License-Identifier: MIT
// Firefly III transaction pages as 6.x sends them (TransactionGroupTransformer), for the tests
// of FireflySource's TransactionFeed.
#pragma once

#include "ff_fixtures.h"

#include <string>
#include <vector>

namespace bank2mqtt::firefly::test {

/// FakeClock starts on 2026-11-27 (UTC): the end asked for is the day after.
inline const std::string kSince = "2026-11-20";
inline const std::string kEnd = "2026-11-28";

/// One split of a group; fields hold raw JSON values. The counterpart's IBAN is in
/// destination_iban/source_iban as Firefly III sends it, to prove it never reaches the text.
struct Split {
    std::string journal = "\"101\"";
    std::string type = "\"withdrawal\"";
    std::string date = "\"2026-11-25T00:00:00+01:00\"";
    std::string amount = "\"49.000000000000\"";
    std::string code = "\"NOK\"";
    std::string places = "2";
    std::string description = "\"NARVESEN OSLO S\"";
    std::string sourceId = "\"1\"";
    std::string sourceName = "\"Lommepenger\"";
    std::string sourceIban = "\"NO9386011117947\"";
    std::string destinationId = "\"9\"";
    std::string destinationName = "\"Narvesen 7-Eleven AS\"";
    std::string destinationIban = "\"NO0215038877041\"";
};

inline std::string splitJson(const Split& s)
{
    return R"({"user":"1","transaction_journal_id":)" + s.journal + R"(,"type":)" + s.type +
           R"(,"date":)" + s.date + R"(,"order":0,"currency_id":"1","currency_code":)" + s.code +
           R"(,"currency_symbol":"kr","currency_decimal_places":)" + s.places +
           R"(,"foreign_currency_id":null,"foreign_currency_code":null,"amount":)" + s.amount +
           R"(,"pc_amount":null,"foreign_amount":null,"description":)" + s.description +
           R"(,"source_id":)" + s.sourceId + R"(,"source_name":)" + s.sourceName +
           R"(,"source_iban":)" + s.sourceIban + R"(,"source_type":"Asset account",)" +
           R"("destination_id":)" + s.destinationId + R"(,"destination_name":)" +
           s.destinationName + R"(,"destination_iban":)" + s.destinationIban +
           R"(,"destination_type":"Expense account","budget_id":null,"category_id":null,)" +
           R"("reconciled":false,"notes":"Betalt fra 1234.56.78903","tags":[],)" +
           R"("internal_reference":null,"external_id":null})";
}

inline std::string groupJson(const std::string& id, const std::vector<Split>& splits)
{
    std::string list;
    for (const auto& split : splits)
        list += (list.empty() ? "" : ",") + splitJson(split);
    return R"({"type":"transactions","id":")" + id + R"(","attributes":{)" +
           R"("created_at":"2026-11-25T10:00:00+01:00","updated_at":"2026-11-25T10:00:00+01:00",)" +
           R"("user":"1","group_title":null,"transactions":[)" + list + R"(]},)" +
           R"("links":{"0":{"rel":"self","uri":"/transactions/)" + id + R"("}}})";
}

/// A page of groups; meta.pagination.total is `total`, or with -1 groups.size() * pages.
inline std::string txPageJson(const std::vector<std::string>& groups, int page = 1, int pages = 1,
                              long long total = -1)
{
    if (total < 0)
        total = static_cast<long long>(groups.size()) * pages;
    std::string data;
    for (const auto& group : groups)
        data += (data.empty() ? "" : ",") + group;
    return R"({"data":[)" + data + R"(],"meta":{"pagination":{"total":)" + std::to_string(total) +
           R"(,"count":)" + std::to_string(groups.size()) + R"(,"per_page":500,"current_page":)" +
           std::to_string(page) + R"(,"total_pages":)" + std::to_string(pages) + "}}}";
}

inline std::string txUrl(const std::string& accountId, int page = 1)
{
    return kBase + "/api/v1/accounts/" + accountId + "/transactions?start=" + kSince +
           "&end=" + kEnd + "&limit=500&page=" + std::to_string(page);
}

/// Harness with the account list read: accounts `items` (page 1 of 1), fetch() Ok.
struct FeedHarness : Harness {
    FetchResult fetched;

    explicit FeedHarness(const std::vector<Item>& items)
    {
        configure();
        page(1, items);
        fetched = source.fetch();
        http.clearRequests();
    }
    void transactions(const std::string& accountId, const std::vector<std::string>& groups,
                      int page = 1, int pages = 1, long long total = -1)
    {
        http.expect("GET", txUrl(accountId, page), 200, txPageJson(groups, page, pages, total),
                    kJsonApi);
    }
    TransactionsResult read() { return source.fetchTransactions(kSince); }
};

}  // namespace bank2mqtt::firefly::test
