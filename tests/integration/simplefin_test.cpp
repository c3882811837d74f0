// SPDX-License-Identifier: MIT
// The SimpleFIN Bridge plugin end to end: `bank2mqtt --authorize` with a setup token on a
// pipe, the real daemon, mosquitto and the SimpleFIN simulator on loopback.
#include "fault_support.h"
#include "harness/simplefin_simulator.h"
#include "home_assistant_fixture.h"
#include "integration_test.h"

#include <Poco/DirectoryIterator.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct SfOptions {
    std::string interval = "2s";
    std::string dailyLimit = "0";  ///< "" = the plugin's default (24 a day)
    bool discovery = false;
    /// Leaves out the custom-currency account; the test of currencies sets "" (every account).
    std::string accounts = "Checking, Sapphire Visa, Savings";
    bool transactions = false;  ///< `transactions = true`
};

struct AuthorizeRun {
    int exitCode = -1;
    std::string output;
};

class SimpleFin : public ::testing::Test {
protected:
    void SetUp() override
    {
        broker_.start();
        sf_.start();
        dir_ = std::make_unique<TempDir>("sf");
        stateDir_ = dir_->file("state");
        if (::mkdir(stateDir_.c_str(), 0700) != 0)
            throw std::runtime_error("mkdir " + stateDir_ + ": " + std::strerror(errno));
    }

    void TearDown() override
    {
        for (auto& daemon : daemons_) {
            if (!daemon->waitExit(Millis(0))) {
                daemon->signal(SIGKILL);
                daemon->waitExit(Millis(5000));
            }
        }
        if (!HasFailure())
            return;
        std::cerr << "\n#### Transcripts of the failed test\n" << iniText_;
        for (const auto& run : runs_)
            std::cerr << "===== --authorize (exit " << run.exitCode << ")\n" << run.output << '\n';
        for (const auto& daemon : daemons_)
            std::cerr << daemon->transcript();
        for (const auto& p : probes_)
            std::cerr << p->dump();
        std::cerr << sf_.transcript() << broker_.transcript() << "#### end\n";
    }

    void writeConfig(const SfOptions& o = {})
    {
        static std::atomic<int> counter{0};
        iniText_ = "[mqtt]\nuri = " + broker_.uri() + "\nclient_id = itest-sf-" +
                   std::to_string(::getpid()) + "-" + std::to_string(++counter) +
                   "\nbase_topic = itest\ndiscovery = " + (o.discovery ? "true" : "false") +
                   "\n\n[daemon]\nplugin_dir = " + PLUGIN_DIR + "\nstate_dir = " + stateDir_ +
                   "\n\n[source.kid]\nplugin = simplefin\ninterval = " + o.interval +
                   "\nca_file = " + CERT_DIR + "/ca.pem\n" +
                   (o.dailyLimit.empty() ? "" : "daily_limit = " + o.dailyLimit + "\n") +
                   (o.accounts.empty() ? "" : "accounts = " + o.accounts + "\n") +
                   (o.transactions ? "transactions = true\n" : "");
        iniPath_ = dir_->write("bank2mqtt.ini", iniText_, 0600);
    }

    std::string pluginState() const { return readFile(stateDir_ + "/kid.plugin.json"); }

