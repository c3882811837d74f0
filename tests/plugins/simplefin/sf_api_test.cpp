// SPDX-License-Identifier: MIT
// The SimpleFIN protocol layer: setup tokens, Access URLs, both reply shapes, amounts.
#include "sf_fixtures.h"

#include <gmock/gmock.h>

namespace bank2mqtt::simplefin::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::chrono::milliseconds kTimeout{20000};
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));

HttpResponse reply(int status, std::string body, std::string type = "application/json")
{
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = {{"Content-Type", type}};
    return r;
}

AccountsReply parse(const HttpResponse& r)
{
    return parseAccountsReply(r, kTimeout, kNow, {kPass, kUser});
}

TEST(SimpleFinToken, TheProtocolsExampleDecodesToItsClaimUrl)
{
    std::string error;
    const auto url = decodeSetupToken(
        "aHR0cHM6Ly9icmlkZ2Uuc2ltcGxlZmluLm9yZy9zaW1wbGVmaW4vY2xhaW0vZGVtbw==", error);
    ASSERT_TRUE(url) << error;
    EXPECT_EQ(*url, "https://bridge.simplefin.org/simplefin/claim/demo");
}

TEST(SimpleFinToken, UrlSafeUnpaddedAndWrappedTokensDecode)
{
    std::string error;
    std::string token = base64(kClaimUrl);
    while (!token.empty() && token.back() == '=')
        token.pop_back();
    token.insert(10, "\n  ");
    const auto url = decodeSetupToken(token, error);
    ASSERT_TRUE(url) << error;
    EXPECT_EQ(*url, kClaimUrl);
}

TEST(SimpleFinToken, GarbageAndNonUrlsAreRefusedWithoutQuotingThem)
{
    std::string error;
    EXPECT_FALSE(decodeSetupToken("not a token!", error));
    EXPECT_THAT(error, HasSubstr("not a SimpleFIN setup token"));
    EXPECT_THAT(error, Not(HasSubstr("not a token!")));
    EXPECT_FALSE(decodeSetupToken(base64("hello world"), error));
    EXPECT_THAT(error, HasSubstr("claim URL"));
    EXPECT_FALSE(decodeSetupToken(base64("http://bridge.simplefin.org/claim/x"), error));
    EXPECT_THAT(error, HasSubstr("https://"));
    EXPECT_TRUE(decodeSetupToken(base64("http://127.0.0.1:8443/claim/x"), error)) << error;
    EXPECT_FALSE(decodeSetupToken("", error));
}

TEST(SimpleFinAccessUrl, CredentialsBecomeBasicAndLeaveTheUrl)
{
    std::string error;
    const auto access = parseAccessUrl(kAccess + "/\n", error);
    ASSERT_TRUE(access) << error;
    EXPECT_EQ(access->base, "https://bridge.simplefin.org/simplefin");
    EXPECT_EQ(access->host, "bridge.simplefin.org");
    EXPECT_EQ(access->authorizationHeader(), "Basic " + base64(kUser + ":" + kPass));
    EXPECT_EQ(access->full(), kAccess);
    const HttpRequest request = accountsRequest(*access, kTimeout);
    EXPECT_EQ(request.url, kAccountsUrl);
    EXPECT_THAT(request.url, Not(HasSubstr(kPass)));
}

TEST(SimpleFinAccessUrl, PlainHttpMissingCredentialsAndQueriesAreRefused)
{
    std::string error;
    EXPECT_FALSE(parseAccessUrl("http://u:p@bridge.simplefin.org/simplefin", error));
    EXPECT_THAT(error, HasSubstr("https://"));
    EXPECT_FALSE(parseAccessUrl("https://bridge.simplefin.org/simplefin", error));
    EXPECT_THAT(error, HasSubstr("no user name and password"));
    EXPECT_FALSE(parseAccessUrl("https://u:p@bridge.simplefin.org/s?x=1", error));
    EXPECT_FALSE(parseAccessUrl("nonsense", error));
    EXPECT_TRUE(parseAccessUrl("http://u:p@127.0.0.1:9999/simplefin", error)) << error;
}

