// SPDX-License-Identifier: MIT
// The Sbanken plugin's exported entry points.
#include "sbanken_source.h"

#include "bank2mqtt/plugin_api.h"

BANK2MQTT_DECLARE_PLUGIN(bank2mqtt::sbanken::SbankenSource, "sbanken", "1.0.0",
                         "Sbanken open banking API (OAuth2 client credentials)")
