// SPDX-License-Identifier: MIT
// TransactionLedger: each transaction announced once and only once, across restarts and bookings.
#include "transaction_ledger.h"

#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/memory_state_store.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace bank2mqtt;
using namespace bank2mqtt::test;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace {

// FakeClock's wall time is 2026-11-27T07:00:00Z.
constexpr const char* kToday = "2026-11-27";

Transaction tx(std::int64_t minor, const std::string& text, const std::string& date = kToday,
               bool pending = false, const std::string& id = "")
{
    Transaction t;
    t.id = id;
    t.amount = {minor, "NOK", -1};
    t.date = date;
    t.text = text;
    t.pending = pending;
    return t;
}

Poco::JSON::Object::Ptr parse(const std::string& payload)
{
    return Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
}

class Ledger : public ::testing::Test {
protected:
    /// The announcements queued since the last call, as "kind amount text status", and empties
    /// the queue as if the broker took them.
    std::vector<std::string> announced(TransactionLedger& ledger)
    {
        std::vector<std::string> out;
        while (!ledger.queue().empty()) {
            const auto o = parse(ledger.queue().front().payload);
            out.push_back(o->getValue<std::string>("event_type") + " " +
                          o->get("amount").toString() + " " + o->getValue<std::string>("text") +
                          " " + o->getValue<std::string>("status"));
            ledger.pop();
        }
        ledger.save();
        return out;
    }
    /// One listing of account "kid", as a poll would hand it over.
    std::vector<std::string> poll(TransactionLedger& ledger, const std::vector<Transaction>& list)
    {
        ledger.take("kid", list);
        ledger.fetched();
        return announced(ledger);
    }

    FakeClock clock_;
    MemoryStateStore state_;
    CapturingLogger log_;
};

}  // namespace

TEST_F(Ledger, TheFirstListingIsHistoryAndOnlyNewOnesAreAnnounced)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN", "2026-11-25"), tx(10000, "Pappa")}), IsEmpty());
    EXPECT_THAT(
        poll(ledger, {tx(-4900, "NARVESEN", "2026-11-25"), tx(10000, "Pappa"), tx(-2500, "KIWI")}),
        ElementsAre("debit -25 KIWI booked"));
    EXPECT_THAT(
        poll(ledger, {tx(-4900, "NARVESEN", "2026-11-25"), tx(10000, "Pappa"), tx(-2500, "KIWI")}),
        IsEmpty());
}

TEST_F(Ledger, TheBacklogAnnouncesTheNewestOnTheFirstListingOldestFirst)
{
    TransactionLedger ledger(state_, clock_, log_, 2);
    EXPECT_THAT(poll(ledger, {tx(10000, "Pappa", "2026-11-26"), tx(-4900, "NARVESEN"),
                              tx(-100, "Oldest", "2026-11-21")}),
                ElementsAre("credit 100 Pappa booked", "debit -49 NARVESEN booked"));
}

TEST_F(Ledger, AmountsAreExactAndCarryTheirCurrencyAndDate)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    Transaction odd = tx(-4999, "NARVESEN OSLO S", "2026-11-26");
    ledger.take("kid", {odd});
    ASSERT_EQ(ledger.queue().size(), 1u);
    EXPECT_EQ(ledger.queue().front().account, "kid");
    EXPECT_EQ(ledger.queue().front().payload,
              "{\"event_type\":\"debit\",\"amount\":-49.99,\"currency\":\"NOK\",\"date\":"
              "\"2026-11-26\",\"text\":\"NARVESEN OSLO S\",\"status\":\"booked\"}");
    Transaction points = tx(55, "bonus");
    points.amount = {55, "", 1};
    ledger.take("kid", {odd, points});
    EXPECT_EQ(ledger.queue().back().payload,
              "{\"event_type\":\"credit\",\"amount\":5.5,\"currency\":null,\"date\":"
              "\"2026-11-27\",\"text\":\"bonus\",\"status\":\"booked\"}");
}