    /// Runs --authorize=kid and types `answer` once it asks for the setup token.
    AuthorizeRun authorize(const std::string& answer)
    {
        const std::string fifo = dir_->file("answer-" + std::to_string(runs_.size()));
        if (::mkfifo(fifo.c_str(), 0600) != 0)
            throw std::runtime_error("mkfifo " + fifo + ": " + std::strerror(errno));
        const int fd = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
        ChildProcess child("authorize",
                           {"/bin/sh", "-c", "exec \"$0\" --config=\"$1\" --authorize=kid < \"$2\"",
                            BANK2MQTT_BIN, iniPath_, fifo},
                           ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}});
        if (child.waitForLine(Stream::Out, "setup token", kOnceRunTimeout)) {
            const std::string typed = answer + "\n";
            if (::write(fd, typed.data(), typed.size()) != static_cast<ssize_t>(typed.size()))
                ADD_FAILURE() << "could not type the answer: " << std::strerror(errno);
        }
        ::close(fd);
        AuthorizeRun run;
        run.exitCode = child.waitExit(kOnceRunTimeout).value_or(-1);
        run.output = child.text(Stream::Out) + "\n" + child.text(Stream::Err);
        ::unlink(fifo.c_str());
        runs_.push_back(run);
        return run;
    }

    ChildProcess& startDaemon(const std::vector<std::string>& args = {})
    {
        std::vector<std::string> argv{BANK2MQTT_BIN, "--config=" + iniPath_};
        argv.insert(argv.end(), args.begin(), args.end());
        daemons_.push_back(std::make_unique<ChildProcess>(
            "bank2mqtt", std::move(argv),
            ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}}));
        return *daemons_.back();
    }

    MqttProbe& probe(const std::string& base = "itest")
    {
        probes_.push_back(std::make_unique<MqttProbe>(broker_.uri(), base));
        return *probes_.back();
    }

    std::optional<int> terminate(ChildProcess& daemon)
    {
        daemon.signal(SIGTERM);
        return daemon.waitExit(kShutdownLimit * 3);
    }

    Mosquitto broker_{MOSQUITTO_BIN};
    SimpleFinSimulator sf_{SF_SIM_BIN, CERT_DIR};
    std::unique_ptr<TempDir> dir_;
    std::string stateDir_;
    std::string iniPath_;
    std::string iniText_;
    std::vector<AuthorizeRun> runs_;
    std::deque<std::unique_ptr<ChildProcess>> daemons_;
    std::deque<std::unique_ptr<MqttProbe>> probes_;
};

TEST_F(SimpleFin, AuthorizeOnTheTerminalThenEveryCurrencyIsPublished)
{
    SfOptions options;
    options.discovery = true;
    writeConfig(options);
    const std::string token = sf_.newToken();
    const AuthorizeRun run = authorize(token);
    ASSERT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("connected to the SimpleFIN Bridge at 127.0.0.1"), std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find(token), std::string::npos) << "the setup token was echoed";
    EXPECT_EQ(sf_.counter("claims"), 1);
    EXPECT_NE(pluginState().find("access_url"), std::string::npos);
    struct stat info {};
    ASSERT_EQ(::stat((stateDir_ + "/kid.plugin.json").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);

    MqttProbe& live = probe();
    MqttProbe& ha = probe("homeassistant");
    ChildProcess& daemon = startDaemon();
    EXPECT_TRUE(live.waitForPayload(topic::balance("checking"), "437.25", kPollTimeout))
        << daemon.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::available("checking"), "400.00", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::balance("sapphire_visa"), "-532.69", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::available("sapphire_visa"), "-532.69", kPollTimeout));
    EXPECT_TRUE(live.waitForPayload(topic::balance("savings"), "1200.50", kPollTimeout));
    const auto status = live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout);
    ASSERT_TRUE(status);
    EXPECT_TRUE(jsonIsNull(status->payload, "error")) << status->payload;
    const auto savings = live.latest(topic::account("savings"));
    ASSERT_TRUE(savings);
    EXPECT_EQ(jsonString(savings->payload, "currency").value_or(""), "CAD");
    EXPECT_TRUE(jsonString(savings->payload, "balance_date")) << savings->payload;
    EXPECT_EQ(jsonString(live.latest(topic::account("checking"))->payload, "currency").value_or(""),
              "USD");

    // What Home Assistant reads passes its rules.
    ASSERT_TRUE(ha.sync(kMqttTimeout));
    const DiscoveryConfigs configs = latestDiscovery(ha);
    EXPECT_FALSE(configs.empty());
    EXPECT_EQ(violations(configs), "");

    sf_.setBalance(sfsim::kChecking, "512.50", "500.00");
    EXPECT_TRUE(live.waitForPayload(topic::balance("checking"), "512.50", kPollTimeout));
    EXPECT_EQ(terminate(daemon), 0);
}

