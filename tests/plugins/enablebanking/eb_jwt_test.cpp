// SPDX-License-Identifier: MIT
// RS256 JWTs for Enable Banking: key loading errors, signature and claims, and token reuse.
#include "eb_jwt.h"

#include "support/fake_clock.h"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace bank2mqtt::enablebanking::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kAppId = "5d0a1b6e-1234-4abc-9def-0123456789ab";

std::string keyPath(const std::string& name)
{
    return std::string(EB_KEYS_DIR) + "/" + name;
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::shared_ptr<const JwtSigner> testSigner()
{
    const JwtSignerLoad load = JwtSigner::fromPemFile(keyPath("test_rsa_private.pem"), kAppId);
    EXPECT_TRUE(load.ok()) << load.error;
    return load.signer;
}

// Verifies `jwt` with the test PUBLIC key, as Enable Banking (and the simulator) do.
Poco::JWT::Token verified(const std::string& jwt)
{
    Poco::SharedPtr<Poco::Crypto::RSAKey> publicKey =
        new Poco::Crypto::RSAKey(keyPath("test_rsa_public.pem"), "", "");
    Poco::JWT::Signer verifier(publicKey);
    verifier.setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
    return verifier.verify(jwt);
}

TEST(EbJwt, SignsRs256WithTheHeaderAndClaimsEnableBankingRequires)
{
    const auto signer = testSigner();
    std::string error;
    const auto iat = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    const std::string jwt = signer->sign(iat, std::chrono::hours(1), error);
    ASSERT_FALSE(jwt.empty()) << error;
    const Poco::JWT::Token token = verified(jwt);
    EXPECT_EQ(token.getType(), "JWT");
    EXPECT_EQ(token.getAlgorithm(), "RS256");
    EXPECT_EQ(token.header().getValue<std::string>("kid"), kAppId);
    EXPECT_EQ(token.payload().getValue<std::string>("iss"), "enablebanking.com");
    EXPECT_EQ(token.payload().getValue<std::string>("aud"), "api.enablebanking.com");
    // Integers on the wire, not 1.7957628e+09.
    EXPECT_TRUE(token.payload().get("iat").isInteger());
    EXPECT_TRUE(token.payload().get("exp").isInteger());
    EXPECT_EQ(token.payload().getValue<Poco::Int64>("iat"), 1795762800);
    EXPECT_EQ(token.payload().getValue<Poco::Int64>("exp"), 1795762800 + 3600);
}

TEST(EbJwt, ATamperedSignatureDoesNotVerify)
{
    std::string error;
    const std::string jwt =
        testSigner()->sign(std::chrono::system_clock::now(), std::chrono::hours(1), error);
    std::string tampered = jwt;
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_THROW(verified(tampered), Poco::Exception);
}

TEST(EbJwt, LifetimeNeverExceedsTwentyFourHours)
{
    std::string error;
    const auto iat = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    const Poco::JWT::Token token = verified(testSigner()->sign(iat, std::chrono::hours(48), error));
    EXPECT_EQ(token.payload().getValue<Poco::Int64>("exp") -
                  token.payload().getValue<Poco::Int64>("iat"),
              86400);
}

TEST(EbJwt, LoadsThePkcs1FormToo)
{
    const JwtSignerLoad load =
        JwtSigner::fromPemFile(keyPath("test_rsa_private_pkcs1.pem"), kAppId);
    ASSERT_TRUE(load.ok()) << load.error;
    std::string error;
    EXPECT_NO_THROW(verified(
        load.signer->sign(std::chrono::system_clock::now(), std::chrono::hours(1), error)));
}

TEST(EbJwt, AMissingKeyFileIsAnErrorNamingKeyAndFile)
{
    const JwtSignerLoad load = JwtSigner::fromPemFile("/nonexistent/eb.pem", kAppId);
    ASSERT_FALSE(load.ok());
    EXPECT_THAT(load.error, HasSubstr("Enable Banking private key"));
    EXPECT_THAT(load.error, HasSubstr("/nonexistent/eb.pem"));
    EXPECT_THAT(load.error, HasSubstr("cannot be read"));
}

TEST(EbJwt, MalformedKeysAreErrorsNotExceptions)
{
    const std::string pem = readFile(keyPath("test_rsa_private.pem"));
    const std::string broken = pem.substr(0, 60) + "!!!!" + pem.substr(80);
    for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
             {"", "is empty"},
             {"hello", "is not a PEM private key"},
             {broken, "is malformed"},
             {readFile(keyPath("test_rsa_public.pem")), "not the private key"},
             {readFile(keyPath("test_ec_private.pem")), "is not an RSA key"},
             {readFile(keyPath("test_rsa_encrypted.pem")), "passphrase"},
         }) {
        const JwtSignerLoad load = JwtSigner::fromPem(text, "/etc/bank2mqtt/eb.pem", kAppId);
        ASSERT_FALSE(load.ok()) << expected;
        EXPECT_THAT(load.error, HasSubstr(expected));
        EXPECT_THAT(load.error, HasSubstr("key_file /etc/bank2mqtt/eb.pem"));
        EXPECT_THAT(load.error, Not(HasSubstr("MII")));  // never quotes the key
    }
}

TEST(JwtCache, ReusesTheTokenUntilFiveMinutesBeforeItExpires)
{
    bank2mqtt::test::FakeClock clock;
    JwtCache cache(testSigner(), clock);
    std::string error;
    const std::string first = cache.token(error);
    ASSERT_FALSE(first.empty()) << error;
    for (int poll = 0; poll < 54; ++poll) {
        clock.advance(std::chrono::minutes(1));
        EXPECT_EQ(cache.token(error), first);
    }
    EXPECT_EQ(cache.signatures(), 1u);       // zero signatures per poll in steady state
    clock.advance(std::chrono::minutes(1));  // 55 min: within 5 min of exp
    const std::string second = cache.token(error);
    EXPECT_NE(second, first);
    EXPECT_EQ(cache.signatures(), 2u);
    EXPECT_EQ(verified(second).payload().getValue<Poco::Int64>("iat"), 1795762800 + 55 * 60);
}

TEST(JwtCache, SignsAgainAfterInvalidate)
{
    bank2mqtt::test::FakeClock clock;
    JwtCache cache(testSigner(), clock);
    std::string error;
    cache.token(error);
    cache.invalidate();
    cache.token(error);
    EXPECT_EQ(cache.signatures(), 2u);
}

TEST(JwtCache, ClampsTheLifetimeToTheApiMaximum)
{
    bank2mqtt::test::FakeClock clock;
    JwtCache cache(testSigner(), clock, std::chrono::hours(30));
    EXPECT_EQ(cache.lifetime(), std::chrono::seconds(86400));
}

// A wall clock set back (NTP correcting a Pi that booted with a wrong date) must not keep a
// token whose iat lies in the future.
class SettableClock : public Clock {
public:
    std::chrono::system_clock::time_point wall{std::chrono::seconds(1795762800)};
    std::chrono::system_clock::time_point wallNow() const override { return wall; }
    std::chrono::steady_clock::time_point monotonicNow() const override { return {}; }
};

TEST(JwtCache, SignsAgainWhenTheWallClockGoesBack)
{
    SettableClock clock;
    JwtCache cache(testSigner(), clock);
    std::string error;
    cache.token(error);
    clock.wall -= std::chrono::hours(2);
    cache.token(error);
    EXPECT_EQ(cache.signatures(), 2u);
}

}  // namespace
}  // namespace bank2mqtt::enablebanking::test
