// SPDX-License-Identifier: MIT
// The simulator tests' HTTPS client, control-port client and fixture; SSL set-up once per run.
#include "sim_test_support.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <csignal>
#include <sstream>

namespace bank2mqtt::sim::test {

namespace {

/// Poco's SSL library is initialised once for the whole test binary; verification failures
/// are rejected, never sent to Poco's interactive console handler.
class SslEnvironment : public ::testing::Environment {
public:
    void SetUp() override
    {
        std::signal(SIGPIPE, SIG_IGN);
        Poco::Net::initializeSSL();
        Poco::Net::SSLManager::instance().initializeClient(
            nullptr, new Poco::Net::RejectCertificateHandler(false), clientContext());
    }
    void TearDown() override { Poco::Net::uninitializeSSL(); }
};

[[maybe_unused]] ::testing::Environment* const sslEnvironment =
    ::testing::AddGlobalTestEnvironment(new SslEnvironment);

std::string formEncode(const std::string& text)
{
    std::string out;
    Poco::URI::encode(text, "!#$&'()*+,/:;=?@[]%\" <>", out);
    return out;
}

}  // namespace

std::string certPath(const std::string& file)
{
    return std::string(BANK2MQTT_TEST_CERT_DIR) + "/" + file;
}

Poco::Net::Context::Ptr clientContext()
{
    using Poco::Net::Context;
    Context::Ptr context =
        new Context(Context::TLS_CLIENT_USE, certPath("ca.pem"), Context::VERIFY_RELAXED);
    context->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
    context->enableSessionCache(true);
    return context;
}

HttpResult request(Poco::Net::HTTPClientSession& session, const std::string& method,
                   const std::string& uri, const std::map<std::string, std::string>& headers,
                   const std::string& body)
{
    Poco::Net::HTTPRequest req(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) {
        req.set(name, value);
    }
    if (method == "POST" || !body.empty()) {
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResult result;
    result.status = response.getStatus();
    result.contentType = response.get("Content-Type", "");
    Poco::StreamCopier::copyToString(in, result.body);
    for (const auto& header : response) {
        result.headers.add(header.first, header.second);
    }
    return result;
}

std::string basicAuth(const std::string& id, const std::string& secret, bool encode)
{
    const std::string pair = encode ? formEncode(id) + ":" + formEncode(secret) : id + ":" + secret;
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << pair;
    encoder.close();
    return "Basic " + out.str();
}

Poco::JSON::Object::Ptr parseObject(const std::string& text)
{
    try {
        Poco::JSON::Parser parser;
        auto object = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
        EXPECT_TRUE(object) << text;
        return object;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not a JSON object: " << text;
        return nullptr;
    }
}

void SimulatorTest::SetUp()
{
    SimulatorOptions options;
    options.certFile = certPath("server.pem");
    options.keyFile = certPath("server.key");
    sim_ = std::make_unique<SbankenSimulator>(options);
    sim_->start();
}

void SimulatorTest::TearDown()
{
    sim_->stop();
}

std::unique_ptr<Poco::Net::HTTPClientSession> SimulatorTest::httpsSession()
{
    auto session = std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", sim_->httpsPort(),
                                                                   clientContext());
    session->setTimeout(Poco::Timespan(10, 0));
    session->setKeepAlive(true);
    return session;
}

HttpResult SimulatorTest::control(const std::string& method, const std::string& uriWithQuery)
{
    Poco::Net::HTTPClientSession session("127.0.0.1", sim_->controlPort());
    session.setTimeout(Poco::Timespan(10, 0));
    return request(session, method, uriWithQuery);
}

std::string SimulatorTest::token()
{
    auto session = httpsSession();
    return token(*session);
}

std::string SimulatorTest::token(Poco::Net::HTTPClientSession& session)
{
    const HttpResult reply =
        request(session, "POST", "/identityserver/connect/token",
                {{"Authorization", basicAuth("demo-client", "Hemmelig+Passord/2026?=&%")},
                 {"Content-Type", "application/x-www-form-urlencoded"}},
                "grant_type=client_credentials");
    EXPECT_EQ(reply.status, 200) << reply.body;
    const auto object = parseObject(reply.body);
    return object ? object->getValue<std::string>("access_token") : std::string();
}

HttpResult SimulatorTest::apiGet(Poco::Net::HTTPClientSession& session, const std::string& path,
                                 const std::string& bearer)
{
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + bearer},
                                                  {"Accept", "application/json"}};
    if (Poco::icompare(path.substr(0, 6), std::string("/bank/")) == 0) {
        headers["customerId"] = "12345678901";
    }
    return request(session, "GET", path, headers);
}

}  // namespace bank2mqtt::sim::test
