// SPDX-License-Identifier: MIT
// EnableBankingSource on fakes: configuration, the stored consent, one call per account, every
// reply shape a poll can meet, selectors, re-consent, and nothing private anywhere.
#include "eb_source_fixtures.h"

#include "account_identity.h"

#include <gmock/gmock.h>

namespace bank2mqtt::enablebanking::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class EbSource : public EbSourceHarness {};

TEST_F(EbSource, OffersAuthorizationConsentEndAndItsDailyLimit)
{
    auto source = makeSource();
    EXPECT_NE(capabilityOf<Authorization>(*source), nullptr);
    EXPECT_NE(capabilityOf<ConsentInfo>(*source), nullptr);
    ASSERT_NE(capabilityOf<CallLimit>(*source), nullptr);
    EXPECT_EQ(capabilityOf<CallLimit>(*source)->pollsPerDay(), 4u);
    EXPECT_EQ(source->capability(Authorization::kName, 2), nullptr);
    EXPECT_FALSE(source->consentEnd());

    SourceConfig c = config();
    c.values["daily_limit"] = "2";
    EXPECT_EQ(makeSourceFrom(c)->pollsPerDay(), 2u);
    EXPECT_TRUE(http.requests().empty()) << "configure() must not touch the network";
}

TEST_F(EbSource, RefusesABadKeyCountryOrUrlNamingTheKey)
{
    struct Case {
        std::string key, value, blamed;
    };
    for (const Case& c : std::vector<Case>{
             {"key", readKey("test_ec_private.pem"), "key_file"},
             {"key", readKey("test_rsa_public.pem"), "key_file"},
             {"key", readKey("test_rsa_encrypted.pem"), "key_file"},
             {"key", "not a key", "key_file"},
             {"key", "", "key_file"},
             {"application_id", "", "application_id"},
             {"country", "Norway", "country"},
             {"country", "", "country"},
             {"redirect_url", "", "redirect_url"},
             {"psu_type", "private", "psu_type"},
             {"balance_types", "CLBD, XXXX", "balance_types"},
             {"available_types", ",", "available_types"},
             {"daily_limit", "four", "daily_limit"},
             {"api_url", "http://api.example.com", "api_url"},
         }) {
        SourceConfig conf = config();
        conf.values[c.key] = c.value;
        EnableBankingSource source(services);
        const ConfigResult result = source.configure(conf);
        EXPECT_EQ(result.key, c.blamed) << c.key << " = " << c.value;
        EXPECT_FALSE(result.ok());
        EXPECT_THAT(result.message, Not(HasSubstr("MII"))) << "the key was quoted";
        EXPECT_EQ(result.message.find('\x01'), std::string::npos) << result.message;
        if (c.blamed == "key_file") {
            EXPECT_THAT(result.message, HasSubstr("private key in key_file")) << result.message;
        }
        EXPECT_EQ(source.fetch().status, FetchStatus::ConfigError);
    }
    SourceConfig lower = config();
    lower.values["country"] = "no";
    lower.values["key"] = readKey("test_rsa_private_pkcs1.pem");
    EXPECT_TRUE(EnableBankingSource(services).configure(lower).ok());
}

TEST_F(EbSource, WithoutAConsentSaysHowToAuthorizeAndCallsNothing)
{
    auto source = makeSource();
    const FetchResult result = source->fetch();

    EXPECT_EQ(result.status, FetchStatus::AuthRequired);
    EXPECT_EQ(result.message, "not authorized yet: run bank2mqtt --authorize=kid");
    EXPECT_EQ(source->listAccounts().status, FetchStatus::AuthRequired);
    EXPECT_TRUE(http.requests().empty());
}

