// SPDX-License-Identifier: MIT
// CallBudget on a fake clock and an in-memory state store: a simulated day, restarts, 429,
// refusals.
#include "call_budget.h"

#include "support/fake_clock.h"
#include "support/memory_state_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

using namespace std::chrono_literals;
using bank2mqtt::CallBudget;
using bank2mqtt::test::FakeClock;
using bank2mqtt::test::MemoryStateStore;

namespace {

// The FakeClock's wall time starts at 2026-11-27T07:00:00Z.
constexpr long long kStartEpoch = 1795762800;

/// Sets TZ for one test so that "local time" in sentences is known; restores it after.
class ScopedTimeZone {
public:
    explicit ScopedTimeZone(const char* tz)
    {
        if (const char* old = std::getenv("TZ"))
            old_ = old;
        setenv("TZ", tz, 1);
        tzset();
    }
    ~ScopedTimeZone()
    {
        if (old_)
            setenv("TZ", old_->c_str(), 1);
        else
            unsetenv("TZ");
        tzset();
    }

private:
    std::optional<std::string> old_;
};

/// What the poll loop will do with a budget: poll when due and allowed, else wait for the
/// budget. Steps the clock a minute at a time for `span`; returns the monotonic times spent.
std::vector<CallBudget::TimePoint> simulate(FakeClock& clock, CallBudget& budget,
                                            std::chrono::seconds interval,
                                            std::chrono::seconds span,
                                            std::optional<CallBudget::WallTime> lastSuccess = {})
{
    const auto effective = budget.effectiveInterval(interval);
    const auto end = clock.monotonicNow() + span;
    auto due = budget.firstPollDue(clock.monotonicNow(), lastSuccess, effective);
    std::vector<CallBudget::TimePoint> spent;
    for (; clock.monotonicNow() < end; clock.advance(1min)) {
        const auto now = clock.monotonicNow();
        if (now < due)
            continue;
        if (!budget.canSpend(now)) {
            due = budget.nextAvailable(now);
            continue;
        }
        budget.spend(now);
        spent.push_back(now);
        due = now + effective;
    }
    return spent;
}

void expectAtMostFourInAnyDay(const std::vector<CallBudget::TimePoint>& spent)
{
    for (std::size_t i = 0; i + 4 < spent.size(); ++i)
        EXPECT_GE(spent[i + 4] - spent[i], 24h) << "calls " << i << " and " << i + 4;
}

}  // namespace

TEST(CallBudget, SimulatedDayWithLimitFourAndQuarterHourIntervalSpendsExactlyFour)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    const auto t0 = clock.monotonicNow();

    const auto spent = simulate(clock, budget, 15min, 24h);

    const std::vector<CallBudget::TimePoint> expected{t0, t0 + 6h, t0 + 12h, t0 + 18h};
    EXPECT_EQ(spent, expected);
}

TEST(CallBudget, NeverPollsPastTheLimitEvenWhenAskedEveryQuarterHour)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    std::vector<CallBudget::TimePoint> spent;

    // A caller that ignores the effective interval and only asks canSpend().
    for (int i = 0; i < 3 * 24 * 4; ++i, clock.advance(15min)) {
        if (budget.canSpend(clock.monotonicNow())) {
            budget.spend(clock.monotonicNow());
            spent.push_back(clock.monotonicNow());
        }
    }

    EXPECT_LE(spent.size(), 3u * 4u);
    expectAtMostFourInAnyDay(spent);
}

TEST(CallBudget, SpreadsPollsOverSeveralDaysWithoutRunningOut)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);

    const auto spent = simulate(clock, budget, 15min, 72h);

    // The safety margin shifts one poll a day by five minutes; never a fifth call in 24 h.
    EXPECT_EQ(spent.size(), 12u);
    expectAtMostFourInAnyDay(spent);
}

