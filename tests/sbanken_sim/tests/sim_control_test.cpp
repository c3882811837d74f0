// SPDX-License-Identifier: MIT
// Tests of the simulator's control port: counters, balance and rename, dataset, errors.
#include "sim_test_support.h"

#include <Poco/JSON/Array.h>

#include <stdexcept>

namespace bank2mqtt::sim::test {
namespace {

const std::string kV1 = "/bank/api/v1/accounts";
const std::string kV2 = "/apibeta/api/v2/accounts";

using Control = SimulatorTest;

Poco::JSON::Object::Ptr accountNamed(const HttpResult& reply, const std::string& name)
{
    const auto object = parseObject(reply.body);
    if (!object) {
        return nullptr;
    }
    const auto items = object->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) {
        if (items->getObject(i)->getValue<std::string>("name") == name) {
            return items->getObject(i);
        }
    }
    return nullptr;
}

TEST_F(Control, CountersCountRequestsAndConnections)
{
    {
        auto session = httpsSession();
        const std::string bearer = token(*session);
        EXPECT_EQ(apiGet(*session, kV1, bearer).status, 200);
        EXPECT_EQ(apiGet(*session, kV2, bearer).status, 200);
        ASSERT_EQ(control("POST", "/fault?mode=503&count=1").status, 200);
        EXPECT_EQ(apiGet(*session, kV1, bearer).status, 503);
    }
    const HttpResult reply = control("GET", "/counters");
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(
        reply.body,
        R"({"token_requests":1,"tokens_issued":1,"account_requests":3,)"
        R"("tls_connections":1,"tls_handshakes":1,"tls_resumed":0,"transaction_requests":0})");

    auto second = httpsSession();
    EXPECT_EQ(request(*second, "POST", "/identityserver/connect/token").status, 400);
    const auto counters = sim_->state().counters();
    EXPECT_EQ(counters.tokenRequests, 2u);
    EXPECT_EQ(counters.tokensIssued, 1u);
    EXPECT_EQ(counters.tlsConnections, 2u);

    ASSERT_EQ(control("POST", "/reset-counters").status, 200);
    EXPECT_EQ(
        control("GET", "/counters").body,
        R"({"token_requests":0,"tokens_issued":0,"account_requests":0,)"
        R"("tls_connections":0,"tls_handshakes":0,"tls_resumed":0,"transaction_requests":0})");
}

TEST_F(Control, BalanceChangesWhatTheApiReturns)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);

    ASSERT_EQ(control("POST", "/balance?account=Lommepenger&balance=99.5").status, 200);
    ASSERT_EQ(control("POST", "/balance?account=97104133243&balance=-2000").status, 200);
    ASSERT_EQ(control("POST", "/balance?account=1C2D3E4F5A6B47C8D9E0F1A2B3C4D5E6"
                              "&balance=0.3&available=0.05")
                  .status,
              200);
    const HttpResult reply = apiGet(*session, kV2, bearer);
    EXPECT_NE(reply.body.find(R"("available":99.50,"balance":99.50)"), std::string::npos);
    EXPECT_NE(reply.body.find(R"("available":8000.00,"balance":-2000.00)"), std::string::npos);
    EXPECT_NE(reply.body.find(R"("available":0.05,"balance":0.30)"), std::string::npos);
    EXPECT_EQ(accountNamed(reply, "Kredittkort")->getValue<std::string>("accountNumber"),
              "97104133243");
}

TEST_F(Control, BalanceRejectsBadInput)
{
    EXPECT_EQ(control("POST", "/balance?account=Lommepenger&balance=1.234").status, 400);
    EXPECT_EQ(control("POST", "/balance?account=Lommepenger&balance=abc").status, 400);
    EXPECT_EQ(control("POST", "/balance?account=Lommepenger").status, 400);
    EXPECT_EQ(control("POST", "/balance?account=Lommepenger&balance=1&available=x").status, 400);
    const HttpResult unknown = control("POST", "/balance?account=Brukskonto&balance=1");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.body.find("Brukskonto"), std::string::npos);
    EXPECT_EQ(control("GET", "/balance?account=Lommepenger&balance=1").status, 405);
}

TEST_F(Control, RenameChangesTheName)
{
    ASSERT_EQ(control("POST", "/rename?account=97104133219&name=Ukepenger+%C3%98ystein").status,
              200);
    auto session = httpsSession();
    const HttpResult reply = apiGet(*session, kV1, token(*session));
    const auto renamed = accountNamed(reply, "Ukepenger \xC3\x98ystein");
    ASSERT_TRUE(renamed);
    EXPECT_EQ(renamed->getValue<std::string>("accountNumber"), "97104133219");
    EXPECT_EQ(control("POST", "/rename?account=97104133219&name=").status, 400);
    EXPECT_EQ(control("POST", "/rename?account=nope&name=x").status, 404);
}

TEST_F(Control, AccountsListsTheDataset)
{
    const HttpResult reply = control("GET", "/accounts");
    ASSERT_EQ(reply.status, 200);
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    const auto accounts = object->getArray("accounts");
    ASSERT_EQ(accounts->size(), 4u);
    EXPECT_EQ(accounts->getObject(3)->getValue<std::string>("name"), "Kredittkort");
    EXPECT_NE(reply.body.find(R"("balance":-1520.40)"), std::string::npos);
}

TEST_F(Control, TokensListsEveryIssuedTokenEvenAfterExpiry)
{
    const std::string first = token();
    const std::string second = token();
    ASSERT_EQ(control("POST", "/expire-tokens").status, 200);
    const std::string third = token();
    const HttpResult reply = control("GET", "/tokens");
    ASSERT_EQ(reply.status, 200);
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    const auto tokens = object->getArray("tokens");
    ASSERT_EQ(tokens->size(), 3u);
    EXPECT_EQ(tokens->getElement<std::string>(0), first);
    EXPECT_EQ(tokens->getElement<std::string>(1), second);
    EXPECT_EQ(tokens->getElement<std::string>(2), third);
    EXPECT_EQ(control("POST", "/tokens").status, 405);
}

TEST_F(Control, UnknownPathIs404)
{
    EXPECT_EQ(control("GET", "/nothing").status, 404);
    EXPECT_EQ(control("POST", "/counters").status, 405);
    EXPECT_EQ(control("GET", "/expire-tokens").status, 405);
}

TEST(SbankenSimulator, RefusesNonLoopbackBind)
{
    for (const char* address : {"0.0.0.0", "192.168.1.10", "::", "localhost"}) {
        SimulatorOptions options;
        options.certFile = certPath("server.pem");
        options.keyFile = certPath("server.key");
        options.bindAddress = address;
        SbankenSimulator sim(options);
        EXPECT_THROW(sim.start(), std::invalid_argument) << address;
        EXPECT_FALSE(sim.running());
    }
}

TEST(SbankenSimulator, ServesOnIpv6LoopbackAndRestarts)
{
    SimulatorOptions options;
    options.certFile = certPath("server.pem");
    options.keyFile = certPath("server.key");
    options.bindAddress = "::1";
    SbankenSimulator sim(options);
    try {
        sim.start();
    } catch (const Poco::Exception& e) {
        GTEST_SKIP() << "no IPv6 loopback here: " << e.displayText();
    }
    EXPECT_EQ(sim.authUrl(),
              "https://[::1]:" + std::to_string(sim.httpsPort()) + "/identityserver/connect/token");
    sim.stop();
    sim.start();
    EXPECT_TRUE(sim.running());
}

}  // namespace
}  // namespace bank2mqtt::sim::test
