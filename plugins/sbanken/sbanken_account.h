// SPDX-License-Identifier: MIT
// One Sbanken account object, read exactly: ids and numbers kept apart from what may be published.
#pragma once

#include "bank2mqtt/fetch_result.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace bank2mqtt::sbanken {

/// One account as the bank sent it. Only `account` may leave the plugin.
struct BankAccount {
    std::string accountId;      ///< opaque key for accounts/{id}
    std::string accountNumber;  ///< full number: for selector matching only, never logged
    Account account;            ///< selector left at -1
};

/// Reads one Account object (the same in v1 and v2):
///   {"accountId","accountNumber","ownerCustomerId","name","accountType","available","balance",
///    "creditLimit"}
/// Needs a string accountId and an accountNumber with digits, and balance and available as
/// numbers (or decimal strings) exact to the øre, matched by exact key ("balance " is not
/// "balance"); creditLimit is optional; ownerCustomerId is never read. Amounts are NOK, as the
/// API has no currency field. On failure returns false and sets `whyNot` to a sentence naming
/// the account by its masked number; a missing amount is never taken as 0.
///
/// Names and types are published, so they are made safe here: control characters become
/// spaces, and a name (or type) whose digits hold the account number or `customerId` (the
/// login's national id) is replaced by the type, or "Account 3219" (the last four digits).
bool parseAccount(const Poco::JSON::Object::Ptr& object, BankAccount& out, std::string& whyNot,
                  const std::string& customerId = {});

/// What parseAccount() publishes for a bank's `name`: see there.
std::string publishableName(const std::string& name, const std::string& type,
                            const std::string& accountNumber, const std::string& customerId);

}  // namespace bank2mqtt::sbanken
