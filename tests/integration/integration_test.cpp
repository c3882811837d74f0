// SPDX-License-Identifier: MIT
// Wires the harness to this build's binaries and prints every transcript when a test fails.
#include "integration_test.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <regex>

namespace bank2mqtt::itest {
namespace {

Poco::JSON::Object::Ptr parseObject(const std::string& payload)
{
    try {
        auto parsed = Poco::JSON::Parser().parse(payload);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
            return parsed.extract<Poco::JSON::Object::Ptr>();
        }
    } catch (const Poco::Exception&) {
        // Not JSON: callers treat a null pointer as "no such field".
    }
    return nullptr;
}

}  // namespace

void IntegrationTest::SetUp()
{
    broker_.start();
    sim_.start();
}

void IntegrationTest::TearDown()
{
    for (auto& daemon : daemons_) {
        if (!daemon->waitExit(Millis(0))) {
            daemon->signal(SIGKILL);
            daemon->waitExit(Millis(5000));
        }
    }
    if (!HasFailure()) {
        return;
    }
    std::cerr << "\n#### Transcripts of the failed test\n";
    for (const auto& config : configs_) {
        std::cerr << "===== " << config->iniPath() << '\n' << config->text();
    }
    for (const auto& daemon : daemons_) {
        std::cerr << daemon->transcript();
    }
    for (const auto& p : probes_) {
        std::cerr << p->dump();
    }
    std::cerr << sim_.transcript() << broker_.transcript() << "#### end\n";
}

DaemonConfigOptions IntegrationTest::configOptions() const
{
    DaemonConfigOptions o;
    o.brokerUri = broker_.uri();
    o.authUrl = sim_.authUrl();
    o.apiUrl = sim_.apiUrl();
    o.pluginDir = PLUGIN_DIR;
    o.caFile = std::string(CERT_DIR) + "/ca.pem";
    return o;
}

const DaemonConfig& IntegrationTest::writeConfig(const DaemonConfigOptions& options)
{
    configs_.push_back(std::make_unique<DaemonConfig>(options));
    return *configs_.back();
}

ChildProcess& IntegrationTest::startDaemon(const DaemonConfig& config,
                                           const std::vector<std::string>& args)
{
    std::vector<std::string> argv{BANK2MQTT_BIN, "--config=" + config.iniPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    // No systemd credentials from the environment the tests run in.
    daemons_.push_back(std::make_unique<ChildProcess>(
        "bank2mqtt", std::move(argv),
        ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}}));
    return *daemons_.back();
}

MqttProbe& IntegrationTest::probe()
{
    probes_.push_back(std::make_unique<MqttProbe>(broker_.uri(), "itest"));
    return *probes_.back();
}

MqttProbe& IntegrationTest::freshProbe()
{
    MqttProbe& p = probe();
    if (!p.sync(kMqttTimeout)) {
        ADD_FAILURE() << "the MQTT probe's sync marker did not come back";
    }
    return p;
}

std::optional<int> IntegrationTest::terminate(ChildProcess& daemon, Millis limit)
{
    daemon.signal(SIGTERM);
    // scripts/test --tsan sets BANK2MQTT_TEST_TIME_SCALE: an instrumented process stops slower.
    const char* scale = std::getenv("BANK2MQTT_TEST_TIME_SCALE");
    const long factor = scale ? std::clamp(std::strtol(scale, nullptr, 10), 1L, 10L) : 1L;
    return daemon.waitExit(limit * factor);
}

std::string statusState(const std::string& payload)
{
    return jsonString(payload, "state").value_or("");
}

MqttProbe::PayloadPredicate stateIs(const std::string& state)
{
    return [state](const std::string& payload) { return statusState(payload) == state; };
}

std::optional<std::string> jsonString(const std::string& payload, const std::string& key)
{
    auto object = parseObject(payload);
    if (!object || !object->has(key) || object->isNull(key)) {
        return std::nullopt;
    }
    auto value = object->get(key);
    if (!value.isString()) {
        return std::nullopt;
    }
    return value.convert<std::string>();
}

bool jsonIsNull(const std::string& payload, const std::string& key)
{
    auto object = parseObject(payload);
    return object && object->has(key) && object->isNull(key);
}

std::string jsonNumberLiteral(const std::string& payload, const std::string& key)
{
    // The literal as written matters here ("12500.00", not 12500), so read the text itself.
    const std::regex pattern("\"" + key + "\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)");
    std::smatch match;
    if (!std::regex_search(payload, match, pattern)) {
        return "";
    }
    return match[1];
}

bool waitForPolls(ChildProcess& daemon, int n, const std::string& source)
{
    std::size_t from = daemon.lineCount(ChildProcess::Stream::Err);
    for (int i = 0; i < n; ++i) {
        auto line = daemon.waitForLine(ChildProcess::Stream::Err,
                                       "[" + source + "] balances published", kPollTimeout, from);
        if (!line)
            return false;
        from = *line + 1;
    }
    return true;
}

}  // namespace bank2mqtt::itest
