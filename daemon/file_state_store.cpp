// SPDX-License-Identifier: MIT
// FileStateStore: atomic, private, corruption-tolerant persistence of plugin and host state.
#include "file_state_store.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace bank2mqtt {

FileStateStore::FileStateStore(std::string path, Logger& log,
                               std::shared_ptr<StateDirHealth> health)
    : path_(std::move(path)), log_(log),
      health_(health ? std::move(health) : std::make_shared<StateDirHealth>())
{
    load();
}

void FileStateStore::load()
{
    if (path_.empty())
        return;
    std::ifstream in(path_, std::ios::binary);
    if (!in)
        return;  // first run
    std::stringstream text;
    text << in.rdbuf();
    try {
        Poco::JSON::Parser parser;
        auto object = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
        for (const auto& [key, value] : *object) {
            if (value.isString())
                values_[key] = value.extract<std::string>();
        }
    } catch (...) {
        log_.warning("state file " + path_ +
                     " is unreadable (corrupt or truncated); ignoring it and starting afresh");
        values_.clear();
    }
}

std::optional<std::string> FileStateStore::get(const std::string& key) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = values_.find(key);
    if (it == values_.end())
        return std::nullopt;
    return it->second;
}

void FileStateStore::put(const std::string& key, const std::string& value)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = values_.find(key);
    if (it != values_.end() && it->second == value)
        return;
    values_[key] = value;
    save();
}

void FileStateStore::erase(const std::string& key)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (values_.erase(key) > 0)
        save();
}

void FileStateStore::save()
{
    if (path_.empty())
        return;
    Poco::JSON::Object object;
    for (const auto& [key, value] : values_)
        object.set(key, value);
    std::ostringstream text;
    object.stringify(text);
    const std::string data = text.str();

    const std::string tmp = path_ + ".tmp";
    std::string failure;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        failure = std::strerror(errno);
    } else {
        ::fchmod(fd, 0600);  // an existing temporary file keeps its old mode otherwise
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
    } else if (health_->succeeded()) {
        log_.info("state files can be written again (" + path_ + ")");
    }
}

}  // namespace bank2mqtt
