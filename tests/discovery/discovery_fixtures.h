// SPDX-License-Identifier: MIT
// The simulator's four accounts as discovery input, with fixed fingerprints for golden files.
#pragma once

#include "discovery.h"
#include "ha_discovery_checker.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt {

/// Parses a JSON object keeping its key order, so that it can be written back byte-equal.
inline Poco::JSON::Object::Ptr parseOrdered(const std::string& payload)
{
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    return parser.parse(payload).extract<Poco::JSON::Object::Ptr>();
}

/// The object as JSON text: compact for indent 0, else pretty-printed. Keys in object order.
inline std::string stringify(const Poco::JSON::Object::Ptr& object, unsigned indent = 0)
{
    std::ostringstream out;
    object->stringify(out, indent);
    return out.str();
}

inline DiscoverySettings testSettings(const std::string& mode = "device")
{
    DiscoverySettings settings;
    settings.mode = mode;
    settings.bridgeId = "bank2mqtt_home";
    settings.version = "0.1.0";  // fixed, so that a release does not change the golden files
    return settings;
}

inline AccountEntity testAccount(std::string source, std::string key, std::string fingerprint,
                                 std::string name, std::string type, std::string masked,
                                 std::int64_t balance, std::int64_t available, bool low)
{
    AccountEntity e;
    e.sourceId = std::move(source);
    e.key = std::move(key);
    e.bank = "Sbanken";
    e.account.fingerprint = std::move(fingerprint);
    e.account.name = std::move(name);
    e.account.type = std::move(type);
    e.account.maskedNumber = std::move(masked);
    e.account.balance = {balance, "NOK"};
    e.account.available = {available, "NOK"};
    e.hasLowBalance = low;
    return e;
}

/// Lommepenger has a low-balance threshold, the others have none; Felleskonto comes from a
/// second login ("family").
inline std::vector<AccountEntity> simulatorAccounts()
{
    std::vector<AccountEntity> accounts = {
        testAccount("kid", "lommepenger", "3f6c1a9e8b7d4c2f0e5a6b7c8d9e0f1a", "Lommepenger",
                    "Standard account", "*******3219", 43725, 43725, true),
        testAccount("kid", "sparekonto", "b41d7e2c9a0f4e3d8c6b5a4f3e2d1c0b", "Sparekonto",
                    "High interest account", "*******3227", 1250000, 1250000, false),
        testAccount("family", "felleskonto", "7e9a2b4c6d8f0a1c3e5b7d9f1a3c5e7b", "Felleskonto",
                    "Standard account", "*******3235", 19707, 19707, false),
        testAccount("kid", "kredittkort", "c08f6e4d2b0a9f8e7d6c5b4a3f2e1d0c", "Kredittkort",
                    "Creditcard account", "*******3243", -152040, 847960, false),
    };
    accounts[3].account.creditLimit = Money{1000000, "NOK"};
    return accounts;
}

inline std::vector<std::string> simulatorSources()
{
    return {"kid", "family"};
}

/// An account of a bank with a consent (Enable Banking: source "eb", renewable from HA).
inline AccountEntity consentAccount()
{
    AccountEntity e =
        testAccount("eb", "brukskonto", "5a0c3e7f9b1d2e4f6a8c0b2d4f6e8a1c", "Brukskonto",
                    "Current account", "****4455", 210050, 210050, false);
    e.bank = "Enablebanking";
    e.hasConsent = true;
    return e;
}

/// The bridge of the simulator's sources plus "eb", whose consent is renewed from HA.
inline std::vector<DiscoveryMessage> renewalBridge(const DiscoverySettings& settings)
{
    return bridgeDiscovery(settings, {"kid", "family", "eb"}, {}, {"eb"});
}

inline std::vector<std::pair<std::string, std::string>>
asPairs(const std::vector<DiscoveryMessage>& messages)
{
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const DiscoveryMessage& m : messages)
        pairs.emplace_back(m.topic, m.payload);
    return pairs;
}

/// The bridge and every simulator account, as one retained set.
inline std::vector<DiscoveryMessage> allDiscovery(const DiscoverySettings& settings,
                                                  std::vector<AccountEntity> accounts)
{
    std::vector<DiscoveryMessage> all = bridgeDiscovery(settings, simulatorSources());
    for (const AccountEntity& account : accounts) {
        const std::vector<DiscoveryMessage> one = accountDiscovery(settings, account);
        all.insert(all.end(), one.begin(), one.end());
    }
    return all;
}

}  // namespace bank2mqtt
