// SPDX-License-Identifier: MIT
// SourcePoller + Publisher + PollLoop on fakes: what reaches the broker, and what is logged once.
#include "installation_key.h"
#include "poll_loop.h"
#include "publisher.h"
#include "source_poller.h"
#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_mqtt_client.h"
#include "support/memory_state_store.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <set>

using namespace bank2mqtt;
using namespace bank2mqtt::test;
using namespace std::chrono_literals;

namespace {

class ScriptedSource : public BankSource {
public:
    std::vector<ConfigKey> configKeys() const noexcept override { return {}; }
    ConfigResult configure(const SourceConfig&) noexcept override { return {}; }
    FetchResult listAccounts() noexcept override { return fetch(); }
    FetchResult fetch() noexcept override
    {
        ++fetches;
        if (results.empty())
            return FetchResult::failure(FetchStatus::Temporary, "script exhausted");
        FetchResult r = results.front();
        results.pop_front();
        return r;
    }
    std::deque<FetchResult> results;
    int fetches = 0;
};

Account account(const std::string& name, std::int64_t balance, const std::string& fp,
                int selector = -1)
{
    Account a;
    a.fingerprint = fp;
    a.selector = selector;
    a.name = name;
    a.type = "Standard account";
    a.maskedNumber = "*******3219";
    a.balance = {balance, "NOK"};
    a.available = {balance, "NOK"};
    a.creditLimit = Money{0, "NOK"};
    return a;
}

struct Rig {
    FakeClock clock;
    FakeMqttClient mqtt;
    Publisher publisher{mqtt, "bank2mqtt"};
    CapturingLogger log;
    MemoryStateStore hostState;
    MemoryStateStore daemonState;
    PublishedTopics registry{daemonState};
    InstallationKey ids{daemonState};
    ScriptedSource source;
    SourcePlan plan = makePlan();

    static SourcePlan makePlan()
    {
        SourcePlan p;
        p.id = "kid";
        p.maxAge = 45min;
        p.bank = "Sbanken";
        return p;
    }

    Rig()
    {
        mqtt.setConnectedHandler([this] { publisher.onConnected(); });
        mqtt.simulateReconnect();
    }
    SourcePoller poller()
    {
        return SourcePoller(plan, ids, source, clock, log, hostState, publisher, registry);
    }
};

}  // namespace

TEST(SourcePoller, PublishesEveryAccountTopicRetained)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    auto poller = rig.poller();

    poller.poll();
    poller.publishStatus(std::nullopt);

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/available"], "437.25");
    const std::string json = rig.mqtt.retained["bank2mqtt/kid/lommepenger"];
    EXPECT_NE(json.find("\"balance\":437.25"), std::string::npos) << json;
    EXPECT_NE(json.find("\"number\":\"*******3219\""), std::string::npos) << json;
    EXPECT_NE(rig.mqtt.retained["bank2mqtt/kid/status"].find("\"state\":\"ok\""),
              std::string::npos);
}

TEST(SourcePoller, APartialResultKeepsTheMissingAccountsTopicsAndSaysWhy)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok(
        {account("Lommepenger", 43725, "aa", 0), account("Sparekonto", 1250000, "bb", 1)}));
    FetchResult partial = FetchResult::ok({account("Lommepenger", 9900, "aa", 0)});
    partial.message = "Sparekonto: the bank could not give an account's balances";
    rig.source.results.push_back(partial);
    rig.source.results.push_back(partial);
    rig.source.results.push_back(FetchResult::ok(
        {account("Lommepenger", 9900, "aa", 0), account("Sparekonto", 1250100, "bb", 1)}));
    auto poller = rig.poller();
    poller.poll();

    poller.poll();
    poller.publishStatus(std::nullopt);

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "99.00");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/balance"], "12500.00");
    EXPECT_EQ(rig.mqtt.retained.count("bank2mqtt/kid/sparekonto"), 1u);
    const std::string status = rig.mqtt.retained["bank2mqtt/kid/status"];
    EXPECT_NE(status.find("\"state\":\"ok\""), std::string::npos) << status;
    EXPECT_NE(status.find("Sparekonto: the bank could not"), std::string::npos) << status;
    poller.poll();
    EXPECT_EQ(rig.log.count("some accounts could not be read", LogLevel::Warning), 1u);

    poller.poll();  // every account read again: the key stays, the message goes
    poller.publishStatus(std::nullopt);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/balance"], "12501.00");
    EXPECT_NE(rig.mqtt.retained["bank2mqtt/kid/status"].find("\"error\":null"), std::string::npos);
}

