// SPDX-License-Identifier: MIT
// Checks for topic strings read back from state files before they reach the broker.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt {

/// A level the daemon may put into a topic (an account key, a source id): not empty, valid
/// UTF-8, no '/', '+', '#', NUL or other control character, not starting with '$' (the
/// broker's own topics). A level from a state file that fails this is discarded: a broker
/// drops the connection of a client that publishes on a topic with a wildcard.
bool isSafeTopicLevel(std::string_view level);

/// A whole topic to publish on: not empty, at most 65535 bytes, valid UTF-8, no '+', '#',
/// NUL or other control character, not starting with '$'.
bool isSafeTopic(std::string_view topic);

/// isSafeTopic() and below "<prefix>/" for one of `prefixes` (e.g. the base topic and the
/// discovery prefix), so that a state file cannot make the daemon clear topics of others.
bool isSafeTopicUnder(std::string_view topic, const std::vector<std::string>& prefixes);

}  // namespace bank2mqtt
