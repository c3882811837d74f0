// SPDX-License-Identifier: MIT
// A StateStore held in memory; tests read `values` directly.
#pragma once

#include "bank2mqtt/services.h"

#include <map>

namespace bank2mqtt::test {

class MemoryStateStore : public StateStore {
public:
    std::optional<std::string> get(const std::string& key) const override
    {
        auto it = values.find(key);
        if (it == values.end())
            return std::nullopt;
        return it->second;
    }
    void put(const std::string& key, const std::string& value) override { values[key] = value; }
    void erase(const std::string& key) override { values.erase(key); }

    std::map<std::string, std::string> values;
};

}  // namespace bank2mqtt::test
