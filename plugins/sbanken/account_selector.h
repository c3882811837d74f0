// SPDX-License-Identifier: MIT
// Turning the user's `accounts =` selectors into Sbanken account ids, and caching them.
#pragma once

#include "sbanken_api.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::sbanken {

/// True when a selector reads as an account number: only digits and the separators ". -" with
/// at least 6 digits ("97104133219", "9710.41.33219", "9710 41 33219").
bool looksLikeAccountNumber(std::string_view selector);

/// The selector quoted for a message: masked ("*******3219") when it looks like an account
/// number, as written otherwise.
std::string describeSelector(std::string_view selector);

/// Whether `selector` names `account`: its accountId exactly, its name ignoring case (UTF-8
/// aware), or, when the selector looks like an account number, the same digits.
bool selectorMatches(std::string_view selector, const BankAccount& account);

/// Selectors resolved against an account list: one account id per selector, in selector order,
/// or `error`, a ConfigError message naming the first selector that matches no account or
/// several, or two selectors that choose the same account.
struct Selection {
    std::vector<std::string> accountIds;
    std::string error;

    bool ok() const { return error.empty(); }
};
Selection resolveSelectors(const std::vector<std::string>& selectors,
                           const std::vector<BankAccount>& accounts);

/// The accounts with `accountIds` (from a Selection), in that order with Account::selector set
/// to the index; nullopt when any id is missing from `accounts`.
std::optional<std::vector<Account>> pickAccounts(const std::vector<std::string>& accountIds,
                                                 const std::vector<BankAccount>& accounts);

/// Every account in bank order, selector -1.
std::vector<Account> allAccounts(const std::vector<BankAccount>& accounts);

/// State store value for resolved ids: {"api_url","binding","account_ids":[...]}. `binding` is
/// a digest of everything the ids depend on (api_url, version, client, customer, selectors), so
/// the file shows no selector or customer id in clear.
std::string selectionToJson(const std::string& apiUrl, const std::string& binding,
                            const std::vector<std::string>& accountIds);
/// The ids from selectionToJson() output when `binding` matches and the count is `expected`.
std::optional<std::vector<std::string>>
selectionFromJson(std::string_view json, const std::string& binding, std::size_t expected);

}  // namespace bank2mqtt::sbanken
