// SPDX-License-Identifier: MIT
// What the host lends a bank-source plugin: a clock, an HTTP client, a state store and a logger.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt {

/// Time, injected so that tests can move it without sleeping.
/// Thread rules: the host calls a source from one thread at a time; implementations must
/// nevertheless be safe to call from any thread.
class Clock {
public:
    virtual ~Clock() = default;
    /// Wall-clock time: for timestamps shown to people ("updated") and for expiries that must
    /// survive a restart (persisted as wall time, then converted back to monotonic time).
    virtual std::chrono::system_clock::time_point wallNow() const = 0;
    /// Monotonic time: for every expiry, interval and back-off computation.
    virtual std::chrono::steady_clock::time_point monotonicNow() const = 0;
};

/// One HTTP header as sent or received. Names compare case-insensitively (see
/// HttpResponse::header).
using HttpHeader = std::pair<std::string, std::string>;

/// A request as a plain value. The host adds nothing but `Host`, `Content-Length` and
/// `Connection: keep-alive`; everything else (Accept, Authorization, ...) is the plugin's.
struct HttpRequest {
    std::string method = "GET";
    /// Absolute URL. The host refuses any scheme other than https, except http:// to a
    /// loopback address (127.0.0.0/8, ::1, localhost), which is allowed for simulators.
    std::string url;
    std::vector<HttpHeader> headers;
    std::string body;
    /// Deadline of the whole request, measured on the monotonic clock from send(): connect, TLS
    /// handshake, sending, and the entire reply (headers and body), however slowly the bank
    /// sends it. Enforced by the host and capped at the source's `timeout =`; past it send()
    /// returns TransportError::Timeout.
    std::chrono::milliseconds timeout{std::chrono::seconds(20)};
};

/// How a request ended below HTTP. When it is anything but None, `status` is 0 and `body` empty.
enum class TransportError {
    None,
    ConnectFailed,  ///< refused, unreachable, DNS failure
    Timeout,        ///< no complete reply within HttpRequest::timeout (the whole request)
    TlsFailed,      ///< handshake failed, certificate not trusted, wrong host name
    BadUrl,         ///< URL malformed or refused by the host's scheme rule
    Aborted,        ///< the host is shutting down
    Other,  ///< e.g. a reply larger than the host's limit ("the reply was larger than 4 MB")
};

struct HttpResponse {
    int status = 0;  ///< HTTP status code; 0 when transportError != None
    std::string reason;
    std::vector<HttpHeader> headers;
    std::string body;
    TransportError transportError = TransportError::None;
    /// Human-readable description of a transport error, free of secrets and bodies.
    std::string errorText;

    /// First header with this name (case-insensitive), or nullopt.
    std::optional<std::string> header(const std::string& name) const
    {
        for (const auto& [key, value] : headers) {
            if (key.size() == name.size() &&
                std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) ==
                           std::tolower(static_cast<unsigned char>(b));
                }))
                return value;
        }
        return std::nullopt;
    }
};

/// Synchronous HTTP. Implementations keep connections alive between calls to the same
/// scheme://host:port, and reconnect transparently when the server has closed an idle one.
/// May block up to request.timeout. Never throws; every failure is a TransportError.
class HttpClient {
public:
    virtual ~HttpClient() = default;
    virtual HttpResponse send(const HttpRequest& request) noexcept = 0;
};

/// Small persistent key/value store, private to one source (the host keeps one file per source
/// id in `state_dir`, mode 0600). Values are opaque strings (JSON is a good choice).
/// Write-through: `put` persists before it returns. A failed write is reported by the host as a
/// warning and the value is still kept in memory for the life of the process, so plugins need
/// not handle it.
class StateStore {
public:
    virtual ~StateStore() = default;
    virtual std::optional<std::string> get(const std::string& key) const = 0;
    virtual void put(const std::string& key, const std::string& value) = 0;
    virtual void erase(const std::string& key) = 0;
};

enum class LogLevel { Debug, Info, Warning, Error };

/// Log sink. The host prefixes every line with the source id. Plugins must never pass a secret,
/// token, customer id, full account number or response body, at any level.
class Logger {
public:
    virtual ~Logger() = default;
    virtual void log(LogLevel level, const std::string& message) = 0;
    void debug(const std::string& m) { log(LogLevel::Debug, m); }
    void info(const std::string& m) { log(LogLevel::Info, m); }
    void warning(const std::string& m) { log(LogLevel::Warning, m); }
    void error(const std::string& m) { log(LogLevel::Error, m); }
};

/// Everything the host injects, passed to the plugin's create entry point. The host owns all
/// four objects and keeps them alive until after the plugin's destroy entry point returns.
/// Fields are only ever appended (within one API version): a plugin reads a field beyond the
/// ones below only when `size` shows that this host lends it.
struct Services {
    std::uint32_t size;  ///< sizeof(Services) of the host
    Clock& clock;
    HttpClient& http;
    StateStore& state;
    Logger& log;
};

}  // namespace bank2mqtt
