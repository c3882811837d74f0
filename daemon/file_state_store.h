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
/// (write to a temporary file created anew with O_EXCL | O_NOFOLLOW and mode 0600, fsync,
/// rename), so a symbolic link planted in state_dir never redirects a write. A corrupt file,
/// a symbolic link, a non-regular file or one larger than kMaxFileSize is ignored with a
/// warning (and replaced at the next write); a failed write is a warning and the value stays
/// in memory. Write trouble is tracked
/// in `health`, shared by the stores of one state_dir: it is logged once for all of them, and
/// once more when every file is writable again. Thread-safe.
class FileStateStore : public StateStore {
public:
    /// Largest state file read back: tokens, ids and topics of a few hundred accounts are
    /// well below; a larger file is not ours and would cost twice its size in memory.
    static constexpr std::size_t kMaxFileSize = 4 * 1024 * 1024;

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
