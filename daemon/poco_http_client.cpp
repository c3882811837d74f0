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
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>

#include <algorithm>
#include <istream>
#include <sstream>

namespace bank2mqtt {
namespace {

// OpenSSL's and Poco's texts ("error:0A000086:SSL routines::certificate verify failed",
// "Unacceptable certificate from ...") in words a user can act on.
std::string tlsFailureText(const Poco::Net::SSLException& e, const std::string& host)
{
    const std::string text = e.message().empty() ? std::string(e.what()) : e.message();
    if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) != nullptr)
        return "the bank's certificate is not valid for the host name " + host;
    if (text.find("certificate verify failed") != std::string::npos)
        return "the bank's certificate is not trusted; if the bank uses a private CA, name it in "
               "ca_file";
    return text;
}

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

// The system's CA directory: $SSL_CERT_DIR, or OpenSSL's default (/usr/lib/ssl/certs, a link to
// /etc/ssl/certs on Debian).
std::string systemCertificateDirectory()
{
    const char* fromEnvironment = std::getenv(X509_get_default_cert_dir_env());
    return fromEnvironment != nullptr && *fromEnvironment != '\0' ? fromEnvironment
                                                                  : X509_get_default_cert_dir();
}

// The system's CAs are looked up lazily, by subject hash, in the hashed certificate directory
// rather than loaded from the bundle: Poco's loadDefaultCAs parses all ~140 certificates of the
// bundle into the context at start-up (~0.8 MB of heap and most of the start-up CPU). Only the
// CA a bank's chain needs is ever read. Without such a directory, the bundle is loaded.
void trustSystemCertificates(SSL_CTX* context, const std::string& directory)
{
    struct stat info {};
    if (::stat(directory.c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
        SSL_CTX_load_verify_dir(context, directory.c_str()) == 1)
        return;
    SSL_CTX_set_default_verify_paths(context);
}

Poco::Net::Context::Ptr makeContext(const PocoHttpClient::Options& options,
                                    const std::string& certificateDirectory)
{
    Poco::Net::Context::Params params;
    params.caLocation = options.caFile;
    params.loadDefaultCAs = false;  // see trustSystemCertificates(); caFile is added to them
    // STRICT: Poco skips the host-name check for loopback servers in RELAXED mode. NONE only
    // for `insecure = true`, which send() confines to loopback hosts.
    params.verificationMode =
        options.insecure ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    trustSystemCertificates(context->sslContext(), certificateDirectory);
    context->enableSessionCache(true);
    // Sessions are kept per origin by the client (rememberTlsSession()), not also in OpenSSL's
    // cache of the shared context, which would grow with every session of every source.
    SSL_CTX_set_session_cache_mode(context->sslContext(),
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    // An idle kept-alive connection gives its ~34 kB of record buffers back between polls.
    SSL_CTX_set_mode(context->sslContext(), SSL_MODE_RELEASE_BUFFERS);
    return context;
}

// Sources with the same trust settings share one TLS context: its CA store and session cache
// are the bulk of a context's memory, and with 100 sources one context each cost ~2.5 MB.
// Contexts live until the process ends; there are as many as distinct (ca_file, insecure).
Poco::Net::Context::Ptr sharedContext(const PocoHttpClient::Options& options)
{
    static std::mutex mutex;
    static std::map<std::string, Poco::Net::Context::Ptr> contexts;
    const std::string directory = systemCertificateDirectory();
    const std::string key = options.caFile + '\n' + directory + (options.insecure ? "\n!" : "\n");
    std::lock_guard<std::mutex> lock(mutex);
    Poco::Net::Context::Ptr& context = contexts[key];
    if (!context)
        context = makeContext(options, directory);
    return context;
}

}  // namespace

PocoHttpClient::PocoHttpClient(Options options)
    : options_(std::move(options)), tlsContext_(sharedContext(options_))
{
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

// A session object is made anew whenever its connection is gone or about to be dropped, so that
// the reconnect offers the TLS session saved after the last reply (see rememberTlsSession()):
// Poco 1.11's HTTPSClientSession offers the session it saw right after its handshake, before a
// TLS 1.3 server has sent its ticket, and that one cannot be resumed. Poco itself closes and
// reconnects a connection idle for longer than its keep-alive timeout (8 s) inside the same
// object, which at every real poll interval would be a full handshake.
Poco::Net::HTTPClientSession& PocoHttpClient::sessionFor(const Origin& origin)
{
    const std::string key = origin.key();
    Connection& connection = connections_[key];
    auto& slot = connection.session;
    const auto now = std::chrono::steady_clock::now();
    const bool stale =
        slot && now - connection.lastUsed >=
                    std::chrono::microseconds(slot->getKeepAliveTimeout().totalMicroseconds());
    if (!slot || !slot->connected() || stale) {
        if (origin.scheme == "https") {
            const auto saved = tlsSessions_.find(key);
            slot = std::make_unique<Poco::Net::HTTPSClientSession>(
                origin.host, origin.port, tlsContext_,
                saved == tlsSessions_.end() ? nullptr : saved->second);
        } else {
            slot = std::make_unique<Poco::Net::HTTPClientSession>(origin.host, origin.port);
        }
        slot->setKeepAlive(true);
    }
    connection.lastUsed = now;
    return *slot;
}

// After a complete reply any TLS 1.3 ticket has been read, so the session is resumable now.
void PocoHttpClient::rememberTlsSession(const std::string& originKey,
                                        Poco::Net::HTTPClientSession& session)
{
    if (!session.connected())
        return;
    try {
        Poco::Net::SecureStreamSocket socket(session.socket());
        if (Poco::Net::Session::Ptr current = socket.currentSession())
            tlsSessions_[originKey] = current;
    } catch (const Poco::Exception&) {
        // Not a TLS socket or no session: the next connect does a full handshake.
    }
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
    // A kept-alive connection may have been closed by the server since the last request; such a
    // failure is retried once on a fresh connection. A failure on a fresh connection is final.
    for (int attempt = 0; attempt < 2; ++attempt) {
        Poco::Net::HTTPClientSession& session = sessionFor(origin);
        const bool reused = session.connected();
        try {
            return exchange(session, request, pathAndQuery, timeout, origin);
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
            return transportFailure(TransportError::TlsFailed, tlsFailureText(e, origin.host));
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
                                      std::chrono::milliseconds timeout, const Origin& origin)
{
    auto span = [](std::chrono::milliseconds t) {
        return Poco::Timespan(static_cast<long>(t.count() / 1000),
                              static_cast<long>((t.count() % 1000) * 1000));
    };
    // Poco 1.11's TLS socket waits twice for a silent peer: SSL_read blocks for the socket
    // timeout, then SecureSocketImpl::mustRetry() polls for the same time again before it
    // throws. Half of the budget for each wait keeps "timeout = 20s" at 20 s, not 40 s. The
    // handshake waits the same way with the connection timeout, after the TCP connect (which
    // also gets it): a third each keeps a stalled handshake within the budget too.
    const bool tls = origin.scheme == "https";
    const auto atLeast1ms = [](std::chrono::milliseconds t) {
        return std::max(t, std::chrono::milliseconds(1));
    };
    const auto wait = tls ? atLeast1ms(timeout / 2) : timeout;
    const auto connect = tls ? atLeast1ms(timeout / 3) : timeout;
    session.setTimeout(span(connect), span(wait), span(wait));
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
    if (tls)
        rememberTlsSession(origin.key(), session);  // before a reset() closes the socket
    if (!res.getKeepAlive())
        session.reset();
    return response;
}

}  // namespace bank2mqtt
