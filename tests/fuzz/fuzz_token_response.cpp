// SPDX-License-Identifier: MIT
// Fuzz target: the OAuth2 token reply (plugins/common/oauth2_token.h parseTokenResponse) and its
// Sbanken classification (parseTokenReply), on a body or a recorded reply (fuzz_support.h).
//
// Invariants: nothing throws; Ok has a token of visible ASCII (RFC 6749 A.12: it goes into an
// Authorization header) and a lifetime of 0..366 days that survives TokenCache's JSON round trip;
// OAuth errors are sanitised and short; Malformed explains without quoting the body; a failed
// reply carries a message without long numbers and without the token; only RateLimited has a
// retry-after.
#include "fuzz_support.h"
#include "oauth2_token.h"
#include "sbanken_api.h"
#include "support/fake_clock.h"

#include <algorithm>
#include <iterator>

using namespace bank2mqtt;
using bank2mqtt::fuzz::check;

namespace {

const std::string kMalformedReasons[] = {
    "the reply is empty",
    "the reply is JSON but not an object",
    "the reply is not valid JSON (it may have been cut off)",
    "the reply has no access_token",
    "the access_token has characters a token cannot have",
    "the token is not a Bearer token",
    "the reply has an unreadable expires_in",
    "the reply could not be read",
};

void checkTokenResponse(std::string_view body)
{
    const TokenResponse token = parseTokenResponse(body);
    switch (token.kind) {
    case TokenResponse::Kind::Ok: {
        check(!token.accessToken.empty(), "Ok without a token");
        for (char c : token.accessToken) {
            check(c >= 0x20 && c <= 0x7E, "the access token has a character outside VSCHAR",
                  token.accessToken);
        }
        check(token.expiresIn.count() >= 0 && token.expiresIn <= std::chrono::hours(24 * 366),
              "expires_in out of range");
        if (token.expiresIn.count() > 0) {
            test::FakeClock clock;
            TokenCache cache;
            cache.set(token.accessToken, token.expiresIn, clock.monotonicNow());
            const std::string saved = cache.toJson(clock, "binding");
            TokenCache restored;
            check(restored.fromJson(saved, clock, "binding"), "a saved token is not restored",
                  saved);
            check(restored.accessToken() == token.accessToken, "restored token differs", saved);
            check(!TokenCache().fromJson(saved, clock, "other"), "restored with another binding");
        }
        break;
    }
    case TokenResponse::Kind::OAuthError:
        check(!token.error.empty() && fuzz::codePoints(token.error) <= 40,
              "OAuth error code empty or too long", token.error);
        check(fuzz::codePoints(token.errorDescription) <= 120, "error_description too long");
        check(fuzz::longestDigitRun(token.error + " " + token.errorDescription) < 6,
              "OAuth error text has a long number", token.errorDescription);
        break;
    case TokenResponse::Kind::Malformed:
        check(!token.error.empty(), "Malformed without a reason");
        // A fixed sentence, so it can never quote the body.
        check(std::find(std::begin(kMalformedReasons), std::end(kMalformedReasons), token.error) !=
                  std::end(kMalformedReasons),
              "Malformed with an unexpected reason (quoting the body?)", token.error);
        break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzz::asText(data, size);
    checkTokenResponse(input);

    const HttpResponse response = fuzz::responseFromInput(input);
    if (response.body != input)
        checkTokenResponse(response.body);
    sbanken::ReplyContext context;
    context.now = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    const sbanken::TokenReply reply = sbanken::parseTokenReply(response, context);
    const FetchResult& outcome = reply.outcome;
    check(outcome.accounts.empty(), "a token reply with accounts");
    check(!outcome.retryAfter || outcome.status == FetchStatus::RateLimited,
          "retry-after on a status other than rate_limited");
    if (reply.ok()) {
        check(response.transportError == TransportError::None && response.status >= 200 &&
                  response.status <= 299,
              "a token from a failed reply");
        check(reply.accessToken == parseTokenResponse(response.body).accessToken,
              "parseTokenReply's token differs from parseTokenResponse's");
        check(reply.expiresIn.count() >= 0, "negative lifetime");
    } else {
        check(reply.accessToken.empty(), "a token on a failed reply");
        check(!outcome.message.empty(), "a failed token reply without a message");
        check(outcome.message.find('\n') == std::string::npos, "a message with a newline",
              outcome.message);
        check(fuzz::longestDigitRun(outcome.message) < 6, "a message with a long number",
              outcome.message);
        const std::string token = parseTokenResponse(response.body).accessToken;
        check(token.size() < 8 || outcome.message.find(token) == std::string::npos,
              "a message quoting the token", outcome.message);
    }
    return 0;
}
