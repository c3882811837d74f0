// SPDX-License-Identifier: MIT
// Optional interfaces a plugin may offer beside BankSource, found through BankSource::capability.
//
// How the API grows without breaking plugins: BankSource's virtual table is fixed since API 2.
// Whatever a later version adds comes as a new interface here, with a name and a version of its
// own; the host asks a source for it (capabilityOf<T>) and works without it when the plugin is
// older. An interface, once published, never changes: a changed one gets a new version number
// and the host may ask for either.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

/// One step of an authorization: a question for the person, or the end.
struct AuthStep {
    enum class Kind {
        Ask,     ///< show `prompt` (and `url`, `choices`), then call answer() with the reply
        Done,    ///< authorized; `prompt` says what was stored (e.g. "consent valid until ...")
        Failed,  ///< `prompt` says why in one sentence; nothing was stored
    };
    Kind kind = Kind::Failed;
    /// The question or the outcome, one or two sentences a person understands. Never a secret,
    /// a token, an authorization code or a full account number.
    std::string prompt;
    /// Ask: a URL the person opens in a browser before answering (the bank's login page).
    std::string url;
    /// Ask: the possible answers (e.g. the banks of a country); empty = free text.
    std::vector<std::string> choices;
    /// Ask: the answer is a secret (a setup token, a URL with a code): the host does not echo,
    /// log or publish it.
    bool secretAnswer = false;
    /// Failed: the person's answer was wrong (a URL from another attempt, a malformed paste):
    /// exit 64 on the terminal. Otherwise the bank refused (access denied, code used): exit 77.
    bool usageError = false;

    static AuthStep ask(std::string prompt, std::string url = {},
                        std::vector<std::string> choices = {}, bool secretAnswer = false)
    {
        AuthStep s;
        s.kind = Kind::Ask;
        s.prompt = std::move(prompt);
        s.url = std::move(url);
        s.choices = std::move(choices);
        s.secretAnswer = secretAnswer;
        return s;
    }
    static AuthStep done(std::string prompt)
    {
        AuthStep s;
        s.kind = Kind::Done;
        s.prompt = std::move(prompt);
        return s;
    }
    static AuthStep failed(std::string prompt, bool usageError = false)
    {
        AuthStep s;
        s.kind = Kind::Failed;
        s.prompt = std::move(prompt);
        s.usageError = usageError;
        return s;
    }
};

/// A login that needs a person (an OAuth consent, a one-time setup token). The plugin owns the
/// protocol: which questions, which URL, what it stores in its StateStore. The host owns input
/// and output: `bank2mqtt --authorize=<source>` on a terminal, or Home Assistant (a button that
/// starts it and publishes the URL, a text entity that takes the answer). No plugin reads stdin
/// or touches MQTT. Called from one thread at a time, like BankSource; may block on the network.
class Authorization {
public:
    static constexpr const char* kName = "bank2mqtt.authorization";
    static constexpr std::uint32_t kVersion = 1;

    virtual ~Authorization() = default;
    /// Starts a new authorization and returns its first step; one in progress is abandoned.
    virtual AuthStep start() noexcept = 0;
    /// The person's reply to the last Ask step. After Done or Failed, start() begins anew.
    virtual AuthStep answer(const std::string& reply) noexcept = 0;
};

/// A login whose access ends on a date (a PSD2 consent, 90-180 days), so that the host can warn
/// before it ends and show the date in Home Assistant.
class ConsentInfo {
public:
    static constexpr const char* kName = "bank2mqtt.consent";
    static constexpr std::uint32_t kVersion = 1;

    virtual ~ConsentInfo() = default;
    /// When the current consent ends; nullopt when there is none (not authorized yet).
    virtual std::optional<std::chrono::system_clock::time_point> consentEnd() const noexcept = 0;
};

/// A bank that allows only so many unattended calls a day (PSD2 RTS art. 36(5): 4 per account
/// per endpoint per rolling 24 h). The host never polls past it, spreads the polls over the day
/// and keeps the count across restarts; the plugin only says the limit.
class CallLimit {
public:
    static constexpr const char* kName = "bank2mqtt.call_limit";
    static constexpr std::uint32_t kVersion = 1;

    virtual ~CallLimit() = default;
    /// Polls (one fetch()) allowed per rolling 24 h; 0 = no limit. Read after configure().
    virtual std::uint32_t pollsPerDay() const noexcept = 0;
};

}  // namespace bank2mqtt
