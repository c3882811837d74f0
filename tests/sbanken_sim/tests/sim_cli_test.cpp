// SPDX-License-Identifier: MIT
// Tests of the bank2mqtt-sbanken-sim executable: READY line, options, loopback check, SIGTERM.
#include "sim_test_support.h"

#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <csignal>
#include <future>
#include <regex>

namespace bank2mqtt::sim::test {
namespace {

struct LaunchedSim {
    std::optional<Poco::ProcessHandle> handle;
    std::string firstLine;
    std::string errors;
};

/// Starts the executable and reads its first stdout line (bounded: killed if it stays silent).
LaunchedSim launch(const std::vector<std::string>& args, Poco::Pipe& out, Poco::Pipe& err)
{
    LaunchedSim run;
    run.handle = Poco::Process::launch(BANK2MQTT_SIM_EXE, args, nullptr, &out, &err);
    auto line = std::async(std::launch::async, [&out] {
        Poco::PipeInputStream in(out);
        std::string text;
        std::getline(in, text);
        return text;
    });
    if (line.wait_for(kWaitTimeout) != std::future_status::ready) {
        Poco::Process::kill(run.handle->id());
    }
    run.firstLine = line.get();
    return run;
}

/// Waits for the process to exit within the timeout; kills it and returns -1 otherwise.
int waitForExit(const Poco::ProcessHandle& handle)
{
    auto exit = std::async(std::launch::async, [&handle] { return handle.wait(); });
    if (exit.wait_for(kWaitTimeout) != std::future_status::ready) {
        Poco::Process::kill(handle.id());
        exit.get();
        return -1;
    }
    return exit.get();
}

TEST(SimCli, PrintsReadyServesAndStopsOnSigterm)
{
    Poco::Pipe out;
    Poco::Pipe err;
    LaunchedSim run = launch({"--cert=" + certPath("server.pem"), "--key=" + certPath("server.key"),
                              "--client-id=kid", "--client-secret=s3cret", "--token-lifetime=60"},
                             out, err);
    std::smatch match;
    ASSERT_TRUE(
        std::regex_match(run.firstLine, match, std::regex(R"(READY https=(\d+) control=(\d+))")))
        << run.firstLine;
    const auto httpsPort = static_cast<Poco::UInt16>(std::stoi(match[1]));

    Poco::Net::HTTPSClientSession session("127.0.0.1", httpsPort, clientContext());
    const HttpResult reply =
        request(session, "POST", "/identityserver/connect/token",
                {{"Authorization", basicAuth("kid", "s3cret")}}, "grant_type=client_credentials");
    EXPECT_EQ(reply.status, 200);
    EXPECT_NE(reply.body.find(R"("expires_in":60)"), std::string::npos);

    ::kill(run.handle->id(), SIGTERM);
    EXPECT_EQ(waitForExit(*run.handle), 0);
}

TEST(SimCli, RefusesNonLoopbackBind)
{
    Poco::Pipe out;
    Poco::Pipe err;
    LaunchedSim run = launch(
        {"--cert=" + certPath("server.pem"), "--key=" + certPath("server.key"), "--bind=0.0.0.0"},
        out, err);
    EXPECT_EQ(run.firstLine, "");
    EXPECT_EQ(waitForExit(*run.handle), 64);
    Poco::PipeInputStream errors(err);
    std::string message;
    std::getline(errors, message);
    EXPECT_NE(message.find("not loopback"), std::string::npos) << message;
}

TEST(SimCli, RejectsUnknownOptionAndMissingCertificate)
{
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--frobnicate"}, std::vector<std::string>{},
          std::vector<std::string>{"--cert=" + certPath("server.pem"), "--key=/nonexistent"}}) {
        Poco::Pipe out;
        Poco::Pipe err;
        LaunchedSim run = launch(args, out, err);
        EXPECT_EQ(run.firstLine, "");
        EXPECT_EQ(waitForExit(*run.handle), 64);
    }
}

}  // namespace
}  // namespace bank2mqtt::sim::test
