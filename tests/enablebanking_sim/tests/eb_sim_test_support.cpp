// SPDX-License-Identifier: MIT
// The Enable Banking simulator tests' JWT signer, HTTPS client and fixture.
#include "eb_sim_test_support.h"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <csignal>

namespace bank2mqtt::ebsim::test {

namespace {

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
    return context;
}

HttpResult request(Poco::Net::HTTPClientSession& session, const std::string& method,
                   const std::string& uri, const std::map<std::string, std::string>& headers,
                   const std::string& body, bool contentLength)
{
    Poco::Net::HTTPRequest req(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) {
        req.set(name, value);
    }
    if (contentLength && (method == "POST" || !body.empty())) {
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

Poco::JSON::Object::Ptr parseObject(const std::string& text)
{
    try {
        auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        EXPECT_TRUE(object) << text;
        return object;
    } catch (const std::exception&) {
        ADD_FAILURE() << "not a JSON object: " << text;
        return new Poco::JSON::Object;
    }
}

std::string signJwt(const JwtSpec& spec)
{
    Poco::JWT::Token token;
    if (!spec.typ.empty()) {
        token.setType(spec.typ);
    }
    token.header().set("kid", spec.kid);
    token.setIssuer(spec.iss);
    token.setAudience(spec.aud);
    token.payload().set("iat", static_cast<Poco::Int64>(spec.iat));
    token.payload().set("exp", static_cast<Poco::Int64>(spec.iat + spec.lifetime));
    if (spec.algorithm == "HS256") {
        Poco::JWT::Signer signer("a shared secret that the simulator does not know");
        return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
    }
    Poco::SharedPtr<Poco::Crypto::RSAKey> key =
        new Poco::Crypto::RSAKey("", certPath(spec.keyFile), "");
    Poco::JWT::Signer signer(key);
    return signer.sign(token, spec.algorithm);
}

std::string queryParam(const std::string& location, const std::string& name)
{
    for (const auto& [key, value] : Poco::URI(location).getQueryParameters()) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

void EbSimTest::SetUp()
{
    EbSimOptions options;
    options.certFile = certPath("server.pem");
    options.keyFile = certPath("server.key");
    options.appKeyFile = certPath("eb-app.pub");
    adjust(options);
    sim_ = std::make_unique<EnableBankingSimulator>(options);
    sim_->start();
}

void EbSimTest::TearDown()
{
    sim_->stop();
}

std::unique_ptr<Poco::Net::HTTPClientSession> EbSimTest::httpsSession()
{
    auto session = std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", sim_->httpsPort(),
                                                                   clientContext());
    session->setTimeout(Poco::Timespan(10, 0));
    return session;
}

std::string EbSimTest::jwt()
{
    JwtSpec spec;
    spec.iat = sim_->state().now();
    return signJwt(spec);
}

HttpResult EbSimTest::api(const std::string& method, const std::string& uri,
                          const std::string& body, const std::string& bearer,
                          const std::map<std::string, std::string>& extra)
{
    std::map<std::string, std::string> headers = extra;
    headers["Authorization"] = "Bearer " + (bearer.empty() ? jwt() : bearer);
    if (!body.empty()) {
        headers["Content-Type"] = "application/json";
    }
    auto session = httpsSession();
    return request(*session, method, uri, headers, body);
}

HttpResult EbSimTest::control(const std::string& method, const std::string& uriWithQuery)
{
    Poco::Net::HTTPClientSession session("127.0.0.1", sim_->controlPort());
    session.setTimeout(Poco::Timespan(10, 0));
    return request(session, method, uriWithQuery);
}

HttpResult EbSimTest::startAuth(long long validity, const std::string& aspsp,
                                const std::string& state)
{
    const std::string validUntil = rfc3339(sim_->state().now() + validity);
    return api("POST", "/auth",
               "{\"access\":{\"valid_until\":\"" + validUntil + "\"},\"aspsp\":{\"name\":\"" +
                   aspsp + "\",\"country\":\"NO\"},\"state\":\"" + state +
                   "\",\"redirect_url\":\"https://enablebanking.com/\",\"psu_type\":"
                   "\"personal\"}");
}

std::string EbSimTest::followLogin(const std::string& url)
{
    const Poco::URI uri(url);
    EXPECT_EQ(uri.getPort(), sim_->httpsPort()) << url;
    auto session = httpsSession();
    const HttpResult page = request(*session, "GET", uri.getPathEtc());
    EXPECT_EQ(page.status, 302) << page.body;
    return page.headers.get("Location", "");
}

Poco::JSON::Object::Ptr EbSimTest::consent()
{
    const HttpResult auth = startAuth(90LL * 86400);
    EXPECT_EQ(auth.status, 200) << auth.body;
    const std::string location = followLogin(parseObject(auth.body)->getValue<std::string>("url"));
    const HttpResult session =
        api("POST", "/sessions", "{\"code\":\"" + queryParam(location, "code") + "\"}");
    EXPECT_EQ(session.status, 200) << session.body;
    return parseObject(session.body);
}

std::string EbSimTest::uidAt(const Poco::JSON::Object::Ptr& session, unsigned index)
{
    return session->getArray("accounts")->getObject(index)->getValue<std::string>("uid");
}

}  // namespace bank2mqtt::ebsim::test