TEST(SimpleFinClaim, ABodyWithANewlineIsTheAccessUrl)
{
    const ClaimReply ok = parseClaimReply(reply(200, kAccess + "\r\n", "text/plain"), kTimeout);
    ASSERT_EQ(ok.kind, ClaimReply::Kind::Ok) << ok.message;
    EXPECT_EQ(ok.access->full(), kAccess);
}

TEST(SimpleFinClaim, A403SaysTheTokenWasClaimedAndMayBeCompromised)
{
    const ClaimReply used =
        parseClaimReply(reply(403, "<html>Forbidden</html>", "text/html"), kTimeout);
    EXPECT_EQ(used.kind, ClaimReply::Kind::AlreadyClaimed);
    EXPECT_THAT(used.message, HasSubstr("already claimed"));
    EXPECT_THAT(used.message, HasSubstr("compromised"));
    const ClaimReply odd = parseClaimReply(reply(200, "<html>hi</html>", "text/html"), kTimeout);
    EXPECT_EQ(odd.kind, ClaimReply::Kind::Failed);
}

TEST(SimpleFinAmount, IsoCodesAreUpperCasedAndExact)
{
    const auto usd = parseAmount("437.25", "usd");
    ASSERT_TRUE(usd);
    EXPECT_EQ(*usd, (Money{43725, "USD", -1}));
    EXPECT_EQ(*parseAmount("-532.69", "USD"), (Money{-53269, "USD", -1}));
    EXPECT_EQ(*parseAmount("1200.5", "CAD"), (Money{120050, "CAD", -1}));
    EXPECT_EQ(*parseAmount("150000", "JPY"), (Money{150000, "JPY", -1}));
    // More digits than the ISO minor units: kept at their own scale, never rounded.
    EXPECT_EQ(*parseAmount("1.234", "USD"), (Money{1234, "USD", 3}));
    EXPECT_FALSE(parseAmount("12,50", "USD"));
    EXPECT_FALSE(parseAmount("1.00", "dollars"));
    EXPECT_FALSE(parseAmount("", "USD"));
}

TEST(SimpleFinAmount, ACustomCurrencyHasNoUnitAndTheDecimalsOfItsText)
{
    EXPECT_EQ(*parseAmount("12500", "https://www.example.com/flight-miles"), (Money{12500, "", 0}));
    EXPECT_EQ(*parseAmount("12.5", "https://x.example/pts", "3.125"), (Money{12500, "", 3}));
    EXPECT_FALSE(parseAmount("1.0000000000000000001", "https://x.example/pts"));
    EXPECT_EQ(fractionDigits("1.5e2"), 0);
    EXPECT_EQ(fractionDigits("15e-1"), 1);
}

TEST(SimpleFinReply, V2AccountsConnectionsAndDatesAreRead)
{
    const AccountsReply r = parse(reply(200, kV2Body));
    ASSERT_TRUE(r.ok()) << r.message;
    ASSERT_EQ(r.accounts.size(), 4u);
    EXPECT_EQ(r.accounts[0].connectionName, "Chase");
    EXPECT_EQ(r.accounts[0].balance, (Money{43725, "USD", -1}));
    EXPECT_EQ(r.accounts[0].available, (Money{40000, "USD", -1}));
    EXPECT_EQ(r.accounts[1].available, r.accounts[1].balance) << "missing available = balance";
    EXPECT_EQ(r.accounts[3].balance, (Money{12500, "", 0}));
    ASSERT_TRUE(r.accounts[0].balanceDate);
    EXPECT_EQ(r.accounts[0].balanceDate->time_since_epoch(), std::chrono::seconds(1795762000));
}

