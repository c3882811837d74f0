// SPDX-License-Identifier: MIT
// EnableBankingSource's Authorization on fakes: the bank's choice, the consent's length (and the
// one retry of a 422), the pasted redirect, and what is (not) stored.
#include "eb_source_fixtures.h"

#include <gmock/gmock.h>

namespace bank2mqtt::enablebanking::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kAspspsUrl = kApi + "/aspsps?country=NO&psu_type=personal";
const std::string kAuthReply =
    R"({"url":"https://bank.example/login?authorization_id=x","authorization_id":"x",)"
    R"("psu_id_hash":"p"})";

class EbAuthorize : public EbSourceHarness {
protected:
    /// valid_until of the POST /auth body number `n` (0-based among the recorded requests).
    std::string validUntilOf(std::size_t n) const
    {
        const std::string& body = http.requests().at(n).body;
        const auto at = body.find("\"valid_until\":\"");
        return at == std::string::npos ? "" : body.substr(at + 15, 10);
    }
    std::string redirect(const std::string& query) const
    {
        return kRedirect + "?" + query + "&state=" + stateOf(http.requests().back());
    }
};

TEST_F(EbAuthorize, AKnownBankGoesStraightToItsLoginAndStoresTheConsent)
{
    auto source = makeSource();
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);
    http.expect("POST", kApi + "/auth", 200, kAuthReply);

    const AuthStep login = source->start();

    ASSERT_EQ(login.kind, AuthStep::Kind::Ask) << login.prompt;
    EXPECT_EQ(login.url, "https://bank.example/login?authorization_id=x");
    EXPECT_TRUE(login.secretAnswer);
    EXPECT_TRUE(login.choices.empty());
    EXPECT_THAT(login.prompt, HasSubstr("DNB"));
    EXPECT_THAT(login.prompt, HasSubstr("paste the address your browser ends on"));
    // 180 days (the bank's maximum) less a day, from 2026-11-27.
    EXPECT_EQ(validUntilOf(1), "2027-05-25");
    EXPECT_THAT(http.requests()[1].body,
                HasSubstr(R"("redirect_url":"https://enablebanking.com/")"));
    EXPECT_THAT(http.requests()[1].body, HasSubstr(R"("psu_type":"personal")"));
    EXPECT_EQ(stateOf(http.requests()[1]).size(), 32u);
    EXPECT_TRUE(state.values.empty());

    http.expect("POST", kApi + "/sessions", 200, sessionBody(fixtureAccounts()));
    const AuthStep done = source->answer(redirect("code=" + kCode));

    ASSERT_EQ(done.kind, AuthStep::Kind::Done) << done.prompt;
    EXPECT_EQ(done.prompt, "authorized 3 accounts at DNB; the consent is valid until 2027-05-25");
    EXPECT_EQ(http.requests().back().body, R"({"code":")" + kCode + R"("})");
    EXPECT_EQ(state.values.count(EnableBankingSource::kSessionStateKey), 1u);
    EXPECT_TRUE(source->consentEnd());
    expectScriptConsumed();
}

TEST_F(EbAuthorize, EachAttemptHasItsOwnState)
{
    auto source = makeSource();
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);
    http.expect("POST", kApi + "/auth", 200, kAuthReply);
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);
    http.expect("POST", kApi + "/auth", 200, kAuthReply);
    source->start();
    const std::string first = stateOf(http.requests().back());
    source->start();
    EXPECT_NE(stateOf(http.requests().back()), first);
}

TEST_F(EbAuthorize, WithoutABankItListsTheCountrysBanks)
{
    SourceConfig c = config();
    c.values.erase("bank");
    auto source = makeSourceFrom(c);
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);

    const AuthStep choose = source->start();

    ASSERT_EQ(choose.kind, AuthStep::Kind::Ask);
    EXPECT_THAT(choose.choices,
                ElementsAre("DNB", "SpareBank 1 Sør-Norge", "SpareBank 1 Østlandet"));
    EXPECT_FALSE(choose.secretAnswer);
    http.expect("POST", kApi + "/auth", 200, kAuthReply);
    const AuthStep login = source->answer("sparebank 1 sør-norge");
    ASSERT_EQ(login.kind, AuthStep::Kind::Ask) << login.prompt;
    EXPECT_THAT(http.requests().back().body, HasSubstr("SpareBank 1 S"));
    // 90 days (this bank's maximum) less a day.
    EXPECT_EQ(validUntilOf(1), "2027-02-24");
}

TEST_F(EbAuthorize, AnAmbiguousBankOffersOnlyTheMatchingOnes)
{
    SourceConfig c = config();
    c.values["bank"] = "SpareBank 1";
    auto source = makeSourceFrom(c);
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);

    const AuthStep choose = source->start();

    ASSERT_EQ(choose.kind, AuthStep::Kind::Ask);
    EXPECT_THAT(choose.prompt, HasSubstr("matches several banks"));
    EXPECT_THAT(choose.choices, ElementsAre("SpareBank 1 Sør-Norge", "SpareBank 1 Østlandet"));
    const AuthStep wrong = source->answer("Nordea");
    EXPECT_EQ(wrong.kind, AuthStep::Kind::Failed);
    EXPECT_TRUE(wrong.usageError);
}

