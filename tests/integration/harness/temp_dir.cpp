// SPDX-License-Identifier: MIT
// Temporary directories for configuration files, secrets, state and broker configs.
#include "harness/temp_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace bank2mqtt::itest {

TempDir::TempDir(const std::string& prefix)
{
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                          "/bank2mqtt-" + prefix + "-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
    }
    path_ = buffer.data();
}

TempDir::~TempDir()
{
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& content, unsigned mode) const
{
    const std::string target = file(name);
    {
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out) {
            throw std::runtime_error("cannot write " + target);
        }
    }
    std::filesystem::permissions(target, static_cast<std::filesystem::perms>(mode),
                                 std::filesystem::perm_options::replace);
    return target;
}

}  // namespace bank2mqtt::itest
