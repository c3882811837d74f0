// SPDX-License-Identifier: MIT
// PollLoop: scheduling glue between the Scheduler, the sources' workers and MQTT commands.
#include "poll_loop.h"

#include "consent_watch.h"

#include <utility>

namespace bank2mqtt {

PollLoop::PollLoop(Clock& clock, Scheduler& scheduler, Publisher& publisher,
                   std::vector<SourcePoller*> sources, std::string version)
    : clock_(clock), scheduler_(scheduler), publisher_(publisher), sources_(std::move(sources)),
      version_(std::move(version)), started_(clock.wallNow())
{
    for (auto* source : sources_)
        workers_.push_back(std::make_unique<FetchWorker>(*source, [this] { resultReady(); }));
}

PollLoop::~PollLoop()
{
    stop();
    workers_.clear();  // joins: a fetch in progress ends at its deadline or when aborted
}

std::optional<std::chrono::system_clock::time_point>
PollLoop::wallOf(std::optional<Scheduler::TimePoint> due) const
{
    if (!due)
        return std::nullopt;
    const auto delta = *due - clock_.monotonicNow();
    return clock_.wallNow() +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(delta);
}

void PollLoop::resultReady()
{
    std::lock_guard<std::mutex> lock(mutex_);
    resultsReady_ = true;
    wake_.notify_all();
}

FetchResult PollLoop::finish(SourcePoller& source, FetchOutcome outcome, bool scheduled)
{
    const auto started = outcome.monoStarted;
    // No request could reach the bank: the plugin said, before the fetch, that there was no
    // consent or that it had ended (ConsentInfo), or the fetch sent none (a SimpleFIN source
    // before its --authorize). Such a fetch spends no call of the budget, so restarts before
    // the first --authorize or a refresh of an ended consent cost nothing.
    if (budgets_ && (outcome.withoutConsent || outcome.madeNoRequest))
        budgets_->refund(source.id(), started);
    FetchResult result = source.apply(std::move(outcome));
    if (!scheduled) {
        if (budgets_)
            budgets_->noteResult(source.id(), result, clock_.monotonicNow());
        source.publishStatus(std::nullopt);  // --once: no next poll in this process
        return result;
    }
    switch (result.status) {
    case FetchStatus::Ok:
        scheduler_.succeeded(source.id(), started);
        break;
    case FetchStatus::Temporary:
        scheduler_.failed(source.id(), started);
        break;
    case FetchStatus::RateLimited:
        scheduler_.rateLimited(source.id(), started, result.retryAfter);
        break;
    case FetchStatus::AuthRequired:
    case FetchStatus::ConfigError:
        scheduler_.suspend(source.id(), started);
        break;
    }
    if (budgets_)
        budgets_->finished(source.id(), result, started, clock_.monotonicNow(), scheduler_);
    source.publishStatus(wallOf(scheduler_.nextDue(source.id())));
    publishInfo();
    return result;
}

void PollLoop::collectResults()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        resultsReady_ = false;
    }
    for (auto& worker : workers_)
        if (auto outcome = worker->take())
            finish(worker->poller(), std::move(*outcome), true);
}

void PollLoop::publishInfo()
{
    std::map<std::string, SourceStatus> statuses;
    for (const auto* s : sources_)
        statuses[s->id()] = s->status();
    publisher_.set(publisher_.topics().info(), infoJson(version_, started_, statuses));
}

