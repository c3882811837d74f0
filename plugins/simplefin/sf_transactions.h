// SPDX-License-Identifier: MIT
// SimpleFIN transactions, pure: an account's `transactions` array read into the SDK's
// Transaction, in the account's own money unit, and the UTC dates of the window.
//
// Facts (README.md "Transactions" has them with sources): a transaction is {id, posted (epoch;
// may be 0 while pending), amount (numeric string, positive = money in), description,
// transacted_at? (epoch), pending? (bool), extra?}; the Bridge also sends `payee` and `memo`,
// which the spec does not define yet (simplefin/simplefin.github.com#15).
#pragma once

#include "bank2mqtt/capabilities.h"
#include "bank2mqtt/fetch_result.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::simplefin {

/// What one account's reply says about its transactions.
struct SfTransactions {
    /// The account carried a `transactions` array (a reply to balances-only=1 may not).
    bool listed = false;
    std::vector<Transaction> entries;
    /// Set when an entry could not be read: the whole list is then unusable (a list with one
    /// entry missing would look complete to the host). Never quotes an amount or a text.
    std::string problem;
};

/// Reads `account`'s `transactions`. `unit` is the account's balance: every amount gets its
/// currency and decimals, or the list fails (an amount with more decimals is never rounded).
/// `text` is `payee` when it has one, else `description`; `memo` and `extra` are never read
/// (they may hold card or account numbers). Bank texts are sanitised and `secrets` redacted.
SfTransactions parseTransactions(const Poco::JSON::Object::Ptr& account, const Money& unit,
                                 const std::vector<std::string>& secrets);

/// The money of `amount` (a decimal string or a JSON number) in exactly `unit`'s currency and
/// decimals; nullopt when unreadable or when it has more decimals than the unit.
std::optional<Money> amountIn(const Poco::Dynamic::Var& amount, const Money& unit);

/// "YYYY-MM-DD" of a UNIX time, in UTC.
std::string utcDate(std::int64_t epochSeconds);

/// The UNIX time of 00:00 UTC on a "YYYY-MM-DD"; nullopt when it is not such a date.
std::optional<std::int64_t> startOfUtcDate(const std::string& date);

}  // namespace bank2mqtt::simplefin
