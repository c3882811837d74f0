// SPDX-License-Identifier: MIT
// A thread of one source's own that runs its fetches, so a slow bank holds up only itself.
#pragma once

#include "source_poller.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace bank2mqtt {

/// Runs SourcePoller::fetch() on a thread owned by this object; the poll loop thread applies
/// the outcome. A bank that answers slowly (up to the request deadline) delays only its own
/// source. The thread sleeps on a condition variable between fetches (no wake-ups when idle).
/// Other calls into the plugin (an Authorization step) run here too, through post(), so that
/// the plugin is only ever called from this one thread.
/// request(), fetching(), busy(), post(), take() and stop() may be called from any thread.
class FetchWorker {
public:
    /// `ready` is called on the worker thread after each fetch, outside the worker's lock.
    FetchWorker(SourcePoller& poller, std::function<void()> ready);
    /// Stops and joins the thread (waiting for a fetch in progress).
    ~FetchWorker();
    FetchWorker(const FetchWorker&) = delete;
    FetchWorker& operator=(const FetchWorker&) = delete;

    SourcePoller& poller() { return poller_; }
    /// Starts a fetch unless one is running or its outcome has not been taken; returns whether
    /// it started.
    bool request();
    /// A fetch was requested and its outcome is not there yet.
    bool fetching() const;
    /// A fetch or a posted task is waiting or running.
    bool busy() const;
    /// Runs `task` on the worker thread after what is queued before it, never at the same time
    /// as a fetch; `ready` is called after it. Dropped when the worker stops before it starts.
    /// Returns false (and drops it) when already stopped.
    bool post(std::function<void()> task);
    /// The outcome of the finished fetch, once.
    std::optional<FetchOutcome> take();
    /// No further fetch starts; returns at once (a running fetch ends at its deadline or when
    /// the source is aborted).
    void stop();

private:
    void run();

    SourcePoller& poller_;
    std::function<void()> ready_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;
    bool running_ = false;
    bool stopping_ = false;
    bool taskRunning_ = false;
    std::deque<std::function<void()>> tasks_;
    std::optional<FetchOutcome> outcome_;
    std::thread thread_;  // last: started after every other member exists
};

}  // namespace bank2mqtt
