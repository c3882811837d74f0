// SPDX-License-Identifier: MIT
// The call budget wired into the poll loop, on a fake clock (never sleeping): a day of polls,
// a restart that spends nothing, a 429 that holds the source, failures retried one interval
// later, a refresh refused with a sentence, --once, and what the status topic says.
#include "installation_key.h"
#include "poll_loop.h"
#include "publisher.h"
#include "source_budgets.h"
#include "source_poller.h"
#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_mqtt_client.h"
#include "support/memory_state_store.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <mutex>

using namespace bank2mqtt;
using namespace bank2mqtt::test;
using namespace std::chrono_literals;

namespace {

/// A bank with a daily limit: answers from a script (Ok once the script is empty) and records
/// when each fetch started. fetch() runs on the source's worker thread.
class LimitedSource final : public BankSource, public CallLimit {
public:
    LimitedSource(Clock& clock, std::uint32_t limit) : clock_(clock), limit_(limit) {}

    std::vector<ConfigKey> configKeys() const noexcept override { return {}; }
    ConfigResult configure(const SourceConfig&) noexcept override { return {}; }
    FetchResult listAccounts() noexcept override { return fetch(); }
    FetchResult fetch() noexcept override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fetches_.push_back(clock_.monotonicNow());
        if (script_.empty())
            return FetchResult::ok({okAccount()});
        FetchResult r = script_.front();
        script_.pop_front();
        return r;
    }
    void* capability(const std::string& name, std::uint32_t version) noexcept override
    {
        if (name == CallLimit::kName && version == CallLimit::kVersion)
            return static_cast<CallLimit*>(this);
        return nullptr;
    }
    std::uint32_t pollsPerDay() const noexcept override { return limit_; }

    void then(FetchResult r)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        script_.push_back(std::move(r));
    }
    std::vector<std::chrono::steady_clock::time_point> fetches() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return fetches_;
    }
    int count() const { return static_cast<int>(fetches().size()); }

    static Account okAccount()
    {
        Account a;
        a.fingerprint = "0123456789abcdef0123456789abcdef";
        a.name = "Lommepenger";
        a.type = "Standard account";
        a.maskedNumber = "*******3219";
        a.balance = {43725, "NOK"};
        a.available = {43725, "NOK"};
        return a;
    }

private:
    Clock& clock_;
    std::uint32_t limit_;
    mutable std::mutex mutex_;
    std::deque<FetchResult> script_;
    std::vector<std::chrono::steady_clock::time_point> fetches_;
};

/// What stays when the daemon restarts: the bank, the clock, the broker and state_dir.
struct World {
    FakeClock clock;
    FakeMqttClient mqtt;
    MemoryStateStore hostState, daemonState;
    LimitedSource source;
    explicit World(std::uint32_t limit = 4) : source(clock, limit) {}

    std::string status() { return mqtt.retained["bank2mqtt/kid/status"]; }
};

/// One process of the daemon over a World: budgets, poller, scheduler and loop built the way
/// App::makePollers builds them, with `interval` configured.
struct Process {
    World& w;
    CapturingLogger log, pollerLog;
    Publisher publisher{w.mqtt, "bank2mqtt"};
    PublishedTopics registry{w.daemonState};
    InstallationKey ids{w.daemonState};
    SourceBudgets budgets{w.clock};
    Scheduler scheduler{[] { return 0.0; }};
    std::chrono::seconds interval;
    SourcePoller poller;
    PollLoop loop;

