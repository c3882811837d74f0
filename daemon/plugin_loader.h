// SPDX-License-Identifier: MIT
// Loads bank-source plugins (bank2mqtt-<name>.so) and checks their API version before anything
// else.
#pragma once

#include "bank2mqtt/plugin_api.h"

#include <Poco/SharedLibrary.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace bank2mqtt {

/// A refused or unloadable plugin. what() is one complete sentence naming the file and, for a
/// version mismatch, the expected and found values.
class PluginError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One loaded plugin library. Keeps the library mapped for its own lifetime, so every
/// BankSource it creates must be destroyed (destroySource) before it goes away.
/// Not thread-safe; the host loads plugins at start-up only.
class LoadedPlugin {
public:
    LoadedPlugin(const LoadedPlugin&) = delete;
    LoadedPlugin& operator=(const LoadedPlugin&) = delete;
    ~LoadedPlugin();

    const std::string& path() const { return path_; }
    const bank2mqtt_plugin_info_t& info() const { return *info_; }

    /// Calls the plugin's create entry point. Throws PluginError when it returns nullptr.
    /// The returned pointer must be released with destroySource().
    BankSource* createSource(const Services& services) const;
    void destroySource(BankSource* source) const noexcept;

private:
    friend class PluginLoader;
    LoadedPlugin() = default;

    std::string path_;
    Poco::SharedLibrary library_;
    const bank2mqtt_plugin_info_t* info_ = nullptr;
    Bank2mqttPluginCreateFn create_ = nullptr;
    Bank2mqttPluginDestroyFn destroy_ = nullptr;
};

class PluginLoader {
public:
    explicit PluginLoader(std::string pluginDir) : pluginDir_(std::move(pluginDir)) {}

    /// The file a plugin name maps to: <plugin_dir>/bank2mqtt-<name>.so.
    std::string pathFor(const std::string& name) const;

    /// Loads the plugin `name` (as written after `plugin =`). Order: check who could have
    /// written the file and plugin_dir (see loadFile), open the library, resolve
    /// and call bank2mqtt_plugin_info, check api_version, struct_size and name, and only then
    /// resolve create and destroy. Throws PluginError at the first refusal.
    std::shared_ptr<LoadedPlugin> load(const std::string& name) const;

    /// Loads a library by path (used by load() and by tests). Before the library is opened
    /// (its constructors run then), refuses it when the file or its directory is writable by
    /// group or others, or owned by anyone but root and the user running bank2mqtt.
    static std::shared_ptr<LoadedPlugin> loadFile(const std::string& path,
                                                  const std::string& expectedName);

private:
    std::string pluginDir_;
};

}  // namespace bank2mqtt
