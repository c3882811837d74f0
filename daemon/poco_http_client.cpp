// SPDX-License-Identifier: MIT
// PocoHttpClient: the one place that speaks HTTP(S) to banks.
#include "poco_http_client.h"

#include "loopback.h"

#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>

#include <istream>
#include <sstream>

namespace bank2mqtt {
namespace {

HttpResponse transportFailure(TransportError error, std::string text)
{
    HttpResponse r;
    r.transportError = error;
    r.errorText = std::move(text);
    return r;
}

// Reads at most `limit` bytes; more is an error rather than an unbounded allocation.
bool readBody(std::istream& in, std::string& out, std::size_t limit)
{
    char buffer[8192];
    while (in) {
        in.read(buffer, sizeof buffer);
        out.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (out.size() > limit)
            return false;
    }
    return true;
}

// The system's CAs are looked up lazily, by subject hash, in the hashed certificate directory
// (/etc/ssl/certs on Debian, or $SSL_CERT_DIR) rather than loaded from the bundle: Poco's
// loadDefaultCAs parses all ~140 certificates of the bundle into every context at start-up,
// ~0.8 MB of heap per source and most of the start-up CPU. Only the CA a bank's chain needs is
// ever read. Without such a directory, the bundle is loaded as before.
void trustSystemCertificates(SSL_CTX* context)
{
    const char* fromEnvironment = std::getenv(X509_get_default_cert_dir_env());
    const char* directory = fromEnvironment != nullptr && *fromEnvironment != '\0'
                                ? fromEnvironment
                                : X509_get_default_cert_dir();
    struct stat info {};
    if (::stat(directory, &info) == 0 && S_ISDIR(info.st_mode) &&
        SSL_CTX_load_verify_dir(context, directory) == 1)
        return;
    SSL_CTX_set_default_verify_paths(context);
}

}  // namespace

PocoHttpClient::PocoHttpClient(Options options) : options_(std::move(options))
{
    Poco::Net::Context::Params params;
    params.caLocation = options_.caFile;
    params.loadDefaultCAs = false;  // see trustSystemCertificates(); caFile is added to them
    // STRICT: Poco skips the host-name check for loopback servers in RELAXED mode. NONE only
    // for `insecure = true`, which send() confines to loopback hosts.
    params.verificationMode =
        options_.insecure ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
    tlsContext_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    tlsContext_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    trustSystemCertificates(tlsContext_->sslContext());
    tlsContext_->enableSessionCache(true);
}

PocoHttpClient::~PocoHttpClient() = default;

void PocoHttpClient::abort() noexcept
{
    aborted_ = true;
    std::lock_guard<std::mutex> lock(inflightMutex_);
    // shutdown(2) on the descriptor wakes a blocked read in the other thread without touching
    // the TLS state that thread owns; the session is then discarded by that thread.
    if (inflightFd_ >= 0)
        ::shutdown(inflightFd_, SHUT_RDWR);
}

Poco::Net::HTTPClientSession& PocoHttpClient::sessionFor(const Origin& origin)
{
    auto& slot = sessions_[origin.key()];
    if (!slot) {
        if (origin.scheme == "https")
            slot = std::make_unique<Poco::Net::HTTPSClientSession>(origin.host, origin.port,
                                                                   tlsContext_);
        else
            slot = std::make_unique<Poco::Net::HTTPClientSession>(origin.host, origin.port);
        slot->setKeepAlive(true);
    }
    return *slot;
}

HttpResponse PocoHttpClient::send(const HttpRequest& request) noexcept
{
    if (aborted_)
        return transportFailure(TransportError::Aborted, "shutting down");
    Origin origin;
    std::string pathAndQuery;
    try {
        Poco::URI uri(request.url);
        origin.scheme = uri.getScheme();
        origin.host = uri.getHost();
        origin.port = uri.getPort();
        pathAndQuery = uri.getPathAndQuery();
        if (pathAndQuery.empty())
            pathAndQuery = "/";
    } catch (const Poco::Exception&) {
        return transportFailure(TransportError::BadUrl, "the URL is malformed");
    }
    if (origin.host.empty())
        return transportFailure(TransportError::BadUrl, "the URL has no host");
    if (options_.insecure && !isLoopbackHost(origin.host))
        return transportFailure(TransportError::BadUrl,
                                "insecure = true is allowed only for loopback bank URLs, not " +
                                    origin.host);
    if (origin.scheme != "https" && !(origin.scheme == "http" && isLoopbackHost(origin.host)))
        return transportFailure(TransportError::BadUrl,
                                "only https:// is allowed (http:// only to loopback)");

    const auto timeout = std::min(request.timeout, options_.timeout);
    Poco::Net::HTTPClientSession& session = sessionFor(origin);
    // A kept-alive connection may have been closed by the server since the last request; such a
    // failure is retried once on a fresh connection. A failure on a fresh connection is final.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = session.connected();
        try {
            return exchange(session, request, pathAndQuery, timeout);
        } catch (const Poco::TimeoutException&) {
            session.reset();
            return transportFailure(TransportError::Timeout,
                                    "no reply within " + std::to_string(timeout.count() / 1000) +
                                        " s");
        } catch (const Poco::Net::SSLException& e) {
            session.reset();
            if (aborted_)
                return transportFailure(TransportError::Aborted, "shutting down");
            if (reused && attempt == 0)
                continue;
            return transportFailure(TransportError::TlsFailed,
                                    e.message().empty() ? std::string(e.what()) : e.message());
        } catch (const Poco::Net::HostNotFoundException&) {
            session.reset();
            return transportFailure(TransportError::ConnectFailed,
                                    "host name " + origin.host + " not found");
        } catch (const Poco::Net::ConnectionRefusedException&) {
            session.reset();
            return transportFailure(TransportError::ConnectFailed,
                                    "connection to " + origin.host + ":" +
                                        std::to_string(origin.port) + " refused");
        } catch (const Poco::Exception& e) {
            session.reset();
            if (aborted_)
                return transportFailure(TransportError::Aborted, "shutting down");
            if (reused && attempt == 0)
                continue;
            return transportFailure(TransportError::ConnectFailed, e.displayText());
        } catch (const std::exception& e) {
            session.reset();
            return transportFailure(TransportError::Other, e.what());
        }
    }
    return transportFailure(TransportError::Other, "request failed twice");
}

