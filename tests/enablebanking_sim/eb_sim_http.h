// SPDX-License-Identifier: MIT
// Plain request/response values for the Enable Banking simulator, and the Poco glue around them.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt::ebsim {

/// The parts of an HTTP request the simulator looks at.
struct EbRequest {
    std::string method;
    std::string path;   ///< percent-decoded, without the query
    std::string query;  ///< raw, without '?'
    std::string host;   ///< the Host header (for the login URL)
    std::string authorization;
    bool psuPresent = false;  ///< a Psu-Ip-Address header came with it
    bool hasContentLength = false;
    bool bodyTooLarge = false;  ///< more than the reader's cap; the rest was drained
    std::string body;
};

struct EbResponse {
    int status = 200;
    std::string contentType;  ///< empty: no Content-Type header
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool noReply = false;  ///< send nothing (a slow reply cut short by shutdown)
};

inline constexpr const char* kJsonType = "application/json";

EbResponse jsonResponse(int status, std::string body);
/// Enable Banking's ErrorResponse: {"code":status,"message":...,"error":...,"detail":...};
/// `error` empty leaves the field out (as in the wild 403 "Application is not active"),
/// `detail` empty is null.
EbResponse errorResponse(int status, const std::string& message, const std::string& error,
                         const std::string& detail = "");

/// Reads the request, body capped at `maxBody` bytes (the rest drained).
EbRequest readRequest(Poco::Net::HTTPServerRequest& request, std::size_t maxBody);
void sendResponse(const EbResponse& response, Poco::Net::HTTPServerResponse& out);

/// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}}; nullopt for a malformed escape.
std::optional<std::map<std::string, std::string>> parseQuery(const std::string& query);

/// A JSON string literal of `text`.
std::string jsonString(const std::string& text);

/// A random version-4 UUID.
std::string newUuid();
/// True for the 8-4-4-4-12 hex form.
bool looksLikeUuid(const std::string& text);

/// Unix seconds as RFC 3339 with offset, "2026-12-02T16:00:00.000000+00:00".
std::string rfc3339(long long unixSeconds);
/// Unix seconds as an ISO date, "2026-12-02".
std::string isoDate(long long unixSeconds);
/// Parses RFC 3339 / ISO 8601 with a time zone; nullopt when malformed or without a zone.
std::optional<long long> parseRfc3339(const std::string& text);

}  // namespace bank2mqtt::ebsim
