// SPDX-License-Identifier: MIT
// The production StateStore: one small JSON file per source in state_dir, mode 0600.
#pragma once

#include "bank2mqtt/services.h"
#include "state_dir_health.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <sys/types.h>

namespace bank2mqtt {

/// Shared by processes: the daemon and `bank2mqtt --authorize` (run while the service runs)
/// use the same files. A put/erase takes an exclusive lock on `<path>.lock` (flock), reads the
/// file again if another process replaced it, applies only its own change and writes the
/// result, so neither process overwrites what the other wrote. get() reads the file again when
/// it changed on disk (a stat per call), so a new session written by another process reaches
/// the daemon without a restart.
///
/// Every put/erase rewrites the whole file atomically
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

    /// An empty `path` keeps everything in memory (used by --check-config). `health` null: this
    /// store keeps its own. `readOnly`: the file is read (and read again when another process
    /// changes it) but never written; changes stay in memory (--list-accounts, which may run as
    /// another user than the service and must not leave files the service cannot read).
    FileStateStore(std::string path, Logger& log, std::shared_ptr<StateDirHealth> health = nullptr,
                   bool readOnly = false);

    std::optional<std::string> get(const std::string& key) const override;
    void put(const std::string& key, const std::string& value) override;
    void erase(const std::string& key) override;

    const std::string& path() const { return path_; }

private:
    /// Which file was read last (a rename by any writer gives a new inode).
    struct FileIdentity {
        dev_t device = 0;
        ino_t inode = 0;
        long long mtimeNs = 0;
        off_t size = -1;
        bool operator==(const FileIdentity& o) const
        {
            return device == o.device && inode == o.inode && mtimeNs == o.mtimeNs && size == o.size;
        }
    };
    /// Reads the file again when it changed on disk since it was last read or written, then
    /// re-applies this process's changes not yet written. Caller holds mutex_.
    void refresh() const;
    std::map<std::string, std::string> readValues() const;
    /// Applies a change (nullopt: erase) under the cross-process lock and writes the file.
    void change(const std::string& key, const std::optional<std::string>& value);
    bool save();  // caller holds mutex_; false when the write failed

    std::string path_;
    bool readOnly_ = false;
    Logger& log_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, std::string> values_;
    /// This process's changes that are not on disk yet (a failed write): value, or erase.
    std::map<std::string, std::optional<std::string>> pending_;
    mutable std::optional<FileIdentity> seen_;
    std::shared_ptr<StateDirHealth> health_;
};

}  // namespace bank2mqtt
