// SPDX-License-Identifier: MIT
// A source's host-side call budget: at most N polls per rolling window, kept across restarts.
#pragma once

#include "bank2mqtt/services.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

// What is counted
// ---------------
// The budget counts *polls*, not HTTP requests. PSD2 RTS art. 36(5) lets a bank refuse more
// than 4 unattended accesses per account per endpoint per rolling 24 h, and one poll of an
// Enable Banking source costs exactly one `GET /accounts/{uid}/balances` per selected account:
// every (account, endpoint) bucket is charged once per poll, so "4 polls per 24 h" is the same
// limit as "4 calls per bucket per 24 h" without the host knowing the plugin's URLs. A plugin
// whose poll touched an endpoint twice would have to declare a smaller limit.
// A call that leaves the window is free again `margin` (default 5 min) after window end: we
// record a call when the fetch starts, the bank stamps it when it arrives, and clocks differ.
//
// How the poll loop uses it (wired in SourceBudgets, source_budgets.h, and PollLoop)
// ----------------------------------------------------------------------------------
// One CallBudget per source that declares a limit, owned next to its SourcePoller, over the
// same host StateStore (key "call_budget"), used only on the poll thread.
// 1. Start-up (App/PollLoop construction): interval = budget.effectiveInterval(configured);
//    if budget.stretchWarning(configured) is set, log it once (warning, source id prefix);
//    likewise budget.restoreWarning() (a damaged "call_budget" entry in the state file).
//    Give the Scheduler the effective interval and, instead of "due now", the first due time
//    budget.firstPollDue(clock.monotonicNow(), poller.status().lastSuccess, interval); this
//    holds also while the budget is spent or a 429 hold from before the restart is running.
// 2. PollLoop::run(), before worker->request() of a due source: if !budget.canSpend(now),
//    do not start the fetch; tell the scheduler the source is next due at
//    budget.nextAvailable(now) (Scheduler needs a small "deferred(id, at)" for that, or
//    rateLimited(id, now, nextAvailable - now)). Otherwise call budget.spend(now) right
//    before the request (also for retries after a failure: a 5xx or timeout may have reached
//    the bank, so every started fetch counts). Mind the Scheduler's failure back-off (30 s,
//    doubling): it would spend a day's budget within minutes of a bank outage, so a failed
//    poll of a budgeted source should be retried one effective interval later (as after a
//    success), not on the back-off.
// 3. PollLoop::finish(): on FetchStatus::RateLimited (429 ASPSP_RATE_LIMIT_EXCEEDED) call
//    budget.exhausted(now, result.retryAfter) and schedule the source at
//    budget.nextAvailable(now) rather than Scheduler's own back-off.
// 4. Refresh command (PollLoop::run's refresh set): if !budget.canSpend(now), do not call
//    scheduler_.refresh(); publish budget.refusal(now) as the source's status sentence (state
//    unchanged, last values kept) and leave the next poll where it was.
// 5. Diagnostic entity / status JSON: remaining(now), limit(), resetsAt(now) (monotonic:
//    convert with PollLoop::wallOf), republished after every spend()/exhausted().
// 6. --list-accounts and --once spend() too (they call the bank), so the daemon started
//    afterwards knows.

/// Not thread-safe: owned and called by the poll thread only. Time arguments are monotonic
/// (the Scheduler's time base); the injected Clock converts to wall time only to persist and
/// to word sentences, so a wall-clock jump (NTP at boot on a Pi) neither frees nor blocks calls
/// while the process runs.
class CallBudget {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    using WallTime = std::chrono::system_clock::time_point;

    static constexpr std::chrono::seconds kDefaultWindow{24 * 3600};
    static constexpr std::chrono::seconds kDefaultMargin{5 * 60};
    /// The host-state key the spent calls are kept under.
    static constexpr const char* kStateKey = "call_budget";

    /// `limit` polls (at least 1; smaller is taken as 1) per rolling `window` (at least 1 s).
    /// Reads what earlier processes spent from `hostState` (see load rules on restore()).
    /// `clock` and `hostState` must outlive the budget.
    CallBudget(int limit, Clock& clock, StateStore& hostState,
               std::chrono::seconds window = kDefaultWindow,
               std::chrono::seconds margin = kDefaultMargin);

    /// Polls allowed per window.
    int limit() const { return limit_; }
    std::chrono::seconds window() const { return window_; }

