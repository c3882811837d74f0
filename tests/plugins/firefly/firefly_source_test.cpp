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
    h.page(1, pageJson(household()));
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
    h.page(1, pageJson({account("1", "A")}, 1, 3));
    h.page(2, pageJson({account("2", "B")}, 2, 3));
    h.page(3, pageJson({account("3", "C")}, 3, 3));
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
    h.page(1, pageJson({account("1", "A"), account("2", "B")}, 1, 2));
    h.page(2, pageJson({account("2", "B"), account("3", "C")}, 2, 2));
    EXPECT_EQ(names(h.source.fetch()), (std::vector<std::string>{"A", "B", "C"}));
}

TEST(FireflySource, ThePageCountIsBounded)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.page(1, pageJson({account("1", "A")}, 1, kMaxPages + 1));
    const FetchResult result = h.source.fetch();
    EXPECT_EQ(result.status, FetchStatus::ConfigError);
    EXPECT_NE(result.message.find("more than 10000 asset accounts"), std::string::npos);
    EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(FireflySource, AWrongPageIsTemporary)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.page(1, pageJson({account("1", "A")}, 1, 2));
    h.page(2, pageJson({account("2", "B")}, 1, 2));
    EXPECT_EQ(h.source.fetch().status, FetchStatus::Temporary);
}

TEST(FireflySource, InactiveAccountsOnlyWhenIncluded)
{
    Harness h;
    ASSERT_TRUE(h.configure({}, {{"include_inactive", "true"}}).ok());
    h.page(1, pageJson(household()));
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
    h.page(1, pageJson(items));
    FetchResult result = h.source.fetch();
    ASSERT_EQ(result.status, FetchStatus::Ok) << result.message;
    EXPECT_EQ(names(result), (std::vector<std::string>{"Yen", "Sparekonto", "Lommepenger"}));
    EXPECT_EQ(result.accounts[0].selector, 0);
    EXPECT_EQ(result.accounts[2].selector, 2);

    ASSERT_TRUE(h.configure({"no93-8601-1117-947"}).ok());
    h.page(1, pageJson(items));
    result = h.source.fetch();
    EXPECT_EQ(names(result), (std::vector<std::string>{"Sparekonto"}));
}

TEST(FireflySource, AnAmbiguousNameIsAConfigErrorNamingItsPosition)
{
    Harness h;
    ASSERT_TRUE(h.configure({"Yen", "Felles"}).ok());
    h.page(1, pageJson({account("1", "Yen"), account("2", "felles"), account("3", "FELLES")}));
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
    h.page(1, pageJson(household()));
    FetchResult result = h.source.fetch();
    EXPECT_EQ(result.status, FetchStatus::ConfigError);
    EXPECT_NE(result.message.find("include_inactive = true"), std::string::npos);

    ASSERT_TRUE(h.configure({"Rema 1000"}).ok());
    h.page(1, pageJson(household()));
    result = h.source.fetch();
    EXPECT_NE(result.message.find("matches no asset account"), std::string::npos);

    ASSERT_TRUE(h.configure({"1", "lommepenger"}).ok());
    h.page(1, pageJson(household()));
    result = h.source.fetch();
    EXPECT_NE(result.message.find("1st and 2nd selectors"), std::string::npos);

    ASSERT_TRUE(h.configure({"NO9386011117948"}).ok());
    h.page(1, pageJson(household()));
    result = h.source.fetch();
    EXPECT_EQ(result.message.find("NO9386011117948"), std::string::npos);  // masked
}

TEST(FireflySource, AnUnreadableAccountIsNamedWhileTheOthersPublish)
{
    Harness h;
    auto items = household();
    items[2].code = "null";
    ASSERT_TRUE(h.configure({"Lommepenger", "Yen"}).ok());
    h.page(1, pageJson(items));
    FetchResult result = h.source.fetch();
    ASSERT_EQ(result.status, FetchStatus::Ok);
    EXPECT_EQ(names(result), (std::vector<std::string>{"Lommepenger"}));
    EXPECT_NE(result.message.find("the account \"Yen\" has no currency"), std::string::npos);

    ASSERT_TRUE(h.configure({"Yen"}).ok());
    h.page(1, pageJson(items));
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
    h.page(1, pageJson(household()));
    EXPECT_EQ(h.source.fetch().status, FetchStatus::Ok);
    h.http.expect("GET", pageUrl(1), 404, R"({"message":"Resource not found"})");
    EXPECT_EQ(h.source.fetch().status, FetchStatus::Temporary);
}

TEST(FireflySource, ListAccountsShowsEveryAssetAccountWithItsId)
{
    Harness h;
    ASSERT_TRUE(h.configure({"Yen"}).ok());
    h.page(1, pageJson(household()));
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

TEST(FireflySource, TheTokenIsInNoLogLineOrMessage)
{
    Harness h;
    ASSERT_TRUE(h.configure().ok());
    h.page(1, pageJson(household()));
    h.http.expect("GET", pageUrl(1), 401, R"({"message":"Unauthenticated. )" + kToken + R"("})");
    EXPECT_EQ(h.source.fetch().status, FetchStatus::Ok);
    const FetchResult refused = h.source.fetch();
    EXPECT_EQ(refused.status, FetchStatus::AuthRequired);
    EXPECT_EQ(refused.message.find(kToken), std::string::npos);
    EXPECT_FALSE(h.log.lines.empty());
    for (const auto& line : h.log.lines) {
        EXPECT_EQ(line.text.find(kToken), std::string::npos) << line.text;
        EXPECT_EQ(line.text.find("NO9386011117947"), std::string::npos) << line.text;
    }
}

}  // namespace
}  // namespace bank2mqtt::firefly::test
