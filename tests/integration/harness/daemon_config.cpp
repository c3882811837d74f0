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

}  // namespace

DaemonConfig::DaemonConfig(const DaemonConfigOptions& o)
    : dir_("daemon"), mqttClientId_("itest-" + uniqueSuffix())
{
    if (::mkdir(stateDir().c_str(), 0700) != 0) {
        throw std::runtime_error("mkdir " + stateDir() + ": " + std::strerror(errno));
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
            "discovery = false\n"
            "\n"
            "[daemon]\n"
            "plugin_dir = " +
            o.pluginDir +
            "\n"
            "state_dir = " +
            stateDir() +
            "\n"
            "\n"
            "[source.kid]\n"
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
    if (!o.accounts.empty()) {
        text_ += "accounts = " + o.accounts + "\n";
    }
    text_ += o.extraSourceLines;
    iniPath_ = dir_.write("bank2mqtt.ini", text_, 0600);
}

}  // namespace bank2mqtt::itest
