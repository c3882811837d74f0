// SPDX-License-Identifier: MIT
// Consent expiry and renewal from Home Assistant on fakes: the warning at the right time (fake
// clock, no sleeping), an ended consent as auth_failed without a call, and the renewal over MQTT
// messages with the pasted answer never published or logged.
#include "consent_watch.h"
#include "ha_rig.h"
#include "poll_loop.h"
#include "renewal.h"
#include "scheduler.h"
#include "secret_scrubber.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

using namespace bank2mqtt;
using namespace bank2mqtt::test;

namespace {

using WallTime = std::chrono::system_clock::time_point;

constexpr auto kDays = std::chrono::hours(24);
constexpr auto kWait = std::chrono::seconds(5);  // an upper bound, never slept
const std::string kAnswer = "https://cb.example/done?code=c0de-5ecret-42&state=s1";

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

}  // namespace

TEST(ConsentWatch, PhasesAroundTheWarningAndTheEnd)
{
    const WallTime now = FakeClock().wallNow();
    ConsentWatch watch("eb", std::chrono::duration_cast<std::chrono::seconds>(14 * kDays));
    EXPECT_EQ(watch.phase(now), ConsentWatch::Phase::Unknown);
    EXPECT_FALSE(watch.nextChange(now));

    watch.setEnd(now + 20 * kDays);
    EXPECT_EQ(watch.phase(now), ConsentWatch::Phase::Valid);
    EXPECT_EQ(watch.nextChange(now), now + 6 * kDays);
    EXPECT_FALSE(watch.renewalDue(now));
    EXPECT_EQ(watch.phase(now + 6 * kDays), ConsentWatch::Phase::Expiring);
    EXPECT_EQ(watch.nextChange(now + 6 * kDays), now + 20 * kDays);
    EXPECT_TRUE(watch.renewalDue(now + 6 * kDays));
    EXPECT_EQ(watch.phase(now + 20 * kDays), ConsentWatch::Phase::Ended);
    EXPECT_FALSE(watch.nextChange(now + 20 * kDays));
    EXPECT_NE(watch.expiringSentence().find("2026-12-17 07:00 UTC"), std::string::npos)
        << watch.expiringSentence();
}

TEST(ConsentExpiry, BeforeTheWarningTheSourceIsOkAndTheStatusCarriesTheEnd)
{
    ConsentRig rig(30 * kDays);
    rig.build();
    rig.poller->poll();
    rig.poller->publishStatus(std::nullopt);

    const std::string status = rig.status();
    EXPECT_EQ(status.rfind("{\"state\":\"ok\"", 0), 0u) << status;
    EXPECT_NE(status.find("\"consent_end\":\"2026-12-27T07:00:00+00:00\""), std::string::npos)
        << status;
    EXPECT_NE(status.find("\"consent_renewal_due\":false"), std::string::npos) << status;
}

TEST(ConsentExpiry, WithinTheWarningThePollSaysConsentExpiringWithTheDateAndGoesOn)
{
    ConsentRig rig(9 * kDays);
    rig.build();
    const FetchResult result = rig.poller->poll();
    rig.poller->publishStatus(std::nullopt);

    EXPECT_EQ(result.status, FetchStatus::Ok);
    EXPECT_EQ(rig.source.fetches, 1);
    const std::string status = rig.status();
    EXPECT_NE(status.find("\"state\":\"consent_expiring\""), std::string::npos) << status;
    EXPECT_NE(status.find("ends on 2026-12-06 07:00 UTC"), std::string::npos) << status;
    EXPECT_NE(status.find("\"consent_renewal_due\":true"), std::string::npos) << status;
    EXPECT_EQ(rig.mqtt.get("bank2mqtt/eb/brukskonto/availability"), "online");
    EXPECT_EQ(rig.mqtt.get("bank2mqtt/eb/brukskonto/balance"), "437.25");
}

