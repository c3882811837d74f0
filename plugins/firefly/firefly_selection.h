// SPDX-License-Identifier: MIT
// Turning the user's `accounts =` selectors into Firefly III accounts: id, name, IBAN or number.
#pragma once

#include "firefly_api.h"

#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::firefly {

/// True when a selector reads as an account number or IBAN: letters, digits and the separators
/// ". -" with at least 6 digits ("NO93 8601 1117 947", "97104133219").
bool looksLikeAccountNumber(std::string_view selector);

/// The selector quoted for a message: masked ("*******3219") when it looks like a number.
std::string describeSelector(std::string_view selector);

/// Whether `selector` names `account`: its Firefly id exactly, its name ignoring case (UTF-8
/// aware), or, when the selector looks like a number, its IBAN or account number ignoring case,
/// spaces, dots and dashes.
bool selectorMatches(std::string_view selector, const FireflyAccount& account);

/// Selectors resolved against the accounts of one poll: one index into `accounts` per
/// selector, or `error`, a sentence naming the selector and its position in accounts =.
/// `inactive` are the accounts left out because they are inactive: a selector that names one
/// gets advice to set include_inactive = true.
struct Selection {
    std::vector<std::size_t> indexes;
    std::string error;

    bool ok() const { return error.empty(); }
};
Selection resolveSelectors(const std::vector<std::string>& selectors,
                           const std::vector<FireflyAccount>& accounts,
                           const std::vector<FireflyAccount>& inactive);

}  // namespace bank2mqtt::firefly
