// SPDX-License-Identifier: MIT
// Firefly III replies: balances in each account's own currency and decimals, pages, error forms.
#include "ff_fixtures.h"

#include "account_identity.h"
#include "firefly_api.h"

#include <gtest/gtest.h>

namespace bank2mqtt::firefly::test {
namespace {

ReplyContext context()
{
    // FakeClock's start, 2026-11-27T07:00:00Z
    return ReplyContext{kBase,
                        std::chrono::seconds(20),
                        std::chrono::system_clock::from_time_t(1795762800),
                        {kToken}};
}

HttpResponse reply(int status, std::string body, std::vector<HttpHeader> headers = kJsonApi)
{
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

AccountsPage parseItems(const std::vector<Item>& items)
{
    return parseAccountsPage(reply(200, pageJson(items)), context());
}

Item item(std::string id, std::string code, std::string places, std::string balance)
{
    Item i;
    i.id = std::move(id);
    i.code = "\"" + code + "\"";
    i.places = std::move(places);
    i.balance = std::move(balance);
    return i;
}

TEST(FireflyApi, RequestsAssetPagesWithBearerTokenAndJsonApiAccept)
{
    const HttpRequest request = accountsPageRequest(kBase, kToken, 3, std::chrono::seconds(7));
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.url, kBase + "/api/v1/accounts?type=asset&limit=500&page=3");
    EXPECT_EQ(request.timeout, std::chrono::seconds(7));
    ASSERT_EQ(request.headers.size(), 2u);
    EXPECT_EQ(request.headers[0], (HttpHeader{"Authorization", "Bearer " + kToken}));
    EXPECT_EQ(request.headers[1], (HttpHeader{"Accept", "application/vnd.api+json"}));
}

TEST(FireflyApi, NormalizesTheBaseUrl)
{
    std::string problem;
    EXPECT_EQ(normalizeBaseUrl("https://ff.lan/", problem), "https://ff.lan");
    EXPECT_EQ(normalizeBaseUrl("https://ff.lan/api/v1", problem), "https://ff.lan");
    EXPECT_EQ(normalizeBaseUrl("https://ff.lan/firefly/api/v1/", problem),
              "https://ff.lan/firefly");
    EXPECT_EQ(normalizeBaseUrl("http://192.168.1.20:8080", problem), "http://192.168.1.20:8080");
    for (const char* bad : {"ftp://ff.lan", "ff.lan", "https://", "https://u:p@ff.lan",
                            "https://ff.lan/?x=1", "https://ff.lan/#top"}) {
        problem.clear();
        EXPECT_FALSE(normalizeBaseUrl(bad, problem)) << bad;
        EXPECT_NE(problem.find("url"), std::string::npos) << bad;
    }
}

TEST(FireflyApi, EachAccountKeepsItsOwnCurrencyAndDecimals)
{
    const AccountsPage page =
        parseItems({item("1", "NOK", "2", "\"437.25\""), item("2", "EUR", "2", "\"-250.00\""),
                    item("3", "JPY", "0", "\"150000\""), item("4", "JPY", "0", "\"150000.00\""),
                    item("5", "BHD", "3", "\"1.250\""), item("6", "USD", "2", "\"0\"")});
    ASSERT_TRUE(page.ok()) << page.outcome.message;
    ASSERT_EQ(page.accounts.size(), 6u);
    const std::vector<Money> expected = {{43725, "NOK", 2},  {-25000, "EUR", 2}, {150000, "JPY", 0},
                                         {150000, "JPY", 0}, {1250, "BHD", 3},   {0, "USD", 2}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        ASSERT_TRUE(page.accounts[i].account) << page.accounts[i].problem;
        EXPECT_EQ(page.accounts[i].account->balance, expected[i]) << i;
        EXPECT_EQ(page.accounts[i].account->available, expected[i]) << i;
        EXPECT_FALSE(page.accounts[i].account->creditLimit);
    }
}

TEST(FireflyApi, NeverTakesThePrimaryCurrency)
{
    // The fixture sets primary_currency_code EUR and pc_current_balance 999.99 on every item.
    const AccountsPage page = parseItems({item("1", "NOK", "2", "\"10.00\"")});
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page.accounts[0].account->balance, (Money{1000, "NOK", 2}));
}

TEST(FireflyApi, ReadsTheNumberBalanceOfFirefly500)
{
    const AccountsPage page = parseItems({item("1", "EUR", "2", "1234.56")});
    ASSERT_TRUE(page.accounts[0].account);
    EXPECT_EQ(page.accounts[0].account->balance.minor, 123456);
}

TEST(FireflyApi, AnInexactBalanceIsAProblemOfThatAccountOnly)
{
    const AccountsPage page =
        parseItems({item("1", "NOK", "2", "\"1.234\""), item("2", "NOK", "2", "\"abc\""),
                    item("3", "NOK", "2", "null"), item("4", "NOK", "2", "\"5.00\"")});
    ASSERT_TRUE(page.ok());
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(page.accounts[i].account) << i;
        EXPECT_NE(page.accounts[i].problem.find("not an exact amount with 2 decimals"),
                  std::string::npos);
    }
    EXPECT_TRUE(page.accounts[3].account);
}

