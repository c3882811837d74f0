// SPDX-License-Identifier: MIT
// Files named by the configuration: where relative paths point, readability, secret files.
#include "file_checks.h"

#include "config.h"
#include "file_access.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace bank2mqtt::detail {

namespace {

// A secret is a password or a key, never megabytes; a larger file is the wrong file.
constexpr std::size_t maxSecretSize = 64 * 1024;

std::string resolveAgainst(const std::string& dir, const std::string& value)
{
    const std::filesystem::path path(value);
    if (path.is_absolute())
        return path.lexically_normal().string();
    return (std::filesystem::path(dir) / path).lexically_normal().string();
}

// Empty when `path` is a regular file this process can open; otherwise what is wrong.
std::string fileProblem(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return "does not exist";
        return std::string("cannot be reached (") + std::strerror(errno) + ")";
    }
    if (S_ISDIR(st.st_mode))
        return "is a directory, not a file";
    if (!S_ISREG(st.st_mode))
        return "is not a regular file";
    // O_NONBLOCK: should the file have become a FIFO since stat(), open() must not wait.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return std::string("cannot be read (") + std::strerror(errno) + ")";
    ::close(fd);
    return {};
}

// Whether `path` (absolute, normal) lies below the directory `dir` (may be null or empty).
bool isInside(const std::string& path, const char* dir)
{
    if (dir == nullptr || *dir == '\0')
        return false;
    std::string prefix = std::filesystem::path(dir).lexically_normal().string();
    if (prefix.empty() || prefix.back() != '/')
        prefix += '/';
    return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0;
}

int modeOf(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

// "(resolved to /abs/path) " when the user wrote something else, for messages.
std::string resolvedNote(const IniEntry& entry, const std::string& path, const char* how)
{
    return path == entry.value ? std::string() : "(" + std::string(how) + " " + path + ") ";
}

}  // namespace

ConfigFileFacts configFileFacts(const std::string& file, const std::string& directory)
{
    ConfigFileFacts facts;
    facts.file = file;
    facts.dir = directory;
    if (facts.dir.empty()) {
        std::error_code ec;
        const std::filesystem::path absolute = std::filesystem::absolute(file, ec);
        facts.dir = ec ? std::string(".") : absolute.parent_path().string();
    }
    const std::filesystem::path path(file);
    facts.mode = modeOf(
        path.is_absolute() ? file : (std::filesystem::path(facts.dir) / path.filename()).string());
    return facts;
}

std::string octalMode(int mode)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode) & 07777u);
    return buf;
}

std::string checkReadableFile(const SectionScope& scope, const IniEntry& entry,
                              const ConfigFileFacts& facts)
{
    const std::string path = resolveAgainst(facts.dir, entry.value);
    const std::string problem = fileProblem(path);
    if (problem.empty())
        return path;
    const std::string note = resolvedNote(entry, path, "resolved to");
    if (problem == "does not exist")
        scope.badValue(entry, note + problem,
                       "fix the path (relative paths start at the configuration file's "
                       "directory) or remove the key");
    if (problem.rfind("cannot", 0) == 0)
        scope.badValue(entry, note + problem,
                       "make it readable by the service user, e.g. chmod 644 " + path);
    scope.badValue(entry, note + problem, "point " + entry.key + " at a file");
}

std::string checkSecretFile(const SectionScope& scope, const IniEntry& entry,
                            const ConfigFileFacts& facts, std::vector<std::string>& warnings)
{
    const char* credentials = std::getenv("CREDENTIALS_DIRECTORY");
    const bool useCredentials = credentials != nullptr && *credentials != '\0' &&
                                std::filesystem::path(entry.value).is_relative();
    const std::string path = resolveAgainst(useCredentials ? credentials : facts.dir, entry.value);
    const std::string problem = fileProblem(path);
    if (!problem.empty()) {
        const std::string note = resolvedNote(
            entry, path, useCredentials ? "looked up in $CREDENTIALS_DIRECTORY as" : "resolved to");
        if (problem == "does not exist" && useCredentials)
            scope.badValue(entry, note + problem,
                           "add LoadCredential=" + entry.value +
                               ":/path/to/the/secret to the service unit, or write an "
                               "absolute path");
        if (problem == "does not exist")
            scope.badValue(entry, note + problem,
                           "create it holding only the secret (chmod 600, owned by the service "
                           "user), or fix the path");
        if (problem.rfind("cannot", 0) == 0)
            scope.badValue(entry, note + problem,
                           "chmod 600 " + path + " and chown it to the service user");
        scope.badValue(entry, note + problem,
                       "point " + entry.key + " at the file holding the secret");
    }
    // Only systemd writes $CREDENTIALS_DIRECTORY, a private read-only copy made anew at each
    // start: whatever its modes, the user could not change them, so nothing there is warned of.
    if (isInside(path, credentials))
        return path;
    const Exposure exposure = otherAccess(path, ::geteuid());
    if (exposure.exposed())
        warnings.push_back(scope.at(entry) + ": " + path + " is accessible to " + exposure.who +
                           "; run " + (exposure.byAcl ? "setfacl -b " + path + " && " : "") +
                           "chmod 600 " + path + " so only the service user can read it.");
    return path;
}

std::string readSecretFile(const SectionScope& scope, const IniEntry& entry,
                           const ConfigFileFacts& facts, std::vector<std::string>& warnings)
{
    const std::string path = checkSecretFile(scope, entry, facts, warnings);
    // Checked again on the open file: a FIFO or a device swapped in after the check must
    // neither block the start nor be read for ever.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        scope.badValue(entry, std::string("cannot be read (") + std::strerror(errno) + ")",
                       "chmod 600 " + path + " and chown it to the service user");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        scope.badValue(entry, "(" + path + ") is not a regular file",
                       "point " + entry.key + " at the file holding the secret");
    }
    std::string content;
    char buf[4096];
    for (;;) {
        const ssize_t got = ::read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            const int err = errno;
            ::close(fd);
            scope.badValue(entry, std::string("cannot be read (") + std::strerror(err) + ")",
                           "chmod 600 " + path + " and chown it to the service user");
        }
        if (got == 0)
            break;
        content.append(buf, static_cast<std::size_t>(got));
        if (content.size() > maxSecretSize) {
            ::close(fd);
            scope.badValue(entry, "is larger than 64 KiB, so it is not a secret",
                           "point " + entry.key + " at the file holding only the secret");
        }
    }
    ::close(fd);
    content = trim(content);
    if (content.empty())
        scope.badValue(entry, "is an empty file",
                       "write the secret into " + path + " (a trailing newline is fine)");
    return content;
}

void warnInlineSecret(const SectionScope& scope, const IniEntry& entry, const std::string& fileKey,
                      const ConfigFileFacts& facts, std::vector<std::string>& warnings)
{
    if (facts.mode < 0 || (facts.mode & 044) == 0)
        return;
    warnings.push_back(scope.at(entry) +
                       " is written in the configuration file, which group or "
                       "others can read (mode " +
                       octalMode(facts.mode) +
                       "), so the secret is exposed; move it into a file only the service user "
                       "can read and set " +
                       fileKey + " instead.");
}

}  // namespace bank2mqtt::detail
