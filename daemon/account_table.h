// SPDX-License-Identifier: MIT
// The --list-accounts table: what a user needs to fill in `accounts =`, nothing identifying.
#pragma once

#include "bank2mqtt/fetch_result.h"

#include <string>
#include <vector>

namespace bank2mqtt {

/// Columns: key, name, number (masked), type, balance, available, currency. Keys are the slugs
/// the daemon would publish under when no alias is set. Amounts right-aligned, exact decimals.
std::string formatAccountTable(const std::vector<Account>& accounts);

}  // namespace bank2mqtt
