// SPDX-License-Identifier: MIT
// The broker failing under a running daemon: killed and restarted, absent at start-up, down
// while balances change, refusing the credentials. Mosquitto runs without persistence, so
// whatever a subscriber sees after a restart is what the daemon published again.
#include "fault_support.h"
#include "integration_test.h"

#include "harness/temp_dir.h"

#include <map>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

const std::vector<std::string> kAccountKeys = {"lommepenger", "sparekonto", "felleskonto",
                                               "kredittkort"};
const std::string kDiscoveryPrefix = "homeassistant";

/// Topic -> latest non-empty payload of what `probe` has received.
std::map<std::string, std::string> retained(const MqttProbe& probe)
{
    std::map<std::string, std::string> topics;
    for (const auto& m : probe.messages()) {
        if (m.payload.empty()) {
            topics.erase(m.topic);
        } else {
            topics[m.topic] = m.payload;
        }
    }
    return topics;
}

class BrokerFault : public IntegrationTest {
protected:
    /// A subscriber to `<base>/#` on this test's broker, living until the test ends.
    MqttProbe& probeOf(const std::string& base)
    {
        extraProbes_.push_back(std::make_unique<MqttProbe>(broker_.uri(), base));
        return *extraProbes_.back();
    }

    /// Waits until `daemon` logged `text` (from line `from` on).
    static bool logged(ChildProcess& daemon, const std::string& text, std::size_t from = 0)
    {
        return daemon.waitForLine(ChildProcess::Stream::Err, text, kPollTimeout, from).has_value();
    }

    void TearDown() override
    {
        IntegrationTest::TearDown();
        if (HasFailure()) {
            for (const auto& p : extraProbes_) {
                std::cerr << p->dump();
            }
        }
    }

private:
    std::deque<std::unique_ptr<MqttProbe>> extraProbes_;
};

