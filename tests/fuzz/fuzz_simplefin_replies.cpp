// SPDX-License-Identifier: MIT
// Fuzz target: the SimpleFIN /accounts reply parser, the claim reply, the setup token and the
// Access URL on one input; no credential may come back in a message, amounts must be exact.
#include "fuzz_support.h"

#include "money.h"
#include "sf_api.h"

namespace {

using namespace bank2mqtt;
using namespace bank2mqtt::simplefin;

const std::string kPassword = "pass5e1d2b8a";

void checkText(const std::string& text, const char* what)
{
    fuzz::check(fuzz::isValidUtf8(text), what, text);
    fuzz::check(text.find(kPassword) == std::string::npos, "no password in a text", text);
}

void checkMoney(const Money& m)
{
    fuzz::check(m.currency.empty() || m.currency.size() == 3, "an ISO code or no unit");
    fuzz::check(m.decimals >= -1 && m.decimals <= kMaxDecimals, "decimals in range");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzz::asText(data, size);
    const HttpResponse r = fuzz::responseFromInput(input);
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    const AccountsReply reply =
        parseAccountsReply(r, std::chrono::milliseconds(20000), now, {kPassword});
    fuzz::check(reply.ok() == reply.message.empty(), "a failure has a message, success none",
                reply.message);
    checkText(reply.message, "message is valid UTF-8");
    fuzz::check(!reply.ok() || (r.status == 200 && r.transportError == TransportError::None),
                "ok only for a 200");
    for (const SfAccount& a : reply.accounts) {
        fuzz::check(!a.id.empty(), "an account has an id");
        checkText(a.name, "name is valid UTF-8");
        checkText(a.connectionName, "institution is valid UTF-8");
        if (a.problem.empty()) {
            checkMoney(a.balance);
            checkMoney(a.available);
            fuzz::check(a.balance.currency == a.available.currency, "one unit per account");
        }
        const SfTransactions& t = a.transactions;
        fuzz::check(t.problem.empty() || t.entries.empty(), "a failed list is empty");
        checkText(t.problem, "a list's problem is valid UTF-8");
        for (const Transaction& e : t.entries) {
            fuzz::check(e.amount.currency == a.balance.currency &&
                            e.amount.decimals == a.balance.decimals,
                        "a transaction has its account's unit");
            fuzz::check(e.date.empty() || e.date.size() == 10, "a date is YYYY-MM-DD", e.date);
            fuzz::check(!e.date.empty() || e.pending, "a booked entry has a date");
            checkText(e.text, "transaction text is valid UTF-8");
        }
    }
    for (const SfError& e : reply.errlist)
        checkText(e.text, "error text is valid UTF-8");
    for (const std::string& w : reply.warnings)
        checkText(w, "warning is valid UTF-8");

    const ClaimReply claim = parseClaimReply(r, std::chrono::milliseconds(20000));
    fuzz::check((claim.kind == ClaimReply::Kind::Ok) == claim.access.has_value(),
                "an access URL exactly when ok");
    fuzz::check(claim.message.find(kPassword) == std::string::npos, "no password in a message");
    std::string error;
    const std::string text(input);
    if (const auto access = parseAccessUrl(text, error)) {
        fuzz::check(access->base.find('@') == std::string::npos ||
                        access->base.find('@') > access->base.find('/', 8),
                    "no user info left in the base URL", access->base);
        fuzz::check(!access->user.empty() && !access->password.empty(), "credentials present");
    } else {
        fuzz::check(!error.empty(), "a refusal says why");
    }
    error.clear();
    if (const auto claimUrl = decodeSetupToken(text, error))
        fuzz::check(claimUrl->find("://") != std::string::npos, "a claim URL is a URL");
    else
        fuzz::check(!error.empty(), "a refusal says why");
    return 0;
}
