// SPDX-License-Identifier: MIT
// SocketDeadlines: the watchdog thread behind PocoHttpClient's whole-request deadline.
#include "socket_deadlines.h"

#include <sys/socket.h>

#include <algorithm>
#include <thread>

namespace bank2mqtt {

// Never destroyed: the thread lives as long as the process, and no exit-time destructor has
// to wait for it (a daemon that is stopping must not hang on its watchdog).
SocketDeadlines& SocketDeadlines::instance()
{
    static SocketDeadlines* deadlines = new SocketDeadlines;
    return *deadlines;
}

std::uint64_t SocketDeadlines::arm(int fd, Clock::time_point deadline)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) {
        std::thread([this] { run(); }).detach();
        started_ = true;
    }
    const std::uint64_t id = nextId_++;
    armed_[id] = Entry{fd, deadline};
    changed_.notify_all();
    return id;
}

bool SocketDeadlines::disarm(std::uint64_t id)
{
    std::lock_guard<std::mutex> lock(mutex_);
    armed_.erase(id);
    const auto fired = fired_.find(id);
    if (fired == fired_.end())
        return false;
    fired_.erase(fired);
    return true;
}

void SocketDeadlines::run()
{
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
        const auto now = Clock::now();
        auto next = Clock::time_point::max();
        for (auto it = armed_.begin(); it != armed_.end();) {
            if (it->second.deadline <= now) {
                // Under the mutex: disarm() cannot return, and so the socket cannot be closed
                // and its number reused, while this runs.
                ::shutdown(it->second.fd, SHUT_RDWR);
                fired_[it->first] = true;
                it = armed_.erase(it);
            } else {
                next = std::min(next, it->second.deadline);
                ++it;
            }
        }
        if (next == Clock::time_point::max())
            changed_.wait(lock);
        else
            changed_.wait_until(lock, next);
    }
}

}  // namespace bank2mqtt
