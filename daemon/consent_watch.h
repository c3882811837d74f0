// SPDX-License-Identifier: MIT
// What a bank consent's end means for a source now: valid, within the warning, or ended.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace bank2mqtt {

/// The rules around ConsentInfo::consentEnd(), pure and clock-free: the caller passes the wall
/// time (consent ends are dates the bank gave, so they are wall-clock times). Not thread-safe;
/// the poll thread owns one per source that offers ConsentInfo.
class ConsentWatch {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    enum class Phase {
        Unknown,   ///< no consent (not authorized yet): nothing to warn about
        Valid,     ///< ends later than `warning` from now
        Expiring,  ///< ends within `warning`: a person should renew it (polling goes on)
        Ended,     ///< over: the bank answers no more (polling stops until a renewal)
    };

    /// `sourceId` names the source in the sentences; `warning` is the source's consent_warning;
    /// `renewable`: the plugin offers Authorization, so Home Assistant has a renewal button.
    ConsentWatch(std::string sourceId, std::chrono::seconds warning, bool renewable = true);

    void setEnd(std::optional<TimePoint> end) { end_ = end; }
    const std::optional<TimePoint>& end() const { return end_; }

    Phase phase(TimePoint now) const;
    /// Expiring or Ended: what the problem entity in Home Assistant shows as on.
    bool renewalDue(TimePoint now) const;
    /// When the phase changes next (the warning starts or the consent ends); nullopt when no
    /// change lies ahead.
    std::optional<TimePoint> nextChange(TimePoint now) const;

    /// One sentence for the status topic, with the date: "the bank consent ends on ...".
    std::string expiringSentence() const;
    std::string endedSentence() const;

    /// True when `end` is at or before `now`: the fetch worker's check before it calls the
    /// bank (it has no ConsentWatch of its own).
    static bool hasEnded(const std::optional<TimePoint>& end, TimePoint now)
    {
        return end && *end <= now;
    }

private:
    /// "renew it with ...": the ways this source's consent can be renewed.
    std::string howToRenew() const;

    std::string sourceId_;
    std::chrono::seconds warning_;
    bool renewable_;
    std::optional<TimePoint> end_;
};

/// "2026-12-05 07:00 UTC": a consent end as people read it in a sentence.
std::string formatConsentEnd(ConsentWatch::TimePoint t);

}  // namespace bank2mqtt
