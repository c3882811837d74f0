// SPDX-License-Identifier: MIT
// SourceHost: wiring of one plugin instance to its logger, HTTP client and state files.
#include "source_host.h"

#include <Poco/Path.h>

namespace bank2mqtt {
namespace {

std::string stateFile(const std::string& dir, const std::string& name)
{
    if (dir.empty())
        return {};  // memory only
    Poco::Path path(dir);
    path.makeDirectory();
    path.setFileName(name);
    return path.toString();
}

PocoHttpClient::Options httpOptions(const SourceSettings& s)
{
    PocoHttpClient::Options o;
    o.caFile = s.caFile;
    o.timeout = s.timeout;
    o.insecure = s.insecure;
    o.plainHttpHosts = s.plainHttpHosts;
    return o;
}

}  // namespace

SourceHost::SourceHost(const SourceSettings& settings, std::shared_ptr<LoadedPlugin> plugin,
                       const std::string& stateDir, Clock& clock,
                       std::shared_ptr<StateDirHealth> stateHealth, bool readOnlyState)
    : settings_(settings), plugin_(std::move(plugin)), log_(settings.id),
      http_(httpOptions(settings)), pluginState_(stateFile(stateDir, settings.id + ".plugin.json"),
                                                 log_, stateHealth, readOnlyState),
      hostState_(stateFile(stateDir, settings.id + ".json"), log_, stateHealth, readOnlyState),
      pluginLog_(log_, scrubber_), services_{sizeof(Services), clock, http_, pluginState_,
                                             pluginLog_}
{
    source_ = plugin_->createSource(services_);
    checked_ = std::make_unique<CheckedSource>(*source_, settings.plugin, scrubber_);
}

SourceHost::~SourceHost()
{
    checked_.reset();
    plugin_->destroySource(source_);
}

}  // namespace bank2mqtt
