// SPDX-License-Identifier: MIT
// Names the daemon uses for its own topics and files, which no account key or source id may take.
#pragma once

#include <string>
#include <vector>

namespace bank2mqtt {

/// Topic levels under <base>/<source>/ with a meaning of their own (the source's status topic,
/// its refresh command, ...), and the ones later capabilities will use. An account key equal to
/// one would publish on that topic: an alias that does is a configuration error, and a key
/// made from the bank's account name gets a suffix (uniqueKey).
const std::vector<std::string>& reservedAccountKeys();

/// Source ids that would share a topic under <base>/ (status, refresh, info) or a file in
/// state_dir (bank2mqtt.json is the daemon's own) with the daemon itself.
const std::vector<std::string>& reservedSourceIds();

bool isReservedAccountKey(const std::string& key);
bool isReservedSourceId(const std::string& id);

/// 1 to 64 of [a-z0-9_], not reserved: what an account key read back from state_dir must be
/// before it is used as a topic level again.
bool isValidAccountKey(const std::string& key);

}  // namespace bank2mqtt
