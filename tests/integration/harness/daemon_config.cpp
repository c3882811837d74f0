// SPDX-License-Identifier: MIT
// The ini the integration tests run bank2mqtt with; secrets go to files as in production.
#include "harness/daemon_config.h"

#include "harness/simulator.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bank2mqtt::itest {
namespace {

std::string orDefault(const std::string& value, const std::string& fallback)
{
    return value.empty() ? fallback : value;
}

std::string uniqueSuffix()
{
    static std::atomic<int> counter{0};
    return std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

/// One [source.<id>] section logging in as the demo customer (or the options' login).
std::string sourceSection(const std::string& id, const DaemonConfigOptions& o,
                          const std::string& secretFile, const std::string& customerFile)
{
    return "[source." + id +
           "]\n"
           "plugin = sbanken\n"
           "interval = " +
           o.interval +
           "\n"
           "client_id = " +
           orDefault(o.clientId, sim::kClientId) +
           "\n"
           "client_secret_file = " +
           secretFile +
           "\n"
           "customer_id_file = " +
           customerFile +
           "\n"
           "auth_url = " +
           o.authUrl +
           "\n"
           "api_url = " +
           o.apiUrl +
           "\n"
           "ca_file = " +
           o.caFile + "\n";
}

}  // namespace

DaemonConfig::DaemonConfig(const DaemonConfigOptions& o)
    : dir_("daemon"), mqttClientId_(orDefault(o.mqttClientId, "itest-" + uniqueSuffix())),
      stateDir_(orDefault(o.stateDir, dir_.file("state")))
{
    if (o.stateDir.empty() && ::mkdir(stateDir_.c_str(), 0700) != 0) {
        throw std::runtime_error("mkdir " + stateDir_ + ": " + std::strerror(errno));
    }
    const std::string secretFile =
        dir_.write("kid.secret", orDefault(o.clientSecret, sim::kClientSecret), 0600);
    const std::string customerFile =
        dir_.write("kid.customer", orDefault(o.customerId, sim::kCustomerId), 0600);

    text_ = "[mqtt]\n"
            "uri = " +
            o.brokerUri +
            "\n"
            "client_id = " +
            mqttClientId_ +
            "\n"
            "base_topic = " +
            o.baseTopic +
            "\n"
            "discovery = " +
            (o.discovery ? "true" : "false") + "\n";
    if (!o.discoveryMode.empty()) {
        text_ += "discovery_mode = " + o.discoveryMode + "\n";
    }
    text_ += o.extraMqttLines;
    text_ += "\n"
             "[daemon]\n"
             "plugin_dir = " +
             o.pluginDir +
             "\n"
             "state_dir = " +
             stateDir_ + "\n\n" + sourceSection("kid", o, secretFile, customerFile);
    if (!o.accounts.empty()) {
        text_ += "accounts = " + o.accounts + "\n";
    }
    if (!o.maxAge.empty()) {
        text_ += "max_age = " + o.maxAge + "\n";
    }
    text_ += o.extraSourceLines;
    DaemonConfigOptions extra = o;
    extra.authUrl = orDefault(o.extraSourcesAuthUrl, o.authUrl);
    extra.apiUrl = orDefault(o.extraSourcesApiUrl, o.apiUrl);
    for (const auto& [id, lines] : o.extraSources) {
        text_ += "\n" + sourceSection(id, extra, secretFile, customerFile) + lines;
    }
    iniPath_ = dir_.write("bank2mqtt.ini", text_, 0600);
}

}  // namespace bank2mqtt::itest
