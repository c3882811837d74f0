// SPDX-License-Identifier: MIT
// Firefly III account pages as 6.x sends them, and a harness wiring FireflySource to fakes.
#pragma once

#include "firefly_source.h"

#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"
#include "support/memory_state_store.h"

#include <map>
#include <string>
#include <vector>

namespace bank2mqtt::firefly::test {

inline const std::string kBase = "https://firefly.example.lan";
inline const std::string kToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.pat-for-tests.c2lnbmF0dXJl";

/// One item of `data`; string fields hold raw JSON (quotes included) so that null, numbers and
/// odd shapes can be written.
struct Item {
    std::string id = "1";
    std::string name = "\"Lommepenger\"";
    std::string type = "\"asset\"";
    std::string role = "\"defaultAsset\"";
    std::string active = "true";
    std::string code = "\"NOK\"";
    std::string places = "2";
    std::string balance = "\"437.25\"";
    std::string iban = "\"NO9386011117947\"";
    std::string number = "null";
    /// Before FakeClock's start (2026-11-27T07:00:00Z): a future one is not a balance date.
    std::string lastActivity = "\"2026-11-26T14:03:11+01:00\"";
};

inline std::string itemJson(const Item& i)
{
    return R"({"type":"accounts","id":")" + i.id + R"(","attributes":{)" +
           R"("created_at":"2025-01-02T10:00:00+01:00","updated_at":"2026-11-30T14:03:11+01:00",)" +
           R"("active":)" + i.active + R"(,"order":1,"name":)" + i.name + R"(,"type":)" + i.type +
           R"(,"account_role":)" + i.role + R"(,"object_has_currency_setting":true,)" +
           R"("currency_id":"1","currency_name":"x","currency_code":)" + i.code +
           R"(,"currency_symbol":"kr","currency_decimal_places":)" + i.places +
           R"(,"primary_currency_id":"2","primary_currency_code":"EUR",)" +
           R"("primary_currency_symbol":"€","primary_currency_decimal_places":2,)" +
           R"("current_balance":)" + i.balance + R"(,"pc_current_balance":"999.99",)" +
           R"("opening_balance":"0","virtual_balance":"0","debt_amount":null,)" +
           R"("current_balance_date":"2026-12-03T23:59:59+01:00","notes":null,)" +
           R"("account_number":)" + i.number + R"(,"iban":)" + i.iban + R"(,"bic":null,)" +
           R"("include_net_worth":true,"last_activity":)" + i.lastActivity + R"(},)" +
           R"("links":{"0":{"rel":"self","uri":"/accounts/)" + i.id + R"("},"self":")" + kBase +
           "/api/v1/accounts/" + i.id + R"("}})";
}

/// A page as Fractal's JsonApiSerializer writes it; links.next drops `type` as Firefly's does.
/// meta.pagination.total is `total`, or with -1 items.size() * pages (as if every page held as
/// many accounts as this one).
inline std::string pageJson(const std::vector<Item>& items, int page = 1, int pages = 1,
                            long long total = -1)
{
    if (total < 0)
        total = static_cast<long long>(items.size()) * pages;
    std::string data;
    for (const auto& item : items)
        data += (data.empty() ? "" : ",") + itemJson(item);
    const std::string links =
        R"("links":{"self":")" + kBase + "/api/v1/accounts?limit=500&page=" + std::to_string(page) +
        R"(","first":")" + kBase + "/api/v1/accounts?limit=500&page=1" +
        (page < pages ? R"(","next":")" + kBase +
                            "/api/v1/accounts?limit=500&page=" + std::to_string(page + 1)
                      : std::string()) +
        R"(","last":")" + kBase + "/api/v1/accounts?limit=500&page=" + std::to_string(pages) +
        R"("})";
    return R"({"data":[)" + data + R"(],"meta":{"pagination":{"total":)" + std::to_string(total) +
           R"(,"count":)" + std::to_string(items.size()) + R"(,"per_page":500,"current_page":)" +
           std::to_string(page) + R"(,"total_pages":)" + std::to_string(pages) + "}}," + links +
           "}";
}

inline const std::vector<HttpHeader> kJsonApi = {{"Content-Type", "application/vnd.api+json"}};

inline std::string pageUrl(int page, const std::string& base = kBase)
{
    return base + "/api/v1/accounts?type=asset&limit=500&page=" + std::to_string(page);
}

/// FireflySource on fakes, configured with `url = kBase` and kToken unless told otherwise.
struct Harness {
    bank2mqtt::test::FakeClock clock;
    bank2mqtt::test::FakeHttpClient http;
    bank2mqtt::test::MemoryStateStore state;
    bank2mqtt::test::CapturingLogger log;
    Services services{sizeof(Services), clock, http, state, log};
    FireflySource source{services};

    ConfigResult configure(std::vector<std::string> selectors = {},
                           std::map<std::string, std::string> values = {})
    {
        SourceConfig config;
        config.sourceId = "ff";
        config.file = "test.ini";
        config.values = {{"url", kBase}, {"token", kToken}, {"include_inactive", "false"}};
        for (const auto& [key, value] : values)
            config.values[key] = value;
        config.selectors = std::move(selectors);
        return source.configure(config);
    }
    /// Expects the request for page `page` and answers it with `items` as page `page` of
    /// `pages` (pageJson; `total` as there).
    void page(int page, const std::vector<Item>& items, int pages = 1, long long total = -1)
    {
        answer(page, pageJson(items, page, pages, total));
    }
    /// Expects the request for page `page` and answers it with `body`, a page written by hand.
    void answer(int page, const std::string& body)
    {
        http.expect("GET", pageUrl(page), 200, body, kJsonApi);
    }
};

}  // namespace bank2mqtt::firefly::test
