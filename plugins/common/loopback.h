// SPDX-License-Identifier: MIT
// Whether a URL's host is this machine: the one rule behind "plain http:// and insecure TLS
// only to loopback", shared by the daemon's HTTP client, its configuration checks and plugins.
#pragma once

#include <string_view>

namespace bank2mqtt {

/// True for "localhost", an IPv4 literal in 127.0.0.0/8 ("127.0.0.1", "127.1.2.3") and the IPv6
/// loopback "::1" (also bracketed, "[::1]", and as the mapped "::ffff:127.0.0.1"). Anything else
/// is false, including names that merely start with "127." ("127.evil.example"), since a name
/// is resolved by DNS and may point anywhere. No DNS lookup is done. Thread-safe, no throw.
bool isLoopbackHost(std::string_view host) noexcept;

}  // namespace bank2mqtt
