// SPDX-License-Identifier: MIT
// Classifying a bank's HTTP reply: transport failures, HTML pages, JSON bodies, error texts.
#pragma once

#include "bank_text.h"

#include "bank2mqtt/services.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt {

/// True when a reply is an HTML page (a proxy's or load balancer's error page, a login portal):
/// its Content-Type is text/html or application/xhtml+xml, or the first non-whitespace byte of
/// the body is '<'. Such bodies are never parsed or quoted.
bool isHtmlReply(const HttpResponse& response);

/// The result of parseJsonObject: `object` on success, otherwise `error` says why in words
/// fit for a FetchResult message ("the reply is empty", "the reply is not valid JSON ...").
struct JsonObjectParse {
    Poco::JSON::Object::Ptr object;
    std::string error;

    bool ok() const { return !object.isNull(); }
};

/// Parses `body` as a JSON object. Never throws: empty bodies, truncated or invalid JSON,
/// trailing garbage, arrays and scalars all come back as an `error`, which never quotes the body.
JsonObjectParse parseJsonObject(std::string_view body) noexcept;

/// The string member `key` of `object`, or nullopt when absent, null or not a string.
std::optional<std::string> stringMember(const Poco::JSON::Object::Ptr& object,
                                        const std::string& key);

/// "503 Service Unavailable": the status and `reason`, or the standard reason phrase when
/// `reason` is empty (just the number when the status is unusual).
std::string httpStatusText(int status, std::string_view reason = {});

/// The delay a Retry-After header asks for: delta-seconds ("120") or an HTTP-date, counted from
/// `now` (wall clock). Dates in the past give 0 s. nullopt when the value is unreadable.
std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value,
                                                    std::chrono::system_clock::time_point now);

/// One sentence for a reply with transportError != None, e.g. "could not reach the bank:
/// connection refused", "the bank did not answer within 20 s", "the secure connection to the bank
/// failed (TLS): ...", "the request to the bank failed: the reply was larger than 4 MB". `timeout`
/// is the request's HttpRequest::timeout.
std::string describeTransportError(const HttpResponse& response, std::chrono::milliseconds timeout);

}  // namespace bank2mqtt
