// SPDX-License-Identifier: MIT
// StateDirHealth: which state files cannot be written, so that trouble is logged once per dir.
#pragma once

#include <mutex>
#include <string>

namespace bank2mqtt {

/// Shared by every FileStateStore of one state_dir. A full or missing state_dir makes every
/// file fail at once; one warning says so, and one info line says when a write succeeds again.
/// Any good write ends the trouble: some files are rarely rewritten, and waiting for each of
/// them would delay the recovery line for hours and silence the next outage. A file with a
/// problem of its own then warns again at its next failed write. Thread-safe.
class StateDirHealth {
public:
    /// Records a failed write; true when it starts a trouble (log it).
    bool failed()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const bool first = !troubled_;
        troubled_ = true;
        return first;
    }
    /// Records a good write; true when it ends a trouble (log that).
    bool succeeded()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const bool ended = troubled_;
        troubled_ = false;
        return ended;
    }
    /// The directory itself could not be created, and the caller has said so: the files'
    /// failures that follow are the same trouble.
    void directoryUnusable()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        troubled_ = true;
    }

private:
    std::mutex mutex_;
    bool troubled_ = false;
};

}  // namespace bank2mqtt