TEST(ConsentExpiry, TheWarningStartsAtItsTimeWithoutAPoll)
{
    ConsentRig rig(14 * kDays + 1h);
    rig.build();
    rig.poller->poll();
    ASSERT_EQ(rig.poller->status().state, SourceState::Ok);
    EXPECT_EQ(rig.poller->consentDeadline(), rig.clock.monotonicNow() + 1h);

    rig.clock.advance(1h - 1s);
    EXPECT_EQ(rig.poller->checkConsent(), SourcePoller::ConsentChange::None);
    rig.clock.advance(1s);
    EXPECT_EQ(rig.poller->checkConsent(), SourcePoller::ConsentChange::Changed);
    EXPECT_EQ(rig.poller->status().state, SourceState::ConsentExpiring);
    EXPECT_EQ(rig.source.fetches, 1);
    EXPECT_EQ(rig.poller->consentDeadline(), rig.clock.monotonicNow() + 14 * kDays);
}

TEST(ConsentExpiry, ThePollLoopWakesWhenTheWarningStarts)
{
    ConsentRig rig(14 * kDays + 1h);
    rig.build(24h);  // the next poll is a day away; the warning comes first
    rig.loop->pollAllOnce();

    EXPECT_EQ(rig.loop->wakeAt(), rig.clock.monotonicNow() + 1h);
}

TEST(ConsentExpiry, AnEndedConsentIsAuthFailedWithTheDateAndCostsNoCall)
{
    ConsentRig rig(std::nullopt);
    rig.consent.setEnd(rig.clock.wallNow() - 2 * kDays);
    rig.build();
    const FetchResult result = rig.poller->poll();
    rig.poller->publishStatus(std::nullopt);

    EXPECT_EQ(result.status, FetchStatus::AuthRequired);
    EXPECT_EQ(rig.source.fetches, 0);
    const std::string status = rig.status();
    EXPECT_NE(status.find("\"state\":\"auth_failed\""), std::string::npos) << status;
    EXPECT_NE(status.find("ended on 2026-11-25 07:00 UTC"), std::string::npos) << status;
    EXPECT_TRUE(rig.log.contains("auth_failed: the bank consent ended on 2026-11-25"));
}

TEST(ConsentExpiry, TheEndStopsPollingAsARefusedLoginDoes)
{
    ConsentRig rig(1h);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "consent_expiring"));

    rig.clock.advance(1h);
    rig.loop->requestRepublish();  // any event: the loop re-evaluates the consent on waking
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "\"state\":\"auth_failed\""));
    rig.stop();

    EXPECT_NE(rig.status().find("\"next_poll\":null"), std::string::npos) << rig.status();
    EXPECT_FALSE(rig.scheduler.nextDue("eb"));
    EXPECT_EQ(rig.mqtt.get("bank2mqtt/eb/brukskonto/availability"), "offline");
    EXPECT_EQ(rig.source.fetches, 1);
}

TEST(ConsentExpiry, AConsentEndedWhileTheDaemonWasDownIsNotPolled)
{
    ConsentRig rig(std::nullopt);
    rig.consent.setEnd(rig.clock.wallNow() - 1h);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "\"state\":\"auth_failed\""));
    rig.stop();

    EXPECT_EQ(rig.source.fetches, 0);
    EXPECT_FALSE(rig.scheduler.nextDue("eb"));
}

TEST(ConsentRenewal, ListensOnTheSourcesConsentTopics)
{
    ConsentRig rig(30 * kDays);
    rig.build();
    const auto topics = rig.loop->commandTopics();
    EXPECT_NE(std::find(topics.begin(), topics.end(), "bank2mqtt/eb/consent/renew"), topics.end());
    EXPECT_NE(std::find(topics.begin(), topics.end(), "bank2mqtt/eb/consent/answer"), topics.end());
}

