// SPDX-License-Identifier: MIT
// Ends a bank request at its deadline: shuts its socket down when the time is up.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

namespace bank2mqtt {

/// One thread for the whole process (started on first use, never stopped) that calls shutdown(2) on
/// a socket whose deadline has passed. A blocked connect, TLS handshake, send or receive then
/// returns at once, so a bank that sends one byte every few seconds cannot hold a request past its
/// deadline: per-socket timeouts bound each wait, not their sum.
///
/// Thread-safe. The caller must disarm() before it closes the socket: afterwards the descriptor
/// is never touched, so a number reused by another socket is safe.
class SocketDeadlines {
public:
    using Clock = std::chrono::steady_clock;

    static SocketDeadlines& instance();

    /// Watches `fd` until `deadline`; returns the id for disarm().
    std::uint64_t arm(int fd, Clock::time_point deadline);
    /// Stops watching; true when the deadline had already fired (the socket is shut down).
    bool disarm(std::uint64_t id);

private:
    SocketDeadlines() = default;
    void run();

    struct Entry {
        int fd = -1;
        Clock::time_point deadline;
    };
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::uint64_t, Entry> armed_;
    std::map<std::uint64_t, bool> fired_;  ///< fired but not yet disarmed
    std::uint64_t nextId_ = 1;
    bool started_ = false;
};

}  // namespace bank2mqtt
