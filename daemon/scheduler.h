// SPDX-License-Identifier: MIT
// When each source is polled next: interval, bounded back-off with jitter, rate-limited refresh.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

/// Pure bookkeeping on monotonic time; it never sleeps and never reads a clock itself, so tests
/// drive it with a fake clock. Not thread-safe: the poll loop owns it.
///
/// Rules:
/// - success: next poll one interval after the attempt started.
/// - temporary failure n (1, 2, ...): after min(interval, base * 2^(n-1)) with base =
///   min(30 s, interval), shortened by a random 0-20 % (jitter spreads retries of several
///   daemons) and never longer than the interval.
/// - rate limited: after the bank's Retry-After (at most 24 h) or else as a failure.
/// - suspended (credentials rejected, config error): no polls until refresh().
/// - refresh: served no sooner than min(30 s, interval) after the previous attempt; an
///   earlier request is moved to that time, not dropped.
/// - deferred: a caller that knows better (a source's call budget) moves the next poll.
class Scheduler {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    using Duration = std::chrono::steady_clock::duration;

    /// `random01` returns a number in [0, 1); injected so tests are deterministic.
    explicit Scheduler(std::function<double()> random01);

    void add(const std::string& id, std::chrono::seconds interval, TimePoint firstDue);

    /// Sources whose next poll is at or before `now`, in the order they were added.
    std::vector<std::string> due(TimePoint now) const;
    /// Earliest next poll of any active source; nullopt when all are suspended.
    std::optional<TimePoint> nextWake() const;
    /// Next poll of one source; nullopt when suspended.
    std::optional<TimePoint> nextDue(const std::string& id) const;

    /// A fetch of `id` started and runs elsewhere: not due again until its outcome is told
    /// (succeeded, failed, rateLimited or suspend); a refresh meanwhile is served by that fetch.
    void started(const std::string& id, TimePoint attemptStarted);
    void succeeded(const std::string& id, TimePoint attemptStarted);
    void failed(const std::string& id, TimePoint attemptStarted);
    void rateLimited(const std::string& id, TimePoint attemptStarted,
                     std::optional<std::chrono::seconds> retryAfter);
    void suspend(const std::string& id, TimePoint attemptStarted);
    /// Asks for a poll as soon as the rate limit allows; resumes a suspended source.
    void refresh(const std::string& id, TimePoint now);
    /// The next poll of `id` is at `at`, whatever the rules above made it (e.g. a call budget
    /// that is spent, or a failure of a budgeted source retried one interval later instead of
    /// on the back-off). A suspended source, or one whose fetch is under way, is left alone.
    void deferUntil(const std::string& id, TimePoint at);
    /// A poll now, without refresh()'s 30 s spacing: a person has just renewed the source's
    /// login and waits to see it work. Resumes a suspended source; a fetch in flight serves it.
    void refreshNow(const std::string& id, TimePoint now);

    int consecutiveFailures(const std::string& id) const;

    static constexpr std::chrono::seconds kBackoffBase{30};
    static constexpr std::chrono::seconds kMaxRetryAfter{24 * 3600};

private:
    struct Entry {
        std::chrono::seconds interval;
        std::optional<TimePoint> next;
        std::optional<TimePoint> lastAttempt;
        int failures = 0;
        int order = 0;
        bool inFlight = false;  ///< started() until its outcome is told
    };
    Entry& entry(const std::string& id);
    const Entry& entry(const std::string& id) const;

    std::function<double()> random01_;
    std::map<std::string, Entry> entries_;
};

}  // namespace bank2mqtt
