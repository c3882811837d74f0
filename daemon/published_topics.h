// SPDX-License-Identifier: MIT
// Which retained topics this instance has put on the broker, so that it can take back the ones
// it no longer wants (no ghost entities in Home Assistant after an account leaves the config).
#pragma once

#include "bank2mqtt/services.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace bank2mqtt {

/// Persisted in a StateStore (the daemon's own state file) as JSON:
/// {"<owner>": {"<group>": ["topic", ...]}}, where an owner is a source id (or "" for the
/// bridge) and a group is an account key; and the components of each device discovery topic
/// as {"<topic>": {"<component id>": "<platform>"}}. Not thread-safe: the poll thread owns it.
class PublishedTopics {
public:
    /// Reads the registry back from `store`. A topic that is not safe to publish on
    /// (isSafeTopic), or not below "<prefix>/" for one of `prefixes` when some are given, is
    /// dropped: the registry's topics are cleared on the broker, and a state file must not
    /// make the daemon publish on a wildcard or clear the topics of others.
    explicit PublishedTopics(StateStore& store, std::vector<std::string> prefixes = {});

    /// Records the complete set of groups an owner has now and returns every topic recorded
    /// before that is no longer in it (to be cleared with an empty retained message).
    std::vector<std::string> replace(const std::string& owner,
                                     const std::map<std::string, std::set<std::string>>& groups);
    /// Records one more topic without forgetting any.
    void add(const std::string& owner, const std::string& group, const std::string& topic);
    /// The groups recorded for `owner` (empty when none).
    std::map<std::string, std::set<std::string>> groups(const std::string& owner) const;
    /// Forgets every owner not in `keep` and returns all their topics.
    std::vector<std::string> dropOwnersExcept(const std::set<std::string>& keep);

    /// Component id -> platform of what was last published on a device-form discovery topic
    /// (Home Assistant keeps a component that a new payload leaves out, so the publisher must
    /// know which ones to remove). Persisted under its own key; empty `components` forgets.
    using Components = std::map<std::string, std::string>;
    Components components(const std::string& topic) const;
    /// Kept in memory; saveComponents() persists them once for a whole batch (one poll's
    /// accounts), since every save rewrites the state file.
    void setComponents(const std::string& topic, const Components& components);
    /// Persists the components when setComponents() changed any since the last save.
    void saveComponents();

private:
    void save();

    StateStore& store_;
    std::map<std::string, std::map<std::string, std::set<std::string>>> owners_;
    std::map<std::string, Components> components_;
    bool componentsChanged_ = false;
};

}  // namespace bank2mqtt
