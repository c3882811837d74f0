// SPDX-License-Identifier: MIT
// The Sbanken plugin's transactions through the real binary, mosquitto and the simulator, where
// transactions_test.cpp (v1, all accounts) does not go: API v2, one transactions request per
// poll and account, and an entry that only the second page of a listing holds.
#include "integration_test.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ctime>
#include <string>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

const std::string kEvents = "itest/kid/lommepenger/transaction";

std::string field(const std::string& payload, const std::string& key)
{
    return Poco::JSON::Parser()
        .parse(payload)
        .extract<Poco::JSON::Object::Ptr>()
        ->get(key)
        .toString();
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

/// Today (or `daysBack` days earlier) in UTC, "YYYY-MM-DD".
std::string utcDate(int daysBack = 0)
{
    const std::time_t when = std::time(nullptr) - static_cast<std::time_t>(daysBack) * 86400;
    std::tm tm{};
    gmtime_r(&when, &tm);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
    return text;
}

class SbankenTransactions : public IntegrationTest {
protected:
    /// Lommepenger only, polled every second, with transactions; `version` "1" or "2".
    DaemonConfigOptions options(const std::string& version) const
    {
        DaemonConfigOptions o = configOptions();
        o.interval = "1s";
        o.accounts = "Lommepenger";
        o.extraSourceLines = "transactions = true\n";
        if (version == "2") {
            o.apiUrl = "https://127.0.0.1:" + std::to_string(sim_.httpsPort()) + "/apibeta/api/v2";
            o.extraSourceLines += "api_version = 2\n";
        }
        return o;
    }
};

TEST_F(SbankenTransactions, V2AnnouncesOnceAndReadsOncePerPoll)
{
    sim_.resetCounters();
    MqttProbe& p = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options("2")), {"--log-level=debug"});
    ASSERT_TRUE(waitForPolls(daemon, 1)) << daemon.text(Stream::Err);
    sim_.addTransaction(sim::kLommepenger, "1234567.89", "Lommepenger fra pappa", false, "",
                        "12345678903");

    auto event = p.waitFor(
        kEvents, [](const std::string&) { return true; }, kPollTimeout);
    ASSERT_TRUE(event) << daemon.text(Stream::Err);
    EXPECT_FALSE(event->retained);
    EXPECT_EQ(field(event->payload, "event_type"), "credit");
    EXPECT_EQ(numberLiteral(event->payload, "amount"), "1234567.89") << event->payload;
    EXPECT_EQ(field(event->payload, "currency"), "NOK");
    EXPECT_EQ(field(event->payload, "date"), utcDate());
    EXPECT_EQ(field(event->payload, "text"), "Lommepenger fra pappa");
    EXPECT_EQ(field(event->payload, "status"), "booked");
    EXPECT_EQ(event->payload.find("12345678903"), std::string::npos) << event->payload;

    ASSERT_TRUE(waitForPolls(daemon, 2));
    EXPECT_EQ(p.messagesOn(kEvents).size(), 1u);
    EXPECT_EQ(terminate(daemon), 0);
    // Each poll: one account request (the list on the first, accounts/{id} later) and one
    // transactions request; a poll cut short by the shutdown may lack the second.
    const std::uint64_t accountRequests =
        static_cast<std::uint64_t>(sim_.counters().accountRequests);
    const std::uint64_t transactionRequests = sim_.transactionRequests();
    EXPECT_GE(transactionRequests, 3u);
    EXPECT_GE(accountRequests, transactionRequests);
    EXPECT_LE(accountRequests, transactionRequests + 1);
    const std::string log = daemon.text(Stream::Err) + daemon.text(Stream::Out);
    EXPECT_EQ(log.find("Lommepenger fra pappa"), std::string::npos);
    EXPECT_EQ(log.find("1234567"), std::string::npos);
}

TEST_F(SbankenTransactions, AnEntryOnTheSecondPageIsAnnounced)
{
    // 1001 entries from yesterday: a listing takes two requests (1000 a page, newest first).
    for (int i = 1; i <= 1001; ++i)
        sim_.addTransaction(sim::kLommepenger, "-" + std::to_string(i) + ".00",
                            "Kjop " + std::to_string(i), false, utcDate(1));
    sim_.resetCounters();
    MqttProbe& p = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options("1")), {"--log-level=debug"});
    ASSERT_TRUE(waitForPolls(daemon, 1)) << daemon.text(Stream::Err);
    EXPECT_GE(sim_.transactionRequests(), 2u);
    // Older than all of them: it sorts last, onto the second page.
    sim_.addTransaction(sim::kLommepenger, "-0.50", "Gammel kvittering", false, utcDate(5));

    auto event = p.waitFor(
        kEvents, [](const std::string&) { return true; }, kPollTimeout);
    ASSERT_TRUE(event) << daemon.text(Stream::Err);
    EXPECT_EQ(numberLiteral(event->payload, "amount"), "-0.50") << event->payload;
    EXPECT_EQ(field(event->payload, "text"), "Gammel kvittering");
    EXPECT_EQ(field(event->payload, "date"), utcDate(5));
    ASSERT_TRUE(waitForPolls(daemon, 1));
    EXPECT_EQ(p.messagesOn(kEvents).size(), 1u);  // nothing of the first listing, the new one once
    EXPECT_EQ(terminate(daemon), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
