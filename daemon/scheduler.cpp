// SPDX-License-Identifier: MIT
// Scheduler: per-source next-poll times.
#include "scheduler.h"

#include <algorithm>
#include <stdexcept>

namespace bank2mqtt {

Scheduler::Scheduler(std::function<double()> random01) : random01_(std::move(random01)) {}

void Scheduler::add(const std::string& id, std::chrono::seconds interval, TimePoint firstDue)
{
    Entry e;
    e.interval = std::max(interval, std::chrono::seconds(1));
    e.next = firstDue;
    e.order = static_cast<int>(entries_.size());
    entries_[id] = e;
}

Scheduler::Entry& Scheduler::entry(const std::string& id)
{
    auto it = entries_.find(id);
    if (it == entries_.end())
        throw std::out_of_range("unknown source " + id);
    return it->second;
}

const Scheduler::Entry& Scheduler::entry(const std::string& id) const
{
    return const_cast<Scheduler*>(this)->entry(id);
}

std::vector<std::string> Scheduler::due(TimePoint now) const
{
    std::vector<std::pair<int, std::string>> ready;
    for (const auto& [id, e] : entries_) {
        if (e.next && *e.next <= now)
            ready.emplace_back(e.order, id);
    }
    std::sort(ready.begin(), ready.end());
    std::vector<std::string> ids;
    for (auto& [order, id] : ready)
        ids.push_back(std::move(id));
    return ids;
}

std::optional<Scheduler::TimePoint> Scheduler::nextWake() const
{
    std::optional<TimePoint> earliest;
    for (const auto& [id, e] : entries_) {
        if (e.next && (!earliest || *e.next < *earliest))
            earliest = e.next;
    }
    return earliest;
}

std::optional<Scheduler::TimePoint> Scheduler::nextDue(const std::string& id) const
{
    return entry(id).next;
}

void Scheduler::started(const std::string& id, TimePoint attemptStarted)
{
    Entry& e = entry(id);
    e.lastAttempt = attemptStarted;
    e.next.reset();
    e.inFlight = true;
}

void Scheduler::succeeded(const std::string& id, TimePoint attemptStarted)
{
    Entry& e = entry(id);
    e.inFlight = false;
    e.lastAttempt = attemptStarted;
    e.failures = 0;
    e.next = attemptStarted + e.interval;
}

void Scheduler::failed(const std::string& id, TimePoint attemptStarted)
{
    Entry& e = entry(id);
    e.inFlight = false;
    e.lastAttempt = attemptStarted;
    e.failures = std::min(e.failures + 1, 62);
    const std::chrono::milliseconds base =
        std::min<std::chrono::milliseconds>(kBackoffBase, e.interval);
    // Doubling stops at the interval; computing it step by step cannot overflow.
    std::chrono::milliseconds delay = base;
    for (int i = 1; i < e.failures && delay < e.interval; ++i)
        delay *= 2;
    delay = std::min<std::chrono::milliseconds>(delay, e.interval);
    const double factor = 1.0 - 0.2 * std::clamp(random01_(), 0.0, 1.0);
    delay = std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(delay.count()) * factor));
    e.next = attemptStarted + std::max<std::chrono::milliseconds>(delay, std::chrono::seconds(1));
}

void Scheduler::rateLimited(const std::string& id, TimePoint attemptStarted,
                            std::optional<std::chrono::seconds> retryAfter)
{
    if (!retryAfter || retryAfter->count() <= 0) {
        failed(id, attemptStarted);
        return;
    }
    Entry& e = entry(id);
    e.inFlight = false;
    e.lastAttempt = attemptStarted;
    e.failures = std::min(e.failures + 1, 62);
    e.next = attemptStarted + std::min(*retryAfter, kMaxRetryAfter);
}

void Scheduler::suspend(const std::string& id, TimePoint attemptStarted)
{
    Entry& e = entry(id);
    e.inFlight = false;
    e.lastAttempt = attemptStarted;
    e.failures = std::min(e.failures + 1, 62);
    e.next.reset();
}

void Scheduler::refresh(const std::string& id, TimePoint now)
{
    Entry& e = entry(id);
    // The fetch under way is the fresh poll asked for; a due time now would only make the
    // poll loop wake again and again until it ends.
    if (e.inFlight)
        return;
    TimePoint earliest = now;
    if (e.lastAttempt)
        earliest = std::max(now, *e.lastAttempt +
                                     std::min<std::chrono::seconds>(kBackoffBase, e.interval));
    if (!e.next || earliest < *e.next)
        e.next = earliest;
}

void Scheduler::deferUntil(const std::string& id, TimePoint at)
{
    Entry& e = entry(id);
    if (e.next && !e.inFlight)
        e.next = at;
}

void Scheduler::refreshNow(const std::string& id, TimePoint now)
{
    Entry& e = entry(id);
    if (!e.inFlight)
        e.next = now;
}

int Scheduler::consecutiveFailures(const std::string& id) const
{
    return entry(id).failures;
}

}  // namespace bank2mqtt
