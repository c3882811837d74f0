// SPDX-License-Identifier: MIT
// --list-accounts and --check-config as a user runs them.
#include "integration_test.h"

#include <regex>

namespace bank2mqtt::itest {
namespace {

class CommandLine : public IntegrationTest {};

TEST_F(CommandLine, ListAccountsShowsNamesAndMaskedNumbersOnly)
{
    ChildProcess& run = startDaemon(writeConfig(), {"--list-accounts"});
    ASSERT_EQ(run.waitExit(kOnceRunTimeout), 0);

    const std::string out = run.text(ChildProcess::Stream::Out);
    const std::string err = run.text(ChildProcess::Stream::Err);
    for (const char* name : {"Lommepenger", "Sparekonto", "Felleskonto", "Kredittkort"}) {
        EXPECT_NE(out.find(name), std::string::npos) << name << " missing from\n" << out;
    }
    for (const auto& number :
         {sim::kLommepenger, sim::kSparekonto, sim::kFelleskonto, sim::kKredittkort}) {
        const std::string last4 = number.substr(number.size() - 4);
        EXPECT_TRUE(std::regex_search(out, std::regex("\\*+" + last4)))
            << "no masked number ending " << last4 << " in\n"
            << out;
        EXPECT_EQ(out.find(number), std::string::npos) << "full number " << number << " printed";
        EXPECT_EQ(err.find(number), std::string::npos) << "full number " << number << " logged";
    }
    for (const char* column : {"437.25", "12500.00", "-1520.40", "8479.60", "NOK"}) {
        EXPECT_NE(out.find(column), std::string::npos) << column << " missing from\n" << out;
    }
}

TEST_F(CommandLine, CheckConfigAcceptsAGoodConfigWithoutNetwork)
{
    ChildProcess& run = startDaemon(writeConfig(), {"--check-config"});
    ASSERT_EQ(run.waitExit(kOnceRunTimeout), 0);

    SimCounters c = sim_.counters();
    EXPECT_EQ(c.tlsConnections, 0);
    EXPECT_EQ(c.tokenRequests, 0);
}

TEST_F(CommandLine, CheckConfigNamesAMisspeltKey)
{
    DaemonConfigOptions options = configOptions();
    options.extraSourceLines = "low_balanse = 100\n";
    ChildProcess& run = startDaemon(writeConfig(options), {"--check-config"});

    ASSERT_EQ(run.waitExit(kOnceRunTimeout), 78);
    EXPECT_NE(run.text(ChildProcess::Stream::Err).find("low_balanse"), std::string::npos);
}

}  // namespace
}  // namespace bank2mqtt::itest
