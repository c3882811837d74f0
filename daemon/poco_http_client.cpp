// SPDX-License-Identifier: MIT
// PocoHttpClient: the one place that speaks HTTP(S) to banks.
#include "poco_http_client.h"

#include "loopback.h"
#include "socket_deadlines.h"
#include "tls_context.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sys/socket.h>

#include <algorithm>
#include <istream>
#include <sstream>

namespace bank2mqtt {
namespace {

// "4 MB", "64 kB" or "100 bytes": the body limit as a person reads it.
std::string sizeText(std::size_t bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        return std::to_string(bytes / (1024 * 1024)) + " MB";
    if (bytes >= 1024 && bytes % 1024 == 0)
        return std::to_string(bytes / 1024) + " kB";
    return std::to_string(bytes) + " bytes";
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

// A session on a socket connected by PocoHttpClient::connect(). Made for the host and port and
// then given the socket: Poco's constructors that take a socket refuse to set the port of a
// connected session (HTTPSClientSession throws "Cannot set the port number").
//
// It never connects by itself. Poco reconnects inside sendRequest() when a write fails on a
// kept-alive connection or its keep-alive time is up; such a socket would be unknown to the
// deadline and to abort() (a shutdown by abort() during the write was then answered with a new
// connection that waited a minute for the reply). The failure goes to send() instead, which
// retries once on a connection of its own.
template <typename Session> class AttachedSession : public Session {
public:
    template <typename... Args>
    explicit AttachedSession(const Poco::Net::StreamSocket& socket, Args&&... args)
        : Session(std::forward<Args>(args)...)
    {
        this->attachSocket(socket);
    }

protected:
    void connect(const Poco::Net::SocketAddress&) override
    {
        throw Poco::IOException("the connection was lost");
    }
};

}  // namespace

PocoHttpClient::PocoHttpClient(Options options)
    : options_(std::move(options)),
      tlsContext_(sharedTlsContext(options_.caFile, options_.insecure))
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

// One try of a request: arms the request's deadline on the socket in use (SocketDeadlines) and
// publishes that socket to abort(). release() must run before the socket is closed.
class PocoHttpClient::Attempt {
public:
    Attempt(PocoHttpClient& client, std::chrono::steady_clock::time_point deadline)
        : client_(client), deadline_(deadline)
    {
    }
    ~Attempt() { release(); }
    Attempt(const Attempt&) = delete;
    Attempt& operator=(const Attempt&) = delete;

    void watch(int fd)
    {
        release();
        id_ = SocketDeadlines::instance().arm(fd, deadline_);
        std::lock_guard<std::mutex> lock(client_.inflightMutex_);
        client_.inflightFd_ = fd;
    }

    // Stops watching; true when the deadline passed and the socket was shut down.
    bool release()
    {
        if (id_ != 0) {
            {
                std::lock_guard<std::mutex> lock(client_.inflightMutex_);
                client_.inflightFd_ = -1;
            }
            fired_ = SocketDeadlines::instance().disarm(id_) || fired_;
            id_ = 0;
        }
        return fired_;
    }

