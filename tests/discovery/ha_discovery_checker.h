// SPDX-License-Identifier: MIT
// Checks discovery messages against the rules Home Assistant applies, and bank2mqtt's own.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt {

/// One broken rule. `rule` is a short stable code tests can match on:
///   topic               the discovery topic's shape, id charset or component (6.1 #1)
///   json                the payload is not a JSON object (#2)
///   origin              origin missing, without a string name, or a bad support_url (#3)
///   device-payload      a device payload without device, origin or components (#4)
///   component           a device component: bad id, no or unsupported platform, an unchecked
///                       platform, or a device/origin override (#4)
///   unique-id           unique_id missing or not a non-empty string (#4, #23)
///   duplicate-unique-id the same unique_id twice in the checked set (#17)
///   discovery-conflict  the same entity through a device topic and a single topic (#17)
///   device              device block: no identifiers/connections, bad values, no name (#5, #21)
///   availability        both availability forms, an item without topic, a bad mode (#6)
///   topic-value         a topic value that is empty, not UTF-8, too long or has control
///                       characters (#7)
///   wildcard            '+' or '#' in a topic value: we publish every topic exactly (#7)
///   qos                 qos not 0, 1 or 2 (#8)
///   icon                an icon without ':' (#9)
///   entity-category     not config/diagnostic, or config on a (binary) sensor (#10, #16)
///   required            state_topic (sensor, binary_sensor, event) or command_topic (button,
///                       text); event_types (event)
///   event-types         event_types not a non-empty list of distinct strings
///   device-class        not a device class of the platform (#11-#13)
///   state-class         an invalid state_class, or last_reset_value_template without total
///   unit                a unit the device class does not allow (#11)
///   options             options without enum, empty, with unit/state_class; enum without them
///   monetary            state_class other than total, or a unit that is not ISO 4217 (#18)
///   timestamp           a timestamp sensor with a unit or state_class (1.14)
///   type                a value of the wrong JSON type (bool, non-negative int, string)
///   migrate             migrate_discovery present but not true (#14)
///   unknown-key         a key HA's schema does not know; HA would drop it silently (#15)
///   abbreviation        an abbreviated key; bank2mqtt publishes full names (1.5)
///   object-id           the deprecated object_id (#20)
///   default-entity-id   not "<platform>.<object_id>" with a valid entity id (#20)
///   name                name neither null nor a string, or repeating the device name (#21)
///   duplicate-topic     the same discovery topic twice in the checked set
///   text                a text entity: max over 255, min over max, a mode other than text or
///                       password, or no state_topic (HA would keep the typed value)
struct Violation {
    std::string rule;
    std::string topic;    ///< the discovery topic
    std::string where;    ///< path in the payload, e.g. "components.balance.state_class"
    std::string message;  ///< what is wrong, for a person
};

std::ostream& operator<<(std::ostream& out, const Violation& violation);

/// Checks one set of retained discovery messages as they would sit together on a broker.
/// Stateful: unique_ids, discovery ids and topics are remembered across check() calls, so use
/// one checker per set. An empty payload is a removal and always valid.
///
/// Stricter than HA where HA accepts but the result is broken or deprecated (section 6.2 of
/// the reference): unknown keys, abbreviations, object_id, monetary units and state class,
/// missing origin/unique_id/device name in single-component payloads, wildcards anywhere.
class HaDiscoveryChecker {
public:
    explicit HaDiscoveryChecker(std::string prefix = "homeassistant");

    std::vector<Violation> check(const std::string& topic, const std::string& payload);

private:
    struct Seen {
        std::string topic;
        bool viaDevice = false;
    };

    std::string prefix_;
    std::map<std::string, std::string> uniqueIds_;  ///< unique_id -> topic that used it
    std::map<std::string, Seen> discoveryIds_;      ///< "<platform> <discovery id>"
    std::map<std::string, int> topics_;

    friend class DiscoveryWalk;
};

/// Checks `messages` (topic, payload) together with a fresh checker.
std::vector<Violation>
checkDiscovery(const std::vector<std::pair<std::string, std::string>>& messages,
               const std::string& prefix = "homeassistant");

}  // namespace bank2mqtt
