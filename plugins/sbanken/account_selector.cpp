// SPDX-License-Identifier: MIT
// Selector matching (number, name or id) and the cached selection's state format.
#include "account_selector.h"

#include "account_identity.h"
#include "json_reply.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/UTF8String.h>

#include <exception>
#include <sstream>

namespace bank2mqtt::sbanken {
namespace {

constexpr std::size_t kMinNumberDigits = 6;

std::string quoted(std::string_view selector)
{
    return "\"" + describeSelector(selector) + "\"";
}

const BankAccount* findById(const std::vector<BankAccount>& accounts, const std::string& id)
{
    for (const auto& account : accounts) {
        if (account.accountId == id)
            return &account;
    }
    return nullptr;
}

}  // namespace

bool looksLikeAccountNumber(std::string_view selector)
{
    std::size_t digits = 0;
    for (char c : selector) {
        if (c >= '0' && c <= '9')
            ++digits;
        else if (c != '.' && c != ' ' && c != '-')
            return false;
    }
    return digits >= kMinNumberDigits;
}

std::string describeSelector(std::string_view selector)
{
    return looksLikeAccountNumber(selector) ? maskAccountNumber(selector)
                                            : sanitizeBankMessage(selector, 60);
}

bool selectorMatches(std::string_view selector, const BankAccount& account)
{
    if (selector.empty())
        return false;
    if (account.accountId == selector)
        return true;
    if (looksLikeAccountNumber(selector) &&
        digitsOnly(selector) == digitsOnly(account.accountNumber))
        return true;
    return Poco::UTF8::icompare(std::string(selector), account.account.name) == 0;
}

Selection resolveSelectors(const std::vector<std::string>& selectors,
                           const std::vector<BankAccount>& accounts)
{
    Selection selection;
    for (std::size_t i = 0; i < selectors.size(); ++i) {
        const std::string& selector = selectors[i];
        std::vector<const BankAccount*> matches;
        for (const auto& account : accounts) {
            if (selectorMatches(selector, account))
                matches.push_back(&account);
        }
        if (matches.empty()) {
            selection.error = "the selector " + quoted(selector) +
                              " in accounts = matches no account of this login; run bank2mqtt "
                              "--list-accounts to see the names and numbers it can use";
        } else if (matches.size() > 1) {
            selection.error = "the selector " + quoted(selector) + " in accounts = matches " +
                              std::to_string(matches.size()) +
                              " accounts; use the account number instead (bank2mqtt "
                              "--list-accounts shows them)";
        } else {
            for (std::size_t j = 0; j < selection.accountIds.size(); ++j) {
                if (selection.accountIds[j] == matches.front()->accountId) {
                    selection.error = "the selectors " + quoted(selectors[j]) + " and " +
                                      quoted(selector) +
                                      " in accounts = choose the same account; list it once";
                }
            }
        }
        if (!selection.ok()) {
            selection.accountIds.clear();
            return selection;
        }
        selection.accountIds.push_back(matches.front()->accountId);
    }
    return selection;
}

std::optional<std::vector<Account>> pickAccounts(const std::vector<std::string>& accountIds,
                                                 const std::vector<BankAccount>& accounts)
{
    std::vector<Account> picked;
    for (std::size_t i = 0; i < accountIds.size(); ++i) {
        const BankAccount* found = findById(accounts, accountIds[i]);
        if (found == nullptr)
            return std::nullopt;
        picked.push_back(found->account);
        picked.back().selector = static_cast<int>(i);
    }
    return picked;
}

std::vector<Account> allAccounts(const std::vector<BankAccount>& accounts)
{
    std::vector<Account> all;
    for (const auto& account : accounts) {
        all.push_back(account.account);
        all.back().selector = -1;
    }
    return all;
}

std::string selectionToJson(const std::string& apiUrl, const std::string& binding,
                            const std::vector<std::string>& accountIds)
{
    Poco::JSON::Object object;
    Poco::JSON::Array ids;
    for (const auto& id : accountIds)
        ids.add(id);
    object.set("api_url", apiUrl);
    object.set("binding", binding);
    object.set("account_ids", ids);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(object, out);
    return out.str();
}

std::optional<std::vector<std::string>>
selectionFromJson(std::string_view json, const std::string& binding, std::size_t expected)
{
    try {
        const JsonObjectParse parsed = parseJsonObject(json);
        if (!parsed.ok() || stringMember(parsed.object, "binding") != binding)
            return std::nullopt;
        const Poco::JSON::Array::Ptr array = parsed.object->getArray("account_ids");
        if (array.isNull() || array->size() != expected)
            return std::nullopt;
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < array->size(); ++i) {
            const Poco::Dynamic::Var value = array->get(static_cast<unsigned>(i));
            if (value.type() != typeid(std::string) || value.extract<std::string>().empty())
                return std::nullopt;
            ids.push_back(value.extract<std::string>());
        }
        return ids;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace bank2mqtt::sbanken