TEST(SourcePoller, FailureKeepsTheLastGoodBalanceAndReportsWhy)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    rig.source.results.push_back(
        FetchResult::failure(FetchStatus::Temporary, "the bank answered 503 Service Unavailable"));
    auto poller = rig.poller();
    poller.poll();

    poller.poll();
    poller.publishStatus(std::nullopt);

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
    const std::string status = rig.mqtt.retained["bank2mqtt/kid/status"];
    EXPECT_NE(status.find("\"state\":\"error\""), std::string::npos) << status;
    EXPECT_NE(status.find("503"), std::string::npos) << status;
}

TEST(SourcePoller, FailureIsLoggedOnceAndRecoveryOnce)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    for (int i = 0; i < 3; ++i)
        rig.source.results.push_back(FetchResult::failure(FetchStatus::Temporary, "bank down"));
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    auto poller = rig.poller();

    for (int i = 0; i < 5; ++i)
        poller.poll();

    EXPECT_EQ(rig.log.count("bank down", LogLevel::Warning), 1u);
    EXPECT_EQ(rig.log.count("recovered after 3 failed attempts", LogLevel::Info), 1u);
}

TEST(SourcePoller, DataOlderThanMaxAgeIsReportedStale)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    rig.source.results.push_back(FetchResult::failure(FetchStatus::Temporary, "bank down"));
    auto poller = rig.poller();
    poller.poll();
    rig.clock.advance(46min);

    poller.poll();

    EXPECT_EQ(poller.status().state, SourceState::Stale);
}

TEST(SourcePoller, AuthFailureIsItsOwnState)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::failure(FetchStatus::AuthRequired, "invalid_client"));
    auto poller = rig.poller();

    poller.poll();

    EXPECT_EQ(poller.status().state, SourceState::AuthFailed);
    EXPECT_EQ(rig.log.count("invalid_client", LogLevel::Error), 1u);
}

TEST(SourcePoller, AliasNamesTheTopicAndKeysSurviveARename)
{
    Rig rig;
    rig.plan.aliases = {"pocket"};
    rig.source.results.push_back(
        FetchResult::ok({account("Lommepenger", 100, "aa", 0), account("Sparekonto", 200, "bb")}));
    rig.source.results.push_back(
        FetchResult::ok({account("Lommepenger", 100, "aa", 0), account("Savings", 300, "bb")}));
    auto poller = rig.poller();

    poller.poll();
    poller.poll();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/pocket/balance"], "1.00");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/balance"], "3.00");
    EXPECT_EQ(rig.mqtt.retained.count("bank2mqtt/kid/savings/balance"), 0u);
}

TEST(SourcePoller, KeysArePersistedForTheNextProcess)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok({account("Sparekonto", 200, "bb")}));
    rig.source.results.push_back(FetchResult::ok({account("Savings", 300, "bb")}));
    rig.poller().poll();

    auto second = rig.poller();
    second.poll();

    EXPECT_EQ(second.keys().at(rig.ids.publicId("bb")), "sparekonto");
}

TEST(SourcePoller, SameNamesGetStableSuffixes)
{
    Rig rig;
    rig.source.results.push_back(
        FetchResult::ok({account("Sparekonto", 1, "ff"), account("Sparekonto", 2, "0a")}));
    auto poller = rig.poller();
    poller.poll();
    Rig fresh;  // a new process of the same installation (same key), no saved account keys
    fresh.source.results = {
        FetchResult::ok({account("Sparekonto", 1, "ff"), account("Sparekonto", 2, "0a")})};
    SourcePoller other(fresh.plan, rig.ids, fresh.source, fresh.clock, fresh.log, fresh.hostState,
                       fresh.publisher, fresh.registry);

    other.poll();

    const std::string ff = rig.ids.publicId("ff"), oa = rig.ids.publicId("0a");
    const std::set<std::string> keys{poller.keys().at(ff), poller.keys().at(oa)};
    EXPECT_EQ(keys, (std::set<std::string>{"sparekonto", "sparekonto_2"}));
    // Keyed in id order, so a new process with no saved keys hands out the same suffixes.
    EXPECT_EQ(other.keys().at(ff), poller.keys().at(ff));
    EXPECT_EQ(other.keys().at(oa), poller.keys().at(oa));
}

TEST(SourcePoller, LowBalanceTopicOnlyWithAThreshold)
{
    Rig rig;
    rig.plan.lowBalance = "100";
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 9999, "aa")}));
    auto poller = rig.poller();

    poller.poll();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/low_balance"], "ON");
    EXPECT_NE(rig.mqtt.retained["bank2mqtt/kid/lommepenger"].find("\"low_balance\":true"),
              std::string::npos);
}

