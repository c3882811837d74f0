// SPDX-License-Identifier: MIT
// The HttpClient plugins get: Poco HTTP(S) sessions kept alive per origin, CA verification on.
#pragma once

#include "bank2mqtt/services.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/Session.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace bank2mqtt {

/// One instance per source; the host calls send() from one thread at a time, abort() from any.
///
/// - https:// only, except http:// to loopback (127.0.0.0/8, ::1, localhost) for simulators
///   and to the hosts of Options::plainHttpHosts (a self-hosted server with allow_http).
/// - Certificates are verified against the system CAs plus `caFile` (when given), host name
///   included; `insecure` turns verification off and then refuses every non-loopback host. TLS
///   sessions are cached, so a reconnect after the bank closed an idle connection resumes the
///   session instead of a full handshake.
/// - One kept-alive connection per scheme://host:port; a request that fails on a reused
///   connection (the server closed it meanwhile) is retried once on a fresh one.
/// - min(HttpRequest::timeout, Options::timeout) is the deadline of the whole request on the
///   monotonic clock: connect, TLS handshake, sending, and the entire reply. A bank that drips
///   its reply is cut off at the deadline (TransportError::Timeout); see SocketDeadlines.
class PocoHttpClient : public HttpClient {
public:
    struct Options {
        std::string caFile;                          ///< extra CA to trust; empty = system only
        std::chrono::milliseconds timeout{20000};    ///< caps HttpRequest::timeout (whole request)
        std::size_t maxBodyBytes = 4 * 1024 * 1024;  ///< larger replies are an error
        bool insecure = false;  ///< no certificate checks; only loopback hosts are reached
        /// Hosts plain http:// may reach besides loopback (`allow_http = true`).
        std::vector<std::string> plainHttpHosts;
    };

    explicit PocoHttpClient(Options options);
    ~PocoHttpClient() override;

    HttpResponse send(const HttpRequest& request) noexcept override;

    /// Makes the request in flight (if any) fail at once, and every later one too. Thread-safe.
    void abort() noexcept;

    /// Requests that got past the URL checks and set out for the bank, since construction.
    /// Thread-safe.
    std::uint64_t requestsStarted() const noexcept { return requestsStarted_; }

private:
    struct Origin {
        std::string scheme, host;
        unsigned short port = 0;
        std::string key() const { return scheme + "://" + host + ":" + std::to_string(port); }
    };

    class Attempt;

    HttpResponse exchange(Poco::Net::HTTPClientSession& session, const HttpRequest& request,
                          const std::string& pathAndQuery, const Origin& origin, Attempt& attempt,
                          bool& keep);
    Poco::Net::HTTPClientSession* reusableSession(const Origin& origin);
    Poco::Net::HTTPClientSession& connect(const Origin& origin, Attempt& attempt);
    void rememberTlsSession(const std::string& originKey, Poco::Net::HTTPClientSession& session);

    Options options_;
    Poco::Net::Context::Ptr tlsContext_;
    struct Connection {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        std::chrono::steady_clock::time_point lastUsed;
    };
    std::map<std::string, Connection> connections_;               ///< per Origin::key()
    std::map<std::string, Poco::Net::Session::Ptr> tlsSessions_;  ///< resumable, per origin
    std::mutex inflightMutex_;
    int inflightFd_ = -1;
    std::atomic<bool> aborted_{false};
    std::atomic<std::uint64_t> requestsStarted_{0};
};

}  // namespace bank2mqtt
