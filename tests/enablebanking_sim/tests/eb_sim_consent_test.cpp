// SPDX-License-Identifier: MIT
// The consent flow: /application, /aspsps, /auth, the login page, /sessions, session status.
#include "eb_sim_test_support.h"

#include <Poco/JSON/Array.h>

namespace bank2mqtt::ebsim::test {
namespace {

using EbSimConsentTest = EbSimTest;

TEST_F(EbSimConsentTest, ApplicationReportsItsShape)
{
    const HttpResult reply = api("GET", "/application");
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto app = parseObject(reply.body);
    EXPECT_EQ(app->getValue<std::string>("kid"), kDefaultAppId);
    EXPECT_EQ(app->getValue<std::string>("environment"), "PRODUCTION");
    EXPECT_TRUE(app->getValue<bool>("active"));
    EXPECT_EQ(app->getArray("redirect_urls")->getElement<std::string>(0),
              "https://enablebanking.com/");
}

TEST_F(EbSimConsentTest, AspspsFilterByCountryWithConsentValidityInSeconds)
{
    const auto body = parseObject(api("GET", "/aspsps?country=NO").body);
    const auto list = body->getArray("aspsps");
    ASSERT_EQ(list->size(), 4u);
    for (unsigned i = 0; i < list->size(); ++i) {
        EXPECT_EQ(list->getObject(i)->getValue<std::string>("country"), "NO");
        EXPECT_EQ(list->getObject(i)->getValue<long long>("maximum_consent_validity"),
                  180LL * 86400);
    }
    EXPECT_EQ(parseObject(api("GET", "/aspsps").body)->getArray("aspsps")->size(), 5u);
}

TEST_F(EbSimConsentTest, LoginRedirectsWithCodeAndStateAndTheCodeMakesASession)
{
    const HttpResult auth = startAuth(90LL * 86400, "DNB", "my state/1");
    ASSERT_EQ(auth.status, 200) << auth.body;
    const auto started = parseObject(auth.body);
    EXPECT_FALSE(started->getValue<std::string>("authorization_id").empty());
    EXPECT_FALSE(started->getValue<std::string>("psu_id_hash").empty());
    const std::string location = followLogin(started->getValue<std::string>("url"));
    EXPECT_EQ(location.rfind("https://enablebanking.com/?code=", 0), 0u) << location;
    EXPECT_EQ(queryParam(location, "state"), "my state/1");

    const std::string code = queryParam(location, "code");
    const HttpResult created = api("POST", "/sessions", "{\"code\":\"" + code + "\"}");
    ASSERT_EQ(created.status, 200) << created.body;
    const auto session = parseObject(created.body);
    EXPECT_EQ(session->getObject("aspsp")->getValue<std::string>("name"), "DNB");
    EXPECT_EQ(session->getValue<std::string>("psu_type"), "personal");
    EXPECT_FALSE(session->getObject("access")->getValue<std::string>("valid_until").empty());
    const auto accounts = session->getArray("accounts");
    ASSERT_EQ(accounts->size(), 3u);
    const auto first = accounts->getObject(0);
    EXPECT_EQ(first->getObject("account_id")->getValue<std::string>("iban"), "NO9297104133219");
    EXPECT_EQ(first->getValue<std::string>("details"), "Lommepenger");
    EXPECT_EQ(first->getValue<std::string>("currency"), "NOK");
    EXPECT_EQ(first->getValue<std::string>("identification_hash").size(), 64u);

    // The same code a second time: refused.
    const HttpResult again = api("POST", "/sessions", "{\"code\":\"" + code + "\"}");
    EXPECT_EQ(again.status, 422) << again.body;
    EXPECT_EQ(parseObject(again.body)->getValue<std::string>("error"), "ALREADY_AUTHORIZED");
    // A code never issued: refused.
    const HttpResult unknown = api("POST", "/sessions", "{\"code\":\"nope\"}");
    EXPECT_EQ(parseObject(unknown.body)->getValue<std::string>("error"),
              "WRONG_AUTHORIZATION_CODE");
}

TEST_F(EbSimConsentTest, EveryConsentGivesNewUidsWithStableHashes)
{
    const auto one = consent();
    const auto two = consent();
    EXPECT_NE(one->getValue<std::string>("session_id"), two->getValue<std::string>("session_id"));
    for (unsigned i = 0; i < 3; ++i) {
        const auto a = one->getArray("accounts")->getObject(i);
        const auto b = two->getArray("accounts")->getObject(i);
        EXPECT_NE(a->getValue<std::string>("uid"), b->getValue<std::string>("uid"));
        EXPECT_EQ(a->getValue<std::string>("identification_hash"),
                  b->getValue<std::string>("identification_hash"));
    }
}

TEST_F(EbSimConsentTest, CodeOlderThanTenMinutesIsRefused)
{
    const auto auth = parseObject(startAuth(86400).body);
    const std::string code = queryParam(followLogin(auth->getValue<std::string>("url")), "code");
    ASSERT_EQ(control("POST", "/clock/advance?seconds=601").status, 200);
    const HttpResult reply = api("POST", "/sessions", "{\"code\":\"" + code + "\"}");
    EXPECT_EQ(reply.status, 422);
    EXPECT_EQ(parseObject(reply.body)->getValue<std::string>("error"),
              "EXPIRED_AUTHORIZATION_CODE");
}

TEST_F(EbSimConsentTest, ConsentLongerThanTheBankAllowsIs422)
{
    const HttpResult reply = startAuth(180LL * 86400 + 3600);
    EXPECT_EQ(reply.status, 422);
    const auto body = parseObject(reply.body);
    EXPECT_EQ(body->getValue<std::string>("error"), "WRONG_REQUEST_PARAMETERS");
    EXPECT_EQ(body->getValue<std::string>("message"),
              "ASPSP does not support consent validity more than 15552000 seconds in the future");
    EXPECT_TRUE(body->isNull("detail"));
}

TEST_F(EbSimConsentTest, UnknownBankAndUnregisteredRedirectAreRefused)
{
    EXPECT_EQ(parseObject(startAuth(86400, "No Such Bank").body)->getValue<std::string>("error"),
              "WRONG_ASPSP_PROVIDED");
    const std::string validUntil = rfc3339(sim_->state().now() + 86400);
    const HttpResult reply =
        api("POST", "/auth",
            "{\"access\":{\"valid_until\":\"" + validUntil +
                "\"},\"aspsp\":{\"name\":\"DNB\",\"country\":\"NO\"},\"state\":\"s\","
                "\"redirect_url\":\"https://evil.example/\"}");
    EXPECT_EQ(parseObject(reply.body)->getValue<std::string>("error"), "REDIRECT_URI_NOT_ALLOWED");
}

TEST_F(EbSimConsentTest, DeniedLoginRedirectsWithAccessDeniedOnce)
{
    ASSERT_EQ(control("POST", "/deny-next-login").status, 200);
    const auto auth = parseObject(startAuth(86400).body);
    const std::string location = followLogin(auth->getValue<std::string>("url"));
    EXPECT_EQ(queryParam(location, "error"), "access_denied");
    EXPECT_EQ(queryParam(location, "state"), "st-1");
    EXPECT_TRUE(queryParam(location, "code").empty());
    // The next login succeeds again.
    const auto next = parseObject(startAuth(86400).body);
    EXPECT_FALSE(queryParam(followLogin(next->getValue<std::string>("url")), "code").empty());
}

TEST_F(EbSimConsentTest, SessionStatusFollowsExpiryAndDelete)
{
    const auto created = consent();
    const std::string id = created->getValue<std::string>("session_id");
    auto session = parseObject(api("GET", "/sessions/" + id).body);
    EXPECT_EQ(session->getValue<std::string>("status"), "AUTHORIZED");
    EXPECT_EQ(session->getArray("accounts")->getElement<std::string>(0), uidAt(created, 0));
    EXPECT_EQ(session->getArray("accounts_data")->size(), 3u);

    ASSERT_EQ(control("POST", "/clock/advance?seconds=" + std::to_string(91LL * 86400)).status,
              200);
    session = parseObject(api("GET", "/sessions/" + id).body);
    EXPECT_EQ(session->getValue<std::string>("status"), "EXPIRED");

    const auto other = consent();
    const std::string otherId = other->getValue<std::string>("session_id");
    EXPECT_EQ(api("DELETE", "/sessions/" + otherId).status, 200);
    EXPECT_EQ(parseObject(api("GET", "/sessions/" + otherId).body)->getValue<std::string>("status"),
              "CLOSED");
    const HttpResult missing = api("GET", "/sessions/00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(parseObject(missing.body)->getValue<std::string>("error"), "SESSION_DOES_NOT_EXIST");
}

TEST_F(EbSimConsentTest, DetailsAndBalancesHaveTheirShapes)
{
    const auto session = consent();
    const std::string uid = uidAt(session, 0);
    const auto details = parseObject(api("GET", "/accounts/" + uid + "/details").body);
    EXPECT_EQ(details->getValue<std::string>("uid"), uid);
    EXPECT_EQ(details->getValue<std::string>("product"), "Brukskonto ung");

    ASSERT_EQ(control("POST", "/balances?account=lommepenger&CLBD=512.50&ITAV=500.00").status, 200);
    const HttpResult reply = api("GET", "/accounts/" + uid + "/balances");
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto balances = parseObject(reply.body)->getArray("balances");
    ASSERT_EQ(balances->size(), 2u);
    const auto clbd = balances->getObject(0);
    EXPECT_EQ(clbd->getValue<std::string>("balance_type"), "CLBD");
    EXPECT_EQ(clbd->getObject("balance_amount")->getValue<std::string>("amount"), "512.50");
    EXPECT_EQ(clbd->getObject("balance_amount")->getValue<std::string>("currency"), "NOK");
    EXPECT_EQ(clbd->getValue<std::string>("reference_date"), isoDate(sim_->state().now()));
    EXPECT_FALSE(clbd->getValue<std::string>("last_change_date_time").empty());

    // An identification_hash where the uid belongs: what firefly-iii #12117 met.
    const HttpResult wrong = api("GET", "/accounts/" +
                                            session->getArray("accounts")
                                                ->getObject(0)
                                                ->getValue<std::string>("identification_hash") +
                                            "/balances");
    EXPECT_EQ(wrong.status, 422);
}

}  // namespace
}  // namespace bank2mqtt::ebsim::test