TEST(SourcePoller, AnAccountLeftOutIsMarkedAndGoesUnavailableAfterItsOwnMaxAge)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok(
        {account("Lommepenger", 43725, "aa", 0), account("Sparekonto", 1250000, "bb", 1)}));
    FetchResult partial = FetchResult::ok({account("Lommepenger", 9900, "aa", 0)});
    partial.message = "Sparekonto: the bank's connection needs attention";
    for (int i = 0; i < 3; ++i)
        rig.source.results.push_back(partial);
    rig.source.results.push_back(FetchResult::ok(
        {account("Lommepenger", 9900, "aa", 0), account("Sparekonto", 1250100, "bb", 1)}));
    auto poller = rig.poller();
    poller.poll();
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/problem"], "OFF");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/problem"], "OFF");

    rig.clock.advance(20min);
    poller.poll();
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/problem"], "ON");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/problem"], "OFF");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/availability"], "online");
    // Its data was read 20 minutes ago: it goes unavailable 45 minutes after that, not 45
    // minutes after the last (partial) success.
    ASSERT_TRUE(poller.freshnessDeadline());
    EXPECT_EQ(*poller.freshnessDeadline(), rig.clock.monotonicNow() + 25min);

    rig.clock.advance(20min);
    poller.poll();
    poller.checkFreshness();
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/availability"], "online");
    rig.clock.advance(6min);
    poller.checkFreshness();
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/availability"], "offline");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "online");
    EXPECT_EQ(poller.status().state, SourceState::Ok);

    poller.poll();  // still left out: stays offline
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/availability"], "offline");
    poller.poll();  // read again
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/availability"], "online");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/problem"], "OFF");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/balance"], "12501.00");
}

TEST(SourcePoller, ALeftOutAccountKeepsItsOwnAgeAcrossARestart)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok(
        {account("Lommepenger", 43725, "aa", 0), account("Sparekonto", 1250000, "bb", 1)}));
    FetchResult partial = FetchResult::ok({account("Lommepenger", 9900, "aa", 0)});
    partial.message = "Sparekonto: the bank's connection needs attention";
    rig.source.results.push_back(partial);
    {
        auto first = rig.poller();
        first.poll();
        rig.clock.advance(30min);
        first.poll();  // Sparekonto was last read 30 minutes ago
    }
    rig.clock.advance(20min);  // restart: the source's last success is 20 minutes old

    auto second = rig.poller();
    second.publishRestored();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/availability"], "online");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/availability"], "offline");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/problem"], "ON");
}

TEST(SourcePoller, AnAccountsOwnThresholdReplacesTheSources)
{
    Rig rig;
    rig.plan.lowBalance = "100";
    rig.plan.accountLowBalance = {std::nullopt, std::string("off"), std::string("20000")};
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 9999, "aa", 0),
                                                  account("Brukskonto", 5000, "bb", 1),
                                                  account("Sparekonto", 1250000, "cc", 2)}));
    auto poller = rig.poller();

    poller.poll();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/low_balance"], "ON");
    EXPECT_EQ(rig.mqtt.retained.count("bank2mqtt/kid/brukskonto/low_balance"), 0u);
    EXPECT_NE(rig.mqtt.retained["bank2mqtt/kid/brukskonto"].find("\"low_balance\":null"),
              std::string::npos);
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/sparekonto/low_balance"], "ON");
}

TEST(SourcePoller, EachAccountIsPublishedInItsOwnCurrencyAndDecimals)
{
    Rig rig;
    rig.plan.lowBalance = "100";
    Account yen = account("Yen", 150000, "aa");
    yen.balance = yen.available = {150000, "JPY"};
    yen.creditLimit.reset();
    Account firefly = account("Crypto", 12345678, "bb");
    firefly.balance = firefly.available = {12345678, "EUR", 4};
    firefly.creditLimit.reset();
    Account points = account("Miles", 5005, "cc");
    points.balance = points.available = {5005, "", 1};
    points.creditLimit.reset();
    rig.source.results.push_back(FetchResult::ok({yen, firefly, points}));
    auto poller = rig.poller();

    poller.poll();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/yen/balance"], "150000");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/crypto/balance"], "1234.5678");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/miles/available"], "500.5");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/miles/low_balance"], "OFF");
    const std::string json = rig.mqtt.retained["bank2mqtt/kid/miles"];
    EXPECT_NE(json.find("\"currency\":null"), std::string::npos) << json;
    EXPECT_NE(rig.mqtt.retained["bank2mqtt/kid/yen"].find("\"currency\":\"JPY\""),
              std::string::npos);
}