// Plugin API 3: an empty Money::currency is a unit that is not a currency.
TEST_F(SimpleFin, ACustomCurrencyIsPublishedWithoutAUnit)
{
    SfOptions options;
    options.discovery = true;
    options.accounts = "";  // every account, the miles included
    writeConfig(options);
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    MqttProbe& live = probe();
    MqttProbe& ha = probe("homeassistant");
    ChildProcess& daemon = startDaemon();
    EXPECT_TRUE(live.waitForPayload(topic::balance("airline_miles"), "12500", kPollTimeout))
        << daemon.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::balance("checking"), "437.25", kPollTimeout));
    ASSERT_TRUE(ha.sync(kMqttTimeout));
    const DiscoveryConfigs configs = latestDiscovery(ha);
    EXPECT_EQ(violations(configs), "");
    for (const auto& [topic, payload] : configs)
        EXPECT_EQ(payload.find("flight-miles"), std::string::npos) << topic << ": " << payload;
    const std::string miles = deviceTopicNamed(configs, "Airline miles");
    ASSERT_FALSE(miles.empty());
    EXPECT_EQ(stringAt(configs.at(miles), {"components", "balance", "state_class"}), "total");
    EXPECT_EQ(stringAt(configs.at(miles), {"components", "balance", "unit_of_measurement"}), "");
    EXPECT_EQ(stringAt(configs.at(miles), {"components", "balance", "device_class"}), "");
    const std::string checking = deviceTopicNamed(configs, "Checking");
    ASSERT_FALSE(checking.empty());
    EXPECT_EQ(stringAt(configs.at(checking), {"components", "balance", "unit_of_measurement"}),
              "USD");
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(SimpleFin, AClaimedTokenAndAPasteThatIsNoTokenStoreNothing)
{
    writeConfig();
    const std::string token = sf_.newToken();
    ASSERT_EQ(authorize(token).exitCode, 0);
    ::unlink((stateDir_ + "/kid.plugin.json").c_str());
    const AuthorizeRun again = authorize(token);
    EXPECT_EQ(again.exitCode, 77) << again.output;
    EXPECT_NE(again.output.find("this setup token was already claimed"), std::string::npos)
        << again.output;
    EXPECT_EQ(sf_.counter("claim_refusals"), 1) << "a refused claim is never retried";
    const AuthorizeRun garbage = authorize("definitely not a token");
    EXPECT_EQ(garbage.exitCode, 64) << garbage.output;
    EXPECT_EQ(pluginState().find("access_url"), std::string::npos);
}

TEST_F(SimpleFin, OneFailingConnectionKeepsItsLastValuesWhileTheOtherPublishes)
{
    writeConfig();
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon();
    ASSERT_TRUE(live.waitForPayload(topic::balance("savings"), "1200.50", kPollTimeout))
        << daemon.transcript();

    sf_.addError("con.auth", "Maple Credit Union needs you to sign in again", sfsim::kMaple);
    sf_.setBalance(sfsim::kSavings, "1.00");
    sf_.setBalance(sfsim::kChecking, "99.99");
    std::size_t mark = live.size();
    ASSERT_TRUE(live.waitForPayload(topic::balance("checking"), "99.99", kPollTimeout, mark))
        << daemon.transcript();
    const auto status = live.waitFor(
        topic::kSourceStatus,
        [](const std::string& p) {
            return statusState(p) == "ok" &&
                   jsonString(p, "error").value_or("").find("Savings at Maple Credit Union") !=
                       std::string::npos;
        },
        kPollTimeout, mark);
    ASSERT_TRUE(status) << daemon.transcript();
    EXPECT_NE(status->payload.find("log in to the bank again"), std::string::npos)
        << status->payload;
    EXPECT_EQ(live.latest(topic::balance("savings"))->payload, "1200.50");
    // Its Problem entity is on, the other connection's is off; both stay available (their own
    // data is younger than max_age).
    EXPECT_TRUE(live.waitForPayload(topic::account("savings") + "/problem", "ON", kPollTimeout));
    EXPECT_EQ(live.latest(topic::account("checking") + "/problem")->payload, "OFF");
    EXPECT_EQ(live.latest(topic::account("savings") + "/availability")->payload, "online");

    sf_.clearErrors();
    mark = live.size();
    EXPECT_TRUE(live.waitForPayload(topic::balance("savings"), "1.00", kPollTimeout, mark));
    EXPECT_TRUE(
        live.waitForPayload(topic::account("savings") + "/problem", "OFF", kPollTimeout, mark));
    EXPECT_EQ(terminate(daemon), 0);
}

