// SPDX-License-Identifier: MIT
// Component tests of SbankenSource polling: token reuse and refresh, both API generations.
#include "sbanken_fixtures.h"

#include <gtest/gtest.h>

namespace bank2mqtt::sbanken::test {
namespace {

using namespace std::chrono_literals;

class SbankenFetch : public SbankenHarness {};

std::string headerOf(const HttpRequest& request, const std::string& name)
{
    for (const auto& [key, value] : request.headers) {
        if (key == name)
            return value;
    }
    return "(absent)";
}

TEST_F(SbankenFetch, ReturnsAllAccountsWhenNoSelectorsAreSet)
{
    auto source = makeSource();
    expectToken();
    expectList();
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 4u);
    EXPECT_EQ(r.accounts[0].name, "Lommepenger");
    EXPECT_EQ(r.accounts[0].maskedNumber, "*******3219");
    EXPECT_EQ(r.accounts[0].balance, (Money{43725, "NOK"}));
    EXPECT_EQ(r.accounts[1].balance, (Money{1250000, "NOK"}));
    EXPECT_EQ(r.accounts[1].type, "High interest account");
    EXPECT_EQ(r.accounts[2].balance, (Money{19707, "NOK"}));
    EXPECT_EQ(r.accounts[3].balance, (Money{-152040, "NOK"}));
    EXPECT_EQ(r.accounts[3].available, (Money{847960, "NOK"}));
    EXPECT_EQ(r.accounts[3].creditLimit, (Money{1000000, "NOK"}));
    for (const auto& a : r.accounts)
        EXPECT_EQ(a.selector, -1);
    expectScriptConsumed();
}

TEST_F(SbankenFetch, SendsTheDocumentedHeaders)
{
    auto source = makeSource();
    expectToken();
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    ASSERT_EQ(requestCount(), 2u);
    const HttpRequest& token = http.requests()[0];
    EXPECT_EQ(headerOf(token, "Authorization"),
              "Basic ZGVtby1jbGllbnQ6SGVtbWVsaWclMkJQYXNzb3JkJTJGMjAyNiUzRiUzRCUyNiUyNQ==");
    EXPECT_EQ(token.body, "grant_type=client_credentials");
    const HttpRequest& list = http.requests()[1];
    EXPECT_EQ(headerOf(list, "Authorization"), "Bearer " + kToken1);
    EXPECT_EQ(headerOf(list, "customerId"), kCustomerId);
    EXPECT_EQ(headerOf(list, "Accept"), "application/json");
}

TEST_F(SbankenFetch, ReusesTokenAcrossPolls)
{
    auto source = makeSource();
    expectToken();
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    http.clearRequests();
    clock.advance(15min);
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    ASSERT_EQ(requestCount(), 1u);
    EXPECT_EQ(http.requests()[0].url, listUrl());
    expectScriptConsumed();
}

TEST_F(SbankenFetch, RefreshesTheTokenShortlyBeforeItExpires)
{
    auto source = makeSource();
    expectToken(kToken1);
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    clock.advance(3540s);  // 60 s before expiry: the margin of a one-hour token
    expectToken(kToken2);
    expectList();
    http.clearRequests();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    ASSERT_EQ(requestCount(), 2u);
    EXPECT_EQ(headerOf(http.requests()[1], "Authorization"), "Bearer " + kToken2);
    expectScriptConsumed();
}

TEST_F(SbankenFetch, AFreshInstanceReusesTheSavedToken)
{
    {
        auto first = makeSource();
        expectToken();
        expectList();
        ASSERT_EQ(first->fetch().status, FetchStatus::Ok);
    }
    EXPECT_EQ(state.values.count(SbankenSource::kTokenStateKey), 1u);
    clock.advance(10min);  // e.g. the next `--once` run
    auto second = makeSource();
    expectList();
    http.clearRequests();
    ASSERT_EQ(second->fetch().status, FetchStatus::Ok);
    ASSERT_EQ(requestCount(), 1u);
    EXPECT_EQ(headerOf(http.requests()[0], "Authorization"), "Bearer " + kToken1);
    expectScriptConsumed();
}

TEST_F(SbankenFetch, ASavedTokenOfOtherCredentialsIsNotReused)
{
    {
        auto first = makeSource();
        expectToken(kToken1);
        expectList();
        ASSERT_EQ(first->fetch().status, FetchStatus::Ok);
    }
    SourceConfig c = config();
    c.values["client_id"] = "other-client";
    SbankenSource second(services);
    ASSERT_TRUE(second.configure(c).ok());
    expectToken(kToken2);
    expectList();
    http.clearRequests();
    ASSERT_EQ(second.fetch().status, FetchStatus::Ok);
    EXPECT_EQ(requestCount(), 2u);
    expectScriptConsumed();
}

TEST_F(SbankenFetch, VersionTwoSendsNoCustomerIdAndReadsBareObjects)
{
    auto source = makeSource({"Kredittkort"}, "2");
    expectToken();
    expectList("2");
    FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    http.expect("GET", accountUrl(3, "2"), 200, v2AccountBody(3));
    r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 1u);
    EXPECT_EQ(r.accounts[0].balance, (Money{-152040, "NOK"}));
    EXPECT_EQ(r.accounts[0].selector, 0);
    for (const auto& request : http.requests())
        EXPECT_EQ(headerOf(request, "customerId"), "(absent)") << request.url;
    expectScriptConsumed();
}

TEST_F(SbankenFetch, ListAccountsIgnoresSelectorsAndTheCache)
{
    auto source = makeSource({"Lommepenger"});
    expectToken();
    expectList();
    const FetchResult r = source->listAccounts();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(r.accounts.size(), 4u);
    EXPECT_EQ(state.values.count(SbankenSource::kSelectionStateKey), 0u);
    expectScriptConsumed();
}

TEST_F(SbankenFetch, LogsRequestsAtDebugWithPathOnly)
{
    auto source = makeSource();
    expectToken();
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    EXPECT_EQ(log.count("POST /identityserver/connect/token -> 200", LogLevel::Debug), 1u);
    EXPECT_EQ(log.count("GET /bank/api/v1/accounts/ -> 200", LogLevel::Debug), 1u);
    EXPECT_EQ(log.count("", LogLevel::Warning) + log.count("", LogLevel::Error), 0u);
}

}  // namespace
}  // namespace bank2mqtt::sbanken::test
