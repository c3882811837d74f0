// SPDX-License-Identifier: MIT
// The fixture of the Home Assistant tests: discovery probes, a birth publisher, payload readers.
#pragma once

#include "integration_test.h"

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bank2mqtt::itest {

/// Discovery topic -> its latest non-empty payload, as a probe on `homeassistant/#` saw them.
using DiscoveryConfigs = std::map<std::string, std::string>;

/// The simulator's demo accounts: device name and the key of their state topics.
struct DemoAccount {
    std::string name;
    std::string key;
};
extern const std::vector<DemoAccount> kDemoAccounts;

/// Component ids of an account device with low_balance configured, and of the bridge with the
/// one source "kid".
extern const std::set<std::string> kAccountObjects;
extern const std::set<std::string> kBridgeObjects;

/// IntegrationTest with bank2mqtt's discovery switched on and probes on the discovery prefix.
class HomeAssistantTest : public IntegrationTest {
protected:
    void TearDown() override;

    /// configOptions() with `discovery = true` (prefix homeassistant, device mode).
    DaemonConfigOptions haOptions() const;
    /// `options` as a restart of the instance `earlier` wrote: same MQTT client id (so the same
    /// bridge device) and the same state_dir (so the same record of published topics).
    static DaemonConfigOptions sameInstance(const DaemonConfig& earlier,
                                            DaemonConfigOptions options);
    /// Runs `bank2mqtt --once`; the exit status, or nullopt if it is still running.
    std::optional<int> runOnce(const DaemonConfig& config);

    /// A new subscriber to `homeassistant/#`.
    MqttProbe& discoveryProbe();
    /// The same, once it has received every retained message.
    MqttProbe& freshDiscoveryProbe();
    /// What a Home Assistant starting now would read: every retained discovery config.
    DiscoveryConfigs retainedDiscovery();

    /// Publishes once, QoS 1, from a client of its own (as HA's birth message); not retained
    /// unless `retain`.
    void publish(const std::string& topic, const std::string& payload, bool retain = false);

private:
    std::deque<std::unique_ptr<MqttProbe>> discoveryProbes_;
};

/// The latest non-empty payload per discovery topic among `probe`'s messages.
DiscoveryConfigs latestDiscovery(const MqttProbe& probe);
/// Every checker violation of `configs` taken together, one per line ("" when they all pass).
std::string violations(const DiscoveryConfigs& configs);
/// A line per topic or payload that contains a full account number or a customer id.
std::string identifyingData(const DiscoveryConfigs& configs);

/// `bank2mqtt_` + the client id lower-cased, anything but [a-z0-9] as `_`.
std::string bridgeId(const DaemonConfig& config);
/// `homeassistant/device/<id>/config`.
std::string deviceTopic(const std::string& deviceId);
/// The `<id>` of a `homeassistant/device/bank2mqtt_<16 hex>/config` topic, or "".
std::string accountDeviceIdOf(const std::string& topic);
/// The device-mode topic whose payload names the device `name`, or "".
std::string deviceTopicNamed(const DiscoveryConfigs& configs, const std::string& name);

/// A string at a path of nested objects in a JSON payload, e.g. {"device", "name"}; "" if the
/// path does not lead to a string.
std::string stringAt(const std::string& payload, const std::vector<std::string>& path);
/// The keys of the payload's `components` object.
std::set<std::string> componentIds(const std::string& payload);
/// component id -> its unique_id.
std::map<std::string, std::string> componentUniqueIds(const std::string& payload);
/// The `topic` of each item of the `availability` list at `path` ({} for the root's).
std::vector<std::string> availabilityTopics(const std::string& payload,
                                            const std::vector<std::string>& path = {});

}  // namespace bank2mqtt::itest
