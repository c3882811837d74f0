// SPDX-License-Identifier: MIT
// Bank failures after a good poll: the status says why in words, the last good balance stays
// retained, retries stay within the interval, and the state change and the recovery are each
// logged once.
#include "fault_support.h"
#include "integration_test.h"

#include <csignal>
#include <functional>
#include <ostream>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

struct Fault {
    std::string name;                       ///< the test's name suffix
    std::function<void(Simulator&)> apply;  ///< makes the bank fail
    std::function<void(Simulator&)> clear;  ///< makes it work again
    std::vector<std::string> words;         ///< each must be in the status error (any case)
    std::string sourceLines;                ///< appended to [source.kid]
};

void PrintTo(const Fault& fault, std::ostream* out)
{
    *out << "fault " << fault.name;
}

std::function<void(Simulator&)> simFault(const std::string& mode, int delayMs = 0)
{
    return [mode, delayMs](Simulator& sim) { sim.fault(mode, "api", 0, delayMs); };
}

void clearSimFault(Simulator& sim)
{
    sim.fault("none");
}

/// Stops the simulator and starts it again on the same ports with the certificate `cert`;
/// "" leaves it stopped (its ports refuse connections).
std::function<void(Simulator&)> restartWith(const std::string& cert)
{
    return [cert](Simulator& sim) {
        sim.stop();
        if (!cert.empty())
            sim.start(cert);
    };
}

class BankFault : public IntegrationTest, public ::testing::WithParamInterface<Fault> {};

// With interval = 1s every back-off is at most 1 s; timestamps have whole seconds, so a next
// poll one interval away can show up to 2 s after the attempt.
constexpr std::chrono::seconds kBackoffBound{2};

TEST_P(BankFault, KeepsTheLastGoodBalanceReportsTheCauseAndRecoversOnce)
{
    const Fault& fault = GetParam();
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    options.maxAge = "1h";  // "stale" (older than max_age) is another test's subject
    options.extraSourceLines = fault.sourceLines;
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));
    ASSERT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kMqttTimeout));

    // Right after a poll, and with the daemon paused: a restart of the simulator (a few ms
    // with the port closed) then cannot show up as a "refused" first error.
    const std::size_t beforePoll = live.size();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, beforePoll));
    daemon.signal(SIGSTOP);
    const std::size_t beforeFault = live.size();
    const std::size_t faultLine = daemon.lineCount(Stream::Err);
    fault.apply(sim_);
    daemon.signal(SIGCONT);

    auto failed = live.waitFor(topic::kSourceStatus, stateIs("error"), kPollTimeout, beforeFault);
    ASSERT_TRUE(failed) << "no error status after fault " << fault.name;
    auto error = jsonString(failed->payload, "error");
    ASSERT_TRUE(error) << failed->payload;
    for (const auto& word : fault.words)
        EXPECT_TRUE(containsIgnoringCase(*error, word))
            << "the error does not say \"" << word << "\": " << *error;

    // Back-off is bounded by the interval, not the 30 s base of longer intervals.
    auto attempted = jsonTime(failed->payload, "last_attempt");
    auto next = jsonTime(failed->payload, "next_poll");
    ASSERT_TRUE(attempted && next) << failed->payload;
    EXPECT_GE(*next, *attempted) << failed->payload;
    EXPECT_LE(*next - *attempted, kBackoffBound) << failed->payload;

    // The last good values, as published before the failure, are what a new subscriber gets.
    auto lastGoodJson = live.latest(topic::account("lommepenger"));
    ASSERT_TRUE(lastGoodJson);
    MqttProbe& fresh = freshProbe();
    auto balance = fresh.latest(topic::balance("lommepenger"));
    ASSERT_TRUE(balance);
    EXPECT_EQ(balance->payload, "437.25");
    EXPECT_TRUE(balance->retained);
    auto json = fresh.latest(topic::account("lommepenger"));
    ASSERT_TRUE(json);
    EXPECT_EQ(json->payload, lastGoodJson->payload);
    auto status = fresh.latest(topic::kSourceStatus);
    ASSERT_TRUE(status);
    EXPECT_EQ(statusState(status->payload), "error") << status->payload;

    // Retries fail too: from the first error on, no account topic may change.
    EXPECT_TRUE(live.waitForCount(topic::kSourceStatus, 2, kPollTimeout, stateIs("error")))
        << "the daemon did not retry within the interval";
    const auto all = live.messages();
    std::size_t i = beforeFault;
    while (i < all.size() &&
           !(all[i].topic == topic::kSourceStatus && statusState(all[i].payload) == "error")) {
        ++i;
    }
    for (; i < all.size(); ++i) {
        const bool accountTopic =
            all[i].topic.rfind("itest/kid/", 0) == 0 && all[i].topic != topic::kSourceStatus;
        EXPECT_FALSE(accountTopic)
            << "published while the bank fails: " << all[i].topic << " = " << all[i].payload;
    }
    // A state change is logged once, not at every failed poll.
    EXPECT_EQ(countLines(daemon, Stream::Err, "warning [kid]", faultLine), 1u)
        << daemon.text(Stream::Err);

    const std::size_t beforeRecovery = live.size();
    fault.clear(sim_);
    auto recovered =
        live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, beforeRecovery);
    ASSERT_TRUE(recovered) << "no recovery to ok after clearing the fault";
    EXPECT_TRUE(jsonIsNull(recovered->payload, "error")) << recovered->payload;
    // One more good poll, so that a recovery logged at every poll would show.
    const std::size_t afterRecovery = live.size();
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, afterRecovery));
    EXPECT_EQ(countLines(daemon, Stream::Err, "[kid] recovered", faultLine), 1u)
        << daemon.text(Stream::Err);
    EXPECT_EQ(terminate(daemon), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, BankFault,
    ::testing::Values(
        Fault{"Http503", simFault("503"), clearSimFault, {"503", "unavailable"}, ""},
        Fault{"HtmlPage", simFault("html"), clearSimFault, {"HTML"}, ""},
        Fault{"TruncatedJson", simFault("truncated"), clearSimFault, {"JSON", "cut off"}, ""},
        Fault{"SlowerThanTimeout",
              simFault("slow", 1500),
              clearSimFault,
              {"did not answer", "1 s"},
              "timeout = 1s\n"},
        Fault{"ConnectionRefused",
              restartWith(""),
              restartWith("server"),
              {"could not reach", "refused"},
              ""},
        Fault{"UntrustedCertificate",
              restartWith("untrusted"),
              restartWith("server"),
              {"certificate", "not trusted", "ca_file"},
              ""},
        Fault{"WrongHostInCertificate",
              restartWith("wronghost"),
              restartWith("server"),
              {"certificate",
               "not valid for the host name"},  // an IP literal is masked like any long number
              ""}),
    [](const ::testing::TestParamInfo<Fault>& info) { return info.param.name; });

}  // namespace
}  // namespace bank2mqtt::itest
