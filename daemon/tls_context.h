// SPDX-License-Identifier: MIT
// The TLS side of PocoHttpClient: shared client contexts, and why a handshake failed, in words.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace Poco::Net {
class SSLException;
}

namespace bank2mqtt {

/// The client context for (caFile, insecure): system CAs (looked up lazily in the hashed
/// certificate directory) plus `caFile`, host names checked (VERIFY_STRICT), TLS 1.2 or later,
/// client session cache; no verification at all when `insecure`. Shared by every source with
/// the same settings, alive until the process ends. Thread-safe.
Poco::Net::Context::Ptr sharedTlsContext(const std::string& caFile, bool insecure);

/// Call on the thread about to run a handshake: tlsFailureText() then explains only its
/// failure.
void forgetTlsVerifyError();

/// A failed handshake on this thread in words a user can act on, at most ~100 characters:
/// "the bank's certificate has expired; ...", "... is not trusted; ...", "... is not valid for
/// the host name bank.example".
std::string tlsFailureText(const Poco::Net::SSLException& e, const std::string& host);

}  // namespace bank2mqtt
