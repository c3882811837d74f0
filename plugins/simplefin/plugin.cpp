// SPDX-License-Identifier: MIT
// The SimpleFIN Bridge plugin's exported entry points.
#include "sf_source.h"

#include "bank2mqtt/plugin_api.h"

BANK2MQTT_DECLARE_PLUGIN(bank2mqtt::simplefin::SimpleFinSource, "simplefin", "1.0.0",
                         "SimpleFIN Bridge (US/Canada; setup token via --authorize)")