    Process(World& world, std::chrono::seconds configured = 15min)
        : w(world), interval(budgets.add("kid", w.source, w.hostState, log, configured)),
          poller(plan(interval), ids, w.source, w.clock, pollerLog, w.hostState, publisher,
                 registry),
          loop(w.clock, scheduler, publisher, {&poller}, "test")
    {
        w.mqtt.setConnectedHandler([this] { publisher.onConnected(); });
        w.mqtt.simulateReconnect();
        poller.setCallBudget(budgets.find("kid"));
        scheduler.add("kid", interval,
                      budgets.firstDue("kid", w.clock.monotonicNow(), poller.status().lastSuccess));
        loop.useBudgets(budgets);
    }
    static SourcePlan plan(std::chrono::seconds interval)
    {
        SourcePlan p;
        p.id = "kid";
        p.maxAge = 3 * interval;
        p.bank = "Testbank";
        return p;
    }
    /// One pass of the loop, and the pass that applies a fetch it started.
    void step()
    {
        loop.step();
        ASSERT_TRUE(loop.waitForFetches(5s));
        loop.step();
    }
    /// Moves the clock by `by` in `stride`s, stepping the loop after each.
    void run(std::chrono::seconds by, std::chrono::seconds stride = 5min)
    {
        for (std::chrono::seconds done{0}; done < by; done += stride) {
            w.clock.advance(stride);
            step();
        }
    }
};