TEST_F(EbSource, APollIsOneBalancesCallPerAccountAndSignsNothingInSteadyState)
{
    auto source = makeSource();
    authorize(*source);
    const auto accounts = fixtureAccounts();
    for (int poll = 0; poll < 3; ++poll) {
        http.expect("GET", balancesUrl(accounts[0].uid), 200, balancesBody("437.25", "400.00"));
        http.expect("GET", balancesUrl(accounts[1].uid), 200, balancesBody("12500.00"));
        http.expect("GET", balancesUrl(accounts[2].uid), 200, balancesBody("-1520.40"));
    }
    const std::uint64_t signedBefore = source->jwtSignatures();

    const FetchResult first = source->fetch();
    ASSERT_EQ(first.status, FetchStatus::Ok) << first.message;
    clock.advance(std::chrono::minutes(20));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    clock.advance(std::chrono::minutes(20));
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);

    EXPECT_EQ(http.requests().size(), 9u);
    EXPECT_EQ(source->jwtSignatures(), signedBefore) << "the JWT of the authorization is reused";
    for (const auto& request : http.requests()) {
        ASSERT_FALSE(request.headers.empty());
        EXPECT_EQ(request.headers[0].first, "Authorization");
        for (const auto& [name, value] : request.headers)
            EXPECT_THAT(name, Not(HasSubstr("Psu"))) << "an unattended poll claims a person";
    }
    ASSERT_EQ(first.accounts.size(), 3u);
    const Account& a = first.accounts[0];
    EXPECT_TRUE(first.message.empty());
    EXPECT_EQ(a.name, "Lommepenger");
    EXPECT_EQ(a.type, "Brukskonto");
    EXPECT_EQ(a.maskedNumber, "*********3219");
    EXPECT_EQ(a.fingerprint, accountIdentity("NO9297104133219", ""));
    EXPECT_EQ(a.selector, -1);
    EXPECT_EQ(a.balance, (Money{43725, "NOK"}));
    EXPECT_EQ(a.available, (Money{40000, "NOK"}));
    ASSERT_TRUE(a.balanceDate);
    EXPECT_EQ(formatRfc3339(*a.balanceDate), "2026-11-27T05:58:00.000000+00:00");
    EXPECT_EQ(first.accounts[2].balance, (Money{-152040, "NOK"}));
    expectScriptConsumed();
}

TEST_F(EbSource, AnHourLaterTheJwtIsSignedOnceMore)
{
    auto source = makeSource();
    authorize(*source);
    const auto uid = fixtureAccounts()[0].uid;
    const std::uint64_t before = source->jwtSignatures();
    http.expect("GET", balancesUrl(uid), 200, balancesBody("1.00"));
    http.expect("GET", balancesUrl(uid), 200, balancesBody("1.00"));
    auto one = makeSource({"Lommepenger"});
    // The new instance signs its first token; an hour later it signs one more, then reuses it.
    ASSERT_EQ(one->fetch().status, FetchStatus::Ok);
    clock.advance(std::chrono::hours(1));
    ASSERT_EQ(one->fetch().status, FetchStatus::Ok);
    EXPECT_EQ(one->jwtSignatures(), 2u);
    EXPECT_EQ(source->jwtSignatures(), before);
}

TEST_F(EbSource, SelectorsMatchByLabelIbanOrDomesticNumberInSelectorOrder)
{
    auto source = makeSource({"sparekonto", "NO92 9710 4133219", "9710.41.33235"});
    authorize(*source);
    const auto accounts = fixtureAccounts();
    http.expect("GET", balancesUrl(accounts[1].uid), 200, balancesBody("12500.00"));
    http.expect("GET", balancesUrl(accounts[0].uid), 200, balancesBody("437.25"));
    http.expect("GET", balancesUrl(accounts[2].uid), 200, balancesBody("-1.00"));

    const FetchResult result = source->fetch();

    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts.size(), 3u);
    EXPECT_EQ(result.accounts[0].name, "Sparekonto");
    EXPECT_EQ(result.accounts[1].name, "Lommepenger");
    EXPECT_EQ(result.accounts[2].name, "Felleskonto");
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(result.accounts[static_cast<std::size_t>(i)].selector, i);
    expectScriptConsumed();
}