TEST(ConsentRenewal, FromTheButtonToTheFreshPollWithTheAnswerNeverShown)
{
    ConsentRig rig(3 * kDays);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "consent_expiring"));
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"idle\""));

    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"ask\"")) << rig.step();
    EXPECT_NE(rig.step().find("\"url\":\"https://bank.example/login?state=s1\""), std::string::npos)
        << rig.step();
    EXPECT_NE(rig.step().find("\"message\":\"Log in at the bank"), std::string::npos);

    rig.clock.advance(1s);  // the fresh poll's last_attempt tells it from the first one
    rig.mqtt.deliver("bank2mqtt/eb/consent/answer", "  " + kAnswer + "\n");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"done\"")) << rig.step();
    EXPECT_NE(rig.step().find("authorized until 2027-05-26 07:00 UTC"), std::string::npos);
    // Done: polled at once (not 30 s after the last poll), and the warning is gone.
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "\"last_attempt\":\"2026-11-27T07:00:01"))
        << rig.status();
    EXPECT_NE(rig.status().find("\"state\":\"ok\""), std::string::npos) << rig.status();
    EXPECT_NE(rig.status().find("\"consent_renewal_due\":false"), std::string::npos);
    rig.stop();

    EXPECT_EQ(rig.source.fetches, 2);
    EXPECT_EQ(rig.consent.answers(), 1);
    bool cleared = false;
    for (const auto& message : rig.mqtt.published()) {
        EXPECT_EQ(message.payload.find("c0de-5ecret-42"), std::string::npos) << message.topic;
        if (message.topic == "bank2mqtt/eb/consent/answer") {
            EXPECT_TRUE(message.payload.empty() && message.retain) << "only its clear";
            cleared = true;
        }
    }
    EXPECT_TRUE(cleared) << "a retained answer on the broker is cleared";
    EXPECT_EQ(rig.mqtt.retained.count("bank2mqtt/eb/consent/answer"), 0u);
    for (const auto& line : rig.log.lines())
        EXPECT_EQ(line.find("c0de-5ecret-42"), std::string::npos) << line;
    // The scrubber knows the answer now: a plugin's echo of it (or of its code) is masked.
    EXPECT_EQ(rig.scrubber.scrub("bad code c0de-5ecret-42"), "bad code ***");
}

TEST(ConsentRenewal, AnAnswerWithNoRenewalInProgressIsDropped)
{
    ConsentRig rig(30 * kDays);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"idle\""));

    rig.mqtt.deliver("bank2mqtt/eb/consent/answer", kAnswer);
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "No renewal is in progress"));
    rig.stop();

    EXPECT_EQ(rig.consent.answers(), 0);
    EXPECT_NE(rig.step().find("\"step\":\"idle\""), std::string::npos) << rig.step();
    EXPECT_TRUE(rig.log.contains("an answer was ignored: no renewal is in progress"));
    for (const auto& line : rig.log.lines())
        EXPECT_EQ(line.find("c0de-5ecret-42"), std::string::npos) << line;
}

TEST(ConsentRenewal, AFailedAnswerIsShownAndChangesNothing)
{
    ConsentRig rig(3 * kDays);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "consent_expiring"));
    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"ask\""));

    rig.mqtt.deliver("bank2mqtt/eb/consent/answer", "https://cb.example/done?code=old-c0de-1");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"failed\""));
    rig.stop();

    EXPECT_NE(rig.step().find("belongs to another attempt"), std::string::npos) << rig.step();
    EXPECT_NE(rig.status().find("consent_expiring"), std::string::npos) << rig.status();
    EXPECT_EQ(rig.source.fetches, 1);
}

TEST(ConsentRenewal, ASecondPressWhileTheBankWorksIsIgnored)
{
    ConsentRig rig(3 * kDays);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"idle\""));
    rig.consent.hold(true);

    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"working\""));
    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    rig.mqtt.deliver("bank2mqtt/eb/consent/answer", kAnswer);  // too early: dropped
    rig.consent.hold(false);
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"ask\""));
    rig.stop();

    EXPECT_EQ(rig.consent.starts(), 1);
    EXPECT_EQ(rig.consent.answers(), 0);
}

TEST(ConsentRenewal, APressWhileAQuestionIsShownStartsOver)
{
    ConsentRig rig(3 * kDays);
    rig.build();
    rig.start();
    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"ask\""));
    rig.clock.advance(1s);

    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"updated\":\"2026-11-27T07:00:01"));
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"ask\""));
    rig.stop();

    EXPECT_EQ(rig.consent.starts(), 2);
}

