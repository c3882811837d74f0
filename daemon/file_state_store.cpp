// SPDX-License-Identifier: MIT
// FileStateStore: atomic, private, corruption-tolerant persistence of plugin and host state.
#include "file_state_store.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bank2mqtt {

namespace {

// Creates `path` anew for writing, mode 0600. O_EXCL | O_NOFOLLOW: whatever has the name
// already (a file left by a crash, or a symbolic link planted to make a daemon running as
// root overwrite a file elsewhere) is never opened; the name is unlinked (the link itself,
// not its target) and the file created once more. -1 with errno on failure.
int createPrivateFile(const std::string& path)
{
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
    int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0 && errno == EEXIST && ::unlink(path.c_str()) == 0)
        fd = ::open(path.c_str(), flags, 0600);
    return fd;
}

// The state file's text; nullopt (after a warning unless it does not exist) when it cannot be
// used. Never follows a symbolic link, never blocks on a FIFO, never reads past the limit.
std::optional<std::string> readStateFile(const std::string& path, Logger& log)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int err = errno;
        // First run, or a state_dir that is unusable, which the caller has warned of once.
        if (err == ENOENT || err == ENOTDIR)
            return std::nullopt;
        log.warning("state file " + path + " cannot be read (" +
                    (err == ELOOP ? std::string("it is a symbolic link") : std::strerror(err)) +
                    "); ignoring it and starting afresh");
        return std::nullopt;
    }
    struct stat st {};
    std::string problem;
    if (::fstat(fd, &st) != 0)
        problem = std::strerror(errno);
    else if (!S_ISREG(st.st_mode))
        problem = "it is not a regular file";
    else if (st.st_size > static_cast<off_t>(FileStateStore::kMaxFileSize))
        problem = "it is larger than 4 MiB, far more than any state";
    std::string text;
    char buf[65536];
    while (problem.empty()) {
        const ssize_t got = ::read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            problem = std::strerror(errno);
        if (got <= 0)
            break;
        text.append(buf, static_cast<std::size_t>(got));
        if (text.size() > FileStateStore::kMaxFileSize)  // it grew since fstat
            problem = "it is larger than 4 MiB, far more than any state";
    }
    ::close(fd);
    if (!problem.empty()) {
        log.warning("state file " + path + " cannot be used (" + problem +
                    "); ignoring it and starting afresh");
        return std::nullopt;
    }
    return text;
}

