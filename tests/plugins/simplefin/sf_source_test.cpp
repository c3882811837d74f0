// SPDX-License-Identifier: MIT
// SimpleFinSource's polls: one request, selectors, partial results, failures, the call limit.
#include "sf_fixtures.h"

#include "account_identity.h"

#include <gmock/gmock.h>

namespace bank2mqtt::simplefin::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SimpleFinSourceTest : public SfHarness {};

std::string withErrlist(const std::string& entries, const std::string& errors = "")
{
    std::string body = kV2Body;
    body.replace(body.find("\"errlist\": []"), 13, "\"errlist\": [" + entries + "]");
    body.replace(body.find("\"errors\": []"), 12, "\"errors\": [" + errors + "]");
    return body;
}

TEST_F(SimpleFinSourceTest, OnePollIsOneRequestWithBasicAuthAndEveryAccount)
{
    auto source = authorizedSource();
    http.expect("GET", kAccountsUrl, 200, kV2Body);
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_TRUE(r.message.empty()) << r.message;
    ASSERT_EQ(r.accounts.size(), 4u);
    ASSERT_EQ(http.requests().size(), 1u);
    EXPECT_EQ(*std::find_if(http.requests()[0].headers.begin(), http.requests()[0].headers.end(),
                            [](const HttpHeader& h) { return h.first == "Authorization"; }),
              (HttpHeader{"Authorization", "Basic " + base64(kUser + ":" + kPass)}));
    EXPECT_EQ(r.accounts[0].name, "Checking");
    EXPECT_EQ(r.accounts[0].selector, -1);
    EXPECT_EQ(r.accounts[0].fingerprint, digestHex("simplefin:ACT-aaa"));
    EXPECT_TRUE(r.accounts[0].maskedNumber.empty());
    EXPECT_EQ(r.accounts[2].balance.currency, "CAD");
    EXPECT_EQ(r.accounts[3].balance.currency, "");
    EXPECT_TRUE(r.accounts[3].balanceDate);
    EXPECT_TRUE(logIsClean());
}

TEST_F(SimpleFinSourceTest, WithoutAnAccessUrlNoRequestIsMadeAndAPersonMustAct)
{
    auto source = makeSource();
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::AuthRequired);
    EXPECT_THAT(r.message, HasSubstr("bank2mqtt --authorize=family"));
    EXPECT_TRUE(http.requests().empty());
}

TEST_F(SimpleFinSourceTest, SelectorsByIdNameAndInstitutionKeepTheirOrder)
{
    auto source = authorizedSource({"Savings", "ACT-aaa", "chase/sapphire visa"});
    http.expect("GET", kAccountsUrl, 200, kV2Body);
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 3u);
    EXPECT_EQ(r.accounts[0].name, "Savings");
    EXPECT_EQ(r.accounts[0].selector, 0);
    EXPECT_EQ(r.accounts[1].name, "Checking");
    EXPECT_EQ(r.accounts[2].name, "Sapphire Visa");
    EXPECT_EQ(r.accounts[2].selector, 2);
}

TEST_F(SimpleFinSourceTest, AnAmbiguousOrUnknownSelectorIsAConfigErrorNamingItsPosition)
{
    std::string body = kV2Body;
    body.replace(body.find("\"name\":\"Savings\""), 16, "\"name\":\"Checking\"");
    auto source = authorizedSource({"ACT-aaa", "checking"});
    http.expect("GET", kAccountsUrl, 200, body);
    FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::ConfigError);
    EXPECT_THAT(r.message, HasSubstr("selector 2 matches several"));

    auto other = authorizedSource({"Checking", "4111111111111111"});
    http.expect("GET", kAccountsUrl, 200, kV2Body);
    r = other->fetch();
    EXPECT_EQ(r.status, FetchStatus::ConfigError);
    EXPECT_THAT(r.message, HasSubstr("selector 2 matches no SimpleFIN account"));
    EXPECT_THAT(r.message, Not(HasSubstr("4111")));
}

