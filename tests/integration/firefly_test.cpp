// SPDX-License-Identifier: MIT
// The Firefly III plugin through the real binary and broker: each account in its own currency in
// Home Assistant, paging, one request per poll, the error sentences, plain HTTP, --list-accounts.
#include "fault_support.h"
#include "firefly_fixture.h"
#include "ha_discovery_checker.h"

#include <map>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

MqttProbe::PayloadPredicate contains(const std::string& needle)
{
    return [needle](const std::string& p) { return p.find(needle) != std::string::npos; };
}

/// The last payload of every discovery topic, as the broker keeps them.
std::map<std::string, std::string> discoveryPayloads(MqttProbe& ha)
{
    std::map<std::string, std::string> latest;
    for (const auto& m : ha.messages())
        if (m.topic.rfind("homeassistant/", 0) == 0)
            latest[m.topic] = m.payload;
    return latest;
}

std::size_t count(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

class Firefly : public FireflyTest {};

TEST_F(Firefly, EachAccountHasItsOwnCurrencyAndPrecisionInHomeAssistant)
{
    FfConfigOptions options;
    options.discovery = true;
    // Thresholds in each account's own currency: 437.25 kr is under 500, 150000 yen under
    // 200000; the savings account has none, though the source's low_balance = 100 applies to
    // the EUR account.
    options.accounts =
        "Lommepenger@500, Girokonto, Yen@200000, " + ffsim::kSparekontoNumber + "@off";
    options.extraSourceLines = "low_balance = 100\n";
    writeConfig(options);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon({});
    EXPECT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout))
        << daemon.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::balance("girokonto"), "1234.56", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::balance("yen"), "150000", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::available("yen"), "150000", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::balance("sparekonto"), "12500.00", kPollTimeout));
    EXPECT_TRUE(
        live.waitForPayload(topic::account("lommepenger") + "/low_balance", "ON", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::account("yen") + "/low_balance", "ON", kPollTimeout));
    EXPECT_TRUE(
        live.waitForPayload(topic::account("girokonto") + "/low_balance", "OFF", kPollTimeout));
    EXPECT_FALSE(live.latest(topic::account("sparekonto") + "/low_balance"));
    const auto yen = live.latest(topic::account("yen"));
    ASSERT_TRUE(yen);
    EXPECT_EQ(jsonString(yen->payload, "currency").value_or(""), "JPY") << yen->payload;
    EXPECT_TRUE(jsonString(yen->payload, "balance_date")) << yen->payload;
    const auto pocket = live.latest(topic::account("lommepenger"));
    ASSERT_TRUE(pocket);
    EXPECT_EQ(jsonString(pocket->payload, "number").value_or(""), "*********7947");

    MqttProbe& ha = probe("homeassistant");
    ASSERT_TRUE(ha.sync(kMqttTimeout));
    const auto discovery = discoveryPayloads(ha);
    std::vector<std::pair<std::string, std::string>> messages(discovery.begin(), discovery.end());
    for (const Violation& v : checkDiscovery(messages))
        ADD_FAILURE() << v;
    // Each account's device: its balance, available and credit-limit sensors carry that
    // account's unit and precision, and no other unit appears.
    const std::map<std::string, std::pair<std::string, int>> expected = {
        {"itest/kid/lommepenger/", {"NOK", 2}},
        {"itest/kid/girokonto/", {"EUR", 2}},
        {"itest/kid/yen/", {"JPY", 0}},
    };
    for (const auto& [topicPrefix, unit] : expected) {
        const std::string* payload = nullptr;
        for (const auto& [t, p] : discovery)
            if (p.find("\"state_topic\":\"" + topicPrefix + "balance\"") != std::string::npos)
                payload = &p;
        ASSERT_NE(payload, nullptr) << topicPrefix << " has no discovery payload\n" << ha.dump();
        EXPECT_EQ(count(*payload, "\"unit_of_measurement\":\"" + unit.first + "\""), 3u)
            << *payload;
        EXPECT_EQ(count(*payload, "\"suggested_display_precision\":" + std::to_string(unit.second)),
                  3u)
            << *payload;
        EXPECT_EQ(count(*payload, "\"unit_of_measurement\""), 3u) << *payload;
    }

    // Everything fits one page: each poll is exactly one request.
    ff_.resetCounters();
    const std::size_t mark = live.size();
    ASSERT_TRUE(live.waitForCount(topic::kSourceStatus, 2, kPollTimeout, stateIs("ok")));
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, mark));
    auto counters = ff_.counters();
    EXPECT_GE(counters["accounts"], 1);
    EXPECT_EQ(counters["accounts"], counters["page_1"]);
    EXPECT_EQ(counters["page_2"], 0);
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(Firefly, ListAccountsShowsIdsAndMaskedNumbers)
{
    writeConfig();
    ChildProcess& list = startDaemon({"--list-accounts"});
    ASSERT_EQ(list.waitExit(kOnceRunTimeout), 0) << list.transcript();
    const std::string out = list.text(Stream::Out);
    for (const std::string text : {"Lommepenger", "Girokonto", "Yen", "Gammel konto",
                                   "*********7947", "(id 4)", "inactive", "JPY", "150000"})
        EXPECT_NE(out.find(text), std::string::npos) << text << " missing from\n" << out;
    EXPECT_EQ(out.find("Rema 1000"), std::string::npos) << "an expense account was listed";
    EXPECT_EQ(out.find(ffsim::kLommepengerIban), std::string::npos);
    EXPECT_EQ(ff_.counters()["accounts"], 1);
}