TEST(ConsentRenewal, AnUnansweredQuestionGoesBackToIdleAfterAnHour)
{
    ConsentRig rig(3 * kDays);
    rig.build();
    rig.start();
    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"ask\""));
    EXPECT_EQ(rig.renewal->deadline(), rig.clock.monotonicNow() + 1h);

    rig.clock.advance(1h);
    rig.loop->requestRepublish();  // stands for the loop's own wake-up at the deadline
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "not finished within an hour"));
    rig.mqtt.deliver("bank2mqtt/eb/consent/answer", kAnswer);
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "No renewal is in progress"));
    rig.stop();

    EXPECT_NE(rig.step().find("\"url\":null"), std::string::npos) << rig.step();
    EXPECT_EQ(rig.consent.answers(), 0);
}

TEST(ConsentRenewal, TheLoopWakesForAnUnansweredQuestion)
{
    ConsentRig rig(30 * kDays);
    rig.build(24h);
    Renewal::Post inline_ = [](std::function<void()> task) {
        task();
        return true;
    };
    rig.renewal->attach(inline_, [] {});
    rig.renewal->press();

    EXPECT_EQ(rig.loop->wakeAt(), rig.clock.monotonicNow() + 1h);
}

TEST(ConsentRenewal, TheStepComesBackAfterABrokerRestart)
{
    ConsentRig rig(3 * kDays);
    rig.build();
    rig.start();
    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"ask\""));

    rig.mqtt.simulateDisconnect();
    rig.mqtt.forgetRetained();
    rig.mqtt.simulateReconnect();  // the publisher puts every retained topic back

    EXPECT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "https://bank.example/login"));
    rig.stop();
}

TEST(Renewal, AChoiceIsAnsweredByItsNumber)
{
    EXPECT_EQ(resolveChoice({"Testbank Nord", "Testbank S\xc3\xb8r"}, "2"), "Testbank S\xc3\xb8r");
    EXPECT_EQ(resolveChoice({"Testbank Nord"}, "3"), "3");
    EXPECT_EQ(resolveChoice({}, "1"), "1");
}

TEST(SecretScrubber, LearnsEveryFormOfAnAnswer)
{
    SecretScrubber scrubber;
    scrubber.learnAnswer("https://cb.example/done?code=abc123def&state=s1");
    EXPECT_EQ(scrubber.scrub("echo https://cb.example/done?code=abc123def&state=s1"), "echo ***");
    EXPECT_EQ(scrubber.scrub("code abc123def was used"), "code *** was used");
    EXPECT_EQ(scrubber.scrub("https%3A%2F%2Fcb.example%2Fdone%3Fcode%3Dabc123def%26state%3Ds1"),
              "***");
    EXPECT_EQ(scrubber.scrub("state s1 stays"), "state s1 stays");  // too short to mask
}

namespace {

/// A bank whose question is long and whose login URL is longer than a state may be.
class WordyBank final : public Authorization {
public:
    AuthStep start() noexcept override
    {
        return AuthStep::ask(std::string(300, 'q'),
                             "https://bank.example/login?" + std::string(400, 'x'));
    }
    AuthStep answer(const std::string&) noexcept override { return AuthStep::failed("no"); }
};

}  // namespace

TEST(Renewal, TheSentenceFitsHomeAssistantsStateAndTheUrlIsKeptWhole)
{
    FakeClock clock;
    SafeLogger log;
    SecretScrubber scrubber;
    WordyBank bank;
    Renewal renewal("eb", bank, nullptr, scrubber, log, clock);
    // Tasks run at once: the worker's order without its thread.
    renewal.attach(
        [](std::function<void()> task) {
            task();
            return true;
        },
        [] {});

    renewal.press();
    const auto update = renewal.take();

    ASSERT_TRUE(update.payload);
    const auto message = update.payload->find("\"message\":\"");
    const auto end = update.payload->find("\",\"url\"");
    ASSERT_NE(message, std::string::npos);
    EXPECT_LE(end - message - 11, 255u);
    EXPECT_NE(update.payload->find(std::string(400, 'x')), std::string::npos);
}
