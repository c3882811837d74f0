// SPDX-License-Identifier: MIT
// A Logger that keeps every line, so tests can assert what was (and was not) logged.
#pragma once

#include "bank2mqtt/services.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::test {

class CapturingLogger : public Logger {
public:
    struct Line {
        LogLevel level;
        std::string text;
    };

    void log(LogLevel level, const std::string& message) override
    {
        lines.push_back({level, message});
    }

    /// How many lines at `level` (or any level when nullopt) contain `needle`.
    std::size_t count(const std::string& needle, std::optional<LogLevel> level = std::nullopt) const
    {
        return std::count_if(lines.begin(), lines.end(), [&](const Line& l) {
            return (!level || l.level == *level) && l.text.find(needle) != std::string::npos;
        });
    }
    /// True when any line at any level contains `needle`.
    bool contains(const std::string& needle) const { return count(needle) > 0; }

    std::vector<Line> lines;
};

}  // namespace bank2mqtt::test
