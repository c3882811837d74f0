// SPDX-License-Identifier: MIT
// The Enable Banking plugin through the real binary: --authorize on stdin against the simulator's
// login page, then polls, --list-accounts, a re-consent, and an authorization next to a daemon.
#include "enablebanking_fixture.h"
#include "fault_support.h"

#include <set>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

/// Every retained topic under itest/ and homeassistant/ a fresh subscriber receives.
std::set<std::string> retainedTopics(const std::string& uri)
{
    std::set<std::string> topics;
    for (const std::string base : {"itest", "homeassistant"}) {
        MqttProbe p(uri, base);
        if (!p.sync(kMqttTimeout))
            ADD_FAILURE() << "no sync on " << base;
        for (const auto& m : p.messages())
            if (m.retained && !m.payload.empty())
                topics.insert(m.topic);
    }
    return topics;
}

class EnableBanking : public EnableBankingTest {};

TEST_F(EnableBanking, AuthorizeOnTheTerminalThenTheDaemonPublishes)
{
    writeConfig();
    const AuthorizeRun run = authorize();

    ASSERT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("log in at DNB"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("authorized 3 accounts at DNB; the consent is valid until 20"),
              std::string::npos)
        << run.output;
    const std::string code = queryValue(run.pasted, "code");
    ASSERT_FALSE(code.empty()) << run.pasted;
    EXPECT_EQ(run.output.find(code), std::string::npos) << "the pasted code was echoed";
    EXPECT_NE(pluginState().find("\"session\""), std::string::npos) << pluginState();

    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon({});
    EXPECT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout))
        << daemon.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::balance("felleskonto"), "-1520.40", kPollTimeout));
    const auto status = live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout);
    ASSERT_TRUE(status);
    EXPECT_TRUE(jsonIsNull(status->payload, "error")) << status->payload;
    const auto account = live.latest(topic::account("lommepenger"));
    ASSERT_TRUE(account);
    EXPECT_TRUE(jsonString(account->payload, "balance_date")) << account->payload;
    EXPECT_EQ(jsonString(account->payload, "number").value_or(""), "*********3219");

    // A new balance reaches the topic at the next poll, signed with the same JWT.
    const int jwtsBefore = eb_.counters().distinctJwts;
    eb_.setBalances(ebsim::kLommepenger, {{"CLBD", "512.50"}, {"ITAV", "500.00"}});
    EXPECT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "512.50", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::available("lommepenger"), "500.00", kPollTimeout));
    EXPECT_EQ(eb_.counters().distinctJwts, jwtsBefore) << "a steady-state poll signed a JWT";
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(EnableBanking, ARefusedLoginAReusedCodeAndAnOldAddressStoreNothing)
{
    writeConfig();
    eb_.denyNextLogin();
    const AuthorizeRun denied = authorize();
    EXPECT_EQ(denied.exitCode, 77) << denied.output;
    EXPECT_NE(denied.output.find("refused"), std::string::npos) << denied.output;
    EXPECT_EQ(pluginState().find("\"session\""), std::string::npos) << pluginState();

    const AuthorizeRun good = authorize();
    ASSERT_EQ(good.exitCode, 0) << good.output;
    const std::string stored = pluginState();

    // The same code again (only the code, as a person may paste it): the bank refuses it.
    const std::string code = queryValue(good.pasted, "code");
    const AuthorizeRun reused = authorize([&](const std::string&) { return code; });
    EXPECT_EQ(reused.exitCode, 77) << reused.output;
    EXPECT_NE(reused.output.find("a code works once"), std::string::npos) << reused.output;
    EXPECT_EQ(reused.output.find(code), std::string::npos);

    // The whole address of the earlier attempt: its state is not this attempt's.
    const AuthorizeRun old = authorize([&](const std::string&) { return good.pasted; });
    EXPECT_EQ(old.exitCode, 64) << old.output;
    EXPECT_NE(old.output.find("another authorization attempt"), std::string::npos) << old.output;

    EXPECT_EQ(pluginState(), stored) << "a failed attempt changed the stored consent";
}

