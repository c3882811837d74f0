// SPDX-License-Identifier: MIT
// TopicLayout: the topic names.
#include "topic_layout.h"

#include <utility>
#include <vector>

namespace bank2mqtt {

TopicLayout::TopicLayout(std::string base, std::string discoveryPrefix)
    : base_(std::move(base)), prefix_(std::move(discoveryPrefix))
{
}

std::string TopicLayout::sourceStatus(const std::string& source) const
{
    return base_ + "/" + source + "/status";
}

std::string TopicLayout::sourceRefresh(const std::string& source) const
{
    return base_ + "/" + source + "/refresh";
}

std::string TopicLayout::sourceConsent(const std::string& source) const
{
    return base_ + "/" + source + "/consent";
}

std::string TopicLayout::account(const std::string& source, const std::string& key) const
{
    return base_ + "/" + source + "/" + key;
}

std::string TopicLayout::accountValue(const std::string& source, const std::string& key,
                                      Value v) const
{
    const char* level = "";
    switch (v) {
    case Value::Balance:
        level = "/balance";
        break;
    case Value::Available:
        level = "/available";
        break;
    case Value::LowBalance:
        level = "/low_balance";
        break;
    case Value::Availability:
        level = "/availability";
        break;
    case Value::Problem:
        level = "/problem";
        break;
    case Value::Transaction:
        level = "/transaction";
        break;
    case Value::LastTransaction:
        level = "/last_transaction";
        break;
    }
    return account(source, key) + level;
}

bool TopicLayout::isDiscovery(const std::string& topic) const
{
    return topic.size() > prefix_.size() && topic.compare(0, prefix_.size(), prefix_) == 0 &&
           topic[prefix_.size()] == '/' && topic != homeAssistantStatus();
}

std::string TopicLayout::deviceDiscovery(const std::string& deviceId) const
{
    return prefix_ + "/device/" + deviceId + "/config";
}

std::string TopicLayout::componentDiscovery(const std::string& platform,
                                            const std::string& deviceId,
                                            const std::string& objectId) const
{
    return prefix_ + "/" + platform + "/" + deviceId + "/" + objectId + "/config";
}

std::optional<TopicLayout::DiscoveryTarget>
TopicLayout::discoveryTarget(const std::string& topic) const
{
    const std::string suffix = "/config";
    if (!isDiscovery(topic) || topic.size() <= prefix_.size() + 1 + suffix.size() ||
        topic.compare(topic.size() - suffix.size(), suffix.size(), suffix) != 0)
        return std::nullopt;
    std::vector<std::string> levels;
    const std::string middle =
        topic.substr(prefix_.size() + 1, topic.size() - prefix_.size() - 1 - suffix.size());
    for (std::size_t start = 0;;) {
        const std::size_t slash = middle.find('/', start);
        levels.push_back(middle.substr(start, slash - start));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    if (levels.size() == 2 && levels[0] == "device")
        return DiscoveryTarget{levels[1], true};
    if (levels.size() == 3)
        return DiscoveryTarget{levels[1], false};
    return std::nullopt;
}

}  // namespace bank2mqtt
