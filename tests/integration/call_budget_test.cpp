// SPDX-License-Identifier: MIT
// The host-side call budget through the real binary, with a plugin that declares a CallLimit
// and writes a line per call it makes (tests/plugin_loader/budget_plugin.cpp): the stretched
// interval is said once, a restart with fresh balances calls nothing, a refresh with no call
// left is answered on the status topic, and --list-accounts / --once spend from the same count.
#include "fault_support.h"
#include "integration_test.h"

#include "harness/temp_dir.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <csignal>
#include <fstream>
#include <iostream>

#include <sys/stat.h>

namespace bank2mqtt::itest {
namespace {

const std::string kStatus = "itest/kid/status";

/// A broker, a state_dir and the budget plugin; no bank simulator (the plugin is the bank).
class CallBudgetTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        broker_.start();
        // As the package makes it: this user's, so --list-accounts counts in it too.
        ASSERT_EQ(::mkdir(dir_.file("state").c_str(), 0700), 0);
    }
    void TearDown() override
    {
        if (!HasFailure())
            return;
        std::cerr << "\n#### Transcripts of the failed test\n" << ini_ << '\n';
        for (const auto& process : processes_)
            std::cerr << process->transcript();
        for (const auto& p : probes_)
            std::cerr << p->dump();
        std::cerr << broker_.transcript() << "#### end\n";
    }

    /// Writes the ini: source kid of the budget plugin, `dailyLimit` polls a day, polled every
    /// 15 min as configured, Home Assistant discovery on.
    void writeConfig(int dailyLimit)
    {
        ini_ = "[mqtt]\nuri = " + broker_.uri() +
               "\nclient_id = budgettest\nbase_topic = itest\ndiscovery = true\n\n"
               "[daemon]\nplugin_dir = " BUDGET_PLUGIN_DIR "\nstate_dir = " +
               dir_.file("state") +
               "\n\n[source.kid]\nplugin = budget\ninterval = 15m\ndaily_limit = " +
               std::to_string(dailyLimit) + "\ncount_file = " + countFile() + "\n";
        dir_.write("bank2mqtt.ini", ini_, 0600);
    }
    std::string countFile() const { return dir_.file("calls"); }
    /// How many calls the plugin made, all processes together.
    int calls() const
    {
        std::ifstream in(countFile());
        int n = 0;
        for (std::string line; std::getline(in, line);)
            ++n;
        return n;
    }
    ChildProcess& start(const std::vector<std::string>& args)
    {
        std::vector<std::string> argv{BANK2MQTT_BIN, "--config=" + dir_.file("bank2mqtt.ini")};
        argv.insert(argv.end(), args.begin(), args.end());
        processes_.push_back(std::make_unique<ChildProcess>(
            "bank2mqtt", std::move(argv),
            ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}}));
        return *processes_.back();
    }
    MqttProbe& probe(const std::string& base = "itest")
    {
        probes_.push_back(std::make_unique<MqttProbe>(broker_.uri(), base));
        return *probes_.back();
    }
    static bool stop(ChildProcess& daemon)
    {
        daemon.signal(SIGTERM);
        return daemon.waitExit(kShutdownLimit * 3).value_or(-1) == 0;
    }

    Mosquitto broker_{MOSQUITTO_BIN};
    TempDir dir_{"budget"};
    std::string ini_;
    std::vector<std::unique_ptr<ChildProcess>> processes_;
    std::vector<std::unique_ptr<MqttProbe>> probes_;
};

MqttProbe::PayloadPredicate callsRemaining(const std::string& n)
{
    return [n](const std::string& p) { return jsonNumberLiteral(p, "calls_remaining") == n; };
}

MqttProbe::PayloadPredicate hasNotice()
{
    return [](const std::string& p) { return jsonString(p, "notice").has_value(); };
}

