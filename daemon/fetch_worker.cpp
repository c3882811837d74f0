// SPDX-License-Identifier: MIT
// FetchWorker: one source's fetch thread.
#include "fetch_worker.h"

namespace bank2mqtt {

FetchWorker::FetchWorker(SourcePoller& poller, std::function<void()> ready)
    : poller_(poller), ready_(std::move(ready)), thread_([this] { run(); })
{
}

FetchWorker::~FetchWorker()
{
    stop();
    if (thread_.joinable())
        thread_.join();
}

bool FetchWorker::request()
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || requested_ || running_ || outcome_)
        return false;
    requested_ = true;
    wake_.notify_one();
    return true;
}

bool FetchWorker::fetching() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return requested_ || running_;
}

std::optional<FetchOutcome> FetchWorker::take()
{
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(outcome_, std::nullopt);
}

void FetchWorker::stop()
{
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    requested_ = false;  // a fetch that has not started will not: nothing to wait for
    wake_.notify_one();
}

void FetchWorker::run()
{
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || requested_; });
        if (stopping_)
            return;
        requested_ = false;
        running_ = true;
        lock.unlock();
        FetchOutcome outcome = poller_.fetch();
        lock.lock();
        running_ = false;
        outcome_ = std::move(outcome);
        lock.unlock();
        ready_();
        lock.lock();
    }
}

}  // namespace bank2mqtt
