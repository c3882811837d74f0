// SPDX-License-Identifier: MIT
// Fuzz target: a Firefly III transactions page for account 1 (NOK, 2 decimals); messages must be
// readable and never quote the token, and every entry read must be one the host takes as it is.
#include "fuzz_support.h"

#include "firefly_transactions.h"
#include "money.h"

#include <string>

namespace {

using namespace bank2mqtt;
using namespace bank2mqtt::firefly;

const std::string kToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fuzz-token.c2lnbmF0dXJl";

bool isDate(const std::string& d)
{
    if (d.size() != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (d[i] < '0' || d[i] > '9')
            return false;
    }
    return true;
}

bool hasControlCharacter(const std::string& text)
{
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            return true;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const HttpResponse r = fuzz::responseFromInput(fuzz::asText(data, size));
    const ReplyContext c{"https://firefly.example.lan",
                         std::chrono::seconds(20),
                         std::chrono::system_clock::time_point(std::chrono::seconds(1795762800)),
                         {kToken}};
    const FeedAccount account{"1", "NOK", Money{0, "NOK", 2}, "fp", "Lommepenger"};
    const TransactionsPage page = parseTransactionsPage(r, c, account);
    const std::string& m = page.outcome.message;
    fuzz::check(page.ok() == m.empty(), "a failure has a message, success none", m);
    fuzz::check(fuzz::isValidUtf8(m), "message is valid UTF-8", m);
    fuzz::check(fuzz::longestDigitRun(m) < 6, "no long number in a message", m);
    fuzz::check(m.find(kToken) == std::string::npos, "the token is never quoted", m);
    fuzz::check(page.ok() || page.transactions.empty(), "a failed page has no entries");
    fuzz::check(page.problem.empty() || page.transactions.empty(),
                "an unreadable split empties the page");
    fuzz::check(page.pagination.currentPage >= 1 && page.pagination.totalPages >= 1,
                "page numbers are positive");
    for (const Transaction& t : page.transactions) {
        fuzz::check(!t.id.empty(), "an entry has an id");
        fuzz::check(isDate(t.date), "an entry's date is YYYY-MM-DD", t.date);
        fuzz::check(t.amount.currency == "NOK" && t.amount.decimals == 2,
                    "an entry is in the account's unit");
        fuzz::check(!t.pending, "Firefly III entries are booked");
        fuzz::check(!hasControlCharacter(t.text), "no control character in a text", t.text);
    }
    return 0;
}
