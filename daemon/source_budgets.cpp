// SPDX-License-Identifier: MIT
// SourceBudgets: CallBudget wired to the scheduler's decisions.
#include "source_budgets.h"

#include "bank2mqtt/capabilities.h"

#include <algorithm>

namespace bank2mqtt {

std::chrono::seconds SourceBudgets::add(const std::string& id, BankSource& source,
                                        StateStore& hostState, Logger& log,
                                        std::chrono::seconds interval)
{
    const CallLimit* limit = capabilityOf<CallLimit>(source);
    if (limit == nullptr || limit->pollsPerDay() == 0)
        return interval;
    // More than int can hold is no limit a bank sets; the cap keeps the conversion defined.
    const auto polls = static_cast<int>(std::min<std::uint32_t>(limit->pollsPerDay(), 1000000));
    auto budget = std::make_unique<CallBudget>(polls, clock_, hostState);
    if (const auto& warning = budget->restoreWarning())
        log.warning(*warning);
    if (const auto warning = budget->stretchWarning(interval))
        log.warning(*warning);
    const std::chrono::seconds effective = budget->effectiveInterval(interval);
    entries_[id] = Entry{std::move(budget), effective};
    return effective;
}

SourceBudgets::Entry* SourceBudgets::entry(const std::string& id)
{
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
}

const SourceBudgets::Entry* SourceBudgets::entry(const std::string& id) const
{
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
}

std::chrono::seconds SourceBudgets::interval(const std::string& id,
                                             std::chrono::seconds configured) const
{
    const Entry* e = entry(id);
    return e ? e->interval : configured;
}

const CallBudget* SourceBudgets::find(const std::string& id) const
{
    const Entry* e = entry(id);
    return e ? e->budget.get() : nullptr;
}

SourceBudgets::TimePoint
SourceBudgets::firstDue(const std::string& id, TimePoint now,
                        std::optional<std::chrono::system_clock::time_point> lastSuccess) const
{
    const Entry* e = entry(id);
    return e ? e->budget->firstPollDue(now, lastSuccess, e->interval) : now;
}

bool SourceBudgets::spend(const std::string& id, TimePoint now)
{
    Entry* e = entry(id);
    if (e == nullptr)
        return true;
    e->budget->absorbOthers();
    if (!e->budget->canSpend(now))
        return false;
    // Before the request: a fetch that times out may still have reached the bank.
    e->budget->spend(now);
    return true;
}

void SourceBudgets::refund(const std::string& id, TimePoint spentBy)
{
    if (Entry* e = entry(id))
        e->budget->refund(spentBy);
}

SourceBudgets::TimePoint SourceBudgets::nextAvailable(const std::string& id, TimePoint now) const
{
    const Entry* e = entry(id);
    return e ? e->budget->nextAvailable(now) : now;
}

void SourceBudgets::noteResult(const std::string& id, const FetchResult& result, TimePoint now)
{
    Entry* e = entry(id);
    if (e != nullptr && result.status == FetchStatus::RateLimited)
        e->budget->exhausted(now, result.retryAfter);
}

void SourceBudgets::finished(const std::string& id, const FetchResult& result, TimePoint started,
                             TimePoint now, Scheduler& scheduler)
{
    Entry* e = entry(id);
    if (e == nullptr)
        return;
    noteResult(id, result, now);
    TimePoint next = e->budget->nextAvailable(now);
    if (result.status == FetchStatus::Ok || result.status == FetchStatus::Temporary)
        next = std::max(next, started + e->interval);
    // deferUntil leaves a suspended source (auth_failed, config error) suspended.
    scheduler.deferUntil(id, next);
}

std::optional<std::string> SourceBudgets::refusal(const std::string& id, TimePoint now)
{
    Entry* e = entry(id);
    if (e == nullptr)
        return std::nullopt;
    e->budget->absorbOthers();
    if (e->budget->canSpend(now))
        return std::nullopt;
    return e->budget->refusal(now);
}

}  // namespace bank2mqtt
