// SPDX-License-Identifier: MIT
// The Firefly III simulator: pages that drop `type` in links, error forms, control, both listeners.
#include "firefly_simulator.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

namespace bank2mqtt::ffsim {
namespace {

FfRequest get(const std::string& query, const std::string& accept = "application/vnd.api+json",
              const std::string& token = kDefaultToken)
{
    FfRequest r;
    r.path = "/api/v1/accounts";
    r.query = query;
    r.authorization = "Bearer " + token;
    r.accept = accept;
    r.listener = "https";
    r.host = "127.0.0.1:8443";
    return r;
}

FfRequest controlRequest(const std::string& method, const std::string& path,
                         const std::string& query = "")
{
    FfRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    return r;
}

Poco::JSON::Object::Ptr parse(const std::string& body)
{
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

TEST(FireflySim, ServesAssetPagesWithMixedTypesAndLinksWithoutType)
{
    FfSimOptions options;
    options.extraAccounts = 5;
    FfBank bank(options);
    const FfResponse first = bank.api(get("type=asset&limit=6&page=1"));
    ASSERT_EQ(first.status, 200);
    EXPECT_EQ(first.contentType, "application/vnd.api+json");
    const auto doc = parse(first.body);
    const auto pagination = doc->getObject("meta")->getObject("pagination");
    EXPECT_EQ(pagination->getValue<int>("total"), 13);
    EXPECT_EQ(pagination->getValue<int>("total_pages"), 3);
    EXPECT_EQ(doc->getArray("data")->size(), 6u);
    const std::string next = doc->getObject("links")->getValue<std::string>("next");
    EXPECT_EQ(next, "https://127.0.0.1:8443/api/v1/accounts?limit=6&page=2");
    EXPECT_NE(first.body.find("\"type\":\"expense\""), std::string::npos);
    EXPECT_NE(first.body.find("\"current_balance\":\"150000\""), std::string::npos);
    EXPECT_EQ(parse(bank.api(get("type=asset&limit=6&page=3")).body)->getArray("data")->size(), 1u);
    // Without mixing, type=asset gives asset accounts only.
    bank.control(controlRequest("POST", "/mix_types", "on=0"));
    EXPECT_EQ(bank.api(get("type=asset&limit=500")).body.find("\"expense\""), std::string::npos);
}

TEST(FireflySim, TheLate62VariantSendsYenWithTwoZeros)
{
    FfSimOptions options;
    options.version = "6.2";
    FfBank bank(options);
    EXPECT_NE(bank.api(get("type=asset")).body.find("\"current_balance\":\"150000.00\""),
              std::string::npos);
}

TEST(FireflySim, AuthenticationAndAcceptAsFireflyDoes)
{
    FfBank bank(FfSimOptions{});
    const FfResponse wrongToken = bank.api(get("type=asset", "application/json", "nope"));
    EXPECT_EQ(wrongToken.status, 401);
    EXPECT_EQ(wrongToken.body,
              R"({"message":"Unauthenticated.","exception":"AuthenticationException"})");
    FfRequest noAccept = get("type=asset", "", "nope");
    noAccept.accept.reset();
    const FfResponse redirect = bank.api(noAccept);
    EXPECT_EQ(redirect.status, 302);
    ASSERT_FALSE(redirect.headers.empty());
    EXPECT_EQ(redirect.headers[0].second, "https://127.0.0.1:8443/login");
    EXPECT_EQ(bank.api(get("type=asset", "text/plain")).status, 406);
    EXPECT_EQ(bank.api(get("type=asset&limit=131338")).status, 422);
    EXPECT_EQ(bank.api(get("type=nonsense")).status, 422);

    bank.control(controlRequest("POST", "/proxy", "on=1"));
    EXPECT_EQ(bank.api(get("type=asset")).status, 302);
}

TEST(FireflySim, FaultsCountDownAndCountersCount)
{
    FfBank bank(FfSimOptions{});
    EXPECT_EQ(bank.control(controlRequest("POST", "/fault", "mode=bogus")).status, 400);
    ASSERT_EQ(bank.control(controlRequest("POST", "/fault", "mode=500&count=1")).status, 200);
    EXPECT_EQ(bank.api(get("type=asset")).status, 500);
    EXPECT_EQ(bank.api(get("type=asset")).status, 200);
    bank.control(controlRequest("POST", "/fault", "mode=truncated"));
    const FfResponse truncated = bank.api(get("type=asset"));
    EXPECT_EQ(truncated.status, 200);
    EXPECT_THROW(parse(truncated.body), Poco::Exception);
    bank.control(controlRequest("POST", "/fault", "mode=login_html"));
    EXPECT_EQ(bank.api(get("type=asset")).contentType, "text/html; charset=UTF-8");
    bank.control(controlRequest("POST", "/fault", "mode=basic_auth"));
    const FfResponse basic = bank.api(get("type=asset"));
    EXPECT_EQ(basic.status, 401);
    ASSERT_EQ(basic.headers.size(), 1u);
    EXPECT_EQ(basic.headers[0].first, "WWW-Authenticate");
    bank.control(controlRequest("POST", "/fault", "mode=none"));
    bank.control(controlRequest("POST", "/balance", "id=1&amount=12.50"));
    EXPECT_NE(bank.api(get("type=asset")).body.find("\"current_balance\":\"12.50\""),
              std::string::npos);
    const auto counters = parse(bank.control(controlRequest("GET", "/counters")).body);
    EXPECT_EQ(counters->getValue<int>("accounts"), 6);  // faults included
    EXPECT_EQ(counters->getValue<int>("page_1"), 3);
}

std::string fetch(Poco::Net::HTTPClientSession& session)
{
    Poco::Net::HTTPRequest request("GET", "/api/v1/accounts?type=asset&limit=500&page=1",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + kDefaultToken);
    request.set("Accept", "application/vnd.api+json");
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    return std::to_string(response.getStatus()) + " " + body;
}

TEST(FireflySim, ServesHttpsAndPlainHttpOnLoopback)
{
    Poco::Net::initializeSSL();
    FfSimOptions options;
    options.certFile = std::string(BANK2MQTT_TEST_CERT_DIR) + "/server.pem";
    options.keyFile = std::string(BANK2MQTT_TEST_CERT_DIR) + "/server.key";
    {
        FireflySimulator sim(options);
        sim.start();
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, "", "",
            std::string(BANK2MQTT_TEST_CERT_DIR) + "/ca.pem", Poco::Net::Context::VERIFY_RELAXED);
        Poco::Net::HTTPSClientSession https("127.0.0.1", sim.httpsPort(), context);
        EXPECT_EQ(fetch(https).rfind("200 {\"data\":[", 0), 0u);
        Poco::Net::HTTPClientSession http("127.0.0.1", sim.httpPort());
        EXPECT_EQ(fetch(http).rfind("200 {\"data\":[", 0), 0u);
        const auto counters = parse(sim.bank().control(controlRequest("GET", "/counters")).body);
        EXPECT_EQ(counters->getValue<int>("https"), 1);
        EXPECT_EQ(counters->getValue<int>("http"), 1);
        sim.stop();
    }
    Poco::Net::uninitializeSSL();
}

}  // namespace
}  // namespace bank2mqtt::ffsim
