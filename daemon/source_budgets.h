// SPDX-License-Identifier: MIT
// The call budgets of the sources that declare a CallLimit, and the rules polls obey by them.
#pragma once

#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/services.h"
#include "call_budget.h"
#include "scheduler.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace bank2mqtt {

/// The host side of plugin API 2's CallLimit (see the design note in call_budget.h): one
/// CallBudget per source whose plugin declares a limit, kept in that source's host StateStore
/// (key "call_budget"), so that the daemon, `--once` and `--list-accounts` spend from the same
/// count. A source without a budget passes every hook unchanged.
///
/// Rules for a budgeted source:
/// - its interval is stretched to spread the polls over the day (one warning at start-up);
/// - its first poll waits while the balances kept from before are younger than that interval,
///   and while no call is left;
/// - every fetch that starts spends a call; a due source with none left is not fetched and
///   is due again when one is;
/// - a failed poll is retried one interval after it started, not on the 30 s back-off, which
///   would spend a day's calls within minutes of a bank outage;
/// - a 429 holds the source until the window frees a call (or the bank's Retry-After);
/// - a refresh with no call left is answered by a sentence instead of a call.
///
/// Not thread-safe: built at start-up, then used on the poll thread only. Time arguments are
/// monotonic.
class SourceBudgets {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    /// `clock` must outlive this object.
    explicit SourceBudgets(Clock& clock) : clock_(clock) {}

    /// Gives `id` a budget when `source` declares a CallLimit of more than 0 polls a day (read
    /// after configure()), over `hostState`, which must outlive this object. Logs on `log`,
    /// once: the stretched interval, a damaged saved budget. Returns the interval to schedule
    /// `id` at: the stretched one for a budgeted source, else `interval`.
    std::chrono::seconds add(const std::string& id, BankSource& source, StateStore& hostState,
                             Logger& log, std::chrono::seconds interval);

    /// The interval add() returned for `id`; `configured` for a source without a budget.
    std::chrono::seconds interval(const std::string& id, std::chrono::seconds configured) const;
    /// `id`'s budget, or nullptr when it has none.
    const CallBudget* find(const std::string& id) const;
    bool empty() const { return entries_.empty(); }

    /// When `id`'s first poll is due: `now` without a budget, else CallBudget::firstPollDue
    /// with the interval add() returned.
    TimePoint firstDue(const std::string& id, TimePoint now,
                       std::optional<std::chrono::system_clock::time_point> lastSuccess) const;

    /// A fetch of `id` is about to start at `now`: true after a call was spent (or `id` has no
    /// budget); false when none is left, and then nothing is spent. Calls another process
    /// spent meanwhile (--list-accounts next to the daemon) count (CallBudget::absorbOthers).
    bool spend(const std::string& id, TimePoint now);
    /// The fetch of `id` that started by `spentBy` made no request: CallBudget::refund.
    void refund(const std::string& id, TimePoint spentBy);
    /// When a call of `id` is free again (`now` when one is, or without a budget).
    TimePoint nextAvailable(const std::string& id, TimePoint now) const;
    /// After a fetch of `id` ended at `now`: a 429 (RateLimited) holds the budget
    /// (CallBudget::exhausted). For --once; the daemon calls finished(), which does this too.
    void noteResult(const std::string& id, const FetchResult& result, TimePoint now);
    /// noteResult(), then, after the scheduler was told the outcome of the fetch that started
    /// at `started`: a success or failure is next due one interval after `started`, a 429 when
    /// the hold ends, and never before a call is free. A suspended source stays suspended.
    void finished(const std::string& id, const FetchResult& result, TimePoint started,
                  TimePoint now, Scheduler& scheduler);
    /// The sentence that answers a refresh of `id` when no call is left (CallBudget::refusal);
    /// nullopt when the refresh may go ahead. Counts another process's calls, as spend().
    std::optional<std::string> refusal(const std::string& id, TimePoint now);

private:
    struct Entry {
        std::unique_ptr<CallBudget> budget;
        std::chrono::seconds interval;
    };
    Entry* entry(const std::string& id);
    const Entry* entry(const std::string& id) const;

    Clock& clock_;
    std::map<std::string, Entry> entries_;
};

}  // namespace bank2mqtt
