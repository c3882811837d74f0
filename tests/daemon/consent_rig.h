// SPDX-License-Identifier: MIT
// The fakes of the consent tests: a consent plugin, an MQTT client and a logger several threads
// share, and one consent source with the daemon's poll loop and renewal around it.
#pragma once

#include "consent_watch.h"
#include "ha_rig.h"
#include "poll_loop.h"
#include "renewal.h"
#include "scheduler.h"
#include "secret_scrubber.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace bank2mqtt::test {

using WallTime = std::chrono::system_clock::time_point;

inline constexpr auto kDays = std::chrono::hours(24);
inline constexpr auto kWait = std::chrono::seconds(5);  // an upper bound, never slept
inline const std::string kAnswer = "https://cb.example/done?code=c0de-5ecret-42&state=s1";

/// A consent like Enable Banking's: Ask for the redirect address; Done sets a new end 180 days
/// ahead. start() can be held (`hold`) to see a press while a step is with the bank.
class FakeConsent final : public ConsentInfo, public Authorization {
public:
    explicit FakeConsent(Clock& clock) : clock_(clock) {}

    std::optional<WallTime> consentEnd() const noexcept override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return end_;
    }
    void setEnd(std::optional<WallTime> end)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        end_ = end;
    }
    AuthStep start() noexcept override
    {
        std::unique_lock<std::mutex> lock(mutex_);
        ++starts_;
        released_.wait(lock, [this] { return !hold_; });
        return AuthStep::ask("Log in at the bank, then paste the address your browser ends on",
                             "https://bank.example/login?state=s1", {}, true);
    }
    AuthStep answer(const std::string& reply) noexcept override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++answers_;
        if (reply.find("state=s1") == std::string::npos)
            return AuthStep::failed("that address belongs to another attempt; start again", true);
        end_ = clock_.wallNow() + 180 * kDays;
        return AuthStep::done("authorized until " + formatConsentEnd(*end_));
    }
    void hold(bool on)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        hold_ = on;
        released_.notify_all();
    }
    int starts() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return starts_;
    }
    int answers() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return answers_;
    }

private:
    Clock& clock_;
    mutable std::mutex mutex_;
    std::condition_variable released_;
    std::optional<WallTime> end_;
    bool hold_ = false;
    int starts_ = 0;
    int answers_ = 0;
};

/// A FakeMqttClient whose retained topics a test can wait on while the loop runs.
class WatchedMqtt final : public FakeMqttClient {
public:
    bool publish(const std::string& topic, const std::string& payload, bool retain) override
    {
        std::lock_guard<std::mutex> lock(watch_);
        const bool ok = FakeMqttClient::publish(topic, payload, retain);
        published_.notify_all();
        return ok;
    }
    /// Waits (bounded) until `topic`'s retained payload contains `text`.
    bool waitFor(const std::string& topic, const std::string& text)
    {
        std::unique_lock<std::mutex> lock(watch_);
        return published_.wait_for(lock, kWait, [&] {
            auto it = retained.find(topic);
            return it != retained.end() && it->second.find(text) != std::string::npos;
        });
    }
    std::string get(const std::string& topic)
    {
        std::lock_guard<std::mutex> lock(watch_);
        auto it = retained.find(topic);
        return it == retained.end() ? std::string() : it->second;
    }
    std::vector<Publish> published()
    {
        std::lock_guard<std::mutex> lock(watch_);
        return log;
    }

private:
    std::mutex watch_;
    std::condition_variable published_;
};

/// A CapturingLogger for several threads (fetch worker, poll thread).
class SafeLogger final : public Logger {
public:
    void log(LogLevel, const std::string& message) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        lines_.push_back(message);
    }
    std::vector<std::string> lines()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return lines_;
    }
    bool contains(const std::string& needle)
    {
        for (const auto& line : lines())
            if (line.find(needle) != std::string::npos)
                return true;
        return false;
    }

private:
    std::mutex mutex_;
    std::vector<std::string> lines_;
};

/// A QueueSource that counts its fetches (read from the test thread while the worker runs).
class CountingSource final : public BankSource {
public:
    explicit CountingSource(FakeConsent& consent) : consent_(consent) {}
    std::vector<ConfigKey> configKeys() const noexcept override { return {}; }
    ConfigResult configure(const SourceConfig&) noexcept override { return {}; }
    FetchResult listAccounts() noexcept override { return fetch(); }
    FetchResult fetch() noexcept override
    {
        ++fetches;
        return FetchResult::ok({account("Brukskonto", kLomme)});
    }
    void* capability(const std::string& name, std::uint32_t version) noexcept override
    {
        if (name == ConsentInfo::kName && version == ConsentInfo::kVersion)
            return static_cast<ConsentInfo*>(&consent_);
        if (name == Authorization::kName && version == Authorization::kVersion)
            return static_cast<Authorization*>(&consent_);
        return nullptr;
    }
    std::atomic<int> fetches{0};

private:
    FakeConsent& consent_;
};

/// One consent source "eb" with the whole daemon side: poller, scheduler, loop and renewal.
struct ConsentRig {
    FakeClock clock;
    WatchedMqtt mqtt;
    Publisher publisher{mqtt, "bank2mqtt"};
    SafeLogger log;
    MemoryStateStore hostState, daemonState;
    InstallationKey ids{daemonState};
    PublishedTopics registry{daemonState};
    FakeConsent consent{clock};
    CountingSource source{consent};
    SecretScrubber scrubber;
    Scheduler scheduler{[] { return 0.0; }};
    std::optional<SourcePoller> poller;
    std::optional<Renewal> renewal;
    std::optional<PollLoop> loop;
    std::thread thread;

    explicit ConsentRig(std::optional<std::chrono::hours> endIn)
    {
        if (endIn)
            consent.setEnd(clock.wallNow() + *endIn);
        mqtt.setConnectedHandler([this] { publisher.onConnected(); });
        mqtt.simulateReconnect();
    }
    ~ConsentRig() { stop(); }

    SourcePlan plan() const
    {
        SourcePlan p;
        p.id = "eb";
        p.maxAge = 48h;  // longer than anything the tests wait for
        p.bank = "Enablebanking";
        p.consentWarning = 14 * kDays;
        return p;
    }
    /// Builds poller, scheduler entry (first poll at `firstPollIn`), loop and renewal.
    void build(std::chrono::steady_clock::duration firstPollIn = {})
    {
        poller.emplace(plan(), ids, source, clock, log, hostState, publisher, registry);
        scheduler.add("eb", 24h, clock.monotonicNow() + firstPollIn);
        loop.emplace(clock, scheduler, publisher, std::vector<SourcePoller*>{&*poller}, "test");
        renewal.emplace("eb", consent, &consent, scrubber, log, clock);
        loop->addRenewal(*renewal);
        mqtt.setMessageHandler(
            [this](const std::string& t, const std::string& p) { loop->handleMessage(t, p); });
    }
    void start()
    {
        thread = std::thread([this] { loop->run(); });
    }
    void stop()
    {
        if (loop)
            loop->stop();
        if (thread.joinable())
            thread.join();
    }
    std::string status() { return mqtt.get("bank2mqtt/eb/status"); }
    std::string step() { return mqtt.get("bank2mqtt/eb/consent"); }
};

}  // namespace bank2mqtt::test