TEST_F(EbSource, ASelectorThatMatchesNoAccountIsAConfigErrorWithTheNumberMasked)
{
    auto source = makeSource({"97104133243"});
    authorize(*source);
    const FetchResult result = source->fetch();

    EXPECT_EQ(result.status, FetchStatus::ConfigError);
    EXPECT_THAT(result.message, HasSubstr("*******3243"));
    EXPECT_THAT(result.message, Not(HasSubstr("97104133243")));
    EXPECT_TRUE(http.requests().empty());
}

// Read twice per poll, one account would spend two of the bank's four daily calls.
TEST_F(EbSource, TwoSelectorsOfOneAccountAreAConfigError)
{
    auto source = makeSource({"lommepenger", "9710.41.33219"});
    authorize(*source);
    const FetchResult result = source->fetch();

    EXPECT_EQ(result.status, FetchStatus::ConfigError);
    EXPECT_THAT(result.message, HasSubstr("name the same account; list it once"));
    EXPECT_THAT(result.message, Not(HasSubstr("33219\"")));
    EXPECT_TRUE(http.requests().empty());
}

TEST_F(EbSource, IbanOfADomesticNumberHasTheRightCheckDigits)
{
    EXPECT_EQ(ibanFromBban("NO", "97104133219"), "NO9297104133219");
    EXPECT_EQ(ibanFromBban("no", "9710.41.33227"), "NO7097104133227");
    EXPECT_EQ(ibanFromBban("GB", "NWBK60161331926819"), "GB29NWBK60161331926819");
    EXPECT_EQ(ibanFromBban("N", "97104133219"), "");
}

struct FailureCase {
    const char* name;
    HttpResponse response;
    FetchStatus status;
    const char* says;
};

HttpResponse replyOf(int status, std::string body, std::vector<HttpHeader> headers = {})
{
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = headers.empty() ? std::vector<HttpHeader>{{"Content-Type", "application/json"}}
                                : std::move(headers);
    return r;
}

TEST_F(EbSource, AFailureOfTheConsentOrTheServiceEndsThePollAtOnce)
{
    HttpResponse timeout;
    timeout.transportError = TransportError::Timeout;
    const std::vector<FailureCase> cases{
        {"expired",
         replyOf(401, R"({"code":401,"message":"Session expired","error":"EXPIRED_SESSION"})"),
         FetchStatus::AuthRequired, "bank2mqtt --authorize=kid"},
        {"inactive", replyOf(403, R"({"code":403,"message":"Application is not active"})"),
         FetchStatus::AuthRequired, "control panel"},
        {"bad key", replyOf(401, R"({"code":401,"message":"bad","error":"UNAUTHORIZED_ACCESS"})"),
         FetchStatus::AuthRequired, "key_file"},
        {"429",
         replyOf(429, R"({"code":429,"message":"limit","error":"ASPSP_RATE_LIMIT_EXCEEDED"})",
                 {{"Content-Type", "application/json"}, {"Retry-After", "3600"}}),
         FetchStatus::RateLimited, "daily limit"},
        {"503 html", replyOf(503, "<html>down</html>", {{"Content-Type", "text/html"}}),
         FetchStatus::Temporary, "503"},
        {"200 html", replyOf(200, "<html>maintenance</html>", {{"Content-Type", "text/html"}}),
         FetchStatus::Temporary, "HTML"},
        {"garbage", replyOf(200, "{\"balances\":[{"), FetchStatus::Temporary, "unusable"},
        {"timeout", timeout, FetchStatus::Temporary, "within"},
    };
    for (const FailureCase& c : cases) {
        http = {};
        state.values.clear();
        auto source = makeSource();
        authorize(*source);
        http.expect("GET", balancesUrl(fixtureAccounts()[0].uid), c.response);

        const FetchResult result = source->fetch();

        EXPECT_EQ(result.status, c.status) << c.name << ": " << result.message;
        EXPECT_THAT(result.message, HasSubstr(c.says)) << c.name;
        EXPECT_EQ(http.requests().size(), 1u) << c.name << ": the poll went on after a failure";
        if (c.status == FetchStatus::RateLimited) {
            ASSERT_TRUE(result.retryAfter) << c.name;
            EXPECT_EQ(*result.retryAfter, std::chrono::seconds(3600));
        }
    }
}

