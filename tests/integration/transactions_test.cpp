// SPDX-License-Identifier: MIT
// New transactions as Home Assistant events, through the real binary, mosquitto and the Sbanken
// simulator: announced once and only once (across polls, restarts and a broker outage), a
// reservation that books is one `booked` event, nothing old on the first poll, the bank's text
// masked, and the event entity passes the Home Assistant rules checker.
#include "home_assistant_fixture.h"
#include "integration_test.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ctime>
#include <string>
#include <vector>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

const std::string kEvents = "itest/kid/lommepenger/transaction";
const std::string kLast = "itest/kid/lommepenger/last_transaction";

Poco::JSON::Object::Ptr parse(const std::string& payload)
{
    return Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
}

std::string field(const std::string& payload, const std::string& key)
{
    return parse(payload)->get(key).toString();
}

/// The literal text of a JSON number field as published (exactness is in the text).
std::string numberLiteral(const std::string& payload, const std::string& key)
{
    const std::string marker = "\"" + key + "\":";
    const std::size_t at = payload.find(marker);
    if (at == std::string::npos)
        return "";
    const std::size_t start = at + marker.size();
    return payload.substr(start, payload.find_first_of(",}", start) - start);
}

std::string today()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
    return text;
}

class Transactions : public HomeAssistantTest {
protected:
    DaemonConfigOptions txOptions() const
    {
        DaemonConfigOptions options = haOptions();
        options.interval = "1s";
        options.extraSourceLines = "transactions = true\n";
        return options;
    }
    ChildProcess& start(const DaemonConfig& config)
    {
        return startDaemon(config, {"--log-level=debug"});
    }
};

