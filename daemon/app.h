// SPDX-License-Identifier: MIT
// The bank2mqtt ServerApplication: command line, start-up checks, and the run modes.
#pragma once

#include "bank2mqtt/services.h"

#include <Poco/Util/ServerApplication.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bank2mqtt {

/// A command-line mistake found after option parsing (exit 64).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Config;
class FileStateStore;
class InstallationKey;
class NamedLogger;
class PublishedTopics;
class Publisher;
class Scheduler;
class SourceBudgets;
class SourceHost;
class SourcePoller;
class StateDirLock;

class App : public Poco::Util::ServerApplication {
public:
    App();
    ~App() override;

    /// Runs the application and maps Poco's generic option-error exit to sysexits 64.
    int runFromCommandLine(int argc, char** argv);

protected:
    void initialize(Poco::Util::Application& self) override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    enum class Mode { Daemon, Once, ListAccounts, CheckConfig, Authorize, Help, Version };
    /// How loadSources() treats state_dir.
    enum class StateUse {
        Memory,    ///< no state files (--check-config)
        ReadOnly,  ///< the files read, never written
        Shared,    ///< the files, without the instance lock (--authorize, next to a running daemon)
        Owned,     ///< the files and the instance lock (the daemon, --once)
        /// Shared when state_dir exists and is this user's, else ReadOnly (--list-accounts: it
        /// needs a consent stored by --authorize, its calls count against a call budget, and a
        /// file written as another user, root say, would lock the service out of it).
        SharedIfMine,
    };

    /// Loads the config and every source's plugin, validated and configured. Throws
    /// UsageError / ConfigError / PluginError with complete messages.
    void loadSources(StateUse state);
    /// One SourcePoller per source, each added to the scheduler, due at once (a source with a
    /// call budget: at its stretched interval, when its budget says).
    std::vector<std::unique_ptr<SourcePoller>> makePollers(Publisher& publisher,
                                                           Scheduler& scheduler);
    /// Bridge discovery (with the renewal entities of `renewable` sources), and the clean-up
    /// of what sources no longer configured published.
    void publishBridge(Publisher& publisher, const std::vector<std::string>& renewable = {});
    int runDaemon();
    int runOnce();
    int listAccounts();
    int checkConfig();
    /// --authorize=SOURCE: the source's Authorization capability driven on the terminal.
    int authorize();
    void printHelp() const;

    Mode mode_ = Mode::Daemon;
    std::string configFile_ = "/etc/bank2mqtt/bank2mqtt.ini";
    std::string listSource_;
    std::string authorizeSource_;
    LogLevel logLevel_ = LogLevel::Info;
    bool initialized_ = false;
    std::string usageError_;

    std::unique_ptr<Clock> clock_;
    std::unique_ptr<Config> config_;
    std::vector<std::unique_ptr<SourceHost>> sources_;
    std::unique_ptr<NamedLogger> log_;
    std::unique_ptr<StateDirLock> stateLock_;      // held while state_dir is ours
    std::unique_ptr<FileStateStore> daemonState_;  // <state_dir>/bank2mqtt.json
    bool stateWritable_ = false;  // state files are written (not Memory, not ReadOnly)
    std::unique_ptr<PublishedTopics> published_;
    std::unique_ptr<InstallationKey> installationKey_;
    /// The sources' call budgets, over their host state (after sources_, destroyed before it).
    std::unique_ptr<SourceBudgets> budgets_;
};

}  // namespace bank2mqtt
