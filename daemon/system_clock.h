// SPDX-License-Identifier: MIT
// The production Clock: std::chrono's system and steady clocks.
#pragma once

#include "bank2mqtt/services.h"

namespace bank2mqtt {

class SystemClock : public Clock {
public:
    std::chrono::system_clock::time_point wallNow() const override
    {
        return std::chrono::system_clock::now();
    }
    std::chrono::steady_clock::time_point monotonicNow() const override
    {
        return std::chrono::steady_clock::now();
    }
};

}  // namespace bank2mqtt
