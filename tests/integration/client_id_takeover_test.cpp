// SPDX-License-Identifier: MIT
// Two daemons with one MQTT client id against a real mosquitto: the takeover loop is named once
// and the reconnects back off instead of swapping the connection every second.
#include "fault_support.h"
#include "integration_test.h"

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

// What mosquitto logs each time a connect takes an existing session over.
const std::string kTakeover = "already connected, closing old connection";
const std::string kSentence = "another MQTT client uses the same client id";

std::size_t occurrences(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos;
         pos = text.find(needle, pos + needle.size()))
        ++n;
    return n;
}

class ClientIdTakeover : public IntegrationTest {};

TEST_F(ClientIdTakeover, TwoDaemonsWithOneClientIdSayItOnceAndBackOff)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1h";
    options.mqttClientId = "bank2mqtt-twin";
    const DaemonConfig& firstConfig = writeConfig(options);
    const DaemonConfig& secondConfig = writeConfig(options);
    ChildProcess& first = startDaemon(firstConfig, {});
    ASSERT_TRUE(first.waitForLine(Stream::Err, "connected to the MQTT broker", kMqttTimeout));
    ChildProcess& second = startDaemon(secondConfig, {});

    // Either twin (or both) may be the one that sees the loop: wait on both logs in turns.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool said = false;
    while (!said && std::chrono::steady_clock::now() < deadline)
        said = first.waitForLine(Stream::Err, kSentence, Millis(100)) ||
               second.waitForLine(Stream::Err, kSentence, Millis(100));
    ASSERT_TRUE(said) << "no daemon named the takeover loop within 30 s";

    // From now on each twin waits 5 s, then 10 s, ... before it reconnects: a few takeovers in
    // 12 s, where reconnecting at once made hundreds.
    const std::size_t before = occurrences(broker_.transcript(), kTakeover);
    EXPECT_FALSE(broker_.waitForLogCount(kTakeover, before + 8, Millis(12000)))
        << "the twins still take each other over at a high rate: "
        << occurrences(broker_.transcript(), kTakeover) - before << " takeovers after the line";

    for (ChildProcess* daemon : {&first, &second}) {
        EXPECT_LE(countLines(*daemon, Stream::Err, kSentence), 1u) << daemon->transcript();
        for (const auto& line : daemon->lines(Stream::Err))
            if (line.find(kSentence) != std::string::npos) {
                EXPECT_NE(line.find("[mqtt] client_id"), std::string::npos) << line;
                EXPECT_NE(line.find("\"bank2mqtt-twin\""), std::string::npos) << line;
            }
    }
    EXPECT_EQ(terminate(first), 0);
    EXPECT_EQ(terminate(second), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
