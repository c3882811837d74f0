// SPDX-License-Identifier: MIT
// Reply classification helpers shared by plugins; nothing here throws or quotes a body.
#include "json_reply.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>
#include <exception>

namespace bank2mqtt {
namespace {

std::string lowerCase(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

const char* standardReason(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return nullptr;
    }
}

}  // namespace

bool isHtmlReply(const HttpResponse& response)
{
    if (const auto type = response.header("Content-Type")) {
        const std::string lower = lowerCase(*type);
        if (lower.find("text/html") != std::string::npos ||
            lower.find("application/xhtml") != std::string::npos)
            return true;
    }
    for (char c : response.body) {
        if (!isSpace(c))
            return c == '<';
    }
    return false;
}

JsonObjectParse parseJsonObject(std::string_view body) noexcept
{
    JsonObjectParse result;
    try {
        bool blank = true;
        for (char c : body)
            blank = blank && isSpace(c);
        if (blank) {
            result.error = "the reply is empty";
            return result;
        }
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var value = parser.parse(std::string(body));
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
            result.error = "the reply is JSON but not an object";
            return result;
        }
        result.object = value.extract<Poco::JSON::Object::Ptr>();
        if (result.object.isNull())
            result.error = "the reply is JSON but not an object";
    } catch (const std::exception&) {
        // Poco's messages may quote parts of the body, so they are not passed on.
        result.object = nullptr;
        result.error = "the reply is not valid JSON (it may have been cut off)";
    }
    return result;
}

std::optional<std::string> stringMember(const Poco::JSON::Object::Ptr& object,
                                        const std::string& key)
{
    if (object.isNull() || !object->has(key))
        return std::nullopt;
    const Poco::Dynamic::Var value = object->get(key);
    if (value.type() != typeid(std::string))
        return std::nullopt;
    return value.extract<std::string>();
}

std::string httpStatusText(int status, std::string_view reason)
{
    std::string text = std::to_string(status);
    const std::string clean = sanitizeBankMessage(reason, 40);
    if (!clean.empty()) {
        text += ' ' + clean;
    } else if (const char* standard = standardReason(status)) {
        text += ' ';
        text += standard;
    }
    return text;
}

std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value,
                                                    std::chrono::system_clock::time_point now)
{
    std::size_t begin = 0;
    std::size_t end = value.size();
    while (begin < end && isSpace(value[begin]))
        ++begin;
    while (end > begin && isSpace(value[end - 1]))
        --end;
    const std::string_view trimmed = value.substr(begin, end - begin);
    if (trimmed.empty())
        return std::nullopt;
    bool allDigits = true;
    for (char c : trimmed)
        allDigits = allDigits && c >= '0' && c <= '9';
    if (allDigits) {
        if (trimmed.size() > 9)
            return std::nullopt;  // more than 30 years: not a value worth honouring
        return std::chrono::seconds(std::stol(std::string(trimmed)));
    }
    // Poco's parser is lenient (it turns "soon" into a date), so insist on the GMT suffix that
    // both HTTP-date forms in use carry (RFC 9110 5.6.7).
    if (trimmed.size() < 20 || trimmed.substr(trimmed.size() - 3) != "GMT")
        return std::nullopt;
    try {
        Poco::DateTime date;
        int zone = 0;
        if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, std::string(trimmed),
                                            date, zone))
            return std::nullopt;
        // The obsolete RFC 850 form has a two-digit year, which Poco leaves as year 26 AD.
        if (date.year() < 100)
            date.assign(date.year() + (date.year() < 50 ? 2000 : 1900), date.month(), date.day(),
                        date.hour(), date.minute(), date.second());
        date.makeUTC(zone);
        // In microseconds: years before 1678 or after 2262 overflow system_clock's nanoseconds.
        const auto at = std::chrono::microseconds(date.timestamp().epochMicroseconds());
        const auto from =
            std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
        if (at <= from)
            return std::chrono::seconds(0);
        return std::chrono::ceil<std::chrono::seconds>(at - from);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string describeTransportError(const HttpResponse& response, std::chrono::milliseconds timeout)
{
    const std::string detail = sanitizeBankMessage(response.errorText);
    const std::string suffix = detail.empty() ? std::string() : ": " + detail;
    switch (response.transportError) {
    case TransportError::Timeout: {
        const auto seconds = (timeout.count() + 999) / 1000;
        return "the bank did not answer within " + std::to_string(seconds) + " s";
    }
    case TransportError::TlsFailed:
        return "the secure connection to the bank failed (TLS certificate or handshake)" + suffix;
    case TransportError::BadUrl:
        return "the bank's URL was refused" + suffix;
    case TransportError::Aborted:
        return "the request to the bank was cancelled because bank2mqtt is stopping";
    case TransportError::Other:
        // The bank was reached; the reply was refused (e.g. larger than the host's limit).
        return "the request to the bank failed" + suffix;
    case TransportError::None:
    case TransportError::ConnectFailed:
        break;
    }
    return "could not reach the bank" + suffix;
}

}  // namespace bank2mqtt
