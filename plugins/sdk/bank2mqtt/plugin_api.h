// SPDX-License-Identifier: MIT
// The plugin ABI: three exported C entry points, the version the host checks first, one macro.
//
// A plugin is a shared library `bank2mqtt-<name>.so` in plugin_dir exporting:
//   const bank2mqtt_plugin_info_t* bank2mqtt_plugin_info(void);   read first, always
//   bank2mqtt::BankSource* bank2mqtt_plugin_create(const bank2mqtt::Services*);
//   void bank2mqtt_plugin_destroy(bank2mqtt::BankSource*);
// The host resolves and calls `bank2mqtt_plugin_info` before anything else and refuses the
// library, naming the file and the expected and found values, unless `api_version` equals
// BANK2MQTT_PLUGIN_API_VERSION and `struct_size` is the size it knows. Only then are create and
// destroy resolved. Because BankSource is a C++ class, a plugin must be built with the same
// compiler family and standard library as the host; the version number changes whenever any
// SDK header changes in a way that breaks that.
#pragma once

#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/services.h"

#include <cstdint>
#include <new>

/// Bump on every incompatible change of the SDK headers. 2: optional capabilities
/// (capabilities.h: authorization, consent end, call limit) found through
/// BankSource::capability, Account::balanceDate, Services::size. Later additions come as new
/// capabilities and appended Services fields, which do not change this number. 3: Money::decimals
/// and an empty Money::currency for a unit that is not a currency (Firefly III's own decimal
/// places, SimpleFIN's custom currencies); a field inside Account cannot be added compatibly.
#define BANK2MQTT_PLUGIN_API_VERSION 3u

extern "C" {
struct bank2mqtt_plugin_info_t {
    std::uint32_t api_version;  ///< BANK2MQTT_PLUGIN_API_VERSION the plugin was built with
    std::uint32_t struct_size;  ///< sizeof(bank2mqtt_plugin_info_t) the plugin was built with
    const char* name;           ///< must equal the <name> in the file name, e.g. "sbanken"
    const char* version;        ///< the plugin's own version, e.g. "1.0.0"
    const char* description;    ///< one line for --help output and logs
};
}

#define BANK2MQTT_PLUGIN_INFO_SYMBOL "bank2mqtt_plugin_info"
#define BANK2MQTT_PLUGIN_CREATE_SYMBOL "bank2mqtt_plugin_create"
#define BANK2MQTT_PLUGIN_DESTROY_SYMBOL "bank2mqtt_plugin_destroy"

using Bank2mqttPluginInfoFn = const bank2mqtt_plugin_info_t* (*)();
using Bank2mqttPluginCreateFn = bank2mqtt::BankSource* (*)(const bank2mqtt::Services*);
using Bank2mqttPluginDestroyFn = void (*)(bank2mqtt::BankSource*);

#define BANK2MQTT_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

/// Defines the three entry points for a BankSource subclass `Cls` whose constructor takes
/// `const bank2mqtt::Services&`. create returns nullptr instead of throwing; destroy deletes on
/// the plugin's own heap.
#define BANK2MQTT_DECLARE_PLUGIN(Cls, NAME, VERSION, DESCRIPTION)                                  \
    BANK2MQTT_PLUGIN_EXPORT const bank2mqtt_plugin_info_t* bank2mqtt_plugin_info()                 \
    {                                                                                              \
        static const bank2mqtt_plugin_info_t info = {BANK2MQTT_PLUGIN_API_VERSION,                 \
                                                     sizeof(bank2mqtt_plugin_info_t), NAME,        \
                                                     VERSION, DESCRIPTION};                        \
        return &info;                                                                              \
    }                                                                                              \
    BANK2MQTT_PLUGIN_EXPORT bank2mqtt::BankSource* bank2mqtt_plugin_create(                        \
        const bank2mqtt::Services* services)                                                       \
    {                                                                                              \
        if (services == nullptr)                                                                   \
            return nullptr;                                                                        \
        try {                                                                                      \
            return new Cls(*services);                                                             \
        } catch (...) {                                                                            \
            return nullptr;                                                                        \
        }                                                                                          \
    }                                                                                              \
    BANK2MQTT_PLUGIN_EXPORT void bank2mqtt_plugin_destroy(bank2mqtt::BankSource* source)           \
    {                                                                                              \
        delete source;                                                                             \
    }
