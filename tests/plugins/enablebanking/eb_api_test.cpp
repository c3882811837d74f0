// SPDX-License-Identifier: MIT
// The consent flow's requests and replies: /application, /aspsps, /auth, redirect, /sessions.
#include "eb_api.h"

#include "account_identity.h"
#include "eb_fixtures.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bank2mqtt::enablebanking::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point kNow{seconds(1795762800)};  // 2026-11-27T07:00:00Z

Endpoint endpoint()
{
    Endpoint e;
    e.apiUrl = "https://127.0.0.1:8443";
    return e;
}

std::string header(const HttpRequest& r, const std::string& name)
{
    for (const auto& [key, value] : r.headers) {
        if (key == name)
            return value;
    }
    return {};
}

Poco::JSON::Object::Ptr json(const std::string& text)
{
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST(EbApi, RequestsCarryTheBearerJwtAndNoPsuHeaders)
{
    const HttpRequest r = balancesRequest(endpoint(), "jwt.token.sig", "0b8a-uid/x");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.url, "https://127.0.0.1:8443/accounts/0b8a-uid%2Fx/balances");
    EXPECT_EQ(header(r, "Authorization"), "Bearer jwt.token.sig");
    EXPECT_EQ(header(r, "Accept"), "application/json");
    for (const auto& h : r.headers)
        EXPECT_NE(h.first.rfind("Psu-", 0), 0u) << h.first;
    EXPECT_EQ(applicationRequest(endpoint(), "j").url, "https://127.0.0.1:8443/application");
    EXPECT_EQ(aspspsRequest(endpoint(), "j", "NO", "personal").url,
              "https://127.0.0.1:8443/aspsps?country=NO&psu_type=personal");
    EXPECT_EQ(sessionRequest(endpoint(), "j", "s-1").url, "https://127.0.0.1:8443/sessions/s-1");
    const HttpRequest create = sessionCreateRequest(endpoint(), "j", "c\"ode");
    EXPECT_EQ(create.method, "POST");
    EXPECT_EQ(header(create, "Content-Type"), "application/json");
    EXPECT_EQ(json(create.body)->getValue<std::string>("code"), "c\"ode");
}

TEST(EbApi, ApplicationReply)
{
    const ApplicationReply a = parseApplicationReply(
        reply(200, R"({"name":"Pocket money","kid":"k","environment":"PRODUCTION",
                       "redirect_urls":["https://enablebanking.com/"],"active":true,
                       "countries":["NO"],"services":["AIS"]})"),
        context());
    ASSERT_TRUE(a.ok()) << a.status.message;
    EXPECT_EQ(a.application.environment, "PRODUCTION");
    EXPECT_THAT(a.application.redirectUrls, ElementsAre("https://enablebanking.com/"));
    EXPECT_TRUE(a.application.active);
}

TEST(EbApi, AnInactiveApplicationSaysToLinkAccounts)
{
    const ApplicationReply a = parseApplicationReply(
        reply(200, R"({"name":"n","environment":"PRODUCTION","redirect_urls":[],"active":false})"),
        context());
    EXPECT_EQ(a.status.outcome, EbOutcome::AppInactive);
    EXPECT_THAT(a.status.message, HasSubstr("link your accounts"));
    EXPECT_EQ(parseApplicationReply(reply(200, R"({"name":"n"})"), context()).status.outcome,
              EbOutcome::Temporary);
}

const char* kAspsps = R"({"aspsps":[
  {"name":"DNB","country":"NO","logo":"https://x/dnb.png","psu_types":["personal","business"],
   "maximum_consent_validity":15552000,"beta":false,"auth_methods":[]},
  {"name":"SpareBank 1 Sør-Norge","country":"NO","psu_types":["personal"],
   "maximum_consent_validity":7776000,"required_psu_headers":["psuIpAddress"],"beta":true},
  {"name":"SpareBank 1 Østlandet","country":"NO","psu_types":["personal"]},
  {"country":"NO"}]})";

