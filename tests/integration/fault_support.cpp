// SPDX-License-Identifier: MIT
// Fault-test helpers; a Paho client of their own, since the probe only subscribes.
#include "fault_support.h"

#include "integration_test.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <stdexcept>

#include <unistd.h>

namespace bank2mqtt::itest {
namespace {

constexpr auto kCommandTimeout = std::chrono::seconds(5);

std::string lowerCase(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

void publishCommand(const std::string& uri, const std::string& topic, const std::string& payload)
{
    static std::atomic<int> counter{0};
    const std::string clientId =
        "itest-command-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    try {
        mqtt::async_client client(uri, clientId, mqtt::create_options(MQTTVERSION_3_1_1));
        auto options = mqtt::connect_options_builder().clean_session(true).finalize();
        if (!client.connect(options)->wait_for(kCommandTimeout))
            throw std::runtime_error("no CONNACK");
        if (!client.publish(topic, payload, 1, false)->wait_for(kCommandTimeout))
            throw std::runtime_error("no PUBACK");
        client.disconnect()->wait_for(kCommandTimeout);
    } catch (const mqtt::exception& e) {
        throw std::runtime_error("cannot publish " + topic + " at " + uri + ": " + e.what());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("cannot publish " + topic + " at " + uri + ": " + e.what());
    }
}

std::optional<std::chrono::system_clock::time_point> jsonTime(const std::string& payload,
                                                              const std::string& key)
{
    const auto text = jsonString(payload, key);
    if (!text)
        return std::nullopt;
    try {
        int tz = 0;
        const Poco::DateTime parsed =
            Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FORMAT, *text, tz);
        const auto micros = parsed.timestamp().epochMicroseconds() - Poco::Int64(tz) * 1000000;
        return std::chrono::system_clock::time_point(std::chrono::microseconds(micros));
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

std::size_t countLines(const ChildProcess& process, ChildProcess::Stream stream,
                       const std::string& substring, std::size_t fromLine)
{
    const auto lines = process.lines(stream);
    std::size_t n = 0;
    for (std::size_t i = fromLine; i < lines.size(); ++i)
        if (lines[i].find(substring) != std::string::npos)
            ++n;
    return n;
}

bool containsIgnoringCase(const std::string& text, const std::string& word)
{
    return lowerCase(text).find(lowerCase(word)) != std::string::npos;
}

}  // namespace bank2mqtt::itest