TEST(Publisher, ReconnectRepublishesEverythingRetainedAfterABrokerRestart)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    auto poller = rig.poller();
    poller.poll();

    rig.mqtt.simulateDisconnect();
    rig.mqtt.forgetRetained();
    rig.mqtt.simulateReconnect();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/status"], "online");
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
}

TEST(Publisher, StateProducedWhileDisconnectedIsPublishedOnReconnect)
{
    Rig rig;
    rig.publisher.onConnected();
    rig.mqtt.simulateDisconnect();

    rig.publisher.set("bank2mqtt/kid/x/balance", "1.00");
    rig.publisher.set("bank2mqtt/kid/x/balance", "2.00");
    rig.mqtt.simulateReconnect();

    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/x/balance"], "2.00");
}

TEST(Publisher, UnchangedPayloadIsNotResent)
{
    Rig rig;
    rig.publisher.set("bank2mqtt/a", "1");
    const auto before = rig.mqtt.log.size();

    rig.publisher.set("bank2mqtt/a", "1");

    EXPECT_EQ(rig.mqtt.log.size(), before);
}

TEST(PollLoop, RefreshCommandTopicsRouteToTheSource)
{
    Rig rig;
    rig.source.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    auto poller = rig.poller();
    Scheduler scheduler([] { return 0.0; });
    scheduler.add("kid", 15min, rig.clock.monotonicNow());
    PollLoop loop(rig.clock, scheduler, rig.publisher, {&poller}, "test");

    EXPECT_EQ(loop.commandTopics(),
              (std::vector<std::string>{"bank2mqtt/refresh", "bank2mqtt/kid/refresh"}));
    const auto results = loop.pollAllOnce();

    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, FetchStatus::Ok);
    EXPECT_NE(rig.mqtt.retained["bank2mqtt/info"].find("\"kid\":{\"state\":\"ok\""),
              std::string::npos)
        << rig.mqtt.retained["bank2mqtt/info"];
}

namespace {

/// A source whose bank also lists transactions, with a limit of its own for them.
class FeedSource : public ScriptedSource, public TransactionFeed {
public:
    void* capability(const std::string& name, std::uint32_t version) noexcept override
    {
        if (name == TransactionFeed::kName && version == TransactionFeed::kVersion)
            return static_cast<TransactionFeed*>(this);
        return nullptr;
    }
    void enableTransactions() noexcept override {}
    TransactionsResult fetchTransactions(const std::string& since) noexcept override
    {
        asked.push_back(since);
        requests += sendsRequest ? 1 : 0;
        return listing;
    }
    std::uint32_t fetchesPerDay() const noexcept override { return perDay; }

    TransactionsResult listing = TransactionsResult::ok({});
    std::vector<std::string> asked;
    std::uint32_t perDay = 0;
    bool sendsRequest = true;
    std::uint64_t requests = 0;
};

Transaction purchase(std::int64_t minor, const std::string& text)
{
    Transaction t;
    t.amount = {minor, "NOK"};
    t.date = "2026-11-27";  // FakeClock's day
    t.text = text;
    return t;
}

struct FeedRig : Rig {
    FeedSource feed;
    FeedRig()
    {
        plan.transactions = true;
        feed.listing = TransactionsResult::ok({{"aa", {}}});  // read, nothing in it
    }
    std::unique_ptr<SourcePoller> poller()
    {
        auto p = std::make_unique<SourcePoller>(plan, ids, feed, clock, log, hostState, publisher,
                                                registry);
        p->countRequestsWith([this] { return feed.requests; });
        return p;
    }
    std::vector<std::string> events() const
    {
        std::vector<std::string> out;
        for (const auto& p : mqtt.log)
            if (p.topic == "bank2mqtt/kid/lommepenger/transaction") {
                EXPECT_FALSE(p.retain);
                out.push_back(p.payload);
            }
        return out;
    }
};

}  // namespace