TEST_F(Ledger, TwoIdenticalPurchasesOnOneDayAreTwoTransactions)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {tx(-4900, "NARVESEN")});
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN"), tx(-4900, "NARVESEN")}),
                ElementsAre("debit -49 NARVESEN booked"));
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN"), tx(-4900, "NARVESEN")}), IsEmpty());
}

TEST_F(Ledger, APendingPurchaseThatBooksIsOneBookedEventNotASecondDebit)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    EXPECT_THAT(poll(ledger, {tx(-4900, "VISA VARE NARVESEN", "", true)}),
                ElementsAre("debit -49 VISA VARE NARVESEN pending"));
    EXPECT_THAT(poll(ledger, {tx(-4900, "VISA VARE NARVESEN", "", true)}), IsEmpty());
    clock_.advance(std::chrono::hours(48));
    // Booked two days later under another text and without the reservation.
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN OSLO S", "2026-11-29")}),
                ElementsAre("booked -49 NARVESEN OSLO S booked"));
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN OSLO S", "2026-11-29")}), IsEmpty());
}

TEST_F(Ledger, ABankThatKeepsItsIdWhenAnEntryBooksIsMatchedByTheId)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN", kToday, true, "T1")}),
                ElementsAre("debit -49 NARVESEN pending"));
    // The amount changed on booking (a tip, a currency rate): the id still ties them.
    EXPECT_THAT(poll(ledger, {tx(-5200, "NARVESEN", kToday, false, "T1")}),
                ElementsAre("booked -52 NARVESEN booked"));
}

TEST_F(Ledger, AReservationKeptSilentlyOnTheFirstListingBooksAsAPlainDebit)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {tx(-4900, "NARVESEN", "", true)});
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN OSLO", kToday)}),
                ElementsAre("debit -49 NARVESEN OSLO booked"));
}

TEST_F(Ledger, NothingIsAnnouncedTwiceAcrossARestart)
{
    {
        TransactionLedger ledger(state_, clock_, log_, 0);
        poll(ledger, {tx(-4900, "NARVESEN")});
        EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN"), tx(-100, "KIOSK", kToday, true)}),
                    ElementsAre("debit -1 KIOSK pending"));
    }
    TransactionLedger again(state_, clock_, log_, 0);
    EXPECT_THAT(poll(again, {tx(-4900, "NARVESEN"), tx(-100, "KIOSK", kToday, true)}), IsEmpty());
    EXPECT_THAT(poll(again, {tx(-4900, "NARVESEN"), tx(-100, "KIOSK")}),
                ElementsAre("booked -1 KIOSK booked"));
}

TEST_F(Ledger, AnnouncementsThatWaitForTheBrokerSurviveARestart)
{
    {
        TransactionLedger ledger(state_, clock_, log_, 0);
        poll(ledger, {});
        ledger.take("kid", {tx(-4900, "NARVESEN")});
        ledger.fetched();  // the broker is down: nothing is popped
    }
    TransactionLedger again(state_, clock_, log_, 0);
    EXPECT_THAT(announced(again), ElementsAre("debit -49 NARVESEN booked"));
    EXPECT_THAT(poll(again, {tx(-4900, "NARVESEN")}), IsEmpty());
}

TEST_F(Ledger, TheQueueIsBoundedAndDropsTheOldestWithAWarning)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    for (std::size_t i = 0; i < TransactionLedger::kMaxQueued + 3; ++i)
        ledger.take("kid", {tx(-static_cast<std::int64_t>(i + 1), "shop " + std::to_string(i))});
    ledger.fetched();
    EXPECT_EQ(ledger.queue().size(), TransactionLedger::kMaxQueued);
    EXPECT_NE(ledger.queue().front().payload.find("shop 3\""), std::string::npos);
    EXPECT_EQ(log_.count("3 transaction announcements were dropped"), 1);
}

TEST_F(Ledger, ABankThatRenumbersItsHistoryAnnouncesNothingTwice)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {tx(-4900, "NARVESEN", kToday, false, "old-1")});
    // A new consent: the same entry under a new id.
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN", kToday, false, "new-1")}), IsEmpty());
}