TEST(FireflyApi, AMissingCurrencyIsAProblemWithItsFix)
{
    Item i = item("1", "NOK", "2", "\"5.00\"");
    i.code = "null";
    i.places = "null";
    const AccountsPage page = parseItems({i});
    ASSERT_TRUE(page.ok());
    EXPECT_FALSE(page.accounts[0].account);
    EXPECT_NE(page.accounts[0].problem.find("has no currency"), std::string::npos);
    EXPECT_NE(page.accounts[0].problem.find("choose its currency"), std::string::npos);
}

TEST(FireflyApi, ACustomCurrencyCodeIsAPlainNumber)
{
    const AccountsPage page = parseItems({item("1", "Points", "0", "\"1500\"")});
    ASSERT_TRUE(page.accounts[0].account);
    EXPECT_EQ(page.accounts[0].account->balance, (Money{1500, "", 0}));
}

TEST(FireflyApi, LastActivityIsTheBalanceDateNeverCurrentBalanceDate)
{
    Item with = item("1", "NOK", "2", "\"1.00\"");
    Item without = item("2", "NOK", "2", "\"1.00\"");
    without.lastActivity = "null";
    const AccountsPage page = parseItems({with, without});
    ASSERT_TRUE(page.accounts[0].account->balanceDate);
    // 2026-11-26T14:03:11+01:00
    EXPECT_EQ(std::chrono::system_clock::to_time_t(*page.accounts[0].account->balanceDate),
              1795698191);
    EXPECT_FALSE(page.accounts[1].account->balanceDate);
}

TEST(FireflyApi, ALastActivityLaterThanNowIsNoBalanceDate)
{
    Item planned = item("1", "NOK", "2", "\"1.00\"");
    planned.lastActivity = "\"2026-12-24T00:00:00+01:00\"";  // a planned transaction
    Item justNow = item("2", "NOK", "2", "\"1.00\"");
    justNow.lastActivity = "\"2026-11-27T08:00:00+01:00\"";  // exactly now
    const AccountsPage page = parseItems({planned, justNow});
    ASSERT_TRUE(page.accounts[0].account);
    EXPECT_FALSE(page.accounts[0].account->balanceDate);
    EXPECT_TRUE(page.accounts[1].account->balanceDate);
}

TEST(FireflyApi, OtherTypesAreIgnoredAndInactiveIsRead)
{
    Item expense = item("7", "NOK", "2", "\"1.00\"");
    expense.type = "\"expense\"";
    Item inactive = item("8", "NOK", "2", "\"1.00\"");
    inactive.active = "false";
    const AccountsPage page = parseItems({expense, inactive});
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page.otherTypes, 1);
    ASSERT_EQ(page.accounts.size(), 1u);
    EXPECT_EQ(page.accounts[0].id, "8");
    EXPECT_FALSE(page.accounts[0].active);
}

TEST(FireflyApi, ReadsPagination)
{
    const AccountsPage page =
        parseAccountsPage(reply(200, pageJson({item("1", "NOK", "2", "\"1\"")}, 2, 3)), context());
    EXPECT_EQ(page.currentPage, 2);
    EXPECT_EQ(page.totalPages, 3);
}

TEST(FireflyApi, IdentityFromIbanMaskedAndFromIdWithoutOne)
{
    Item withIban = item("1", "NOK", "2", "\"1\"");
    Item withNumber = item("2", "NOK", "2", "\"1\"");
    withNumber.iban = "null";
    withNumber.number = "\"9710.41.33219\"";
    Item bare = item("3", "NOK", "2", "\"1\"");
    bare.iban = "\"\"";
    const AccountsPage page = parseItems({withIban, withNumber, bare});
    EXPECT_EQ(page.accounts[0].account->maskedNumber, "*********7947");
    EXPECT_EQ(page.accounts[0].account->fingerprint,
              accountFingerprint("firefly", "NO9386011117947"));
    EXPECT_EQ(page.accounts[1].account->maskedNumber, "*******3219");
    EXPECT_EQ(page.accounts[2].account->maskedNumber, "");
    EXPECT_EQ(page.accounts[2].account->fingerprint, fireflyFingerprint(kBase, page.accounts[2]));
    EXPECT_NE(page.accounts[2].account->fingerprint,
              fireflyFingerprint("https://other.lan", page.accounts[2]));
}

