// SPDX-License-Identifier: MIT
// A consent that ends soon, and its renewal from Home Assistant, through the real binary and a
// real mosquitto: the loader tests' consent plugin (ConsentInfo + Authorization) says its
// consent ends in 3 days; the daemon publishes consent_expiring; pressing the renewal button,
// choosing the bank, reading the login URL from the step sensor and pasting the redirect into
// the text entity's topic renews it, and the source is polled at once. Each command's own
// Paho client in this process takes about 2 s to connect (the library's receive thread polls
// its sockets for up to 1 s before it sees a new one); the daemon answers in milliseconds.
#include "fault_support.h"
#include "ha_discovery_checker.h"
#include "harness/temp_dir.h"
#include "integration_test.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <sys/stat.h>

namespace bank2mqtt::itest {
namespace {

const std::string kCode = "c0de-7e57-42";
const std::string kRedirect = "https://cb.invalid/done?code=" + kCode + "&state=s1";

class ConsentRenewalEndToEnd : public IntegrationTest {
protected:
    /// [source.eb] with the consent plugin; discovery on.
    ChildProcess& startConsentDaemon(const std::string& consentDays)
    {
        const std::string ini = "[mqtt]\nuri = " + broker_.uri() +
                                "\nclient_id = itest-consent\nbase_topic = itest\n"
                                "discovery = true\n[daemon]\nplugin_dir = " CONSENT_PLUGIN_DIR
                                "\nstate_dir = " +
                                dir_.file("state") +
                                "\n[source.eb]\nplugin = consent\ninterval = 1h\n"
                                "consent_days = " +
                                consentDays + "\n";
        if (::mkdir(dir_.file("state").c_str(), 0700) != 0)
            throw std::runtime_error("mkdir " + dir_.file("state"));
        // Debug: each fetch logs "fetch started", which is how the test sees the fresh poll.
        daemon_ = std::make_unique<ChildProcess>(
            "bank2mqtt",
            std::vector<std::string>{BANK2MQTT_BIN, "--config=" + dir_.write("bank2mqtt.ini", ini),
                                     "--log-level=debug"},
            ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}});
        return *daemon_;
    }

    void TearDown() override
    {
        if (HasFailure() && daemon_)
            std::cerr << daemon_->transcript();
        IntegrationTest::TearDown();
    }

    TempDir dir_{"bank2mqtt-consent"};
    std::unique_ptr<ChildProcess> daemon_;
};

MqttProbe::PayloadPredicate contains(const std::string& text)
{
    return [text](const std::string& payload) { return payload.find(text) != std::string::npos; };
}

TEST_F(ConsentRenewalEndToEnd, ExpiringConsentIsRenewedFromHomeAssistantEndToEnd)
{
    MqttProbe& live = freshProbe();
    MqttProbe ha(broker_.uri(), "homeassistant");
    ChildProcess& daemon = startConsentDaemon("3");

    // Polling goes on, with the warning and the date on the status topic.
    const auto expiring =
        live.waitFor("itest/eb/status", stateIs("consent_expiring"), kPollTimeout);
    ASSERT_TRUE(expiring) << live.dump();
    EXPECT_NE(jsonString(expiring->payload, "error").value_or("").find("ends on "),
              std::string::npos)
        << expiring->payload;
    EXPECT_TRUE(jsonString(expiring->payload, "consent_end"));
    ASSERT_TRUE(live.waitFor("itest/eb/brukskonto/balance", contains("2100.50"), kMqttTimeout));
    ASSERT_TRUE(live.waitFor("itest/eb/consent", contains("\"step\":\"idle\""), kMqttTimeout));

    // Home Assistant's view: the bridge has the renewal entities and every payload passes.
    ASSERT_TRUE(ha.sync(kMqttTimeout));
    const auto bridge = ha.latest("homeassistant/device/bank2mqtt_itest_consent/config");
    ASSERT_TRUE(bridge) << ha.dump();
    EXPECT_NE(bridge->payload.find("\"command_topic\":\"itest/eb/consent/renew\""),
              std::string::npos);
    EXPECT_NE(bridge->payload.find("\"command_topic\":\"itest/eb/consent/answer\""),
              std::string::npos);
    std::map<std::string, std::string> latest;  // what the broker keeps: the last per topic
    for (const auto& m : ha.messages())
        if (m.topic.rfind("homeassistant/device/", 0) == 0)
            latest[m.topic] = m.payload;
    std::vector<std::pair<std::string, std::string>> discovery(latest.begin(), latest.end());
    for (const Violation& v : checkDiscovery(discovery))
        ADD_FAILURE() << v;

    // The button, then the bank chosen by its number.
    std::size_t mark = live.size();
    publishCommand(broker_.uri(), "itest/eb/consent/renew", "PRESS");
    ASSERT_TRUE(live.waitFor("itest/eb/consent", contains("Which bank?"), kPollTimeout, mark))
        << live.dump();
    mark = live.size();
    publishCommand(broker_.uri(), "itest/eb/consent/answer", "2");
    const auto login =
        live.waitFor("itest/eb/consent", contains("\"step\":\"ask\""), kPollTimeout, mark);
    ASSERT_TRUE(login) << live.dump();
    EXPECT_EQ(jsonString(login->payload, "url"), "https://bank.invalid/login?state=s1");

    // The redirect pasted: Done, and a fresh poll at once (not 30 s after the last one) that
    // finds no warning any more.
    mark = live.size();
    const std::size_t logMark = daemon.lineCount(ChildProcess::Stream::Err);
    publishCommand(broker_.uri(), "itest/eb/consent/answer", kRedirect);
    const auto done =
        live.waitFor("itest/eb/consent", contains("\"step\":\"done\""), kPollTimeout, mark);
    ASSERT_TRUE(done) << live.dump();
    EXPECT_NE(done->payload.find("authorized for Testbank S\xc3\xb8r"), std::string::npos);
    const auto fresh = live.waitFor("itest/eb/status", stateIs("ok"), kPollTimeout, mark);
    ASSERT_TRUE(fresh) << live.dump();
    EXPECT_NE(fresh->payload.find("\"consent_renewal_due\":false"), std::string::npos);
    EXPECT_TRUE(
        daemon.waitForLine(ChildProcess::Stream::Err, "fetch started", kPollTimeout, logMark));

    ASSERT_TRUE(terminate(daemon));
    // Only the command itself (ours, not retained) carried the code; the broker keeps none.
    for (const auto& m : live.messages()) {
        if (m.topic != "itest/eb/consent/answer") {
            EXPECT_EQ(m.payload.find(kCode), std::string::npos) << m.topic;
        }
    }
    MqttProbe& after = freshProbe();
    EXPECT_FALSE(after.latest("itest/eb/consent/answer"));
    // The daemon hears its own clear of the answer topic; it is no answer, so "done" stays
    // the step shown (the clear taken for a stray answer replaced it, at times before "done"
    // was published at all).
    const auto shown = after.latest("itest/eb/consent");
    ASSERT_TRUE(shown) << after.dump();
    EXPECT_NE(shown->payload.find("\"step\":\"done\""), std::string::npos) << shown->payload;
    EXPECT_EQ(daemon.transcript().find("an answer was ignored"), std::string::npos);
    for (const auto& m : ha.messages()) {
        EXPECT_EQ(m.payload.find(kCode), std::string::npos) << m.topic;
    }
    EXPECT_EQ(daemon.transcript().find(kCode), std::string::npos);
    EXPECT_NE(daemon.text(ChildProcess::Stream::Err).find("consent renewed"), std::string::npos);
}

}  // namespace
}  // namespace bank2mqtt::itest