TEST(EbApi, AspspsReply)
{
    const AspspsReply r = parseAspspsReply(reply(200, kAspsps), context());
    ASSERT_TRUE(r.ok()) << r.status.message;
    ASSERT_EQ(r.aspsps.size(), 3u);  // the nameless entry is skipped
    EXPECT_EQ(r.aspsps[0].name, "DNB");
    EXPECT_EQ(r.aspsps[0].maximumConsentValidity, seconds(15552000));
    EXPECT_THAT(r.aspsps[0].psuTypes, ElementsAre("personal", "business"));
    EXPECT_THAT(r.aspsps[1].requiredPsuHeaders, ElementsAre("psuIpAddress"));
    EXPECT_TRUE(r.aspsps[1].beta);
    EXPECT_FALSE(r.aspsps[2].maximumConsentValidity.has_value());
    EXPECT_EQ(parseAspspsReply(reply(200, "{}"), context()).status.outcome, EbOutcome::Temporary);
}

TEST(EbApi, MatchingBanksPrefersAnExactNameAndReportsAmbiguity)
{
    const auto all = parseAspspsReply(reply(200, kAspsps), context()).aspsps;
    EXPECT_EQ(matchAspsps(all, "dnb").size(), 1u);
    EXPECT_EQ(matchAspsps(all, "SpareBank 1").size(), 2u);  // ambiguous: the caller lists them
    EXPECT_EQ(matchAspsps(all, "").size(), 3u);
    EXPECT_TRUE(matchAspsps(all, "Nordea").empty());
}

TEST(EbApi, ConsentAsksForTheBanksMaximumLessAMargin)
{
    EXPECT_EQ(consentValidUntil(kNow, seconds(15552000)), kNow + seconds(15552000 - 86400));
    EXPECT_EQ(consentValidUntil(kNow, seconds(36000)), kNow + seconds(36000 - 3600));
    EXPECT_EQ(consentValidUntil(kNow, seconds(0)),
              kNow + kFallbackConsentValidity - std::chrono::hours(24));
}

TEST(EbApi, AnAbsurdMaximumIsCappedAtTenYears)
{
    EXPECT_EQ(consentValidUntil(kNow, seconds(9999999999)),
              kNow + std::chrono::hours(24 * 3650) - std::chrono::hours(24));
}

TEST(EbApi, Rfc3339WithOffset)
{
    EXPECT_EQ(formatRfc3339(kNow), "2026-11-27T07:00:00.000000+00:00");
    EXPECT_EQ(parseRfc3339("2026-11-27T07:00:00.000000+00:00"), kNow);
    EXPECT_EQ(parseRfc3339("2026-11-27T08:00:00+01:00"), kNow);
    EXPECT_EQ(parseRfc3339("2026-11-27T07:00:00Z"), kNow);
    EXPECT_EQ(parseRfc3339("2026-11-27"), kNow - std::chrono::hours(7));
    for (const char* bad : {"", "2026-13-01", "27.11.2026", "2026-11-27T07:00",
                            "2026-11-27T07:00:00+1", "8265-11-27", "1899-12-31T00:00:00Z"})
        EXPECT_FALSE(parseRfc3339(bad).has_value()) << bad;
}

TEST(EbApi, AuthRequestBody)
{
    AuthParams p;
    p.aspspName = "DNB";
    p.aspspCountry = "NO";
    p.state = "st-42";
    p.redirectUrl = "https://enablebanking.com/";
    p.validUntil = consentValidUntil(kNow, seconds(15552000));
    const HttpRequest r = authRequest(endpoint(), "j", p);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, "https://127.0.0.1:8443/auth");
    const auto body = json(r.body);
    EXPECT_EQ(body->getObject("access")->getValue<std::string>("valid_until"),
              "2027-05-25T07:00:00.000000+00:00");
    EXPECT_EQ(body->getObject("aspsp")->getValue<std::string>("name"), "DNB");
    EXPECT_EQ(body->getObject("aspsp")->getValue<std::string>("country"), "NO");
    EXPECT_EQ(body->getValue<std::string>("state"), "st-42");
    EXPECT_EQ(body->getValue<std::string>("redirect_url"), "https://enablebanking.com/");
    EXPECT_EQ(body->getValue<std::string>("psu_type"), "personal");
}