HttpResponse PocoHttpClient::exchange(Poco::Net::HTTPClientSession& session,
                                      const HttpRequest& request, const std::string& pathAndQuery,
                                      std::chrono::milliseconds timeout)
{
    session.setTimeout(Poco::Timespan(static_cast<long>(timeout.count() / 1000),
                                      static_cast<long>((timeout.count() % 1000) * 1000)));
    Poco::Net::HTTPRequest req(request.method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    for (const auto& [name, value] : request.headers)
        req.set(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT")
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));

    std::ostream& out = session.sendRequest(req);
    {
        std::lock_guard<std::mutex> lock(inflightMutex_);
        inflightFd_ = session.socket().impl()->sockfd();
    }
    struct ClearInflight {
        PocoHttpClient& self;
        ~ClearInflight()
        {
            std::lock_guard<std::mutex> lock(self.inflightMutex_);
            self.inflightFd_ = -1;
        }
    } clear{*this};
    if (aborted_)
        throw Poco::Exception("aborted");
    out << request.body;

    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    HttpResponse response;
    response.status = static_cast<int>(res.getStatus());
    response.reason = res.getReason();
    for (const auto& [name, value] : res)
        response.headers.emplace_back(name, value);
    if (!readBody(in, response.body, options_.maxBodyBytes)) {
        session.reset();
        return transportFailure(TransportError::Other, "the reply is larger than " +
                                                           std::to_string(options_.maxBodyBytes) +
                                                           " bytes");
    }
    if (!res.getKeepAlive())
        session.reset();
    return response;
}

}  // namespace bank2mqtt
