// SPDX-License-Identifier: MIT
// Selector matching for Firefly III accounts, and the sentences for selectors that do not fit.
#include "firefly_selection.h"

#include "account_identity.h"
#include "bank_text.h"

#include <Poco/UTF8String.h>

#include <cctype>

namespace bank2mqtt::firefly {
namespace {

constexpr std::size_t kMinNumberDigits = 6;

// Upper-case letters and digits only: "no93 8601.1117-947" -> "NO938601111947".
std::string normalizedNumber(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string ordinal(std::size_t position)
{
    const std::size_t n = position + 1;
    const char* suffix = "th";
    if (n % 100 < 11 || n % 100 > 13) {
        if (n % 10 == 1)
            suffix = "st";
        else if (n % 10 == 2)
            suffix = "nd";
        else if (n % 10 == 3)
            suffix = "rd";
    }
    return std::to_string(n) + suffix;
}

std::string named(const std::vector<std::string>& selectors, std::size_t i)
{
    return "the " + ordinal(i) + " selector \"" + describeSelector(selectors[i]) +
           "\" in accounts =";
}

std::vector<std::size_t> matchesOf(std::string_view selector,
                                   const std::vector<FireflyAccount>& accounts)
{
    std::vector<std::size_t> matches;
    for (std::size_t j = 0; j < accounts.size(); ++j) {
        if (selectorMatches(selector, accounts[j]))
            matches.push_back(j);
    }
    return matches;
}

}  // namespace

bool looksLikeAccountNumber(std::string_view selector)
{
    std::size_t digits = 0;
    for (char c : selector) {
        if (c >= '0' && c <= '9')
            ++digits;
        else if (!std::isalpha(static_cast<unsigned char>(c)) && c != '.' && c != ' ' && c != '-')
            return false;
    }
    return digits >= kMinNumberDigits;
}

std::string describeSelector(std::string_view selector)
{
    return looksLikeAccountNumber(selector) ? maskAccountNumber(selector)
                                            : sanitizeBankMessage(selector, 60);
}

bool selectorMatches(std::string_view selector, const FireflyAccount& account)
{
    if (selector.empty())
        return false;
    if (account.id == selector)
        return true;
    if (looksLikeAccountNumber(selector) && !account.number.empty() &&
        normalizedNumber(selector) == normalizedNumber(account.number))
        return true;
    return !account.name.empty() && Poco::UTF8::icompare(std::string(selector), account.name) == 0;
}

Selection resolveSelectors(const std::vector<std::string>& selectors,
                           const std::vector<FireflyAccount>& accounts,
                           const std::vector<FireflyAccount>& inactive)
{
    Selection selection;
    for (std::size_t i = 0; i < selectors.size(); ++i) {
        const auto matches = matchesOf(selectors[i], accounts);
        if (matches.empty()) {
            selection.error =
                named(selectors, i) +
                (matchesOf(selectors[i], inactive).empty()
                     ? " matches no asset account in Firefly III; run bank2mqtt --list-accounts "
                       "to see the ids, names and numbers it can use"
                     : " names an inactive account; set include_inactive = true to read it");
        } else if (matches.size() > 1) {
            selection.error = named(selectors, i) + " matches " + std::to_string(matches.size()) +
                              " accounts; use the account's Firefly III id instead (bank2mqtt "
                              "--list-accounts shows the ids)";
        } else {
            for (std::size_t j = 0; j < selection.indexes.size(); ++j) {
                if (selection.indexes[j] == matches.front())
                    selection.error = "the " + ordinal(j) + " and " + ordinal(i) +
                                      " selectors in accounts = choose the same account; list it "
                                      "once";
            }
        }
        if (!selection.ok()) {
            selection.indexes.clear();
            return selection;
        }
        selection.indexes.push_back(matches.front());
    }
    return selection;
}

}  // namespace bank2mqtt::firefly
