// SPDX-License-Identifier: MIT
// The secrets of one source, in every form a bank may echo them, taken out of texts.
#pragma once

#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/services.h"

#include <mutex>
#include <string>
#include <vector>

namespace bank2mqtt {

/// What the host knows to be secret about a source: the values it read from the `*_file` keys
/// (ConfigKey::Kind::SecretFile). A bank that echoes a request in its error text may quote them
/// plain, percent-encoded, or as the base64 of HTTP Basic credentials "<id>:<secret>" (with or
/// without percent-encoding); every form becomes "***". Thread-safe.
class SecretScrubber {
public:
    /// Learns the secrets of `config` (replacing earlier ones). `keys` is the plugin's schema;
    /// the secret of key "client_secret_file" is config.values["client_secret"]. Every other
    /// value of the section is tried as the user name of Basic credentials.
    void learn(const SourceConfig& config, const std::vector<ConfigKey>& keys);
    /// Adds a person's answer to an Authorization step (a redirect URL with a code, a setup
    /// token) for the rest of the process: the answer itself, percent-encoded, and each value
    /// of its query string (the code alone, as a bank or plugin may echo it). Kept by a later
    /// learn() too.
    void learnAnswer(const std::string& answer);

    /// `text` with every known form of every secret replaced by "***".
    std::string scrub(const std::string& text) const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> needles_;
    std::vector<std::string> answers_;  ///< needles from learnAnswer()
};

/// A Logger that scrubs every line before passing it on: the plugin's own log lines.
class ScrubbingLogger : public Logger {
public:
    ScrubbingLogger(Logger& out, const SecretScrubber& scrubber) : out_(out), scrubber_(scrubber) {}
    void log(LogLevel level, const std::string& message) override
    {
        out_.log(level, scrubber_.scrub(message));
    }

private:
    Logger& out_;
    const SecretScrubber& scrubber_;
};

}  // namespace bank2mqtt
