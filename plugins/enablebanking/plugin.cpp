// SPDX-License-Identifier: MIT
// The Enable Banking plugin's exported entry points.
#include "eb_source.h"

#include "bank2mqtt/plugin_api.h"

BANK2MQTT_DECLARE_PLUGIN(
    bank2mqtt::enablebanking::EnableBankingSource, "enablebanking", "1.0.0",
    "Enable Banking PSD2 aggregator (self-signed JWT, consent via --authorize)")
