// SPDX-License-Identifier: MIT
// Component tests of SbankenSource selectors: resolution, id caching, one request per poll.
#include "sbanken_fixtures.h"

#include <gtest/gtest.h>

namespace bank2mqtt::sbanken::test {
namespace {

using namespace std::chrono_literals;

class SbankenSelection : public SbankenHarness {};

TEST_F(SbankenSelection, ResolvesByNumberNameAndIdInSelectorOrder)
{
    auto source = makeSource({"9710.41.33243", "sparekonto", idOf(0)});
    expectToken();
    expectList();
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.size(), 3u);
    EXPECT_EQ(r.accounts[0].name, "Kredittkort");
    EXPECT_EQ(r.accounts[1].name, "Sparekonto");
    EXPECT_EQ(r.accounts[2].name, "Lommepenger");
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(r.accounts[i].selector, i);
    EXPECT_EQ(requestCount(), 2u);
    expectScriptConsumed();
}

TEST_F(SbankenSelection, CachesIdsAndPollsTheListOnceForSeveralAccounts)
{
    auto source = makeSource({"97104133219", "Sparekonto"});
    expectToken();
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    const std::string saved = state.values.at(SbankenSource::kSelectionStateKey);
    EXPECT_NE(saved.find(idOf(0)), std::string::npos);
    EXPECT_EQ(saved.find("97104133219"), std::string::npos);
    EXPECT_EQ(saved.find(kCustomerId), std::string::npos);

    http.clearRequests();
    expectList();
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok);
    ASSERT_EQ(r.accounts.size(), 2u);
    EXPECT_EQ(r.accounts[1].name, "Sparekonto");
    EXPECT_EQ(requestCount(), 1u);
    expectScriptConsumed();
}

TEST_F(SbankenSelection, OneSelectedAccountCostsOneGetPerPoll)
{
    auto source = makeSource({"Lommepenger"});
    expectToken();
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    for (int poll = 0; poll < 3; ++poll) {
        clock.advance(15min);
        http.clearRequests();
        http.expect("GET", accountUrl(0), 200, v1ItemBody(0));
        const FetchResult r = source->fetch();
        ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
        ASSERT_EQ(r.accounts.size(), 1u);
        EXPECT_EQ(r.accounts[0].balance, (Money{43725, "NOK"}));
        EXPECT_EQ(r.accounts[0].selector, 0);
        EXPECT_EQ(requestCount(), 1u);
    }
    expectScriptConsumed();
}

TEST_F(SbankenSelection, AFreshInstanceReusesTheSavedIds)
{
    {
        auto first = makeSource({"Lommepenger"});
        expectToken();
        expectList();
        ASSERT_EQ(first->fetch().status, FetchStatus::Ok);
    }
    auto second = makeSource({"Lommepenger"});
    http.clearRequests();
    http.expect("GET", accountUrl(0), 200, v1ItemBody(0));
    ASSERT_EQ(second->fetch().status, FetchStatus::Ok);
    EXPECT_EQ(requestCount(), 1u);
    expectScriptConsumed();
}

TEST_F(SbankenSelection, ChangedSelectorsInvalidateTheSavedIds)
{
    {
        auto first = makeSource({"Lommepenger"});
        expectToken();
        expectList();
        ASSERT_EQ(first->fetch().status, FetchStatus::Ok);
    }
    auto second = makeSource({"Sparekonto"});
    expectList();
    const FetchResult r = second->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok);
    EXPECT_EQ(r.accounts[0].name, "Sparekonto");
    expectScriptConsumed();
}

TEST_F(SbankenSelection, A404OnTheCachedIdResolvesAgainInTheSameFetch)
{
    auto source = makeSource({"Lommepenger"});
    expectToken();
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    auto moved = fixtureAccounts();
    moved[0].id = "F6A5B8C7D0E19C63748F9A0B1C2D3E45";
    http.expect("GET", accountUrl(0), 404, "");
    http.expect("GET", listUrl(), 200, v1ListBody(moved));
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(r.accounts[0].name, "Lommepenger");
    EXPECT_NE(state.values.at(SbankenSource::kSelectionStateKey).find(moved[0].id),
              std::string::npos);
    http.expect("GET", kApiV1 + "/accounts/" + moved[0].id, 200,
                "{\"item\":" + accountJson(moved[0]) + ",\"isError\":false}");
    EXPECT_EQ(source->fetch().status, FetchStatus::Ok);
    expectScriptConsumed();
}

TEST_F(SbankenSelection, ACachedIdMissingFromTheListResolvesFromThatList)
{
    auto source = makeSource({"Lommepenger", "Sparekonto"});
    expectToken();
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    auto moved = fixtureAccounts();
    moved[1].id = "F6A5B8C7D0E19C63748F9A0B1C2D3E45";
    http.clearRequests();
    http.expect("GET", listUrl(), 200, v1ListBody(moved));
    const FetchResult r = source->fetch();
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(r.accounts[1].name, "Sparekonto");
    EXPECT_EQ(requestCount(), 1u);
    expectScriptConsumed();
}

TEST_F(SbankenSelection, AnAccountMissingFromOneListAfterWorkingIsTemporary)
{
    auto source = makeSource({"Lommepenger", "Sparekonto"});
    expectToken();
    expectList();
    ASSERT_EQ(source->fetch().status, FetchStatus::Ok);
    auto partial = fixtureAccounts();
    partial.erase(partial.begin() + 1);  // Sparekonto missing from this one reply
    http.expect("GET", listUrl(), 200, v1ListBody(partial));

    const FetchResult r = source->fetch();

    EXPECT_EQ(r.status, FetchStatus::Temporary) << r.message;
}

TEST_F(SbankenSelection, UnknownSelectorIsAConfigErrorWithAHint)
{
    auto source = makeSource({"Lommepenger", "97104133299"});
    expectToken();
    expectList();
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::ConfigError);
    EXPECT_EQ(r.message, "the selector \"*******3299\" in accounts = matches no account of this "
                         "login; run bank2mqtt --list-accounts to see the names and numbers it "
                         "can use");
    EXPECT_EQ(state.values.count(SbankenSource::kSelectionStateKey), 0u);
    expectScriptConsumed();
}

TEST_F(SbankenSelection, AmbiguousNameIsAConfigError)
{
    auto twins = fixtureAccounts();
    twins[2].name = "Sparekonto";
    auto source = makeSource({"Sparekonto"});
    expectToken();
    http.expect("GET", listUrl(), 200, v1ListBody(twins));
    const FetchResult r = source->fetch();
    EXPECT_EQ(r.status, FetchStatus::ConfigError);
    EXPECT_NE(r.message.find("\"Sparekonto\" in accounts = matches 2 accounts"), std::string::npos);
    EXPECT_NE(r.message.find("bank2mqtt --list-accounts"), std::string::npos);
}

}  // namespace
}  // namespace bank2mqtt::sbanken::test