TEST_F(SimpleFinSourceTest, AFailingConnectionLeavesOnlyItsAccountsOut)
{
    auto source = authorizedSource();
    http.expect("GET", kAccountsUrl, 200,
                withErrlist(R"({"code":"con.auth","msg":"Log in again","conn_id":"CON-2"})"));
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 2u);
    EXPECT_EQ(r.accounts[0].name, "Checking");
    EXPECT_EQ(r.accounts[1].name, "Sapphire Visa");
    EXPECT_THAT(r.message, HasSubstr("Savings at Maple Credit Union"));
    EXPECT_THAT(r.message, HasSubstr("Airline miles at Maple Credit Union"));
    EXPECT_THAT(r.message, HasSubstr("log in to the bank again"));
    EXPECT_THAT(r.message, HasSubstr("Log in again"));
}

TEST_F(SimpleFinSourceTest, AnAccountErrorAndAnUnknownSubcodeFallBackToThePrefix)
{
    auto source = authorizedSource({"Checking", "Savings"});
    http.expect("GET", kAccountsUrl, 200,
                withErrlist(R"({"code":"act.somethingnew","message":"x","account_id":"ACT-ccc"},
                               {"code":"act.missingdata","msg":"y","account_id":"ACT-aaa"})"));
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 1u) << "missing transactions do not hide a balance";
    EXPECT_EQ(r.accounts[0].name, "Checking");
    EXPECT_THAT(r.message, HasSubstr("Savings at Maple Credit Union: the SimpleFIN Bridge could "
                                     "not read the account"));
}

// With every account wanted, a connection whose accounts the Bridge leaves out of the reply
// must not look like a complete list: the host would remove that institution's accounts.
TEST_F(SimpleFinSourceTest, AFailingConnectionMissingFromTheReplyMakesTheResultPartial)
{
    std::string body = withErrlist(
        R"({"code":"con.auth","msg":"Log in again","conn_id":"CON-2"},
           {"code":"act.failed","msg":"later","account_id":"ACT-zzz"})");
    const auto from = body.find(R"(,
  {"id":"ACT-ccc")");
    body.erase(from, body.rfind(']') - from);  // the Credit Union's accounts are not sent
    auto source = authorizedSource();
    http.expect("GET", kAccountsUrl, 200, body);
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 2u);
    EXPECT_THAT(r.message, HasSubstr("Maple Credit Union: the connection needs you to log in to "
                                     "the bank again"));
    EXPECT_THAT(r.message, HasSubstr("an account not in the SimpleFIN Bridge's reply: the "
                                     "SimpleFIN Bridge could not read the account; it tries "
                                     "again later"));

    // Every connection failing and no account sent: a failure, nothing is removed.
    body = withErrlist(R"({"code":"con.","msg":"down","conn_id":"CON-1"})");
    body.erase(body.find(R"({"id":"ACT-aaa")"), body.rfind(']') - body.find(R"({"id":"ACT-aaa")"));
    http.expect("GET", kAccountsUrl, 200, body);
    const FetchResult none = source->fetch();
    EXPECT_EQ(none.status, FetchStatus::Temporary);
    EXPECT_THAT(none.message, HasSubstr("Chase: the SimpleFIN Bridge could not read this "
                                        "connection"));
}

TEST_F(SimpleFinSourceTest, EveryAccountFailingIsAFailure)
{
    auto source = authorizedSource();
    http.expect("GET", kAccountsUrl, 200,
                withErrlist(R"({"code":"con.","msg":"down","conn_id":"CON-1"},
                               {"code":"con.auth","msg":"down","conn_id":"CON-2"})"));
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_THAT(r.message, HasSubstr("Checking at Chase"));
}

TEST_F(SimpleFinSourceTest, GenAuthMeansAPersonMustAct)
{
    auto source = authorizedSource();
    http.expect("GET", kAccountsUrl, 200, withErrlist(R"({"code":"gen.auth","msg":"no"})"));
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::AuthRequired);
    EXPECT_THAT(r.message, HasSubstr("bank2mqtt --authorize=family"));
}

