// SPDX-License-Identifier: MIT
// fork/exec with captured output; process end observed through a pidfd, never by sleeping.
#include "harness/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace bank2mqtt::itest {
namespace {

constexpr unsigned kCloseRangeCloexec = 1U << 2;  // CLOSE_RANGE_CLOEXEC, Linux 5.11
constexpr Millis kDrainTimeout{2000};             // output still in the pipes after exit

int pollMillis(std::chrono::steady_clock::time_point deadline)
{
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, 24 * 3600 * 1000));
}

void closeFd(int& fd)
{
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

std::runtime_error systemError(const std::string& what, int err)
{
    return std::runtime_error(what + ": " + std::strerror(err));
}

}  // namespace

ChildProcess::ChildProcess(std::string name, std::vector<std::string> argv, const Environment& env,
                           const Limits& limits)
    : name_(std::move(name)), argv_(std::move(argv))
{
    if (argv_.empty()) {
        throw std::invalid_argument("ChildProcess " + name_ + ": empty argv");
    }
    // Everything the child needs is prepared before fork(): after it, only async-signal-safe
    // calls are allowed, because the test process has other threads (Paho, readers).
    std::vector<char*> args;
    for (auto& a : argv_) {
        args.push_back(a.data());
    }
    args.push_back(nullptr);
    std::vector<std::string> envStrings;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string entry(*e);
        if (env.count(entry.substr(0, entry.find('='))) == 0) {
            envStrings.push_back(entry);
        }
    }
    for (const auto& [key, value] : env) {
        if (value) {
            envStrings.push_back(key + "=" + *value);
        }
    }
    std::vector<char*> envp;
    for (auto& e : envStrings) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);

    int out[2], err[2], execErr[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 ||
        ::pipe2(execErr, O_CLOEXEC) != 0 || ::pipe2(wakeFd_, O_CLOEXEC) != 0) {
        throw systemError("ChildProcess " + name_ + ": pipe2", errno);
    }
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
        throw systemError("ChildProcess " + name_ + ": fork", errno);
    }
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        if (limits.fileSizeBytes) {
            // An ignored signal stays ignored across execve.
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{*limits.fileSizeBytes, *limits.fileSizeBytes};
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
                int code = errno;
                ssize_t ignored = ::write(execErr[1], &code, sizeof code);
                (void)ignored;
                ::_exit(127);
            }
        }
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        int devNull = ::open("/dev/null", O_RDONLY);
        if (devNull >= 0) {
            ::dup2(devNull, STDIN_FILENO);
        }
        // Descriptors the test process opened without O_CLOEXEC (sockets) must not leak.
        ::syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec);
        ::execve(args[0], args.data(), envp.data());
        int code = errno;
        ssize_t ignored = ::write(execErr[1], &code, sizeof code);
        (void)ignored;
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    ::close(execErr[1]);
    int code = 0;
    ssize_t got;
    do {
        got = ::read(execErr[0], &code, sizeof code);
    } while (got < 0 && errno == EINTR);
    ::close(execErr[0]);
    if (got == sizeof code) {
        ::waitpid(pid_, nullptr, 0);
        ::close(out[0]);
        ::close(err[0]);
        closeFd(wakeFd_[0]);
        closeFd(wakeFd_[1]);
        throw systemError("ChildProcess " + name_ + ": cannot execute " + argv_[0], code);
    }
    pidFd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidFd_ < 0) {
        int e = errno;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        ::close(out[0]);
        ::close(err[0]);
        closeFd(wakeFd_[0]);
        closeFd(wakeFd_[1]);
        throw systemError("ChildProcess " + name_ + ": pidfd_open", e);
    }
    reader_ = std::thread([this, o = out[0], e = err[0]] { readLoop(o, e); });
}

ChildProcess::~ChildProcess()
{
    if (!waitExit(Millis(0))) {
        signal(SIGKILL);
        waitExit(Millis(10000));
    }
    char byte = 0;
    ssize_t ignored = ::write(wakeFd_[1], &byte, 1);
    (void)ignored;
    if (reader_.joinable()) {
        reader_.join();
    }
    closeFd(pidFd_);
    closeFd(wakeFd_[0]);
    closeFd(wakeFd_[1]);
}

