// SPDX-License-Identifier: MIT
// Scheduler on a fake clock: intervals, back-off bounds and jitter, rate limits, refresh.
#include "scheduler.h"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using bank2mqtt::Scheduler;

namespace {

const Scheduler::TimePoint kT0{std::chrono::hours(1)};

Scheduler makeScheduler(double jitter = 0.0)
{
    return Scheduler([jitter] { return jitter; });
}

}  // namespace

TEST(Scheduler, FirstPollIsDueAtOnce)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);

    EXPECT_EQ(s.due(kT0), std::vector<std::string>{"kid"});
    EXPECT_EQ(s.nextWake(), kT0);
}

TEST(Scheduler, SuccessSchedulesOneIntervalAfterTheAttempt)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);

    s.succeeded("kid", kT0);

    EXPECT_TRUE(s.due(kT0 + 14min).empty());
    EXPECT_EQ(s.due(kT0 + 15min), std::vector<std::string>{"kid"});
}

TEST(Scheduler, BackoffDoublesFromThirtySecondsAndStopsAtTheInterval)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);
    std::vector<std::chrono::seconds> delays;
    auto t = kT0;

    for (int i = 0; i < 8; ++i) {
        s.failed("kid", t);
        const auto next = *s.nextDue("kid");
        delays.push_back(std::chrono::duration_cast<std::chrono::seconds>(next - t));
        t = next;
    }

    const std::vector<std::chrono::seconds> expected{30s, 60s, 120s, 240s, 480s, 900s, 900s, 900s};
    EXPECT_EQ(delays, expected);
    EXPECT_EQ(s.consecutiveFailures("kid"), 8);
}

TEST(Scheduler, JitterOnlyShortensTheDelayByAtMostTwentyPercent)
{
    auto s = makeScheduler(0.999);
    s.add("kid", 15min, kT0);

    s.failed("kid", kT0);

    const auto delay = *s.nextDue("kid") - kT0;
    EXPECT_LT(delay, 30s);
    EXPECT_GE(delay, 24s);
}

TEST(Scheduler, BackoffNeverExceedsAShortInterval)
{
    auto s = makeScheduler();
    s.add("kid", 2s, kT0);

    for (int i = 0; i < 5; ++i)
        s.failed("kid", kT0);

    EXPECT_LE(*s.nextDue("kid") - kT0, 2s);
}

TEST(Scheduler, SuccessResetsTheBackoff)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);
    s.failed("kid", kT0);
    s.failed("kid", kT0 + 30s);

    s.succeeded("kid", kT0 + 90s);
    s.failed("kid", kT0 + 1000s);

    EXPECT_EQ(*s.nextDue("kid") - (kT0 + 1000s), 30s);
}

TEST(Scheduler, RateLimitHonoursRetryAfter)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);

    s.rateLimited("kid", kT0, 7200s);

    EXPECT_EQ(*s.nextDue("kid") - kT0, 7200s);
}

TEST(Scheduler, RateLimitWithoutRetryAfterBacksOff)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);

    s.rateLimited("kid", kT0, std::nullopt);

    EXPECT_EQ(*s.nextDue("kid") - kT0, 30s);
}

TEST(Scheduler, SuspendedSourceIsNeverDueUntilRefresh)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);

    s.suspend("kid", kT0);

    EXPECT_TRUE(s.due(kT0 + 24h).empty());
    EXPECT_FALSE(s.nextWake().has_value());
    s.refresh("kid", kT0 + 24h);
    EXPECT_EQ(s.due(kT0 + 24h), std::vector<std::string>{"kid"});
}

TEST(Scheduler, RefreshRightAfterAPollIsDeferredNotDropped)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);
    s.succeeded("kid", kT0);

    s.refresh("kid", kT0 + 5s);

    EXPECT_TRUE(s.due(kT0 + 29s).empty());
    EXPECT_EQ(s.due(kT0 + 30s), std::vector<std::string>{"kid"});
}

TEST(Scheduler, RefreshNeverPostponesAnEarlierPoll)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);
    s.failed("kid", kT0);  // next poll at +30 s

    s.refresh("kid", kT0 + 1s);

    EXPECT_EQ(*s.nextDue("kid") - kT0, 30s);
}

TEST(Scheduler, DueListsSourcesInTheOrderAdded)
{
    auto s = makeScheduler();
    s.add("zeta", 1min, kT0);
    s.add("alpha", 1min, kT0);

    EXPECT_EQ(s.due(kT0), (std::vector<std::string>{"zeta", "alpha"}));
}

TEST(Scheduler, ARefreshDuringAFetchIsServedByThatFetch)
{
    Scheduler s([] { return 0.0; });
    const auto t0 = Scheduler::TimePoint{} + std::chrono::hours(1);
    s.add("kid", std::chrono::minutes(15), t0);
    s.started("kid", t0);

    s.refresh("kid", t0 + std::chrono::seconds(40));

    // Nothing due while the fetch runs (the poll loop would spin on a due time in the past).
    EXPECT_TRUE(s.due(t0 + std::chrono::minutes(5)).empty());
    EXPECT_FALSE(s.nextWake().has_value());
    s.succeeded("kid", t0);
    EXPECT_EQ(s.nextDue("kid"), t0 + std::chrono::minutes(15));
    s.refresh("kid", t0 + std::chrono::seconds(40));
    EXPECT_EQ(s.nextDue("kid"), t0 + std::chrono::seconds(40));
}

TEST(Scheduler, DeferUntilMovesTheNextPollEitherWay)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);
    s.succeeded("kid", kT0);

    s.deferUntil("kid", kT0 + 6h);
    EXPECT_EQ(s.nextDue("kid"), kT0 + 6h);
    s.deferUntil("kid", kT0 + 1h);
    EXPECT_EQ(s.nextDue("kid"), kT0 + 1h);
}

TEST(Scheduler, DeferUntilLeavesASuspendedOrRunningSourceAlone)
{
    auto s = makeScheduler();
    s.add("kid", 15min, kT0);
    s.started("kid", kT0);
    s.deferUntil("kid", kT0 + 6h);
    EXPECT_FALSE(s.nextDue("kid").has_value());

    s.suspend("kid", kT0);
    s.deferUntil("kid", kT0 + 6h);
    EXPECT_FALSE(s.nextDue("kid").has_value());
}