TEST_F(EnableBanking, ListAccountsReadsTheStoredConsentAndSaysWhatItCosts)
{
    writeConfig();
    ChildProcess& before = startDaemon({"--list-accounts"});
    EXPECT_EQ(before.waitExit(kOnceRunTimeout), 77) << before.transcript();
    EXPECT_NE(before.text(Stream::Err).find("not authorized yet: run bank2mqtt --authorize=kid"),
              std::string::npos)
        << before.transcript();

    ASSERT_EQ(authorize().exitCode, 0);
    const std::string stored = pluginState();
    ChildProcess& list = startDaemon({"--list-accounts"});
    ASSERT_EQ(list.waitExit(kOnceRunTimeout), 0) << list.transcript();
    const std::string out = list.text(Stream::Out);
    for (const std::string name : {"Lommepenger", "Sparekonto", "Felleskonto", "*********3219"})
        EXPECT_NE(out.find(name), std::string::npos) << name << " missing from\n" << out;
    EXPECT_NE(list.text(Stream::Err).find("unattended reads"), std::string::npos)
        << list.transcript();
    EXPECT_EQ(pluginState(), stored) << "--list-accounts wrote to state_dir";
}

TEST_F(EnableBanking, AReConsentWithNewUidsKeepsEveryTopicAndUniqueId)
{
    EbConfigOptions options;
    options.discovery = true;
    options.accounts = "Lommepenger, NO70 9710 4133227, 9710.41.33235";
    writeConfig(options);
    ASSERT_EQ(authorize().exitCode, 0);
    ChildProcess& first = startDaemon({"--once"});
    ASSERT_EQ(first.waitExit(kOnceRunTimeout), 0) << first.transcript();
    const std::set<std::string> before = retainedTopics(broker_.uri());
    ASSERT_GT(before.count("itest/kid/sparekonto/balance"), 0u);

    const std::string firstState = pluginState();
    ASSERT_EQ(authorize().exitCode, 0);
    ASSERT_NE(pluginState(), firstState);
    const auto accounts = eb_.accounts();
    ASSERT_FALSE(accounts.empty());
    EXPECT_EQ(accounts.front().uids.size(), 2u) << "the second consent did not give new uids";
    ChildProcess& second = startDaemon({"--once"});
    ASSERT_EQ(second.waitExit(kOnceRunTimeout), 0) << second.transcript();

    EXPECT_EQ(retainedTopics(broker_.uri()), before);
    std::size_t discovery = 0;
    for (const auto& t : before)
        discovery += t.rfind("homeassistant/", 0) == 0 ? 1 : 0;
    EXPECT_GE(discovery, 3u) << "no account device to compare";
}

