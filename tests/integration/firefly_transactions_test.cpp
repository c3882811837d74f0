// SPDX-License-Identifier: MIT
// Firefly III transactions through the real binary and broker: a withdrawal is one debit event,
// a transfer between two selected accounts a debit and a credit, nothing old on the first poll,
// paging, and the counterpart's IBAN never leaves the process.
#include "fault_support.h"
#include "firefly_fixture.h"

#include <algorithm>
#include <ctime>

namespace bank2mqtt::itest {
namespace {

const std::string kCounterpartIban = "NO0215038877041";

std::string utcTime(const char* format)
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[40];
    std::strftime(text, sizeof text, format, &utc);
    return text;
}

// Today in UTC: the host asks for a week back from it, so entries dated today are inside.
std::string today()
{
    return utcTime("%Y-%m-%d");
}

std::string transactionTopic(const std::string& account)
{
    return topic::account(account) + "/transaction";
}

class FireflyTransactionEvents : public FireflyTest {
protected:
    /// The daemon with transactions = true for `accounts`, polling every 5 s (a refresh is
    /// served at most every min(30 s, interval) after the last poll); returns once the first
    /// poll (balances and the first, silent, transaction listing) is published.
    ChildProcess& startPolling(MqttProbe& live, const std::string& accounts)
    {
        FfConfigOptions options;
        options.interval = "5s";
        options.accounts = accounts;
        options.extraSourceLines = "transactions = true\n";
        writeConfig(options);
        ChildProcess& daemon = startDaemon({});
        // The transactions are read in the same fetch as the balances, before these publish.
        EXPECT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout))
            << daemon.transcript();
        EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));
        return daemon;
    }
    /// Asks for a poll and waits for the status of a poll that began after this call (its
    /// last_attempt, to the second, later than now); every event of the polls before it has then
    /// reached the probe (one publisher, one connection: the broker keeps their order).
    void pollOnce(MqttProbe& live)
    {
        const std::string now = utcTime("%Y-%m-%dT%H:%M:%S+00:00");
        publishCommand(broker_.uri(), "itest/kid/refresh");
        ASSERT_TRUE(live.waitFor(
            topic::kSourceStatus,
            [now](const std::string& p) {
                return statusState(p) == "ok" && jsonString(p, "last_attempt").value_or("") > now;
            },
            kPollTimeout));
    }
    FireflySimulator::Transaction withdrawal(const std::string& amount,
                                             const std::string& description)
    {
        FireflySimulator::Transaction t;
        t.type = "withdrawal";
        t.source = "1";  // Lommepenger
        t.destination = "Narvesen";
        t.amount = amount;
        t.description = description;
        t.date = today();
        t.destinationIban = kCounterpartIban;
        return t;
    }
};

