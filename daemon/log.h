// SPDX-License-Identifier: MIT
// Logging: one line per event on stderr (journald adds time and unit), "<level> [<who>] <text>".
#pragma once

#include "bank2mqtt/services.h"

#include <Poco/Logger.h>

#include <optional>
#include <string>

namespace bank2mqtt {

/// Installs the stderr channel on Poco's root logger and sets the level. Call once, early.
void setupLogging(LogLevel level);
/// Changes the level of every logger, existing and future.
void setLogLevel(LogLevel level);
/// "debug", "info", "warning"/"warn", "error" -> level; nullopt otherwise.
std::optional<LogLevel> parseLogLevel(const std::string& text);

/// The logger of one source (name = source id) or of the daemon itself ("bank2mqtt").
/// Thread-safe; lines read "<level> [<name>] <message>".
class NamedLogger : public Logger {
public:
    explicit NamedLogger(const std::string& name);
    void log(LogLevel level, const std::string& message) override;

private:
    Poco::Logger& logger_;
};

}  // namespace bank2mqtt