std::vector<FetchResult> PollLoop::pollAllOnce()
{
    // A source with no call left is not asked: its refusal stands in for its result.
    std::vector<std::optional<FetchResult>> refused(workers_.size());
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        SourcePoller& source = workers_[i]->poller();
        const auto now = clock_.monotonicNow();
        if (budgets_ && !budgets_->spend(source.id(), now)) {
            const std::string sentence = budgets_->refusal(source.id(), now).value_or("");
            source.publishRestored();  // what is known from before stands (and its state)
            source.refuse(sentence);
            refused[i] = FetchResult::failure(FetchStatus::RateLimited, sentence);
            continue;
        }
        workers_[i]->request();
    }
    std::vector<FetchResult> results;
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        auto& worker = workers_[i];
        if (refused[i]) {
            results.push_back(std::move(*refused[i]));
            continue;
        }
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return !worker->fetching() || stopping_; });
        }
        std::optional<FetchOutcome> outcome = worker->take();
        if (!outcome) {  // stopped before this source's fetch ended
            outcome.emplace();
            outcome->result = FetchResult::failure(FetchStatus::Temporary, "stopped");
            outcome->wallStarted = clock_.wallNow();
            outcome->monoStarted = clock_.monotonicNow();
        }
        results.push_back(finish(worker->poller(), std::move(*outcome), false));
    }
    publishInfo();
    return results;
}

void PollLoop::start()
{
    for (auto* s : sources_) {
        s->publishRestored();
        // "starting" is not a published state (Home Assistant's enum sensor lists the others).
        if (s->status().state != SourceState::Starting)
            s->publishStatus(wallOf(scheduler_.nextDue(s->id())));
    }
    serveConsents();  // a consent that ended while the daemon was down: no poll
    publishInfo();
}

void PollLoop::run()
{
    start();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        step();
        lock.lock();
        if (stopping_ || republish_ || resultsReady_ || !refreshRequests_.empty())
            continue;
        // Sleep until the earliest due poll (or until woken when nothing is due: every source
        // suspended or fetching); a result, a command or stop() wakes us.
        if (auto wake = nextWake()) {
            const auto delay = *wake - clock_.monotonicNow();
            if (delay > Scheduler::Duration::zero())
                wake_.wait_for(lock, delay);
        } else {
            wake_.wait(lock, [this] {
                return stopping_ || republish_ || resultsReady_ || haRepublishAt_.has_value() ||
                       !refreshRequests_.empty();
            });
        }
    }
}

void PollLoop::step()
{
    std::set<std::string> refresh;
    bool republish = false;
    bool haRepublish = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        refresh.swap(refreshRequests_);
        republish = std::exchange(republish_, false);
        if (haRepublishAt_ && *haRepublishAt_ <= clock_.monotonicNow()) {
            haRepublishAt_.reset();
            haRepublish = true;
        }
    }

    if (republish || haRepublish)
        publisher_.onConnected();
    if (republish)  // announcements that waited for the broker
        for (auto* s : sources_)
            s->publishTransactions();
    collectResults();
    for (auto* s : sources_) {
        s->checkFreshness();
        s->checkCalls();
    }
    serveConsents();

    const auto now = clock_.monotonicNow();
    for (const auto& id : refresh) {
        for (auto* s : sources_)
            if ((id.empty() || s->id() == id) && refreshAllowed(*s, now))
                scheduler_.refresh(s->id(), now);
    }
    for (const auto& id : scheduler_.due(clock_.monotonicNow())) {
        for (auto& worker : workers_)
            if (worker->poller().id() == id)
                startFetch(*worker);
    }
}

void PollLoop::startFetch(FetchWorker& worker)
{
    const std::string& id = worker.poller().id();
    // Still fetching from before (a slow bank): due again when that one ends.
    if (worker.fetching())
        return;
    const auto now = clock_.monotonicNow();
    if (budgets_ && !budgets_->spend(id, now)) {
        // Only a call spent elsewhere (--list-accounts, --once) gets here: the budget's own
        // pace never runs out.
        scheduler_.deferUntil(id, budgets_->nextAvailable(id, now));
        if (worker.poller().status().state != SourceState::Starting)
            worker.poller().publishStatus(wallOf(scheduler_.nextDue(id)));
        return;
    }
    if (worker.request()) {
        scheduler_.started(id, now);
        // The calls left changed; "starting" is not a published state.
        if (budgets_ && budgets_->find(id) &&
            worker.poller().status().state != SourceState::Starting)
            worker.poller().publishStatus(worker.poller().status().nextPoll);
    }
}

