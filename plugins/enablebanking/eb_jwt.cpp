// SPDX-License-Identifier: MIT
// Loading the application's RSA key and signing Enable Banking JWTs (Poco::JWT, Poco::Crypto).
#include "eb_jwt.h"

#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/SharedPtr.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>

namespace bank2mqtt::enablebanking {

struct JwtSigner::Key {
    Poco::SharedPtr<Poco::Crypto::RSAKey> rsa;
};

namespace {

// OpenSSL's passphrase callback: none, so an encrypted key fails instead of prompting.
int noPassphrase(char*, int, int, void*)
{
    return 0;
}

std::string keyNamed(std::string_view origin)
{
    return "the Enable Banking private key (key_file " + std::string(origin) + ")";
}

bool contains(std::string_view text, std::string_view what)
{
    return text.find(what) != std::string_view::npos;
}

}  // namespace

JwtSigner::JwtSigner(std::shared_ptr<const Key> key, std::string applicationId)
    : key_(std::move(key)), applicationId_(std::move(applicationId))
{
}

JwtSignerLoad JwtSigner::fromPemFile(const std::string& path, std::string applicationId) noexcept
{
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            const int error = errno;
            return {nullptr, keyNamed(path) + " cannot be read: " +
                                 (error ? std::strerror(error) : "unknown error")};
        }
        std::ostringstream text;
        text << in.rdbuf();
        if (in.bad())
            return {nullptr, keyNamed(path) + " cannot be read"};
        return fromPem(text.str(), path, std::move(applicationId));
    } catch (const std::exception&) {
        return {nullptr, keyNamed(path) + " cannot be read"};
    }
}

JwtSignerLoad JwtSigner::fromPem(std::string_view pem, std::string_view origin,
                                 std::string applicationId) noexcept
{
    const std::string name = keyNamed(origin);
    if (pem.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return {nullptr, name + " is empty"};
    // Checked before OpenSSL sees the text: an encrypted key would make it ask for a passphrase,
    // and a certificate or public key (what people upload to Enable Banking) cannot sign.
    if (contains(pem, "ENCRYPTED"))
        return {nullptr, name + " is protected by a passphrase; save it without one (bank2mqtt "
                                "reads it as a secret file: keep it mode 0600)"};
    if (contains(pem, "BEGIN CERTIFICATE") || contains(pem, "BEGIN PUBLIC KEY") ||
        contains(pem, "BEGIN RSA PUBLIC KEY")) {
        if (!contains(pem, "PRIVATE KEY-----"))
            return {nullptr, name +
                                 " holds a certificate or public key, not the private key; "
                                 "use the private key saved when the application was registered"};
    }
    if (!contains(pem, "-----BEGIN") || !contains(pem, "PRIVATE KEY-----"))
        return {nullptr, name + " is not a PEM private key (-----BEGIN PRIVATE KEY-----)"};
    // Read with OpenSSL directly: Poco 1.11's stream constructor leaks OpenSSL's allocation
    // when the PEM text is malformed. No passphrase callback answer: an encrypted key fails
    // instead of prompting on a terminal.
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio, nullptr, noPassphrase, nullptr) : nullptr;
    if (bio)
        BIO_free(bio);
    ERR_clear_error();
    if (pkey == nullptr)
        return {nullptr, name + " is malformed: it cannot be read as a PEM RSA private key"};
    const int type = EVP_PKEY_base_id(pkey);
    try {
        if (type != EVP_PKEY_RSA) {
            EVP_PKEY_free(pkey);
            return {nullptr, name + " is not an RSA key; Enable Banking accepts only RS256 (RSA)"};
        }
        const Poco::Crypto::EVPPKey evp(pkey);  // duplicates the key
        EVP_PKEY_free(pkey);
        pkey = nullptr;
        auto key = std::make_shared<Key>();
        key->rsa = new Poco::Crypto::RSAKey(evp);
        return {std::make_shared<const JwtSigner>(std::move(key), std::move(applicationId)), {}};
    } catch (const std::exception&) {
        if (pkey != nullptr)
            EVP_PKEY_free(pkey);
        return {nullptr, name + " is malformed: it cannot be read as a PEM RSA private key"};
    }
}

std::string JwtSigner::sign(std::chrono::system_clock::time_point issuedAt,
                            std::chrono::seconds lifetime, std::string& error) const noexcept
{
    try {
        lifetime = std::clamp(lifetime, std::chrono::seconds(1), kMaxJwtLifetime);
        const auto iat =
            std::chrono::duration_cast<std::chrono::seconds>(issuedAt.time_since_epoch()).count();
        Poco::JWT::Token token;
        token.setType("JWT");
        token.header().set("kid", applicationId_);
        token.payload().set("iss", std::string("enablebanking.com"));
        token.payload().set("aud", std::string("api.enablebanking.com"));
        // Integers, set directly: Token::setIssuedAt would write a floating-point number.
        token.payload().set("iat", static_cast<Poco::Int64>(iat));
        token.payload().set("exp", static_cast<Poco::Int64>(iat + lifetime.count()));
        Poco::JWT::Signer signer(key_->rsa);
        return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
    } catch (const std::exception&) {
        error = "signing the Enable Banking request token failed (RSA key of application " +
                applicationId_ + ")";
        return {};
    }
}

JwtCache::JwtCache(std::shared_ptr<const JwtSigner> signer, const Clock& clock,
                   std::chrono::seconds lifetime, std::chrono::seconds renewBefore)
    : signer_(std::move(signer)), clock_(clock),
      lifetime_(std::clamp(lifetime, std::chrono::seconds(60), kMaxJwtLifetime)),
      // At most half the lifetime, so that a token is always used for a while before renewal.
      renewBefore_(std::clamp(renewBefore, std::chrono::seconds(0), lifetime_ / 2))
{
}

std::string JwtCache::token(std::string& error)
{
    const auto now = clock_.wallNow();
    const bool fresh =
        !token_.empty() && now >= issuedAt_ && now < issuedAt_ + lifetime_ - renewBefore_;
    if (fresh)
        return token_;
    token_.clear();
    // Whole seconds, as in the token, so that the reuse window matches its iat/exp exactly.
    const auto issuedAt = std::chrono::time_point_cast<std::chrono::seconds>(now);
    std::string signed_ = signer_->sign(issuedAt, lifetime_, error);
    if (signed_.empty())
        return {};
    ++signatures_;
    token_ = std::move(signed_);
    issuedAt_ = issuedAt;
    return token_;
}

}  // namespace bank2mqtt::enablebanking
