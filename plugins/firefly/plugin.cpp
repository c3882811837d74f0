// SPDX-License-Identifier: MIT
// The Firefly III plugin's exported entry points.
#include "firefly_source.h"

#include "bank2mqtt/plugin_api.h"

BANK2MQTT_DECLARE_PLUGIN(bank2mqtt::firefly::FireflySource, "firefly", "1.0.0",
                         "Firefly III (self-hosted): asset account balances via a personal "
                         "access token")
