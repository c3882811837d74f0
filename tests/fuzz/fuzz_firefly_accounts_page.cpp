// SPDX-License-Identifier: MIT
// Fuzz target: a Firefly III accounts page; messages must be readable and sanitised, never quote
// the token or a long number, and every account read must be publishable as it is.
#include "fuzz_support.h"

#include "firefly_api.h"
#include "money.h"

#include <string>
#include <vector>

namespace {

using namespace bank2mqtt;
using namespace bank2mqtt::firefly;

const std::string kToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fuzz-token.c2lnbmF0dXJl";

std::string digitsOf(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c >= '0' && c <= '9')
            out += c;
    }
    return out;
}

// The digit runs of `text`, digits separated by spaces, '.' or '-' joined.
std::vector<std::string> joinedRuns(const std::string& text)
{
    std::vector<std::string> runs(1);
    for (char c : text) {
        if (c >= '0' && c <= '9')
            runs.back() += c;
        else if (c != ' ' && c != '.' && c != '-' && !runs.back().empty())
            runs.emplace_back();
    }
    return runs;
}

// A published name never holds the account's number: all its digits, their last 8 in one
// joined run, or, with no number known, any joined run of 8 digits.
void checkName(const FireflyAccount& a)
{
    const std::string& name = a.account->name;
    const std::string digits = digitsOf(a.number);
    if (digits.size() >= 5)
        fuzz::check(digitsOf(name).find(digits) == std::string::npos,
                    "a published name never holds the account's digits", name);
    for (const std::string& run : joinedRuns(name)) {
        if (digits.size() >= 8)
            fuzz::check(run.find(digits.substr(digits.size() - 8)) == std::string::npos,
                        "a published name never holds the account's last 8 digits", name);
        else if (digits.size() < 5)
            fuzz::check(run.size() < 8, "without a number, a published name has no 8-digit run",
                        name);
    }
}

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
        checkName(a);
    }
    return 0;
}