TEST_F(BrokerFault, RepublishesEverythingAfterTheBrokerIsKilledAndRestarted)
{
    DaemonConfigOptions options = configOptions();
    options.discovery = true;
    options.interval = "1s";
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    MqttProbe& first = probe();
    ASSERT_TRUE(first.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));
    // Everything retained before the kill: the state topics and the discovery configs.
    MqttProbe& before = freshProbe();
    MqttProbe& discoveryBefore = probeOf(kDiscoveryPrefix);
    ASSERT_TRUE(discoveryBefore.sync(kMqttTimeout));
    std::map<std::string, std::string> expected = retained(before);
    const std::map<std::string, std::string> discovery = retained(discoveryBefore);
    ASSERT_FALSE(discovery.empty()) << "no discovery config was published";
    ASSERT_EQ(expected[topic::kBridgeStatus], "online");
    for (const auto& key : kAccountKeys) {
        for (const auto& name : {topic::account(key), topic::balance(key), topic::available(key)}) {
            ASSERT_EQ(expected.count(name), 1u) << name << " was not retained before the kill";
        }
    }

    broker_.kill();
    ASSERT_TRUE(logged(daemon, "lost the connection to the MQTT broker"));
    const std::size_t mark = daemon.lineCount(ChildProcess::Stream::Err);
    broker_.startAgain();

    ASSERT_TRUE(logged(daemon, "connected to the MQTT broker", mark)) << "no reconnect";
    MqttProbe& after = probe();
    MqttProbe& discoveryAfter = probeOf(kDiscoveryPrefix);
    for (const auto& [name, payload] : expected) {
        EXPECT_TRUE(after.waitFor(
            name, [](const std::string& p) { return !p.empty(); }, kMqttTimeout))
            << name << " was not published again";
    }
    for (const auto& [name, payload] : discovery) {
        EXPECT_TRUE(discoveryAfter.waitForPayload(name, payload, kMqttTimeout))
            << name << " was not published again as it was";
    }
    EXPECT_TRUE(after.waitForPayload(topic::kBridgeStatus, "online", kMqttTimeout));
    EXPECT_TRUE(after.waitFor(topic::kSourceStatus, stateIs("ok"), kMqttTimeout));
    for (const auto& key : kAccountKeys) {
        EXPECT_TRUE(
            after.waitForPayload(topic::balance(key), expected[topic::balance(key)], kMqttTimeout))
            << key;
        EXPECT_TRUE(after.waitForPayload(topic::available(key), expected[topic::available(key)],
                                         kMqttTimeout))
            << key;
    }

    // Polls go on after the reconnect.
    sim_.setBalance(sim::kLommepenger, "512.50");
    EXPECT_TRUE(after.waitForPayload(topic::balance("lommepenger"), "512.50", kPollTimeout));
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(BrokerFault, PublishesEverythingOnceTheBrokerAppearsAfterStartUp)
{
    broker_.kill();  // the port stays known: the broker "appears" there later
    ChildProcess& daemon = startDaemon(writeConfig(), {});
    ASSERT_TRUE(logged(daemon, "cannot be reached"));
    // Polls go on without a broker, and the daemon does not give up.
    ASSERT_TRUE(logged(daemon, "[kid] first balances published"));
    ASSERT_FALSE(daemon.waitExit(Millis(0))) << "the daemon exited without a broker";

    broker_.startAgain();

    MqttProbe& p = probe();
    EXPECT_TRUE(p.waitForPayload(topic::kBridgeStatus, "online", kPollTimeout));
    EXPECT_TRUE(p.waitFor(topic::kSourceStatus, stateIs("ok"), kMqttTimeout));
    for (const auto& key : kAccountKeys) {
        EXPECT_TRUE(p.waitFor(
            topic::account(key), [](const std::string& s) { return !s.empty(); }, kMqttTimeout))
            << key;
    }
    EXPECT_TRUE(p.waitForPayload(topic::balance("lommepenger"), "437.25", kMqttTimeout));
    EXPECT_TRUE(p.waitForPayload(topic::available("kredittkort"), "8479.60", kMqttTimeout));
    // The initial failure and the background retries that met the same cause: one line.
    EXPECT_EQ(countLines(daemon, Stream::Err, "cannot be reached"), 1u);
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(BrokerFault, DeliversTheLatestBalanceChangedWhileTheBrokerWasDown)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    ChildProcess& daemon = startDaemon(writeConfig(options), {"--log-level=debug"});
    MqttProbe& first = probe();
    ASSERT_TRUE(first.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout));

    broker_.kill();
    ASSERT_TRUE(logged(daemon, "lost the connection to the MQTT broker"));
    sim_.setBalance(sim::kLommepenger, "512.50");
    // The second poll after the change certainly started after it.
    const std::size_t mark = daemon.lineCount(ChildProcess::Stream::Err);
    auto polled = daemon.waitForLine(ChildProcess::Stream::Err, "[kid] balances published",
                                     kPollTimeout, mark);
    ASSERT_TRUE(polled);
    ASSERT_TRUE(logged(daemon, "[kid] balances published", *polled + 1));

    broker_.startAgain();

    MqttProbe& p = probe();
    // The first value this subscriber gets is already the new one: nothing stale is replayed.
    auto balance = p.waitFor(
        topic::balance("lommepenger"), [](const std::string&) { return true; }, kPollTimeout);
    ASSERT_TRUE(balance);
    EXPECT_EQ(balance->payload, "512.50");
    auto json = p.waitFor(
        topic::account("lommepenger"), [](const std::string&) { return true; }, kMqttTimeout);
    ASSERT_TRUE(json);
    EXPECT_EQ(jsonNumberLiteral(json->payload, "balance"), "512.50") << json->payload;
    EXPECT_EQ(terminate(daemon), 0);
}

/// A broker whose daemon listener wants a user name and password (mosquitto password_file,
/// allow_anonymous false); the probes use its plain anonymous listener.
class BrokerCredentials : public IntegrationTest {
protected:
    static constexpr const char* kUser = "kid-user";
    static constexpr const char* kPassword = "right-Passw0rd";
    static constexpr const char* kWrongPassword = "wrong-Passw0rd-4711";