bool PollLoop::refreshAllowed(SourcePoller& source, Scheduler::TimePoint now)
{
    if (!budgets_)
        return true;
    // A fetch under way serves the refresh (Scheduler::refresh); it spent its call already.
    for (const auto& worker : workers_)
        if (&worker->poller() == &source && worker->fetching())
            return true;
    const auto sentence = budgets_->refusal(source.id(), now);
    if (!sentence)
        return true;
    source.refuse(*sentence);
    return false;
}

std::optional<Scheduler::TimePoint> PollLoop::nextWake() const
{
    std::optional<Scheduler::TimePoint> wake = scheduler_.nextWake();
    auto consider = [&wake](std::optional<Scheduler::TimePoint> t) {
        if (t && (!wake || *t < *wake))
            wake = t;
    };
    for (const auto* s : sources_) {
        consider(s->freshnessDeadline());
        consider(s->callsChangeAt());
        consider(s->consentDeadline());
    }
    for (const auto* r : renewals_)
        consider(r->deadline());
    consider(nextConsentProbe_);
    consider(haRepublishAt_);  // caller holds mutex_
    return wake;
}

std::optional<Scheduler::TimePoint> PollLoop::wakeAt()
{
    std::lock_guard<std::mutex> lock(mutex_);
    return nextWake();
}

void PollLoop::followHomeAssistant(std::string statusTopic, std::function<double()> random01)
{
    haStatusTopic_ = std::move(statusTopic);
    random01_ = std::move(random01);
}

void PollLoop::stop()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
    }
    for (auto& worker : workers_)
        worker->stop();
}

bool PollLoop::waitForFetches(std::chrono::milliseconds timeout)
{
    std::unique_lock<std::mutex> lock(mutex_);
    return wake_.wait_for(lock, timeout, [this] {
        for (const auto& worker : workers_)
            if (worker->busy())
                return false;
        return true;
    });
}

void PollLoop::requestRepublish()
{
    std::lock_guard<std::mutex> lock(mutex_);
    republish_ = true;
    wake_.notify_all();
}

void PollLoop::requestRefresh(const std::string& sourceId)
{
    std::lock_guard<std::mutex> lock(mutex_);
    refreshRequests_.insert(sourceId);
    wake_.notify_all();
}

std::vector<std::string> PollLoop::commandTopics() const
{
    std::vector<std::string> topics{publisher_.topics().refreshAll()};
    for (const auto* s : sources_)
        topics.push_back(publisher_.topics().sourceRefresh(s->id()));
    for (const auto* r : renewals_) {
        topics.push_back(publisher_.topics().sourceRenew(r->sourceId()));
        topics.push_back(publisher_.topics().sourceConsentAnswer(r->sourceId()));
    }
    if (!haStatusTopic_.empty())
        topics.push_back(haStatusTopic_);
    return topics;
}

void PollLoop::handleMessage(const std::string& topic, const std::string& payload)
{
    if (!haStatusTopic_.empty() && topic == haStatusTopic_) {
        if (payload != "online")
            return;
        const auto delay = std::chrono::milliseconds(1000 + static_cast<int>(4000 * random01_()));
        std::lock_guard<std::mutex> lock(mutex_);
        if (!haRepublishAt_)
            haRepublishAt_ = clock_.monotonicNow() + delay;
        wake_.notify_all();
        return;
    }
    if (topic == publisher_.topics().refreshAll()) {
        requestRefresh("");
        return;
    }
    for (const auto* s : sources_) {
        if (topic == publisher_.topics().sourceRefresh(s->id())) {
            requestRefresh(s->id());
            return;
        }
    }
    // On this (the MQTT client's) thread a renewal only queues work for the source's worker.
    for (auto* r : renewals_) {
        if (topic == publisher_.topics().sourceRenew(r->sourceId())) {
            r->press();
            return;
        }
        if (topic == publisher_.topics().sourceConsentAnswer(r->sourceId())) {
            r->answer(payload);
            return;
        }
    }
}