TEST(FireflyApi, ANameHoldingTheNumberIsNotPublished)
{
    Item i = item("1", "NOK", "2", "\"1\"");
    i.name = "\"Konto 8601 11 17947\"";
    i.role = "\"savingAsset\"";
    const AccountsPage page = parseItems({i});
    EXPECT_EQ(page.accounts[0].account->name, "Savings account 7947");
    EXPECT_EQ(page.accounts[0].account->type, "Savings account");
}

TEST(FireflyApi, ANameHoldingTheEndOfAGermanIbanIsNotPublished)
{
    Item giro = item("1", "EUR", "2", "\"1\"");
    giro.iban = "\"DE89370400440532013000\"";
    giro.name = "\"Giro 0532013000\"";
    Item spaced = giro;
    spaced.id = "2";
    spaced.name = "\"Giro 0532 0130-00\"";
    Item other = giro;
    other.id = "3";
    other.name = "\"Depot 12345678\"";  // 8 digits, not this account's: kept
    Item unknown = giro;
    unknown.id = "4";
    unknown.iban = "null";
    unknown.name = "\"Visa 4111 1111 1111 1111\"";  // no number known: any 8+ digit run goes
    const AccountsPage page = parseItems({giro, spaced, other, unknown});
    ASSERT_EQ(page.accounts.size(), 4u);
    EXPECT_EQ(page.accounts[0].account->name, "Default asset account 3000");
    EXPECT_EQ(page.accounts[1].account->name, "Default asset account 3000");
    EXPECT_EQ(page.accounts[2].account->name, "Depot 12345678");
    EXPECT_EQ(page.accounts[3].account->name, "Default asset account 1111");
}

TEST(FireflyApi, UnauthenticatedIsTheTokenSentence)
{
    const AccountsPage page = parseAccountsPage(
        reply(401, R"({"message":"Unauthenticated.","exception":"AuthenticationException"})",
              {{"Content-Type", "application/json"}}),
        context());
    EXPECT_EQ(page.outcome.status, FetchStatus::AuthRequired);
    EXPECT_NE(page.outcome.message.find("Firefly III rejected the personal access token "
                                        "(token_file"),
              std::string::npos);
    EXPECT_NE(page.outcome.message.find("Options → Profile → OAuth"), std::string::npos);
    // The host reads token_file once, at start.
    EXPECT_NE(page.outcome.message.find("restart bank2mqtt"), std::string::npos);
}

TEST(FireflyApi, AProxysOwnLoginIsNotTheTokenSentence)
{
    const std::vector<HttpResponse> replies = {
        // nginx auth_basic in front of Firefly III
        reply(401,
              "<html><head><title>401 Authorization Required</title></head><body>"
              "<center><h1>401 Authorization Required</h1></center></body></html>",
              {{"Content-Type", "text/html"}, {"WWW-Authenticate", "Basic realm=\"Firefly\""}}),
        // a JSON body, even Firefly's words, does not outweigh a Basic challenge
        reply(401, R"({"message":"Unauthenticated.","exception":"AuthenticationException"})",
              {{"Content-Type", "application/json"}, {"www-authenticate", "basic"}}),
        // an SSO portal's HTML page
        reply(401, "<!DOCTYPE html><title>Sign in</title>", {{"Content-Type", "text/html"}}),
    };
    for (const auto& r : replies) {
        const AccountsPage page = parseAccountsPage(r, context());
        EXPECT_EQ(page.outcome.status, FetchStatus::AuthRequired) << r.body;
        EXPECT_EQ(page.outcome.message.find("rejected the personal access token"),
                  std::string::npos)
            << page.outcome.message;
        EXPECT_NE(page.outcome.message.find("a login of another kind was asked for (401 "),
                  std::string::npos)
            << page.outcome.message;
        EXPECT_NE(page.outcome.message.find("a proxy in front of it"), std::string::npos);
    }
    EXPECT_NE(parseAccountsPage(replies[0], context())
                  .outcome.message.find("with a WWW-Authenticate: Basic challenge"),
              std::string::npos);
    EXPECT_NE(parseAccountsPage(replies[2], context()).outcome.message.find("as an HTML page"),
              std::string::npos);
}

TEST(FireflyApi, ARedirectToLoginSaysTheRequestWasNotAnApiCall)
{
    const AccountsPage page = parseAccountsPage(
        reply(302, "<html>Redirecting to https://ff.lan/login</html>",
              {{"Location", kBase + "/login"}, {"Content-Type", "text/html; charset=UTF-8"}}),
        context());
    EXPECT_EQ(page.outcome.status, FetchStatus::AuthRequired);
    EXPECT_NE(page.outcome.message.find("did not treat the request as an API call"),
              std::string::npos);
    EXPECT_NE(page.outcome.message.find("proxy"), std::string::npos);
}