TEST_F(FireflyTransactionEvents, AWithdrawalIsOneDebitEventAndNothingOldIsAnnounced)
{
    ff_.addTransaction(withdrawal("12.00", "OLD KIOSK"));  // before transactions were enabled
    MqttProbe& live = probe();
    ChildProcess& daemon = startPolling(live, "Lommepenger");

    ff_.addTransaction(withdrawal("49.00", "NARVESEN OSLO S"));
    publishCommand(broker_.uri(), "itest/kid/refresh");
    const auto event = live.waitFor(
        transactionTopic("lommepenger"), [](const std::string&) { return true; }, kPollTimeout);
    ASSERT_TRUE(event) << daemon.transcript();
    EXPECT_FALSE(event->retained);
    EXPECT_EQ(jsonString(event->payload, "event_type").value_or(""), "debit") << event->payload;
    EXPECT_EQ(jsonNumberLiteral(event->payload, "amount"), "-49.00") << event->payload;
    EXPECT_EQ(jsonString(event->payload, "currency").value_or(""), "NOK");
    EXPECT_EQ(jsonString(event->payload, "date").value_or(""), today());
    EXPECT_EQ(jsonString(event->payload, "text").value_or(""), "NARVESEN OSLO S");
    EXPECT_EQ(jsonString(event->payload, "status").value_or(""), "booked");
    // The retained last_transaction starts with the same fields (and lists the recent ones).
    EXPECT_TRUE(live.waitFor(
        topic::account("lommepenger") + "/last_transaction",
        [](const std::string& p) {
            return jsonString(p, "text") == "NARVESEN OSLO S" &&
                   jsonNumberLiteral(p, "amount") == "-49.00" &&
                   jsonString(p, "event_type") == "debit";
        },
        kMqttTimeout))
        << live.dump();

    // Two more polls list it again: still one event, and the old one never.
    ASSERT_NO_FATAL_FAILURE(pollOnce(live));
    ASSERT_NO_FATAL_FAILURE(pollOnce(live));
    EXPECT_EQ(live.messagesOn(transactionTopic("lommepenger")).size(), 1u) << live.dump();
    EXPECT_EQ(live.dump().find("OLD KIOSK"), std::string::npos);
    // The counterpart's IBAN reaches neither the broker nor the log; the text and amount are
    // not logged.
    EXPECT_EQ(live.dump().find(kCounterpartIban), std::string::npos);
    EXPECT_EQ(live.dump().find("15038877041"), std::string::npos);
    const std::vector<std::string> leaks = {kCounterpartIban, "NARVESEN", "49.00"};
    for (const auto& leak : leaks)
        EXPECT_EQ(daemon.transcript().find(leak), std::string::npos) << leak;
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(FireflyTransactionEvents, ATransferBetweenTwoSelectedAccountsIsADebitAndACredit)
{
    MqttProbe& live = probe();
    ChildProcess& daemon = startPolling(live, "Lommepenger, Sparekonto");
    ASSERT_TRUE(live.waitForPayload(topic::balance("sparekonto"), "12500.00", kPollTimeout));

    FireflySimulator::Transaction transfer;
    transfer.type = "transfer";
    transfer.source = "1";
    transfer.destination = "2";
    transfer.amount = "250.00";
    transfer.description = "Til sparing";
    transfer.date = today();
    ff_.addTransaction(transfer);
    publishCommand(broker_.uri(), "itest/kid/refresh");
    const auto any = [](const std::string&) { return true; };
    const auto out = live.waitFor(transactionTopic("lommepenger"), any, kPollTimeout);
    const auto in = live.waitFor(transactionTopic("sparekonto"), any, kPollTimeout);
    ASSERT_TRUE(out && in) << daemon.transcript() << live.dump();
    EXPECT_EQ(jsonString(out->payload, "event_type").value_or(""), "debit") << out->payload;
    EXPECT_EQ(jsonNumberLiteral(out->payload, "amount"), "-250.00") << out->payload;
    EXPECT_EQ(jsonString(in->payload, "event_type").value_or(""), "credit") << in->payload;
    EXPECT_EQ(jsonNumberLiteral(in->payload, "amount"), "250.00") << in->payload;
    EXPECT_EQ(jsonString(in->payload, "text").value_or(""), "Til sparing");
    ASSERT_NO_FATAL_FAILURE(pollOnce(live));
    EXPECT_EQ(live.messagesOn(transactionTopic("lommepenger")).size(), 1u);
    EXPECT_EQ(live.messagesOn(transactionTopic("sparekonto")).size(), 1u);
    EXPECT_EQ(terminate(daemon), 0);
}

class FireflyTransactionEventPaging : public FireflyTransactionEvents {
protected:
    std::vector<std::string> simulatorArgs() const override
    {
        return {"--transaction-page-size=2"};
    }
};

TEST_F(FireflyTransactionEventPaging, FiveTransactionsOnThreePagesAreFiveEvents)
{
    MqttProbe& live = probe();
    ChildProcess& daemon = startPolling(live, "Lommepenger");
    for (int i = 1; i <= 5; ++i)
        ff_.addTransaction(withdrawal(std::to_string(i) + ".00", "Kiosk " + std::to_string(i)));
    ff_.resetCounters();
    publishCommand(broker_.uri(), "itest/kid/refresh");
    ASSERT_TRUE(live.waitForCount(transactionTopic("lommepenger"), 5, kPollTimeout))
        << daemon.transcript() << live.dump();
    ASSERT_NO_FATAL_FAILURE(pollOnce(live));
    EXPECT_EQ(live.messagesOn(transactionTopic("lommepenger")).size(), 5u) << live.dump();
    std::vector<std::string> amounts;
    for (const auto& m : live.messagesOn(transactionTopic("lommepenger")))
        amounts.push_back(jsonNumberLiteral(m.payload, "amount"));
    std::sort(amounts.begin(), amounts.end());
    EXPECT_EQ(amounts, (std::vector<std::string>{"-1.00", "-2.00", "-3.00", "-4.00", "-5.00"}));
    // Read right after a poll's status, 5 s before the next: each of the (at least two) polls
    // since the reset was one account page and three transaction pages.
    auto counters = ff_.counters();
    EXPECT_GE(counters["accounts"], 2);
    EXPECT_EQ(counters["transaction_requests"], 3 * counters["accounts"]);
    EXPECT_EQ(terminate(daemon), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
