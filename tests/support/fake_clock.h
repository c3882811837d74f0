// SPDX-License-Identifier: MIT
// A Clock that moves only when a test says so.
#pragma once

#include "bank2mqtt/services.h"

#include <mutex>

namespace bank2mqtt::test {

class FakeClock : public Clock {
public:
    /// Starts at 2026-11-27T07:00:00Z wall time and an arbitrary monotonic origin.
    FakeClock()
        : wall_(std::chrono::system_clock::time_point(std::chrono::seconds(1795762800))),
          mono_(std::chrono::steady_clock::time_point(std::chrono::hours(1000)))
    {
    }

    std::chrono::system_clock::time_point wallNow() const override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return wall_;
    }
    std::chrono::steady_clock::time_point monotonicNow() const override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return mono_;
    }
    /// Moves both clocks forward by `d`.
    void advance(std::chrono::steady_clock::duration d)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        mono_ += d;
        wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    }

private:
    mutable std::mutex mutex_;
    std::chrono::system_clock::time_point wall_;
    std::chrono::steady_clock::time_point mono_;
};

}  // namespace bank2mqtt::test
