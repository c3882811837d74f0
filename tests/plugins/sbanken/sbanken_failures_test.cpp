// SPDX-License-Identifier: MIT
// Component tests of SbankenSource failure handling: re-auth, status mapping, and privacy.
#include "sbanken_fixtures.h"

#include <gtest/gtest.h>

namespace bank2mqtt::sbanken::test {
namespace {

using namespace std::chrono_literals;

class SbankenFailures : public SbankenHarness {
protected:
    /// One poll of a fresh all-accounts source whose list call gets `status` and `body`.
    FetchResult pollWithListReply(int status, std::string body,
                                  std::vector<HttpHeader> headers = {
                                      {"Content-Type", "application/json"}})
    {
        auto source = makeSource();
        expectToken();
        http.expect("GET", listUrl(), status, std::move(body), std::move(headers));
        FetchResult r = source->fetch();
        expectScriptConsumed();
        return r;
    }
};

TEST_F(SbankenFailures, RetriesOnceWithANewTokenAfter401)
{
    auto source = makeSource();
    expectToken(kToken1);
    http.expect("GET", listUrl(), 401, "");
    expectToken(kToken2);
    expectList();
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(requestCount(), 4u);
    expectScriptConsumed();
}

TEST_F(SbankenFailures, ASecond401MeansAPersonMustAct)
{
    auto source = makeSource();
    expectToken(kToken1);
    http.expect("GET", listUrl(), 401, "");
    expectToken(kToken2);
    http.expect("GET", listUrl(), 401, "");
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::AuthRequired);
    EXPECT_EQ(r.message, "the bank refused a freshly issued access token (401 Unauthorized); "
                         "check that the API application may read accounts");
    EXPECT_EQ(requestCount(), 4u);
    EXPECT_EQ(state.values.count(SbankenSource::kTokenStateKey), 0u);
    expectScriptConsumed();
}

TEST_F(SbankenFailures, InvalidClientMeansAPersonMustAct)
{
    auto source = makeSource();
    http.expect("POST", kAuthUrl, 400, R"({"error":"invalid_client"})");
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::AuthRequired);
    EXPECT_EQ(r.message, "the bank rejected the client id or secret (invalid_client); check "
                         "client_id and client_secret_file");
    expectScriptConsumed();
}

TEST_F(SbankenFailures, TokenServerErrorsAreTemporary)
{
    auto source = makeSource();
    http.expect("POST", kAuthUrl, 503, "");
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "the bank's login service answered 503 Service Unavailable");
    expectScriptConsumed();
}

TEST_F(SbankenFailures, ServiceUnavailableIsTemporaryWithTheBanksMessage)
{
    const FetchResult r = pollWithListReply(503, kServiceUnavailableBody);
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "the bank answered 503 Service Unavailable: Could not complete the "
                         "request due to an expected or unexpected error.");
    EXPECT_TRUE(r.accounts.empty());
}

TEST_F(SbankenFailures, HtmlInsteadOfJsonIsTemporary)
{
    const FetchResult r = pollWithListReply(200, "<html><body>Vedlikehold</body></html>",
                                            {{"Content-Type", "text/html"}});
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "the bank answered with an HTML page instead of JSON");
}

TEST_F(SbankenFailures, TruncatedJsonIsTemporary)
{
    const FetchResult r = pollWithListReply(200, v1ListBody().substr(0, 200));
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "the bank sent an unusable answer: the reply is not valid JSON (it may "
                         "have been cut off)");
}

TEST_F(SbankenFailures, EmptyBodyIsTemporary)
{
    const FetchResult r = pollWithListReply(200, "");
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "the bank sent an unusable answer: the reply is empty");
}

TEST_F(SbankenFailures, IsErrorIsTemporaryNamingErrorType)
{
    const FetchResult r = pollWithListReply(
        200, R"({"errorType":1,"isError":true,"errorMessage":"SomeErrorMessage","traceId":"t"})");
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "the bank reported an error (errorType 1): SomeErrorMessage");
}

TEST_F(SbankenFailures, TimeoutIsTemporary)
{
    auto source = makeSource();
    expectToken();
    http.expectTransportError("GET", listUrl(), TransportError::Timeout);
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "the bank did not answer within 20 s");
    expectScriptConsumed();
}

TEST_F(SbankenFailures, UnreachableTokenEndpointIsTemporary)
{
    auto source = makeSource();
    http.expectTransportError("POST", kAuthUrl, TransportError::ConnectFailed,
                              "Connection refused");
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "could not reach the bank: Connection refused");
}

TEST_F(SbankenFailures, RateLimitedCarriesRetryAfter)
{
    const FetchResult r = pollWithListReply(429, "", {{"Retry-After", "120"}});
    EXPECT_EQ(r.status, FetchStatus::RateLimited);
    EXPECT_EQ(r.retryAfter, std::chrono::seconds(120));
}

TEST_F(SbankenFailures, ForbiddenMeansAPersonMustAct)
{
    const FetchResult r = pollWithListReply(403, "", {});
    EXPECT_EQ(r.status, FetchStatus::AuthRequired);
    EXPECT_EQ(requestCount(), 2u);
}

TEST_F(SbankenFailures, AMissingBalanceIsNeverZero)
{
    std::string body = v1ListBody();
    const std::string balance = "\"balance\":437.25,";
    body.erase(body.find(balance), balance.size());
    const FetchResult r = pollWithListReply(200, body);
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_EQ(r.message, "the bank sent account *******3219 without a usable balance");
    EXPECT_TRUE(r.accounts.empty());
}

TEST_F(SbankenFailures, NothingIdentifyingLeavesThePlugin)
{
    // Every path that could leak: token, selection, a re-auth, failures with bodies.
    auto source = makeSource({"97104133219", "Felleskonto"});
    expectToken(kToken1);
    expectList();
    FetchResult ok = source->fetch();
    ASSERT_EQ(ok.status, FetchStatus::Ok) << ok.message;
    http.expect("GET", listUrl(), 401, "");
    expectToken(kToken2);
    http.expect("GET", listUrl(), 503, kServiceUnavailableBody);
    FetchResult failed = source->fetch();
    http.expect("GET", listUrl(), 500,
                "{\"errorMessage\":\"customer " + kCustomerId + " account 97104133235\"}");
    FetchResult withNumbers = source->fetch();
    http.expect("POST", kAuthUrl, 400, R"({"error":"invalid_client"})");
    clock.advance(2h);
    FetchResult denied = source->fetch();
    FetchResult listed = source->listAccounts();

    std::vector<std::string> texts = {failed.message, withNumbers.message, denied.message,
                                      listed.message};
    for (const auto& line : log.lines)
        texts.push_back(line.text);
    for (const auto& account : ok.accounts) {
        texts.insert(texts.end(),
                     {account.fingerprint, account.name, account.type, account.maskedNumber});
    }
    const std::vector<std::string> secrets = {
        kSecret,       "Hemmelig",    kToken1,       kToken2,       kCustomerId,      kOtherOwner,
        "97104133219", "97104133227", "97104133235", "97104133243", "ZGVtby1jbGllbnQ"};
    for (const auto& text : texts) {
        for (const auto& secret : secrets)
            EXPECT_EQ(text.find(secret), std::string::npos) << "\"" << text << "\" has " << secret;
    }
    EXPECT_EQ(withNumbers.message, "the bank answered 500 Internal Server Error: customer *** "
                                   "account ***");
}

}  // namespace
}  // namespace bank2mqtt::sbanken::test
