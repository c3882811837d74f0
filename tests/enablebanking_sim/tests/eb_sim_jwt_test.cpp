// SPDX-License-Identifier: MIT
// The simulator refuses every JWT that breaks one of Enable Banking's rules, with 401.
#include "eb_sim_test_support.h"

namespace bank2mqtt::ebsim::test {
namespace {

class EbSimJwtTest : public EbSimTest {
protected:
    /// GET /aspsps with the token made from `spec`; expects a 401 UNAUTHORIZED_ACCESS.
    void expectRefused(const JwtSpec& spec, const std::string& why)
    {
        const HttpResult reply = api("GET", "/aspsps?country=NO", "", signJwt(spec));
        EXPECT_EQ(reply.status, 401) << why << ": " << reply.body;
        const auto body = parseObject(reply.body);
        EXPECT_EQ(body->getValue<int>("code"), 401);
        EXPECT_EQ(body->getValue<std::string>("error"), "UNAUTHORIZED_ACCESS");
        EXPECT_NE(body->getValue<std::string>("message").find(why), std::string::npos)
            << reply.body;
    }

    JwtSpec valid() const
    {
        JwtSpec spec;
        spec.iat = sim_->state().now();
        return spec;
    }
};

TEST_F(EbSimJwtTest, AcceptsAValidTokenAndCountsIt)
{
    const std::string token = jwt();
    EXPECT_EQ(api("GET", "/aspsps?country=NO", "", token).status, 200);
    EXPECT_EQ(api("GET", "/application", "", token).status, 200);
    const auto counters = parseObject(control("GET", "/counters").body);
    EXPECT_EQ(counters->getValue<int>("jwts_accepted"), 2);
    EXPECT_EQ(counters->getValue<int>("distinct_jwts"), 1);
    EXPECT_EQ(counters->getValue<int>("jwts_rejected"), 0);
}

TEST_F(EbSimJwtTest, RefusesAMissingOrNonBearerHeader)
{
    auto session = httpsSession();
    HttpResult reply = request(*session, "GET", "/aspsps");
    EXPECT_EQ(reply.status, 401) << reply.body;
    reply = api("GET", "/aspsps", "", "x", {});
    EXPECT_EQ(reply.status, 401);
}

TEST_F(EbSimJwtTest, RefusesAnotherKeysSignature)
{
    JwtSpec spec = valid();
    spec.keyFile = "eb-other.key";
    expectRefused(spec, "signature");
}

TEST_F(EbSimJwtTest, RefusesAnotherAlgorithm)
{
    JwtSpec spec = valid();
    spec.algorithm = "HS256";
    expectRefused(spec, "RS256");
    spec = valid();
    spec.algorithm = "RS512";  // right key, wrong algorithm
    expectRefused(spec, "RS256");
}

TEST_F(EbSimJwtTest, RefusesAWrongKid)
{
    JwtSpec spec = valid();
    spec.kid = "00000000-0000-4000-8000-000000000000";
    expectRefused(spec, "kid");
}

TEST_F(EbSimJwtTest, RefusesAWrongIssuerOrAudience)
{
    JwtSpec spec = valid();
    spec.iss = "example.com";
    expectRefused(spec, "iss");
    spec = valid();
    spec.aud = "api.tilisy.com";
    expectRefused(spec, "aud");
}

TEST_F(EbSimJwtTest, RefusesAMissingTyp)
{
    JwtSpec spec = valid();
    spec.typ.clear();
    expectRefused(spec, "typ");
}

TEST_F(EbSimJwtTest, RefusesAnExpiredToken)
{
    JwtSpec spec = valid();
    spec.iat -= 7200;
    expectRefused(spec, "expired");
}

TEST_F(EbSimJwtTest, ExpiresWithTheSimulatorsClock)
{
    const std::string token = jwt();
    EXPECT_EQ(api("GET", "/aspsps", "", token).status, 200);
    EXPECT_EQ(control("POST", "/clock/advance?seconds=3600").status, 200);
    EXPECT_EQ(api("GET", "/aspsps", "", token).status, 401);
}

TEST_F(EbSimJwtTest, RefusesALifetimeOverADay)
{
    JwtSpec spec = valid();
    spec.lifetime = 86401;
    expectRefused(spec, "86400");
    spec.lifetime = 86400;  // the maximum itself is fine
    EXPECT_EQ(api("GET", "/aspsps", "", signJwt(spec)).status, 200);
}

TEST_F(EbSimJwtTest, CountsRejections)
{
    JwtSpec spec = valid();
    spec.kid = "wrong";
    api("GET", "/aspsps", "", signJwt(spec));
    const auto counters = parseObject(control("GET", "/counters").body);
    EXPECT_EQ(counters->getValue<int>("jwts_rejected"), 1);
    EXPECT_EQ(counters->getValue<int>("jwts_accepted"), 0);
}

TEST(EbSimJwtOptions, RefusesAnApplicationKeyThatIsNotRsa)
{
    EbSimOptions options;
    options.certFile = certPath("server.pem");
    options.keyFile = certPath("server.key");
    options.appKeyFile = certPath("eb-ec.key");
    EnableBankingSimulator sim(options);
    EXPECT_ANY_THROW(sim.start());
}

}  // namespace
}  // namespace bank2mqtt::ebsim::test
