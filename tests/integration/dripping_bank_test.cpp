// SPDX-License-Identifier: MIT
// A bank that is alive but crawls (the simulator's "drip" fault: one byte of the reply at a
// time, each well within `timeout`): --once and --list-accounts still end within a bounded
// time, exit 69, and say why. A per-read timeout alone would let them run for minutes.
#include "integration_test.h"

#include <chrono>
#include <ostream>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;
using SteadyClock = std::chrono::steady_clock;

constexpr std::chrono::seconds kTimeout{2};
// Each byte comes 500 ms apart, a quarter of the timeout: a reply takes minutes.
constexpr int kDripGapMs = 500;

struct DripRun {
    const char* name;
    const char* argument;  ///< --once or --list-accounts
    const char* target;    ///< which endpoint crawls: "token" or "api"
};

void PrintTo(const DripRun& run, std::ostream* out)
{
    *out << run.name;
}

class DrippingBank : public IntegrationTest, public ::testing::WithParamInterface<DripRun> {};

TEST_P(DrippingBank, EndsWithin3TimesTheTimeoutAndSaysWhy)
{
    DaemonConfigOptions options = configOptions();
    options.extraSourceLines = "timeout = 2s\n";
    const DaemonConfig& config = writeConfig(options);
    sim_.fault("drip", GetParam().target, 0, kDripGapMs);

    const auto start = SteadyClock::now();
    ChildProcess& run = startDaemon(config, {GetParam().argument});
    const std::optional<int> status = run.waitExit(kOnceRunTimeout);
    const auto took = SteadyClock::now() - start;
    ASSERT_TRUE(status) << GetParam().argument << " still runs after " << kOnceRunTimeout.count()
                        << " ms against a bank that drips its reply";
    EXPECT_EQ(*status, 69) << run.transcript();
    EXPECT_LT(took, 3 * kTimeout) << run.transcript();
    EXPECT_NE(run.text(Stream::Err).find("did not answer within 2 s"), std::string::npos)
        << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(
    Runs, DrippingBank,
    ::testing::Values(DripRun{"OnceWithACrawlingAccountList", "--once", "api"},
                      DripRun{"OnceWithACrawlingLogin", "--once", "token"},
                      DripRun{"ListAccountsWithACrawlingAccountList", "--list-accounts", "api"}),
    [](const ::testing::TestParamInfo<DripRun>& info) { return std::string(info.param.name); });

TEST_F(DrippingBank, OnceWithACrawlingBankPublishesTheCause)
{
    DaemonConfigOptions options = configOptions();
    options.extraSourceLines = "timeout = 2s\n";
    const DaemonConfig& config = writeConfig(options);
    sim_.fault("drip", "api", 0, kDripGapMs);
    ChildProcess& run = startDaemon(config, {"--once"});
    ASSERT_EQ(run.waitExit(kOnceRunTimeout), 69) << run.transcript();

    MqttProbe& p = freshProbe();
    const auto status = p.latest(topic::kSourceStatus);
    ASSERT_TRUE(status) << "no status retained";
    EXPECT_EQ(statusState(status->payload), "error") << status->payload;
    const auto error = jsonString(status->payload, "error");
    ASSERT_TRUE(error) << status->payload;
    EXPECT_NE(error->find("did not answer within 2 s"), std::string::npos) << *error;
}

}  // namespace
}  // namespace bank2mqtt::itest
