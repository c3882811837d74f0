// SPDX-License-Identifier: MIT
// Plugin loading with the version check first, in the manner of mosquitto's plugin host.
#include "plugin_loader.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace bank2mqtt {

namespace {

std::string octal(mode_t mode)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// Refuses `target` (the plugin itself, or `what` = "its directory ...", symbolic links
// followed) when anyone but root and the user running bank2mqtt could have changed what it
// holds: writable by group or others, or owned by a third user.
struct stat checkNotWritableByOthers(const std::string& plugin, const std::string& target,
                                     const std::string& what)
{
    struct stat st {};
    if (::stat(target.c_str(), &st) != 0)
        throw PluginError("plugin " + plugin + " is refused: " + what + " cannot be examined (" +
                          std::strerror(errno) + "); check plugin = and plugin_dir");
    const uid_t self = ::geteuid();
    if (st.st_uid != 0 && st.st_uid != self)
        throw PluginError("plugin " + plugin + " is refused: " + what + " is owned by user " +
                          std::to_string(st.st_uid) +
                          " (neither root nor the user running bank2mqtt), who could put any "
                          "code into the daemon; chown root " +
                          target);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        throw PluginError("plugin " + plugin + " is refused: " + what + " is writable by " +
                          ((st.st_mode & S_IWOTH) != 0 ? "everyone" : "its group") + " (mode " +
                          octal(st.st_mode) +
                          "), so others could put any code into the daemon; chmod go-w " + target);
    return st;
}

}  // namespace

LoadedPlugin::~LoadedPlugin()
{
    if (library_.isLoaded())
        library_.unload();
}

BankSource* LoadedPlugin::createSource(const Services& services) const
{
    BankSource* source = create_(&services);
    if (source == nullptr)
        throw PluginError("plugin " + path_ + " could not create a source (its create entry " +
                          "point failed); reinstall the plugin");
    return source;
}

void LoadedPlugin::destroySource(BankSource* source) const noexcept
{
    if (source != nullptr)
        destroy_(source);
}

std::string PluginLoader::pathFor(const std::string& name) const
{
    Poco::Path path(pluginDir_);
    path.makeDirectory();
    path.setFileName("bank2mqtt-" + name + ".so");
    return path.toString();
}

std::shared_ptr<LoadedPlugin> PluginLoader::load(const std::string& name) const
{
    const std::string path = pathFor(name);
    if (!Poco::File(path).exists())
        throw PluginError("plugin \"" + name + "\" not found: " + path +
                          " does not exist; check plugin = and plugin_dir");
    return loadFile(path, name);
}

std::shared_ptr<LoadedPlugin> PluginLoader::loadFile(const std::string& path,
                                                     const std::string& expectedName)
{
    // Before dlopen(): a library's constructors run as it is opened, with the daemon's rights
    // (root for --once or --check-config run by hand), so a file someone else could have
    // written must never be opened, not merely refused afterwards.
    std::string dir = Poco::Path(path).parent().toString();
    if (dir.empty())
        dir = ".";
    checkNotWritableByOthers(path, dir, "its directory " + dir);
    if (!S_ISREG(checkNotWritableByOthers(path, path, "it").st_mode))
        throw PluginError("plugin " + path + " is not a regular file; reinstall the plugin");

    std::shared_ptr<LoadedPlugin> plugin(new LoadedPlugin);
    plugin->path_ = path;
    try {
        plugin->library_.load(path, Poco::SharedLibrary::SHLIB_LOCAL);
    } catch (const Poco::Exception& e) {
        // The message of a failed dlopen names the missing library or symbol, which is the
        // useful part ("libPocoNet.so.80: cannot open shared object file").
        throw PluginError("plugin " + path + " cannot be loaded: " + e.message() +
                          " (check it with: ldd " + path + ")");
    }

    if (!plugin->library_.hasSymbol(BANK2MQTT_PLUGIN_INFO_SYMBOL))
        throw PluginError("plugin " + path + " is not a bank2mqtt plugin: it does not export " +
                          BANK2MQTT_PLUGIN_INFO_SYMBOL);
    auto infoFn = reinterpret_cast<Bank2mqttPluginInfoFn>(
        plugin->library_.getSymbol(BANK2MQTT_PLUGIN_INFO_SYMBOL));
    const bank2mqtt_plugin_info_t* info = infoFn();
    if (info == nullptr)
        throw PluginError("plugin " + path + " returned no plugin info; reinstall the plugin");
    if (info->api_version != BANK2MQTT_PLUGIN_API_VERSION)
        throw PluginError("plugin " + path + " was built for plugin API version " +
                          std::to_string(info->api_version) + ", this bank2mqtt expects version " +
                          std::to_string(BANK2MQTT_PLUGIN_API_VERSION) +
                          "; install the plugin that comes with this bank2mqtt version");
    if (info->struct_size != sizeof(bank2mqtt_plugin_info_t))
        throw PluginError("plugin " + path + " reports a plugin info of " +
                          std::to_string(info->struct_size) + " bytes, expected " +
                          std::to_string(sizeof(bank2mqtt_plugin_info_t)) +
                          "; rebuild the plugin against this bank2mqtt's SDK");
    const std::string name = info->name ? info->name : "";
    if (!expectedName.empty() && name != expectedName)
        throw PluginError("plugin " + path + " calls itself \"" + name + "\", expected \"" +
                          expectedName + "\"; the file name and the plugin do not match");
    plugin->info_ = info;

    for (const char* symbol : {BANK2MQTT_PLUGIN_CREATE_SYMBOL, BANK2MQTT_PLUGIN_DESTROY_SYMBOL}) {
        if (!plugin->library_.hasSymbol(symbol))
            throw PluginError("plugin " + path + " lacks the entry point " + symbol +
                              "; it was not built with BANK2MQTT_DECLARE_PLUGIN");
    }
    plugin->create_ = reinterpret_cast<Bank2mqttPluginCreateFn>(
        plugin->library_.getSymbol(BANK2MQTT_PLUGIN_CREATE_SYMBOL));
    plugin->destroy_ = reinterpret_cast<Bank2mqttPluginDestroyFn>(
        plugin->library_.getSymbol(BANK2MQTT_PLUGIN_DESTROY_SYMBOL));
    return plugin;
}

}  // namespace bank2mqtt
