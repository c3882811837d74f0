// SPDX-License-Identifier: MIT
// A private directory under $TMPDIR for one test, removed with everything in it afterwards.
#pragma once

#include <string>

namespace bank2mqtt::itest {

class TempDir {
public:
    /// Creates `$TMPDIR/bank2mqtt-<prefix>-XXXXXX` (mode 0700). Throws on failure.
    explicit TempDir(const std::string& prefix);
    ~TempDir();

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    /// `path()/name`.
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    /// Writes `content` to `path()/name` with the given permission bits; returns the path.
    std::string write(const std::string& name, const std::string& content,
                      unsigned mode = 0644) const;

private:
    std::string path_;
};

}  // namespace bank2mqtt::itest
