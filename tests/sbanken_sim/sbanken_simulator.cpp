// SPDX-License-Identifier: MIT
// Starting and stopping the simulator's HTTPS and control servers.
#include "sbanken_simulator.h"

#include "sim_api_handler.h"
#include "sim_control_handler.h"

#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <openssl/ssl.h>

#include <stdexcept>
#include <thread>

namespace bank2mqtt::sim {

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

// Where the TLS counters find the state from OpenSSL's callback, and the per-connection mark
// that counts a handshake once (a TLS 1.3 server may report "handshake done" again after it
// sends session tickets).
int stateIndex()
{
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

int countedIndex()
{
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

/// Counts completed handshakes and resumed sessions. Poco 1.11's server socket performs the
/// handshake lazily inside the first read, so the connection filter cannot see it; OpenSSL's
/// info callback can.
void onTlsInfo(const SSL* ssl, int where, int)
{
    if ((where & SSL_CB_HANDSHAKE_DONE) == 0 || SSL_get_ex_data(ssl, countedIndex()) != nullptr) {
        return;
    }
    SSL* mutableSsl = const_cast<SSL*>(ssl);
    SSL_set_ex_data(mutableSsl, countedIndex(), mutableSsl);
    auto* state = static_cast<SimState*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), stateIndex()));
    if (state != nullptr) {
        state->countTlsHandshake(SSL_session_reused(ssl) == 1);
    }
}

Poco::Net::Context::Ptr serverContext(const SimulatorOptions& options, SimState& state)
{
    using Poco::Net::Context;
    Context::Ptr context = new Context(Context::TLS_SERVER_USE, options.keyFile, options.certFile,
                                       "", Context::VERIFY_NONE);
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    // Lets clients resume sessions on reconnect, as a production server would.
    context->enableSessionCache(true, "bank2mqtt-sim");
    SSL_CTX_set_ex_data(context->sslContext(), stateIndex(), &state);
    SSL_CTX_set_info_callback(context->sslContext(), onTlsInfo);
    return context;
}

}  // namespace

bool isLoopbackAddress(const std::string& address)
{
    Poco::Net::IPAddress ip;
    return Poco::Net::IPAddress::tryParse(address, ip) && ip.isLoopback();
}

SbankenSimulator::SbankenSimulator(SimulatorOptions options)
    : options_(std::move(options)),
      state_(generatedAccounts(options_.accountCount, options_.customerId),
             std::chrono::seconds(options_.tokenLifetimeSeconds))
{
}

SbankenSimulator::~SbankenSimulator()
{
    stop();
}

void SbankenSimulator::start()
{
    if (running()) {
        return;
    }
    if (!isLoopbackAddress(options_.bindAddress)) {
        throw std::invalid_argument("bind address " + options_.bindAddress +
                                    " is not loopback: the simulator only listens on "
                                    "127.0.0.0/8 or ::1 (an IP literal)");
    }
    if (options_.tokenLifetimeSeconds <= 0 || options_.keepAliveTimeoutSeconds <= 0) {
        throw std::invalid_argument("token lifetime and keep-alive timeout must be positive");
    }
    if (options_.accountCount < 1 || options_.accountCount > 1000) {
        throw std::invalid_argument("the account count must be from 1 to 1000");
    }
    if (options_.maxThreads < 2 || options_.maxThreads > 1000) {
        throw std::invalid_argument("the HTTPS thread count must be from 2 to 1000");
    }
    requireReadableFile("certificate file", options_.certFile);
    requireReadableFile("key file", options_.keyFile);

    const Poco::Net::IPAddress bindIp(options_.bindAddress);
    Poco::Net::SecureServerSocket httpsSocket(Poco::Net::SocketAddress(bindIp, options_.httpsPort),
                                              64, serverContext(options_, state_));
    Poco::Net::ServerSocket controlSocket(Poco::Net::SocketAddress(bindIp, options_.controlPort),
                                          16);

    Poco::Net::HTTPServerParams::Ptr httpsParams = new Poco::Net::HTTPServerParams;
    httpsParams->setKeepAlive(true);
    httpsParams->setMaxKeepAliveRequests(10000);
    httpsParams->setKeepAliveTimeout(Poco::Timespan(options_.keepAliveTimeoutSeconds, 0));
    httpsParams->setMaxQueued(256);
    httpsParams->setThreadIdleTime(Poco::Timespan(1, 0));

    // Control replies are tiny and rare; closing after each keeps shutdown trivial.
    Poco::Net::HTTPServerParams::Ptr controlParams = new Poco::Net::HTTPServerParams;
    controlParams->setKeepAlive(false);
    controlParams->setThreadIdleTime(Poco::Timespan(1, 0));

    state_.endShutdown();
    httpsPool_ = std::make_unique<Poco::ThreadPool>("sim-https", 2, options_.maxThreads);
    controlPool_ = std::make_unique<Poco::ThreadPool>("sim-control", 1, 8);
    httpsServer_ = std::make_unique<Poco::Net::HTTPServer>(
        new ApiRequestHandlerFactory(state_, options_), *httpsPool_, httpsSocket, httpsParams);
    httpsServer_->setConnectionFilter(new TlsConnectionCounter(state_));
    controlServer_ = std::make_unique<Poco::Net::HTTPServer>(
        new ControlRequestHandlerFactory(state_, options_.log), *controlPool_, controlSocket,
        controlParams);
    httpsPort_ = httpsSocket.address().port();
    controlPort_ = controlSocket.address().port();
    httpsServer_->start();
    controlServer_->start();
    if (options_.log) {
        options_.log("listening: https " + std::to_string(httpsPort_) + ", control " +
                     std::to_string(controlPort_));
    }
}

void SbankenSimulator::stop()
{
    if (!running()) {
        return;
    }
    // Sockets first (abortCurrent shuts every open connection down, which wakes idle keep-alive
    // waits), then release slow replies, which return without touching their socket. Each
    // TCPServer notices the stop only at its next 250 ms accept poll, so stop both at once.
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

std::string SbankenSimulator::hostForUrl() const
{
    const Poco::Net::IPAddress ip(options_.bindAddress);
    return ip.family() == Poco::Net::IPAddress::IPv6 ? "[" + ip.toString() + "]" : ip.toString();
}

std::string SbankenSimulator::httpsBaseUrl() const
{
    return "https://" + hostForUrl() + ":" + std::to_string(httpsPort_);
}

std::string SbankenSimulator::apiUrl(int version) const
{
    return httpsBaseUrl() + (version == 2 ? "/apibeta/api/v2" : "/bank/api/v1");
}

std::string SbankenSimulator::controlBaseUrl() const
{
    return "http://" + hostForUrl() + ":" + std::to_string(controlPort_);
}

}  // namespace bank2mqtt::sim