// With every account wanted (no accounts =), the Bridge leaving a failing connection's accounts
// out of its reply must not remove them: their balances stay retained and the status says why.
TEST_F(SimpleFin, AFailingConnectionLeftOutOfTheReplyKeepsItsAccounts)
{
    SfOptions options;
    options.accounts = "";
    writeConfig(options);
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon();
    ASSERT_TRUE(live.waitForPayload(topic::balance("savings"), "1200.50", kPollTimeout))
        << daemon.transcript();
    ASSERT_TRUE(live.waitForPayload(topic::balance("airline_miles"), "12500", kPollTimeout));

    sf_.addError("con.auth", "sign in again", sfsim::kMaple, "", true);
    sf_.setBalance(sfsim::kChecking, "99.99");
    const std::size_t mark = live.size();
    ASSERT_TRUE(live.waitForPayload(topic::balance("checking"), "99.99", kPollTimeout, mark))
        << daemon.transcript();
    const auto status = live.waitFor(
        topic::kSourceStatus,
        [](const std::string& p) {
            return statusState(p) == "ok" &&
                   jsonString(p, "error")
                           .value_or("")
                           .find("Maple Credit Union: the connection "
                                 "needs you to log in") != std::string::npos;
        },
        kPollTimeout, mark);
    ASSERT_TRUE(status) << daemon.transcript();
    // A second poll of the same reply, then the retained topics as a new subscriber sees them.
    sf_.setBalance(sfsim::kChecking, "98.00");
    ASSERT_TRUE(live.waitForPayload(topic::balance("checking"), "98.00", kPollTimeout, mark));
    MqttProbe& late = probe();
    ASSERT_TRUE(late.sync(kMqttTimeout));
    for (const std::string account : {"savings", "airline_miles"}) {
        const auto balance = late.latest(topic::balance(account));
        ASSERT_TRUE(balance) << account << " was removed";
        EXPECT_FALSE(balance->payload.empty()) << account << " was removed";
        EXPECT_TRUE(late.latest(topic::account(account)) &&
                    !late.latest(topic::account(account))->payload.empty())
            << account << " was removed";
    }
    EXPECT_EQ(late.latest(topic::balance("savings"))->payload, "1200.50");
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(SimpleFin, A402SaysPaymentIsNeededAndA403AsksForANewToken)
{
    writeConfig();
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout))
        << daemon.transcript();
    std::size_t mark = live.size();
    sf_.fault("402");
    const auto payment = live.waitFor(
        topic::kSourceStatus,
        [](const std::string& p) {
            return jsonString(p, "error")
                       .value_or("")
                       .find("the SimpleFIN subscription needs payment") != std::string::npos;
        },
        kPollTimeout, mark);
    ASSERT_TRUE(payment) << daemon.transcript();
    sf_.fault("none");
    sf_.revoke();
    mark = live.size();
    const auto revoked =
        live.waitFor(topic::kSourceStatus, stateIs("auth_failed"), kPollTimeout * 3, mark);
    ASSERT_TRUE(revoked) << daemon.transcript();
    EXPECT_NE(jsonString(revoked->payload, "error")
                  .value_or("")
                  .find("bank2mqtt --authorize=kid or paste a new setup token in Home Assistant"),
              std::string::npos)
        << revoked->payload;
    EXPECT_EQ(terminate(daemon), 0);
}

