// SPDX-License-Identifier: MIT
// ConsentWatch: the phases of a consent and their sentences.
#include "consent_watch.h"

#include <ctime>

namespace bank2mqtt {

ConsentWatch::ConsentWatch(std::string sourceId, std::chrono::seconds warning, bool renewable)
    : sourceId_(std::move(sourceId)), warning_(warning), renewable_(renewable)
{
}

std::string ConsentWatch::howToRenew() const
{
    const std::string terminal = "bank2mqtt --authorize=" + sourceId_;
    return renewable_
               ? "the button \"" + sourceId_ + " renew consent\" in Home Assistant or " + terminal
               : "the way the plugin's README describes (it cannot be renewed from here)";
}

ConsentWatch::Phase ConsentWatch::phase(TimePoint now) const
{
    if (!end_)
        return Phase::Unknown;
    if (*end_ <= now)
        return Phase::Ended;
    if (*end_ - now <= warning_)
        return Phase::Expiring;
    return Phase::Valid;
}

bool ConsentWatch::renewalDue(TimePoint now) const
{
    const Phase p = phase(now);
    return p == Phase::Expiring || p == Phase::Ended;
}

std::optional<ConsentWatch::TimePoint> ConsentWatch::nextChange(TimePoint now) const
{
    switch (phase(now)) {
    case Phase::Valid:
        return *end_ - warning_;
    case Phase::Expiring:
        return *end_;
    case Phase::Unknown:
    case Phase::Ended:
        break;
    }
    return std::nullopt;
}

std::string ConsentWatch::expiringSentence() const
{
    return "the bank consent ends on " + (end_ ? formatConsentEnd(*end_) : std::string("?")) +
           "; renew it with " + howToRenew();
}

std::string ConsentWatch::endedSentence() const
{
    return "the bank consent ended on " + (end_ ? formatConsentEnd(*end_) : std::string("?")) +
           "; polling stops until it is renewed with " + howToRenew();
}

std::string formatConsentEnd(ConsentWatch::TimePoint t)
{
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
    return buffer;
}

}  // namespace bank2mqtt