TEST(SourcePollerTransactions, ANewTransactionIsAnEventAndTheRetainedLastOne)
{
    FeedRig rig;
    for (int i = 0; i < 3; ++i)
        rig.feed.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    auto poller = rig.poller();
    poller->poll();  // the first listing is history
    rig.feed.listing = TransactionsResult::ok({{"aa", {purchase(-4900, "NARVESEN")}}});
    poller->poll();
    poller->poll();
    ASSERT_EQ(rig.events().size(), 1u);
    EXPECT_EQ(rig.events()[0],
              "{\"event_type\":\"debit\",\"amount\":-49.00,\"currency\":\"NOK\",\"date\":"
              "\"2026-11-27\",\"text\":\"NARVESEN\",\"status\":\"booked\"}");
    const std::string event = rig.events()[0];
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/last_transaction"],
              event.substr(0, event.size() - 1) + ",\"recent\":[" + event + "]}");
    EXPECT_EQ(rig.feed.asked, (std::vector<std::string>{"2026-11-17", "2026-11-17", "2026-11-17"}));
    poller->publishStatus(std::nullopt);
    EXPECT_NE(rig.mqtt.retained["bank2mqtt/kid/status"].find("\"transactions_error\":null"),
              std::string::npos);
}

TEST(SourcePollerTransactions, TheirOwnDailyLimitNeverTakesABalancePoll)
{
    FeedRig rig;
    rig.feed.perDay = 2;
    for (int i = 0; i < 4; ++i)
        rig.feed.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    auto poller = rig.poller();
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(poller->poll().status, FetchStatus::Ok);
        rig.clock.advance(1h);
    }
    EXPECT_EQ(rig.feed.fetches, 4);        // every balance poll happened
    EXPECT_EQ(rig.feed.asked.size(), 2u);  // transactions only while their budget lasted
    EXPECT_TRUE(rig.hostState.get("transaction_budget").has_value());
    EXPECT_FALSE(rig.hostState.get("call_budget").has_value());
    rig.clock.advance(24h);
    rig.feed.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    poller->poll();
    EXPECT_EQ(rig.feed.asked.size(), 3u);  // a day later the calls are free again
}

TEST(SourcePollerTransactions, AListingThatSentNoRequestCostsNoCall)
{
    FeedRig rig;
    rig.feed.perDay = 1;
    rig.feed.sendsRequest = false;  // SimpleFIN: the transactions came with the balances
    for (int i = 0; i < 3; ++i)
        rig.feed.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    auto poller = rig.poller();
    for (int i = 0; i < 3; ++i)
        poller->poll();
    EXPECT_EQ(rig.feed.asked.size(), 3u);
}

TEST(SourcePollerTransactions, AFailedListingIsOnTheStatusAndTheBalancesStillPublish)
{
    FeedRig rig;
    for (int i = 0; i < 2; ++i)
        rig.feed.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    rig.feed.listing = TransactionsResult::failure(FetchStatus::Temporary, "the bank answered 503");
    auto poller = rig.poller();
    EXPECT_EQ(poller->poll().status, FetchStatus::Ok);
    poller->publishStatus(std::nullopt);
    const std::string status = rig.mqtt.retained["bank2mqtt/kid/status"];
    EXPECT_NE(status.find("\"state\":\"ok\""), std::string::npos) << status;
    EXPECT_NE(status.find("\"transactions_error\":\"the bank answered 503\""), std::string::npos)
        << status;
    EXPECT_EQ(rig.mqtt.retained["bank2mqtt/kid/lommepenger/balance"], "437.25");
    EXPECT_EQ(rig.log.count("transactions: the bank answered 503"), 1);
    poller->poll();
    EXPECT_EQ(rig.log.count("transactions: the bank answered 503"), 1);  // logged once
}

TEST(SourcePollerTransactions, SwitchedOffTheMemoryGoesSoSwitchingOnAgainStartsAfresh)
{
    FeedRig rig;
    rig.hostState.put(TransactionLedger::kStateKey, "{}");
    rig.hostState.put("transaction_budget", "[]");
    rig.plan.transactions = false;
    auto poller = rig.poller();
    EXPECT_FALSE(rig.hostState.get(TransactionLedger::kStateKey));
    EXPECT_FALSE(rig.hostState.get("transaction_budget"));
}

TEST(SourcePollerTransactions, EventsWaitForTheBrokerAndAreSentOnReconnect)
{
    FeedRig rig;
    for (int i = 0; i < 2; ++i)
        rig.feed.results.push_back(FetchResult::ok({account("Lommepenger", 43725, "aa")}));
    auto poller = rig.poller();
    poller->poll();
    rig.mqtt.simulateDisconnect();
    rig.feed.listing = TransactionsResult::ok({{"aa", {purchase(-4900, "NARVESEN")}}});
    poller->poll();
    EXPECT_TRUE(rig.events().empty());
    rig.mqtt.simulateReconnect();
    poller->publishTransactions();  // what PollLoop does after every connect
    EXPECT_EQ(rig.events().size(), 1u);
    poller->publishTransactions();
    EXPECT_EQ(rig.events().size(), 1u);
}