    // The time left, for each single wait; Poco::TimeoutException when none is.
    Poco::Timespan remaining() const
    {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
            deadline_ - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw Poco::TimeoutException("the request's deadline has passed");
        return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(left.count()));
    }

private:
    PocoHttpClient& client_;
    std::chrono::steady_clock::time_point deadline_;
    std::uint64_t id_ = 0;
    bool fired_ = false;
};

// The kept-alive session for `origin` when it may be used again, else nullptr. Poco itself would
// close and reconnect a connection idle for longer than its keep-alive timeout (8 s) inside the
// same object; here that is a new session from connect(), which offers the TLS session saved
// after the last reply (see rememberTlsSession()).
Poco::Net::HTTPClientSession* PocoHttpClient::reusableSession(const Origin& origin)
{
    Connection& connection = connections_[origin.key()];
    auto& slot = connection.session;
    const auto now = std::chrono::steady_clock::now();
    const bool stale =
        slot && now - connection.lastUsed >=
                    std::chrono::microseconds(slot->getKeepAliveTimeout().totalMicroseconds());
    if (!slot || !slot->connected() || stale) {
        slot.reset();
        return nullptr;
    }
    connection.lastUsed = now;
    return slot.get();
}

// A new connection to `origin`, made here rather than by Poco so that the deadline watches the
// socket from the TCP connect on, through the TLS handshake. Poco 1.11's HTTPSClientSession
// offers the session it saw right after its handshake, before a TLS 1.3 server has sent its
// ticket, which cannot be resumed; the one saved after a reply can.
Poco::Net::HTTPClientSession& PocoHttpClient::connect(const Origin& origin, Attempt& attempt)
{
    const Poco::Net::SocketAddress address(origin.host, origin.port);
    Poco::Net::StreamSocket plain(address.family());
    attempt.watch(plain.impl()->sockfd());
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    try {
        if (aborted_)  // abort() ran before the socket existed, so it could not shut it down
            throw Poco::Exception("aborted");
        plain.connect(address, attempt.remaining());
        plain.setNoDelay(true);
        if (origin.scheme == "https") {
            plain.setReceiveTimeout(attempt.remaining());
            plain.setSendTimeout(attempt.remaining());
            const auto saved = tlsSessions_.find(origin.key());
            const Poco::Net::Session::Ptr resume =
                saved == tlsSessions_.end() ? nullptr : saved->second;
            forgetTlsVerifyError();
            const Poco::Net::SecureStreamSocket secure =
                Poco::Net::SecureStreamSocket::attach(plain, origin.host, tlsContext_, resume);
            session = std::make_unique<AttachedSession<Poco::Net::HTTPSClientSession>>(
                secure, origin.host, origin.port, tlsContext_, resume);
        } else {
            session = std::make_unique<AttachedSession<Poco::Net::HTTPClientSession>>(
                plain, origin.host, origin.port);
        }
    } catch (...) {
        attempt.release();  // before `plain` closes the descriptor
        throw;
    }
    session->setKeepAlive(true);
    Connection& connection = connections_[origin.key()];
    connection.session = std::move(session);
    connection.lastUsed = std::chrono::steady_clock::now();
    return *connection.session;
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
    const auto& plain = options_.plainHttpHosts;
    const bool plainAllowed =
        isLoopbackHost(origin.host) ||
        std::find(plain.begin(), plain.end(), Poco::toLower(origin.host)) != plain.end();
    if (origin.scheme != "https" && !(origin.scheme == "http" && plainAllowed))
        return transportFailure(TransportError::BadUrl,
                                plain.empty()
                                    ? "only https:// is allowed (http:// only to loopback)"
                                    : "only https:// is allowed (http:// only to loopback and "
                                      "the hosts of allow_http)");
    ++requestsStarted_;

    // One deadline for the whole request, on the monotonic clock: connect, TLS handshake, the
    // request, and the entire reply, headers and body, whatever the bank's pace.
    const auto timeout = std::min(request.timeout, options_.timeout);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto timedOut = [&] {
        return transportFailure(TransportError::Timeout,
                                "no complete reply within " +
                                    std::to_string((timeout.count() + 999) / 1000) + " s");
    };
    const std::string key = origin.key();
    // A kept-alive connection may have been closed by the server since the last request; such a
    // failure is retried once on a fresh connection, within the same deadline. A failure on a
    // fresh connection is final.
    for (int attempt = 0; attempt < 2; ++attempt) {
        Attempt watch(*this, deadline);
        Poco::Net::HTTPClientSession* session = reusableSession(origin);
        const bool reused = session != nullptr;
        // Releases the deadline, then closes the connection; true when the deadline fired.
        const auto drop = [&] {
            const bool fired = watch.release();
            connections_[key].session.reset();
            return fired;
        };
        try {
            if (reused)
                watch.watch(session->socket().impl()->sockfd());
            else
                session = &connect(origin, watch);
            if (aborted_)
                throw Poco::Exception("aborted");
            bool keep = true;
            HttpResponse response = exchange(*session, request, pathAndQuery, origin, watch, keep);
            const bool fired = watch.release();
            if (fired || !keep)
                drop();
            // A socket shut down by abort() or the deadline ends the body early, which Poco
            // takes for its end: such a reply is never passed on as complete.
            if (aborted_)
                return transportFailure(TransportError::Aborted, "shutting down");
            return fired ? timedOut() : response;
        } catch (const Poco::TimeoutException&) {
            drop();
            return aborted_ ? transportFailure(TransportError::Aborted, "shutting down")
                            : timedOut();
        } catch (const Poco::Net::SSLException& e) {
            const bool fired = drop();
            if (aborted_)
                return transportFailure(TransportError::Aborted, "shutting down");
            if (fired)
                return timedOut();
            if (reused && attempt == 0)
                continue;
            return transportFailure(TransportError::TlsFailed, tlsFailureText(e, origin.host));
        } catch (const Poco::Net::HostNotFoundException&) {
            drop();
            return transportFailure(TransportError::ConnectFailed,
                                    "host name " + origin.host + " not found");
        } catch (const Poco::Net::ConnectionRefusedException&) {
            drop();
            return transportFailure(TransportError::ConnectFailed,
                                    "connection to " + origin.host + ":" +
                                        std::to_string(origin.port) + " refused");
        } catch (const Poco::Exception& e) {
            const bool fired = drop();
            if (aborted_)
                return transportFailure(TransportError::Aborted, "shutting down");
            if (fired)
                return timedOut();
            if (reused && attempt == 0)
                continue;
            return transportFailure(TransportError::ConnectFailed, e.displayText());
        } catch (const std::exception& e) {
            const bool fired = drop();
            return fired ? timedOut() : transportFailure(TransportError::Other, e.what());
        }
    }
    return transportFailure(TransportError::Other, "request failed twice");
}

HttpResponse PocoHttpClient::exchange(Poco::Net::HTTPClientSession& session,
                                      const HttpRequest& request, const std::string& pathAndQuery,
                                      const Origin& origin, Attempt& attempt, bool& keep)
{
    // Each single wait gets the time left; the deadline (SocketDeadlines) bounds their sum.
    session.socket().setSendTimeout(attempt.remaining());
    session.socket().setReceiveTimeout(attempt.remaining());
    Poco::Net::HTTPRequest req(request.method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    for (const auto& [name, value] : request.headers)
        req.set(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT")
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));

    std::ostream& out = session.sendRequest(req);
    if (aborted_)
        throw Poco::Exception("aborted");
    out << request.body;

    session.socket().setReceiveTimeout(attempt.remaining());
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    HttpResponse response;
    response.status = static_cast<int>(res.getStatus());
    response.reason = res.getReason();
    for (const auto& [name, value] : res)
        response.headers.emplace_back(name, value);
    const auto limit = options_.maxBodyBytes;
    const bool announcedTooLarge =
        res.hasContentLength() && res.getContentLength64() > static_cast<Poco::Int64>(limit);
    if (announcedTooLarge || !readBody(in, response.body, limit)) {
        keep = false;  // the rest of the body is still on the wire
        return transportFailure(TransportError::Other,
                                "the reply was larger than " + sizeText(limit));
    }
    if (origin.scheme == "https")
        rememberTlsSession(origin.key(), session);  // before the connection may be closed
    keep = res.getKeepAlive();
    return response;
}

}  // namespace bank2mqtt
