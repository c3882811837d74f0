// SPDX-License-Identifier: MIT
// The SimpleFIN simulator against a plain Poco HTTPS client: claim once, Basic auth, shapes,
// faults and the Bridge's daily quota.
#include "simplefin_simulator.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <sstream>

namespace bank2mqtt::sfsim {
namespace {

struct Reply {
    int status = 0;
    std::string type;
    std::string body;
};

std::string b64(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

std::string unb64(const std::string& text)
{
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    return std::string(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
}

class SimpleFinSim : public ::testing::Test {
protected:
    static void SetUpTestSuite() { Poco::Net::initializeSSL(); }
    static void TearDownTestSuite() { Poco::Net::uninitializeSSL(); }

    void SetUp() override { sim.start(); }

    Reply call(const std::string& method, const std::string& pathAndQuery,
               const std::string& authorization = "")
    {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, std::string(BANK2MQTT_TEST_CERT_DIR) + "/ca.pem",
            Poco::Net::Context::VERIFY_RELAXED);
        Poco::Net::HTTPSClientSession session("127.0.0.1", sim.httpsPort(), context);
        Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!authorization.empty())
            request.set("Authorization", authorization);
        request.setContentLength(0);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        Reply r;
        r.status = response.getStatus();
        r.type = response.getContentType();
        Poco::StreamCopier::copyToString(in, r.body);
        return r;
    }

    /// Claims a new token; returns "Basic ..." for its Access URL.
    std::string claimNew()
    {
        const std::string claimUrl = unb64(sim.state().newToken(sim.claimBase()));
        const Reply r = call("POST", Poco::URI(claimUrl).getPath());
        EXPECT_EQ(r.status, 200) << r.body;
        const std::string access = r.body.substr(0, r.body.find('\n'));
        const auto start = access.find("://") + 3;
        return "Basic " + b64(access.substr(start, access.find('@') - start));
    }

    /// A control-port call (plain HTTP); the reply's body, "HTTP <status>" prefixed unless 200.
    std::string control(const std::string& pathAndQuery)
    {
        Poco::Net::HTTPClientSession session("127.0.0.1", sim.controlPort());
        Poco::Net::HTTPRequest request("POST", pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentLength(0);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        return response.getStatus() == 200 ? body
                                           : "HTTP " + std::to_string(response.getStatus()) + body;
    }

    /// The id in a control reply {"id":"TRN-..."}.
    static std::string idOf(const std::string& reply)
    {
        const auto start = reply.find("\"id\":\"");
        if (start == std::string::npos)
            return {};
        return reply.substr(start + 6, reply.find('"', start + 6) - start - 6);
    }

    static SimOptions options()
    {
        SimOptions o;
        o.certFile = std::string(BANK2MQTT_TEST_CERT_DIR) + "/server.pem";
        o.keyFile = std::string(BANK2MQTT_TEST_CERT_DIR) + "/server.key";
        return o;
    }

    SimpleFinSimulator sim{options()};
};

TEST_F(SimpleFinSim, ATokenIsClaimedOnceThenForbidden)
{
    const std::string claimUrl = unb64(sim.state().newToken(sim.claimBase()));
    ASSERT_EQ(claimUrl.rfind(sim.claimBase(), 0), 0u) << claimUrl;
    const std::string path = Poco::URI(claimUrl).getPath();
    const Reply first = call("POST", path);
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.body.rfind("https://sfuser", 0), 0u) << first.body;
    EXPECT_NE(first.body.find("@127.0.0.1:"), std::string::npos);
    EXPECT_EQ(call("POST", path).status, 403);
    EXPECT_EQ(call("POST", "/simplefin/claim/unknown").status, 403);
}

TEST_F(SimpleFinSim, AccountsNeedTheAccessUrlsCredentials)
{
    EXPECT_EQ(call("GET", "/simplefin/accounts?version=2").status, 403);
    const Reply wrong = call("GET", "/simplefin/accounts", "Basic " + b64("a:b"));
    EXPECT_EQ(wrong.status, 403);
    EXPECT_NE(wrong.type.find("text/html"), std::string::npos);
    const std::string auth = claimNew();
    const Reply v2 = call("GET", "/simplefin/accounts?version=2&balances-only=1", auth);
    EXPECT_EQ(v2.status, 200);
    EXPECT_NE(v2.body.find("\"errlist\":[]"), std::string::npos) << v2.body;
    EXPECT_NE(v2.body.find("\"conn_id\":\"CON-2\""), std::string::npos);
    EXPECT_NE(v2.body.find("https://www.example.com/flight-miles"), std::string::npos);
    const Reply v1 = call("GET", "/simplefin/accounts", auth);
    EXPECT_EQ(v1.body.find("errlist"), std::string::npos);
    EXPECT_NE(v1.body.find("\"org\":{"), std::string::npos);
    sim.state().revokeAll();
    EXPECT_EQ(call("GET", "/simplefin/accounts?version=2", auth).status, 403);
}

TEST_F(SimpleFinSim, ConnectionErrorsFaultsAndBalancesAreControllable)
{
    const std::string auth = claimNew();
    sim.state().addError({"con.auth", "Please reauthenticate", "CON-2", "", true, false});
    sim.state().setBalance("checking", "12.50", std::nullopt);
    Reply r = call("GET", "/simplefin/accounts?version=2", auth);
    EXPECT_NE(
        r.body.find(R"({"code":"con.auth","message":"Please reauthenticate","conn_id":"CON-2"})"),
        std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find(R"("balance":"12.50","balance-date")"), std::string::npos) << r.body;
    sim.state().setFault("402");
    r = call("GET", "/simplefin/accounts?version=2", auth);
    EXPECT_EQ(r.status, 402);
    EXPECT_EQ(r.body, R"({"errors":["Payment required."],"accounts":[]})");
    sim.state().setFault("v1");
    r = call("GET", "/simplefin/accounts?version=2", auth);
    EXPECT_NE(r.body.find("Connection to Maple Credit Union may need attention"),
              std::string::npos);

    // drop: the failing connection's accounts are left out of v2 replies.
    sim.state().setFault("none");
    sim.state().addError({"con.", "Bank down", "CON-1", "", false, true});
    r = call("GET", "/simplefin/accounts?version=2", auth);
    EXPECT_EQ(r.body.find("Checking"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("Savings"), std::string::npos) << r.body;
}

TEST_F(SimpleFinSim, TheBridgeWarnsAbove48AndBlocksAbove96ADay)
{
    const std::string auth = claimNew();
    sim.state().setRequestsToday(48);
    Reply r = call("GET", "/simplefin/accounts?version=2", auth);
    EXPECT_NE(r.body.find("You have made 49 requests today"), std::string::npos) << r.body;
    sim.state().setRequestsToday(96);
    EXPECT_EQ(call("GET", "/simplefin/accounts?version=2", auth).status, 403);
    sim.state().advanceClock(86400);
    EXPECT_EQ(call("GET", "/simplefin/accounts?version=2", auth).status, 403)
        << "the blocked Access URL stays disabled";
}

TEST_F(SimpleFinSim, TransactionsFollowStartDatePendingAndBalancesOnly)
{
    const std::string auth = claimNew();
    const long long now = sim.state().now();
    const std::string old = idOf(control("/transaction?account=checking&amount=-20.00"
                                         "&description=OLD%20SHOP&posted=" +
                                         std::to_string(now - 10 * 86400)));
    const std::string recent =
        idOf(control("/transaction?account=checking&amount=-49.00&description=POS%20NARVESEN"
                     "&payee=Narvesen&memo=Card%204111&posted=" +
                     std::to_string(now - 86400)));
    const std::string pending =
        idOf(control("/transaction?account=visa&amount=-12.34&description=SQ%20COFFEE"
                     "&pending=1&transacted_at=" +
                     std::to_string(now - 600)));
    ASSERT_FALSE(old.empty());
    ASSERT_FALSE(recent.empty());
    ASSERT_FALSE(pending.empty());
    EXPECT_EQ(control("/transaction?account=nope&amount=1").substr(0, 8), "HTTP 400");
    EXPECT_EQ(control("/transaction?account=checking").substr(0, 8), "HTTP 400");

    const std::string since = "start-date=" + std::to_string(now - 5 * 86400);
    Reply r = call("GET", "/simplefin/accounts?version=2&" + since, auth);
    EXPECT_EQ(r.body.find(old), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("{\"id\":\"" + recent + "\",\"posted\":" + std::to_string(now - 86400) +
                          ",\"amount\":\"-49.00\",\"description\":\"POS NARVESEN\","
                          "\"payee\":\"Narvesen\",\"memo\":\"Card 4111\"}"),
              std::string::npos)
        << r.body;
    EXPECT_EQ(r.body.find(pending), std::string::npos) << "pending only with pending=1";

    r = call("GET", "/simplefin/accounts?version=2&" + since + "&pending=1", auth);
    EXPECT_NE(r.body.find("{\"id\":\"" + pending +
                          "\",\"posted\":0,\"amount\":\"-12.34\",\"description\":\"SQ COFFEE\","
                          "\"transacted_at\":" +
                          std::to_string(now - 600) + ",\"pending\":true}"),
              std::string::npos)
        << r.body;
    EXPECT_NE(
        sim.state().countersJson().find("\"last_query\":\"version=2&" + since + "&pending=1\""),
        std::string::npos)
        << sim.state().countersJson();

    r = call("GET", "/simplefin/accounts?version=2&balances-only=1", auth);
    EXPECT_EQ(r.body.find("transactions"), std::string::npos) << r.body;
    r = call("GET", "/simplefin/accounts?version=2", auth);
    EXPECT_NE(r.body.find(old), std::string::npos) << "no start-date: every booked entry";
}

TEST_F(SimpleFinSim, PostingAPendingEntryKeepsOrChangesItsId)
{
    const std::string auth = claimNew();
    const std::string kept =
        idOf(control("/transaction?account=visa&amount=-5.00&description=A&pending=1"));
    const std::string renamed =
        idOf(control("/transaction?account=visa&amount=-6.00&description=B&pending=1"));
    EXPECT_EQ(idOf(control("/transaction/post?id=" + kept)), kept);
    const std::string newId = idOf(control("/transaction/post?id=" + renamed + "&new_id=1"));
    EXPECT_FALSE(newId.empty());
    EXPECT_NE(newId, renamed);
    EXPECT_EQ(control("/transaction/post?id=" + kept).substr(0, 8), "HTTP 400")
        << "only a pending entry can post";

    const Reply r = call("GET", "/simplefin/accounts?version=2&pending=1", auth);
    EXPECT_EQ(r.body.find("\"pending\":true"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"id\":\"" + kept + "\""), std::string::npos);
    EXPECT_NE(r.body.find("\"id\":\"" + newId + "\""), std::string::npos);
    EXPECT_EQ(r.body.find("\"id\":\"" + renamed + "\""), std::string::npos);
    EXPECT_EQ(r.body.find("\"posted\":0"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace bank2mqtt::sfsim