TEST_F(Ledger, AFloodOfNewEntriesAnnouncesOnlyTheNewestHundred)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    std::vector<Transaction> many;
    for (int i = 0; i < 150; ++i)
        many.push_back(tx(-(i + 1), "shop " + std::to_string(i)));
    EXPECT_EQ(poll(ledger, many).size(), TransactionLedger::kMaxNewPerListing);
    EXPECT_EQ(log_.count("150 new transactions of kid at once"), 1);
}

TEST_F(Ledger, TheWindowIsAWeekAndReachesBackOverAPause)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    EXPECT_EQ(ledger.since(), "2026-11-17");
    poll(ledger, {});
    clock_.advance(std::chrono::hours(24 * 20));  // the daemon was off for 20 days
    EXPECT_EQ(ledger.since(), "2026-11-24");      // three days before the last good listing
    clock_.advance(std::chrono::hours(24 * 200));
    EXPECT_EQ(ledger.since(), formatIsoDate(*parseIsoDate("2026-11-27") + 220 - 90));
}

TEST_F(Ledger, EntriesOlderThanTheWindowAreNeitherAnnouncedNorKept)
{
    TransactionLedger ledger(state_, clock_, log_, 5);
    EXPECT_THAT(poll(ledger, {tx(-100, "old", "2026-10-01"), tx(-200, "new", "2026-11-26")}),
                ElementsAre("debit -2 new booked"));
    const auto saved = parse(*state_.get(TransactionLedger::kStateKey));
    EXPECT_EQ(saved->getObject("accounts")->getObject("kid")->getObject("seen")->size(), 1u);
}

TEST_F(Ledger, AccountsAreRememberedApart)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    ledger.take("kid", {tx(-4900, "NARVESEN")});
    ledger.take("savings", {});
    ledger.fetched();
    ledger.take("savings", {tx(-4900, "NARVESEN")});
    ASSERT_EQ(ledger.queue().size(), 1u);
    EXPECT_EQ(ledger.queue().front().account, "savings");
}

TEST_F(Ledger, AnUnreadableMemoryIsForgottenWithAWarning)
{
    state_.put(TransactionLedger::kStateKey, "{\"accounts\":{\"kid\":[1,2]}");
    TransactionLedger ledger(state_, clock_, log_, 0);
    EXPECT_TRUE(log_.contains("ignoring unreadable transaction memory"));
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN")}), IsEmpty());  // a first listing again
}

TEST_F(Ledger, TheLastTransactionCarriesTheAccountsRecentOnesNewestFirstAcrossARestart)
{
    {
        TransactionLedger ledger(state_, clock_, log_, 0);
        poll(ledger, {});
        for (int i = 1; i <= 6; ++i)
            ledger.take("kid", {tx(-i * 100, "shop " + std::to_string(i))});
        for (int i = 1; i < 6; ++i)
            ledger.pop();
        ledger.save();
    }
    TransactionLedger again(state_, clock_, log_, 0);
    const auto last = parse(again.pop());
    EXPECT_EQ(last->getValue<std::string>("text"), "shop 6");
    const auto recent = last->getArray("recent");
    ASSERT_EQ(recent->size(), TransactionLedger::kRecent);
    EXPECT_EQ(recent->getObject(0)->getValue<std::string>("text"), "shop 6");
    EXPECT_EQ(recent->getObject(4)->getValue<std::string>("text"), "shop 2");
    EXPECT_FALSE(recent->getObject(0)->has("recent"));
}

TEST_F(Ledger, AnAccountThatLeftIsForgottenAndStartsAfreshIfItReturns)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    ledger.take("kid", {tx(-4900, "NARVESEN")});
    ledger.take("old", {tx(-100, "KIOSK")});
    ledger.keepOnly({"kid"});
    ledger.fetched();
    EXPECT_EQ(state_.get(TransactionLedger::kStateKey)->find("\"old\""), std::string::npos);
    ledger.take("old", {tx(-100, "KIOSK"), tx(-200, "KIWI")});
    EXPECT_TRUE(ledger.queue().empty());  // a first listing again: history
}

