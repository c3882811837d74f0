// SPDX-License-Identifier: MIT
// StateDirLock: two daemons sharing a state_dir would overwrite each other's tokens and
// published-topics registry, so the second one refuses to start.
#include "state_dir_lock.h"

#include <Poco/Path.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace bank2mqtt {

namespace {

// The pid the holder wrote into the lock file, or 0. The holder writes it right after taking
// the lock, so only a contender in that instant finds none.
pid_t pidIn(int fd)
{
    char buf[32] = {};
    const ssize_t got = ::pread(fd, buf, sizeof buf - 1, 0);
    if (got <= 0)
        return 0;
    char* end = nullptr;
    const long pid = std::strtol(buf, &end, 10);
    return pid > 0 && end != buf && (*end == '\n' || *end == '\0') ? static_cast<pid_t>(pid) : 0;
}

}  // namespace

StateDirLock::StateDirLock(const std::string& dir)
{
    Poco::Path path(dir);
    path.makeDirectory();
    path.setFileName("bank2mqtt.lock");
    path_ = path.toString();
    // O_NOFOLLOW: a symbolic link planted here must not make root create or truncate a file
    // elsewhere.
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd_ < 0) {
        error_ = std::strerror(errno);
        return;
    }
    // flock(), not fcntl() record locks: those are dropped the moment any code in this
    // process opens and closes the same file.
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
        outcome_ = Outcome::Locked;
        // For a contender's message, and for people (cat bank2mqtt.lock).
        const std::string pid = std::to_string(::getpid()) + "\n";
        const bool written = ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) ==
                                                             static_cast<ssize_t>(pid.size());
        static_cast<void>(written);  // a contender's message would just lack the pid
        return;
    }
    const int err = errno;
    if (err != EWOULDBLOCK) {
        error_ = std::strerror(err);
        ::close(fd_);
        fd_ = -1;
        return;
    }
    outcome_ = Outcome::Busy;
    holder_ = pidIn(fd_);
    ::close(fd_);
    fd_ = -1;
}

StateDirLock::~StateDirLock()
{
    if (fd_ >= 0)
        ::close(fd_);  // releases the lock; the file stays for the next start
}

std::string StateDirLock::busyMessage(const std::string& dir) const
{
    const std::string who = holder_ > 0 ? "process " + std::to_string(holder_) : "another process";
    return "state_dir " + dir + " is in use by another bank2mqtt (" + who + " holds the lock " +
           path_ + "); stop that instance first, or give this one its own state_dir in [daemon]";
}

}  // namespace bank2mqtt
