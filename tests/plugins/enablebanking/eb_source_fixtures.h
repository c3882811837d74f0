// SPDX-License-Identifier: MIT
// A fictional Enable Banking consent and a harness wiring EnableBankingSource to fakes.
#pragma once

#include "eb_source.h"

#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"
#include "support/memory_state_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace bank2mqtt::enablebanking::test {

inline const std::string kAppId = "3f0c6a2e-8d41-4b7a-9c55-2e7b1d9a4f60";
inline const std::string kApi = "https://api.enablebanking.com";
inline const std::string kRedirect = "https://enablebanking.com/";
inline const std::string kSessionId = "7d1e0c4a-5b6f-4a8e-9c2d-1f3e5a7b9c0d";
inline const std::string kCode = "c0de5e3c-1a2b-4c3d-8e4f-5a6b7c8d9e0f";
inline const std::string kHolder = "Kari Nordmann";

struct FixtureAccount {
    std::string uid, iban, details;
};

/// Lommepenger, Sparekonto, Felleskonto, as the simulator's, with the uids of one consent.
inline std::vector<FixtureAccount> fixtureAccounts(const std::string& uidPrefix = "a")
{
    return {
        {uidPrefix + "1111111-1111-4111-8111-111111111111", "NO9297104133219", "Lommepenger"},
        {uidPrefix + "2222222-2222-4222-8222-222222222222", "NO7097104133227", "Sparekonto"},
        {uidPrefix + "3333333-3333-4333-8333-333333333333", "NO4897104133235", "Felleskonto"},
    };
}

inline std::string sessionBody(const std::vector<FixtureAccount>& accounts,
                               const std::string& sessionId = kSessionId,
                               const std::string& validUntil = "2027-05-25T07:00:00+00:00")
{
    std::string items;
    for (const auto& a : accounts)
        items += std::string(items.empty() ? "" : ",") + R"({"uid":")" + a.uid +
                 R"(","account_id":{"iban":")" + a.iban + R"("},"name":")" + kHolder +
                 R"(","details":")" + a.details +
                 R"(","product":"Brukskonto","cash_account_type":"CACC","currency":"NOK",)" +
                 R"("identification_hash":"h-)" + a.iban + R"("})";
    return R"({"session_id":")" + sessionId + R"(","aspsp":{"name":"DNB","country":"NO"},)" +
           R"("psu_type":"personal","access":{"valid_until":")" + validUntil +
           R"("},"accounts":[)" + items + "]}";
}

inline std::string balancesBody(const std::string& clbd, const std::string& itav = "")
{
    std::string body = R"({"balances":[{"name":"Booked","balance_amount":{"currency":"NOK",)"
                       R"("amount":")" +
                       clbd +
                       R"("},"balance_type":"CLBD","reference_date":"2026-11-27",)"
                       R"("last_change_date_time":"2026-11-27T06:58:00+01:00"})";
    if (!itav.empty())
        body += R"(,{"name":"Available","balance_amount":{"currency":"NOK","amount":")" + itav +
                R"("},"balance_type":"ITAV"})";
    return body + "]}";
}

inline const std::string kAspspsBody =
    R"({"aspsps":[{"name":"DNB","country":"NO","maximum_consent_validity":15552000,)"
    R"("psu_types":["personal","business"]},)"
    R"({"name":"SpareBank 1 Sør-Norge","country":"NO","maximum_consent_validity":7776000,)"
    R"("psu_types":["personal"]},)"
    R"({"name":"SpareBank 1 Østlandet","country":"NO","maximum_consent_validity":7776000,)"
    R"("psu_types":["personal"]}]})";

inline std::string readKey(const std::string& name)
{
    std::ifstream in(std::string(EB_KEYS_DIR) + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Fakes, a config for the fictional consent, and shortcuts to script Enable Banking's replies.
class EbSourceHarness : public ::testing::Test {
protected:
    bank2mqtt::test::FakeClock clock;
    bank2mqtt::test::FakeHttpClient http;
    bank2mqtt::test::MemoryStateStore state;
    bank2mqtt::test::CapturingLogger log;
    Services services{sizeof(Services), clock, http, state, log};

    SourceConfig config(std::vector<std::string> selectors = {}) const
    {
        SourceConfig c;
        c.sourceId = "kid";
        c.file = "/etc/bank2mqtt/bank2mqtt.ini";
        c.values = {{"application_id", kAppId},  {"key", readKey("test_rsa_private.pem")},
                    {"country", "NO"},           {"bank", "DNB"},
                    {"redirect_url", kRedirect}, {"api_url", kApi}};
        c.selectors = std::move(selectors);
        return c;
    }

    std::unique_ptr<EnableBankingSource> makeSource(std::vector<std::string> selectors = {})
    {
        return makeSourceFrom(config(std::move(selectors)));
    }
    std::unique_ptr<EnableBankingSource> makeSourceFrom(const SourceConfig& c)
    {
        auto source = std::make_unique<EnableBankingSource>(services);
        const ConfigResult result = source->configure(c);
        EXPECT_TRUE(result.ok()) << result.key << ": " << result.message;
        return source;
    }

    static std::string balancesUrl(const std::string& uid)
    {
        return kApi + "/accounts/" + uid + "/balances";
    }

    /// Runs a whole authorization against scripted replies, storing the fixture's consent.
    void authorize(EnableBankingSource& source,
                   const std::vector<FixtureAccount>& accounts = fixtureAccounts(),
                   const std::string& sessionId = kSessionId)
    {
        http.expect("GET", kApi + "/aspsps?country=NO&psu_type=personal", 200, kAspspsBody);
        http.expect("POST", kApi + "/auth", 200,
                    R"({"url":"https://bank.example/login?a=1","authorization_id":"x",)"
                    R"("psu_id_hash":"p"})");
        http.expect("POST", kApi + "/sessions", 200, sessionBody(accounts, sessionId));
        const AuthStep ask = source.start();
        ASSERT_EQ(ask.kind, AuthStep::Kind::Ask) << ask.prompt;
        const AuthStep done = source.answer(kRedirect + "?code=" + kCode +
                                            "&state=" + stateOf(http.requests().back()));
        ASSERT_EQ(done.kind, AuthStep::Kind::Done) << done.prompt;
        http.clearRequests();
    }

    /// The `state` sent in the last POST /auth body.
    static std::string stateOf(const HttpRequest& auth)
    {
        const auto at = auth.body.find("\"state\":\"");
        if (at == std::string::npos)
            return {};
        const auto begin = at + 9;
        return auth.body.substr(begin, auth.body.find('"', begin) - begin);
    }

    void expectScriptConsumed() const
    {
        EXPECT_EQ(http.pending(), 0u);
        EXPECT_TRUE(http.unexpected().empty())
            << "unexpected request: " << (http.unexpected().empty() ? "" : http.unexpected()[0]);
    }
};

}  // namespace bank2mqtt::enablebanking::test