TEST_F(Ledger, AReservationStillListedAfterItsBookingIsNotAnnouncedAgain)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    EXPECT_THAT(poll(ledger, {tx(-4900, "VISA VARE", "2026-11-26", true)}),
                ElementsAre("debit -49 VISA VARE pending"));
    EXPECT_THAT(
        poll(ledger, {tx(-4900, "VISA VARE", "2026-11-26", true), tx(-4900, "NARVESEN OSLO S")}),
        ElementsAre("booked -49 NARVESEN OSLO S booked"));
    EXPECT_THAT(
        poll(ledger, {tx(-4900, "VISA VARE", "2026-11-26", true), tx(-4900, "NARVESEN OSLO S")}),
        IsEmpty());
}

TEST_F(Ledger, AReservationFirstSeenNextToItsBookingIsOneDebit)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    // Polled four times a day: the purchase was reserved and booked between two polls, the
    // booking dated a day before the reservation.
    EXPECT_THAT(poll(ledger, {tx(-4900, "VISA VARE", kToday, true),
                              tx(-4900, "NARVESEN OSLO S", "2026-11-26")}),
                ElementsAre("debit -49 NARVESEN OSLO S booked"));
    EXPECT_THAT(poll(ledger, {tx(-4900, "VISA VARE", kToday, true),
                              tx(-4900, "NARVESEN OSLO S", "2026-11-26")}),
                IsEmpty());
}

TEST_F(Ledger, TwoIdenticalReservationsBookOneAfterTheOther)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    const Transaction reserved = tx(-4900, "NARVESEN", kToday, true);
    EXPECT_EQ(poll(ledger, {reserved, reserved}).size(), 2u);
    EXPECT_THAT(poll(ledger, {reserved, tx(-4900, "NARVESEN OSLO")}),
                ElementsAre("booked -49 NARVESEN OSLO booked"));
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN OSLO"), tx(-4900, "NARVESEN OSLO")}),
                ElementsAre("booked -49 NARVESEN OSLO booked"));
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN OSLO"), tx(-4900, "NARVESEN OSLO")}), IsEmpty());
}

TEST_F(Ledger, AHoldDatedBeforeTheWindowIsHistoryNotANewDebitEveryPoll)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    for (int i = 0; i < 3; ++i)
        EXPECT_THAT(poll(ledger, {tx(-150000, "HOTEL", "2026-11-05", true)}), IsEmpty());
}

TEST_F(Ledger, ABookingDatedBackToThePurchaseStillEndsItsReservation)
{
    TransactionLedger ledger(state_, clock_, log_, 0);
    poll(ledger, {});
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN", kToday, true)}),
                ElementsAre("debit -49 NARVESEN pending"));
    clock_.advance(std::chrono::hours(24 * 9));  // booked nine days later, dated the purchase day
    EXPECT_THAT(poll(ledger, {tx(-4900, "NARVESEN OSLO", kToday)}),
                ElementsAre("booked -49 NARVESEN OSLO booked"));
}

TEST(IsoDate, ParsesAndFormatsCalendarDatesOnly)
{
    EXPECT_EQ(parseIsoDate("1970-01-01"), 0);
    EXPECT_EQ(parseIsoDate("2024-02-29"), 19782);
    EXPECT_EQ(formatIsoDate(19782), "2024-02-29");
    EXPECT_EQ(formatIsoDate(*parseIsoDate("2026-12-31") + 1), "2027-01-01");
    for (const char* bad : {"", "2023-02-29", "2026-13-01", "2026-11-31", "26-11-27", "2026/11/27",
                            "2026-11-27T00:00:00", "1969-12-31", "2026-1a-01"})
        EXPECT_FALSE(parseIsoDate(bad).has_value()) << bad;
}
