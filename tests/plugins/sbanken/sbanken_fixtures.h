// SPDX-License-Identifier: MIT
// The simulator-like Sbanken dataset (fictional) and a harness wiring SbankenSource to fakes.
#pragma once

#include "sbanken_source.h"

#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"
#include "support/memory_state_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace bank2mqtt::sbanken::test {

inline const std::string kClientId = "demo-client";
inline const std::string kSecret = "Hemmelig+Passord/2026?=&%";
inline const std::string kCustomerId = "12345678901";
inline const std::string kOtherOwner = "10987654321";
inline const std::string kToken1 = "eyJhbGciOiJSUzI1NiJ9.ZmlrdGl2LXRva2VuLTE.c2lnbmF0dXItMQ";
inline const std::string kToken2 = "eyJhbGciOiJSUzI1NiJ9.ZmlrdGl2LXRva2VuLTI.c2lnbmF0dXItMg";
inline const std::string kAuthUrl = "https://auth.sbanken.no/identityserver/connect/token";
inline const std::string kApiV1 = "https://api.sbanken.no/bank/api/v1";
inline const std::string kApiV2 = "https://publicapi.sbanken.no/apibeta/api/v2";

struct FixtureAccount {
    std::string id, number, owner, name, type, available, balance, creditLimit;
};

/// Lommepenger, Sparekonto, Felleskonto (shared, other owner), Kredittkort.
inline const std::vector<FixtureAccount>& fixtureAccounts()
{
    static const std::vector<FixtureAccount> accounts = {
        {"A1F0C3D2E5B64718293A4B5C6D7E8F90", "97104133219", kCustomerId, "Lommepenger",
         "Standard account", "437.25", "437.25", "0"},
        {"B2E1D4C3F6A75829304B5C6D7E8F9A01", "97104133227", kCustomerId, "Sparekonto",
         "High interest account", "12500.00", "12500.00", "0"},
        {"C3D2E5F4A7B86930415C6D7E8F9A0B12", "97104133235", kOtherOwner, "Felleskonto",
         "Standard account", "197.07", "197.07", "0"},
        {"D4C3F6E5B8C97A41526D7E8F9A0B1C23", "97104133243", kCustomerId, "Kredittkort",
         "Creditcard account", "8479.60", "-1520.40", "10000"},
    };
    return accounts;
}
inline const std::string& idOf(std::size_t i)
{
    return fixtureAccounts().at(i).id;
}

inline std::string accountJson(const FixtureAccount& a)
{
    return "{\"accountId\":\"" + a.id + "\",\"accountNumber\":\"" + a.number +
           "\",\"ownerCustomerId\":\"" + a.owner + "\",\"name\":\"" + a.name +
           "\",\"accountType\":\"" + a.type + "\",\"available\":" + a.available +
           ",\"balance\":" + a.balance + ",\"creditLimit\":" + a.creditLimit + "}";
}

inline std::string itemsJson(const std::vector<FixtureAccount>& accounts)
{
    std::string items;
    for (const auto& a : accounts)
        items += (items.empty() ? "" : ",") + accountJson(a);
    return "\"availableItems\":" + std::to_string(accounts.size()) + ",\"items\":[" + items + "]";
}

inline std::string v1ListBody(const std::vector<FixtureAccount>& accounts = fixtureAccounts())
{
    return "{" + itemsJson(accounts) +
           ",\"errorType\":null,\"isError\":false,\"errorMessage\":null,\"traceId\":null}";
}
inline std::string v2ListBody(const std::vector<FixtureAccount>& accounts = fixtureAccounts())
{
    return "{" + itemsJson(accounts) + "}";
}
inline std::string v1ItemBody(std::size_t i)
{
    return "{\"item\":" + accountJson(fixtureAccounts().at(i)) +
           ",\"errorType\":null,\"isError\":false,\"errorMessage\":null,\"traceId\":null}";
}
inline std::string v2AccountBody(std::size_t i)
{
    return accountJson(fixtureAccounts().at(i));
}
inline std::string tokenBody(const std::string& token, int expiresIn = 3600)
{
    return "{\"access_token\":\"" + token + "\",\"expires_in\":" + std::to_string(expiresIn) +
           ",\"token_type\":\"Bearer\"}";
}
inline const std::string kServiceUnavailableBody =
    R"({"errorType":0,"isError":true,"errorMessage":"Could not complete the request due to an )"
    R"(expected or unexpected error.","traceId":"3f2b8c1e-6a0d-4e7b-9c55-1d2e3f4a5b6c"})";

/// Fakes, a config in the fictional dataset, and shortcuts to script the bank's replies.
class SbankenHarness : public ::testing::Test {
protected:
    bank2mqtt::test::FakeClock clock;
    bank2mqtt::test::FakeHttpClient http;
    bank2mqtt::test::MemoryStateStore state;
    bank2mqtt::test::CapturingLogger log;
    Services services{sizeof(Services), clock, http, state, log};

    std::string apiUrl(const std::string& version = "1") const
    {
        return version == "1" ? kApiV1 : kApiV2;
    }
    std::string listUrl(const std::string& version = "1") const
    {
        return apiUrl(version) + "/accounts/";
    }
    std::string accountUrl(std::size_t i, const std::string& version = "1") const
    {
        return apiUrl(version) + "/accounts/" + idOf(i);
    }

    SourceConfig config(std::vector<std::string> selectors = {},
                        const std::string& version = "1") const
    {
        SourceConfig c;
        c.sourceId = "kid";
        c.file = "/etc/bank2mqtt/bank2mqtt.ini";
        c.values = {{"client_id", kClientId},
                    {"client_secret", kSecret},
                    {"auth_url", kAuthUrl},
                    {"api_url", apiUrl(version)},
                    {"api_version", version}};
        if (version == "1")
            c.values["customer_id"] = kCustomerId;
        c.selectors = std::move(selectors);
        return c;
    }

    /// A source configured with `selectors`; fails the test when configure() refuses.
    std::unique_ptr<SbankenSource> makeSource(std::vector<std::string> selectors = {},
                                              const std::string& version = "1")
    {
        auto source = std::make_unique<SbankenSource>(services);
        const ConfigResult result = source->configure(config(std::move(selectors), version));
        EXPECT_TRUE(result.ok()) << result.key << ": " << result.message;
        return source;
    }

    void expectToken(const std::string& token = kToken1, int expiresIn = 3600)
    {
        http.expect("POST", kAuthUrl, 200, tokenBody(token, expiresIn));
    }
    void expectList(const std::string& version = "1")
    {
        http.expect("GET", listUrl(version), 200, version == "1" ? v1ListBody() : v2ListBody());
    }

    /// Number of requests recorded since the last clearRequests().
    std::size_t requestCount() const { return http.requests().size(); }
    /// Fails the test when any reply stayed unused or any request was unscripted.
    void expectScriptConsumed() const
    {
        EXPECT_EQ(http.pending(), 0u);
        EXPECT_TRUE(http.unexpected().empty())
            << "unexpected request: " << (http.unexpected().empty() ? "" : http.unexpected()[0]);
    }
};

}  // namespace bank2mqtt::sbanken::test