TEST_F(EnableBanking, AnAuthorizationNextToTheRunningDaemonReachesIt)
{
    writeConfig();
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon({});
    const auto waiting = live.waitFor(topic::kSourceStatus, stateIs("auth_failed"), kPollTimeout);
    ASSERT_TRUE(waiting) << daemon.transcript();
    EXPECT_EQ(jsonString(waiting->payload, "error").value_or(""),
              "not authorized yet: run bank2mqtt --authorize=kid");

    // The source waits for a person; the consent --authorize stores next to it reaches it
    // without a refresh command or a restart.
    const std::size_t mark = live.size();
    ASSERT_EQ(authorize().exitCode, 0);
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, mark))
        << daemon.transcript();
    EXPECT_EQ(countLines(daemon, Stream::Err, "found a new consent, valid until"), 1u);
    EXPECT_TRUE(live.waitForPayload(topic::balance("sparekonto"), "12500.00", kPollTimeout));

    // A renewal before the end, while the daemon polls: its next poll uses the new consent
    // (checked by ending the old one at the bank), with no refresh and no restart.
    const auto first = eb_.sessionIds();
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(authorize().exitCode, 0);
    ASSERT_EQ(eb_.sessionIds().size(), 2u);
    auto nextOk = [&](const std::string& when) {
        const std::size_t from = live.size();
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, from))
            << "no ok status " << when << "\n"
            << daemon.transcript();
    };
    // Polls run one after the other: the second one from here started after the renewal.
    ASSERT_NO_FATAL_FAILURE(nextOk("after the renewal"));
    ASSERT_NO_FATAL_FAILURE(nextOk("after the renewal, again"));
    const std::size_t beforeEnd = live.size();
    eb_.expireSessions(first.front());
    ASSERT_NO_FATAL_FAILURE(nextOk("with the old consent ended"));
    ASSERT_NO_FATAL_FAILURE(nextOk("with the old consent ended, again"));
    const auto seen = live.messages();
    for (std::size_t i = beforeEnd; i < seen.size(); ++i) {
        if (seen[i].topic == topic::kSourceStatus) {
            EXPECT_NE(statusState(seen[i].payload), "auth_failed") << seen[i].payload;
        }
    }

    // The bank ends the consent early; a renewal next to the daemon brings it back.
    eb_.expireSessions();
    const std::size_t expired = live.size();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("auth_failed"), kPollTimeout, expired));
    const std::size_t renewed = live.size();
    ASSERT_EQ(authorize().exitCode, 0);
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, renewed))
        << daemon.transcript();
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(EnableBanking, OneAccountsRefusalKeepsItsLastValuesAndTheOthersPublish)
{
    writeConfig();
    ASSERT_EQ(authorize().exitCode, 0);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon({});
    ASSERT_TRUE(live.waitForPayload(topic::balance("felleskonto"), "-1520.40", kPollTimeout))
        << daemon.transcript();

    eb_.fault("aspsp_error", "balances", ebsim::kFelleskonto);
    eb_.setBalances(ebsim::kLommepenger, {{"CLBD", "99.00"}});
    const std::size_t mark = live.size();
    const auto partial = live.waitFor(
        topic::kSourceStatus,
        [](const std::string& p) {
            return statusState(p) == "ok" &&
                   jsonString(p, "error").value_or("").find("Felleskonto") != std::string::npos;
        },
        kPollTimeout, mark);
    ASSERT_TRUE(partial) << daemon.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "99.00", kPollTimeout, mark));
    EXPECT_EQ(countLines(daemon, Stream::Err, "some accounts could not be read"), 1u);
    for (const auto& m : live.messages()) {
        if (m.topic.rfind(topic::account("felleskonto"), 0) == 0) {
            EXPECT_FALSE(m.payload.empty()) << "the refused account's topics were cleared";
        }
    }
    MqttProbe fresh(broker_.uri(), "itest");
    ASSERT_TRUE(fresh.sync(kMqttTimeout));
    const auto kept = fresh.latest(topic::balance("felleskonto"));
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->payload, "-1520.40");
    EXPECT_EQ(terminate(daemon), 0);
}

// The bank's own limit (4 a day, the plugin's default) through the host's call budget: the first
// poll costs one balances call per account, a restart while the balances are fresh costs none,
// and a refresh spends one more of the day's calls.
TEST_F(EnableBanking, TheDailyCallBudgetHoldsAcrossARestartAndCountsARefresh)
{
    EbConfigOptions options;
    options.dailyLimit = "";  // the default: 4 a day
    options.interval = "15m";
    writeConfig(options);
    ASSERT_EQ(authorize().exitCode, 0);
    eb_.resetCounters();

    MqttProbe& live = probe();
    auto callsLeft = [](const std::string& n) {
        return [n](const std::string& p) {
            return statusState(p) == "ok" && jsonNumberLiteral(p, "calls_remaining") == n;
        };
    };
    ChildProcess& first = startDaemon({});
    const auto polled = live.waitFor(topic::kSourceStatus, callsLeft("3"), kPollTimeout);
    ASSERT_TRUE(polled) << first.transcript();
    EXPECT_EQ(jsonNumberLiteral(polled->payload, "calls_limit"), "4");
    EXPECT_EQ(countLines(first, Stream::Err,
                         "interval 15m would spend more than the bank's 4 calls a day; polling "
                         "every 6h instead"),
              1u)
        << first.transcript();
    const auto afterFirst = eb_.counters().balanceCalls;
    ASSERT_EQ(afterFirst.size(), 3u);
    for (const auto& [account, n] : afterFirst)
        EXPECT_EQ(n, 1) << account;
    EXPECT_EQ(terminate(first), 0);

    // A restart with fresh balances: the status comes back with the next poll 6 h away and the
    // bank sees no call.
    const std::size_t mark = live.size();
    ChildProcess& second = startDaemon({});
    const auto restored = live.waitFor(topic::kSourceStatus, callsLeft("3"), kPollTimeout, mark);
    ASSERT_TRUE(restored) << second.transcript();
    const auto nextPoll = jsonTime(restored->payload, "next_poll");
    ASSERT_TRUE(nextPoll) << restored->payload;
    EXPECT_GT(*nextPoll, std::chrono::system_clock::now() + std::chrono::hours(5))
        << restored->payload;
    EXPECT_EQ(eb_.counters().balanceCalls, afterFirst);

    // A refresh is a call like any other.
    const std::size_t beforeRefresh = live.size();
    publishCommand(broker_.uri(), "itest/kid/refresh");
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, callsLeft("2"), kPollTimeout, beforeRefresh))
        << second.transcript();
    for (const auto& [account, n] : eb_.counters().balanceCalls)
        EXPECT_EQ(n, 2) << account;
    EXPECT_EQ(terminate(second), 0);
}

