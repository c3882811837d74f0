// SPDX-License-Identifier: MIT
// A plugin whose create entry point is missing.
#include "test_source.h"

BANK2MQTT_PLUGIN_EXPORT const bank2mqtt_plugin_info_t* bank2mqtt_plugin_info()
{
    static const bank2mqtt_plugin_info_t info = {BANK2MQTT_PLUGIN_API_VERSION,
                                                 sizeof(bank2mqtt_plugin_info_t), "missingcreate",
                                                 "1.0.0", "loader test: no create"};
    return &info;
}
BANK2MQTT_PLUGIN_EXPORT void bank2mqtt_plugin_destroy(bank2mqtt::BankSource* source)
{
    delete source;
}