TEST(SimpleFinReply, V1OrgsAndErrorStringsAreRead)
{
    const AccountsReply r =
        parse(reply(200, R"({"errors":["Connection to Chase may need attention"],
      "accounts":[{"org":{"domain":"chase.com","name":"Chase","sfin-url":"https://x"},
      "id":"ACT-1","name":"Costco Anywhere Visa® Card","currency":"USD","balance":"-1.5",
      "balance-date":"1795762000"}]})"));
    ASSERT_TRUE(r.ok()) << r.message;
    ASSERT_EQ(r.accounts.size(), 1u);
    EXPECT_EQ(r.accounts[0].connectionName, "Chase");
    EXPECT_EQ(r.accounts[0].name, "Costco Anywhere Visa® Card");
    EXPECT_TRUE(r.accounts[0].balanceDate);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0], "Connection to Chase may need attention");
}

TEST(SimpleFinReply, ErrlistReadsMsgAndMessageAndSanitises)
{
    const AccountsReply r = parse(reply(200, R"({"errlist":[
      {"code":"con.auth","msg":"Chase needs\u0007 login 12345678901","conn_id":"CON-1"},
      {"code":"act.failed","message":"try later )" +
                                                 kPass + R"(","account_id":"ACT-ccc"}],
      "connections":[],"accounts":[]})"));
    ASSERT_TRUE(r.ok()) << r.message;
    ASSERT_EQ(r.errlist.size(), 2u);
    EXPECT_EQ(r.errlist[0].text, "Chase needs login ***");
    EXPECT_EQ(r.errlist[0].connection, "CON-1");
    EXPECT_EQ(r.errlist[1].text, "try later ***");
    EXPECT_EQ(r.errlist[1].account, "ACT-ccc");
}

TEST(SimpleFinReply, HttpFailuresAreClassified)
{
    EXPECT_EQ(parse(reply(402, R"({"errors":["Payment required."],"accounts":[]})")).status,
              FetchStatus::Temporary);
    EXPECT_THAT(parse(reply(402, "{}")).message, HasSubstr("subscription needs payment"));
    const AccountsReply forbidden =
        parse(reply(403, "<html><h1>Forbidden</h1>Access denied</html>", "text/html"));
    EXPECT_EQ(forbidden.status, FetchStatus::AuthRequired);
    EXPECT_THAT(forbidden.message, HasSubstr("revoked"));
    HttpResponse limited = reply(429, "");
    limited.headers.push_back({"Retry-After", "120"});
    const AccountsReply slow = parse(limited);
    EXPECT_EQ(slow.status, FetchStatus::RateLimited);
    EXPECT_EQ(slow.retryAfter, std::chrono::seconds(120));
    EXPECT_EQ(parse(reply(503, "")).status, FetchStatus::Temporary);
    EXPECT_EQ(parse(reply(200, "<html>maintenance</html>", "text/html")).status,
              FetchStatus::Temporary);
    EXPECT_EQ(parse(reply(200, kV2Body.substr(0, 200))).status, FetchStatus::Temporary);
    EXPECT_EQ(parse(reply(200, R"({"errors":[]})")).status, FetchStatus::Temporary);
    HttpResponse down;
    down.transportError = TransportError::ConnectFailed;
    EXPECT_EQ(parse(down).status, FetchStatus::Temporary);
}

TEST(SimpleFinReply, AnUnreadableBalanceMarksOnlyThatAccount)
{
    const AccountsReply r = parse(reply(200, R"({"errlist":[],"accounts":[
      {"id":"ACT-1","name":"A","currency":"USD","balance":"1,5"},
      {"id":"ACT-2","name":"B","currency":"","balance":"1.5"},
      {"id":"ACT-3","name":"C","currency":"USD","balance":"2.50"}]})"));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.accounts.size(), 3u);
    EXPECT_THAT(r.accounts[0].problem, HasSubstr("balance"));
    EXPECT_THAT(r.accounts[1].problem, HasSubstr("currency"));
    EXPECT_TRUE(r.accounts[2].problem.empty());
}

}  // namespace
}  // namespace bank2mqtt::simplefin::test
