// SPDX-License-Identifier: MIT
// Shared start for the checker's negative tests: valid payloads that a test breaks once.
#pragma once

#include "discovery_fixtures.h"

#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace bank2mqtt {

inline std::set<std::string> rulesOf(const std::vector<Violation>& violations)
{
    std::set<std::string> rules;
    for (const Violation& v : violations)
        rules.insert(v.rule);
    return rules;
}

/// Starts from Lommepenger's valid payload (device or single-component form), lets a test
/// break one thing, and checks the result.
class CheckerRejects : public ::testing::Test {
protected:
    void SetUp() override
    {
        // With transactions, so that the event entity and the last-transaction sensor are
        // checked too.
        AccountEntity withTransactions = simulatorAccounts()[0];
        withTransactions.hasTransactions = true;
        const auto device = accountDiscovery(testSettings("device"), withTransactions);
        deviceTopic_ = device[0].topic;
        device_ = parseOrdered(device[0].payload);
        const auto single = accountDiscovery(testSettings("component"), simulatorAccounts()[0]);
        singleTopic_ = single[0].topic;  // the balance sensor
        single_ = parseOrdered(single[0].payload);
        buttonTopic_ = single.back().topic;
        button_ = parseOrdered(single.back().payload);
    }

    Poco::JSON::Object::Ptr component(const std::string& id) const
    {
        return device_->getObject("components")->getObject(id);
    }

    std::set<std::string> deviceRules(const std::string& topic = "") const
    {
        return rulesOf(
            checkDiscovery({{topic.empty() ? deviceTopic_ : topic, stringify(device_)}}));
    }

    std::set<std::string> singleRules(const std::string& topic = "") const
    {
        return rulesOf(
            checkDiscovery({{topic.empty() ? singleTopic_ : topic, stringify(single_)}}));
    }

    std::set<std::string> buttonRules() const
    {
        return rulesOf(checkDiscovery({{buttonTopic_, stringify(button_)}}));
    }

    std::string deviceTopic_, singleTopic_, buttonTopic_;
    Poco::JSON::Object::Ptr device_, single_, button_;
};

}  // namespace bank2mqtt
