// SPDX-License-Identifier: MIT
// Percent-encoding of credentials and path segments (RFC 3986 unreserved set only).
#pragma once

#include <string>
#include <string_view>

namespace bank2mqtt {

/// Percent-encodes every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) as
/// %XX with upper-case hex; a space becomes "%20", never '+'. Bytes are encoded one by one, so
/// UTF-8 text becomes its percent-encoded octets.
///
/// This is what OAuth2 (RFC 6749 section 2.3.1) asks for client ids and secrets before they are
/// joined with ':' and base64-encoded into `Authorization: Basic`. It is stricter than
/// form-encoding or Python's quote(), which leave '/' or '*' alone; servers decode both forms.
std::string formUrlEncode(std::string_view text);

}  // namespace bank2mqtt