TEST(FireflyApi, ALoginPageWith200SaysTheSame)
{
    const AccountsPage page = parseAccountsPage(
        reply(200, "<!DOCTYPE html><form action=\"/login\">", {{"Content-Type", "text/html"}}),
        context());
    EXPECT_EQ(page.outcome.status, FetchStatus::AuthRequired);
    EXPECT_NE(page.outcome.message.find("did not treat the request as an API call"),
              std::string::npos);
}

TEST(FireflyApi, OtherRedirectsNameOnlyTheOrigin)
{
    const AccountsPage page = parseAccountsPage(
        reply(301, "", {{"Location", "https://new.lan:8443/api/v1/accounts?x=secret"}}), context());
    EXPECT_EQ(page.outcome.status, FetchStatus::ConfigError);
    EXPECT_NE(page.outcome.message.find("https://new.lan:8443"), std::string::npos);
    EXPECT_EQ(page.outcome.message.find("secret"), std::string::npos);
}

TEST(FireflyApi, NotAcceptableAndUnprocessableHaveTheirOwnSentences)
{
    const AccountsPage notAcceptable = parseAccountsPage(
        reply(406, R"({"message":"Accept header \"text/plain\" is not something this server can )"
                   R"(provide.","exception":"BadHttpHeaderException"})"),
        context());
    EXPECT_EQ(notAcceptable.outcome.status, FetchStatus::ConfigError);
    EXPECT_NE(notAcceptable.outcome.message.find("refused the Accept header (406 Not Acceptable: "
                                                 "\"Accept header \"text/plain\" is not"),
              std::string::npos)
        << notAcceptable.outcome.message;
    const AccountsPage invalid = parseAccountsPage(
        reply(422, R"({"message":"The limit may not be greater than 131337.","errors":{}})"),
        context());
    EXPECT_EQ(invalid.outcome.status, FetchStatus::ConfigError);
    EXPECT_NE(invalid.outcome.message.find("422"), std::string::npos);
    EXPECT_NE(invalid.outcome.message.find("The limit may not be greater than"), std::string::npos);
}

TEST(FireflyApi, NotFoundPointsAtTheUrl)
{
    const AccountsPage page = parseAccountsPage(
        reply(404, R"({"message":"Resource not found","exception":"NotFoundHttpException"})"),
        context());
    EXPECT_EQ(page.outcome.status, FetchStatus::ConfigError);
    EXPECT_TRUE(page.notFound);
    EXPECT_NE(page.outcome.message.find(kBase + "/api/v1"), std::string::npos);
    EXPECT_NE(page.outcome.message.find("subpath"), std::string::npos);
}

TEST(FireflyApi, ServerErrorsHtmlAndTruncatedRepliesAreTemporary)
{
    const std::string body = pageJson({item("1", "NOK", "2", "\"1\"")});
    const std::vector<HttpResponse> replies = {
        reply(500, R"({"message":"Internal Firefly III Exception: SQLSTATE[HY000]",)"
                   R"("exception":"UndisclosedException"})"),
        reply(502, "<html><h1>502 Bad Gateway</h1></html>", {{"Content-Type", "text/html"}}),
        reply(200, "<html>maintenance</html>", {{"Content-Type", "text/html"}}),
        reply(200, body.substr(0, body.size() / 2)),
        reply(200, R"({"meta":{}})"),
        reply(200, ""),
    };
    for (const auto& r : replies) {
        const AccountsPage page = parseAccountsPage(r, context());
        EXPECT_EQ(page.outcome.status, FetchStatus::Temporary) << r.status << " " << r.body;
        EXPECT_TRUE(page.accounts.empty());
    }
    EXPECT_NE(parseAccountsPage(replies[0], context())
                  .outcome.message.find("Internal Firefly III Exception"),
              std::string::npos);
    HttpResponse refused;
    refused.transportError = TransportError::ConnectFailed;
    refused.errorText = "connection refused";
    EXPECT_EQ(parseAccountsPage(refused, context()).outcome.status, FetchStatus::Temporary);
}

TEST(FireflyApi, TooManyRequestsHonoursRetryAfter)
{
    const AccountsPage page = parseAccountsPage(
        reply(429, R"({"message":"Too Many Attempts."})", {{"Retry-After", "60"}}), context());
    EXPECT_EQ(page.outcome.status, FetchStatus::RateLimited);
    EXPECT_EQ(page.outcome.retryAfter, std::chrono::seconds(60));
}

TEST(FireflyApi, TheTokenIsRedactedFromFireflysWords)
{
    const AccountsPage page = parseAccountsPage(
        reply(500, R"({"message":"bad header Bearer )" + kToken + R"("})"), context());
    EXPECT_EQ(page.outcome.message.find(kToken), std::string::npos);
    EXPECT_EQ(page.outcome.message.find(kToken.substr(0, 20)), std::string::npos);
}

}  // namespace
}  // namespace bank2mqtt::firefly::test
