// SPDX-License-Identifier: MIT
// Sbanken transaction entries and list replies as the bank wrote them, and a harness whose
// source has done one Ok fetch() with transactions enabled.
#pragma once

#include "sbanken_fixtures.h"

#include <memory>
#include <string>
#include <vector>

namespace bank2mqtt::sbanken::test {

inline const std::string kSince = "2026-11-26";
inline const std::string kCounterpart = "12345678903";

/// One entry as Sbanken wrote it; `extra` is spliced in before the closing brace.
inline std::string entry(const std::string& amount, const std::string& text,
                         const std::string& date = "2026-12-02", bool reservation = false,
                         const std::string& extra = "")
{
    return R"({"accountingDate":")" + date + R"(T00:00:00","interestDate":")" + date +
           R"(T00:00:00","otherAccountNumberSpecified":false,"amount":)" + amount + R"(,"text":")" +
           text +
           R"(","transactionType":"VARER","transactionTypeCode":714,"transactionTypeText":"Varekjøp",)"
           R"("isReservation":)" +
           (reservation ? "true" : "false") +
           R"(,"reservationType":null,"source":0,)"
           R"("cardDetailsSpecified":false,"transactionDetailSpecified":false)" +
           extra + "}";
}

inline std::string cardEntry(const std::string& amount, const std::string& text,
                             const std::string& merchant)
{
    return entry(amount, text, "2026-12-01", false,
                 R"(,"cardDetails":{"cardNumber":"*4821","currencyAmount":49.99,"currencyRate":1,)"
                 R"("merchantCategoryCode":"5411","merchantName":")" +
                     merchant +
                     R"(","merchantCity":"OSLO","originalCurrencyCode":"NOK",)"
                     R"("purchaseDate":"2026-12-01T00:00:00","transactionId":"4711"})");
}

inline std::string transferEntry(const std::string& amount, const std::string& text)
{
    return entry(amount, text, "2026-11-30", false,
                 R"(,"otherAccountNumber":")" + kCounterpart + R"(")");
}

inline std::string page(const std::vector<std::string>& entries, std::size_t available,
                        const std::string& version = "1")
{
    std::string items;
    for (const auto& e : entries)
        items += (items.empty() ? "" : ",") + e;
    return R"({"availableItems":)" + std::to_string(available) + R"(,"items":[)" + items + "]" +
           (version == "1" ? R"(,"errorType":null,"isError":false,"errorMessage":null,)"
                             R"("traceId":null})"
                           : "}");
}

/// SbankenHarness plus a source that has done one Ok fetch() with transactions enabled.
class SbankenTransactionsHarness : public SbankenHarness {
protected:
    std::string transactionsUrl(std::size_t account, int index = 0,
                                const std::string& version = "1") const
    {
        return apiUrl(version) + "/transactions/" + idOf(account) + "?startDate=" + kSince +
               "&index=" + std::to_string(index) + "&length=1000";
    }

    /// A new source selecting `selectors`, with transactions enabled and one Ok fetch() done.
    std::unique_ptr<SbankenSource> fetchedSource(std::vector<std::string> selectors,
                                                 const std::string& version = "1")
    {
        // A fresh login each time: a saved token or saved ids would change the requests.
        state.erase(SbankenSource::kTokenStateKey);
        state.erase(SbankenSource::kSelectionStateKey);
        auto source = makeSource(std::move(selectors), version);
        source->enableTransactions();
        expectToken();
        expectList(version);
        const FetchResult r = source->fetch();
        EXPECT_EQ(r.status, FetchStatus::Ok) << r.message;
        fetched_ = r.accounts;
        http.clearRequests();
        return source;
    }

    std::vector<Account> fetched_;
};

}  // namespace bank2mqtt::sbanken::test
