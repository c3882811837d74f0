// SPDX-License-Identifier: MIT
// The bank2mqtt-enablebanking-sim executable: READY line, control port, usage errors.
#include "eb_sim_test_support.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/RegularExpression.h>

#include <csignal>

namespace bank2mqtt::ebsim::test {
namespace {

TEST(EbSimCli, PrintsReadyAndServesUntilSigterm)
{
    Poco::Pipe out;
    Poco::ProcessHandle process = Poco::Process::launch(
        BANK2MQTT_EB_SIM_EXE,
        {"--cert=" + certPath("server.pem"), "--key=" + certPath("server.key"),
         "--app-key=" + certPath("eb-app.pem"), "--port=0", "--control-port=0"},
        nullptr, &out, nullptr);
    Poco::PipeInputStream in(out);
    std::string line;
    std::getline(in, line);  // the process prints READY or exits (EOF): no wait needed
    Poco::RegularExpression ready("^READY https=([0-9]+) control=([0-9]+)$");
    std::vector<std::string> match;
    ASSERT_EQ(ready.split(line, match), 3) << line;
    const auto controlPort = static_cast<Poco::UInt16>(std::stoi(match[2]));
    Poco::Net::HTTPClientSession session("127.0.0.1", controlPort);
    session.setTimeout(Poco::Timespan(10, 0));
    EXPECT_EQ(request(session, "GET", "/clock").status, 200);
    ::kill(process.id(), SIGTERM);
    EXPECT_EQ(process.wait(), 0);
}

TEST(EbSimCli, MissingAppKeyIsAUsageError)
{
    Poco::ProcessHandle process =
        Poco::Process::launch(BANK2MQTT_EB_SIM_EXE, {"--cert=" + certPath("server.pem"),
                                                     "--key=" + certPath("server.key")});
    EXPECT_EQ(process.wait(), 64);
}

}  // namespace
}  // namespace bank2mqtt::ebsim::test
