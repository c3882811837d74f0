// SPDX-License-Identifier: MIT
// A plugin built for plugin API 1 (before capabilities): refused before create, naming both
// versions.
#include "test_source.h"

#include <cstdlib>

BANK2MQTT_PLUGIN_EXPORT const bank2mqtt_plugin_info_t* bank2mqtt_plugin_info()
{
    static const bank2mqtt_plugin_info_t info = {1u, sizeof(bank2mqtt_plugin_info_t), "apione",
                                                 "1.0.0", "loader test: API 1"};
    return &info;
}
// Reaching either of these would mean the version check came too late.
BANK2MQTT_PLUGIN_EXPORT bank2mqtt::BankSource* bank2mqtt_plugin_create(const bank2mqtt::Services*)
{
    std::abort();
}
BANK2MQTT_PLUGIN_EXPORT void bank2mqtt_plugin_destroy(bank2mqtt::BankSource*)
{
    std::abort();
}
