// SPDX-License-Identifier: MIT
// A well-formed plugin, as every real plugin is declared.
#include "test_source.h"

BANK2MQTT_DECLARE_PLUGIN(TestSource, "good", "9.9.9", "loader test: good")
