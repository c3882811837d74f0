// SPDX-License-Identifier: MIT
// Fuzz target: a Firefly III accounts page; messages must be readable and sanitised, never quote
// the token or a long number, and every account read must be publishable as it is.
#include "fuzz_support.h"

#include "firefly_api.h"
#include "money.h"

namespace {

using namespace bank2mqtt;
using namespace bank2mqtt::firefly;

const std::string kToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fuzz-token.c2lnbmF0dXJl";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzz::asText(data, size);
    const HttpResponse r = fuzz::responseFromInput(input);
    ReplyContext c{"https://firefly.example.lan",
                   std::chrono::seconds(20),
                   std::chrono::system_clock::time_point(std::chrono::seconds(1795762800)),
                   {kToken}};
    const AccountsPage page = parseAccountsPage(r, c);
    const std::string& m = page.outcome.message;
    fuzz::check(page.ok() == m.empty(), "a failure has a message, success none", m);
    fuzz::check(fuzz::isValidUtf8(m), "message is valid UTF-8", m);
    fuzz::check(fuzz::longestDigitRun(m) < 6, "no long number in a message", m);
    fuzz::check(m.find(kToken) == std::string::npos, "the token is never quoted", m);
    fuzz::check(page.ok() || page.accounts.empty(), "a failed page has no accounts");
    fuzz::check(page.currentPage >= 1 && page.totalPages >= 1, "page numbers are positive");
    for (const FireflyAccount& a : page.accounts) {
        fuzz::check(!a.id.empty(), "an account has an id");
        fuzz::check(a.account.has_value() == a.problem.empty(), "an account or a problem");
        fuzz::check(fuzz::longestDigitRun(a.problem) < 6, "no long number in a problem", a.problem);
        if (!a.account)
            continue;
        const Account& account = *a.account;
        fuzz::check(fuzz::longestDigitRun(account.maskedNumber) <= 4, "number is masked",
                    account.maskedNumber);
        fuzz::check(account.balance == account.available, "available equals balance");
        const int decimals = moneyDecimals(account.balance);
        fuzz::check(decimals >= 0 && decimals <= kMaxDecimals, "decimals in range");
        fuzz::check(account.balance.currency.empty() || account.balance.currency.size() == 3,
                    "a currency is an ISO code or empty");
        fuzz::check(!account.fingerprint.empty(), "an account has a fingerprint");
    }
    return 0;
}
