// SPDX-License-Identifier: MIT
// PublishedTopics: the registry of our retained topics, kept across restarts.
#include "published_topics.h"

#include "topic_safety.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <utility>

namespace bank2mqtt {
namespace {
const char* kKey = "published_topics";
const char* kComponentsKey = "discovery_components";
}  // namespace

PublishedTopics::PublishedTopics(StateStore& store, std::vector<std::string> prefixes)
    : store_(store)
{
    auto saved = store_.get(kKey);
    if (!saved)
        return;
    try {
        auto root = Poco::JSON::Parser().parse(*saved).extract<Poco::JSON::Object::Ptr>();
        for (const auto& [owner, groupsVar] : *root) {
            auto groups = groupsVar.extract<Poco::JSON::Object::Ptr>();
            for (const auto& [group, topicsVar] : *groups) {
                auto topics = topicsVar.extract<Poco::JSON::Array::Ptr>();
                for (const auto& topic : *topics) {
                    const std::string text = topic.toString();
                    if (prefixes.empty() ? isSafeTopic(text) : isSafeTopicUnder(text, prefixes))
                        owners_[owner][group].insert(text);
                }
            }
        }
    } catch (...) {
        // A corrupt registry only costs the clean-up of earlier topics, never a start-up.
        owners_.clear();
    }
    try {
        if (auto components = store_.get(kComponentsKey)) {
            auto root = Poco::JSON::Parser().parse(*components).extract<Poco::JSON::Object::Ptr>();
            for (const auto& [topic, entries] : *root) {
                if (!isSafeTopic(topic))
                    continue;
                for (const auto& [id, platform] : *entries.extract<Poco::JSON::Object::Ptr>())
                    if (isSafeTopicLevel(id) && platform.isString() &&
                        isSafeTopicLevel(platform.extract<std::string>()))
                        components_[topic][id] = platform.extract<std::string>();
            }
        }
    } catch (...) {
        components_.clear();  // costs at most a component HA keeps until its device goes
    }
}

PublishedTopics::Components PublishedTopics::components(const std::string& topic) const
{
    auto it = components_.find(topic);
    return it == components_.end() ? Components{} : it->second;
}

void PublishedTopics::setComponents(const std::string& topic, const Components& components)
{
    auto it = components_.find(topic);
    if (components.empty()) {
        if (it == components_.end())
            return;
        components_.erase(it);
    } else if (it != components_.end() && it->second == components) {
        return;
    } else {
        components_[topic] = components;
    }
    componentsChanged_ = true;
}

void PublishedTopics::saveComponents()
{
    if (!std::exchange(componentsChanged_, false))
        return;
    Poco::JSON::Object root;
    for (const auto& [topic, components] : components_) {
        Poco::JSON::Object::Ptr entries = new Poco::JSON::Object;
        for (const auto& [id, platform] : components)
            entries->set(id, platform);
        root.set(topic, entries);
    }
    std::ostringstream text;
    root.stringify(text);
    store_.put(kComponentsKey, text.str());
}

std::vector<std::string>
PublishedTopics::replace(const std::string& owner,
                         const std::map<std::string, std::set<std::string>>& groups)
{
    std::set<std::string> now;
    for (const auto& [group, topics] : groups)
        now.insert(topics.begin(), topics.end());
    std::vector<std::string> gone;
    for (const auto& [group, topics] : owners_[owner])
        for (const auto& topic : topics)
            if (!now.count(topic))
                gone.push_back(topic);
    if (owners_[owner] != groups) {
        owners_[owner] = groups;
        save();
    }
    return gone;
}

void PublishedTopics::add(const std::string& owner, const std::string& group,
                          const std::string& topic)
{
    if (owners_[owner][group].insert(topic).second)
        save();
}

std::map<std::string, std::set<std::string>> PublishedTopics::groups(const std::string& owner) const
{
    auto it = owners_.find(owner);
    return it == owners_.end() ? std::map<std::string, std::set<std::string>>{} : it->second;
}

std::vector<std::string> PublishedTopics::dropOwnersExcept(const std::set<std::string>& keep)
{
    std::vector<std::string> gone;
    for (auto it = owners_.begin(); it != owners_.end();) {
        if (keep.count(it->first)) {
            ++it;
            continue;
        }
        for (const auto& [group, topics] : it->second)
            gone.insert(gone.end(), topics.begin(), topics.end());
        it = owners_.erase(it);
    }
    if (!gone.empty())
        save();
    return gone;
}

void PublishedTopics::save()
{
    Poco::JSON::Object root;
    for (const auto& [owner, groups] : owners_) {
        Poco::JSON::Object::Ptr g = new Poco::JSON::Object;
        for (const auto& [group, topics] : groups) {
            Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
            for (const auto& topic : topics)
                list->add(topic);
            g->set(group, list);
        }
        root.set(owner, g);
    }
    std::ostringstream text;
    root.stringify(text);
    store_.put(kKey, text.str());
}

}  // namespace bank2mqtt
