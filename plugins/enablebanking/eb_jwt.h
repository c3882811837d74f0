// SPDX-License-Identifier: MIT
// Enable Banking's self-signed RS256 JWT: loading the application's key, signing, and reuse.
//
// Every API call carries `Authorization: Bearer <JWT>` that the application signs itself; there
// is no token endpoint (Enable Banking's OpenAPI document, securitySchemes.bearerAuth):
//   header  {"typ":"JWT","alg":"RS256","kid":"<application id>"}   only RS256 is accepted
//   claims  {"iss":"enablebanking.com","aud":"api.enablebanking.com","iat":<unix s>,
//            "exp":<unix s>}   integers; exp - iat at most 86,400 s or the API refuses the token
// The official sample signs for one hour; so do we, and reuse the token until 5 minutes before
// it ends, so that a steady-state poll signs nothing.
#pragma once

#include "bank2mqtt/services.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace bank2mqtt::enablebanking {

/// The longest lifetime Enable Banking accepts, and the one we use unless told otherwise.
inline constexpr std::chrono::seconds kMaxJwtLifetime{86400};
inline constexpr std::chrono::seconds kDefaultJwtLifetime{3600};
/// A token is renewed this long before its `exp`, so that it never expires in flight.
inline constexpr std::chrono::seconds kDefaultJwtRenewBefore{300};

class JwtSigner;

/// The result of loading a key: `signer` on success, otherwise `error` is one sentence that
/// names the key and the file ("the Enable Banking private key (key_file /etc/...) is not a
/// PEM private key"). Never quotes the file's content.
struct JwtSignerLoad {
    std::shared_ptr<const JwtSigner> signer;
    std::string error;

    bool ok() const { return signer != nullptr; }
};

/// Signs Enable Banking JWTs with one application's RSA private key. Immutable once loaded, so
/// one signer may be shared by threads. Nothing here throws.
class JwtSigner {
public:
    /// Reads a PEM RSA private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY", as
    /// Enable Banking's control panel saves it) from `path`. Unreadable, empty, malformed,
    /// passphrase-protected (never prompted for), public-only and non-RSA keys are errors.
    static JwtSignerLoad fromPemFile(const std::string& path, std::string applicationId) noexcept;
    /// The same from PEM text; `origin` names where it came from in error sentences.
    static JwtSignerLoad fromPem(std::string_view pem, std::string_view origin,
                                 std::string applicationId) noexcept;

    /// A signed token issued at `issuedAt` (whole seconds) for `lifetime`, clamped to
    /// 1..kMaxJwtLifetime. Empty, with `error` set, only if the crypto library fails.
    std::string sign(std::chrono::system_clock::time_point issuedAt, std::chrono::seconds lifetime,
                     std::string& error) const noexcept;

    const std::string& applicationId() const { return applicationId_; }

    struct Key;  ///< the loaded key (Poco::Crypto); opaque to users of this header
    JwtSigner(std::shared_ptr<const Key> key, std::string applicationId);

private:
    std::shared_ptr<const Key> key_;
    std::string applicationId_;
};

/// Hands out a token per request, signing a new one only when the current one is within
/// `renewBefore` of its `exp`. Wall time decides (the server judges iat/exp by wall time): a
/// wall clock that jumps (NTP on a Raspberry Pi without an RTC) past the renewal point, or back
/// before `iat`, gets a fresh token. Not thread-safe: one cache per source, called from the
/// source's thread.
class JwtCache {
public:
    JwtCache(std::shared_ptr<const JwtSigner> signer, const Clock& clock,
             std::chrono::seconds lifetime = kDefaultJwtLifetime,
             std::chrono::seconds renewBefore = kDefaultJwtRenewBefore);

    /// The current token, signed anew when needed. Empty with `error` set on a signing failure.
    std::string token(std::string& error);
    /// Forgets the token (e.g. after a 401 that may come from a token the server refused).
    void invalidate() { token_.clear(); }
    /// How many tokens this cache has signed: the "signatures per poll" the benchmark counts.
    std::uint64_t signatures() const { return signatures_; }
    std::chrono::seconds lifetime() const { return lifetime_; }

private:
    std::shared_ptr<const JwtSigner> signer_;
    const Clock& clock_;
    std::chrono::seconds lifetime_;
    std::chrono::seconds renewBefore_;
    std::string token_;
    std::chrono::system_clock::time_point issuedAt_{};
    std::uint64_t signatures_ = 0;
};

}  // namespace bank2mqtt::enablebanking
