// SPDX-License-Identifier: MIT
// The Firefly III simulator's three servers: HTTPS API, plain-HTTP API, control.
#include "firefly_simulator.h"

#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <functional>
#include <stdexcept>

namespace bank2mqtt::ffsim {
namespace {

using Route = std::function<FfResponse(const FfRequest&)>;

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    Handler(const Route& route, std::string listener)
        : route_(route), listener_(std::move(listener))
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& in,
                       Poco::Net::HTTPServerResponse& out) override
    {
        FfRequest request;
        request.method = in.getMethod();
        try {
            const Poco::URI uri(in.getURI());
            request.path = uri.getPath();
            request.query = uri.getRawQuery();
        } catch (const Poco::Exception&) {
            request.path = "/?";
        }
        request.authorization = in.get("Authorization", "");
        if (in.has("Accept"))
            request.accept = in.get("Accept");
        request.listener = listener_;
        request.host = in.getHost();
        std::string ignored;
        Poco::StreamCopier::copyToString(in.stream(), ignored);
        const FfResponse response = route_(request);
        out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
        for (const auto& [name, value] : response.headers)
            out.set(name, value);
        if (!response.contentType.empty())
            out.setContentType(response.contentType);
        out.setContentLength(static_cast<std::streamsize>(response.body.size()));
        out.send() << response.body;
    }

private:
    const Route& route_;
    std::string listener_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Factory(Route route, std::string listener)
        : route_(std::move(route)), listener_(std::move(listener))
    {
    }
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Handler(route_, listener_);
    }

private:
    Route route_;
    std::string listener_;
};

void requireReadableFile(const std::string& what, const std::string& path)
{
    const Poco::File file(path);
    if (path.empty() || !file.exists() || !file.canRead())
        throw std::invalid_argument(what + " \"" + path + "\" does not exist or is not readable");
}

}  // namespace

FireflySimulator::FireflySimulator(FfSimOptions options)
    : options_(std::move(options)), bank_(options_)
{
}

FireflySimulator::~FireflySimulator()
{
    stop();
}

void FireflySimulator::start()
{
    if (!servers_.empty())
        return;
    Poco::Net::IPAddress bindIp;
    // Loopback, or TEST-NET-1 (192.0.2.0/24, never routed): the allow_http test gives itself
    // such an address in a network namespace of its own, as a LAN host that is not loopback.
    const bool testNet = options_.bindAddress.rfind("192.0.2.", 0) == 0;
    if (!Poco::Net::IPAddress::tryParse(options_.bindAddress, bindIp) ||
        !(bindIp.isLoopback() || testNet))
        throw std::invalid_argument("bind address " + options_.bindAddress +
                                    " is not a loopback IP literal (127.0.0.0/8 or ::1) nor in "
                                    "192.0.2.0/24");
    requireReadableFile("certificate file", options_.certFile);
    requireReadableFile("key file", options_.keyFile);
    using Poco::Net::Context;
    Context::Ptr context = new Context(Context::TLS_SERVER_USE, options_.keyFile, options_.certFile,
                                       "", Context::VERIFY_NONE);
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    Poco::Net::SecureServerSocket httpsSocket(Poco::Net::SocketAddress(bindIp, options_.httpsPort),
                                              64, context);
    Poco::Net::ServerSocket httpSocket(Poco::Net::SocketAddress(bindIp, options_.httpPort), 64);
    Poco::Net::ServerSocket controlSocket(Poco::Net::SocketAddress(bindIp, options_.controlPort),
                                          16);
    httpsPort_ = httpsSocket.address().port();
    httpPort_ = httpSocket.address().port();
    controlPort_ = controlSocket.address().port();

    Poco::Net::HTTPServerParams::Ptr apiParams = new Poco::Net::HTTPServerParams;
    apiParams->setKeepAlive(true);
    apiParams->setKeepAliveTimeout(Poco::Timespan(options_.keepAliveTimeoutSeconds, 0));
    apiParams->setThreadIdleTime(Poco::Timespan(1, 0));
    Poco::Net::HTTPServerParams::Ptr controlParams = new Poco::Net::HTTPServerParams;
    controlParams->setKeepAlive(false);
    controlParams->setThreadIdleTime(Poco::Timespan(1, 0));

    pool_ = std::make_unique<Poco::ThreadPool>("ff-sim", 3, 24);
    const Route api = [this](const FfRequest& r) { return bank_.api(r); };
    const Route control = [this](const FfRequest& r) { return bank_.control(r); };
    servers_.push_back(std::make_unique<Poco::Net::HTTPServer>(new Factory(api, "https"), *pool_,
                                                               httpsSocket, apiParams));
    servers_.push_back(std::make_unique<Poco::Net::HTTPServer>(new Factory(api, "http"), *pool_,
                                                               httpSocket, apiParams));
    servers_.push_back(std::make_unique<Poco::Net::HTTPServer>(
        new Factory(control, "control"), *pool_, controlSocket, controlParams));
    for (auto& server : servers_)
        server->start();
}

void FireflySimulator::stop()
{
    if (servers_.empty())
        return;
    for (auto& server : servers_)
        server->stopAll(true);
    pool_->joinAll();
    servers_.clear();
    pool_.reset();
}

}  // namespace bank2mqtt::ffsim
