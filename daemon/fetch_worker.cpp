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

bool FetchWorker::busy() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return requested_ || running_ || taskRunning_ || !tasks_.empty();
}

bool FetchWorker::post(std::function<void()> task)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_)
        return false;
    tasks_.push_back(std::move(task));
    wake_.notify_one();
    return true;
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
    tasks_.clear();
    wake_.notify_one();
}

void FetchWorker::run()
{
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || requested_ || !tasks_.empty(); });
        if (stopping_)
            return;
        // A person waits for a task (an authorization step); a fetch can wait for it.
        if (!tasks_.empty()) {
            std::function<void()> task = std::move(tasks_.front());
            tasks_.pop_front();
            taskRunning_ = true;
            lock.unlock();
            task();
            task = nullptr;  // what it captured (an answer) goes before the next wait
            lock.lock();
            taskRunning_ = false;
            lock.unlock();
            ready_();
            lock.lock();
            continue;
        }
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