Poco::JSON::Object::Ptr json(const std::string& text)
{
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST(CallBudgetLoop, AShortIntervalIsStretchedOverTheDayWithOneWarning)
{
    World w;
    Process p(w, 15min);

    EXPECT_EQ(p.interval, 6h);
    EXPECT_EQ(p.log.count("interval 15m would spend more than the bank's 4 calls a day; polling "
                          "every 6h instead",
                          LogLevel::Warning),
              1u);
    EXPECT_EQ(p.log.lines.size(), 1u);
}

TEST(CallBudgetLoop, ASourceWithoutALimitIsUntouched)
{
    World w(0);
    Process p(w, 15min);

    EXPECT_EQ(p.interval, 15min);
    EXPECT_EQ(p.budgets.find("kid"), nullptr);
    EXPECT_TRUE(p.log.lines.empty());
    p.loop.start();
    p.step();
    EXPECT_EQ(json(w.status())->has("calls_remaining"), false) << w.status();
}

TEST(CallBudgetLoop, ASimulatedDayNeverPollsPastTheLimit)
{
    World w;
    Process p(w);
    const auto t0 = w.clock.monotonicNow();
    p.loop.start();
    p.step();
    p.run(48h);

    const auto fetches = w.source.fetches();
    // 0, 6, 12, 18 h; then the first call leaves the window 24 h + 5 min after it was made.
    ASSERT_EQ(fetches.size(), 8u);
    EXPECT_EQ(fetches[0], t0);
    EXPECT_EQ(fetches[3], t0 + 18h);
    EXPECT_EQ(fetches[4], t0 + 24h + 5min);
    for (std::size_t i = 0; i + 4 < fetches.size(); ++i)
        EXPECT_GE(fetches[i + 4] - fetches[i], 24h) << "fetches " << i << " and " << i + 4;
}

TEST(CallBudgetLoop, StatusCarriesTheCallsLeftAfterEverySpend)
{
    World w;
    Process p(w);
    p.loop.start();
    p.step();

    auto status = json(w.status());
    EXPECT_EQ(status->getValue<std::string>("state"), "ok");
    EXPECT_EQ(status->getValue<int>("calls_limit"), 4);
    EXPECT_EQ(status->getValue<int>("calls_remaining"), 3);
    // The call frees up 24 h + 5 min after it was made (the fake clock starts 07:00 UTC).
    EXPECT_EQ(status->getValue<std::string>("calls_reset"), "2026-11-28T07:05:00+00:00");
    EXPECT_EQ(status->getValue<std::string>("next_poll"), "2026-11-27T13:00:00+00:00");

    p.run(6h);
    EXPECT_EQ(json(w.status())->getValue<int>("calls_remaining"), 2);
}

TEST(CallBudgetLoop, ARestartWithFreshBalancesSpendsNothing)
{
    World w;
    {
        Process first(w);
        first.loop.start();
        first.step();
    }
    ASSERT_EQ(w.source.count(), 1);
    w.clock.advance(1h);

    Process second(w);
    second.loop.start();
    second.step();
    second.run(4h + 55min);

    EXPECT_EQ(w.source.count(), 1);
    auto status = json(w.status());
    EXPECT_EQ(status->getValue<std::string>("state"), "ok");
    EXPECT_EQ(status->getValue<int>("calls_remaining"), 3);
    EXPECT_EQ(status->getValue<std::string>("next_poll"), "2026-11-27T13:00:00+00:00");
    EXPECT_EQ(w.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "online");
    second.run(5min);
    EXPECT_EQ(w.source.count(), 2);
}

TEST(CallBudgetLoop, ARestartPollsAtOnceWhenTheBalancesAreOlderThanTheInterval)
{
    World w;
    {
        Process first(w);
        first.loop.start();
        first.step();
    }
    w.clock.advance(7h);

    Process second(w);
    second.loop.start();
    second.step();

    EXPECT_EQ(w.source.count(), 2);
}

TEST(CallBudgetLoop, ARestartKeepsTheCountsOfEarlierProcesses)
{
    World w(2);
    {
        Process first(w);
        first.loop.start();
        first.step();
        w.clock.advance(1h);
        first.loop.requestRefresh("kid");
        first.step();
    }
    ASSERT_EQ(w.source.count(), 2);
    // The balances are older than the interval (12 h), but both calls of the day are spent.
    w.clock.advance(13h);
    Process second(w);
    second.loop.start();
    second.step();

    EXPECT_EQ(w.source.count(), 2);
    EXPECT_EQ(json(w.status())->getValue<std::string>("next_poll"), "2026-11-28T07:05:00+00:00");
    second.run(10h);
    EXPECT_EQ(w.source.count(), 2);
    second.run(5min);
    EXPECT_EQ(w.source.count(), 3);
}

TEST(CallBudgetLoop, AFailureIsRetriedOneIntervalLaterNotOnTheBackOff)
{
    World w;
    w.source.then(FetchResult::failure(FetchStatus::Temporary, "the bank answered 503"));
    Process p(w);
    p.loop.start();
    p.step();
    ASSERT_EQ(w.source.count(), 1);
    EXPECT_EQ(json(w.status())->getValue<std::string>("state"), "error");

    p.run(5h + 55min, 30s);
    EXPECT_EQ(w.source.count(), 1);
    p.run(5min, 30s);
    EXPECT_EQ(w.source.count(), 2);
    EXPECT_EQ(json(w.status())->getValue<std::string>("state"), "ok");
}

TEST(CallBudgetLoop, A429HoldsTheSourceUntilTheWindowFreesACall)
{
    World w;
    w.source.then(FetchResult::ok({LimitedSource::okAccount()}));
    w.source.then(FetchResult::failure(FetchStatus::RateLimited, "ASPSP_RATE_LIMIT_EXCEEDED"));
    Process p(w);
    p.loop.start();
    p.step();
    p.run(6h);
    ASSERT_EQ(w.source.count(), 2);
    auto status = json(w.status());
    EXPECT_EQ(status->getValue<std::string>("state"), "rate_limited");
    EXPECT_EQ(status->getValue<int>("calls_remaining"), 0);
    EXPECT_EQ(status->getValue<std::string>("next_poll"), "2026-11-28T07:05:00+00:00");

    // Not on the 30 s back-off, not at the interval: when the first call leaves the window.
    p.run(18h);
    EXPECT_EQ(w.source.count(), 2);
    p.run(5min);
    EXPECT_EQ(w.source.count(), 3);
}

TEST(CallBudgetLoop, A429WithRetryAfterHoldsTheSourceThatLong)
{
    World w;
    w.source.then(FetchResult::failure(FetchStatus::RateLimited, "slow down", 2h));
    Process p(w);
    p.loop.start();
    p.step();
    ASSERT_EQ(w.source.count(), 1);

    EXPECT_EQ(json(w.status())->getValue<int>("calls_remaining"), 0);

    // Held for the bank's 2 h, not the 30 s back-off; then polled again.
    p.run(1h + 55min);
    EXPECT_EQ(w.source.count(), 1);
    p.run(5min);
    EXPECT_EQ(w.source.count(), 2);
    EXPECT_EQ(json(w.status())->getValue<int>("calls_remaining"), 2);
}

TEST(CallBudgetLoop, ARefreshWithNoCallLeftIsAnsweredByASentence)
{
    World w(1);
    Process p(w);
    p.loop.start();
    p.step();
    ASSERT_EQ(w.source.count(), 1);
    const std::string balance = w.mqtt.retained["bank2mqtt/kid/lommepenger/balance"];
    p.w.clock.advance(1h);

    p.loop.requestRefresh("kid");
    p.step();

    EXPECT_EQ(w.source.count(), 1);
    auto status = json(w.status());
    EXPECT_EQ(status->getValue<std::string>("state"), "ok");
    EXPECT_TRUE(status->isNull("error"));
    EXPECT_EQ(
        status->getValue<std::string>("notice").rfind(
            "no calls of today's budget left (1 of 1 used); the next one is available at ", 0),
        0u)
        << status->getValue<std::string>("notice");
    EXPECT_EQ(status->getValue<int>("calls_remaining"), 0);
    // The next poll stays where it was: when the call frees up.
    EXPECT_EQ(status->getValue<std::string>("next_poll"), "2026-11-28T07:05:00+00:00");
    EXPECT_EQ(w.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], balance);
    EXPECT_EQ(w.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "online");
    EXPECT_EQ(p.pollerLog.count("refresh not carried out: no calls of today's budget left"), 1u);

    // The next poll clears the notice.
    p.run(23h + 5min);
    EXPECT_EQ(w.source.count(), 2);
    EXPECT_FALSE(json(w.status())->has("notice")) << w.status();
}

