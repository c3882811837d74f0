// SPDX-License-Identifier: MIT
// replaceRetained(): the clean-up order of retained topics, for Home Assistant's sake.
#include "retained_set.h"

#include "discovery.h"

#include <algorithm>

namespace bank2mqtt {
namespace {

/// Discovery topics first, so that Home Assistant forgets an entity before its state goes.
void clearInOrder(Publisher& publisher, std::vector<std::string> topics)
{
    const TopicLayout& layout = publisher.topics();
    std::stable_partition(topics.begin(), topics.end(),
                          [&](const std::string& t) { return layout.isDiscovery(t); });
    for (const auto& topic : topics)
        publisher.clear(topic);
}

}  // namespace

void replaceRetained(Publisher& publisher, PublishedTopics& registry, const std::string& owner,
                     const std::map<std::string, std::set<std::string>>& groups,
                     const std::vector<RetainedMessage>& messages)
{
    const TopicLayout& layout = publisher.topics();
    std::set<std::pair<std::string, bool>> formsNow;  // (device id, device form?)
    for (const auto& [topic, payload] : messages)
        if (auto target = layout.discoveryTarget(topic))
            formsNow.emplace(target->device, target->deviceForm);

    std::vector<std::string> migrated, gone;
    for (auto& topic : registry.replace(owner, groups)) {
        const auto target = layout.discoveryTarget(topic);
        const bool otherForm = target && formsNow.count({target->device, !target->deviceForm}) &&
                               !formsNow.count({target->device, target->deviceForm});
        (otherForm ? migrated : gone).push_back(std::move(topic));
    }
    for (const auto& topic : migrated)
        publisher.set(topic, migrateDiscoveryPayload());
    clearInOrder(publisher, std::move(gone));
    for (const auto& [topic, payload] : messages)
        publisher.set(topic, payload);
    for (const auto& topic : migrated)
        publisher.clear(topic);
}

std::size_t dropOwnersExcept(Publisher& publisher, PublishedTopics& registry,
                             const std::set<std::string>& keep)
{
    auto gone = registry.dropOwnersExcept(keep);
    const std::size_t count = gone.size();
    clearInOrder(publisher, std::move(gone));
    return count;
}

}  // namespace bank2mqtt
