// SPDX-License-Identifier: MIT
// replaceRetained(): the clean-up order of retained topics, for Home Assistant's sake.
#include "retained_set.h"

#include "discovery.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

namespace bank2mqtt {
namespace {

using Poco::JSON::Object;

/// Discovery topics first, so that Home Assistant forgets an entity before its state goes.
void clearInOrder(Publisher& publisher, std::vector<std::string> topics)
{
    const TopicLayout& layout = publisher.topics();
    std::stable_partition(topics.begin(), topics.end(),
                          [&](const std::string& t) { return layout.isDiscovery(t); });
    for (const auto& topic : topics)
        publisher.clear(topic);
}

Object::Ptr parseOrdered(const std::string& payload)
{
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    return parser.parse(payload).extract<Object::Ptr>();
}

/// Component id -> platform of a device-form payload (the daemon's own, so well-formed).
PublishedTopics::Components componentsOf(const Object::Ptr& root)
{
    PublishedTopics::Components components;
    if (const Object::Ptr cmps = root->getObject("components"))
        for (const auto& [id, value] : *cmps)
            components[id] = value.extract<Object::Ptr>()->getValue<std::string>("platform");
    return components;
}

/// Publishes a device-form discovery payload. Home Assistant keeps a component that a new
/// payload of the same device leaves out (the entity lives on, unavailable after a restart);
/// it removes one only when it arrives reduced to {"platform": ...}. So a payload that drops
/// components is sent first with those reduced, then as it is.
void publishDevice(Publisher& publisher, PublishedTopics& registry, const std::string& topic,
                   const std::string& payload)
{
    const Object::Ptr root = parseOrdered(payload);
    const auto now = componentsOf(root);
    Object::Ptr cmps = root->getObject("components");
    bool dropped = false;
    for (const auto& [id, platform] : registry.components(topic)) {
        if (now.count(id) || !cmps)
            continue;
        Object::Ptr reduced = new Object;
        reduced->set("platform", platform);
        cmps->set(id, reduced);
        dropped = true;
    }
    if (dropped) {
        std::ostringstream text;
        root->stringify(text);
        publisher.set(topic, text.str());
    }
    publisher.set(topic, payload);
    registry.setComponents(topic, now);
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
    // Home Assistant unloads a migrated entity and keeps its registry entry; clearing the old
    // topic before the new form arrives is silent (after it, HA warns of a conflicting
    // discovery message), and the new form takes the entity over.
    for (const auto& topic : migrated)
        publisher.set(topic, migrateDiscoveryPayload());
    gone.insert(gone.begin(), migrated.begin(), migrated.end());
    for (const auto& topic : gone)
        registry.setComponents(topic, {});
    clearInOrder(publisher, std::move(gone));
    for (const auto& [topic, payload] : messages) {
        const auto target = layout.discoveryTarget(topic);
        if (target && target->deviceForm && !payload.empty())
            publishDevice(publisher, registry, topic, payload);
        else
            publisher.set(topic, payload);
    }
    registry.saveComponents();
}

std::size_t dropOwnersExcept(Publisher& publisher, PublishedTopics& registry,
                             const std::set<std::string>& keep)
{
    auto gone = registry.dropOwnersExcept(keep);
    for (const auto& topic : gone)
        registry.setComponents(topic, {});
    registry.saveComponents();
    const std::size_t count = gone.size();
    clearInOrder(publisher, std::move(gone));
    return count;
}

}  // namespace bank2mqtt
