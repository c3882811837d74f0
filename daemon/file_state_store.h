// SPDX-License-Identifier: MIT
// The production StateStore: one small JSON file per source in state_dir, mode 0600.
#pragma once

#include "bank2mqtt/services.h"
#include "state_dir_health.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace bank2mqtt {

/// Loads `path` once at construction; every put/erase rewrites the whole file atomically
/// (write to a temporary file with mode 0600, fsync, rename). A corrupt file is ignored with a
/// warning; a failed write is a warning and the value stays in memory. Write trouble is tracked
/// in `health`, shared by the stores of one state_dir: it is logged once for all of them, and
/// once more when every file is writable again. Thread-safe.
class FileStateStore : public StateStore {
public:
    /// An empty `path` keeps everything in memory (used by --list-accounts and --check-config).
    /// `health` null: this store keeps its own.
    FileStateStore(std::string path, Logger& log, std::shared_ptr<StateDirHealth> health = nullptr);

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
    std::shared_ptr<StateDirHealth> health_;
};

}  // namespace bank2mqtt
