// SPDX-License-Identifier: MIT
// App's run modes: --check-config, --list-accounts, --once and the daemon itself.
#include "app.h"

#include "account_table.h"
#include "authorize_terminal.h"
#include "config.h"
#include "discovery.h"
#include "duration.h"
#include "exit_codes.h"
#include "installation_key.h"
#include "log.h"
#include "paho_mqtt_client.h"
#include "plugin_loader.h"
#include "poll_loop.h"
#include "published_topics.h"
#include "publisher.h"
#include "renewal.h"
#include "retained_set.h"
#include "scheduler.h"
#include "source_budgets.h"
#include "source_host.h"
#include "source_poller.h"
#include "topic_layout.h"

#include <atomic>
#include <cctype>
#include <csignal>
#include <future>
#include <iostream>
#include <pwd.h>
#include <random>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#ifndef BANK2MQTT_VERSION
#define BANK2MQTT_VERSION "0.0.0"
#endif

namespace bank2mqtt {
namespace {

int exitCodeFor(const std::vector<FetchResult>& results)
{
    int code = exitcode::kOk;
    for (const auto& r : results) {
        switch (r.status) {
        case FetchStatus::Ok:
            break;
        case FetchStatus::AuthRequired:
            return exitcode::kNoPermission;
        case FetchStatus::ConfigError:
            code = exitcode::kConfig;
            break;
        case FetchStatus::RateLimited:
        case FetchStatus::Temporary:
            if (code == exitcode::kOk)
                code = exitcode::kUnavailable;
            break;
        }
    }
    return code;
}

PahoMqttClient::Options mqttOptions(const MqttSettings& m)
{
    PahoMqttClient::Options o;
    o.uri = m.uri;
    o.clientId = m.clientId;
    o.username = m.username;
    o.password = m.password;
    o.caFile = m.caFile;
    o.certFile = m.certFile;
    o.keyFile = m.keyFile;
    o.insecure = m.insecure;
    o.keepAlive = m.keepAlive;
    o.willTopic = TopicLayout(m.baseTopic, m.discoveryPrefix).bridgeStatus();
    o.willPayload = "offline";
    return o;
}

// The bank's name for people: the plugin name with a capital ("sbanken" -> "Sbanken").
std::string bankName(const std::string& plugin)
{
    std::string name = plugin;
    if (!name.empty())
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
}

std::optional<DiscoverySettings> discoveryFor(const MqttSettings& m)
{
    if (!m.discovery)
        return std::nullopt;
    DiscoverySettings d;
    d.prefix = m.discoveryPrefix;
    d.baseTopic = m.baseTopic;
    d.mode = m.discoveryMode;
    d.version = BANK2MQTT_VERSION;
    d.bridgeId = "bank2mqtt_";
    for (const char c : m.clientId) {
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        d.bridgeId += std::isalnum(static_cast<unsigned char>(l)) ? l : '_';
    }
    return d;
}

/// `interval`: the one the source is polled at (stretched by a call budget).
SourcePlan planFor(const SourceSettings& s, const MqttSettings& m, std::chrono::seconds interval)
{
    SourcePlan plan;
    plan.bank = bankName(s.plugin);
    plan.discovery = discoveryFor(m);
    plan.id = s.id;
    for (const auto& a : s.accounts) {
        plan.aliases.push_back(a.alias);
        plan.accountLowBalance.push_back(a.lowBalance);
    }
    plan.lowBalance = s.lowBalance;
    // The configuration's default is 3 x the configured interval; a stretched one moves it.
    plan.maxAge = s.keyLines.count("max_age") ? s.maxAge : 3 * interval;
    plan.consentWarning = s.consentWarning;
    plan.transactions = s.transactions;
    plan.transactionsBacklog = s.transactionsBacklog;
    return plan;
}

std::string callsADay(int n)
{
    return std::to_string(n) + (n == 1 ? " call a day" : " calls a day");
}

}  // namespace

int App::checkConfig()
{
    loadSources(StateUse::Memory);
    std::cout << config_->file << ": configuration OK, " << sources_.size() << " source"
              << (sources_.size() == 1 ? "" : "s") << "\n";
    for (const auto& s : sources_) {
        const std::string& id = s->settings().id;
        const std::chrono::seconds interval = budgets_->interval(id, s->settings().interval);
        std::cout << "  [source." << id << "] plugin " << s->plugin().info().name << " "
                  << s->plugin().info().version << ", every " << formatDuration(interval);
        if (const CallBudget* budget = budgets_->find(id))
            std::cout << " (the bank allows " << callsADay(budget->limit()) << "), max_age "
                      << formatDuration(planFor(s->settings(), config_->mqtt, interval).maxAge);
        std::cout << "\n";
    }
    return exitcode::kOk;
}

int App::listAccounts()
{
    // A stored consent is needed, and a bank with a call budget counts this call too: the
    // budget is kept in state_dir when that is this user's (a file written as another user,
    // root say, would lock the service out of it), next to a running daemon like --authorize.
    loadSources(StateUse::SharedIfMine);
    const bool counted = stateWritable_;
    std::vector<FetchResult> failures;
    bool found = false;
    for (auto& s : sources_) {
        if (!listSource_.empty() && s->settings().id != listSource_)
            continue;
        found = true;
        const std::string& id = s->settings().id;
        std::cout << "[source." << id << "] (" << s->plugin().info().name << ")\n";
        // Without a consent (ConsentInfo) the plugin makes no request: no call is spent.
        const ConsentInfo* consent = capabilityOf<ConsentInfo>(s->source());
        const auto consentEnd = consent ? consent->consentEnd() : std::nullopt;
        const bool withoutConsent = consent && (!consentEnd || *consentEnd <= clock_->wallNow());
        const CallBudget* budget = withoutConsent ? nullptr : budgets_->find(id);
        if (budget) {
            const auto now = clock_->monotonicNow();
            if (auto refusal = budgets_->refusal(id, now)) {
                s->log().error("not listed: " + *refusal);
                failures.push_back(FetchResult::failure(FetchStatus::RateLimited, *refusal));
                continue;
            }
            budgets_->spend(id, now);
        }
        const std::uint64_t requestsBefore = s->requestsStarted();
        const auto started = clock_->monotonicNow();
        FetchResult result = s->source().listAccounts();
        // A listing that sent no request (a SimpleFIN source before --authorize) costs nothing.
        if (budget && s->requestsStarted() == requestsBefore)
            budgets_->refund(id, started);
        else if (budget && counted)
            std::cout << "This call spent 1 of the " << callsADay(budget->limit())
                      << " the bank allows this source; " << budget->remaining(started)
                      << " left now, and the daemon counts this one too.\n";
        else if (budget)
            std::cout << "This call spent 1 of the " << callsADay(budget->limit())
                      << " the bank allows this source; state_dir is not this user's, so "
                         "the daemon will not know of it.\n";
        budgets_->noteResult(id, result, clock_->monotonicNow());
        if (result.status != FetchStatus::Ok) {
            s->log().error(result.message);
            failures.push_back(std::move(result));
            continue;
        }
        std::cout << formatAccountTable(result.accounts) << "\n";
    }
    if (!found)
        throw UsageError("--list-accounts=" + listSource_ + ": no [source." + listSource_ +
                         "] in " + config_->file);
    return exitCodeFor(failures);
}

int App::authorize()
{
    // Shared state: the service may be running; the plugin's state file takes both writers.
    loadSources(StateUse::Shared);
    // What is stored must be readable by the service: a consent written by root (or one that
    // cannot be written at all) would be lost while the bank's one-time code is spent.
    const std::string& stateDir = config_->daemon.stateDir;
    struct stat st {};
    if (::stat(stateDir.c_str(), &st) != 0 || ::access(stateDir.c_str(), W_OK | X_OK) != 0)
        throw UsageError("--authorize=" + authorizeSource_ + ": state_dir " + stateDir +
                         " cannot be written by this user; run it as the service user, e.g. "
                         "sudo -u bank2mqtt bank2mqtt --authorize=" +
                         authorizeSource_);
    if (st.st_uid != ::geteuid()) {
        const passwd* owner = ::getpwuid(st.st_uid);
        const std::string user = owner ? owner->pw_name : std::to_string(st.st_uid);
        throw UsageError("--authorize=" + authorizeSource_ + ": state_dir " + stateDir +
                         " belongs to " + user +
                         "; run it as that user so that the service can read what is stored: "
                         "sudo -u " +
                         user + " bank2mqtt --authorize=" + authorizeSource_);
    }
    for (auto& s : sources_) {
        if (s->settings().id != authorizeSource_)
            continue;
        auto* auth = capabilityOf<Authorization>(s->source());
        if (auth == nullptr)
            throw UsageError("--authorize=" + authorizeSource_ + ": [source." + authorizeSource_ +
                             "] (plugin " + s->plugin().info().name +
                             ") needs no authorization; its credentials are in the configuration");
        return runAuthorization(*auth, authorizeSource_, readStdinLine, std::cout,
                                [&s](const std::string& text) { return s->scrub(text); });
    }
    throw UsageError("--authorize=" + authorizeSource_ + ": no [source." + authorizeSource_ +
                     "] in " + config_->file);
}

int App::runOnce()
{
    loadSources(StateUse::Owned);
    NamedLogger log("bank2mqtt");
    PahoMqttClient mqtt(mqttOptions(config_->mqtt));
    Publisher publisher(mqtt, config_->mqtt.baseTopic, config_->mqtt.discoveryPrefix);
    std::string error;
    if (!mqtt.connect(std::chrono::seconds(10), error)) {
        log.error(error);
        return exitcode::kUnavailable;
    }
    publisher.onConnected();

    Scheduler scheduler([] { return 0.0; });
    auto pollers = makePollers(publisher, scheduler);
    std::vector<SourcePoller*> raw;
    for (auto& p : pollers)
        raw.push_back(p.get());
    publishBridge(publisher);
    PollLoop loop(*clock_, scheduler, publisher, raw, BANK2MQTT_VERSION);
    loop.useBudgets(*budgets_);
    const auto results = loop.pollAllOnce();
    publisher.publishOffline();
    constexpr auto flushTimeout = std::chrono::seconds(10);
    const bool delivered =
        mqtt.flush(flushTimeout) && publisher.allDelivered() && mqtt.isConnected();
    // Asked before disconnect(), which forgets what was pending.
    const std::string failure = delivered ? std::string() : mqtt.deliveryFailure(flushTimeout);
    mqtt.disconnect(std::chrono::seconds(2));
    if (!delivered) {
        log.error(failure);
        return exitcode::kUnavailable;
    }
    return exitCodeFor(results);
}

std::vector<std::unique_ptr<SourcePoller>> App::makePollers(Publisher& publisher,
                                                            Scheduler& scheduler)
{
    std::vector<std::unique_ptr<SourcePoller>> pollers;
    for (auto& s : sources_) {
        const std::string& id = s->settings().id;
        const std::chrono::seconds interval = budgets_->interval(id, s->settings().interval);
        SourcePlan plan = planFor(s->settings(), config_->mqtt, interval);
        if (plan.maxAge < interval)
            s->log().warning("max_age " + formatDuration(plan.maxAge) +
                             " is shorter than the interval the bank's call limit allows (" +
                             formatDuration(interval) +
                             "); the balances show as unavailable between polls");
        auto poller =
            std::make_unique<SourcePoller>(std::move(plan), *installationKey_, s->source(), *clock_,
                                           s->log(), s->hostState(), publisher, *published_);
        poller->setCallBudget(budgets_->find(id));
        SourceHost* host = s.get();
        poller->countRequestsWith([host] { return host->requestsStarted(); });
        scheduler.add(id, interval,
                      budgets_->firstDue(id, clock_->monotonicNow(), poller->status().lastSuccess));
        pollers.push_back(std::move(poller));
    }
    return pollers;
}

void App::publishBridge(Publisher& publisher, const std::vector<std::string>& renewable)
{
    std::set<std::string> owners{""};
    std::vector<std::string> ids;
    for (const auto& s : sources_) {
        owners.insert(s->settings().id);
        ids.push_back(s->settings().id);
    }
    std::map<std::string, std::set<std::string>> bridge;
    std::vector<RetainedMessage> messages;
    std::set<std::string> budgeted;
    for (const auto& id : ids)
        if (budgets_->find(id))
            budgeted.insert(id);
    if (auto discovery = discoveryFor(config_->mqtt))
        for (auto& message : bridgeDiscovery(*discovery, ids, budgeted, renewable))
            messages.emplace_back(std::move(message.topic), std::move(message.payload));
    for (const auto& message : messages)
        bridge["bridge"].insert(message.first);
    replaceRetained(publisher, *published_, "", bridge, messages);
    if (const std::size_t removed = dropOwnersExcept(publisher, *published_, owners))
        log_->info("cleared " + std::to_string(removed) +
                   " retained topics of sources no longer configured");
}

int App::runDaemon()
{
    // SIGINT/SIGTERM/SIGQUIT are taken by waitForTerminationRequest(); block them before any
    // thread exists so that they can never be delivered to (and kill) another thread.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    // There is no configuration reload yet: a stray SIGHUP (a closed terminal, a habit) must not
    // end the daemon, which systemd would count as a clean stop and not restart. Nothing uses
    // SIGUSR1, SIGUSR2 or SIGALRM either, and a peer that closes a socket must give an error
    // return, not SIGPIPE: by default each of them ends the process without a word.
    for (const int ignored : {SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE})
        std::signal(ignored, SIG_IGN);

    loadSources(StateUse::Owned);
    NamedLogger log("bank2mqtt");
    PahoMqttClient mqtt(mqttOptions(config_->mqtt));
    Publisher publisher(mqtt, config_->mqtt.baseTopic, config_->mqtt.discoveryPrefix);

    std::mt19937_64 rng{std::random_device{}()};
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    Scheduler scheduler([&] { return uniform(rng); });
    auto pollers = makePollers(publisher, scheduler);
    std::vector<SourcePoller*> raw;
    for (auto& p : pollers)
        raw.push_back(p.get());
    // Renewal from Home Assistant for each source whose plugin offers Authorization; declared
    // before the loop, whose workers run their steps, so that they outlive it.
    std::vector<std::unique_ptr<Renewal>> renewals;
    std::vector<std::string> renewable;
    for (auto& s : sources_) {
        if (auto* auth = capabilityOf<Authorization>(s->source())) {
            renewals.push_back(std::make_unique<Renewal>(s->settings().id, *auth,
                                                         capabilityOf<ConsentInfo>(s->source()),
                                                         s->scrubber(), s->log(), *clock_));
            renewable.push_back(s->settings().id);
        }
    }
    PollLoop loop(*clock_, scheduler, publisher, raw, BANK2MQTT_VERSION);
    loop.useBudgets(*budgets_);
    for (auto& renewal : renewals)
        loop.addRenewal(*renewal);

    if (config_->mqtt.discovery)
        loop.followHomeAssistant(publisher.topics().homeAssistantStatus(),
                                 // Called on the MQTT thread: a generator of its own.
                                 [haRng = std::mt19937_64{std::random_device{}()}]() mutable {
                                     return std::uniform_real_distribution<double>(0.0, 1.0)(haRng);
                                 });
    mqtt.setConnectedHandler([&] {
        log.info("connected to the MQTT broker at " + config_->mqtt.uri);
        loop.requestRepublish();
    });
    mqtt.setMessageHandler([&](const std::string& topic, const std::string& payload) {
        loop.handleMessage(topic, payload);
    });
    for (const auto& topic : loop.commandTopics())
        mqtt.subscribe(topic);
    std::string error;
    if (!mqtt.connect(std::chrono::seconds(10), error))
        log.warning(error + "; retrying in the background, polls continue meanwhile");
    mqtt.keepConnected();

    publishBridge(publisher, renewable);
    log.info("bank2mqtt " BANK2MQTT_VERSION " started with " + std::to_string(sources_.size()) +
             " source" + (sources_.size() == 1 ? "" : "s"));
    std::promise<void> finished;
    auto done = finished.get_future();
    std::atomic<bool> crashed{false};
    std::thread pollThread([&] {
        try {
            loop.run();
        } catch (const std::exception& e) {
            // Nothing below the loop is meant to throw; if it does, stop like a signal would,
            // with one line and exit 70, rather than std::terminate.
            log.error(std::string("internal error, stopping: ") + e.what());
            crashed = true;
            ::kill(::getpid(), SIGTERM);
        }
        finished.set_value();
    });

    waitForTerminationRequest();
    log.info("stopping");
    loop.stop();
    for (auto& s : sources_)
        s->abort();  // a fetch in progress fails at once instead of at its timeout
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    const bool joined = done.wait_until(deadline) == std::future_status::ready &&
                        loop.waitForFetches(std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now()));
    publisher.publishOffline();
    mqtt.flush(std::chrono::milliseconds(300));
    mqtt.disconnect(std::chrono::milliseconds(200));
    if (!joined) {
        // The poll thread is stuck below the plugin boundary; the state it holds is not worth
        // a late exit, and destroying it under the thread's feet would be worse.
        log.warning("a fetch did not stop in time; exiting without waiting for it");
        std::cerr.flush();
        std::_Exit(exitcode::kOk);
    }
    pollThread.join();
    log.info("stopped");
    return crashed ? exitcode::kSoftware : exitcode::kOk;
}

}  // namespace bank2mqtt
