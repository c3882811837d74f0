// SPDX-License-Identifier: MIT
// The reserved names, in one place for the configuration checks and the topic layout.
#include "reserved_names.h"

#include <algorithm>

namespace bank2mqtt {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& name)
{
    return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

const std::vector<std::string>& reservedAccountKeys()
{
    static const std::vector<std::string> keys = {
        "status",  "refresh", "info",   "availability", "authorize",
        "consent", "budget",  "config", "transaction",  "transactions"};
    return keys;
}

const std::vector<std::string>& reservedSourceIds()
{
    static const std::vector<std::string> ids = {"status", "refresh", "info", "availability",
                                                 "bank2mqtt"};
    return ids;
}

bool isReservedAccountKey(const std::string& key)
{
    return contains(reservedAccountKeys(), key);
}

bool isReservedSourceId(const std::string& id)
{
    return contains(reservedSourceIds(), id);
}

bool isValidAccountKey(const std::string& key)
{
    if (key.empty() || key.size() > 64 || isReservedAccountKey(key))
        return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

}  // namespace bank2mqtt
