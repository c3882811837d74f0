// SPDX-License-Identifier: MIT
// AccountDiscoveryCache: accountDiscovery() per account, built again only on change.
#include "account_discovery_cache.h"

namespace bank2mqtt {

const std::vector<std::string>& AccountDiscoveryCache::topics(const AccountEntity& entity,
                                                              std::vector<DiscoveryMessage>& out)
{
    std::string inputs = discoveryInputs(entity);
    Entry& entry = entries_[entity.account.fingerprint];
    if (entry.topics.empty() || entry.inputs != inputs) {
        entry.topics.clear();
        for (auto& message : accountDiscovery(settings_, entity)) {
            entry.topics.push_back(message.topic);
            out.push_back(std::move(message));
        }
        entry.inputs = std::move(inputs);
    }
    return entry.topics;
}

void AccountDiscoveryCache::keepOnly(const std::set<std::string>& kept)
{
    for (auto it = entries_.begin(); it != entries_.end();)
        it = kept.count(it->first) ? std::next(it) : entries_.erase(it);
}

}  // namespace bank2mqtt
