// SPDX-License-Identifier: MIT
// PollLoop: scheduling glue between the Scheduler, the sources and MQTT commands.
#include "poll_loop.h"

#include <utility>

namespace bank2mqtt {

PollLoop::PollLoop(Clock& clock, Scheduler& scheduler, Publisher& publisher,
                   std::vector<SourcePoller*> sources, std::string version)
    : clock_(clock), scheduler_(scheduler), publisher_(publisher), sources_(std::move(sources)),
      version_(std::move(version)), started_(clock.wallNow())
{
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

void PollLoop::pollOne(SourcePoller& source)
{
    const auto started = clock_.monotonicNow();
    FetchResult result = source.poll();
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
    source.publishStatus(wallOf(scheduler_.nextDue(source.id())));
    publishInfo();
}

void PollLoop::publishInfo()
{
    std::map<std::string, SourceStatus> statuses;
    for (const auto* s : sources_)
        statuses[s->id()] = s->status();
    publisher_.set(publisher_.baseTopic() + "/info", infoJson(version_, started_, statuses));
}

std::vector<FetchResult> PollLoop::pollAllOnce()
{
    std::vector<FetchResult> results;
    for (auto* source : sources_) {
        // No scheduler bookkeeping: there is no next poll in this process.
        results.push_back(source->poll());
        source->publishStatus(std::nullopt);  // no next poll: this process is about to exit
    }
    publishInfo();
    return results;
}

void PollLoop::run()
{
    publishInfo();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        std::set<std::string> refresh;
        refresh.swap(refreshRequests_);
        const bool republish = std::exchange(republish_, false);
        lock.unlock();

        if (republish)
            publisher_.onConnected();
        {
            // The HA republish time is shared with handleMessage() on the MQTT thread.
            std::unique_lock<std::mutex> check(mutex_);
            if (haRepublishAt_ && *haRepublishAt_ <= clock_.monotonicNow()) {
                haRepublishAt_.reset();
                check.unlock();
                publisher_.onConnected();
            }
        }
        for (auto* s : sources_)
            s->checkFreshness();

        const auto now = clock_.monotonicNow();
        for (const auto& id : refresh) {
            for (auto* s : sources_)
                if (id.empty() || s->id() == id)
                    scheduler_.refresh(s->id(), now);
        }
        for (const auto& id : scheduler_.due(clock_.monotonicNow())) {
            {
                std::lock_guard<std::mutex> check(mutex_);
                if (stopping_)
                    break;
            }
            for (auto* s : sources_)
                if (s->id() == id)
                    pollOne(*s);
        }

        lock.lock();
        if (stopping_ || republish_ || !refreshRequests_.empty())
            continue;
        // Sleep until the earliest due poll (or forever when every source is suspended); a
        // command or stop() wakes us through the condition variable.
        if (auto wake = nextWake()) {
            const auto delay = *wake - clock_.monotonicNow();
            if (delay > Scheduler::Duration::zero())
                wake_.wait_for(lock, delay);
        } else {
            wake_.wait(lock, [this] {
                return stopping_ || republish_ || haRepublishAt_.has_value() ||
                       !refreshRequests_.empty();
            });
        }
    }
}

std::optional<Scheduler::TimePoint> PollLoop::nextWake() const
{
    std::optional<Scheduler::TimePoint> wake = scheduler_.nextWake();
    auto consider = [&wake](std::optional<Scheduler::TimePoint> t) {
        if (t && (!wake || *t < *wake))
            wake = t;
    };
    for (const auto* s : sources_)
        consider(s->freshnessDeadline());
    consider(haRepublishAt_);  // caller holds mutex_
    return wake;
}

void PollLoop::followHomeAssistant(std::string statusTopic, std::function<double()> random01)
{
    haStatusTopic_ = std::move(statusTopic);
    random01_ = std::move(random01);
}

void PollLoop::stop()
{
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
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
    std::vector<std::string> topics{publisher_.baseTopic() + "/refresh"};
    for (const auto* s : sources_)
        topics.push_back(publisher_.baseTopic() + "/" + s->id() + "/refresh");
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
    const std::string base = publisher_.baseTopic() + "/";
    if (topic == base + "refresh") {
        requestRefresh("");
        return;
    }
    for (const auto* s : sources_) {
        if (topic == base + s->id() + "/refresh") {
            requestRefresh(s->id());
            return;
        }
    }
}

}  // namespace bank2mqtt
