// SPDX-License-Identifier: MIT
// Tests of the simulator's token endpoint: RFC 6749 2.3.1 client authentication, grant type.
#include "sim_test_support.h"

namespace bank2mqtt::sim::test {
namespace {

const std::string kTokenPath = "/identityserver/connect/token";
const std::string kSecret = "Hemmelig+Passord/2026?=&%";

using TokenEndpoint = SimulatorTest;

TEST_F(TokenEndpoint, UrlEncodedBasicAuthGetsBearerToken)
{
    auto session = httpsSession();
    const HttpResult reply =
        request(*session, "POST", kTokenPath,
                {{"Authorization", basicAuth("demo-client", kSecret)},
                 {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                "grant_type=client_credentials");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.contentType.rfind("application/json", 0), 0u) << reply.contentType;
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    EXPECT_GE(object->getValue<std::string>("access_token").size(), 40u);
    EXPECT_EQ(object->getValue<int>("expires_in"), 3600);
    EXPECT_EQ(object->getValue<std::string>("token_type"), "Bearer");
    EXPECT_EQ(object->getValue<std::string>("scope"), "Exec.Bank.Accounts.read_only");
}

TEST_F(TokenEndpoint, IssuesADifferentTokenEachTime)
{
    EXPECT_NE(token(), token());
}

TEST_F(TokenEndpoint, RawSecretIsInvalidClient)
{
    auto session = httpsSession();
    const HttpResult reply = request(*session, "POST", kTokenPath,
                                     {{"Authorization", basicAuth("demo-client", kSecret, false)}},
                                     "grant_type=client_credentials");
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.body, R"({"error":"invalid_client"})");
}

TEST_F(TokenEndpoint, WrongOrMissingCredentialsAreInvalidClient)
{
    auto session = httpsSession();
    for (const std::string& authorization :
         {basicAuth("demo-client", "wrong"), basicAuth("other-client", kSecret), std::string(),
          std::string("Basic not*base64"), std::string("Bearer abc")}) {
        const HttpResult reply =
            request(*session, "POST", kTokenPath,
                    authorization.empty()
                        ? std::map<std::string, std::string>{}
                        : std::map<std::string, std::string>{{"Authorization", authorization}},
                    "grant_type=client_credentials");
        EXPECT_EQ(reply.status, 400) << authorization;
        EXPECT_EQ(reply.body, R"({"error":"invalid_client"})") << authorization;
    }
    EXPECT_EQ(sim_->state().counters().tokensIssued, 0u);
}

TEST_F(TokenEndpoint, OtherGrantTypeIsUnsupported)
{
    auto session = httpsSession();
    for (const char* body : {"grant_type=password", "", "scope=x"}) {
        const HttpResult reply =
            request(*session, "POST", kTokenPath,
                    {{"Authorization", basicAuth("demo-client", kSecret)}}, body);
        EXPECT_EQ(reply.status, 400) << body;
        EXPECT_EQ(reply.body, R"({"error":"unsupported_grant_type"})") << body;
    }
}

TEST_F(TokenEndpoint, GetIsNotAllowed)
{
    auto session = httpsSession();
    EXPECT_EQ(request(*session, "GET", kTokenPath).status, 405);
}

}  // namespace
}  // namespace bank2mqtt::sim::test
