// SPDX-License-Identifier: MIT
// TopicLayout: the topic names.
#include "topic_layout.h"

#include <utility>

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
    }
    return account(source, key) + level;
}

bool TopicLayout::isDiscovery(const std::string& topic) const
{
    return topic.size() > prefix_.size() && topic.compare(0, prefix_.size(), prefix_) == 0 &&
           topic[prefix_.size()] == '/' && topic != homeAssistantStatus();
}

}  // namespace bank2mqtt
