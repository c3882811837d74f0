// SPDX-License-Identifier: MIT
// Tests of selector matching and of the saved selection's format.
#include "account_selector.h"

#include "sbanken_fixtures.h"

#include <gtest/gtest.h>

namespace bank2mqtt::sbanken::test {
namespace {

std::vector<BankAccount> bankAccounts(const std::vector<FixtureAccount>& fixtures)
{
    std::vector<BankAccount> accounts;
    for (const auto& f : fixtures) {
        BankAccount a;
        a.accountId = f.id;
        a.accountNumber = f.number;
        a.account.name = f.name;
        accounts.push_back(a);
    }
    return accounts;
}

TEST(AccountSelector, RecognisesAccountNumbersWithSeparators)
{
    EXPECT_TRUE(looksLikeAccountNumber("97104133219"));
    EXPECT_TRUE(looksLikeAccountNumber("9710.41.33219"));
    EXPECT_TRUE(looksLikeAccountNumber("9710 41 33219"));
    EXPECT_FALSE(looksLikeAccountNumber("Sparekonto"));
    EXPECT_FALSE(looksLikeAccountNumber("2024"));
    EXPECT_FALSE(looksLikeAccountNumber(idOf(0)));
    EXPECT_EQ(describeSelector("9710.41.33219"), "*******3219");
    EXPECT_EQ(describeSelector("Sparekonto"), "Sparekonto");
}

TEST(AccountSelector, MatchesByNumberNameOrId)
{
    const auto accounts = bankAccounts(fixtureAccounts());
    EXPECT_TRUE(selectorMatches("9710.41.33219", accounts[0]));
    EXPECT_TRUE(selectorMatches("LOMMEPENGER", accounts[0]));
    EXPECT_TRUE(selectorMatches(idOf(0), accounts[0]));
    EXPECT_FALSE(selectorMatches("97104133227", accounts[0]));
    EXPECT_FALSE(selectorMatches("", accounts[0]));
    EXPECT_FALSE(selectorMatches("Lomme", accounts[0]));
}

TEST(AccountSelector, ResolvesInSelectorOrder)
{
    const auto accounts = bankAccounts(fixtureAccounts());
    const Selection s = resolveSelectors({"kredittkort", "97104133219"}, accounts);
    ASSERT_TRUE(s.ok()) << s.error;
    EXPECT_EQ(s.accountIds, (std::vector<std::string>{idOf(3), idOf(0)}));
    const auto picked = pickAccounts(s.accountIds, accounts);
    ASSERT_TRUE(picked);
    EXPECT_EQ((*picked)[0].name, "Kredittkort");
    EXPECT_EQ((*picked)[0].selector, 0);
    EXPECT_EQ((*picked)[1].selector, 1);
    EXPECT_EQ(pickAccounts({"gone"}, accounts), std::nullopt);
}

TEST(AccountSelector, ExplainsUnknownAmbiguousAndDuplicateSelectors)
{
    auto fixtures = fixtureAccounts();
    fixtures[2].name = "Sparekonto";
    const auto accounts = bankAccounts(fixtures);
    EXPECT_EQ(resolveSelectors({"97104133299"}, accounts).error,
              "the selector \"*******3299\" in accounts = matches no account of this login; run "
              "bank2mqtt --list-accounts to see the names and numbers it can use");
    EXPECT_EQ(resolveSelectors({"sparekonto"}, accounts).error,
              "the selector \"sparekonto\" in accounts = matches 2 accounts; use the account "
              "number instead (bank2mqtt --list-accounts shows them)");
    EXPECT_EQ(resolveSelectors({"Lommepenger", "9710.41.33219"}, accounts).error,
              "the selectors \"Lommepenger\" and \"*******3219\" in accounts = choose the same "
              "account; list it once");
}

TEST(AccountSelector, SavedSelectionNeedsTheSameBindingAndCount)
{
    const std::string json = selectionToJson(kApiV1, "bind-1", {idOf(0), idOf(1)});
    EXPECT_EQ(json.find(kCustomerId), std::string::npos);
    EXPECT_EQ(selectionFromJson(json, "bind-1", 2), (std::vector<std::string>{idOf(0), idOf(1)}));
    EXPECT_EQ(selectionFromJson(json, "bind-2", 2), std::nullopt);
    EXPECT_EQ(selectionFromJson(json, "bind-1", 1), std::nullopt);
    EXPECT_EQ(selectionFromJson("{", "bind-1", 2), std::nullopt);
}

}  // namespace
}  // namespace bank2mqtt::sbanken::test
