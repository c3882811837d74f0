// SPDX-License-Identifier: MIT
// One source's account devices for Home Assistant, rebuilt only when what they show changes.
#pragma once

#include "discovery.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace bank2mqtt {

/// Discovery describes entities, not values: building it was most of a poll's CPU (Poco::JSON
/// stringify of every entity of every account), so an account's messages are built again only
/// when discoveryInputs() of its entity changes. Unchanged, the publisher's retained copy
/// stands (a second copy here would cost ~3.6 kB per account). Not thread-safe.
class AccountDiscoveryCache {
public:
    explicit AccountDiscoveryCache(DiscoverySettings settings) : settings_(std::move(settings)) {}

    /// The discovery topics of `entity`. Appends its messages to `out` when they are new or
    /// changed since the last call for the same account (entity.account.fingerprint).
    const std::vector<std::string>& topics(const AccountEntity& entity,
                                           std::vector<DiscoveryMessage>& out);
    /// Forgets every account whose fingerprint is not in `kept` (it left the selection).
    void keepOnly(const std::set<std::string>& kept);

private:
    struct Entry {
        std::string inputs;
        std::vector<std::string> topics;
    };
    DiscoverySettings settings_;
    std::map<std::string, Entry> entries_;
};

}  // namespace bank2mqtt
