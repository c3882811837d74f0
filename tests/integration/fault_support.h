// SPDX-License-Identifier: MIT
// Helpers shared by the fault tests: MQTT commands, status timestamps, log line counts.
#pragma once

#include "harness/child_process.h"

#include <chrono>
#include <optional>
#include <string>

namespace bank2mqtt::itest {

/// Publishes one message (QoS 1, not retained) on `topic` at the broker `uri` and waits until
/// the broker has acknowledged it. Throws std::runtime_error when that fails in bounded time.
void publishCommand(const std::string& uri, const std::string& topic,
                    const std::string& payload = "");

/// A timestamp field (RFC 3339) of a JSON status payload; nullopt if absent, null or unreadable.
std::optional<std::chrono::system_clock::time_point> jsonTime(const std::string& payload,
                                                              const std::string& key);

/// Lines of `stream` from index `fromLine` on that contain `substring`.
std::size_t countLines(const ChildProcess& process, ChildProcess::Stream stream,
                       const std::string& substring, std::size_t fromLine = 0);

/// Whether `text` contains `word`, ignoring ASCII case.
bool containsIgnoringCase(const std::string& text, const std::string& word);

}  // namespace bank2mqtt::itest
