// SPDX-License-Identifier: MIT
// Authentication at the bank: an expired token costs one re-login; credentials the bank
// rejects stop the polling of that source until a refresh command asks to try again.
#include "fault_support.h"
#include "integration_test.h"

#include <iostream>
#include <ostream>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

class BankAuth : public IntegrationTest {};

TEST_F(BankAuth, ExpiredTokenIsRenewedOnceAndTheSourceStaysOk)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitForCount(topic::kSourceStatus, 2, kPollTimeout, stateIs("ok")));

    const SimCounters before = sim_.counters();
    const std::size_t mark = live.size();
    const std::size_t line = daemon.lineCount(Stream::Err);
    sim_.expireTokens();
    // The first ok after the mark may come from a poll that began before the expiry; the
    // second comes from one that began after it.
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, mark));
    const std::size_t afterFirst = live.size();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, afterFirst));
    // And one more, which must reuse the renewed token.
    const std::size_t afterSecond = live.size();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, afterSecond));

    const SimCounters after = sim_.counters();
    EXPECT_EQ(after.tokenRequests - before.tokenRequests, 1) << "one re-login, no more";
    EXPECT_EQ(after.tokensIssued - before.tokensIssued, 1);
    EXPECT_GE(after.accountRequests - before.accountRequests, 3) << "401, retry, next poll";
    for (const auto& m : live.messagesOn(topic::kSourceStatus))
        EXPECT_EQ(statusState(m.payload), "ok") << m.payload;
    EXPECT_EQ(countLines(daemon, Stream::Err, "warning [kid]", line), 0u)
        << daemon.text(Stream::Err);
    EXPECT_EQ(countLines(daemon, Stream::Err, "error [kid]", line), 0u) << daemon.text(Stream::Err);
    EXPECT_EQ(terminate(daemon), 0);
}

struct Rejection {
    std::string name;
    std::string mode;    ///< simulator fault mode
    std::string target;  ///< "token" or "api"
    std::vector<std::string> words;
    std::string refreshTopic;
};

void PrintTo(const Rejection& r, std::ostream* out)
{
    *out << r.name;
}

class CredentialsRejected : public IntegrationTest,
                            public ::testing::WithParamInterface<Rejection> {
protected:
    void TearDown() override
    {
        IntegrationTest::TearDown();
        if (HasFailure())
            std::cerr << "===== the clock source's bank\n" << clockBank_.transcript();
    }

    /// A second bank for a second source, "clock", whose polls prove that time passes while
    /// the faulted source is suspended.
    Simulator clockBank_{SIM_BIN, CERT_DIR};
};

const std::string kClockStatus = "itest/clock/status";

TEST_P(CredentialsRejected, StopPollingUntilARefreshCommand)
{
    const Rejection& rejection = GetParam();
    clockBank_.start();
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    options.extraSources = {{"clock", ""}};
    options.extraSourcesAuthUrl = clockBank_.authUrl();
    options.extraSourcesApiUrl = clockBank_.apiUrl();
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));
    ASSERT_TRUE(live.waitFor(kClockStatus, stateIs("ok"), kPollTimeout));

    const std::size_t mark = live.size();
    const std::size_t line = daemon.lineCount(Stream::Err);
    sim_.fault(rejection.mode, rejection.target);
    sim_.expireTokens();  // so that the next poll needs a new token

    auto rejected = live.waitFor(topic::kSourceStatus, stateIs("auth_failed"), kPollTimeout, mark);
    ASSERT_TRUE(rejected) << "no auth_failed status";
    auto error = jsonString(rejected->payload, "error");
    ASSERT_TRUE(error) << rejected->payload;
    for (const auto& word : rejection.words)
        EXPECT_TRUE(containsIgnoringCase(*error, word))
            << "the error does not say \"" << word << "\": " << *error;
    EXPECT_TRUE(jsonIsNull(rejected->payload, "next_poll"))
        << "a suspended source has no next poll: " << rejected->payload;

    // Three more polls of the other source: more than two intervals without a request of kid.
    const SimCounters suspended = sim_.counters();
    const std::size_t clockPolls = live.messagesOn(kClockStatus).size();
    ASSERT_TRUE(live.waitForCount(kClockStatus, clockPolls + 3, kPollTimeout));
    const auto clockStatuses = live.messagesOn(kClockStatus);
    auto first = jsonTime(clockStatuses[clockPolls].payload, "last_attempt");
    auto last = jsonTime(clockStatuses.back().payload, "last_attempt");
    ASSERT_TRUE(first && last);
    EXPECT_GE(*last - *first, std::chrono::seconds(2));
    const SimCounters later = sim_.counters();
    EXPECT_EQ(later.tokenRequests, suspended.tokenRequests) << "kept asking for tokens";
    EXPECT_EQ(later.accountRequests, suspended.accountRequests) << "kept polling";
    auto latest = live.latest(topic::kSourceStatus);
    ASSERT_TRUE(latest);
    EXPECT_EQ(statusState(latest->payload), "auth_failed") << latest->payload;
    EXPECT_EQ(countLines(daemon, Stream::Err, "error [kid]", line), 1u) << daemon.text(Stream::Err);

    auto balance = freshProbe().latest(topic::balance("lommepenger"));
    ASSERT_TRUE(balance);
    EXPECT_EQ(balance->payload, "437.25");

    // The person has fixed the credentials and asks for a poll.
    const std::size_t beforeRefresh = live.size();
    sim_.fault("none");
    publishCommand(broker_.uri(), rejection.refreshTopic);
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, beforeRefresh))
        << "no recovery after " << rejection.refreshTopic;
    const std::size_t afterRecovery = live.size();
    EXPECT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, afterRecovery))
        << "polling did not resume at the interval";
    EXPECT_EQ(countLines(daemon, Stream::Err, "[kid] recovered", line), 1u)
        << daemon.text(Stream::Err);
    EXPECT_EQ(terminate(daemon), 0);
}

INSTANTIATE_TEST_SUITE_P(Causes, CredentialsRejected,
                         ::testing::Values(Rejection{"InvalidClientThenSourceRefresh",
                                                     "invalid_client",
                                                     "token",
                                                     {"rejected", "client_secret_file"},
                                                     "itest/kid/refresh"},
                                           Rejection{"InvalidClientThenRefreshAll",
                                                     "invalid_client",
                                                     "token",
                                                     {"rejected", "client_secret_file"},
                                                     "itest/refresh"},
                                           Rejection{"FreshTokenRefusedThenSourceRefresh",
                                                     "401",
                                                     "api",
                                                     {"refused", "token"},
                                                     "itest/kid/refresh"},
                                           Rejection{"FreshTokenRefusedThenRefreshAll",
                                                     "401",
                                                     "api",
                                                     {"refused", "token"},
                                                     "itest/refresh"}),
                         [](const ::testing::TestParamInfo<Rejection>& info) {
                             return info.param.name;
                         });

}  // namespace
}  // namespace bank2mqtt::itest