    void SetUp() override
    {
        IntegrationTest::SetUp();
        MosquittoListener listener;
        listener.users = {{kUser, kPassword}};
        secured_.addDaemonListener(listener);
        secured_.start();
    }

    void TearDown() override
    {
        IntegrationTest::TearDown();
        if (HasFailure()) {
            std::cerr << secured_.transcript();
        }
    }

    const DaemonConfig& configWithPassword(const std::string& password)
    {
        passwordFile_ = secrets_.write("mqtt.password", password, 0600);
        DaemonConfigOptions options = configOptions();
        options.brokerUri = secured_.daemonUri();
        options.extraMqttLines =
            std::string("username = ") + kUser + "\npassword_file = " + passwordFile_ + "\n";
        return writeConfig(options);
    }

    Mosquitto secured_{MOSQUITTO_BIN};
    TempDir secrets_{"mqtt-secret"};
    std::string passwordFile_;
};

TEST_F(BrokerCredentials, PublishesWithTheRightPassword)
{
    ChildProcess& daemon = startDaemon(configWithPassword(kPassword), {});
    MqttProbe p(secured_.uri(), "itest");
    EXPECT_TRUE(p.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout));
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(BrokerCredentials, LogsARefusedPasswordOnceAndKeepsRetrying)
{
    ChildProcess& daemon = startDaemon(configWithPassword(kWrongPassword), {});
    const std::string expected = "the MQTT broker at " + secured_.daemonUri() +
                                 " refused user name \"kid-user\" or its password";
    ASSERT_TRUE(daemon.waitForLine(ChildProcess::Stream::Err, expected, kPollTimeout));
    // Three refusals: the start-up attempt and two background retries (after 0 s and 1 s).
    ASSERT_TRUE(secured_.waitForLogCount("not authorised", 3, kPollTimeout));

    EXPECT_EQ(countLines(daemon, Stream::Err, "refused user name"), 1u) << "logged at every retry";
    EXPECT_EQ(countLines(daemon, Stream::Err, "check username and password_file"), 1u);
    EXPECT_EQ(countLines(daemon, Stream::Err, kWrongPassword), 0u) << "the password was logged";
    EXPECT_FALSE(daemon.waitExit(Millis(0))) << "the daemon gave up";
    MqttProbe p(secured_.uri(), "itest");
    ASSERT_TRUE(p.sync(kMqttTimeout));
    EXPECT_FALSE(p.latest(topic::kBridgeStatus)) << "published without being let in";
    EXPECT_EQ(terminate(daemon), 0);
}

// --once exits 69 (EX_UNAVAILABLE) here, not 77: SPEC "Exit codes" keeps 77 for "the bank
// rejected the credentials" and gives 69 to "a bank or broker could not be reached", which is
// what a refused MQTT session is for a one-shot run (nothing was published). The log line says
// what a person must fix.
TEST_F(BrokerCredentials, OnceExitsUnavailableWhenThePasswordIsRefused)
{
    ChildProcess& once = startDaemon(configWithPassword(kWrongPassword), {"--once"});
    EXPECT_EQ(once.waitExit(kOnceRunTimeout), 69);
    EXPECT_EQ(countLines(once, Stream::Err, "refused user name \"kid-user\" or its password"), 1u);
    EXPECT_EQ(countLines(once, Stream::Err, kWrongPassword), 0u) << "the password was logged";
}

TEST_F(BrokerFault, OnceExitsUnavailableWhenNoBrokerListens)
{
    broker_.kill();
    ChildProcess& once = startDaemon(writeConfig(), {"--once"});
    EXPECT_EQ(once.waitExit(kOnceRunTimeout), 69);
    EXPECT_EQ(
        countLines(once, Stream::Err, "the MQTT broker at " + broker_.uri() + " cannot be reached"),
        1u);
}

}  // namespace
}  // namespace bank2mqtt::itest
