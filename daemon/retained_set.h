// SPDX-License-Identifier: MIT
// Hands an owner's retained topics over to their new set, in the order Home Assistant needs.
#pragma once

#include "published_topics.h"
#include "publisher.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt {

/// A retained message to publish: topic, payload.
using RetainedMessage = std::pair<std::string, std::string>;

/// Records `groups` as everything `owner` (a source id, or "" for the bridge) now has on the
/// broker, publishes `messages` (the part of it that is new or changed) and takes back what
/// the owner had before and no longer has. The order is Home Assistant's:
///  1. `{"migrate_discovery": true}` on an old discovery topic whose device is being published
///     in the other discovery form (discovery_mode switched), so HA keeps the entities;
///  2. the old discovery topics cleared (migrated ones too: silent once migrated), before any
///     state topic, so HA has unsubscribed when the state topics go (an entity reading an
///     emptied JSON topic logs template errors);
///  3. the old state topics cleared;
///  4. `messages` published; a device payload that leaves out a component it had before is
///     sent once with that component reduced to {"platform": ...}, which is how HA removes it.
/// Called on the poll thread only (the registry is not thread-safe).
void replaceRetained(Publisher& publisher, PublishedTopics& registry, const std::string& owner,
                     const std::map<std::string, std::set<std::string>>& groups,
                     const std::vector<RetainedMessage>& messages);

/// Takes back every topic of the owners not in `keep` (sources no longer configured),
/// discovery first; returns how many topics were cleared.
std::size_t dropOwnersExcept(Publisher& publisher, PublishedTopics& registry,
                             const std::set<std::string>& keep);

}  // namespace bank2mqtt