TEST(CallBudgetLoop, ARefreshWithCallsLeftPolls)
{
    World w;
    Process p(w);
    p.loop.start();
    p.step();
    w.clock.advance(1h);

    p.loop.requestRefresh("");
    p.step();

    EXPECT_EQ(w.source.count(), 2);
    EXPECT_EQ(json(w.status())->getValue<int>("calls_remaining"), 2);
}

TEST(CallBudgetLoop, OnceSpendsFromTheBudgetAndCallsNothingWhenItIsSpent)
{
    World w(1);
    {
        Process first(w);
        const auto results = first.loop.pollAllOnce();
        ASSERT_EQ(results.size(), 1u);
        EXPECT_EQ(results[0].status, FetchStatus::Ok);
        EXPECT_EQ(json(w.status())->getValue<int>("calls_remaining"), 0);
    }
    w.clock.advance(1h);
    Process second(w);
    const auto results = second.loop.pollAllOnce();

    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, FetchStatus::RateLimited);
    EXPECT_EQ(results[0].message.rfind("no calls of today's budget left", 0), 0u);
    EXPECT_EQ(w.source.count(), 1);
    EXPECT_TRUE(json(w.status())->has("notice")) << w.status();
}

TEST(CallBudgetLoop, TheCallsLeftGoUpWhenASpentCallFreesUp)
{
    World w;
    Process p(w, 12h);  // 4 a day allow 12 h as it is
    p.loop.start();
    p.step();
    p.run(24h);
    ASSERT_EQ(w.source.count(), 3);  // 0, 12 and 24 h; the call at 0 h is in the window still
    EXPECT_EQ(json(w.status())->getValue<int>("calls_remaining"), 1);

    p.run(5min);
    EXPECT_EQ(w.source.count(), 3);
    EXPECT_EQ(json(w.status())->getValue<int>("calls_remaining"), 2);
}

TEST(CallBudgetLoop, ALongerIntervalKeepsACallForRefresh)
{
    World w;
    Process p(w, 8h + 15min);
    p.loop.start();
    p.step();
    // Never fewer than one call left, right after a poll included.
    for (int i = 0; i < 48 * 12; ++i) {
        p.run(5min);
        ASSERT_GE(json(w.status())->getValue<int>("calls_remaining"), 1)
            << "after " << i * 5 + 5 << " min";
    }
    ASSERT_EQ(w.source.count(), 6);  // 0, 8:15, 16:30, 24:45, 33:00 and 41:15

    p.loop.requestRefresh("kid");
    p.step();
    EXPECT_EQ(w.source.count(), 7);
    EXPECT_FALSE(json(w.status())->has("notice")) << w.status();
}
