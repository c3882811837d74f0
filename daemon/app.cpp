// SPDX-License-Identifier: MIT
// App: command line, start-up (config, plugins, sources); errors stop here with one sentence
// and a sysexits code. The run modes are in app_run.cpp.
#include "app.h"

#include "config.h"
#include "exit_codes.h"
#include "file_state_store.h"
#include "installation_key.h"
#include "log.h"
#include "plugin_loader.h"
#include "published_topics.h"
#include "source_budgets.h"
#include "source_host.h"
#include "state_dir_lock.h"
#include "system_clock.h"

#include <Poco/File.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Path.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionSet.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <sys/stat.h>
#include <unistd.h>

#ifndef BANK2MQTT_VERSION
#define BANK2MQTT_VERSION "0.0.0"
#endif

namespace bank2mqtt {

namespace {

// The state holds access tokens: a directory the daemon creates is the service user's alone
// (mode 0700, whatever the umask). An existing one is left as the administrator made it.
void createPrivateDirectory(const std::string& dir)
{
    Poco::File file(dir);
    if (file.exists()) {
        if (!file.isDirectory())
            throw Poco::FileException("not a directory: " + dir);
        return;
    }
    Poco::Path path(dir);
    path.makeDirectory();
    if (const std::string parent = path.parent().toString(); !parent.empty())
        Poco::File(parent).createDirectories();
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw Poco::FileException(std::string(std::strerror(errno)) + ": " + dir);
}

// The directory exists, belongs to this user and can be written by it.
bool stateDirIsMine(const std::string& dir)
{
    struct stat st {};
    return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() &&
           ::access(dir.c_str(), W_OK | X_OK) == 0;
}

}  // namespace

App::App() : clock_(std::make_unique<SystemClock>())
{
    setUnixOptions(true);
    // Before Poco reports an option error through its logger, give that logger our format.
    setupLogging(LogLevel::Info);
}

App::~App() = default;

int App::runFromCommandLine(int argc, char** argv)
{
    int rc = exitcode::kSoftware;
    try {
        rc = run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "error [bank2mqtt] internal error: " << e.what() << "\n";
        return exitcode::kSoftware;
    }
    // ServerApplication answers an option it cannot parse with EXIT_CONFIG before initialize()
    // runs; for us that is a usage error.
    if (!initialized_ && rc == Poco::Util::Application::EXIT_CONFIG) {
        std::cerr << "error [bank2mqtt] see bank2mqtt --help for the options\n";
        return exitcode::kUsage;
    }
    return rc;
}

void App::initialize(Poco::Util::Application& self)
{
    initialized_ = true;
    Poco::Util::ServerApplication::initialize(self);
}

void App::defineOptions(Poco::Util::OptionSet& options)
{
    // ServerApplication's own --daemon/--pidfile/--umask are left out on purpose: bank2mqtt
    // runs in the foreground under systemd.
    options.addOption(
        Poco::Util::Option("config", "c", "configuration file (default " + configFile_ + ")")
            .argument("FILE"));
    options.addOption(Poco::Util::Option("once", "", "poll every source once, publish, exit"));
    options.addOption(Poco::Util::Option("list-accounts", "", "log in and print the accounts")
                          .argument("SOURCE", false));
    options.addOption(
        Poco::Util::Option("check-config", "", "validate the configuration and plugins"));
    options.addOption(
        Poco::Util::Option("authorize", "", "give the bank consent for SOURCE, on this terminal")
            .argument("SOURCE"));
    options.addOption(
        Poco::Util::Option("log-level", "", "debug, info, warning or error").argument("LEVEL"));
    options.addOption(Poco::Util::Option("version", "", "print the version"));
    options.addOption(Poco::Util::Option("help", "h", "print this help"));
}

void App::handleOption(const std::string& name, const std::string& value)
{
    Poco::Util::ServerApplication::handleOption(name, value);
    if (name == "config")
        configFile_ = value;
    else if (name == "once")
        mode_ = Mode::Once;
    else if (name == "list-accounts") {
        mode_ = Mode::ListAccounts;
        listSource_ = value;
    } else if (name == "check-config")
        mode_ = Mode::CheckConfig;
    else if (name == "authorize") {
        mode_ = Mode::Authorize;
        authorizeSource_ = value;
    } else if (name == "version")
        mode_ = Mode::Version;
    else if (name == "help")
        mode_ = Mode::Help;
    else if (name == "log-level") {
        if (auto level = parseLogLevel(value))
            logLevel_ = *level;
        else
            usageError_ =
                "--log-level=" + value + " is not a level; use debug, info, warning or error";
    }
}

void App::printHelp() const
{
    std::cout
        << "Usage: bank2mqtt [--config=FILE] [--once] [--list-accounts[=SOURCE]] [--check-config]\n"
           "                 [--authorize=SOURCE]\n"
           "                 [--log-level=LEVEL] [--version] [--help]\n\n"
           "Reads bank balances through the banks' open APIs and publishes them to MQTT\n"
           "as retained messages.\n\n"
           "  --config=FILE          configuration file (default /etc/bank2mqtt/bank2mqtt.ini)\n"
           "  --once                 poll every source once, publish, disconnect, exit\n"
           "  --list-accounts[=SRC]  log in and print each account, to fill in accounts =\n"
           "  --check-config         validate the file and load every plugin, no network\n"
           "  --authorize=SOURCE     give the bank consent for SOURCE (banks that need a person)\n"
           "  --log-level=LEVEL      debug, info (default), warning or error\n"
           "  --version              print the version\n"
           "  --help                 print this help\n\n"
           "Exit codes: 0 ok, 64 usage, 69 bank or broker unreachable, 70 internal error,\n"
           "77 credentials rejected by the bank, 78 configuration error.\n";
}

void App::loadSources(StateUse state)
{
    // Only the daemon and --once connect to the broker; --check-config checks its secrets too.
    const bool brokerSecrets = state == StateUse::Owned || state == StateUse::Memory;
    config_ = std::make_unique<Config>(loadConfig(configFile_, brokerSecrets));
    NamedLogger log("bank2mqtt");
    for (const auto& w : config_->warnings)
        log.warning(w);

    if (state == StateUse::SharedIfMine)
        state = stateDirIsMine(config_->daemon.stateDir) ? StateUse::Shared : StateUse::ReadOnly;
    std::string stateDir;
    auto stateHealth = std::make_shared<StateDirHealth>();
    if (state == StateUse::ReadOnly) {
        stateDir = config_->daemon.stateDir;
    } else if (state != StateUse::Memory) {
        stateDir = config_->daemon.stateDir;
        bool usable = true;
        try {
            createPrivateDirectory(stateDir);
        } catch (const Poco::Exception& e) {
            usable = false;
            log.warning("state_dir " + stateDir + " cannot be created (" + e.message() +
                        "); tokens and account ids are kept in memory only");
            stateHealth->directoryUnusable();  // the state files' failures are this one
        }
        // Before any state file is read: two daemons on one state_dir would overwrite each
        // other's tokens and published topics. Configuration error (78): each instance needs
        // its own state_dir, and systemd must not restart into the same refusal.
        if (usable && state == StateUse::Owned) {
            stateLock_ = std::make_unique<StateDirLock>(stateDir);
            if (stateLock_->outcome() == StateDirLock::Outcome::Busy)
                throw ConfigError(stateLock_->busyMessage(stateDir));
            if (stateLock_->outcome() == StateDirLock::Outcome::Unavailable)
                log.warning("cannot lock state_dir " + stateDir + " (" + stateLock_->path() + ": " +
                            stateLock_->error() +
                            "); another instance using it would go unnoticed");
        }
    }
    log_ = std::make_unique<NamedLogger>("bank2mqtt");
    const bool readOnly = state == StateUse::ReadOnly;
    stateWritable_ = !stateDir.empty() && !readOnly;
    daemonState_ = std::make_unique<FileStateStore>(stateDir.empty() ? std::string()
                                                                     : stateDir + "/bank2mqtt.json",
                                                    *log_, stateHealth, readOnly);
    // No prefix filter: topics under an earlier base_topic or discovery_prefix must stay in the
    // registry so that they are cleared after such a change (unsafe topics are still dropped).
    published_ = std::make_unique<PublishedTopics>(*daemonState_);
    installationKey_ = std::make_unique<InstallationKey>(*daemonState_);

    budgets_ = std::make_unique<SourceBudgets>(*clock_);
    PluginLoader loader(config_->daemon.pluginDir);
    std::map<std::string, std::shared_ptr<LoadedPlugin>> plugins;
    // --authorize=ID and --list-accounts=ID load and configure that source only: another
    // source's secrets (LoadCredential= files, which only systemd hands over) are not read.
    const std::string only = mode_ == Mode::Authorize      ? authorizeSource_
                             : mode_ == Mode::ListAccounts ? listSource_
                                                           : std::string();
    for (const auto& settings : config_->sources) {
        if (!only.empty() && settings.id != only)
            continue;
        const std::string where =
            config_->file + ":" + std::to_string(settings.line) + ": [source." + settings.id + "] ";
        auto& plugin = plugins[settings.plugin];
        if (!plugin) {
            try {
                plugin = loader.load(settings.plugin);
            } catch (const PluginError& e) {
                throw ConfigError(where + "plugin = " + settings.plugin + ": " + e.what());
            }
        }
        auto host = std::make_unique<SourceHost>(settings, plugin, stateDir, *clock_, stateHealth,
                                                 readOnly);
        std::vector<std::string> warnings;
        SourceConfig sourceConfig =
            resolvePluginConfig(*config_, settings, host->source().configKeys(), warnings);
        for (const auto& w : warnings)
            log.warning(w);
        sourceConfig.timeout = settings.timeout;
        ConfigResult result = host->source().configure(sourceConfig);
        if (!result.ok()) {
            auto line = settings.keyLines.find(result.key);
            const std::string at = line != settings.keyLines.end()
                                       ? config_->file + ":" + std::to_string(line->second) +
                                             ": [source." + settings.id + "] "
                                       : where;
            throw ConfigError(at + (result.key.empty() ? "" : result.key + ": ") + result.message);
        }
        if (settings.transactions) {
            auto* feed = capabilityOf<TransactionFeed>(host->source());
            if (feed == nullptr)
                throw ConfigError(config_->file + ":" +
                                  std::to_string(settings.keyLines.at("transactions")) +
                                  ": [source." + settings.id + "] transactions = true, but the " +
                                  settings.plugin +
                                  " plugin cannot list transactions; remove the key or "
                                  "set it to false");
            feed->enableTransactions();
        }
        budgets_->add(settings.id, host->source(), host->hostState(), host->log(),
                      settings.interval);
        sources_.push_back(std::move(host));
    }
}

int App::main(const std::vector<std::string>& args)
{
    setLogLevel(logLevel_);
    NamedLogger log("bank2mqtt");
    if (!usageError_.empty() || !args.empty()) {
        log.error(!usageError_.empty()
                      ? usageError_
                      : "unexpected argument \"" + args.front() + "\"; see bank2mqtt --help");
        return exitcode::kUsage;
    }
    if (mode_ == Mode::Help) {
        printHelp();
        return exitcode::kOk;
    }
    if (mode_ == Mode::Version) {
        std::cout << "bank2mqtt " << BANK2MQTT_VERSION << "\n";
        return exitcode::kOk;
    }

    Poco::Net::initializeSSL();
    struct SslGuard {
        ~SslGuard() { Poco::Net::uninitializeSSL(); }
    } sslGuard;
    try {
        switch (mode_) {
        case Mode::Authorize:
            return authorize();
        case Mode::CheckConfig:
            return checkConfig();
        case Mode::ListAccounts:
            return listAccounts();
        case Mode::Once:
            return runOnce();
        default:
            return runDaemon();
        }
    } catch (const ConfigError& e) {
        log.error(e.what());
        return exitcode::kConfig;
    } catch (const PluginError& e) {
        log.error(e.what());
        return exitcode::kConfig;
    } catch (const UsageError& e) {
        log.error(e.what());
        return exitcode::kUsage;
    }
}

}  // namespace bank2mqtt