void ChildProcess::readLoop(int outFd, int errFd)
{
    int fds[2] = {outFd, errFd};
    char buffer[4096];
    while (fds[0] >= 0 || fds[1] >= 0) {
        pollfd p[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}, {wakeFd_[0], POLLIN, 0}};
        if (::poll(p, 3, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (p[2].revents != 0) {
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i] < 0 || p[i].revents == 0) {
                continue;
            }
            ssize_t n = ::read(fds[i], buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            std::lock_guard<std::mutex> lock(mutex_);
            if (n > 0) {
                appendLocked(static_cast<Stream>(i), buffer, static_cast<std::size_t>(n));
            } else {
                flushPartialLocked(static_cast<Stream>(i));
                closed_[i] = true;
                closeFd(fds[i]);
            }
            changed_.notify_all();
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (int i = 0; i < 2; ++i) {
        flushPartialLocked(static_cast<Stream>(i));
        closed_[i] = true;
        closeFd(fds[i]);
    }
    changed_.notify_all();
}

void ChildProcess::appendLocked(Stream stream, const char* data, std::size_t size)
{
    auto i = static_cast<int>(stream);
    partial_[i].append(data, size);
    std::size_t start = 0;
    for (std::size_t nl; (nl = partial_[i].find('\n', start)) != std::string::npos;
         start = nl + 1) {
        lines_[i].push_back(partial_[i].substr(start, nl - start));
    }
    partial_[i].erase(0, start);
}

void ChildProcess::flushPartialLocked(Stream stream)
{
    auto i = static_cast<int>(stream);
    if (!partial_[i].empty()) {
        lines_[i].push_back(partial_[i]);
        partial_[i].clear();
    }
}

std::optional<std::size_t> ChildProcess::waitForLine(Stream stream, const LinePredicate& predicate,
                                                     Millis timeout, std::size_t fromLine)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto i = static_cast<int>(stream);
    std::unique_lock<std::mutex> lock(mutex_);
    std::size_t next = fromLine;
    for (;;) {
        for (; next < lines_[i].size(); ++next) {
            if (predicate(lines_[i][next])) {
                return next;
            }
        }
        if (closed_[i]) {
            return std::nullopt;
        }
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout &&
            next == lines_[i].size()) {
            return std::nullopt;
        }
    }
}

std::optional<std::size_t> ChildProcess::waitForLine(Stream stream, const std::string& substring,
                                                     Millis timeout, std::size_t fromLine)
{
    return waitForLine(
        stream, [&](const std::string& line) { return line.find(substring) != std::string::npos; },
        timeout, fromLine);
}

std::optional<int> ChildProcess::waitExit(Millis timeout)
{
    std::lock_guard<std::mutex> reap(reapMutex_);
    if (auto known = exitStatus()) {
        return known;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        pollfd p{pidFd_, POLLIN, 0};
        int ready = ::poll(&p, 1, pollMillis(deadline));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return std::nullopt;
        }
        break;
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::unique_lock<std::mutex> lock(mutex_);
    exitStatus_ = code;
    changed_.notify_all();
    // Let the reader catch up with what the process wrote just before it ended.
    changed_.wait_for(lock, kDrainTimeout, [this] { return closed_[0] && closed_[1]; });
    return code;
}

std::optional<int> ChildProcess::exitStatus() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return exitStatus_;
}

void ChildProcess::signal(int sig)
{
    // A pidfd names exactly this process, even if it has ended and its pid was reused.
    ::syscall(SYS_pidfd_send_signal, pidFd_, sig, nullptr, 0);
}

void ChildProcess::stop(Millis timeout)
{
    if (exitStatus())
        return;
    signal(SIGTERM);
    if (!waitExit(timeout)) {
        signal(SIGKILL);
        waitExit(timeout);
    }
}

std::size_t ChildProcess::lineCount(Stream stream) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_[static_cast<int>(stream)].size();
}

std::vector<std::string> ChildProcess::lines(Stream stream) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_[static_cast<int>(stream)];
}

std::string ChildProcess::text(Stream stream) const
{
    std::string joined;
    for (const auto& line : lines(stream)) {
        joined += line;
        joined += '\n';
    }
    return joined;
}

std::string ChildProcess::transcript() const
{
    std::ostringstream out;
    out << "===== " << name_ << " (pid " << pid_ << ")";
    if (auto status = exitStatus()) {
        out << " exit " << *status;
    }
    out << " :";
    for (const auto& a : argv_) {
        out << ' ' << a;
    }
    out << "\n----- stdout\n" << text(Stream::Out) << "----- stderr\n" << text(Stream::Err);
    return out.str();
}

}  // namespace bank2mqtt::itest