TEST_F(SimpleFinSourceTest, A403IsAuthRequiredA402NeedsPaymentNeitherLeaksTheCredentials)
{
    auto source = authorizedSource();
    http.expect("GET", kAccountsUrl, 403, "<html><h1>Forbidden</h1></html>",
                {{"Content-Type", "text/html"}});
    http.expect("GET", kAccountsUrl, 402, R"({"errors":["Payment required."],"accounts":[]})");
    FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::AuthRequired);
    EXPECT_THAT(r.message, HasSubstr("revoked"));
    EXPECT_THAT(r.message, HasSubstr("bank2mqtt --authorize=family"));
    EXPECT_THAT(r.message, HasSubstr("setup token in Home Assistant"));
    r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_THAT(r.message, HasSubstr("the SimpleFIN subscription needs payment"));
    EXPECT_THAT(r.message, Not(HasSubstr(kPass)));
    EXPECT_TRUE(logIsClean());
}

TEST_F(SimpleFinSourceTest, AQuotaWarningReachesTheStatusAndIsLoggedOnce)
{
    auto source = authorizedSource();
    const std::string body =
        withErrlist("", R"("You have made 50 requests today; the limit is 96")");
    http.expect("GET", kAccountsUrl, 200, body);
    http.expect("GET", kAccountsUrl, 200, body);
    http.expect("GET", kAccountsUrl, 200, kV2Body);
    FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok);
    EXPECT_EQ(r.accounts.size(), 4u);
    EXPECT_THAT(r.message, HasSubstr("the SimpleFIN Bridge says: You have made 50 requests"));
    r = source->fetch();
    EXPECT_EQ(log.count("You have made 50", LogLevel::Warning), 1u);
    r = source->fetch();
    EXPECT_TRUE(r.message.empty());
    EXPECT_EQ(log.count("warnings have cleared", LogLevel::Info), 1u);
}

TEST_F(SimpleFinSourceTest, ListAccountsShowsEveryAccountIgnoringSelectors)
{
    auto source = authorizedSource({"Checking"});
    http.expect("GET", kAccountsUrl, 200, kV2Body);
    const FetchResult r = source->listAccounts();
    ASSERT_EQ(r.status, FetchStatus::Ok);
    EXPECT_EQ(r.accounts.size(), 4u);
}

TEST_F(SimpleFinSourceTest, TheDailyLimitDefaultsTo24AndRefusesWhatTheBridgeBlocks)
{
    auto source = std::make_unique<SimpleFinSource>(services);
    ASSERT_TRUE(source->configure(config()).ok());
    auto* limit = capabilityOf<CallLimit>(*source);
    ASSERT_NE(limit, nullptr);
    EXPECT_EQ(limit->pollsPerDay(), 24u);
    ASSERT_TRUE(source->configure(config({}, "48")).ok());
    EXPECT_EQ(limit->pollsPerDay(), 48u);
    EXPECT_EQ(log.count("above the 24 polls a day", LogLevel::Warning), 1u);
    ASSERT_TRUE(source->configure(config({}, "95")).ok());
    EXPECT_EQ(limit->pollsPerDay(), 95u);
    const ConfigResult blocked = source->configure(config({}, "96"));
    EXPECT_EQ(blocked.key, "daily_limit") << "the Bridge blocks at 96";
    EXPECT_THAT(blocked.message, HasSubstr("at most 95"));
    EXPECT_THAT(blocked.message, HasSubstr("blocks"));
    EXPECT_FALSE(source->configure(config({}, "97")).ok());
    EXPECT_FALSE(source->configure(config({}, "lots")).ok());
    EXPECT_NE(capabilityOf<Authorization>(*source), nullptr);
    EXPECT_EQ(capabilityOf<ConsentInfo>(*source), nullptr);
}

}  // namespace
}  // namespace bank2mqtt::simplefin::test