TEST_F(Transactions, ANewTransactionIsAnnouncedOnceWithItsNumbersMasked)
{
    MqttProbe& p = probe();
    ChildProcess& daemon = start(writeConfig(txOptions()));
    ASSERT_TRUE(waitForPolls(daemon, 1));
    sim_.addTransaction(sim::kLommepenger, "-49.00",
                        "NARVESEN OSLO S kort 4111 1111 1111 1111 fra 97104133219", false, "",
                        "12345678903");

    auto event = p.waitFor(
        kEvents, [](const std::string&) { return true; }, kPollTimeout);
    ASSERT_TRUE(event) << daemon.text(Stream::Err);
    EXPECT_FALSE(event->retained);
    EXPECT_EQ(field(event->payload, "event_type"), "debit");
    EXPECT_EQ(numberLiteral(event->payload, "amount"), "-49.00") << event->payload;
    EXPECT_EQ(field(event->payload, "currency"), "NOK");
    EXPECT_EQ(field(event->payload, "date"), today());
    EXPECT_EQ(field(event->payload, "status"), "booked");
    const std::string text = field(event->payload, "text");
    EXPECT_EQ(text.rfind("NARVESEN OSLO S", 0), 0u) << text;
    for (const std::string& secret :
         {std::string("4111"), sim::kLommepenger, std::string("12345678903"), sim::kCustomerId})
        EXPECT_EQ(event->payload.find(secret), std::string::npos) << event->payload;

    // Three more polls list it again: no second announcement.
    ASSERT_TRUE(waitForPolls(daemon, 3));
    EXPECT_EQ(p.messagesOn(kEvents).size(), 1u);
    MqttProbe& late = freshProbe();
    auto last = late.latest(kLast);
    ASSERT_TRUE(last);
    EXPECT_TRUE(last->retained);
    // The event with the account's recent ones (here only it) for a dashboard.
    const std::string& e = event->payload;
    EXPECT_EQ(last->payload, e.substr(0, e.size() - 1) + ",\"recent\":[" + e + "]}");
    EXPECT_EQ(late.messagesOn(kEvents).size(), 0u);  // an event is never retained
    for (const auto& m : late.messages())
        EXPECT_EQ(m.payload.find("12345678903"), std::string::npos) << m.topic;
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(Transactions, TheFirstPollAnnouncesNothingOldAndARestartNothingTwice)
{
    sim_.addTransaction(sim::kLommepenger, "-12.00", "Kiosk");
    sim_.addTransaction(sim::kLommepenger, "100.00", "Lommepenger fra pappa");
    MqttProbe& p = probe();
    const DaemonConfig& config = writeConfig(txOptions());
    ChildProcess& first = start(config);
    ASSERT_TRUE(waitForPolls(first, 3));
    EXPECT_EQ(p.messagesOn(kEvents).size(), 0u);

    sim_.addTransaction(sim::kLommepenger, "-49.00", "NARVESEN");
    ASSERT_TRUE(p.waitForCount(kEvents, 1, kPollTimeout));
    ASSERT_EQ(terminate(first), 0);

    DaemonConfigOptions again = sameInstance(config, txOptions());
    ChildProcess& second = start(writeConfig(again));
    ASSERT_TRUE(waitForPolls(second, 3));
    EXPECT_EQ(p.messagesOn(kEvents).size(), 1u);
    sim_.addTransaction(sim::kLommepenger, "-5.00", "Tyggis");
    auto next = p.waitFor(
        kEvents, [](const std::string& m) { return m.find("Tyggis") != std::string::npos; },
        kPollTimeout);
    ASSERT_TRUE(next);
    EXPECT_EQ(numberLiteral(next->payload, "amount"), "-5.00");
    EXPECT_EQ(p.messagesOn(kEvents).size(), 2u);
    EXPECT_EQ(terminate(second), 0);
}

TEST_F(Transactions, AReservationThatBooksIsOneBookedEvent)
{
    MqttProbe& p = probe();
    ChildProcess& daemon = start(writeConfig(txOptions()));
    ASSERT_TRUE(waitForPolls(daemon, 1));
    const std::string id = sim_.addTransaction(sim::kLommepenger, "-49.00", "NARVESEN", true);
    auto pending = p.waitFor(
        kEvents, [](const std::string&) { return true; }, kPollTimeout);
    ASSERT_TRUE(pending);
    EXPECT_EQ(field(pending->payload, "event_type"), "debit");
    EXPECT_EQ(field(pending->payload, "status"), "pending");
    ASSERT_TRUE(waitForPolls(daemon, 2));

    sim_.bookTransaction(id, "NARVESEN OSLO S");
    auto booked = p.waitFor(
        kEvents, [](const std::string& m) { return m.find("\"booked\"") != std::string::npos; },
        kPollTimeout);
    ASSERT_TRUE(booked);
    EXPECT_EQ(field(booked->payload, "event_type"), "booked");
    EXPECT_EQ(numberLiteral(booked->payload, "amount"), "-49.00");
    ASSERT_TRUE(waitForPolls(daemon, 3));
    EXPECT_EQ(p.messagesOn(kEvents).size(), 2u);  // the pending debit and its booking, nothing else
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(Transactions, AnnouncementsWaitForTheBrokerEvenAcrossARestart)
{
    const DaemonConfig& config = writeConfig(txOptions());
    ChildProcess& first = start(config);
    ASSERT_TRUE(waitForPolls(first, 1));
    broker_.kill();
    ASSERT_TRUE(
        first.waitForLine(Stream::Err, "lost the connection to the MQTT broker", kPollTimeout));
    sim_.addTransaction(sim::kLommepenger, "-49.00", "NARVESEN");
    ASSERT_TRUE(waitForPolls(first, 2));  // read while the broker is down: queued
    ASSERT_EQ(terminate(first), 0);

    broker_.startAgain();
    MqttProbe& p = probe();
    ChildProcess& second = start(writeConfig(sameInstance(config, txOptions())));
    auto event = p.waitFor(
        kEvents, [](const std::string&) { return true; }, kPollTimeout);
    ASSERT_TRUE(event) << second.text(Stream::Err);
    EXPECT_EQ(numberLiteral(event->payload, "amount"), "-49.00");
    ASSERT_TRUE(waitForPolls(second, 3));
    EXPECT_EQ(p.messagesOn(kEvents).size(), 1u);
    EXPECT_EQ(terminate(second), 0);
}

TEST_F(Transactions, TheEventEntityPassesTheHomeAssistantChecker)
{
    ChildProcess& daemon = start(writeConfig(txOptions()));
    ASSERT_TRUE(waitForPolls(daemon, 1));
    DiscoveryConfigs configs = retainedDiscovery();
    EXPECT_EQ(violations(configs), "");
    EXPECT_EQ(identifyingData(configs), "");
    const std::string topic = deviceTopicNamed(configs, "Lommepenger");
    ASSERT_FALSE(topic.empty());
    EXPECT_EQ(stringAt(configs[topic], {"components", "transaction", "platform"}), "event");
    EXPECT_EQ(stringAt(configs[topic], {"components", "transaction", "state_topic"}), kEvents);
    EXPECT_EQ(stringAt(configs[topic], {"components", "last_transaction", "state_topic"}), kLast);
    EXPECT_EQ(terminate(daemon), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
