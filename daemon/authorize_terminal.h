// SPDX-License-Identifier: MIT
// `bank2mqtt --authorize=SOURCE`: a plugin's Authorization steps asked and answered on a terminal.
#pragma once

#include "bank2mqtt/capabilities.h"

#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace bank2mqtt {

/// One line the person typed; nullopt at the end of input. `secret`: the answer must not be
/// echoed (the host turns echo off on a terminal).
using ReadAnswer = std::function<std::optional<std::string>(bool secret)>;
/// The host's scrubbing of the source's secrets from a plugin's text.
using ScrubText = std::function<std::string(const std::string&)>;

/// Runs `auth` from start() to Done or Failed: each Ask step's prompt, URL and numbered
/// choices are written to `out` (a choice is answered by its number or its text), the reply is
/// read with `read`. Returns the exit code: 0 authorized, 77 the bank refused (access denied, a
/// code used twice), 64 a wrong answer (a URL from another attempt) or no answer at all.
/// Nothing the person types is written back.
int runAuthorization(Authorization& auth, const std::string& sourceId, const ReadAnswer& read,
                     std::ostream& out, const ScrubText& scrub);

/// A ReadAnswer on stdin; with `secret` on a terminal, echo is off while the line is typed.
std::optional<std::string> readStdinLine(bool secret);

}  // namespace bank2mqtt
