// SPDX-License-Identifier: MIT
// StateDirHealth: which state files cannot be written, so that trouble is logged once per dir.
#pragma once

#include <mutex>
#include <set>
#include <string>

namespace bank2mqtt {

/// Shared by every FileStateStore of one state_dir. A full or missing state_dir makes every
/// file fail at once; one warning says so, and one info line says when all are writable
/// again. Thread-safe.
class StateDirHealth {
public:
    /// Records a failed write of `path`; true when it is the first trouble (log it).
    bool failed(const std::string& path)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const bool first = failing_.empty();
        failing_.insert(path);
        return first;
    }
    /// Records a good write of `path`; true when it ends the trouble (log that).
    bool succeeded(const std::string& path)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (failing_.empty())
            return false;
        failing_.erase(path);
        failing_.erase(kDirectory);  // a file was written, so the directory exists now
        return failing_.empty();
    }
    /// The directory itself could not be created, and the caller has said so: the files'
    /// failures that follow are the same trouble.
    void directoryUnusable()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        failing_.insert(kDirectory);
    }

private:
    static constexpr const char* kDirectory = "";
    std::mutex mutex_;
    std::set<std::string> failing_;  // paths whose last write failed; "" = the directory
};

}  // namespace bank2mqtt
