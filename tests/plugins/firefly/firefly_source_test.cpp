// SPDX-License-Identifier: MIT
// FireflySource: configuration, one request per poll, paging, selectors, inactive accounts.
#include "ff_fixtures.h"

#include <gtest/gtest.h>

namespace bank2mqtt::firefly::test {
namespace {

Item account(std::string id, std::string name, std::string iban = "null")
{
    Item i;
    i.id = std::move(id);
    i.name = "\"" + name + "\"";
    i.iban = iban == "null" ? iban : "\"" + iban + "\"";
    return i;
}

std::vector<Item> household()
{
    Item savings = account("2", "Sparekonto", "NO93 8601 1117 947");
    savings.role = "\"savingAsset\"";
    Item yen = account("3", "Yen");
    yen.code = "\"JPY\"";
    yen.places = "0";
    yen.balance = "\"150000\"";
    Item old = account("4", "Gammel konto");
    old.active = "false";
    Item expense = account("9", "Rema 1000");
    expense.type = "\"expense\"";
    return {account("1", "Lommepenger"), savings, yen, old, expense};
}

std::vector<std::string> names(const FetchResult& result)
{
    std::vector<std::string> out;
    for (const auto& a : result.accounts)
        out.push_back(a.name);
    return out;
}

TEST(FireflySource, OnePollIsOneRequestWhenAllAccountsFitOnePage)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.page(1, household());
    const FetchResult result = h.source.fetch();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    EXPECT_EQ(h.http.requests().size(), 1u);
    EXPECT_EQ(names(result), (std::vector<std::string>{"Lommepenger", "Sparekonto", "Yen"}));
    EXPECT_EQ(result.accounts[2].balance, (Money{150000, "JPY", 0}));
    EXPECT_TRUE(result.message.empty());
}

TEST(FireflySource, PagesAreBuiltKeepingTheTypeFilter)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.page(1, {account("1", "A")}, 3);
    h.page(2, {account("2", "B")}, 3);
    h.page(3, {account("3", "C")}, 3);
    const FetchResult result = h.source.fetch();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    EXPECT_EQ(names(result), (std::vector<std::string>{"A", "B", "C"}));
    EXPECT_TRUE(h.http.unexpected().empty());  // links.next (without type) was not followed
    EXPECT_EQ(h.http.requests().size(), 3u);
}

TEST(FireflySource, AnAccountShiftedOntoTwoPagesIsReadOnce)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.page(1, {account("1", "A"), account("2", "B")}, 2);
    h.page(2, {account("2", "B"), account("3", "C")}, 2);
    EXPECT_EQ(names(h.source.fetch()), (std::vector<std::string>{"A", "B", "C"}));
}

TEST(FireflySource, ThePageCountIsBounded)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.page(1, {account("1", "A")}, kMaxPages + 1);
    const FetchResult result = h.source.fetch();
    EXPECT_EQ(result.status, FetchStatus::ConfigError);
    EXPECT_NE(result.message.find("more than 10000 asset accounts"), std::string::npos);
    EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(FireflySource, AWrongPageIsTemporary)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.page(1, {account("1", "A")}, 2);
    h.answer(2, pageJson({account("2", "B")}, 1, 2));
    EXPECT_EQ(h.source.fetch().status, FetchStatus::Temporary);
}

TEST(FireflySource, InactiveAccountsOnlyWhenIncluded)
{
    Harness h;
    ASSERT_TRUE(h.configure({}, {{"include_inactive", "true"}}).ok());
    h.page(1, household());
    EXPECT_EQ(names(h.source.fetch()),
              (std::vector<std::string>{"Lommepenger", "Sparekonto", "Yen", "Gammel konto"}));
}

TEST(FireflySource, SelectorsByIdNameIbanAndNumber)
{
    Harness h;
    auto items = household();
    items[0].number = "\"9710.41.33219\"";
    items[0].iban = "null";
    ASSERT_TRUE(h.configure({"3", "sparekonto", "97104133219"}).ok());
    h.page(1, items);
    FetchResult result = h.source.fetch();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    EXPECT_EQ(names(result), (std::vector<std::string>{"Yen", "Sparekonto", "Lommepenger"}));
    EXPECT_EQ(result.accounts[0].selector, 0);
    EXPECT_EQ(result.accounts[2].selector, 2);

    ASSERT_TRUE(h.configure({"no93-8601-1117-947"}).ok());
    h.page(1, items);
    result = h.source.fetch();
    EXPECT_EQ(names(result), (std::vector<std::string>{"Sparekonto"}));
}

