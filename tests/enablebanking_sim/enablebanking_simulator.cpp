// SPDX-License-Identifier: MIT
// Starting and stopping the Enable Banking simulator's HTTPS and control servers.
#include "enablebanking_simulator.h"

#include "eb_sim_api.h"
#include "eb_sim_control.h"

#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <stdexcept>
#include <thread>

namespace bank2mqtt::ebsim {

namespace {

void requireReadableFile(const std::string& what, const std::string& path)
{
    if (path.empty()) {
        throw std::invalid_argument(what + " is required");
    }
    const Poco::File file(path);
    if (!file.exists() || !file.isFile() || !file.canRead()) {
        throw std::invalid_argument(what + " " + path + " does not exist or is not readable");
    }
}

}  // namespace

EnableBankingSimulator::EnableBankingSimulator(EbSimOptions options)
    : options_(std::move(options)),
      state_(options_.dailyLimit, options_.consentValiditySeconds, options_.redirectUrls)
{
}

EnableBankingSimulator::~EnableBankingSimulator()
{
    stop();
}

void EnableBankingSimulator::start()
{
    if (running()) {
        return;
    }
    Poco::Net::IPAddress bindIp;
    if (!Poco::Net::IPAddress::tryParse(options_.bindAddress, bindIp) || !bindIp.isLoopback()) {
        throw std::invalid_argument("bind address " + options_.bindAddress +
                                    " is not a loopback IP literal (127.0.0.0/8 or ::1)");
    }
    if (options_.dailyLimit < 0 || options_.dailyLimit > 100000) {
        throw std::invalid_argument("the daily limit must be from 0 to 100000");
    }
    if (options_.consentValiditySeconds < 60 || options_.maxThreads < 2 ||
        options_.keepAliveTimeoutSeconds <= 0) {
        throw std::invalid_argument("consent validity (>= 60 s), thread count (>= 2) and "
                                    "keep-alive timeout (> 0) are out of range");
    }
    requireReadableFile("certificate file", options_.certFile);
    requireReadableFile("key file", options_.keyFile);
    requireReadableFile("application key file", options_.appKeyFile);
    verifier_ = std::make_unique<JwtVerifier>(options_.appKeyFile, options_.appId);

    using Poco::Net::Context;
    Context::Ptr context = new Context(Context::TLS_SERVER_USE, options_.keyFile, options_.certFile,
                                       "", Context::VERIFY_NONE);
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    context->enableSessionCache(true, "bank2mqtt-eb-sim");
    Poco::Net::SecureServerSocket httpsSocket(Poco::Net::SocketAddress(bindIp, options_.httpsPort),
                                              64, context);
    Poco::Net::ServerSocket controlSocket(Poco::Net::SocketAddress(bindIp, options_.controlPort),
                                          16);
    httpsPort_ = httpsSocket.address().port();
    controlPort_ = controlSocket.address().port();

    Poco::Net::HTTPServerParams::Ptr httpsParams = new Poco::Net::HTTPServerParams;
    httpsParams->setKeepAlive(true);
    httpsParams->setKeepAliveTimeout(Poco::Timespan(options_.keepAliveTimeoutSeconds, 0));
    httpsParams->setThreadIdleTime(Poco::Timespan(1, 0));
    // Control replies are tiny and rare; closing after each keeps shutdown trivial.
    Poco::Net::HTTPServerParams::Ptr controlParams = new Poco::Net::HTTPServerParams;
    controlParams->setKeepAlive(false);
    controlParams->setThreadIdleTime(Poco::Timespan(1, 0));

    state_.endShutdown();
    httpsPool_ = std::make_unique<Poco::ThreadPool>("eb-sim-https", 2, options_.maxThreads);
    controlPool_ = std::make_unique<Poco::ThreadPool>("eb-sim-control", 1, 8);
    httpsServer_ = std::make_unique<Poco::Net::HTTPServer>(
        new ApiRequestHandlerFactory(state_, *verifier_, options_,
                                     hostForUrl() + ":" + std::to_string(httpsPort_)),
        *httpsPool_, httpsSocket, httpsParams);
    controlServer_ = std::make_unique<Poco::Net::HTTPServer>(
        new ControlRequestHandlerFactory(state_, options_.log), *controlPool_, controlSocket,
        controlParams);
    httpsServer_->start();
    controlServer_->start();
    if (options_.log) {
        options_.log("listening: https " + std::to_string(httpsPort_) + ", control " +
                     std::to_string(controlPort_));
    }
}

void EnableBankingSimulator::stop()
{
    if (!running()) {
        return;
    }
    // As the Sbanken simulator: stop both at once (each notices at its next accept poll), then
    // release slow replies, then join.
    std::thread controlStopper([this] { controlServer_->stopAll(true); });
    httpsServer_->stopAll(true);
    controlStopper.join();
    state_.beginShutdown();
    httpsPool_->joinAll();
    controlPool_->joinAll();
    httpsServer_.reset();
    controlServer_.reset();
    httpsPool_.reset();
    controlPool_.reset();
    if (options_.log) {
        options_.log("stopped");
    }
}

std::string EnableBankingSimulator::hostForUrl() const
{
    const Poco::Net::IPAddress ip(options_.bindAddress);
    return ip.family() == Poco::Net::IPAddress::IPv6 ? "[" + ip.toString() + "]" : ip.toString();
}

std::string EnableBankingSimulator::httpsBaseUrl() const
{
    return "https://" + hostForUrl() + ":" + std::to_string(httpsPort_);
}

std::string EnableBankingSimulator::controlBaseUrl() const
{
    return "http://" + hostForUrl() + ":" + std::to_string(controlPort_);
}

}  // namespace bank2mqtt::ebsim
