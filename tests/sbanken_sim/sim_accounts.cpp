// SPDX-License-Identifier: MIT
// The default dataset and the JSON text of an account.
#include "sim_accounts.h"

#include <Poco/String.h>

#include <algorithm>
#include <cstdio>

namespace bank2mqtt::sim {

std::vector<SimAccount> defaultAccounts(const std::string& customerId)
{
    // Amounts are in øre. Felleskonto is shared: listed for the customer, owned by someone else.
    return {
        {"8B1F4C2A9D3E47A6B5C0D1E2F3A4B5C6", "97104133219", customerId, "Lommepenger",
         "Standard account", 43725, 43725, 0},
        {"1C2D3E4F5A6B47C8D9E0F1A2B3C4D5E6", "97104133227", customerId, "Sparekonto",
         "High interest account", 1250000, 1250000, 0},
        {"A7B8C9D0E1F24A3B8C5D6E7F8091A2B3", "97104133235", "10987654321", "Felleskonto",
         "Standard account", 19707, 19707, 0},
        {"F0E1D2C3B4A5469788796A5B4C3D2E1F", "97104133243", customerId, "Kredittkort",
         "Creditcard account", 847960, -152040, 1000000},
    };
}

std::vector<SimAccount> generatedAccounts(int count, const std::string& customerId)
{
    std::vector<SimAccount> accounts = defaultAccounts(customerId);
    accounts.resize(static_cast<std::size_t>(std::min<int>(std::max(count, 0), 4)));
    for (int n = 5; n <= count; ++n) {
        char id[40];
        std::snprintf(id, sizeof id, "0BE0%028X", static_cast<unsigned>(n));
        char number[24];  // 11 digits for n <= 1000; room for any int keeps -Wformat quiet
        std::snprintf(number, sizeof number, "971042%05d", n);
        const MinorUnits balance = 100000 + static_cast<MinorUnits>(n) * 1234;
        accounts.push_back({id, number, customerId, "Konto " + std::to_string(n),
                            "Standard account", balance, balance, 0});
    }
    return accounts;
}

std::string jsonString(const std::string& text)
{
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                out += escaped;
            } else {
                out += c;  // UTF-8 passes through unchanged
            }
        }
    }
    out += '"';
    return out;
}

std::string accountJson(const SimAccount& account)
{
    return "{\"accountId\":" + jsonString(account.accountId) +
           ",\"accountNumber\":" + jsonString(account.accountNumber) +
           ",\"ownerCustomerId\":" + jsonString(account.ownerCustomerId) +
           ",\"name\":" + jsonString(account.name) +
           ",\"accountType\":" + jsonString(account.accountType) +
           ",\"available\":" + formatMinorUnits(account.available) +
           ",\"balance\":" + formatMinorUnits(account.balance) +
           ",\"creditLimit\":" + formatMinorUnits(account.creditLimit) + "}";
}

int findAccount(const std::vector<SimAccount>& accounts, const std::string& key)
{
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        if (Poco::icompare(accounts[i].accountId, key) == 0) {
            return static_cast<int>(i);
        }
    }
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        if (accounts[i].accountNumber == key) {
            return static_cast<int>(i);
        }
    }
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        if (Poco::icompare(accounts[i].name, key) == 0) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

}  // namespace bank2mqtt::sim