// The renewal from Home Assistant: access revoked at the Bridge, a new setup token pasted into
// the text entity's topic, polling resumes; the token is nowhere but the answer topic.
TEST_F(SimpleFin, ANewSetupTokenFromHomeAssistantResumesPolling)
{
    SfOptions options;
    options.discovery = true;
    writeConfig(options);
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout))
        << daemon.transcript();
    std::size_t mark = live.size();
    sf_.revoke();
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("auth_failed"), kPollTimeout, mark))
        << daemon.transcript();

    mark = live.size();
    publishCommand(broker_.uri(), "itest/kid/consent/renew", "PRESS");
    const auto ask = live.waitFor(
        "itest/kid/consent",
        [](const std::string& p) { return p.find("\"step\":\"ask\"") != std::string::npos; },
        kPollTimeout, mark);
    ASSERT_TRUE(ask) << daemon.transcript();
    EXPECT_NE(ask->payload.find("setup token"), std::string::npos) << ask->payload;

    const std::string token = sf_.newToken();
    sf_.setBalance(sfsim::kChecking, "7.00");
    mark = live.size();
    publishCommand(broker_.uri(), "itest/kid/consent/answer", token);
    ASSERT_TRUE(live.waitFor(
        "itest/kid/consent",
        [](const std::string& p) { return p.find("\"step\":\"done\"") != std::string::npos; },
        kPollTimeout, mark))
        << daemon.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::balance("checking"), "7.00", kPollTimeout, mark))
        << daemon.transcript();
    EXPECT_EQ(sf_.counter("claims"), 2);
    EXPECT_EQ(terminate(daemon), 0);
    EXPECT_EQ(daemon.transcript().find(token), std::string::npos);
    for (const auto& m : live.messages()) {
        if (m.topic != "itest/kid/consent/answer") {
            EXPECT_EQ(m.payload.find(token), std::string::npos) << m.topic;
        }
    }
}

TEST_F(SimpleFin, TheDailyBudgetOf24HoldsAcrossARestart)
{
    SfOptions options;
    options.dailyLimit = "";  // the default: 24 a day
    options.interval = "15m";
    writeConfig(options);
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    MqttProbe& live = probe();
    auto callsLeft = [](const std::string& n) {
        return [n](const std::string& p) {
            return statusState(p) == "ok" && jsonNumberLiteral(p, "calls_remaining") == n;
        };
    };
    ChildProcess& first = startDaemon();
    const auto polled = live.waitFor(topic::kSourceStatus, callsLeft("23"), kPollTimeout);
    ASSERT_TRUE(polled) << first.transcript();
    EXPECT_EQ(jsonNumberLiteral(polled->payload, "calls_limit"), "24");
    EXPECT_EQ(countLines(first, Stream::Err, "polling every 1h instead"), 1u) << first.transcript();
    EXPECT_EQ(terminate(first), 0);
    EXPECT_EQ(sf_.counter("accounts_requests"), 1);

    const std::size_t mark = live.size();
    ChildProcess& second = startDaemon();
    const auto restored = live.waitFor(topic::kSourceStatus, callsLeft("23"), kPollTimeout, mark);
    ASSERT_TRUE(restored) << second.transcript();
    EXPECT_EQ(sf_.counter("accounts_requests"), 1) << "the restart polled again";
    publishCommand(broker_.uri(), "itest/kid/refresh");
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, callsLeft("22"), kPollTimeout, mark))
        << second.transcript();
    EXPECT_EQ(sf_.counter("accounts_requests"), 2);
    EXPECT_EQ(terminate(second), 0);
}

