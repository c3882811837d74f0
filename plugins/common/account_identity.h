// SPDX-License-Identifier: MIT
// Identities of accounts that reveal nothing: fingerprints and masked numbers.
#pragma once

#include <string>
#include <string_view>

namespace bank2mqtt {

/// The decimal digits of `text`, everything else dropped ("9710.41.33219" -> "97104133219").
std::string digitsOnly(std::string_view text);

/// First 32 hex characters (128 bits, lower case) of the SHA-256 of `data`. For keys and
/// bindings in state files that must not show what they were made from.
std::string digestHex(std::string_view data);

/// Account::fingerprint: digestHex(bank + ":" + digitsOnly(accountNumber)). Stable across account
/// renames and provider id changes; the same number written with or without separators gives
/// the same fingerprint. `bank` is the plugin name, e.g. "sbanken".
std::string accountFingerprint(std::string_view bank, std::string_view accountNumber);

/// Account::maskedNumber: '*' for every digit but the last four, other characters dropped
/// ("97104133219" and "9710.41.33219" -> "*******3219"). Four digits or fewer stay as they are.
std::string maskAccountNumber(std::string_view number);

}  // namespace bank2mqtt
