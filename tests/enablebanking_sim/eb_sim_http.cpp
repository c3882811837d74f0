// SPDX-License-Identifier: MIT
// Reading and writing the Enable Banking simulator's HTTP messages; JSON and time helpers.
#include "eb_sim_http.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/RegularExpression.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <istream>
#include <sstream>

namespace bank2mqtt::ebsim {

EbResponse jsonResponse(int status, std::string body)
{
    EbResponse response;
    response.status = status;
    response.contentType = kJsonType;
    response.body = std::move(body);
    return response;
}

EbResponse errorResponse(int status, const std::string& message, const std::string& error,
                         const std::string& detail)
{
    std::string body =
        "{\"code\":" + std::to_string(status) + ",\"message\":" + jsonString(message);
    if (!error.empty()) {
        body += ",\"error\":" + jsonString(error) +
                ",\"detail\":" + (detail.empty() ? std::string("null") : jsonString(detail));
    }
    return jsonResponse(status, body + "}");
}

EbRequest readRequest(Poco::Net::HTTPServerRequest& request, std::size_t maxBody)
{
    EbRequest out;
    out.method = request.getMethod();
    try {
        const Poco::URI uri(request.getURI());
        out.path = uri.getPath();
        out.query = uri.getRawQuery();
    } catch (const Poco::Exception&) {
        out.path = "/?";  // unroutable: answered 404
    }
    out.host = request.getHost();
    out.authorization = request.get("Authorization", "");
    out.psuPresent = request.has("Psu-Ip-Address");
    out.hasContentLength = request.hasContentLength();
    std::istream& stream = request.stream();
    char buffer[8192];
    while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0) {
        const auto got = static_cast<std::size_t>(stream.gcount());
        if (out.body.size() + got <= maxBody) {
            out.body.append(buffer, got);
        } else {
            out.bodyTooLarge = true;
        }
    }
    return out;
}

void sendResponse(const EbResponse& response, Poco::Net::HTTPServerResponse& out)
{
    if (response.noReply) {
        return;
    }
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    for (const auto& [name, value] : response.headers) {
        out.set(name, value);
    }
    if (!response.contentType.empty()) {
        out.setContentType(response.contentType);
    }
    out.setContentLength(static_cast<std::streamsize>(response.body.size()));
    std::ostream& stream = out.send();
    stream.write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
    stream.flush();
}

std::optional<std::map<std::string, std::string>> parseQuery(const std::string& query)
{
    std::map<std::string, std::string> params;
    try {
        for (const auto& [name, value] : Poco::URI("/?" + query).getQueryParameters()) {
            params[name] = value;
        }
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
    return params;
}

std::string jsonString(const std::string& text)
{
    std::ostringstream out;
    Poco::JSON::Stringifier::formatString(text, out);
    return out.str();
}

std::string newUuid()
{
    return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

bool looksLikeUuid(const std::string& text)
{
    static const Poco::RegularExpression uuid(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    return uuid.match(text);
}

std::string rfc3339(long long unixSeconds)
{
    const Poco::Timestamp ts =
        Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(unixSeconds));
    return Poco::DateTimeFormatter::format(ts, "%Y-%m-%dT%H:%M:%S.%F+00:00");
}

std::string isoDate(long long unixSeconds)
{
    const Poco::Timestamp ts =
        Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(unixSeconds));
    return Poco::DateTimeFormatter::format(ts, "%Y-%m-%d");
}

std::optional<long long> parseRfc3339(const std::string& text)
{
    // Enable Banking wants the offset; a local time without one is ambiguous.
    static const Poco::RegularExpression zoned(
        "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$");
    if (!zoned.match(text)) {
        return std::nullopt;
    }
    Poco::DateTime parsed;
    int zone = 0;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, parsed,
                                        zone)) {
        return std::nullopt;
    }
    return static_cast<long long>(parsed.timestamp().epochTime()) - zone;
}

}  // namespace bank2mqtt::ebsim