TEST_F(EbAuthorize, AConsentTooLongForTheBankIsAskedOnceMoreWithItsMaximum)
{
    auto source = makeSource();
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);
    const std::string tooLong =
        R"({"code":422,"message":"ASPSP does not support consent validity more than 7776000 )"
        R"(seconds in the future","error":"WRONG_REQUEST_PARAMETERS","detail":null})";
    http.expect("POST", kApi + "/auth", 422, tooLong);
    http.expect("POST", kApi + "/auth", 200, kAuthReply);

    const AuthStep login = source->start();

    ASSERT_EQ(login.kind, AuthStep::Kind::Ask) << login.prompt;
    EXPECT_EQ(validUntilOf(1), "2027-05-25");
    EXPECT_EQ(validUntilOf(2), "2027-02-24");
    for (const auto& line : log.lines)
        EXPECT_THAT(line.text, Not(HasSubstr("ASPSP does not support")));

    // Twice: one sentence, never the raw reply.
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);
    http.expect("POST", kApi + "/auth", 422, tooLong);
    http.expect("POST", kApi + "/auth", 422, tooLong);
    const AuthStep failed = source->start();
    EXPECT_EQ(failed.kind, AuthStep::Kind::Failed);
    EXPECT_THAT(failed.prompt, HasSubstr("length of the consent"));
    EXPECT_THAT(failed.prompt, Not(HasSubstr("ASPSP")));
    EXPECT_EQ(http.requests().size(), 6u);
}

TEST_F(EbAuthorize, ARefusedLoginFailsWith77AndStoresNothing)
{
    auto source = makeSource();
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);
    http.expect("POST", kApi + "/auth", 200, kAuthReply);
    source->start();

    const AuthStep step = source->answer(redirect("error=access_denied"));

    EXPECT_EQ(step.kind, AuthStep::Kind::Failed);
    EXPECT_FALSE(step.usageError);
    EXPECT_THAT(step.prompt, HasSubstr("refused"));
    EXPECT_TRUE(state.values.empty());
    EXPECT_EQ(source->answer("anything").kind, AuthStep::Kind::Failed) << "the attempt is over";
}

TEST_F(EbAuthorize, AnAddressFromAnotherAttemptOrWithoutCodeFailsWith64)
{
    auto source = makeSource();
    for (const std::string& pasted :
         {kRedirect + "?code=abc&state=0123456789abcdef0123456789abcdef", kRedirect + "?x=1"}) {
        http.expect("GET", kAspspsUrl, 200, kAspspsBody);
        http.expect("POST", kApi + "/auth", 200, kAuthReply);
        ASSERT_EQ(source->start().kind, AuthStep::Kind::Ask);
        const AuthStep step = source->answer(pasted);
        EXPECT_EQ(step.kind, AuthStep::Kind::Failed) << pasted;
        EXPECT_TRUE(step.usageError) << pasted;
        EXPECT_THAT(step.prompt, Not(HasSubstr("abc")));
    }
    EXPECT_TRUE(state.values.empty());
    EXPECT_TRUE(http.unexpected().empty()) << "a wrong paste reached /sessions";
}

TEST_F(EbAuthorize, ACodeUsedTwiceFailsWith77AndStoresNothing)
{
    auto source = makeSource();
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);
    http.expect("POST", kApi + "/auth", 200, kAuthReply);
    source->start();
    http.expect("POST", kApi + "/sessions", 422,
                R"({"code":422,"message":"Authorization code )" + kCode +
                    R"( was already used","error":"ALREADY_AUTHORIZED"})");

    const AuthStep step = source->answer(kCode);  // only the code: no state to check

    EXPECT_EQ(step.kind, AuthStep::Kind::Failed);
    EXPECT_FALSE(step.usageError);
    EXPECT_THAT(step.prompt, HasSubstr("a code works once"));
    EXPECT_THAT(step.prompt, Not(HasSubstr(kCode)));
    EXPECT_TRUE(state.values.empty());
}

TEST_F(EbAuthorize, AConsentWithoutReadableAccountsIsRefused)
{
    auto source = makeSource();
    http.expect("GET", kAspspsUrl, 200, kAspspsBody);
    http.expect("POST", kApi + "/auth", 200, kAuthReply);
    source->start();
    http.expect("POST", kApi + "/sessions", 200, sessionBody({{"", "NO9297104133219", "Blocked"}}));

    const AuthStep step = source->answer(redirect("code=" + kCode));

    EXPECT_EQ(step.kind, AuthStep::Kind::Failed);
    EXPECT_TRUE(state.values.empty());
}

TEST_F(EbAuthorize, AnInactiveApplicationSaysToLinkTheAccounts)
{
    auto source = makeSource();
    http.expect("GET", kAspspsUrl, 403, R"({"code":403,"message":"Application is not active"})");

    const AuthStep step = source->start();

    EXPECT_EQ(step.kind, AuthStep::Kind::Failed);
    EXPECT_THAT(step.prompt, HasSubstr("link your accounts"));
}

TEST_F(EbAuthorize, AnAnswerWithoutAStartIsAUsageError)
{
    auto source = makeSource();
    const AuthStep step = source->answer(kCode);
    EXPECT_EQ(step.kind, AuthStep::Kind::Failed);
    EXPECT_TRUE(step.usageError);
    EXPECT_TRUE(http.requests().empty());
}

}  // namespace
}  // namespace bank2mqtt::enablebanking::test