TEST_F(EbSource, OneAccountsRefusalLeavesTheOthersPublishedAndNamesIt)
{
    auto source = makeSource({"Lommepenger", "Sparekonto", "Felleskonto"});
    authorize(*source);
    const auto accounts = fixtureAccounts();
    http.expect("GET", balancesUrl(accounts[0].uid), 200, balancesBody("437.25"));
    http.expect("GET", balancesUrl(accounts[1].uid), 400,
                R"({"code":400,"message":"Bank error for )" + accounts[1].uid +
                    R"(","error":"ASPSP_ERROR"})");
    http.expect("GET", balancesUrl(accounts[2].uid), 200,
                R"({"balances":[{"name":"x","balance_amount":{"currency":"NOK","amount":"1.00"},)"
                R"("balance_type":"INFO"}]})");

    const FetchResult result = source->fetch();

    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    ASSERT_EQ(result.accounts.size(), 1u);
    EXPECT_EQ(result.accounts[0].selector, 0);
    EXPECT_THAT(result.message, HasSubstr("Sparekonto: "));
    EXPECT_THAT(result.message, HasSubstr("Felleskonto: "));
    EXPECT_THAT(result.message, Not(HasSubstr(accounts[1].uid)));

    // Every account refused: nothing fresh at all, a temporary failure of the source.
    http.expect("GET", balancesUrl(accounts[0].uid), 422,
                R"({"code":422,"message":"x","error":"PSU_HEADER_NOT_PROVIDED"})");
    http.expect("GET", balancesUrl(accounts[1].uid), 422,
                R"({"code":422,"message":"x","error":"PSU_HEADER_NOT_PROVIDED"})");
    http.expect("GET", balancesUrl(accounts[2].uid), 422,
                R"({"code":422,"message":"x","error":"PSU_HEADER_NOT_PROVIDED"})");
    const FetchResult none = source->fetch();
    EXPECT_EQ(none.status, FetchStatus::Temporary);
    EXPECT_THAT(none.message, HasSubstr("unattended"));
}

TEST_F(EbSource, ARejectedJwtIsSignedAnewAtTheNextPoll)
{
    auto source = makeSource({"Lommepenger"});
    authorize(*source);
    const auto uid = fixtureAccounts()[0].uid;
    http.expect("GET", balancesUrl(uid), 401, R"({"message":"bad","error":"UNAUTHORIZED_ACCESS"})");
    http.expect("GET", balancesUrl(uid), 200, balancesBody("1.00"));
    const std::uint64_t before = source->jwtSignatures();
    EXPECT_EQ(source->fetch().status, FetchStatus::AuthRequired);
    EXPECT_EQ(source->fetch().status, FetchStatus::Ok);
    EXPECT_EQ(source->jwtSignatures(), before + 1);
}

TEST_F(EbSource, AnEndedConsentIsAuthRequiredWithoutACall)
{
    auto source = makeSource();
    authorize(*source);
    ASSERT_TRUE(source->consentEnd());
    EXPECT_EQ(formatRfc3339(*source->consentEnd()), "2027-05-25T07:00:00.000000+00:00");
    clock.advance(std::chrono::hours(24 * 200));

    const FetchResult result = source->fetch();

    EXPECT_EQ(result.status, FetchStatus::AuthRequired);
    EXPECT_THAT(result.message, HasSubstr("ended on 2027-05-25"));
    EXPECT_THAT(result.message, HasSubstr("bank2mqtt --authorize=kid"));
    EXPECT_TRUE(http.requests().empty());
}

