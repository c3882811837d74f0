// SPDX-License-Identifier: MIT
// Enable Banking error replies -> the outcome a person can act on, and nothing private quoted.
#include "eb_errors.h"

#include "eb_fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

namespace bank2mqtt::enablebanking::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

EbStatus classify(const HttpResponse& r, EbCall call = EbCall::Balances)
{
    return classifyReply(r, call, context());
}

TEST(EbErrors, ExpiredSessionNeedsConsentEvenBeforeTheConsentsDate)
{
    const EbStatus s = classify(reply(
        401,
        R"({"code":401,"message":"Session expired","error":"EXPIRED_SESSION","detail":null})"));
    EXPECT_EQ(s.outcome, EbOutcome::ConsentNeeded);
    EXPECT_EQ(s.errorCode, "EXPIRED_SESSION");
    EXPECT_THAT(s.message, HasSubstr("bank2mqtt --authorize"));
    EXPECT_EQ(toFetchStatus(s.outcome), FetchStatus::AuthRequired);
}

TEST(EbErrors, ClosedRevokedAndUnknownSessionsNeedConsent)
{
    for (const char* code : {"CLOSED_SESSION", "REVOKED_SESSION", "SESSION_DOES_NOT_EXIST",
                             "ASPSP_PSU_ACTION_REQUIRED"})
        EXPECT_EQ(
            classify(reply(401, std::string(R"({"message":"x","error":")") + code + "\"}")).outcome,
            EbOutcome::ConsentNeeded)
            << code;
}

TEST(EbErrors, InactiveApplicationSaysToLinkAccounts)
{
    const EbStatus s = classify(reply(403, R"({"code":403,"message":"Application is not active"})"),
                                EbCall::Aspsps);
    EXPECT_EQ(s.outcome, EbOutcome::AppInactive);
    EXPECT_THAT(s.message, HasSubstr("link your accounts in Enable Banking's control panel"));
    EXPECT_EQ(toFetchStatus(s.outcome), FetchStatus::AuthRequired);
}

TEST(EbErrors, RateLimitHoldsWithRetryAfterWhenGiven)
{
    const EbStatus s = classify(
        reply(429, R"({"code":429,"message":"HTTP 429","error":"ASPSP_RATE_LIMIT_EXCEEDED"})",
              {{"Content-Type", "application/json"}, {"Retry-After", "3600"}}));
    EXPECT_EQ(s.outcome, EbOutcome::RateLimited);
    ASSERT_TRUE(s.retryAfter.has_value());
    EXPECT_EQ(s.retryAfter->count(), 3600);
    EXPECT_EQ(s.toFetchResult().status, FetchStatus::RateLimited);
    // The code alone, whatever the status, is a rate limit too.
    EXPECT_EQ(
        classify(reply(400, R"({"message":"m","error":"ASPSP_RATE_LIMIT_EXCEEDED"})")).outcome,
        EbOutcome::RateLimited);
    EXPECT_FALSE(classify(reply(429, "")).retryAfter.has_value());
}

TEST(EbErrors, AccountErrorsEachHaveTheirOwnSentence)
{
    const EbStatus psu = classify(reply(
        422,
        R"({"code":422,"message":"Required PSU header is not provided","error":"PSU_HEADER_NOT_PROVIDED","detail":"PSU header psuIpAddress is not provided"})"));
    const EbStatus params = classify(reply(
        422,
        R"({"code":422,"message":"account_id Input should be a valid UUID","error":"WRONG_REQUEST_PARAMETERS"})"));
    const EbStatus aspsp =
        classify(reply(400, R"({"code":400,"message":"Bank error","error":"ASPSP_ERROR"})"));
    for (const EbStatus* s : {&psu, &params, &aspsp})
        EXPECT_EQ(s->outcome, EbOutcome::AccountError) << s->message;
    EXPECT_THAT(psu.message, HasSubstr("refuses unattended reads"));
    EXPECT_THAT(params.message, HasSubstr("refused the request for this account"));
    EXPECT_THAT(aspsp.message, HasSubstr("the bank could not give an account's balances"));
    EXPECT_NE(psu.message, params.message);
    EXPECT_NE(params.message, aspsp.message);
}

TEST(EbErrors, ConsentValidityTooLongOnAuthCarriesTheBanksMaximum)
{
    const EbStatus s = classify(
        reply(
            422,
            R"({"code":422,"message":"ASPSP does not support consent validity more than 7776000 seconds in the future","error":"WRONG_REQUEST_PARAMETERS","detail":null})"),
        EbCall::Auth);
    EXPECT_EQ(s.outcome, EbOutcome::ConsentValidityTooLong);
    ASSERT_TRUE(s.bankMaximum.has_value());
    EXPECT_EQ(s.bankMaximum->count(), 7776000);
}

