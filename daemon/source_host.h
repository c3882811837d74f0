// SPDX-License-Identifier: MIT
// One configured source: its plugin instance and the services the host lends it.
#pragma once

#include "checked_source.h"
#include "config.h"
#include "file_state_store.h"
#include "log.h"
#include "plugin_loader.h"
#include "poco_http_client.h"
#include "secret_scrubber.h"

#include <memory>

namespace bank2mqtt {

/// Owns, per source: a logger named after the source, an HttpClient with the source's CA and
/// timeout, the plugin's state file `<state_dir>/<id>.plugin.json`, the host's own state file
/// `<state_dir>/<id>.json` (memory only when stateDir is empty), and the BankSource instance
/// (destroyed before the library). The daemon sees the instance through a CheckedSource, which
/// scrubs the source's secrets from every text and checks every result, and the plugin logs
/// through a ScrubbingLogger.
class SourceHost {
public:
    /// `stateHealth` is shared with the other stores of stateDir (see StateDirHealth).
    /// `readOnlyState`: the state files are read, never written (FileStateStore).
    SourceHost(const SourceSettings& settings, std::shared_ptr<LoadedPlugin> plugin,
               const std::string& stateDir, Clock& clock,
               std::shared_ptr<StateDirHealth> stateHealth = nullptr, bool readOnlyState = false);
    ~SourceHost();
    SourceHost(const SourceHost&) = delete;
    SourceHost& operator=(const SourceHost&) = delete;

    const SourceSettings& settings() const { return settings_; }
    const LoadedPlugin& plugin() const { return *plugin_; }
    /// The plugin's instance behind CheckedSource: use this one, never the bare instance.
    BankSource& source() { return *checked_; }
    NamedLogger& log() { return log_; }
    /// Replaces the source's secrets in a text the plugin produced (capabilities' texts).
    std::string scrub(const std::string& text) const { return scrubber_.scrub(text); }
    /// The source's scrubber, to teach it a person's answer (Renewal). Thread-safe.
    SecretScrubber& scrubber() { return scrubber_; }
    StateStore& hostState() { return hostState_; }
    /// Interrupts a fetch in progress (shutdown); thread-safe.
    void abort() { http_.abort(); }
    /// Requests the plugin has sent towards the bank so far; thread-safe.
    std::uint64_t requestsStarted() const { return http_.requestsStarted(); }

private:
    SourceSettings settings_;
    std::shared_ptr<LoadedPlugin> plugin_;
    NamedLogger log_;
    PocoHttpClient http_;
    FileStateStore pluginState_;
    FileStateStore hostState_;
    SecretScrubber scrubber_;
    ScrubbingLogger pluginLog_;
    Services services_;
    BankSource* source_ = nullptr;
    std::unique_ptr<CheckedSource> checked_;
};

}  // namespace bank2mqtt
