// SPDX-License-Identifier: MIT
// CallBudget: spent polls on monotonic time, persisted as wall-clock epoch seconds.
#include "call_budget.h"

#include "duration.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <ctime>
#include <sstream>

namespace bank2mqtt {
namespace {
// A state file that grew without bound (corrupt, or hand-edited) must not cost memory.
constexpr std::size_t kMaxEntries = 1000;

using std::chrono::duration_cast;
using std::chrono::seconds;

// Whole seconds since the epoch; rounded up so that a call read back never looks older than it
// was (it would leave the window early).
long long epochSecondsCeil(std::chrono::system_clock::time_point t)
{
    const auto since = t.time_since_epoch();
    auto s = duration_cast<seconds>(since);
    if (s < since)
        s += seconds(1);
    return s.count();
}

std::optional<long long> positiveInteger(const Poco::Dynamic::Var& value)
{
    if (!value.isInteger())
        return std::nullopt;
    const long long n = value.convert<Poco::Int64>();
    // Up to year 9999: beyond that a time_point in nanoseconds would overflow.
    if (n <= 0 || n > 253402300799LL)
        return std::nullopt;
    return n;
}

std::string localClock(std::chrono::system_clock::time_point t)
{
    // Rounded up to the minute: a person who tries at the minute shown must not be refused.
    auto minutes = std::chrono::ceil<std::chrono::minutes>(t);
    const std::time_t secs = std::chrono::system_clock::to_time_t(minutes);
    std::tm tm{};
    localtime_r(&secs, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%H:%M", &tm);
    return buffer;
}

// "1 call", "4 calls": a bank may allow a single call a day.
std::string calls(int n)
{
    return std::to_string(n) + (n == 1 ? " call" : " calls");
}

std::string perWindow(std::chrono::seconds window)
{
    return window == CallBudget::kDefaultWindow ? "a day" : "per " + formatDuration(window);
}
}  // namespace

CallBudget::CallBudget(int limit, Clock& clock, StateStore& hostState, seconds window,
                       seconds margin)
    : limit_(std::max(limit, 1)), window_(std::max(window, seconds(1))),
      margin_(std::max(margin, seconds(0))), clock_(clock), hostState_(hostState)
{
    restore();
}

seconds CallBudget::effectiveInterval(seconds interval) const
{
    const seconds spread((window_.count() + limit_ - 1) / limit_);
    return std::max(interval, spread);
}

std::optional<std::string> CallBudget::stretchWarning(seconds interval) const
{
    const seconds effective = effectiveInterval(interval);
    if (effective == interval)
        return std::nullopt;
    return "interval " + formatDuration(interval) + " would spend more than the bank's " +
           calls(limit_) + " " + perWindow(window_) + "; polling every " +
           formatDuration(effective) + " instead";
}

CallBudget::TimePoint CallBudget::firstPollDue(TimePoint now, std::optional<WallTime> lastSuccess,
                                               seconds interval) const
{
    TimePoint due = now;
    if (lastSuccess) {
        // A last success "in the future" is a clock set back: take it as just now.
        const auto age = std::max(clock_.wallNow() - *lastSuccess, WallTime::duration::zero());
        const auto ageMono = duration_cast<TimePoint::duration>(age);
        if (ageMono < interval)
            due = now + (interval - ageMono);
    }
    return std::max(due, nextAvailable(now));
}

int CallBudget::used(TimePoint now) const
{
    return static_cast<int>(std::count_if(spent_.begin(), spent_.end(),
                                          [&](TimePoint t) { return leavesWindow(t) > now; }));
}

int CallBudget::remaining(TimePoint now) const
{
    if (heldUntil_ && *heldUntil_ > now)
        return 0;
    return std::max(limit_ - used(now), 0);
}

CallBudget::TimePoint CallBudget::nextAvailable(TimePoint now) const
{
    TimePoint available = now;
    if (heldUntil_ && *heldUntil_ > now)
        available = *heldUntil_;
    // spent_ is oldest first: when `used` calls are in the window, the (used - limit + 1)
    // oldest of them must leave it before one more fits.
    std::vector<TimePoint> inWindow;
    for (TimePoint t : spent_)
        if (leavesWindow(t) > now)
            inWindow.push_back(t);
    const int count = static_cast<int>(inWindow.size());
    if (count >= limit_)
        available =
            std::max(available, leavesWindow(inWindow[static_cast<std::size_t>(count - limit_)]));
    return available;
}

std::optional<CallBudget::TimePoint> CallBudget::resetsAt(TimePoint now) const
{
    std::optional<TimePoint> reset;
    for (TimePoint t : spent_) {
        if (leavesWindow(t) > now) {
            reset = leavesWindow(t);
            break;
        }
    }
    if (heldUntil_ && *heldUntil_ > now && (!reset || *heldUntil_ > *reset))
        reset = heldUntil_;
    return reset;
}

void CallBudget::spend(TimePoint now)
{
    prune(now);
    spent_.insert(std::upper_bound(spent_.begin(), spent_.end(), now), now);
    if (spent_.size() > kMaxEntries)
        spent_.erase(spent_.begin(), spent_.end() - static_cast<std::ptrdiff_t>(kMaxEntries));
    save();
}

void CallBudget::refund(TimePoint spentBy)
{
    const auto after = std::upper_bound(spent_.begin(), spent_.end(), spentBy);
    if (after == spent_.begin())
        return;
    spent_.erase(std::prev(after));
    save();
}

void CallBudget::exhausted(TimePoint now, std::optional<seconds> retryAfter)
{
    prune(now);
    const seconds longest = window_ + margin_;
    TimePoint until;
    if (retryAfter && retryAfter->count() > 0)
        until = now + std::min(*retryAfter, longest);
    else if (!spent_.empty())
        until = leavesWindow(spent_.front());  // prune() left only calls in the window
    else
        until = now + longest;  // the bank counts calls we do not know of
    if (!heldUntil_ || *heldUntil_ < until)
        heldUntil_ = until;
    save();
}

std::string CallBudget::refusal(TimePoint now) const
{
    const std::string at = localClock(toWall(nextAvailable(now)));
    const int spent = used(now);
    if (spent < limit_)  // held by the bank's 429, not by our count
        return "the bank refuses more calls for now (its limit of " + calls(limit_) + " " +
               perWindow(window_) + " is reached); the next one is available at " + at;
    const std::string budget =
        window_ == kDefaultWindow ? "today's budget" : "the budget of " + formatDuration(window_);
    return "no calls of " + budget + " left (" + std::to_string(spent) + " of " +
           std::to_string(limit_) + " used); the next one is available at " + at;
}

void CallBudget::prune(TimePoint now)
{
    spent_.erase(std::remove_if(spent_.begin(), spent_.end(),
                                [&](TimePoint t) { return leavesWindow(t) <= now; }),
                 spent_.end());
    if (heldUntil_ && *heldUntil_ <= now)
        heldUntil_.reset();
}

CallBudget::WallTime CallBudget::toWall(TimePoint t) const
{
    return clock_.wallNow() + duration_cast<WallTime::duration>(t - clock_.monotonicNow());
}

void CallBudget::restore()
{
    const auto saved = hostState_.get(kStateKey);
    if (!saved)
        return;
    seen_ = saved;
    const WallTime wallNow = clock_.wallNow();
    const TimePoint monoNow = clock_.monotonicNow();
    // Wall time read back becomes monotonic time once, here; from then on a wall-clock jump
    // changes nothing in this process.
    auto toMono = [&](long long epochSeconds) {
        const WallTime wall{seconds(epochSeconds)};
        return monoNow - duration_cast<TimePoint::duration>(wallNow - wall);
    };
    Poco::JSON::Object::Ptr object;
    try {
        object = Poco::JSON::Parser().parse(*saved).extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
        object.reset();
    }
    if (!object) {  // unreadable as a whole: nothing known; the bank's 429 is the backstop
        restoreWarning_ = "ignoring an unreadable call budget in the state file";
        return;
    }
    int damaged = 0;
    int future = 0;
    if (auto calls = object->getArray("calls")) {
        for (std::size_t i = 0; i < calls->size() && i < kMaxEntries; ++i) {
            const auto epoch = positiveInteger(calls->get(static_cast<unsigned>(i)));
            if (!epoch) {
                ++damaged;
                continue;
            }
            seenCalls_.push_back(*epoch);
            // Dated after now: we cannot tell when it was spent, so it counts from now.
            const TimePoint mono = toMono(*epoch);
            if (mono > monoNow)
                ++future;
            const TimePoint t = std::min(mono, monoNow);
            if (leavesWindow(t) > monoNow)
                spent_.push_back(t);
        }
        std::sort(spent_.begin(), spent_.end());
    } else if (object->has("calls")) {
        ++damaged;
    }
    if (object->has("held_until")) {
        if (const auto epoch = positiveInteger(object->get("held_until"))) {
            const TimePoint until = std::min(toMono(*epoch), monoNow + window_ + margin_);
            if (until > monoNow)
                heldUntil_ = until;
        } else {
            ++damaged;
        }
    }
    if (damaged > 0)
        restoreWarning_ = "ignoring " + std::to_string(damaged) + " unreadable entr" +
                          (damaged == 1 ? "y" : "ies") + " of the call budget in the state file";
    else if (future > 0)
        restoreWarning_ = "the call budget in the state file has " + std::to_string(future) +
                          " call" + (future == 1 ? "" : "s") +
                          " dated in the future (was the clock set back?); counted as spent now";
}

void CallBudget::absorbOthers()
{
    const auto saved = hostState_.get(kStateKey);
    if (!saved || saved == seen_)
        return;
    seen_ = saved;
    Poco::JSON::Object::Ptr object;
    try {
        object = Poco::JSON::Parser().parse(*saved).extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
        return;  // what we know stands; our next save() replaces the damaged text
    }
    if (!object)
        return;
    const WallTime wallNow = clock_.wallNow();
    const TimePoint monoNow = clock_.monotonicNow();
    auto toMono = [&](long long epochSeconds) {
        const WallTime wall{seconds(epochSeconds)};
        return monoNow - duration_cast<TimePoint::duration>(wallNow - wall);
    };
    // The calls that are new since the list this budget last read or wrote are another
    // process's. Compared as the saved seconds, not through this process's clock offset, so a
    // wall-clock step since then does not make our own calls look like new ones; one second
    // of leeway for the other process's rounding.
    std::vector<long long> known = seenCalls_;
    std::vector<long long> now;
    bool added = false;
    if (auto calls = object->getArray("calls")) {
        for (std::size_t i = 0; i < calls->size() && i < kMaxEntries; ++i) {
            const auto epoch = positiveInteger(calls->get(static_cast<unsigned>(i)));
            if (!epoch)
                continue;
            now.push_back(*epoch);
            auto seen = std::find_if(known.begin(), known.end(), [&](long long k) {
                return k >= *epoch - 1 && k <= *epoch + 1;
            });
            if (seen != known.end()) {
                known.erase(seen);
                continue;
            }
            const TimePoint t = std::min(toMono(*epoch), monoNow);
            if (leavesWindow(t) > monoNow) {
                spent_.insert(std::upper_bound(spent_.begin(), spent_.end(), t), t);
                added = true;
            }
        }
    }
    seenCalls_ = std::move(now);
    if (spent_.size() > kMaxEntries)
        spent_.erase(spent_.begin(), spent_.end() - static_cast<std::ptrdiff_t>(kMaxEntries));
    if (object->has("held_until")) {
        if (const auto epoch = positiveInteger(object->get("held_until"))) {
            const TimePoint until = std::min(toMono(*epoch), monoNow + window_ + margin_);
            if (until > monoNow && (!heldUntil_ || *heldUntil_ < until)) {
                heldUntil_ = until;
                added = true;
            }
        }
    }
    // Written back at once, so that the other's call survives whichever process writes next.
    if (added)
        save();
}

void CallBudget::save()
{
    Poco::JSON::Object object;
    Poco::JSON::Array calls;
    seenCalls_.clear();
    for (TimePoint t : spent_) {
        seenCalls_.push_back(epochSecondsCeil(toWall(t)));
        calls.add(static_cast<Poco::Int64>(seenCalls_.back()));
    }
    object.set("calls", calls);
    if (heldUntil_)
        object.set("held_until", static_cast<Poco::Int64>(epochSecondsCeil(toWall(*heldUntil_))));
    std::ostringstream text;
    object.stringify(text);
    seen_ = text.str();
    hostState_.put(kStateKey, *seen_);
}

}  // namespace bank2mqtt
