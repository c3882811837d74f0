// SPDX-License-Identifier: MIT
// Renewal: the Authorization steps between Home Assistant's entities and the source's worker.
#include "renewal.h"

#include "payloads.h"

#include <algorithm>

namespace bank2mqtt {
namespace {

/// Home Assistant makes a sensor state of more than 255 characters unknown; bytes are at least
/// as many as characters, so a cut at 255 bytes (on a UTF-8 boundary) is always short enough.
std::string sentence(const std::string& text)
{
    constexpr std::size_t kMax = 255;
    if (text.size() <= kMax)
        return text;
    std::size_t cut = kMax - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut) + "...";
}

std::string trimmed(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return "";
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

/// Overwrites a secret before its memory is given back.
void wipe(std::string& secret)
{
    std::fill(secret.begin(), secret.end(), '\0');
    secret.clear();
}

const char* stepName(int step)
{
    static const char* const names[] = {"idle", "working", "ask", "done", "failed"};
    return names[step];
}

/// More than any redirect URL or code; a larger payload is not an answer.
constexpr std::size_t kMaxAnswer = 4096;

}  // namespace

std::string resolveChoice(const std::vector<std::string>& choices, const std::string& reply)
{
    if (choices.empty() || reply.empty() || reply.size() > 4)
        return reply;
    std::size_t n = 0;
    for (const char c : reply) {
        if (c < '0' || c > '9')
            return reply;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n >= 1 && n <= choices.size() ? choices[n - 1] : reply;
}

Renewal::Renewal(std::string sourceId, Authorization& auth, ConsentInfo* consent,
                 SecretScrubber& scrubber, Logger& log, Clock& clock)
    : sourceId_(std::move(sourceId)), auth_(auth), consent_(consent), scrubber_(scrubber),
      log_(log), clock_(clock), updated_(clock.wallNow())
{
    // Consent or setup token: the button starts whatever the plugin's authorization asks for.
    message_ = "No renewal in progress; press \"" + sourceId_ + " renew consent\" to " +
               (consent != nullptr ? "renew the bank consent" : "connect the bank again");
}

void Renewal::attach(Post post, std::function<void()> wake)
{
    post_ = std::move(post);
    wake_ = std::move(wake);
}

void Renewal::show(Step step, const std::string& message)
{
    step_ = step;
    message_ = sentence(message);
    if (step != Step::Ask) {
        url_.clear();
        choices_.clear();
        secretAnswer_ = false;
    }
    updated_ = clock_.wallNow();
    changed_ = true;
}

void Renewal::press()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (inFlight_) {
            log_.debug("consent renewal: a step is with the bank; the press is ignored");
            return;
        }
        inFlight_ = true;
        show(Step::Working, "Starting the renewal with the bank...");
    }
    log_.info("consent renewal started from Home Assistant");
    if (!post_([this] { runStep(true, {}); })) {
        std::lock_guard<std::mutex> lock(mutex_);
        inFlight_ = false;
    }
    wake_();
}

void Renewal::answer(const std::string& payload)
{
    // No payload at all is a retained answer being cleared, not an answer: the daemon's own
    // clear after each answer comes back to it, since it listens on the topic. Acted on, it
    // would be refused and cleared again, in a loop with the broker, and its sentence would
    // replace the step shown (a question, or "done" before the poll thread published it).
    if (payload.empty()) {
        log_.debug("consent renewal: the answer topic was cleared");
        return;
    }
    std::string reply = trimmed(payload);
    const char* why = "";  // for the log: never the answer itself
    bool accepted = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        clearAnswer_ = true;
        if (inFlight_) {
            why = "a step is still with the bank";
            show(Step::Working, "Still waiting for the bank, so the answer was ignored; paste it "
                                "again when the next step shows");
        } else if (step_ != Step::Ask) {
            why = "no renewal is in progress";
            show(Step::Idle, "No renewal is in progress, so the answer was ignored; press \"" +
                                 sourceId_ + " renew consent\" first");
        } else if (reply.empty() || reply.size() > kMaxAnswer) {
            why = reply.empty() ? "it is empty" : "it is too long";
            // The question stays; only the sentence says what was wrong.
            message_ = sentence(reply.empty() ? "The answer was empty; paste it again"
                                              : "The answer is too long to be one; paste only "
                                                "the address your browser ended on");
            updated_ = clock_.wallNow();
            changed_ = true;
        } else {
            reply = resolveChoice(choices_, reply);
            // Learnt before the plugin sees it: whatever it says or logs next is scrubbed.
            if (secretAnswer_)
                scrubber_.learnAnswer(reply);
            inFlight_ = true;
            show(Step::Working, "Checking the answer with the bank...");
            accepted = true;
        }
    }
    if (accepted) {
        if (post_([this, r = std::move(reply)]() mutable { runStep(false, std::move(r)); })) {
            wake_();
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        inFlight_ = false;
        show(Step::Idle, "bank2mqtt is stopping; the answer was not used");
        why = "the daemon is stopping";
    }
    wipe(reply);
    log_.info(std::string("consent renewal: an answer was ignored: ") + why);
    wake_();
}