TEST(FireflySource, AnAmbiguousNameIsAConfigErrorNamingItsPosition)
{
    Harness h;
    ASSERT_TRUE(h.configure({"Yen", "Felles"}).ok());
    h.page(1, {account("1", "Yen"), account("2", "felles"), account("3", "FELLES")});
    const FetchResult result = h.source.fetch();
    EXPECT_EQ(result.status, FetchStatus::ConfigError);
    EXPECT_NE(result.message.find("the 2nd selector \"Felles\" in accounts = matches 2 accounts"),
              std::string::npos)
        << result.message;
}

TEST(FireflySource, SelectorsThatDoNotFit)
{
    Harness h;
    ASSERT_TRUE(h.configure({"Gammel konto"}).ok());
    h.page(1, household());
    FetchResult result = h.source.fetch();
    EXPECT_EQ(result.status, FetchStatus::ConfigError);
    EXPECT_NE(result.message.find("include_inactive = true"), std::string::npos);

    ASSERT_TRUE(h.configure({"Rema 1000"}).ok());
    h.page(1, household());
    result = h.source.fetch();
    EXPECT_NE(result.message.find("matches no asset account"), std::string::npos);

    ASSERT_TRUE(h.configure({"1", "lommepenger"}).ok());
    h.page(1, household());
    result = h.source.fetch();
    EXPECT_NE(result.message.find("1st and 2nd selectors"), std::string::npos);

    ASSERT_TRUE(h.configure({"NO9386011117948"}).ok());
    h.page(1, household());
    result = h.source.fetch();
    EXPECT_EQ(result.message.find("NO9386011117948"), std::string::npos);  // masked
}

TEST(FireflySource, AnUnreadableAccountIsNamedWhileTheOthersPublish)
{
    Harness h;
    auto items = household();
    items[2].code = "null";
    ASSERT_TRUE(h.configure({"Lommepenger", "Yen"}).ok());
    h.page(1, items);
    FetchResult result = h.source.fetch();
    ASSERT_EQ(result.status, FetchStatus::Ok);
    EXPECT_EQ(names(result), (std::vector<std::string>{"Lommepenger"}));
    EXPECT_NE(result.message.find("the account \"Yen\" has no currency"), std::string::npos);

    ASSERT_TRUE(h.configure({"Yen"}).ok());
    h.page(1, items);
    result = h.source.fetch();
    EXPECT_EQ(result.status, FetchStatus::Temporary);
    EXPECT_NE(result.message.find("has no currency"), std::string::npos);
}

TEST(FireflySource, NotFoundIsAConfigErrorUntilTheListWasReadOnce)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.http.expect("GET", pageUrl(1), 404, R"({"message":"Resource not found"})");
    EXPECT_EQ(h.source.fetch().status, FetchStatus::ConfigError);
    h.page(1, household());
    EXPECT_EQ(h.source.fetch().status, FetchStatus::Ok);
    h.http.expect("GET", pageUrl(1), 404, R"({"message":"Resource not found"})");
    EXPECT_EQ(h.source.fetch().status, FetchStatus::Temporary);
}

TEST(FireflySource, ListAccountsShowsEveryAssetAccountWithItsId)
{
    Harness h;
    ASSERT_TRUE(h.configure({"Yen"}).ok());
    h.page(1, household());
    const FetchResult result = h.source.listAccounts();
    ASSERT_EQ(result.status, FetchStatus::Ok);
    ASSERT_EQ(result.accounts.size(), 4u);
    EXPECT_EQ(result.accounts[1].type, "Savings account (id 2)");
    EXPECT_EQ(result.accounts[3].type, "Default asset account (id 4, inactive)");
    EXPECT_EQ(result.accounts[1].maskedNumber, "*********7947");
}

