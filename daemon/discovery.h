// SPDX-License-Identifier: MIT
// Pure builders of Home Assistant MQTT discovery messages: the bridge device and one per account.
#pragma once

#include "bank2mqtt/fetch_result.h"

#include <set>
#include <string>
#include <vector>

namespace bank2mqtt {

/// What the discovery payloads depend on besides the accounts. Values come from the [mqtt]
/// section; the builders trust them (the configuration layer validated them).
struct DiscoverySettings {
    std::string prefix = "homeassistant";  ///< discovery_prefix
    std::string baseTopic = "bank2mqtt";   ///< base_topic, the <base> of every state topic
    /// "device": one message per device at <prefix>/device/<id>/config (HA >= 2024.12).
    /// "component": one message per entity at <prefix>/<platform>/<id>/<object>/config, for
    /// older HA, openHAB and Domoticz. Never both: the two forms of one entity conflict in HA.
    std::string mode = "device";
    /// Identifier of the bridge device, [a-z0-9_], e.g. "bank2mqtt_" + sanitised client_id.
    /// Account devices name it as their via_device.
    std::string bridgeId;
    std::string version;  ///< daemon version for origin.sw_version and device.sw_version
};

/// One account as it is published: where its state topics are and what its device shows.
struct AccountEntity {
    std::string sourceId;  ///< the source section id, e.g. "kid"
    std::string key;       ///< the account's topic level, [a-z0-9_], e.g. "lommepenger"
    std::string bank;      ///< the device's manufacturer, e.g. "Sbanken"
    /// fingerprint (identity), name (device name), type (model), balance.currency (unit).
    /// The amounts are not used: discovery describes entities, not their values.
    Account account;
    bool hasLowBalance = false;  ///< a low_balance threshold applies to this account
    /// The source's plugin offers ConsentInfo: the device gets the consent's end and a problem
    /// entity that is on from consent_warning before the end.
    bool hasConsent = false;
    /// The source announces transactions (transactions = true): the device gets an event
    /// entity "Transaction" (event_types debit, credit, booked) on <account>/transaction and a
    /// sensor "Last transaction" with the last one's amount and the rest as attributes.
    bool hasTransactions = false;
};

/// A discovery message: publish retained with QoS 1. An empty payload on the same topic removes
/// what the message created.
struct DiscoveryMessage {
    std::string topic;
    std::string payload;  ///< compact JSON with keys in a fixed order, so equal input gives
                          ///< byte-equal output (HA ignores an unchanged config)

    bool operator==(const DiscoveryMessage& o) const
    {
        return topic == o.topic && payload == o.payload;
    }
};

/// The bridge device (identifier settings.bridgeId): a connectivity binary sensor on
/// <base>/status, a "Refresh all" button on <base>/refresh, a diagnostic version sensor from
/// <base>/info, and per source a diagnostic fetch-status sensor from <base>/<source>/status
/// (so a source that needs a person shows even when it has no account yet), and for each
/// source in `budgetedSources` (a call budget, CallLimit) a diagnostic "<source> calls left"
/// sensor from the same topic's calls_remaining.
/// Per source of `renewableIds` (plugins with Authorization) the consent renewal: a button
/// "<source> renew consent" (<base>/<source>/consent/renew), a sensor "<source> renewal" with
/// the current step's sentence and the login URL as an attribute (<base>/<source>/consent), and
/// a password-mode text "<source> renewal answer" for the pasted answer
/// (<base>/<source>/consent/answer).
/// One message in device mode, one per entity in component mode.
/// Throws std::invalid_argument when settings.mode is neither "device" nor "component".
std::vector<DiscoveryMessage> bridgeDiscovery(const DiscoverySettings& settings,
                                              const std::vector<std::string>& sourceIds,
                                              const std::set<std::string>& budgetedSources = {},
                                              const std::vector<std::string>& renewableIds = {});

/// One account's device (identifier accountDeviceId, via the bridge): balance (the main
/// feature), available balance, credit limit (disabled by default), last update and fetch
/// status (diagnostic), low balance (only when hasLowBalance), consent end and consent
/// (diagnostic, only when hasConsent) and a refresh button.
/// Entities are available when both <base>/status and <base>/<source>/<key>/availability are
/// "online"; the fetch status, the consent entities and the refresh button follow
/// <base>/status only, so a user still sees why the data is stale and can ask for a new poll.
/// Throws std::invalid_argument for a bad mode or a fingerprint without 16 leading hex digits.
std::vector<DiscoveryMessage> accountDiscovery(const DiscoverySettings& settings,
                                               const AccountEntity& entity);

/// `{"migrate_discovery":true}`: published on an old discovery topic before the other form of
/// the same device, Home Assistant moves the entities over and keeps their settings.
std::string migrateDiscoveryPayload();

/// Everything of `entity` that accountDiscovery() reads, as one string: equal inputs give
/// byte-equal messages (AccountDiscoveryCache rebuilds only when this changes). A new entity
/// that depends on more of the account adds it here, next to the builder.
std::string discoveryInputs(const AccountEntity& entity);

/// "bank2mqtt_" + the first 16 hex digits of the fingerprint, lower case. Stable when the
/// account is renamed or re-keyed. The daemon passes the keyed public id (InstallationKey) as
/// the fingerprint, so the id reveals nothing about the account number.
/// Throws std::invalid_argument when the fingerprint does not start with 16 hex digits.
std::string accountDeviceId(const AccountEntity& entity);

}  // namespace bank2mqtt
