// SPDX-License-Identifier: MIT
// A child process for integration tests: fork/exec, stdout and stderr captured line by line.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bank2mqtt::itest {

using Millis = std::chrono::milliseconds;
using LinePredicate = std::function<bool(const std::string&)>;

/// Runs one program with its stdout and stderr on pipes. A reader thread splits both streams
/// into lines and keeps every line for the lifetime of the object, so a failing test can print
/// the whole transcript. All methods are thread-safe. The destructor SIGKILLs the child if it is
/// still running and reaps it; the child is also killed if the test process dies
/// (PR_SET_PDEATHSIG).
class ChildProcess {
public:
    enum class Stream { Out, Err };

    /// KEY -> value to set, or nullopt to remove KEY from the inherited environment.
    using Environment = std::map<std::string, std::optional<std::string>>;

    /// Resource limits set in the child before exec.
    struct Limits {
        /// RLIMIT_FSIZE in bytes: writing a regular file beyond it fails with EFBIG, as on a
        /// full disk. SIGXFSZ is ignored in the child so that the write fails instead of the
        /// signal killing the process. nullopt: inherited.
        std::optional<rlim_t> fileSizeBytes;
    };

    /// Starts `argv[0]` (an absolute path) with `argv`; the environment is the test's own
    /// changed by `env`. Throws std::runtime_error if the process cannot start.
    ChildProcess(std::string name, std::vector<std::string> argv, const Environment& env = {},
                 const Limits& limits = {});
    ~ChildProcess();

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    const std::string& name() const { return name_; }
    pid_t pid() const { return pid_; }

    /// Waits until a line of `stream` with index >= `fromLine` satisfies `predicate`. Returns
    /// that line's index, or nullopt when `timeout` passes or the stream closes first.
    std::optional<std::size_t> waitForLine(Stream stream, const LinePredicate& predicate,
                                           Millis timeout, std::size_t fromLine = 0);
    /// The same, for the first line containing `substring`.
    std::optional<std::size_t> waitForLine(Stream stream, const std::string& substring,
                                           Millis timeout, std::size_t fromLine = 0);

    /// Waits (pidfd + poll) for the process to end. Returns the exit code, or 128 + signal
    /// number if a signal ended it, or nullopt if it is still running after `timeout`.
    std::optional<int> waitExit(Millis timeout);
    /// The exit status if waitExit() has seen the process end.
    std::optional<int> exitStatus() const;

    /// Sends `sig` to the child (ignored once it has been reaped).
    void signal(int sig);
    /// SIGTERM, then SIGKILL if it is still running after `timeout`; nothing once it ended.
    void stop(Millis timeout);

    std::size_t lineCount(Stream stream) const;
    std::vector<std::string> lines(Stream stream) const;
    /// The whole stream as one string, lines joined with '\n'.
    std::string text(Stream stream) const;
    /// Everything the process said, labelled, for failure messages.
    std::string transcript() const;

private:
    void readLoop(int outFd, int errFd);
    void appendLocked(Stream stream, const char* data, std::size_t size);
    void flushPartialLocked(Stream stream);

    std::string name_;
    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    int pidFd_ = -1;
    int wakeFd_[2] = {-1, -1};  // the destructor writes here to stop the reader thread

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_[2];
    std::string partial_[2];
    bool closed_[2] = {false, false};
    std::optional<int> exitStatus_;
    std::mutex reapMutex_;  // serialises waitExit() callers; never held with mutex_ in reverse
    std::thread reader_;
};

}  // namespace bank2mqtt::itest