TEST(EbErrors, AuthorizationCodeRefusalsSayToStartAgain)
{
    for (const char* code :
         {"WRONG_AUTHORIZATION_CODE", "EXPIRED_AUTHORIZATION_CODE", "ALREADY_AUTHORIZED"}) {
        const EbStatus s =
            classify(reply(400, std::string(R"({"message":"m","error":")") + code + "\"}"),
                     EbCall::Sessions);
        EXPECT_EQ(s.outcome, EbOutcome::ConsentNeeded) << code;
        EXPECT_THAT(s.message, HasSubstr("a code works once"));
    }
}

TEST(EbErrors, OtherUnauthorizedRepliesPointAtTheKey)
{
    const EbStatus s =
        classify(reply(401, R"({"message":"Unauthorized","error":"UNAUTHORIZED_ACCESS"})"));
    EXPECT_EQ(s.outcome, EbOutcome::KeyRejected);
    EXPECT_THAT(s.message, HasSubstr("key_file"));
}

TEST(EbErrors, ConfigurationRefusals)
{
    EXPECT_EQ(
        classify(reply(400, R"({"message":"m","error":"REDIRECT_URI_NOT_ALLOWED"})"), EbCall::Auth)
            .outcome,
        EbOutcome::Refused);
    EXPECT_EQ(
        classify(reply(400, R"({"message":"m","error":"WRONG_ASPSP_PROVIDED"})"), EbCall::Auth)
            .toFetchResult()
            .status,
        FetchStatus::ConfigError);
}

TEST(EbErrors, ServerErrorsHtmlGarbageAndTimeoutsAreTemporary)
{
    const std::vector<HttpResponse> replies = {
        reply(500, R"({"message":"Internal error"})"),
        reply(502, "<html><body>Bad gateway</body></html>", {{"Content-Type", "text/html"}}),
        reply(200, "<!doctype html><p>maintenance</p>", {}),
        reply(503, "garbage{"),
        reply(408, R"({"message":"timeout","error":"ASPSP_TIMEOUT"})"),
        transportFailure(TransportError::Timeout),
        transportFailure(TransportError::ConnectFailed, "connection refused"),
    };
    for (const HttpResponse& r : replies) {
        const EbStatus s = classify(r);
        EXPECT_EQ(s.outcome, EbOutcome::Temporary) << s.message;
        EXPECT_THAT(s.message, Not(HasSubstr("<")));
        EXPECT_FALSE(s.message.empty());
    }
    EXPECT_EQ(classify(transportFailure(TransportError::Timeout)).message,
              "Enable Banking did not answer within 20 s");
}

TEST(EbErrors, MessagesNeverQuoteAnIbanOrAnyLongNumber)
{
    const EbStatus s = classify(reply(
        400,
        R"({"message":"Account NO9386011117947 (12345678901) failed","error":"ASPSP_ERROR"})"));
    EXPECT_EQ(s.outcome, EbOutcome::AccountError);
    EXPECT_FALSE(std::regex_search(s.message, std::regex("[0-9]{6}"))) << s.message;
}

TEST(EbErrors, MessagesNeverQuoteSessionIdsOrUids)
{
    const EbStatus s = classify(reply(
        404,
        R"({"message":"Account 3fa85f64-5717-4562-b3fc-2c963f66afa6 of session 9d2e4c1b8a7f6e5d4c3b2a1908f7e6d5 not found"})"));
    EXPECT_THAT(s.message, Not(HasSubstr("3fa85f64")));
    EXPECT_THAT(s.message, Not(HasSubstr("9d2e4c1b")));
    EXPECT_THAT(s.message, HasSubstr("not found"));
}

TEST(EbErrors, TheHolderNameAndOtherKnownSecretsAreRedacted)
{
    ReplyContext c = context();
    c.secrets = {"Kari Nordmann", "u-1-short"};
    const EbStatus s = classifyReply(
        reply(
            400,
            R"({"message":"Account u-1-short of Kari Nordmann is blocked","error":"ASPSP_ERROR"})"),
        EbCall::Balances, c);
    EXPECT_EQ(s.outcome, EbOutcome::AccountError);
    EXPECT_THAT(s.message, Not(HasSubstr("Kari")));
    EXPECT_THAT(s.message, Not(HasSubstr("u-1-short")));
    EXPECT_THAT(s.message, HasSubstr("is blocked"));
}

TEST(EbErrors, AnErrorFieldThatIsNotACodeIsNotQuoted)
{
    const EbStatus s = classify(reply(400, R"({"message":"m","error":"secret value 123"})"));
    EXPECT_EQ(s.errorCode, "");
    EXPECT_THAT(s.message, Not(HasSubstr("secret value")));
}

TEST(EbErrors, SuccessIsOk)
{
    EXPECT_TRUE(classify(reply(200, "{}")).ok());
}

}  // namespace
}  // namespace bank2mqtt::enablebanking::test