TEST(CallBudget, RestartMidDaySpendsNothingExtra)
{
    FakeClock clock;
    MemoryStateStore state;
    const auto t0 = clock.monotonicNow();
    std::vector<CallBudget::TimePoint> spent;
    {
        CallBudget before(4, clock, state);
        spent = simulate(clock, before, 15min, 7h);  // polls at 0 h and 6 h
    }
    ASSERT_EQ(spent.size(), 2u);
    const auto lastSuccessWall = clock.wallNow() - 1h;  // the 6 h poll, as "last_success" keeps it

    CallBudget after(4, clock, state);
    EXPECT_EQ(after.restoreWarning(), std::nullopt);
    EXPECT_EQ(after.used(clock.monotonicNow()), 2);
    EXPECT_EQ(after.remaining(clock.monotonicNow()), 2);
    const auto rest = simulate(clock, after, 15min, 17h, lastSuccessWall);

    const std::vector<CallBudget::TimePoint> expected{t0 + 12h, t0 + 18h};
    EXPECT_EQ(rest, expected);
}

TEST(CallBudget, RestartWithTheBudgetSpentWaitsForTheWindow)
{
    FakeClock clock;
    MemoryStateStore state;
    const auto t0 = clock.monotonicNow();
    {
        CallBudget before(4, clock, state);
        for (int i = 0; i < 4; ++i, clock.advance(1h))
            before.spend(clock.monotonicNow());
    }

    CallBudget after(4, clock, state);

    EXPECT_FALSE(after.canSpend(clock.monotonicNow()));
    EXPECT_EQ(after.firstPollDue(clock.monotonicNow(), std::nullopt, 6h), t0 + 24h + 5min);
}

TEST(CallBudget, RefreshWithNoBudgetLeftIsAnsweredBySentence)
{
    ScopedTimeZone tz("CET-1");  // Oslo in winter, without needing tzdata
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    const auto t0 = clock.monotonicNow();
    for (int i = 0; i < 4; ++i, clock.advance(1h))
        budget.spend(clock.monotonicNow());

    const auto now = clock.monotonicNow();
    EXPECT_FALSE(budget.canSpend(now));
    EXPECT_EQ(budget.remaining(now), 0);
    EXPECT_EQ(budget.nextAvailable(now), t0 + 24h + 5min);
    // The first call left the window at 07:05 UTC the next day, 08:05 in Oslo.
    EXPECT_EQ(budget.refusal(now), "no calls of today's budget left (4 of 4 used); the next one "
                                   "is available at 08:05");
}

TEST(CallBudget, RefusalRoundsTheTimeUpToTheMinute)
{
    ScopedTimeZone tz("UTC0");
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(1, clock, state, 24h, 0s);
    clock.advance(30s);
    budget.spend(clock.monotonicNow());  // leaves the window at 07:00:30 the next day

    EXPECT_EQ(budget.refusal(clock.monotonicNow()),
              "no calls of today's budget left (1 of 1 used); the next one is available at 07:01");
}

TEST(CallBudget, RateLimitHoldsUntilTheOldestCallLeavesTheWindow)
{
    ScopedTimeZone tz("UTC0");
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    const auto t0 = clock.monotonicNow();
    budget.spend(t0);  // the bank counted calls we do not know of and answers 429
    budget.exhausted(t0, std::nullopt);

    EXPECT_EQ(budget.remaining(t0), 0);
    EXPECT_FALSE(budget.canSpend(t0 + 24h));
    EXPECT_EQ(budget.nextAvailable(t0), t0 + 24h + 5min);
    EXPECT_EQ(budget.resetsAt(t0), t0 + 24h + 5min);
    EXPECT_EQ(budget.refusal(t0), "the bank refuses more calls for now (its limit of 4 calls a "
                                  "day is reached); the next one is available at 07:05");

    CallBudget restarted(4, clock, state);  // the hold survives a restart
    EXPECT_FALSE(restarted.canSpend(t0 + 12h));
    EXPECT_TRUE(restarted.canSpend(t0 + 24h + 5min));
    EXPECT_EQ(restarted.remaining(t0 + 24h + 5min), 4);
}

TEST(CallBudget, RateLimitWithRetryAfterHoldsForThatLong)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    const auto t0 = clock.monotonicNow();
    budget.spend(t0);

    budget.exhausted(t0, 2h);

    EXPECT_FALSE(budget.canSpend(t0 + 2h - 1s));
    EXPECT_TRUE(budget.canSpend(t0 + 2h));
    EXPECT_EQ(budget.remaining(t0 + 2h), 3);
}