TEST(EbApi, AuthReply)
{
    const AuthReply a = parseAuthReply(
        reply(
            200,
            R"({"url":"https://bank.example/login?x=1","authorization_id":"a-1","psu_id_hash":"h"})"),
        context());
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a.url, "https://bank.example/login?x=1");
    EXPECT_EQ(a.authorizationId, "a-1");
    EXPECT_EQ(parseAuthReply(reply(200, R"({"url":"javascript:x"})"), context()).status.outcome,
              EbOutcome::Temporary);
}

TEST(EbRedirect, TakesTheCodeFromTheWholeUrlAndChecksState)
{
    const RedirectResult r =
        parseRedirect(" https://enablebanking.com/?code=abc%2D123&state=st-42\n", "st-42");
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.code, "abc-123");
    EXPECT_TRUE(r.stateChecked);
}

TEST(EbRedirect, TakesABareCode)
{
    const RedirectResult r = parseRedirect("4f1c2d3e-aaaa-bbbb", "st-42");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.code, "4f1c2d3e-aaaa-bbbb");
    EXPECT_FALSE(r.stateChecked);
}

TEST(EbRedirect, ReadsFragmentParameters)
{
    const RedirectResult r = parseRedirect("https://enablebanking.com/#code=c1&state=s", "s");
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.code, "c1");
}

TEST(EbRedirect, RefusedLoginIsOneClearSentence)
{
    const RedirectResult r =
        parseRedirect("https://enablebanking.com/?error=access_denied&state=st-42", "st-42");
    EXPECT_EQ(r.kind, RedirectResult::Kind::Denied);
    EXPECT_EQ(r.message,
              "the login at the bank was refused or cancelled (access_denied); nothing was stored");
}

TEST(EbRedirect, AUrlFromAnotherAttemptIsRefusedWithoutQuotingTheCode)
{
    const RedirectResult r =
        parseRedirect("https://enablebanking.com/?code=SECRETCODE&state=old", "st-42");
    EXPECT_EQ(r.kind, RedirectResult::Kind::StateMismatch);
    EXPECT_TRUE(r.code.empty());
    EXPECT_THAT(r.message, HasSubstr("another authorization attempt"));
    EXPECT_THAT(r.message, Not(HasSubstr("SECRETCODE")));
}

TEST(EbRedirect, OtherErrorsAndMissingCodes)
{
    EXPECT_EQ(parseRedirect("https://x/?error=server_error&state=s", "s").kind,
              RedirectResult::Kind::BankError);
    EXPECT_EQ(parseRedirect("https://x/?state=s", "s").kind, RedirectResult::Kind::NoCode);
    EXPECT_EQ(parseRedirect("   ", "s").kind, RedirectResult::Kind::NoCode);
    EXPECT_EQ(parseRedirect("code = abc", "s").kind, RedirectResult::Kind::NoCode);
}

const char* kSession = R"({"session_id":"9a1b-session","aspsp":{"name":"DNB","country":"NO"},
 "psu_type":"personal","access":{"valid_until":"2027-05-25T07:00:00.000000+00:00"},
 "accounts":[
  {"uid":"u-1","identification_hash":"aa11","account_id":{"iban":"NO9386011117947"},
   "name":"Kari Nordmann","details":"Lommepenger","product":"Brukskonto","currency":"NOK",
   "cash_account_type":"CACC"},
  {"uid":"u-2","identification_hash":"bb22","account_id":{"other":{"identification":"x"}},
   "name":"Kari Nordmann","product":"Kredittkort","currency":"NOK","cash_account_type":"CARD"},
  {"identification_hash":"cc33","name":"Kari Nordmann","currency":"EUR","cash_account_type":"SVGS"}]})";

