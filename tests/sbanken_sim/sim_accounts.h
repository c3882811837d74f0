// SPDX-License-Identifier: MIT
// The simulator's accounts: the default dataset and the account object as the Sbanken API writes
// it.
#pragma once

#include "sim_money.h"

#include <string>
#include <vector>

namespace bank2mqtt::sim {

/// One account as Sbanken returns it (v1 and v2 share the object).
struct SimAccount {
    std::string accountId;      ///< opaque, 32 upper-case hex characters; key for accounts/{id}
    std::string accountNumber;  ///< 11-digit Norwegian account number
    std::string
        ownerCustomerId;      ///< owner's (fictional) national id; may differ for shared accounts
    std::string name;         ///< not unique in the real API; unique in the default dataset
    std::string accountType;  ///< "Standard account", "High interest account", "Creditcard account"
    MinorUnits available = 0;
    MinorUnits balance = 0;
    MinorUnits creditLimit = 0;
};

/// The fictional customer that owns the default dataset.
inline constexpr const char* kDefaultCustomerId = "12345678901";

/// Lommepenger, Sparekonto, Felleskonto (owned by 10987654321) and Kredittkort, always with the
/// same ids, so that tests and the demo can name them.
std::vector<SimAccount> defaultAccounts(const std::string& customerId = kDefaultCustomerId);

/// `count` accounts: the first min(count, 4) of defaultAccounts(), then "Konto 5", "Konto 6", ...
/// (Standard account, ids 0BE0...0005, numbers 97104200005, ...), each with its own balance.
std::vector<SimAccount> generatedAccounts(int count,
                                          const std::string& customerId = kDefaultCustomerId);

/// `{"accountId":...,"creditLimit":0.00}` with the amounts as exact JSON number literals.
std::string accountJson(const SimAccount& account);

/// A JSON string literal, quotes included, with the characters JSON requires escaped.
std::string jsonString(const std::string& text);

/// The index of the account whose id (case-insensitive), number, or name (case-insensitive)
/// equals `key`, checked in that order; -1 when none does.
int findAccount(const std::vector<SimAccount>& accounts, const std::string& key);

}  // namespace bank2mqtt::sim
