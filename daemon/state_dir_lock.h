// SPDX-License-Identifier: MIT
// One daemon per state_dir: a lock on <state_dir>/bank2mqtt.lock held for the process's life.
#pragma once

#include <string>
#include <sys/types.h>

namespace bank2mqtt {

/// Tries, at construction, to take an exclusive flock() on `<dir>/bank2mqtt.lock`, creating
/// it with mode 0600 (never through a symbolic link), and writes this process's id into it,
/// which a contender reads to name the holder. The lock is the kernel's: it goes with the
/// process however it ends, so a crash leaves no stale lock. Released by the destructor.
/// Not thread-safe.
class StateDirLock {
public:
    enum class Outcome {
        Locked,      ///< this process holds it
        Busy,        ///< another process holds it: holder() is its pid when the kernel says
        Unavailable  ///< the file could not be opened or locked: error() says why
    };

    explicit StateDirLock(const std::string& dir);
    ~StateDirLock();
    StateDirLock(const StateDirLock&) = delete;
    StateDirLock& operator=(const StateDirLock&) = delete;

    Outcome outcome() const { return outcome_; }
    const std::string& path() const { return path_; }
    /// The holder's pid for Busy (as it wrote it); 0 when it has not written it yet.
    pid_t holder() const { return holder_; }
    /// strerror text for Unavailable.
    const std::string& error() const { return error_; }

    /// For Busy: the sentence for the log, naming the state_dir, the lock file and the holder.
    std::string busyMessage(const std::string& dir) const;

private:
    std::string path_;
    int fd_ = -1;
    Outcome outcome_ = Outcome::Unavailable;
    pid_t holder_ = 0;
    std::string error_;
};

}  // namespace bank2mqtt
