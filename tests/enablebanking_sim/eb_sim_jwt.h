// SPDX-License-Identifier: MIT
// Checks an Enable Banking bearer JWT the way api.enablebanking.com documents it.
//
// Rules (OpenAPI bearerAuth text, /work/shared/reference/enablebanking.md section 2): header
// typ "JWT", alg "RS256" (only), kid = the application id; claims iss "enablebanking.com",
// aud "api.enablebanking.com", iat and exp integers, exp in the future, exp - iat <= 86400;
// the RS256 signature verifies against the application's public key.
#pragma once

#include <Poco/Crypto/RSAKey.h>
#include <Poco/SharedPtr.h>

#include <optional>
#include <string>

namespace bank2mqtt::ebsim {

inline constexpr long long kMaxJwtLifetime = 86400;
/// How far in the future `iat` may be (the real skew allowance is unconfirmed).
inline constexpr long long kIatSkewSeconds = 60;

class JwtVerifier {
public:
    /// `keyFile`: PEM public key, certificate or private key of the application (only the
    /// public half is used). Throws Poco::Exception when it is not a readable RSA key.
    JwtVerifier(const std::string& keyFile, std::string appId);

    /// Why `authorization` (the whole header value) is refused at `now` (Unix seconds), or
    /// nullopt when it is a valid "Bearer <JWT>". The reason never contains the token.
    std::optional<std::string> check(const std::string& authorization, long long now) const;

private:
    Poco::SharedPtr<Poco::Crypto::RSAKey> key_;
    std::string appId_;
};

}  // namespace bank2mqtt::ebsim