TEST(FireflySource, ConfigurationProblemsNameTheKey)
{
    Harness h;
    EXPECT_EQ(h.configure({}, {{"url", "firefly.lan"}}).key, "url");
    EXPECT_EQ(h.configure({}, {{"token", ""}}).key, "token_file");
    EXPECT_EQ(h.configure({}, {{"token", "Bearer abc"}}).key, "token_file");
    EXPECT_EQ(h.configure({}, {{"include_inactive", "maybe"}}).key, "include_inactive");
    EXPECT_EQ(h.source.fetch().status, FetchStatus::ConfigError);
    // http:// is the host's decision (allow_http), and a trailing /api/v1 is tolerated.
    ASSERT_TRUE(h.configure({}, {{"url", "http://192.168.1.20:8080/api/v1/"}}).ok());
    h.http.expect("GET", pageUrl(1, "http://192.168.1.20:8080"), 200, pageJson(household()),
                  kJsonApi);
    EXPECT_EQ(h.source.fetch().status, FetchStatus::Ok);
}

TEST(FireflySource, NeitherTheTokenNorAKnownIbanReachesAMessageOrALogLine)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    // An IBAN whose bank code is letters: the masking of long digit runs alone would leave
    // "GB82WEST" readable, so only the redaction of known numbers keeps it out.
    const std::string iban = "GB82WEST12345698765432";
    h.page(1, {account("1", "Lommepenger", iban)});
    ASSERT_EQ(h.source.fetch().status, FetchStatus::Ok);  // learns the IBAN
    h.http.expect("GET", pageUrl(1), 500,
                  R"({"message":"Bearer )" + kToken + " no route for " + iban +
                      R"(","exception":"UndisclosedException"})",
                  {{"Content-Type", "application/json"}});
    const FetchResult failed = h.source.fetch();
    ASSERT_EQ(failed.status, FetchStatus::Temporary);
    EXPECT_NE(failed.message.find("no route for"), std::string::npos) << failed.message;
    for (const std::string& secret : {kToken, kToken.substr(0, 20), iban, iban.substr(0, 8)})
        EXPECT_EQ(failed.message.find(secret), std::string::npos) << failed.message;
    EXPECT_FALSE(h.log.lines.empty());
    for (const auto& line : h.log.lines) {
        for (const std::string& secret : {kToken, kToken.substr(0, 20), iban, iban.substr(0, 8)})
            EXPECT_EQ(line.text.find(secret), std::string::npos) << line.text;
    }
}

TEST(FireflySource, AListThatChangesBetweenPagesIsReadAgainLater)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    // Page 1 counts 3 accounts; by page 2 one was deleted, which moved "B" onto page 1's end
    // unseen: publishing "A" and "C" would drop "B" for a poll.
    h.page(1, {account("1", "A")}, 2, 3);
    h.page(2, {account("3", "C")}, 2, 2);
    const FetchResult result = h.source.fetch();
    EXPECT_EQ(result.status, FetchStatus::Temporary);
    EXPECT_EQ(result.message, "the accounts changed while they were read; trying again");
    EXPECT_TRUE(result.accounts.empty());

    h.page(1, {account("1", "A"), account("2", "B")}, 2, 3);
    h.page(2, {account("3", "C")}, 2, 3);
    EXPECT_EQ(names(h.source.fetch()), (std::vector<std::string>{"A", "B", "C"}));
}

TEST(FireflySource, ALastActivityAheadOfTheClockIsNoBalanceDate)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    Item planned = account("1", "A");
    planned.lastActivity = "\"2026-11-28T07:00:00+00:00\"";  // a day after FakeClock's start
    h.page(1, {planned});
    FetchResult result = h.source.fetch();
    ASSERT_EQ(result.status, FetchStatus::Ok);
    EXPECT_FALSE(result.accounts[0].balanceDate);
    h.clock.advance(std::chrono::hours(48));
    h.page(1, {planned});
    result = h.source.fetch();
    ASSERT_EQ(result.status, FetchStatus::Ok);
    EXPECT_TRUE(result.accounts[0].balanceDate);
}

}  // namespace
}  // namespace bank2mqtt::firefly::test
