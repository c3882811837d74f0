// SPDX-License-Identifier: MIT
// Fuzz target: every Enable Banking reply parser, the pasted redirect and the RFC 3339 reader
// on one input; messages must be readable, sanitised, and never quote the code or long numbers.
#include "fuzz_support.h"

#include "eb_api.h"
#include "eb_balances.h"

namespace {

using namespace bank2mqtt;
using namespace bank2mqtt::enablebanking;

void checkStatus(const EbStatus& s)
{
    fuzz::check(s.ok() == s.message.empty(), "a failure has a message, success none", s.message);
    fuzz::check(fuzz::isValidUtf8(s.message), "message is valid UTF-8", s.message);
    fuzz::check(fuzz::longestDigitRun(s.message) < 6, "no long number in a message", s.message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzz::asText(data, size);
    const HttpResponse r = fuzz::responseFromInput(input);
    ReplyContext c;
    c.now = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));

    const BalancesReply balances = parseBalancesReply(r, BalancePreference{}, c);
    checkStatus(balances.status);
    if (balances.ok()) {
        fuzz::check(balances.balance.currency.size() == 3, "balance has a currency");
        fuzz::check(balances.available.currency.size() == 3, "available has a currency");
        fuzz::check(!balances.balanceType.empty(), "the chosen type is named");
    }
    const SessionReply session = parseSessionCreateReply(r, c);
    checkStatus(session.status);
    fuzz::check(!session.ok() || !session.sessionId.empty(), "an ok session has an id");
    for (const SessionAccount& a : session.accounts) {
        fuzz::check(fuzz::isValidUtf8(a.account.name), "account name is valid UTF-8");
        fuzz::check(fuzz::longestDigitRun(a.account.maskedNumber) <= 4, "number is masked");
    }
    checkStatus(parseSessionStatusReply(r, c).status);
    const AspspsReply aspsps = parseAspspsReply(r, c);
    checkStatus(aspsps.status);
    for (const Aspsp& a : aspsps.aspsps) {
        const auto until =
            consentValidUntil(c.now, a.maximumConsentValidity.value_or(std::chrono::seconds(0)));
        fuzz::check(until > c.now, "a consent ends after now");
        fuzz::check(parseRfc3339(formatRfc3339(until)) == until, "valid_until reads back");
    }
    checkStatus(parseApplicationReply(r, c).status);
    const AuthReply auth = parseAuthReply(r, c);
    checkStatus(auth.status);
    if (auth.status.bankMaximum)
        consentValidUntil(c.now, *auth.status.bankMaximum);

    const RedirectResult redirect = parseRedirect(input, "state-1");
    fuzz::check(redirect.ok() == redirect.message.empty(), "redirect: message iff not ok");
    fuzz::check(redirect.ok() == !redirect.code.empty(), "redirect: a code iff ok");
    fuzz::check(fuzz::isValidUtf8(redirect.message), "redirect message is valid UTF-8");
    parseRfc3339(input);
    return 0;
}