TEST_F(SimpleFin, StartsBeforeTheFirstAuthorizeCostNothing)
{
    SfOptions options;
    options.dailyLimit = "";  // the default: 24 a day
    writeConfig(options);
    ChildProcess& listing = startDaemon({"--list-accounts"});
    EXPECT_EQ(listing.waitExit(kOnceRunTimeout), 77) << listing.transcript();
    EXPECT_EQ(listing.text(Stream::Out).find("spent 1 of the"), std::string::npos)
        << listing.transcript();
    MqttProbe& live = probe();
    auto unauthorized = [](const std::string& n) {
        return [n](const std::string& p) {
            return statusState(p) == "auth_failed" && jsonNumberLiteral(p, "calls_remaining") == n;
        };
    };
    for (int run = 0; run < 2; ++run) {
        const std::size_t mark = live.size();
        ChildProcess& daemon = startDaemon();
        const auto status =
            live.waitFor(topic::kSourceStatus, unauthorized("24"), kPollTimeout, mark);
        ASSERT_TRUE(status) << "run " << run << ": " << daemon.transcript();
        EXPECT_NE(status->payload.find("--authorize=kid"), std::string::npos) << status->payload;
        EXPECT_EQ(terminate(daemon), 0);
    }
    EXPECT_EQ(sf_.counter("accounts_requests"), 0);
}

TEST_F(SimpleFin, AQuotaWarningReachesTheStatusTopic)
{
    writeConfig();
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    sf_.setRequestsToday(60);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon();
    const auto status = live.waitFor(
        topic::kSourceStatus,
        [](const std::string& p) {
            return statusState(p) == "ok" && jsonString(p, "error")
                                                     .value_or("")
                                                     .find("the SimpleFIN Bridge says: You "
                                                           "have made") != std::string::npos;
        },
        kPollTimeout);
    ASSERT_TRUE(status) << daemon.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::balance("checking"), "437.25", kPollTimeout));
    EXPECT_EQ(terminate(daemon), 0);
}

// A Bridge answering the v1 shape (errors strings and org): the accounts publish, and its error
// strings are shown on the status topic. They name no connection a program may rely on (their
// wording is the Bridge's and changes), so the failing institution's balances are published as
// the Bridge returned them, without a problem entity: a documented limit of v1
// (plugins/simplefin/README.md); their balance_date shows how old they are.
TEST_F(SimpleFin, AnOlderBridgesV1ShapePublishesAndShowsItsErrors)
{
    writeConfig();
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    sf_.fault("v1");
    sf_.addError("con.auth", "sign in again", sfsim::kMaple);
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon();
    EXPECT_TRUE(live.waitForPayload(topic::balance("savings"), "1200.50", kPollTimeout))
        << daemon.transcript();
    EXPECT_TRUE(live.waitForPayload(topic::balance("checking"), "437.25", kPollTimeout));
    const auto status = live.waitFor(
        topic::kSourceStatus,
        [](const std::string& p) {
            return statusState(p) == "ok" &&
                   jsonString(p, "error")
                           .value_or("")
                           .find("Connection to Maple Credit Union may need attention") !=
                       std::string::npos;
        },
        kPollTimeout);
    ASSERT_TRUE(status) << daemon.transcript();
    EXPECT_EQ(terminate(daemon), 0);
}

