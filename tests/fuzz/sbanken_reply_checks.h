// SPDX-License-Identifier: MIT
// The invariants of a classified Sbanken data reply, shared by the list and single-account
// fuzz targets.
#pragma once

#include "fuzz_support.h"
#include "money.h"
#include "sbanken_api.h"

namespace bank2mqtt::fuzz {

/// Classifies `input` (a body or a recorded reply) as `shape` and checks: ok exactly when the
/// status is Ok; a Single reply has one account; every account has an id, a number, a masked
/// number with at most four digits, a 32-hex fingerprint and NOK amounts that read back through
/// formatMinorUnits; a failure has no accounts and a one-line message with no long number;
/// unauthorized and notFound match 401 and 404.
inline void checkAccountsReply(std::string_view input, sbanken::ReplyShape shape)
{
    const HttpResponse response = responseFromInput(input);
    sbanken::ReplyContext context;
    context.now = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    const sbanken::AccountsReply reply = sbanken::parseAccountsReply(response, shape, context);
    const FetchResult& outcome = reply.outcome;
    const bool plain = response.transportError == TransportError::None;
    check(reply.unauthorized == (plain && response.status == 401), "unauthorized is not 401");
    check(reply.notFound == (plain && response.status == 404), "notFound is not 404");
    check(!outcome.retryAfter || outcome.status == FetchStatus::RateLimited,
          "retry-after on a status other than rate_limited");
    check(outcome.accounts.empty(), "accounts in the outcome instead of the reply");
    if (!reply.ok()) {
        check(reply.accounts.empty(), "accounts on a failed reply");
        check(!outcome.message.empty(), "a failed reply without a message");
        check(outcome.message.find('\n') == std::string::npos, "a message with a newline",
              outcome.message);
        check(longestDigitRun(outcome.message) < 6,
              "a message with a long number (an account "
              "or customer id?)",
              outcome.message);
        return;
    }
    check(plain && response.status >= 200 && response.status <= 299, "ok from a failed reply");
    check(shape == sbanken::ReplyShape::List || reply.accounts.size() == 1,
          "a single-account reply without exactly one account");
    for (const auto& a : reply.accounts) {
        check(!a.accountId.empty(), "an account without an id");
        check(a.accountNumber.find_first_of("0123456789") != std::string::npos,
              "an account number without digits", a.accountNumber);
        std::size_t digits = 0;
        for (char c : a.account.maskedNumber)
            digits += c >= '0' && c <= '9';
        check(digits <= 4, "the masked number shows more than four digits", a.account.maskedNumber);
        check(a.account.fingerprint.size() == 32 &&
                  a.account.fingerprint.find_first_not_of("0123456789abcdef") == std::string::npos,
              "a fingerprint that is not 32 hex digits", a.account.fingerprint);
        for (const Money* m : {&a.account.balance, &a.account.available,
                               a.account.creditLimit ? &*a.account.creditLimit : nullptr}) {
            if (!m)
                continue;
            check(m->currency == "NOK", "an amount not in NOK", m->currency);
            const std::string text = formatMoney(*m);
            check(parseDecimalToMinor(text, 2) == m->minor, "an amount does not round-trip", text);
        }
    }
}

}  // namespace bank2mqtt::fuzz