// The renewal from Home Assistant against the simulated bank: the bank ends the consent early,
// the renewal button's command starts a new one, the step topic carries the bank's login URL,
// the redirect pasted into the text entity's topic completes it; the source polls at once and
// every retained topic (discovery included) stays the same, while the code is nowhere.
TEST_F(EnableBanking, TheConsentIsRenewedFromHomeAssistant)
{
    EbConfigOptions options;
    options.discovery = true;
    writeConfig(options);
    ASSERT_EQ(authorize().exitCode, 0);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon({});
    ASSERT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout))
        << daemon.transcript();
    ASSERT_TRUE(live.waitFor(
        "itest/kid/consent",
        [](const std::string& p) { return p.find("\"step\":\"idle\"") != std::string::npos; },
        kPollTimeout));

    std::size_t mark = live.size();
    eb_.expireSessions();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("auth_failed"), kPollTimeout, mark))
        << daemon.transcript();

    mark = live.size();
    publishCommand(broker_.uri(), "itest/kid/consent/renew", "PRESS");
    const auto ask = live.waitFor(
        "itest/kid/consent",
        [](const std::string& p) { return p.find("\"step\":\"ask\"") != std::string::npos; },
        kPollTimeout, mark);
    ASSERT_TRUE(ask) << daemon.transcript();
    const std::string url = jsonString(ask->payload, "url").value_or("");
    ASSERT_FALSE(url.empty()) << ask->payload;
    const std::string pasted = eb_.login(url);
    const std::string code = queryValue(pasted, "code");
    ASSERT_FALSE(code.empty()) << pasted;

    mark = live.size();
    publishCommand(broker_.uri(), "itest/kid/consent/answer", pasted);
    ASSERT_TRUE(live.waitFor(
        "itest/kid/consent",
        [](const std::string& p) { return p.find("\"step\":\"done\"") != std::string::npos; },
        kPollTimeout, mark))
        << daemon.transcript();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, mark))
        << daemon.transcript();
    EXPECT_EQ(eb_.sessionIds().size(), 2u);

    EXPECT_EQ(terminate(daemon), 0);
    EXPECT_EQ(daemon.transcript().find(code), std::string::npos);
    EXPECT_EQ(pluginState().find(code), std::string::npos);
    for (const auto& m : live.messages()) {
        if (m.topic != "itest/kid/consent/answer") {
            EXPECT_EQ(m.payload.find(code), std::string::npos) << m.topic;
        }
    }
}

// Before the first --authorize the plugin can make no request, so the polls of restarts (the
// package starts the service at once) spend none of the day's calls.
TEST_F(EnableBanking, WithoutAConsentNoCallOfTheBudgetIsSpent)
{
    EbConfigOptions options;
    options.dailyLimit = "";  // the default: 4 a day
    writeConfig(options);
    MqttProbe& live = probe();
    auto waiting = [](const std::string& p) {
        return statusState(p) == "auth_failed" && jsonNumberLiteral(p, "calls_remaining") == "4";
    };
    for (int run = 0; run < 2; ++run) {
        const std::size_t mark = live.size();
        ChildProcess& daemon = startDaemon({});
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, waiting, kPollTimeout, mark))
            << daemon.transcript();
        EXPECT_EQ(terminate(daemon), 0);
    }
    for (const auto& [account, n] : eb_.counters().balanceCalls)
        EXPECT_EQ(n, 0) << account;
}

}  // namespace
}  // namespace bank2mqtt::itest