TEST(CallBudget, RateLimitRetryAfterIsCappedAtTheWindow)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    const auto t0 = clock.monotonicNow();

    budget.exhausted(t0, 24h * 30);

    EXPECT_EQ(budget.nextAvailable(t0), t0 + 24h + 5min);
}

TEST(CallBudget, StretchesAShortIntervalWithOneSentence)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);

    EXPECT_EQ(budget.effectiveInterval(15min), 6h);
    EXPECT_EQ(budget.stretchWarning(15min),
              "interval 15m would spend more than the bank's 4 calls a day; polling every 6h "
              "instead");
    EXPECT_EQ(budget.effectiveInterval(8h), 8h);
    EXPECT_EQ(budget.stretchWarning(8h), std::nullopt);
    EXPECT_EQ(budget.stretchWarning(6h), std::nullopt);
}

TEST(CallBudget, StretchedIntervalIsRoundedUpToWholeSeconds)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget seven(7, clock, state);
    CallBudget hourly(2, clock, state, 1h);

    EXPECT_EQ(seven.effectiveInterval(1min), 12343s);  // 86400 / 7 = 12342.86
    EXPECT_EQ(hourly.stretchWarning(1min), "interval 1m would spend more than the bank's 2 calls "
                                           "per 1h; polling every 30m instead");
}

TEST(CallBudget, FirstPollWaitsWhileRetainedValuesAreYoungerThanTheInterval)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    const auto now = clock.monotonicNow();
    const auto wall = clock.wallNow();

    EXPECT_EQ(budget.firstPollDue(now, wall - 2h, 6h), now + 4h);
    EXPECT_EQ(budget.firstPollDue(now, wall - 7h, 6h), now);
    EXPECT_EQ(budget.firstPollDue(now, std::nullopt, 6h), now);
    // A last success "in the future" is a clock set back: a whole interval from now.
    EXPECT_EQ(budget.firstPollDue(now, wall + 3h, 6h), now + 6h);
}

TEST(CallBudget, ReportsRemainingLimitAndReset)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    const auto t0 = clock.monotonicNow();
    EXPECT_EQ(budget.limit(), 4);
    EXPECT_EQ(budget.remaining(t0), 4);
    EXPECT_EQ(budget.resetsAt(t0), std::nullopt);

    budget.spend(t0);
    budget.spend(t0 + 6h);

    EXPECT_EQ(budget.used(t0 + 7h), 2);
    EXPECT_EQ(budget.remaining(t0 + 7h), 2);
    EXPECT_EQ(budget.resetsAt(t0 + 7h), t0 + 24h + 5min);
    EXPECT_EQ(budget.remaining(t0 + 24h + 5min), 3);
    EXPECT_EQ(budget.resetsAt(t0 + 24h + 5min), t0 + 30h + 5min);
}

TEST(CallBudget, PersistsOnlyWallClockSecondsUnderItsKey)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);

    budget.spend(clock.monotonicNow());
    budget.exhausted(clock.monotonicNow(), 1h);

    EXPECT_EQ(state.values.at("call_budget"),
              "{\"calls\":[" + std::to_string(kStartEpoch) +
                  "],\"held_until\":" + std::to_string(kStartEpoch + 3600) + "}");
}

TEST(CallBudget, UnreadableStateIsDropped)
{
    FakeClock clock;
    for (const char* text : {"garbage", "[1,2]", "{\"calls\":\"x\"}", "", "{\"calls\":[",
                             "{\"calls\":[-5,0,1.5,\"1795762800\",null,{}]}"}) {
        MemoryStateStore state;
        state.values["call_budget"] = text;
        CallBudget budget(4, clock, state);
        EXPECT_EQ(budget.used(clock.monotonicNow()), 0) << text;
        EXPECT_TRUE(budget.canSpend(clock.monotonicNow())) << text;
        EXPECT_TRUE(budget.restoreWarning().has_value()) << text;
    }
}

TEST(CallBudget, CorruptEntriesAreDroppedAndGoodOnesKept)
{
    FakeClock clock;
    MemoryStateStore state;
    const auto old = std::to_string(kStartEpoch - 25 * 3600);  // left the window long ago
    const auto recent = std::to_string(kStartEpoch - 3600);
    state.values["call_budget"] = "{\"calls\":[\"x\"," + old + "," + recent + ",-1]}";

    CallBudget budget(4, clock, state);

    const auto now = clock.monotonicNow();
    EXPECT_EQ(budget.used(now), 1);
    EXPECT_EQ(budget.resetsAt(now), now - 1h + 24h + 5min);
    EXPECT_EQ(budget.restoreWarning(),
              "ignoring 2 unreadable entries of the call budget in the state file");
}