TEST_F(EbSource, AReConsentWithNewUidsKeepsEveryFingerprint)
{
    auto source = makeSource();
    authorize(*source, fixtureAccounts("a"));
    std::vector<std::string> before;
    for (const auto& a : fixtureAccounts("a"))
        http.expect("GET", balancesUrl(a.uid), 200, balancesBody("1.00"));
    for (const auto& a : source->fetch().accounts)
        before.push_back(a.fingerprint);

    // Another process (bank2mqtt --authorize) stores the new consent; this instance reads it.
    auto other = makeSource();
    authorize(*other, fixtureAccounts("b"), "8e2f1d5b-6c7a-4b9f-8d3e-2a4b6c8d0e1f");
    for (const auto& a : fixtureAccounts("b"))
        http.expect("GET", balancesUrl(a.uid), 200, balancesBody("2.00"));
    std::vector<std::string> after;
    for (const auto& a : source->fetch().accounts)
        after.push_back(a.fingerprint);

    EXPECT_EQ(before.size(), 3u);
    EXPECT_EQ(before, after);
    expectScriptConsumed();
}

TEST_F(EbSource, ASessionOfAnotherApplicationIsNotUsed)
{
    auto source = makeSource();
    authorize(*source);
    SourceConfig other = config();
    other.values["application_id"] = "0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e";
    EXPECT_EQ(makeSourceFrom(other)->fetch().status, FetchStatus::AuthRequired);
}

TEST_F(EbSource, ListingReadsEveryAccountAndSaysItSpendsTheBudget)
{
    auto source = makeSource({"Lommepenger"});
    authorize(*source);
    const auto accounts = fixtureAccounts();
    http.expect("GET", balancesUrl(accounts[0].uid), 200, balancesBody("437.25"));
    http.expect("GET", balancesUrl(accounts[1].uid), 200, balancesBody("12500.00"));
    http.expect("GET", balancesUrl(accounts[2].uid), 422,
                R"({"code":422,"message":"x","error":"ASPSP_ERROR"})");

    const FetchResult result = source->listAccounts();

    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    EXPECT_EQ(result.accounts.size(), 2u);
    EXPECT_TRUE(log.contains("unattended reads"));
    EXPECT_TRUE(log.contains("Felleskonto"));
}

TEST_F(EbSource, NothingPrivateReachesStateMessagesOrLogs)
{
    auto source = makeSource();
    authorize(*source);
    const auto accounts = fixtureAccounts();
    // A bank that echoes the session id and a uid in its error text.
    http.expect("GET", balancesUrl(accounts[0].uid), 401,
                R"({"code":401,"message":"session )" + kSessionId + " of " + accounts[0].uid +
                    R"( expired","error":"EXPIRED_SESSION"})");
    const FetchResult result = source->fetch();
    EXPECT_EQ(result.status, FetchStatus::AuthRequired);

    std::string everything = result.message;
    for (const auto& [key, value] : state.values)
        everything += "\n" + key + "=" + value;
    std::string logs;
    for (const auto& line : log.lines)
        logs += line.text + "\n";
    for (const auto& a : accounts) {
        EXPECT_THAT(everything + logs, Not(HasSubstr(a.iban)));
        EXPECT_THAT(everything + logs, Not(HasSubstr(a.iban.substr(4))));
        EXPECT_THAT(result.message + logs, Not(HasSubstr(a.uid)));
    }
    EXPECT_THAT(everything + logs, Not(HasSubstr(kHolder)));
    EXPECT_THAT(everything + logs, Not(HasSubstr(kCode)));
    EXPECT_THAT(everything + logs, Not(HasSubstr("h-NO")));  // identification_hash
    EXPECT_THAT(everything + logs, Not(HasSubstr(kSessionId)));
    for (const auto& request : http.requests()) {
        for (const auto& [name, value] : request.headers) {
            if (name == "Authorization") {
                EXPECT_THAT(everything + logs, Not(HasSubstr(value.substr(7))));
            }
        }
    }
    // The stored consent does hold what polls need, and the masked number.
    EXPECT_THAT(state.values[EnableBankingSource::kSessionStateKey],
                HasSubstr(fixtureAccounts()[0].uid));
    EXPECT_THAT(state.values[EnableBankingSource::kSessionStateKey], HasSubstr("*********3219"));
}

}  // namespace
}  // namespace bank2mqtt::enablebanking::test