// No Access URL credential, setup token or claim token in any log line, MQTT message or file
// but the plugin's own 0600 state.
TEST_F(SimpleFin, SecretsSweep)
{
    SfOptions options;
    options.discovery = true;
    writeConfig(options);
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    MqttProbe& all = probe();
    MqttProbe& ha = probe("homeassistant");
    ChildProcess& daemon = startDaemon({"--log-level=debug"});
    ASSERT_TRUE(all.waitForPayload(topic::balance("checking"), "437.25", kPollTimeout))
        << daemon.transcript();
    sf_.addError("con.auth", "please sign in", sfsim::kMaple);
    sf_.fault("402");
    const std::size_t mark = all.size();
    ASSERT_TRUE(all.waitFor(
        topic::kSourceStatus,
        [](const std::string& p) {
            return jsonString(p, "error").value_or("").find("payment") != std::string::npos;
        },
        kPollTimeout, mark));
    sf_.revoke();
    publishCommand(broker_.uri(), "itest/kid/refresh");
    ASSERT_TRUE(all.waitFor(topic::kSourceStatus, stateIs("auth_failed"), kPollTimeout, mark));
    EXPECT_EQ(terminate(daemon), 0);
    ChildProcess& listing = startDaemon({"--list-accounts"});
    listing.waitExit(kOnceRunTimeout);

    const std::vector<std::string> secrets = sf_.secrets();
    ASSERT_GE(secrets.size(), 4u);
    std::vector<std::string> texts = {daemon.transcript(), listing.transcript()};
    for (const auto& run : runs_)
        texts.push_back(run.output);
    for (const MqttProbe* p : {&all, &ha})
        for (const auto& m : p->messages())
            texts.push_back(m.topic + " " + m.payload);
    for (Poco::DirectoryIterator it(stateDir_), end; it != end; ++it)
        if (it.name() != "kid.plugin.json" && it->isFile())
            texts.push_back(readFile(it->path()));
    for (const auto& secret : secrets) {
        for (const auto& text : texts) {
            EXPECT_EQ(text.find(secret), std::string::npos) << "a secret in: " << text;
        }
    }
    EXPECT_NE(pluginState().find(secrets.back()), std::string::npos)
        << "the password lives in the plugin's state";
}

std::string utcToday()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[11];
    std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
    return text;
}