TEST(CallBudget, FutureDatedEntriesCountAsSpentNow)
{
    FakeClock clock;
    MemoryStateStore state;
    const auto future = std::to_string(kStartEpoch + 10 * 3600);  // clock set back, or corrupt
    state.values["call_budget"] =
        "{\"calls\":[" + future + "," + future + "," + future + "," + future +
        "],\"held_until\":" + std::to_string(kStartEpoch + 365 * 86400) + "}";

    CallBudget budget(4, clock, state);

    const auto now = clock.monotonicNow();
    EXPECT_EQ(budget.used(now), 4);
    // Neither the calls nor the hold reach further than one window (plus margin) from now.
    EXPECT_EQ(budget.nextAvailable(now), now + 24h + 5min);
    EXPECT_TRUE(budget.canSpend(now + 24h + 5min));
    EXPECT_EQ(budget.restoreWarning(), "the call budget in the state file has 4 calls dated in "
                                       "the future (was the clock set back?); counted as spent "
                                       "now");
}

TEST(CallBudget, AbsorbsTheCallsAnotherProcessSpentInTheSameStore)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget daemon(4, clock, state);
    const auto t0 = clock.monotonicNow();
    daemon.spend(t0);

    // --list-accounts next to the running daemon: its own budget over the same state_dir.
    clock.advance(1h);
    {
        CallBudget list(4, clock, state);
        EXPECT_EQ(list.used(clock.monotonicNow()), 1);
        list.spend(clock.monotonicNow());
    }
    clock.advance(1h);
    daemon.absorbOthers();
    EXPECT_EQ(daemon.used(clock.monotonicNow()), 2);
    daemon.spend(clock.monotonicNow());

    CallBudget restarted(4, clock, state);
    EXPECT_EQ(restarted.used(clock.monotonicNow()), 3);
    // Nothing new: our own calls are not counted twice.
    daemon.absorbOthers();
    EXPECT_EQ(daemon.used(clock.monotonicNow()), 3);
}

TEST(CallBudget, AbsorbsAHoldAnotherProcessWasToldOf)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget daemon(4, clock, state);
    const auto t0 = clock.monotonicNow();
    {
        CallBudget once(4, clock, state);
        once.spend(t0);
        once.exhausted(t0, std::chrono::seconds(2h));
    }
    daemon.absorbOthers();
    EXPECT_FALSE(daemon.canSpend(t0 + 1h));
    EXPECT_TRUE(daemon.canSpend(t0 + 2h));
    EXPECT_EQ(daemon.used(t0), 1);
}

TEST(CallBudget, ARefundTakesBackTheCallOfAFetchThatMadeNoRequestAndPersists)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    budget.spend(clock.monotonicNow());
    clock.advance(1h);
    const auto second = clock.monotonicNow();
    budget.spend(second);
    clock.advance(1s);
    EXPECT_EQ(budget.remaining(clock.monotonicNow()), 2);

    budget.refund(clock.monotonicNow());  // takes the newest: the one spent at `second`
    EXPECT_EQ(budget.remaining(clock.monotonicNow()), 3);
    CallBudget restarted(4, clock, state);
    EXPECT_EQ(restarted.remaining(clock.monotonicNow()), 3);
    // The oldest call still leaves the window a day after it was spent, not the refunded one.
    EXPECT_EQ(restarted.resetsAt(clock.monotonicNow()),
              second - 1h + CallBudget::kDefaultWindow + CallBudget::kDefaultMargin);
}

TEST(CallBudget, ARefundWithNothingSpentChangesNothing)
{
    FakeClock clock;
    MemoryStateStore state;
    CallBudget budget(4, clock, state);
    budget.refund(clock.monotonicNow());
    EXPECT_EQ(budget.remaining(clock.monotonicNow()), 4);
    EXPECT_FALSE(state.get(CallBudget::kStateKey));
}
