// SPDX-License-Identifier: MIT
// FireflyTest: the broker, the Firefly III simulator and the firefly plugin's configuration.
#include "firefly_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace bank2mqtt::itest {

void FireflyTest::SetUp()
{
    broker_.start();
    ff_.start(simulatorArgs());
    dir_ = std::make_unique<TempDir>("ff");
}

void FireflyTest::TearDown()
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
    for (const auto& daemon : daemons_)
        std::cerr << daemon->transcript();
    for (const auto& p : probes_)
        std::cerr << p->dump();
    std::cerr << ff_.transcript() << broker_.transcript() << "#### end\n";
}

const std::string& FireflyTest::writeConfig(const FfConfigOptions& o)
{
    static std::atomic<int> counter{0};
    if (stateDir_.empty()) {
        stateDir_ = dir_->file("state");
        if (::mkdir(stateDir_.c_str(), 0700) != 0)
            throw std::runtime_error("mkdir " + stateDir_ + ": " + std::strerror(errno));
    }
    const std::string tokenFile = dir_->write("firefly.token", o.token + "\n", 0600);
    iniText_ = "[mqtt]\nuri = " + broker_.uri() + "\nclient_id = itest-ff-" +
               std::to_string(::getpid()) + "-" + std::to_string(++counter) +
               "\nbase_topic = itest\ndiscovery = " + (o.discovery ? "true" : "false") +
               "\n\n[daemon]\nplugin_dir = " + PLUGIN_DIR + "\nstate_dir = " + stateDir_ +
               "\n\n[source.kid]\nplugin = firefly\ninterval = " + o.interval +
               "\nurl = " + (o.url.empty() ? ff_.httpsUrl() : o.url) +
               "\ntoken_file = " + tokenFile + "\nca_file = " + CERT_DIR + "/ca.pem\n";
    if (!o.accounts.empty())
        iniText_ += "accounts = " + o.accounts + "\n";
    iniText_ += o.extraSourceLines;
    iniPath_ = dir_->write("bank2mqtt.ini", iniText_, 0600);
    return iniPath_;
}

ChildProcess& FireflyTest::startDaemon(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{BANK2MQTT_BIN, "--config=" + iniPath_};
    argv.insert(argv.end(), args.begin(), args.end());
    daemons_.push_back(std::make_unique<ChildProcess>(
        "bank2mqtt", std::move(argv),
        ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}}));
    return *daemons_.back();
}

MqttProbe& FireflyTest::probe(const std::string& base)
{
    probes_.push_back(std::make_unique<MqttProbe>(broker_.uri(), base));
    return *probes_.back();
}

std::optional<int> FireflyTest::terminate(ChildProcess& daemon, Millis limit)
{
    daemon.signal(SIGTERM);
    const char* scale = std::getenv("BANK2MQTT_TEST_TIME_SCALE");
    const long factor = scale ? std::clamp(std::strtol(scale, nullptr, 10), 1L, 10L) : 1L;
    return daemon.waitExit(limit * factor);
}

}  // namespace bank2mqtt::itest
