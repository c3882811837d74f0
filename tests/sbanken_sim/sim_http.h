// SPDX-License-Identifier: MIT
// Plain request/response values for the simulator's routers, and the Poco glue around them.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt::sim {

/// The parts of an HTTP request the simulator looks at.
struct SimRequest {
    std::string method;
    std::string path;   ///< percent-decoded, without the query
    std::string query;  ///< raw, without '?'
    std::string authorization;
    std::optional<std::string> customerId;  ///< the `customerId` header, when present
    std::string body;
};

struct SimResponse {
    int status = 200;
    std::string contentType;  ///< empty: no Content-Type header
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    /// Send nothing and let the connection close (a slow reply cut short by shutdown).
    bool noReply = false;
    /// > 0: the whole reply, status line included, is sent one byte every dripMs milliseconds
    /// and the connection is then closed (see ApiRequestHandler).
    long dripMs = 0;
};

inline constexpr const char* kJsonType = "application/json; charset=utf-8";

/// A response with a JSON body.
SimResponse jsonResponse(int status, std::string body);

/// Reads the request (body capped at 1 MiB; the rest is drained so keep-alive stays in sync).
SimRequest readRequest(Poco::Net::HTTPServerRequest& request);
/// Writes `response` with an exact Content-Length (nothing at all when noReply).
void sendResponse(const SimResponse& response, Poco::Net::HTTPServerResponse& out);

/// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
/// nullopt for a malformed escape.
std::optional<std::string> formDecode(const std::string& text);
/// "a=1&b=x+y" -> {{"a","1"},{"b","x y"}}; nullopt if any part is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parseForm(const std::string& text);

/// Lower-cased path without trailing slashes ("/" stays "/"). ASCII only, so byte offsets
/// into the original path stay valid.
std::string normalizePath(const std::string& path);

/// A random version-4 UUID, "xxxxxxxx-xxxx-4xxx-...".
std::string newUuid();

}  // namespace bank2mqtt::sim
