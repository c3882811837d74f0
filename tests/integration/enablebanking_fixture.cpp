// SPDX-License-Identifier: MIT
// EnableBankingTest: the broker, the Enable Banking simulator and `--authorize` on a pipe.
#include "enablebanking_fixture.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace bank2mqtt::itest {
namespace {

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

void EnableBankingTest::SetUp()
{
    broker_.start();
    // The host's call budget is not what these tests are about: a limit the polls never reach.
    eb_.start({"--daily-limit=100000"});
    dir_ = std::make_unique<TempDir>("eb");
}

void EnableBankingTest::TearDown()
{
    for (auto& daemon : daemons_) {
        if (!daemon->waitExit(Millis(0))) {
            daemon->signal(SIGKILL);
            daemon->waitExit(Millis(5000));
        }
    }
    if (!HasFailure())
        return;
    std::cerr << "\n#### Transcripts of the failed test\n===== " << iniPath_ << '\n' << iniText_;
    for (const auto& run : authorizeRuns_)
        std::cerr << "===== --authorize (exit " << run.exitCode << ")\n" << run.output << '\n';
    for (const auto& daemon : daemons_)
        std::cerr << daemon->transcript();
    for (const auto& p : probes_)
        std::cerr << p->dump();
    std::cerr << eb_.transcript() << broker_.transcript() << "#### end\n";
}

const std::string& EnableBankingTest::writeConfig(const EbConfigOptions& o)
{
    static std::atomic<int> counter{0};
    if (stateDir_.empty()) {
        stateDir_ = dir_->file("state");
        if (::mkdir(stateDir_.c_str(), 0700) != 0)
            throw std::runtime_error("mkdir " + stateDir_ + ": " + std::strerror(errno));
    }
    const std::string keyFile = dir_->write("eb.pem", readFile(eb_.appKeyFile()), 0600);
    iniText_ = "[mqtt]\nuri = " + broker_.uri() + "\nclient_id = itest-eb-" +
               std::to_string(::getpid()) + "-" + std::to_string(++counter) +
               "\nbase_topic = itest\ndiscovery = " + (o.discovery ? "true" : "false") +
               "\n\n[daemon]\nplugin_dir = " + PLUGIN_DIR + "\nstate_dir = " + stateDir_ +
               "\n\n[source.kid]\nplugin = enablebanking\ninterval = " + o.interval +
               "\napplication_id = " + ebsim::kAppId + "\nkey_file = " + keyFile +
               "\ncountry = " + ebsim::kCountry + "\nbank = " + ebsim::kBank +
               "\nredirect_url = " + ebsim::kRedirectUrl + "\napi_url = " + eb_.apiUrl() +
               "\nca_file = " + CERT_DIR + "/ca.pem\n";
    if (!o.accounts.empty())
        iniText_ += "accounts = " + o.accounts + "\n";
    if (!o.dailyLimit.empty())
        iniText_ += "daily_limit = " + o.dailyLimit + "\n";
    iniText_ += o.extraSourceLines;
    iniPath_ = dir_->write("bank2mqtt.ini", iniText_, 0600);
    return iniPath_;
}

std::string EnableBankingTest::pluginState() const
{
    return readFile(stateDir_ + "/kid.plugin.json");
}

ChildProcess& EnableBankingTest::startDaemon(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{BANK2MQTT_BIN, "--config=" + iniPath_};
    argv.insert(argv.end(), args.begin(), args.end());
    daemons_.push_back(std::make_unique<ChildProcess>(
        "bank2mqtt", std::move(argv),
        ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}}));
    return *daemons_.back();
}

AuthorizeRun
EnableBankingTest::authorize(const std::function<std::string(const std::string& url)>& answer)
{
    const std::string fifo = dir_->file("answers-" + std::to_string(authorizeRuns_.size()));
    if (::mkfifo(fifo.c_str(), 0600) != 0)
        throw std::runtime_error("mkfifo " + fifo + ": " + std::strerror(errno));
    // Read-write: opening never blocks, and the data waits in the pipe for the child's read.
    const int fd = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error("open " + fifo + ": " + std::strerror(errno));
    ChildProcess child("authorize",
                       {"/bin/sh", "-c", "exec \"$0\" --config=\"$1\" --authorize=kid < \"$2\"",
                        BANK2MQTT_BIN, iniPath_, fifo},
                       ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}});
    AuthorizeRun run;
    const auto line = child.waitForLine(ChildProcess::Stream::Out, "  open: ", kOnceRunTimeout);
    if (line) {
        const std::string text = child.lines(ChildProcess::Stream::Out)[*line];
        run.loginUrl = text.substr(text.find("open: ") + 6);
        run.pasted = answer ? answer(run.loginUrl) : eb_.login(run.loginUrl);
        const std::string typed = run.pasted + "\n";
        if (::write(fd, typed.data(), typed.size()) != static_cast<ssize_t>(typed.size()))
            ADD_FAILURE() << "could not type the answer: " << std::strerror(errno);
    }
    ::close(fd);  // end of input
    const auto status = child.waitExit(kOnceRunTimeout);
    run.exitCode = status ? *status : -1;
    run.output =
        child.text(ChildProcess::Stream::Out) + "\n" + child.text(ChildProcess::Stream::Err);
    ::unlink(fifo.c_str());
    authorizeRuns_.push_back(run);
    return run;
}

std::optional<int> EnableBankingTest::terminate(ChildProcess& daemon, Millis limit)
{
    daemon.signal(SIGTERM);
    // scripts/test --tsan sets BANK2MQTT_TEST_TIME_SCALE: an instrumented process stops slower.
    const char* scale = std::getenv("BANK2MQTT_TEST_TIME_SCALE");
    const long factor = scale ? std::clamp(std::strtol(scale, nullptr, 10), 1L, 10L) : 1L;
    return daemon.waitExit(limit * factor);
}

MqttProbe& EnableBankingTest::probe()
{
    probes_.push_back(std::make_unique<MqttProbe>(broker_.uri(), "itest"));
    return *probes_.back();
}

std::string queryValue(const std::string& url, const std::string& name)
{
    try {
        for (const auto& [key, value] : Poco::URI(url).getQueryParameters())
            if (key == name)
                return value;
    } catch (const Poco::Exception&) {
        // Not a URL: no value.
    }
    return {};
}

}  // namespace bank2mqtt::itest
