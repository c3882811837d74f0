// SPDX-License-Identifier: MIT
// The production StateStore: one small JSON file per source in state_dir, mode 0600.
#pragma once

#include "bank2mqtt/services.h"

#include <map>
#include <mutex>
#include <string>

namespace bank2mqtt {

/// Loads `path` once at construction; every put/erase rewrites the whole file atomically
/// (write to a temporary file with mode 0600, fsync, rename). A corrupt file is ignored with a
/// warning; a failed write is a warning (logged once until a write succeeds again) and the value
/// stays in memory. Thread-safe.
class FileStateStore : public StateStore {
public:
    /// An empty `path` keeps everything in memory (used by --list-accounts and --check-config).
    FileStateStore(std::string path, Logger& log);

    std::optional<std::string> get(const std::string& key) const override;
    void put(const std::string& key, const std::string& value) override;
    void erase(const std::string& key) override;

    const std::string& path() const { return path_; }

private:
    void load();
    void save();  // caller holds mutex_

    std::string path_;
    Logger& log_;
    mutable std::mutex mutex_;
    std::map<std::string, std::string> values_;
    bool writeFailing_ = false;
};

}  // namespace bank2mqtt