TEST_F(Firefly, ErrorSentencesReachTheStatusTopicAndTheValuesStay)
{
    FfConfigOptions options;
    options.accounts = "Lommepenger";
    options.interval = "1s";
    writeConfig(options);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon({});
    ASSERT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout))
        << daemon.transcript();

    struct Case {
        std::string mode;
        std::string state;
        std::string sentence;
    };
    const std::vector<Case> cases = {
        {"401", "auth_failed", "Firefly III rejected the personal access token (token_file"},
        {"302", "auth_failed", "did not treat the request as an API call"},
        {"basic_auth", "auth_failed", "a login of another kind was asked for (401"},
        {"406", "error", "refused the Accept header (406 Not Acceptable"},
        {"422", "error", "The limit may not be greater than"},
        {"500", "error", "Internal Firefly III Exception"},
    };
    for (const auto& c : cases) {
        const std::size_t mark = live.size();
        ff_.fault(c.mode);
        const auto status =
            live.waitFor(topic::kSourceStatus, contains(c.sentence), kPollTimeout, mark);
        ASSERT_TRUE(status) << c.mode << "\n" << live.dump();
        EXPECT_EQ(statusState(status->payload), c.state) << status->payload;
        const std::size_t failed = live.size();
        ff_.fault("none");
        // A person-must-act state suspends polling until a refresh: ask for one.
        publishCommand(broker_.uri(), "itest/kid/refresh", "now");
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, failed))
            << c.mode;
    }
    // Retained: a new subscriber still sees the last good balance.
    MqttProbe& late = probe();
    ASSERT_TRUE(late.sync(kMqttTimeout));
    const auto balance = late.latest(topic::balance("lommepenger"));
    ASSERT_TRUE(balance);
    EXPECT_EQ(balance->payload, "437.25");
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(Firefly, AProxyDroppingTheHeadersIsNamedAndTheBalanceIsKept)
{
    writeConfig();
    MqttProbe& live = probe();
    ChildProcess& once = startDaemon({"--once"});
    ASSERT_EQ(once.waitExit(kOnceRunTimeout), 0) << once.transcript();
    ff_.setProxy(true);
    ChildProcess& second = startDaemon({"--once"});
    EXPECT_EQ(second.waitExit(kOnceRunTimeout), 77) << second.transcript();
    const auto status =
        live.waitFor(topic::kSourceStatus, contains("proxy in front of it"), kPollTimeout);
    ASSERT_TRUE(status) << live.dump();
    EXPECT_EQ(statusState(status->payload), "auth_failed");
    MqttProbe& late = probe();
    ASSERT_TRUE(late.sync(kMqttTimeout));
    const auto balance = late.latest(topic::balance("lommepenger"));
    ASSERT_TRUE(balance);
    EXPECT_EQ(balance->payload, "437.25");
}

class FireflyPaging : public FireflyTest {
protected:
    // 8 fixed accounts (two of other types, mixed in) and 1100 more: 3 pages of 500.
    std::vector<std::string> simulatorArgs() const override { return {"--extra-accounts=1100"}; }
};

TEST_F(FireflyPaging, EveryPageIsReadOncePerPoll)
{
    FfConfigOptions options;
    options.accounts = "pocket=Lommepenger, last=Konto 1100";
    writeConfig(options);
    MqttProbe& live = probe();
    ChildProcess& once = startDaemon({"--once"});
    ASSERT_EQ(once.waitExit(kOnceRunTimeout), 0) << once.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::balance("pocket"), "437.25", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::balance("last"), "1100.01", kPollTimeout));
    auto counters = ff_.counters();
    EXPECT_EQ(counters["accounts"], 3);
    EXPECT_EQ(counters["page_1"], 1);
    EXPECT_EQ(counters["page_2"], 1);
    EXPECT_EQ(counters["page_3"], 1);
    EXPECT_EQ(counters["page_4"], 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
