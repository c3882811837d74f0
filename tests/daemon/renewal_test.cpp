// SPDX-License-Identifier: MIT
// Renewing a consent from Home Assistant on fakes: the MQTT messages from the button to the fresh
// poll, with the pasted answer never published or logged; stale answers, a second press, a
// failure, an unanswered question, a broker restart; the scrubber's forms of an answer.
#include "consent_rig.h"

#include <gtest/gtest.h>

using namespace bank2mqtt;
using namespace bank2mqtt::test;
using namespace std::chrono_literals;

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

TEST(ConsentRenewal, TheBrokerPassingBackTheClearOfTheAnswerChangesNothing)
{
    // The daemon listens on the answer topic, so a real broker hands it its own clear (an empty
    // payload) after every answer. The fake broker does not, so the test does it here, while a
    // question is shown and after "done": neither may be taken for an answer (refused, cleared
    // again in a loop with the broker, the step shown replaced by a sentence about it).
    ConsentRig rig(3 * kDays);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "consent_expiring"));
    rig.mqtt.deliver("bank2mqtt/eb/consent/renew", "PRESS");
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"ask\""));
    rig.mqtt.deliver("bank2mqtt/eb/consent/answer", "");
    rig.mqtt.deliver("bank2mqtt/eb/consent/answer", kAnswer);
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/consent", "\"step\":\"done\"")) << rig.step();
    rig.mqtt.deliver("bank2mqtt/eb/consent/answer", "");
    rig.stop();

    // Whatever the poll thread had not published yet is what it would publish next.
    const Renewal::Update pending = rig.renewal->take();
    EXPECT_FALSE(pending.payload) << *pending.payload;
    EXPECT_FALSE(pending.clearAnswer);
    EXPECT_NE(rig.step().find("\"step\":\"done\""), std::string::npos) << rig.step();
    std::size_t clears = 0;
    for (const auto& message : rig.mqtt.published()) {
        if (message.topic == "bank2mqtt/eb/consent/answer")
            ++clears;
        if (message.topic == "bank2mqtt/eb/consent") {
            EXPECT_EQ(message.payload.find("ignored"), std::string::npos) << message.payload;
            EXPECT_EQ(message.payload.find("empty"), std::string::npos) << message.payload;
        }
    }
    EXPECT_EQ(clears, 1u) << "one clear, for the one answer";
    EXPECT_EQ(rig.consent.answers(), 1);
    EXPECT_FALSE(rig.log.contains("an answer was ignored"));
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
