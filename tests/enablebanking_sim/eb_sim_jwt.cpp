// SPDX-License-Identifier: MIT
// The simulator's JWT check: Poco::JWT for the signature, explicit checks for every claim.
#include "eb_sim_jwt.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/FileStream.h>
#include <Poco/JWT/JWTException.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/String.h>

#include <sstream>

namespace bank2mqtt::ebsim {

namespace {

Poco::SharedPtr<Poco::Crypto::RSAKey> loadKey(const std::string& keyFile)
{
    std::string pem;
    {
        Poco::FileInputStream in(keyFile);
        pem.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (pem.find("BEGIN CERTIFICATE") != std::string::npos) {
        std::istringstream in(pem);
        const Poco::Crypto::X509Certificate certificate(in);
        return new Poco::Crypto::RSAKey(certificate);
    }
    std::istringstream in(pem);
    if (pem.find("PRIVATE KEY") != std::string::npos) {
        return new Poco::Crypto::RSAKey(nullptr, &in, "");
    }
    return new Poco::Crypto::RSAKey(&in, nullptr, "");
}

/// An integer claim or header field; JSON numbers only (a string "123" is not one).
std::optional<long long> integerField(const Poco::JSON::Object& object, const std::string& name)
{
    if (!object.has(name)) {
        return std::nullopt;
    }
    const Poco::Dynamic::Var value = object.get(name);
    if (!value.isInteger()) {
        return std::nullopt;
    }
    return value.convert<long long>();
}

std::string stringField(const Poco::JSON::Object& object, const std::string& name)
{
    if (!object.has(name)) {
        return {};
    }
    const Poco::Dynamic::Var value = object.get(name);
    return value.isString() ? value.extract<std::string>() : std::string();
}

}  // namespace

JwtVerifier::JwtVerifier(const std::string& keyFile, std::string appId)
    : key_(loadKey(keyFile)), appId_(std::move(appId))
{
}

std::optional<std::string> JwtVerifier::check(const std::string& authorization, long long now) const
{
    const std::size_t space = authorization.find(' ');
    if (authorization.empty()) {
        return "no Authorization header";
    }
    if (space == std::string::npos ||
        Poco::icompare(authorization.substr(0, space), std::string("Bearer")) != 0) {
        return "the Authorization header is not a Bearer token";
    }
    const std::string jwt = Poco::trim(authorization.substr(space + 1));
    Poco::JWT::Token token;
    try {
        // Only RS256 is allowed, so a token signed with HS256 or "none" fails here.
        Poco::JWT::Signer signer(key_);
        signer.setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
        if (!signer.tryVerify(jwt, token)) {
            return "the JWT's signature does not verify with the application's key, or its "
                   "algorithm is not RS256";
        }
    } catch (const Poco::JWT::UnallowedAlgorithmException&) {
        return "the JWT's algorithm is not RS256";
    } catch (const Poco::Exception&) {
        return "the JWT is malformed";
    }
    const Poco::JSON::Object& header = token.header();
    const Poco::JSON::Object& claims = token.payload();
    if (stringField(header, "typ") != "JWT") {
        return "the JWT header has no typ \"JWT\"";
    }
    if (stringField(header, "alg") != "RS256") {
        return "the JWT header's alg is not RS256";
    }
    if (stringField(header, "kid") != appId_) {
        return "the JWT header's kid is not the application id";
    }
    if (stringField(claims, "iss") != "enablebanking.com") {
        return "the JWT's iss is not enablebanking.com";
    }
    if (stringField(claims, "aud") != "api.enablebanking.com") {
        return "the JWT's aud is not api.enablebanking.com";
    }
    const auto iat = integerField(claims, "iat");
    const auto exp = integerField(claims, "exp");
    if (!iat || !exp) {
        return "the JWT's iat and exp must be integer Unix seconds";
    }
    if (*exp <= now) {
        return "the JWT has expired";
    }
    if (*iat > now + kIatSkewSeconds) {
        return "the JWT's iat is in the future";
    }
    if (*exp - *iat > kMaxJwtLifetime) {
        return "the JWT lives longer than 86400 seconds";
    }
    return std::nullopt;
}

}  // namespace bank2mqtt::ebsim