void PollLoop::addRenewal(Renewal& renewal)
{
    for (auto& worker : workers_) {
        if (worker->poller().id() != renewal.sourceId())
            continue;
        FetchWorker* w = worker.get();
        renewal.attach([w](std::function<void()> task) { return w->post(std::move(task)); },
                       [this] { resultReady(); });
        renewals_.push_back(&renewal);
    }
}

void PollLoop::serveConsents()
{
    auto publishStatus = [this](SourcePoller& s) {
        if (s.status().state != SourceState::Starting)
            s.publishStatus(wallOf(scheduler_.nextDue(s.id())));
    };
    bool changed = false;
    for (auto& worker : workers_) {
        SourcePoller& s = worker->poller();
        const auto change = s.checkConsent();
        // Ended: polling stops until a renewal or a refresh, as after a refused login. A fetch
        // under way ends as auth_failed by itself (apply() sees the ended consent).
        if (change == SourcePoller::ConsentChange::Ended && !worker->fetching())
            scheduler_.suspend(s.id(), clock_.monotonicNow());
        if (change != SourcePoller::ConsentChange::None) {
            publishStatus(s);
            changed = true;
        }
    }
    for (auto* r : renewals_) {
        r->expire();
        Renewal::Update update = r->take();
        if (update.clearAnswer)
            publisher_.clear(publisher_.topics().sourceConsentAnswer(r->sourceId()));
        if (update.payload)
            publisher_.set(publisher_.topics().sourceConsent(r->sourceId()), *update.payload);
        if (!update.done)
            continue;
        for (auto& worker : workers_) {
            SourcePoller& s = worker->poller();
            if (s.id() != r->sourceId())
                continue;
            s.consentRenewed(update.consentEnd);
            scheduler_.refreshNow(s.id(), clock_.monotonicNow());
            publishStatus(s);
            changed = true;
        }
    }
    if (probeConsents())
        changed = true;
    if (changed)
        publishInfo();
}

bool PollLoop::probeConsents()
{
    // What the probes read: a consent that is not the one the source failed with (a new end,
    // later than now) was stored by --authorize next to the daemon: poll at once, as after a
    // renewal from Home Assistant, instead of waiting for a refresh command.
    std::map<std::string, std::optional<std::chrono::system_clock::time_point>> read;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        read.swap(consentProbes_);
    }
    bool changed = false;
    for (auto& worker : workers_) {
        SourcePoller& s = worker->poller();
        const auto found = read.find(s.id());
        if (found == read.end() || !s.waitsForConsent())
            continue;
        const auto& end = found->second;
        if (!end || *end <= clock_.wallNow() || end == s.knownConsentEnd())
            continue;
        s.log().info("found a new consent, valid until " + formatConsentEnd(*end));
        s.consentRenewed(end);
        scheduler_.refreshNow(s.id(), clock_.monotonicNow());
        if (s.status().state != SourceState::Starting)
            s.publishStatus(wallOf(scheduler_.nextDue(s.id())));
        changed = true;
    }

    const auto now = clock_.monotonicNow();
    if (nextConsentProbe_ && *nextConsentProbe_ > now)
        return changed;
    nextConsentProbe_.reset();
    for (auto& worker : workers_) {
        SourcePoller& s = worker->poller();
        if (!s.waitsForConsent() || scheduler_.nextDue(s.id()) || worker->busy())
            continue;
        SourcePoller* poller = &s;
        worker->post([this, poller] {
            const auto end = poller->readConsentEnd();
            std::lock_guard<std::mutex> lock(mutex_);
            consentProbes_[poller->id()] = end;
        });
        nextConsentProbe_ = now + kConsentProbe;
    }
    return changed;
}

}  // namespace bank2mqtt
