// SPDX-License-Identifier: MIT
// Logging to stderr in the "<level> [<who>] <text>" form, through Poco's loggers.
#include "log.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>
#include <Poco/Mutex.h>

#include <cstdio>

namespace bank2mqtt {
namespace {

// Poco's ConsoleChannel writes the bare text; the level and the logger name are ours to add.
class StderrChannel : public Poco::Channel {
public:
    void log(const Poco::Message& msg) override
    {
        const char* level = "info";
        switch (msg.getPriority()) {
        case Poco::Message::PRIO_TRACE:
        case Poco::Message::PRIO_DEBUG:
            level = "debug";
            break;
        case Poco::Message::PRIO_INFORMATION:
        case Poco::Message::PRIO_NOTICE:
            level = "info";
            break;
        case Poco::Message::PRIO_WARNING:
            level = "warning";
            break;
        default:
            level = "error";
            break;
        }
        // Poco's own start-up logger (option errors) speaks for the daemon as a whole.
        const std::string& source = msg.getSource();
        const bool daemon =
            source.empty() || source == "ApplicationStartup" || source == "Application";
        std::string line = std::string(level) + " [" + (daemon ? "bank2mqtt" : source) + "] " +
                           msg.getText() + "\n";
        Poco::FastMutex::ScopedLock lock(mutex_);
        std::fwrite(line.data(), 1, line.size(), stderr);
        std::fflush(stderr);
    }

private:
    Poco::FastMutex mutex_;
};

int toPocoPriority(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return Poco::Message::PRIO_DEBUG;
    case LogLevel::Info:
        return Poco::Message::PRIO_INFORMATION;
    case LogLevel::Warning:
        return Poco::Message::PRIO_WARNING;
    case LogLevel::Error:
        return Poco::Message::PRIO_ERROR;
    }
    return Poco::Message::PRIO_INFORMATION;
}

}  // namespace

void setupLogging(LogLevel level)
{
    Poco::AutoPtr<Poco::Channel> channel(new StderrChannel);
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::setChannel("", channel);  // also loggers created before this call
    setLogLevel(level);
}

void setLogLevel(LogLevel level)
{
    Poco::Logger::setLevel("", toPocoPriority(level));  // "" = root and all descendants
    Poco::Logger::root().setLevel(toPocoPriority(level));
}

std::optional<LogLevel> parseLogLevel(const std::string& text)
{
    if (text == "debug")
        return LogLevel::Debug;
    if (text == "info")
        return LogLevel::Info;
    if (text == "warning" || text == "warn")
        return LogLevel::Warning;
    if (text == "error")
        return LogLevel::Error;
    return std::nullopt;
}

NamedLogger::NamedLogger(const std::string& name) : logger_(Poco::Logger::get(name)) {}

void NamedLogger::log(LogLevel level, const std::string& message)
{
    const int prio = toPocoPriority(level);
    if (logger_.getLevel() >= prio)
        logger_.log(
            Poco::Message(logger_.name(), message, static_cast<Poco::Message::Priority>(prio)));
}

}  // namespace bank2mqtt
