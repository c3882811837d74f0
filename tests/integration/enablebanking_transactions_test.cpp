// SPDX-License-Identifier: MIT
// Enable Banking transactions through the real binary against the simulator: a new entry is
// announced once (and the history before the first poll never), a listing of three pages gives
// each entry once, a pending entry booked under a new entry_reference is one booked event, a
// counterpart's IBAN is published nowhere, and the listing's own budget never takes a balance
// poll's call.
#include "enablebanking_fixture.h"
#include "fault_support.h"

#include <ctime>

namespace bank2mqtt::itest {
namespace {

const std::string kEvents = "itest/kid/lommepenger/transaction";
const std::string kLast = "itest/kid/lommepenger/last_transaction";
const std::string kPayerIban = "NO8330001234567";  // the simulator's eb-0002 has it too

/// "YYYY-MM-DD" of Unix seconds, in UTC as the simulator dates its entries.
std::string isoDateOf(long long unixSeconds)
{
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
    return text;
}

MqttProbe::PayloadPredicate textIs(const std::string& text)
{
    return [text](const std::string& p) { return jsonString(p, "text") == text; };
}

MqttProbe::PayloadPredicate callsRemaining(const std::string& n)
{
    return [n](const std::string& p) { return jsonNumberLiteral(p, "calls_remaining") == n; };
}

class EnableBankingTransactions : public EnableBankingTest {
protected:
    /// Authorized, the daemon running with `transactions = true`, its first poll published.
    ChildProcess& startPolled(EbConfigOptions options = {})
    {
        options.extraSourceLines += "transactions = true\n";
        writeConfig(options);
        const AuthorizeRun run = authorize();
        EXPECT_EQ(run.exitCode, 0) << run.output;
        ChildProcess& daemon = startDaemon({});
        // The first poll's listing is behind this message: what is added now is new.
        EXPECT_TRUE(probe().waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout))
            << daemon.transcript();
        return daemon;
    }

