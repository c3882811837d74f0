// SPDX-License-Identifier: MIT
// Renewing a source's consent from Home Assistant: the plugin's Authorization steps over MQTT.
#pragma once

#include "bank2mqtt/capabilities.h"
#include "bank2mqtt/services.h"
#include "secret_scrubber.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

/// One source's renewal, driven by three Home Assistant entities of the bridge device: a button
/// (<base>/<source>/consent/renew) starts it, a sensor shows the step (<base>/<source>/consent,
/// JSON below) and a text entity takes the person's answer (<base>/<source>/consent/answer).
///
/// Threads: press() and answer() come from the MQTT client's callback thread; they never call
/// the plugin and never publish. The plugin's start()/answer() run on the source's FetchWorker
/// (the `post` given to attach()), one at a time and never beside a fetch. What there is to
/// publish is taken by the poll thread with take(), which publishes it.
///
/// Rules a person meets:
/// - a press while a step is with the bank is ignored; a press while a question is shown
///   starts over (the plugin abandons the attempt in progress);
/// - an answer with no renewal in progress (stale, or after a restart) or while a step is with
///   the bank is dropped with a sentence on the sensor; a blank one is refused; a message with
///   no payload is not an answer but a clear of the retained topic (the broker passes the
///   daemon's own clear back to it) and changes nothing;
/// - a question left unanswered for kAskTimeout goes back to idle with a sentence (a bank's
///   login page does not wait that long either), so the sensor never shows an old URL;
/// - Done: the sensor says the outcome and take() reports `done`, so that the poll loop polls
///   the source at once; Failed: the sensor says why, nothing else changes.
///
/// The answer is a secret: it is never logged, published or kept; an answer to a step marked
/// secretAnswer is added to the source's SecretScrubber before the plugin sees it, so no text
/// (the plugin's prompts and log lines, the status) can carry it afterwards.
///
/// Step JSON: {"step":"idle"|"working"|"ask"|"done"|"failed","message":<one sentence, at most
/// 255 bytes: HA's state limit>,"url":<the bank's login page>|null,"choices":[...],
/// "updated":<RFC 3339>}.
class Renewal {
public:
    using TimePoint = std::chrono::system_clock::time_point;
    using MonoTime = std::chrono::steady_clock::time_point;
    static constexpr std::chrono::hours kAskTimeout{1};
    /// Runs a task on the source's worker thread; false when it will not run (stopping).
    using Post = std::function<bool(std::function<void()>)>;

    /// `consent` may be null (the plugin offers no ConsentInfo). Every reference must outlive
    /// this object and the worker the tasks run on.
    Renewal(std::string sourceId, Authorization& auth, ConsentInfo* consent,
            SecretScrubber& scrubber, Logger& log, Clock& clock);
    Renewal(const Renewal&) = delete;
    Renewal& operator=(const Renewal&) = delete;

    const std::string& sourceId() const { return sourceId_; }
    /// The poll loop's wiring; call before the first press() or answer().
    void attach(Post post, std::function<void()> wake);

    /// The button was pressed. Any thread.
    void press();
    /// The person's answer arrived (the text entity's command). Any thread.
    void answer(const std::string& reply);

    /// What the poll thread has to do.
    struct Update {
        std::optional<std::string> payload;  ///< the step JSON changed: publish it (retained)
        bool clearAnswer = false;  ///< an answer arrived: clear a retained one on the broker
        bool done = false;         ///< an authorization completed: poll the source now
        std::optional<TimePoint> consentEnd;  ///< ConsentInfo's end, read after Done
    };
    /// Poll thread: the changes since the last call (the first call returns the payload).
    Update take();
    /// When an unanswered question times out (nullopt: none is shown). Any thread.
    std::optional<MonoTime> deadline() const;
    /// Poll thread: a question past its deadline goes back to idle (see take()).
    void expire();

private:
    enum class Step { Idle, Working, Ask, Done, Failed };

    /// Worker thread: one plugin call and its outcome.
    void runStep(bool start, std::string reply);
    /// Caller holds mutex_.
    void show(Step step, const std::string& message);
    std::string json() const;

    std::string sourceId_;
    Authorization& auth_;
    ConsentInfo* consent_;
    SecretScrubber& scrubber_;
    Logger& log_;
    Clock& clock_;
    Post post_;
    std::function<void()> wake_;

    mutable std::mutex mutex_;
    Step step_ = Step::Idle;
    std::string message_;
    std::string url_;
    std::vector<std::string> choices_;
    bool secretAnswer_ = false;  ///< the question shown wants a secret
    bool inFlight_ = false;      ///< a step is with the plugin (posted or running)
    TimePoint updated_;
    MonoTime askedAt_;
    bool changed_ = true;
    bool clearAnswer_ = false;
    bool done_ = false;
    std::optional<TimePoint> consentEnd_;
};

/// "2" picks the second of `choices`; anything else is the answer as typed.
std::string resolveChoice(const std::vector<std::string>& choices, const std::string& reply);

}  // namespace bank2mqtt