void Renewal::runStep(bool start, std::string reply)
{
    AuthStep step;
    try {
        step = start ? auth_.start() : auth_.answer(reply);
    } catch (...) {
        step = AuthStep::failed("the plugin failed while authorizing");
    }
    wipe(reply);
    std::optional<TimePoint> end;
    if (step.kind == AuthStep::Kind::Done && consent_ != nullptr)
        end = consent_->consentEnd();
    const std::string prompt = scrubber_.scrub(step.prompt);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        inFlight_ = false;
        switch (step.kind) {
        case AuthStep::Kind::Ask:
            show(Step::Ask, prompt);
            askedAt_ = clock_.monotonicNow();
            url_ = scrubber_.scrub(step.url);
            for (const auto& choice : step.choices)
                choices_.push_back(scrubber_.scrub(choice));
            secretAnswer_ = step.secretAnswer;
            break;
        case AuthStep::Kind::Done:
            show(Step::Done, prompt);
            done_ = true;
            consentEnd_ = end;
            break;
        case AuthStep::Kind::Failed:
            show(Step::Failed, prompt);
            break;
        }
    }
    switch (step.kind) {
    case AuthStep::Kind::Ask:
        log_.info("consent renewal: waiting for an answer in Home Assistant: " + prompt);
        break;
    case AuthStep::Kind::Done:
        log_.info("consent renewed: " + prompt);
        break;
    case AuthStep::Kind::Failed:
        log_.warning("consent renewal failed: " + prompt);
        break;
    }
}

std::optional<Renewal::MonoTime> Renewal::deadline() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (step_ != Step::Ask || inFlight_)
        return std::nullopt;
    return askedAt_ + kAskTimeout;
}

void Renewal::expire()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (step_ != Step::Ask || inFlight_ || clock_.monotonicNow() < askedAt_ + kAskTimeout)
            return;
        show(Step::Idle, "The renewal was not finished within an hour; press \"" + sourceId_ +
                             " renew consent\" to start again");
    }
    log_.info("consent renewal: no answer within an hour; given up");
}

Renewal::Update Renewal::take()
{
    std::lock_guard<std::mutex> lock(mutex_);
    Update update;
    if (std::exchange(changed_, false))
        update.payload = json();
    update.clearAnswer = std::exchange(clearAnswer_, false);
    update.done = std::exchange(done_, false);
    if (update.done)
        update.consentEnd = std::exchange(consentEnd_, std::nullopt);
    return update;
}

std::string Renewal::json() const
{
    std::string choices = "[";
    for (std::size_t i = 0; i < choices_.size(); ++i)
        choices += (i ? "," : "") + jsonString(choices_[i]);
    choices += "]";
    return "{\"step\":" + jsonString(stepName(static_cast<int>(step_))) +
           ",\"message\":" + jsonString(message_) +
           ",\"url\":" + (url_.empty() ? std::string("null") : jsonString(url_)) +
           ",\"choices\":" + choices + ",\"updated\":" + jsonString(formatRfc3339(updated_)) + "}";
}

}  // namespace bank2mqtt