// Holds an exclusive flock on `<path>.lock` for one change; without one (state_dir unusable)
// the change goes ahead unlocked, as before: the write itself will fail and say so.
class CrossProcessLock {
public:
    explicit CrossProcessLock(const std::string& path)
    {
        fd_ = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                     0600);
        struct stat st {};
        // Only a lock file of our own: one that somebody else made (and may hold forever) must
        // not stop the poll thread.
        if (fd_ >= 0 &&
            (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid())) {
            ::close(fd_);
            fd_ = -1;
        }
        // Bounded: the other process writes a small file; 5 s means it is stuck, and then this
        // change goes ahead unlocked (still atomic; at worst it loses the other's key).
        for (int tries = 0; fd_ >= 0 && tries < 500; ++tries) {
            if (::flock(fd_, LOCK_EX | LOCK_NB) == 0)
                return;
            if (errno != EWOULDBLOCK && errno != EINTR)
                break;
            ::usleep(10000);
        }
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~CrossProcessLock()
    {
        if (fd_ >= 0)
            ::close(fd_);  // releases the lock
    }
    CrossProcessLock(const CrossProcessLock&) = delete;
    CrossProcessLock& operator=(const CrossProcessLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace

FileStateStore::FileStateStore(std::string path, Logger& log,
                               std::shared_ptr<StateDirHealth> health, bool readOnly)
    : path_(std::move(path)), readOnly_(readOnly), log_(log),
      health_(health ? std::move(health) : std::make_shared<StateDirHealth>())
{
    refresh();
}

std::map<std::string, std::string> FileStateStore::readValues() const
{
    std::map<std::string, std::string> values;
    const std::optional<std::string> text = readStateFile(path_, log_);
    if (!text)
        return values;
    try {
        Poco::JSON::Parser parser;
        auto object = parser.parse(*text).extract<Poco::JSON::Object::Ptr>();
        for (const auto& [key, value] : *object) {
            if (value.isString())
                values[key] = value.extract<std::string>();
        }
    } catch (...) {
        log_.warning("state file " + path_ +
                     " is unreadable (corrupt or truncated); ignoring it and starting afresh");
        values.clear();
    }
    return values;
}

void FileStateStore::refresh() const
{
    if (path_.empty())
        return;
    struct stat st {};
    std::optional<FileIdentity> now;
    if (::lstat(path_.c_str(), &st) == 0)
        now = FileIdentity{st.st_dev, st.st_ino,
                           static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                               st.st_mtim.tv_nsec,
                           st.st_size};
    // A file that is gone (or a directory that cannot be searched) keeps what this process
    // knows: a first run, a state_dir cleaned under the daemon, which the next write reports.
    if (!now || seen_ == now)
        return;
    values_ = readValues();
    for (const auto& [key, value] : pending_) {
        if (value)
            values_[key] = *value;
        else
            values_.erase(key);
    }
    seen_ = now;
}

std::optional<std::string> FileStateStore::get(const std::string& key) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    refresh();
    auto it = values_.find(key);
    if (it == values_.end())
        return std::nullopt;
    return it->second;
}

void FileStateStore::put(const std::string& key, const std::string& value)
{
    change(key, value);
}

void FileStateStore::erase(const std::string& key)
{
    change(key, std::nullopt);
}

void FileStateStore::change(const std::string& key, const std::optional<std::string>& value)
{
    std::lock_guard<std::mutex> lock(mutex_);
    refresh();
    auto it = values_.find(key);
    const bool same = value ? (it != values_.end() && it->second == *value) : it == values_.end();
    if (same && pending_.empty())
        return;
    if (path_.empty() || readOnly_) {
        if (readOnly_)
            pending_[key] = value;  // kept over a re-read of the file
        if (value)
            values_[key] = *value;
        else
            values_.erase(key);
        return;
    }
    const CrossProcessLock crossProcess(path_);
    refresh();  // what another process wrote before we had the lock
    pending_[key] = value;
    if (value)
        values_[key] = *value;
    else
        values_.erase(key);
    if (save()) {
        pending_.clear();
        struct stat st {};
        if (::lstat(path_.c_str(), &st) == 0)
            seen_ = FileIdentity{st.st_dev, st.st_ino,
                                 static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                                     st.st_mtim.tv_nsec,
                                 st.st_size};
    }
}

bool FileStateStore::save()
{
    if (path_.empty())
        return true;
    Poco::JSON::Object object;
    for (const auto& [key, value] : values_)
        object.set(key, value);
    std::ostringstream text;
    object.stringify(text);
    const std::string data = text.str();

    const std::string tmp = path_ + ".tmp";
    std::string failure;
    const int fd = createPrivateFile(tmp);
    if (fd < 0) {
        failure = std::strerror(errno);
    } else {
        const char* p = data.data();
        std::size_t left = data.size();
        while (left > 0 && failure.empty()) {
            ssize_t n = ::write(fd, p, left);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                failure = std::strerror(errno);
            else {
                p += n;
                left -= static_cast<std::size_t>(n);
            }
        }
        if (failure.empty() && ::fsync(fd) != 0)
            failure = std::strerror(errno);
        if (::close(fd) != 0 && failure.empty())
            failure = std::strerror(errno);
        if (failure.empty() && ::rename(tmp.c_str(), path_.c_str()) != 0)
            failure = std::strerror(errno);
        if (!failure.empty())
            ::unlink(tmp.c_str());
    }
    if (!failure.empty()) {
        if (health_->failed())
            log_.warning("cannot write state file " + path_ + ": " + failure +
                         "; keeping state in memory only (check state_dir)");
        return false;
    }
    if (health_->succeeded())
        log_.info("state files can be written again (" + path_ + ")");
    return true;
}

}  // namespace bank2mqtt