    static std::string everything(const MqttProbe& probe)
    {
        std::string all;
        for (const auto& m : probe.messages())
            all += m.topic + " " + m.payload + "\n";
        return all;
    }
};

TEST_F(EnableBankingTransactions, ANewDebitIsAnnouncedOnceAndTheHistoryNever)
{
    ChildProcess& daemon = startPolled();
    MqttProbe& live = probe();
    const std::string today = isoDateOf(eb_.now());
    EbSimTransaction narvesen;
    narvesen.amount = "-49.00";
    narvesen.text = "NARVESEN OSLO S";
    narvesen.counterpartIban = kPayerIban;
    narvesen.remittance = "Kort 1234 til " + kPayerIban;
    eb_.addTransaction(ebsim::kLommepenger, narvesen);

    const auto event = live.waitFor(kEvents, textIs("NARVESEN OSLO S"), kPollTimeout);
    ASSERT_TRUE(event) << daemon.transcript() << live.dump();
    EXPECT_FALSE(event->retained);
    EXPECT_EQ(jsonString(event->payload, "event_type").value_or(""), "debit") << event->payload;
    EXPECT_EQ(jsonNumberLiteral(event->payload, "amount"), "-49.00") << event->payload;
    EXPECT_EQ(jsonString(event->payload, "currency").value_or(""), "NOK");
    EXPECT_EQ(jsonString(event->payload, "date").value_or(""), today);
    EXPECT_EQ(jsonString(event->payload, "status").value_or(""), "booked");
    // last_transaction: the same fields (and the account's recent ones), retained.
    const std::string fields = event->payload.substr(0, event->payload.size() - 1);
    const auto last = live.waitFor(
        kLast, [&](const std::string& p) { return p.rfind(fields, 0) == 0; }, kPollTimeout);
    ASSERT_TRUE(last) << live.dump();
    MqttProbe& later = probe();
    ASSERT_TRUE(later.sync(kMqttTimeout));
    const auto kept = later.latest(kLast);
    ASSERT_TRUE(kept);
    EXPECT_TRUE(kept->retained);
    EXPECT_EQ(kept->payload.rfind(fields, 0), 0u) << kept->payload;

    // A later entry comes through a later listing, which holds NARVESEN again: still one.
    EbSimTransaction allowance;
    allowance.amount = "100.00";
    allowance.text = "Ukepenger";
    eb_.addTransaction(ebsim::kLommepenger, allowance);
    ASSERT_TRUE(live.waitFor(kEvents, textIs("Ukepenger"), kPollTimeout)) << live.dump();
    EXPECT_EQ(live.messagesOn(kEvents).size(), 2u) << live.dump();

    MqttProbe& fresh = probe();
    ASSERT_TRUE(fresh.sync(kMqttTimeout));
    const std::string all = everything(live) + everything(fresh);
    EXPECT_EQ(all.find("REMA 1000"), std::string::npos) << "history before the first poll";
    EXPECT_EQ(all.find("Lommepenger fra pappa"), std::string::npos);
    EXPECT_EQ(all.find(kPayerIban), std::string::npos) << all;
    EXPECT_EQ(all.find("30001234567"), std::string::npos) << all;
    EXPECT_EQ(terminate(daemon), 0);
    // Nothing of an entry in the daemon's own output either.
    const std::string logs = daemon.transcript();
    for (const std::string& secret : {kPayerIban, std::string("NARVESEN"), std::string("49.00"),
                                      std::string("Ukepenger"), std::string("REMA")})
        EXPECT_EQ(logs.find(secret), std::string::npos) << secret << " in\n" << logs;
}

TEST_F(EnableBankingTransactions, AListingOfThreePagesGivesEachEntryOnce)
{
    ChildProcess& daemon = startPolled();
    MqttProbe& live = probe();
    const std::size_t mark = live.size();
    // With the two entries of the history, five entries: pages of 2, 2 and 1.
    eb_.setTransactionPageSize(2);
    eb_.resetCounters();
    for (const std::string name : {"KIWI", "RUTER"}) {
        EbSimTransaction t;
        t.amount = "-12.50";
        t.text = name;
        eb_.addTransaction(ebsim::kLommepenger, t);
    }
    EbSimTransaction reserved;
    reserved.amount = "-300.00";
    reserved.text = "VINMONOPOLET";
    reserved.status = "PDNG";
    eb_.addTransaction(ebsim::kLommepenger, reserved);

    const auto pending = live.waitFor(kEvents, textIs("VINMONOPOLET"), kPollTimeout, mark);
    ASSERT_TRUE(pending) << daemon.transcript() << live.dump();
    EXPECT_EQ(jsonString(pending->payload, "status").value_or(""), "pending") << pending->payload;
    ASSERT_TRUE(live.waitFor(kEvents, textIs("KIWI"), kPollTimeout, mark));
    ASSERT_TRUE(live.waitFor(kEvents, textIs("RUTER"), kPollTimeout, mark));
    // One more listing of all three pages after those, then count.
    eb_.setBalances(ebsim::kLommepenger, {{"CLBD", "1.00"}, {"ITAV", "1.00"}});
    ASSERT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "1.00", kPollTimeout));
    EbSimTransaction marker;
    marker.amount = "-1.00";
    marker.text = "MARKER";
    eb_.addTransaction(ebsim::kLommepenger, marker);
    ASSERT_TRUE(live.waitFor(kEvents, textIs("MARKER"), kPollTimeout, mark));

    const auto events = live.messagesOn(kEvents);
    EXPECT_EQ(events.size(), 4u) << live.dump();
    EXPECT_GE(eb_.transactionRequests(), 3 + 2) << "three pages of lommepenger, one of the others";
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(EnableBankingTransactions, APendingEntryThatBooksUnderANewReferenceIsOneBookedEvent)
{
    ChildProcess& daemon = startPolled();
    MqttProbe& live = probe();
    EbSimTransaction reserved;
    reserved.amount = "-129.90";
    reserved.text = "ELKJOP";
    reserved.status = "PDNG";
    const std::string reference = eb_.addTransaction(ebsim::kLommepenger, reserved);
    const auto pending = live.waitFor(kEvents, textIs("ELKJOP"), kPollTimeout);
    ASSERT_TRUE(pending) << daemon.transcript() << live.dump();
    EXPECT_EQ(jsonString(pending->payload, "status").value_or(""), "pending") << pending->payload;
    EXPECT_EQ(jsonString(pending->payload, "event_type").value_or(""), "debit");

    // As some banks do (actual #7799): booked under another entry_reference.
    EXPECT_NE(eb_.bookTransaction(ebsim::kLommepenger, reference, false), reference);
    const auto booked = live.waitFor(
        kEvents,
        [](const std::string& p) { return jsonString(p, "event_type") == std::string("booked"); },
        kPollTimeout);
    ASSERT_TRUE(booked) << live.dump();
    EXPECT_EQ(jsonString(booked->payload, "text").value_or(""), "ELKJOP");
    EXPECT_EQ(jsonNumberLiteral(booked->payload, "amount"), "-129.90");
    EXPECT_EQ(jsonString(booked->payload, "status").value_or(""), "booked");

    // Later listings hold the booked entry again: nothing more is announced.
    EbSimTransaction marker;
    marker.amount = "-1.00";
    marker.text = "MARKER";
    eb_.addTransaction(ebsim::kLommepenger, marker);
    ASSERT_TRUE(live.waitFor(kEvents, textIs("MARKER"), kPollTimeout));
    EXPECT_EQ(live.messagesOn(kEvents).size(), 3u) << live.dump();
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(EnableBankingTransactions, TheListingsBudgetNeverTakesABalancePoll)
{
    // The bank's own 429 on the listing, as when its four listings a day are spent.
    eb_.fault("429", "transactions");
    EbConfigOptions options;
    options.dailyLimit = "";  // the plugin's 4 a day, for the balances and for the listing
    ChildProcess& daemon = startPolled(options);
    MqttProbe& live = probe();

    // The first poll listed (and was refused) without spending a balance poll's call.
    const auto first = live.waitFor(topic::kSourceStatus, callsRemaining("3"), kPollTimeout);
    ASSERT_TRUE(first) << live.dump();
    const EbSimCounters before = eb_.counters();
    EXPECT_EQ(before.transactionRequests, 1) << "the refused listing ended the call";
    EXPECT_EQ(before.balanceCalls.at(ebsim::kLommepenger), 1);

    // A refresh polls the balances; the listing waits for its own budget.
    eb_.setBalances(ebsim::kLommepenger, {{"CLBD", "512.50"}, {"ITAV", "500.00"}});
    publishCommand(broker_.uri(), "itest/kid/refresh", "PRESS");
    // The scheduler runs a refresh 30 s after the last attempt at the earliest (kBackoffBase).
    const Millis refreshTimeout{45000};
    ASSERT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "512.50", refreshTimeout))
        << daemon.transcript();
    const auto second = live.waitFor(topic::kSourceStatus, callsRemaining("2"), kPollTimeout);
    ASSERT_TRUE(second) << live.dump();
    // The refusal is said on the status topic: the listing is not read, the balances are.
    EXPECT_NE(jsonString(second->payload, "transactions_error").value_or("").find("daily limit"),
              std::string::npos)
        << second->payload;
    const EbSimCounters after = eb_.counters();
    EXPECT_EQ(after.balanceCalls.at(ebsim::kLommepenger), 2);
    EXPECT_EQ(after.transactionRequests, 1) << "a listing was made on a spent budget";
    EXPECT_EQ(terminate(daemon), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
