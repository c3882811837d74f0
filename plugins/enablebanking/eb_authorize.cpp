// SPDX-License-Identifier: MIT
// EnableBankingSource's Authorization: bank choice, POST /auth, the pasted redirect, POST
// /sessions.
#include "eb_source.h"

#include "bank_text.h"

#include <Poco/RandomStream.h>
#include <Poco/UTF8String.h>

#include <exception>

namespace bank2mqtt::enablebanking {
namespace {

// The `state` echoed on the redirect: 128 random bits (/dev/urandom), so that a URL pasted
// from another attempt (or planted by someone else) is recognised.
std::string randomState()
{
    Poco::RandomInputStream random;
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        const auto byte = static_cast<unsigned char>(random.get());
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
    }
    return out;
}

std::string dateOf(std::chrono::system_clock::time_point at)
{
    return formatRfc3339(at).substr(0, 10);
}

}  // namespace

AuthStep EnableBankingSource::fail(const std::string& sentence, bool usageError)
{
    stage_ = Stage::Idle;
    candidates_.clear();
    authState_.clear();
    return AuthStep::failed(sentence, usageError);
}

AuthStep EnableBankingSource::start() noexcept
{
    try {
        stage_ = Stage::Idle;
        if (!configured_)
            return fail("the source is not configured");
        std::string error;
        const std::optional<std::string> jwt = token(error);
        if (!jwt)
            return fail(error);
        const AspspsReply reply = parseAspspsReply(
            send(aspspsRequest(endpoint_, *jwt, country_, psuType_), "the list of banks"),
            replyContext());
        if (!reply.ok())
            return fail(namingSource(reply.status.message));
        if (reply.aspsps.empty())
            return fail("Enable Banking lists no banks in " + country_ + " for psu_type " +
                        psuType_ + "; check country and psu_type");
        const std::vector<Aspsp> matches = matchAspsps(reply.aspsps, bank_);
        if (!bank_.empty() && matches.size() == 1)
            return authorizeAt(matches.front());
        const std::string quoted = "\"" + sanitizeBankMessage(bank_, 60) + "\"";
        std::string prompt = "Which bank? These are the banks Enable Banking lists in " + country_;
        if (!bank_.empty() && matches.empty())
            prompt = "Enable Banking lists no bank called " + quoted + " in " + country_ +
                     "; which one is yours?";
        else if (!bank_.empty())
            prompt = quoted + " matches several banks; which one is yours?";
        candidates_ = matches.empty() ? reply.aspsps : matches;
        std::vector<std::string> names;
        for (const Aspsp& a : candidates_)
            names.push_back(a.name);
        stage_ = Stage::ChooseBank;
        return AuthStep::ask(prompt, {}, names);
    } catch (const std::exception&) {
        return fail("the enablebanking plugin hit an unexpected internal error");
    }
}

AuthStep EnableBankingSource::answer(const std::string& reply) noexcept
{
    try {
        switch (stage_) {
        case Stage::Idle:
            return fail("no authorization is in progress; start it again", true);
        case Stage::ChooseBank: {
            for (const Aspsp& a : candidates_) {
                if (Poco::UTF8::icompare(a.name, reply) == 0)
                    return authorizeAt(Aspsp(a));
            }
            const std::vector<Aspsp> matches = matchAspsps(candidates_, reply);
            if (matches.size() == 1)
                return authorizeAt(matches.front());
            return fail("that is not one of the banks listed; start again and answer with a "
                        "bank's number or name",
                        true);
        }
        case Stage::AwaitRedirect: {
            const RedirectResult redirect = parseRedirect(reply, authState_);
            switch (redirect.kind) {
            case RedirectResult::Kind::Code:
                return finish(redirect.code);
            case RedirectResult::Kind::Denied:
            case RedirectResult::Kind::BankError:
                return fail(redirect.message);
            case RedirectResult::Kind::StateMismatch:
            case RedirectResult::Kind::NoCode:
                return fail(redirect.message, true);
            }
            break;
        }
        }
        return fail("the authorization is in an unknown step; start it again", true);
    } catch (const std::exception&) {
        return fail("the enablebanking plugin hit an unexpected internal error");
    }
}

// POST /auth for the longest consent the bank allows. The bank's stated maximum races the
// server's clock (consentValidUntil keeps a margin); a 422 "consent validity more than N
// seconds" is asked once more with the N it names. Never shown raw: the person cannot act on it.
AuthStep EnableBankingSource::authorizeAt(const Aspsp& bank)
{
    chosen_ = bank;
    authState_ = randomState();
    std::chrono::seconds maximum = bank.maximumConsentValidity.value_or(kFallbackConsentValidity);
    AuthReply reply;
    for (int attempt = 1; attempt <= 2; ++attempt) {
        std::string error;
        const std::optional<std::string> jwt = token(error);
        if (!jwt)
            return fail(error);
        AuthParams params;
        params.aspspName = bank.name;
        params.aspspCountry = bank.country;
        params.state = authState_;
        params.redirectUrl = redirectUrl_;
        params.psuType = psuType_;
        params.validUntil = consentValidUntil(clock_.wallNow(), maximum);
        askedUntil_ = params.validUntil;
        reply = parseAuthReply(
            send(authRequest(endpoint_, *jwt, params), "the start of the authorization"),
            replyContext());
        if (reply.status.outcome != EbOutcome::ConsentValidityTooLong)
            break;
        if (attempt == 2)
            return fail("the bank refused the length of the consent twice; try again later");
        maximum = reply.status.bankMaximum.value_or(kFallbackConsentValidity);
        log_.info("the bank allows a shorter consent than it lists; asking for " +
                  std::to_string(maximum.count() / 86400) + " days");
    }
    if (!reply.ok())
        return fail(namingSource(reply.status.message));
    stage_ = Stage::AwaitRedirect;
    return AuthStep::ask("Open this address in a browser and log in at " + bank.name +
                             "; then paste the address your browser ends on (or only the code "
                             "in it)",
                         reply.url, {}, true);
}

// POST /sessions with the code (once: a code works only once), then the whole session in one
// StateStore::put, so a running daemon never reads half of it.
AuthStep EnableBankingSource::finish(const std::string& code)
{
    std::string error;
    const std::optional<std::string> jwt = token(error);
    if (!jwt)
        return fail(error);
    ReplyContext context = replyContext();
    context.secrets.push_back(code);
    // The reply's session id is redacted by the parser's masking of UUIDs; it is never stored.
    const SessionReply reply = parseSessionCreateReply(
        send(sessionCreateRequest(endpoint_, *jwt, code), "the creation of the session"), context);
    if (!reply.ok())
        return fail(namingSource(reply.status.message));
    StoredSession session = storedSession(reply, chosen_.name, binding_);
    if (session.accounts.empty())
        return fail("the consent holds no account whose balance can be read (blocked or closed "
                    "accounts have none); authorize again and select the accounts at the bank");
    if (!session.validUntil)
        session.validUntil = askedUntil_;
    state_.put(kSessionStateKey, sessionToJson(session));
    stage_ = Stage::Idle;
    candidates_.clear();
    authState_.clear();
    const std::string count = std::to_string(session.accounts.size());
    const std::string sentence = "authorized " + count + " account" +
                                 (session.accounts.size() == 1 ? "" : "s") + " at " + chosen_.name +
                                 "; the consent is valid until " + dateOf(*session.validUntil);
    log_.info(sentence);
    return AuthStep::done(sentence);
}

}  // namespace bank2mqtt::enablebanking
