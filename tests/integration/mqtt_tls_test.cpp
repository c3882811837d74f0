// SPDX-License-Identifier: MIT
// MQTT over TLS against a mosquitto TLS listener made from the build's test CA: a trusted
// broker works end to end; an untrusted CA, a certificate for another host and a refused
// client certificate each end in their own clear log line, and the daemon keeps trying.
#include "fault_support.h"
#include "integration_test.h"

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

const std::string kCerts = CERT_DIR;

/// The daemon talks TLS to the broker's second listener; probes use its plain one.
class MqttTls : public IntegrationTest {
protected:
    void startTlsBroker(const std::string& serverCert = "server", bool requireCertificate = false)
    {
        MosquittoListener listener;
        listener.certDir = kCerts;
        listener.serverCert = serverCert;
        listener.requireCertificate = requireCertificate;
        tls_.addDaemonListener(listener);
        tls_.start();
    }

    /// A daemon for the TLS listener with `mqttLines` (ca_file, cert_file ...) in [mqtt].
    ChildProcess& startTlsDaemon(const std::string& mqttLines,
                                 const std::vector<std::string>& args = {})
    {
        DaemonConfigOptions options = configOptions();
        options.brokerUri = tls_.daemonUri();
        options.extraMqttLines = mqttLines;
        return startDaemon(writeConfig(options), args);
    }

    /// Waits for the daemon's line containing `text`; returns it ("" if none came).
    static std::string waitForLog(ChildProcess& daemon, const std::string& text)
    {
        auto index = daemon.waitForLine(ChildProcess::Stream::Err, text, kPollTimeout);
        return index ? daemon.lines(ChildProcess::Stream::Err)[*index] : "";
    }

    /// After the daemon's third connect attempt: one log line about it, the daemon still
    /// running, nothing published. Each failed attempt is two TLS connections at the broker:
    /// the daemon's own and the handshake that diagnoses its failure, so waiting for two
    /// would be met by the first attempt alone, and "logged once" could not fail. Attempts
    /// come after 0, 1 and 3 s (back-off 1, 2 ... s).
    void expectOneLineAndNothingPublished(ChildProcess& daemon, const std::string& text)
    {
        constexpr std::size_t kAttempts = 3;
        ASSERT_TRUE(
            tls_.waitForLogCount("New connection from 127.0.0.1", 2 * kAttempts, kPollTimeout))
            << "the daemon did not try " << kAttempts << " times";
        EXPECT_EQ(countLines(daemon, Stream::Err, text), 1u)
            << "not logged exactly once: " << text << "\n"
            << daemon.text(ChildProcess::Stream::Err);
        EXPECT_FALSE(daemon.waitExit(Millis(0))) << "the daemon gave up";
        MqttProbe p(tls_.uri(), "itest");
        ASSERT_TRUE(p.sync(kMqttTimeout));
        EXPECT_FALSE(p.latest(topic::kBridgeStatus)) << "published through a failed TLS session";
    }

    void TearDown() override
    {
        IntegrationTest::TearDown();
        if (HasFailure()) {
            std::cerr << tls_.transcript();
        }
    }

    Mosquitto tls_{MOSQUITTO_BIN};
};

TEST_F(MqttTls, PublishesOverTlsWithTheTestCa)
{
    startTlsBroker();
    ChildProcess& daemon = startTlsDaemon("ca_file = " + kCerts + "/ca.pem\n");
    MqttProbe p(tls_.uri(), "itest");
    EXPECT_TRUE(p.waitForPayload(topic::kBridgeStatus, "online", kPollTimeout));
    EXPECT_TRUE(p.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout));
    EXPECT_TRUE(waitForLog(daemon, "connected to the MQTT broker at " + tls_.daemonUri()) != "");
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(MqttTls, NamesCaFileWhenTheBrokerCertificateIsNotTrusted)
{
    startTlsBroker();
    const std::string wrongCa = kCerts + "/untrusted.pem";
    ChildProcess& daemon = startTlsDaemon("ca_file = " + wrongCa + "\n");
    const std::string line = waitForLog(daemon, "is not trusted by ca_file \"" + wrongCa + "\"");
    ASSERT_NE(line, "") << "no clear message about the untrusted broker certificate";
    EXPECT_NE(line.find("the certificate of the MQTT broker at " + tls_.daemonUri()),
              std::string::npos)
        << line;
    expectOneLineAndNothingPublished(daemon, "is not trusted by ca_file");
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(MqttTls, NamesTheHostWhenTheBrokerCertificateIsForAnotherHost)
{
    startTlsBroker("wronghost");
    ChildProcess& daemon = startTlsDaemon("ca_file = " + kCerts + "/ca.pem\n");
    const std::string line = waitForLog(daemon, "does not name the host \"127.0.0.1\"");
    ASSERT_NE(line, "") << "no clear message about the host name";
    EXPECT_EQ(line.find("not trusted"), std::string::npos) << line;
    expectOneLineAndNothingPublished(daemon, "does not name the host");
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(MqttTls, AuthenticatesWithAClientCertificate)
{
    startTlsBroker("server", true);
    ChildProcess& daemon = startTlsDaemon("ca_file = " + kCerts + "/ca.pem\ncert_file = " + kCerts +
                                          "/client.pem\nkey_file = " + kCerts + "/client.key\n");
    MqttProbe p(tls_.uri(), "itest");
    EXPECT_TRUE(p.waitForPayload(topic::balance("lommepenger"), "437.25", kPollTimeout));
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(MqttTls, NamesTheClientCertificateWhenTheBrokerRefusesIt)
{
    startTlsBroker("server", true);
    const std::string cert = kCerts + "/untrustedclient.pem";
    ChildProcess& daemon = startTlsDaemon("ca_file = " + kCerts + "/ca.pem\ncert_file = " + cert +
                                          "\nkey_file = " + kCerts + "/untrustedclient.key\n");
    const std::string line = waitForLog(daemon, "the client certificate (cert_file \"" + cert);
    ASSERT_NE(line, "") << "no clear message naming the refused client certificate";
    // Distinct from a refused password and from an untrusted broker.
    EXPECT_EQ(line.find("user name"), std::string::npos) << line;
    EXPECT_EQ(line.find("not trusted"), std::string::npos) << line;
    expectOneLineAndNothingPublished(daemon, "the client certificate");
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(MqttTls, AsksForAClientCertificateWhenTheBrokerRequiresOne)
{
    startTlsBroker("server", true);
    ChildProcess& daemon = startTlsDaemon("ca_file = " + kCerts + "/ca.pem\n");
    const std::string line = waitForLog(daemon, "requires a client certificate");
    ASSERT_NE(line, "") << "no clear message about the missing client certificate";
    EXPECT_NE(line.find("set cert_file and key_file"), std::string::npos) << line;
    expectOneLineAndNothingPublished(daemon, "requires a client certificate");
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(MqttTls, OnceExitsUnavailableWhenTheBrokerCertificateIsNotTrusted)
{
    startTlsBroker();
    ChildProcess& once = startTlsDaemon("ca_file = " + kCerts + "/untrusted.pem\n", {"--once"});
    EXPECT_EQ(once.waitExit(kOnceRunTimeout), 69);
    EXPECT_EQ(countLines(once, Stream::Err, "is not trusted by ca_file"), 1u);
}

}  // namespace
}  // namespace bank2mqtt::itest
