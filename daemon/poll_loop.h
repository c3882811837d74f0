// SPDX-License-Identifier: MIT
// The daemon's only waiting place: sleeps until the next due poll, a result, a command or stop.
#pragma once

#include "fetch_worker.h"
#include "publisher.h"
#include "renewal.h"
#include "scheduler.h"
#include "source_budgets.h"
#include "source_poller.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bank2mqtt {

/// run() is called on one thread (the poll thread), which owns the scheduler, the pollers'
/// state and the publishing; each source's fetch runs on that source's FetchWorker, so a bank
/// that is slow to answer never delays another source's poll, the status topics or a command.
/// stop(), requestRefresh(), requestRepublish() and handleMessage() may be called from any
/// thread and wake the poll thread at once.
class PollLoop {
public:
    PollLoop(Clock& clock, Scheduler& scheduler, Publisher& publisher,
             std::vector<SourcePoller*> sources, std::string version);
    ~PollLoop();

    /// The call budgets of the sources (SourceBudgets' rules); without this call no source
    /// has one. Before run() or pollAllOnce(); `budgets` must outlive the loop.
    void useBudgets(SourceBudgets& budgets) { budgets_ = &budgets; }

    /// Publishes what is known from earlier runs, polls every due source, then waits; returns
    /// after stop().
    void run();
    /// run() without its waiting, for tests on a fake clock: start() publishes what run()
    /// publishes first; step() is one pass of its loop (commands, finished fetches,
    /// freshness, due polls started) and returns at once.
    void start();
    void step();
    /// Polls every source once, all at the same time, publishing as usual; returns the results
    /// in source order when the last fetch has ended (each is bounded by its request deadline).
    /// A source with no call left is not fetched: its status gets the budget's sentence and its
    /// result is RateLimited with that sentence.
    std::vector<FetchResult> pollAllOnce();
    void stop();
    /// After stop(): waits up to `timeout` for the fetches still running to end (a source's
    /// abort() ends them at once); false if one is still stuck below the plugin boundary, in
    /// which case destroying the loop would wait for it.
    bool waitForFetches(std::chrono::milliseconds timeout);

    /// `sourceId` empty = every source. Rate limits are the scheduler's.
    void requestRefresh(const std::string& sourceId);
    /// Asks the poll thread to publish `online` and every retained topic (after a connect).
    /// Publishing happens on the poll thread, never in the MQTT client's callback, so the
    /// publisher and the client never wait on each other's locks.
    void requestRepublish();
    /// Listen to Home Assistant's birth message on `statusTopic` ("<prefix>/status"): on
    /// "online", everything is republished after a random 1-5 s (so that many bridges do not
    /// answer a restarting HA at the same instant). `random01` returns a number in [0, 1).
    void followHomeAssistant(std::string statusTopic, std::function<double()> random01);
    /// Drives `renewal` (its source's Authorization) from MQTT: its plugin calls run on that
    /// source's worker, its step is published from the poll thread, and a completed renewal
    /// polls the source at once. Call before run(); `renewal` must outlive the loop.
    void addRenewal(Renewal& renewal);
    /// Topics this loop listens to: <base>/refresh, <base>/<source>/refresh, each renewal's
    /// .../consent/renew and .../consent/answer and, when followed, Home Assistant's status
    /// topic.
    std::vector<std::string> commandTopics() const;
    /// When run() wakes next by itself (the earliest due poll, freshness deadline, consent
    /// phase change, unanswered renewal question or HA republish); nullopt: only an event wakes it.
    /// Call it while run() is not running (the pollers are the poll thread's).
    std::optional<Scheduler::TimePoint> wakeAt();
    /// Routes a received MQTT message; unknown topics are ignored.
    void handleMessage(const std::string& topic, const std::string& payload);

private:
    /// Applies every finished fetch: publish, tell the scheduler, publish the status.
    void collectResults();
    FetchResult finish(SourcePoller& source, FetchOutcome outcome, bool scheduled);
    void publishInfo();
    /// Sources waiting for a person: starts a probe of each one's consent on its worker every
    /// kConsentProbe and polls the ones that found a new consent. True when a status changed.
    bool probeConsents();
    /// The consents' phases (ConsentWatch) and the renewals' steps, on the poll thread.
    void serveConsents();
    void resultReady();
    /// Starts the fetch of a due source unless its budget has no call left (then it is
    /// deferred until one is). The poll thread only.
    void startFetch(FetchWorker& worker);
    /// A refresh command for `source`: false when its budget refused it (the sentence is on
    /// its status).
    bool refreshAllowed(SourcePoller& source, Scheduler::TimePoint now);
    std::optional<std::chrono::system_clock::time_point>
    wallOf(std::optional<Scheduler::TimePoint> due) const;
    /// Earliest of: next due poll, a freshness deadline, a spent call freeing up, a pending HA
    /// republish. Caller holds mutex_.
    std::optional<Scheduler::TimePoint> nextWake() const;

    Clock& clock_;
    Scheduler& scheduler_;
    Publisher& publisher_;
    std::vector<SourcePoller*> sources_;
    std::string version_;
    std::chrono::system_clock::time_point started_;
    SourceBudgets* budgets_ = nullptr;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool republish_ = false;
    bool resultsReady_ = false;
    std::set<std::string> refreshRequests_;  // "" = all
    std::string haStatusTopic_;
    std::function<double()> random01_;
    std::optional<Scheduler::TimePoint> haRepublishAt_;
    std::vector<Renewal*> renewals_;
    /// A source waiting for a person looks for a consent stored next to the daemon by
    /// --authorize this often (the plugin reads its state file again only when it changed).
    static constexpr std::chrono::seconds kConsentProbe{5};
    std::optional<Scheduler::TimePoint> nextConsentProbe_;
    /// Consent ends read by probes on the workers, by source id; guarded by mutex_.
    std::map<std::string, std::optional<std::chrono::system_clock::time_point>> consentProbes_;
    /// One per source, in the order of sources_; destroyed (joined) before anything above.
    std::vector<std::unique_ptr<FetchWorker>> workers_;
};

}  // namespace bank2mqtt