// Issue 13: the transactions come in the same request as the balances (the Bridge counts every
// request against one daily quota), each new one is announced once, and a reservation that
// books is one `booked` event, whether the Bridge keeps its id or gives it a new one.
TEST_F(SimpleFin, TransactionsRideAlongInTheOneRequestAndAreAnnouncedOnce)
{
    SfOptions options;
    options.transactions = true;  // polls every 2 s, no daily limit
    writeConfig(options);
    ASSERT_EQ(authorize(sf_.newToken()).exitCode, 0);
    sf_.addTransaction(sfsim::kChecking, "-20.00", "OLD SHOP");  // history: never announced
    MqttProbe& live = probe();
    auto any = [](const std::string&) { return true; };
    ChildProcess& daemon = startDaemon({"--log-level=debug"});
    // The first poll's reply was read before its status was published.
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout))
        << daemon.transcript();
    const std::string query = sf_.lastQuery();
    EXPECT_NE(query.find("start-date="), std::string::npos) << query;
    EXPECT_NE(query.find("pending=1"), std::string::npos) << query;
    EXPECT_EQ(query.find("balances-only"), std::string::npos) << query;

    const std::string checkingTx = topic::account("checking") + "/transaction";
    const std::string visaTx = topic::account("sapphire_visa") + "/transaction";
    const std::string savingsTx = topic::account("savings") + "/transaction";
    std::size_t mark = live.size();
    sf_.addTransaction(sfsim::kChecking, "-49.00", "POS 4471 NARVESEN OSLO", "Narvesen");
    const std::string today = utcToday();
    const std::string coffee =
        sf_.addTransaction(sfsim::kVisa, "-12.34", "SQ COFFEE", "", /*pending=*/true);
    const std::string deposit =
        sf_.addTransaction(sfsim::kSavings, "250.00", "DEPOSIT HOLD", "", /*pending=*/true);
    const auto narvesen = live.waitFor(checkingTx, any, kPollTimeout, mark);
    ASSERT_TRUE(narvesen) << daemon.transcript() << live.dump();
    EXPECT_FALSE(narvesen->retained);
    EXPECT_EQ(jsonString(narvesen->payload, "event_type").value_or(""), "debit")
        << narvesen->payload;
    EXPECT_EQ(jsonNumberLiteral(narvesen->payload, "amount"), "-49.00") << narvesen->payload;
    EXPECT_EQ(jsonString(narvesen->payload, "currency").value_or(""), "USD");
    EXPECT_EQ(jsonString(narvesen->payload, "date").value_or(""), today);
    EXPECT_EQ(jsonString(narvesen->payload, "text").value_or(""), "Narvesen");
    EXPECT_EQ(jsonString(narvesen->payload, "status").value_or(""), "booked");
    const auto reserved = live.waitFor(visaTx, any, kPollTimeout, mark);
    ASSERT_TRUE(reserved) << live.dump();
    EXPECT_EQ(jsonString(reserved->payload, "event_type").value_or(""), "debit");
    EXPECT_EQ(jsonString(reserved->payload, "status").value_or(""), "pending");
    EXPECT_EQ(jsonNumberLiteral(reserved->payload, "amount"), "-12.34");
    const auto held = live.waitFor(savingsTx, any, kPollTimeout, mark);
    ASSERT_TRUE(held) << live.dump();
    EXPECT_EQ(jsonString(held->payload, "event_type").value_or(""), "credit");
    EXPECT_EQ(jsonString(held->payload, "currency").value_or(""), "CAD");

    // Both reservations book: the coffee keeps its id, the deposit gets a new one.
    mark = live.size();
    EXPECT_EQ(sf_.postTransaction(coffee), coffee);
    EXPECT_NE(sf_.postTransaction(deposit, /*newId=*/true), deposit);
    for (const std::string& t : {visaTx, savingsTx}) {
        const auto booked = live.waitFor(
            t, [](const std::string& p) { return jsonString(p, "event_type") == "booked"; },
            kPollTimeout, mark);
        ASSERT_TRUE(booked) << t << "\n" << live.dump();
        EXPECT_EQ(jsonString(booked->payload, "status").value_or(""), "booked");
    }

    // Two more statuses (each poll publishes its status after its announcements): at least one
    // whole poll after the bookings, and none of them came twice.
    const std::size_t statuses = live.messagesOn(topic::kSourceStatus).size();
    ASSERT_TRUE(live.waitForCount(topic::kSourceStatus, statuses + 2, kPollTimeout)) << live.dump();
    ASSERT_TRUE(live.sync(kMqttTimeout));
    EXPECT_EQ(live.messagesOn(checkingTx).size(), 1u) << live.dump();
    EXPECT_EQ(live.messagesOn(visaTx).size(), 2u) << live.dump();
    EXPECT_EQ(live.messagesOn(savingsTx).size(), 2u) << live.dump();
    MqttProbe& late = probe();  // last_transaction is retained, the events are not
    ASSERT_TRUE(late.sync(kMqttTimeout));
    EXPECT_TRUE(late.messagesOn(checkingTx).empty()) << late.dump();
    const auto last = late.latest(topic::account("checking") + "/last_transaction");
    ASSERT_TRUE(last) << late.dump();
    EXPECT_TRUE(last->retained);
    EXPECT_EQ(jsonString(last->payload, "text").value_or(""), "Narvesen") << last->payload;
    EXPECT_EQ(jsonNumberLiteral(last->payload, "amount"), "-49.00") << last->payload;
    for (const auto& m : live.messages())
        EXPECT_EQ(m.payload.find("OLD SHOP"), std::string::npos) << m.topic;
    EXPECT_EQ(terminate(daemon), 0);

    // One request per poll: every fetch the daemon started is one GET /accounts, nothing more.
    const std::size_t polls = countLines(daemon, Stream::Err, "fetch started");
    EXPECT_GE(polls, 4u);  // the first, the new entries, the bookings, one more
    EXPECT_EQ(static_cast<std::size_t>(sf_.counter("accounts_requests")), polls)
        << daemon.transcript();
    for (const char* text : {"NARVESEN", "Narvesen", "COFFEE", "DEPOSIT", "-49.00", "12.34"})
        EXPECT_EQ(daemon.transcript().find(text), std::string::npos) << text << " was logged";
}

}  // namespace
}  // namespace bank2mqtt::itest