TEST(EbSessions, CreateReplyKeepsUidsHashesAndLabelsButNotTheHolderName)
{
    const SessionReply s = parseSessionCreateReply(reply(200, kSession), context());
    ASSERT_TRUE(s.ok()) << s.status.message;
    EXPECT_EQ(s.sessionId, "9a1b-session");
    EXPECT_EQ(s.validUntil, kNow + std::chrono::hours(24 * 179));
    ASSERT_EQ(s.accounts.size(), 3u);
    const SessionAccount& a = s.accounts[0];
    EXPECT_EQ(a.uid, "u-1");
    EXPECT_EQ(a.iban, "NO9386011117947");
    EXPECT_EQ(a.account.name, "Lommepenger");  // details, not the holder's name
    EXPECT_EQ(a.account.type, "Brukskonto");
    EXPECT_EQ(a.account.maskedNumber, "*********7947");
    EXPECT_EQ(a.account.fingerprint, accountFingerprint("enablebanking", "NO9386011117947"));
    EXPECT_EQ(a.account.balance.currency, "NOK");
    EXPECT_EQ(s.accounts[1].account.name, "Kredittkort");  // product when no details
    EXPECT_EQ(s.accounts[2].account.name, "SVGS");
    EXPECT_TRUE(s.accounts[2].uid.empty());  // unreadable account: no uid
    for (const auto& acc : s.accounts) {
        EXPECT_THAT(acc.account.name, Not(HasSubstr("Kari")));
        EXPECT_THAT(acc.account.type, Not(HasSubstr("Kari")));
    }
}

TEST(EbSessions, AccountsKeepTheirIdentityAcrossConsents)
{
    // A new consent gives new uids; the fingerprint comes from the IBAN, else the hash.
    EXPECT_EQ(accountIdentity("NO93 8601 1117 947", "changed"),
              accountIdentity("NO9386011117947", "aa11"));
    EXPECT_EQ(accountIdentity("", "bb22"), accountIdentity("", "bb22"));
    EXPECT_NE(accountIdentity("", "bb22"), accountIdentity("", "bb23"));
    EXPECT_EQ(accountIdentity("", "bb22").size(), 32u);
    EXPECT_EQ(accountIdentity("", ""), "");
}

TEST(EbSessions, ASessionWithoutAccountsNeedsANewConsent)
{
    const SessionReply s = parseSessionCreateReply(
        reply(200, R"({"session_id":"s","accounts":[],"access":{"valid_until":"2027-01-01"}})"),
        context());
    EXPECT_EQ(s.status.outcome, EbOutcome::ConsentNeeded);
    EXPECT_THAT(s.status.message, HasSubstr("no accounts"));
}

TEST(EbSessions, StatusOtherThanAuthorizedNeedsConsent)
{
    const SessionStatusReply ok =
        parseSessionStatusReply(reply(200, R"({"status":"AUTHORIZED","accounts":["u-1"],
                       "accounts_data":[{"uid":"u-1","identification_hash":"aa11"}],
                       "access":{"valid_until":"2027-05-25T07:00:00+00:00"}})"),
                                context());
    ASSERT_TRUE(ok.ok());
    EXPECT_THAT(ok.identificationHashes, ElementsAre("aa11"));
    EXPECT_TRUE(ok.validUntil.has_value());
    for (const char* status : {"EXPIRED", "REVOKED", "CLOSED", "PENDING_AUTHORIZATION"}) {
        const SessionStatusReply s = parseSessionStatusReply(
            reply(200, std::string(R"({"status":")") + status + R"(","accounts":[]})"), context());
        EXPECT_EQ(s.status.outcome, EbOutcome::ConsentNeeded) << status;
        EXPECT_THAT(s.status.message, HasSubstr(status));
    }
}

TEST(EbSessions, SessionIdNeverInAMessage)
{
    const SessionReply s = parseSessionCreateReply(
        reply(401, R"({"message":"session 9a1b-session expired","error":"EXPIRED_SESSION"})"),
        context());
    EXPECT_EQ(s.status.outcome, EbOutcome::ConsentNeeded);
    EXPECT_THAT(s.status.message, Not(HasSubstr("9a1b-session")));
}

}  // namespace
}  // namespace bank2mqtt::enablebanking::test