    /// max(interval, window / limit), rounded up to whole seconds: polling at that pace never
    /// runs out of budget, and the polls are spread over the window instead of spent at once.
    std::chrono::seconds effectiveInterval(std::chrono::seconds interval) const;
    /// One sentence to log once at start-up when `interval` is stretched, e.g. "interval 15m
    /// would spend more than the bank's 4 calls a day; polling every 6h instead"; nullopt when
    /// the interval fits the budget.
    std::optional<std::string> stretchWarning(std::chrono::seconds interval) const;

    /// When the first poll after start-up is due: not before `lastSuccess` (wall time of the
    /// last successful poll, as SourcePoller restores it from "last_success") plus
    /// `interval` (pass the effective interval), and not before nextAvailable(). A last success in
    /// the future (clock set back) counts as "just now". `now` and the result are monotonic.
    TimePoint firstPollDue(TimePoint now, std::optional<WallTime> lastSuccess,
                           std::chrono::seconds interval) const;

    /// Calls spent within the window that ends at `now` (can exceed limit() when calls were
    /// made anyway, e.g. by --list-accounts, or the limit was lowered).
    int used(TimePoint now) const;
    /// limit() - used(now), never negative; 0 while a 429 hold runs.
    int remaining(TimePoint now) const;
    /// Whether a call may be spent at `now`: some budget is left and no 429 hold runs.
    bool canSpend(TimePoint now) const { return nextAvailable(now) <= now; }
    /// `now` when canSpend(now), else the earliest time a call becomes available (the end of
    /// a 429 hold, or when enough spent calls have left the window, whichever is later).
    TimePoint nextAvailable(TimePoint now) const;
    /// When the oldest call spent in the window leaves it (window + margin after it was
    /// spent), or the end of a 429 hold if later; nullopt when nothing is spent or held.
    std::optional<TimePoint> resetsAt(TimePoint now) const;

    /// Takes in what another process (`--list-accounts` or `--once` next to the daemon, which
    /// share state_dir) spent or was told by a 429 since this budget last read or wrote the
    /// store: the store holds one list per source, and without this the next spend() here
    /// would write over the other's call. Cheap when nothing changed. Call before deciding.
    void absorbOthers();

    /// Records one poll started at `now` and persists it before returning. Never refused:
    /// a call that was made is counted, whatever the budget said.
    void spend(TimePoint now);
    /// Takes back the newest call spent at or before `spentBy` and persists: the fetch it was
    /// spent for made no request (the plugin's ConsentInfo said there was no consent, or it had
    /// ended). Nothing when no call was spent by then.
    void refund(TimePoint spentBy);
    /// The bank answered 429 (ASPSP_RATE_LIMIT_EXCEEDED): nothing more is spent until
    /// `now + retryAfter` when the bank gave one, else until the oldest call in the window
    /// leaves it (the refused call itself counts, so this is at most window + margin away).
    /// Kept across restarts.
    void exhausted(TimePoint now, std::optional<std::chrono::seconds> retryAfter);

    /// The status sentence that answers a refresh command with no budget left, with the local
    /// time of nextAvailable(), e.g. "no calls of today's budget left (4 of 4 used); the next
    /// one is available at 14:05". Only meaningful when !canSpend(now).
    std::string refusal(TimePoint now) const;

    /// Set when the constructor found the saved budget damaged (unreadable, or entries that
    /// are not times, or times in the future): one sentence for the caller to log once,
    /// without the damaged text. nullopt when all was well or nothing was saved.
    const std::optional<std::string>& restoreWarning() const { return restoreWarning_; }

private:
    /// Reads hostState: entries that do not parse are dropped (the bank's own 429 is the
    /// backstop, and the first poll still waits for "last_success"), entries older than the window
    /// are dropped, entries dated after now (clock set back, corrupt) count as spent now, i.e. stay
    /// in the window for a whole window from now, and a hold is capped at window + margin from now.
    void restore();
    void save();
    /// Forgets calls that have left the window at `now`.
    void prune(TimePoint now);
    TimePoint leavesWindow(TimePoint spent) const { return spent + window_ + margin_; }
    /// The wall time that corresponds to monotonic `t`, by the clock's current offset.
    WallTime toWall(TimePoint t) const;

    int limit_;
    std::chrono::seconds window_;
    std::chrono::seconds margin_;
    Clock& clock_;
    StateStore& hostState_;
    std::vector<TimePoint> spent_;  // oldest first
    std::optional<TimePoint> heldUntil_;
    std::optional<std::string> restoreWarning_;
    /// The store's text as this budget last read or wrote it (absorbOthers: nothing new).
    std::optional<std::string> seen_;
    /// The calls in seen_, as saved (epoch seconds).
    std::vector<long long> seenCalls_;
};

}  // namespace bank2mqtt