TEST_F(CallBudgetTest, SpentBudgetHoldsAcrossARestartAndAnswersRefreshWithASentence)
{
    writeConfig(1);
    MqttProbe& mqtt = probe();
    ChildProcess& first = start({});
    const auto spent = mqtt.waitFor(kStatus, callsRemaining("0"), kPollTimeout);
    ASSERT_TRUE(spent) << "no status with calls_remaining 0";
    EXPECT_EQ(statusState(spent->payload), "ok");
    EXPECT_EQ(jsonNumberLiteral(spent->payload, "calls_limit"), "1");
    EXPECT_TRUE(jsonString(spent->payload, "calls_reset").has_value()) << spent->payload;
    EXPECT_EQ(calls(), 1);
    EXPECT_EQ(countLines(first, ChildProcess::Stream::Err,
                         "interval 15m would spend more than the bank's 1 call a day; polling "
                         "every 24h instead"),
              1u)
        << first.text(ChildProcess::Stream::Err);

    // The calls-left entity sits on the bridge device, next to the source's status.
    MqttProbe& ha = probe("homeassistant");
    ASSERT_TRUE(ha.sync(kMqttTimeout));
    const auto bridge = ha.latest("homeassistant/device/bank2mqtt_budgettest/config");
    ASSERT_TRUE(bridge);
    const auto components = Poco::JSON::Parser()
                                .parse(bridge->payload)
                                .extract<Poco::JSON::Object::Ptr>()
                                ->getObject("components");
    ASSERT_TRUE(components && components->getObject("source_kid_calls_left")) << bridge->payload;
    EXPECT_EQ(components->getObject("source_kid_calls_left")->getValue<std::string>("state_topic"),
              kStatus);

    // No call left: a refresh is answered by a sentence, state and values unchanged.
    std::size_t mark = mqtt.size();
    publishCommand(broker_.uri(), "itest/kid/refresh", "PRESS");
    const auto refused = mqtt.waitFor(kStatus, hasNotice(), kPollTimeout, mark);
    ASSERT_TRUE(refused) << "no status with a notice after the refresh";
    EXPECT_NE(jsonString(refused->payload, "notice")->find("no calls of today's budget left"),
              std::string::npos)
        << refused->payload;
    EXPECT_EQ(statusState(refused->payload), "ok");
    EXPECT_EQ(calls(), 1);
    ASSERT_TRUE(stop(first)) << first.transcript();

    // A restart with balances younger than the (stretched) interval calls nothing.
    mark = mqtt.size();
    ChildProcess& second = start({});
    const auto restored = mqtt.waitFor(kStatus, callsRemaining("0"), kPollTimeout, mark);
    ASSERT_TRUE(restored) << "the restarted daemon published no status";
    EXPECT_EQ(statusState(restored->payload), "ok");
    const auto nextPoll = jsonTime(restored->payload, "next_poll");
    ASSERT_TRUE(nextPoll) << restored->payload;
    EXPECT_GT(*nextPoll, std::chrono::system_clock::now() + std::chrono::hours(23));
    mark = mqtt.size();
    publishCommand(broker_.uri(), "itest/kid/refresh", "PRESS");
    ASSERT_TRUE(mqtt.waitFor(kStatus, hasNotice(), kPollTimeout, mark));
    EXPECT_EQ(countLines(second, ChildProcess::Stream::Err, "would spend more than"), 1u);
    ASSERT_TRUE(stop(second)) << second.transcript();
    EXPECT_EQ(calls(), 1);

    // --list-accounts and --once call the bank: with no call left they do not.
    ChildProcess& list = start({"--list-accounts"});
    EXPECT_EQ(list.waitExit(kOnceRunTimeout), 69) << list.transcript();
    EXPECT_GE(countLines(list, ChildProcess::Stream::Err, "no calls of today's budget left"), 1u);
    ChildProcess& once = start({"--once"});
    EXPECT_EQ(once.waitExit(kOnceRunTimeout), 69) << once.transcript();
    EXPECT_EQ(calls(), 1);
}

TEST_F(CallBudgetTest, CheckConfigShowsTheStretchedIntervalAndItsMaxAge)
{
    writeConfig(4);
    ChildProcess& check = start({"--check-config"});
    ASSERT_EQ(check.waitExit(kOnceRunTimeout), 0) << check.transcript();
    EXPECT_GE(countLines(check, ChildProcess::Stream::Out,
                         "every 6h (the bank allows 4 calls a day), max_age 18h"),
              1u)
        << check.transcript();
    EXPECT_EQ(countLines(check, ChildProcess::Stream::Err,
                         "interval 15m would spend more than the bank's 4 calls a day"),
              1u);
    EXPECT_EQ(calls(), 0);
}

TEST_F(CallBudgetTest, ListAccountsAndOnceSpendFromTheDailyBudget)
{
    writeConfig(4);
    ChildProcess& list = start({"--list-accounts"});
    ASSERT_EQ(list.waitExit(kOnceRunTimeout), 0) << list.transcript();
    EXPECT_GE(countLines(list, ChildProcess::Stream::Out,
                         "This call spent 1 of the 4 calls a day the bank allows this source; 3 "
                         "left now"),
              1u)
        << list.transcript();
    EXPECT_EQ(calls(), 1);

    MqttProbe& mqtt = probe();
    ChildProcess& once = start({"--once"});
    ASSERT_EQ(once.waitExit(kOnceRunTimeout), 0) << once.transcript();
    EXPECT_EQ(calls(), 2);
    ASSERT_TRUE(mqtt.waitFor(kStatus, callsRemaining("2"), kMqttTimeout)) << mqtt.dump();
}

TEST_F(CallBudgetTest, ListAccountsNextToTheRunningDaemonCountsForIt)
{
    writeConfig(2);
    MqttProbe& mqtt = probe();
    ChildProcess& daemon = start({});
    ASSERT_TRUE(mqtt.waitFor(kStatus, callsRemaining("1"), kPollTimeout)) << mqtt.dump();

    ChildProcess& list = start({"--list-accounts"});
    ASSERT_EQ(list.waitExit(kOnceRunTimeout), 0) << list.transcript();
    EXPECT_GE(countLines(list, ChildProcess::Stream::Out, "; 0 left now"), 1u) << list.transcript();
    ASSERT_EQ(calls(), 2);

    // The daemon knows of the call --list-accounts made: no call left for a refresh.
    const std::size_t mark = mqtt.size();
    publishCommand(broker_.uri(), "itest/kid/refresh", "PRESS");
    const auto refused = mqtt.waitFor(kStatus, hasNotice(), kPollTimeout, mark);
    ASSERT_TRUE(refused) << "no status with a notice after the refresh";
    EXPECT_NE(jsonString(refused->payload, "notice")->find("(2 of 2 used)"), std::string::npos)
        << refused->payload;
    EXPECT_EQ(jsonNumberLiteral(refused->payload, "calls_remaining"), "0");
    EXPECT_EQ(calls(), 2);
    EXPECT_TRUE(stop(daemon)) << daemon.transcript();
}

}  // namespace
}  // namespace bank2mqtt::itest
