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

// Length of the valid UTF-8 sequence starting at text[pos], or 0 when it is invalid.
std::size_t utf8SequenceLength(std::string_view text, std::size_t pos)
{
    const auto lead = static_cast<unsigned char>(text[pos]);
    std::size_t length = 0;
    if (lead >= 0xC2 && lead <= 0xDF)
        length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
        length = 3;
    else if (lead >= 0xF0 && lead <= 0xF4)
        length = 4;
    else
        return 0;
    if (pos + length > text.size())
        return 0;
    // The second byte's range excludes overlong forms, UTF-16 surrogates and code points past
    // U+10FFFF (RFC 3629 section 4), which JSON and MQTT consumers reject.
    const auto second = static_cast<unsigned char>(text[pos + 1]);
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
        (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80)
            return 0;
    }
    return length;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Bytes that sanitizeBankMessage shows as (part of) one space: controls, DEL and ' '.
bool isBlank(unsigned char c)
{
    return c < 0x20 || c == 0x7F || c == ' ';
}

// Length of the invisible code point at text[pos] that sanitizeBankMessage drops, or 0: the
// zero-width space, non-joiner and joiner (U+200B..U+200D), the word joiner (U+2060) and the
// byte order mark (U+FEFF). Between digits they would hide a number from the masking.
std::size_t invisibleLength(std::string_view text, std::size_t pos)
{
    if (pos + 3 > text.size())
        return 0;
    const auto a = static_cast<unsigned char>(text[pos]);
    const auto b = static_cast<unsigned char>(text[pos + 1]);
    const auto c = static_cast<unsigned char>(text[pos + 2]);
    const bool zeroWidth = a == 0xE2 && b == 0x80 && c >= 0x8B && c <= 0x8D;
    const bool wordJoiner = a == 0xE2 && b == 0x81 && c == 0xA0;
    const bool byteOrderMark = a == 0xEF && b == 0xBB && c == 0xBF;
    return zeroWidth || wordJoiner || byteOrderMark ? 3 : 0;
}

// Length of what sanitizeBankMessage drops at text[pos] (a byte that starts no valid UTF-8
// sequence, or an invisible code point), or 0.
std::size_t droppedLength(std::string_view text, std::size_t pos)
{
    if (static_cast<unsigned char>(text[pos]) < 0x80)
        return 0;
    if (utf8SequenceLength(text, pos) == 0)
        return 1;
    return invisibleLength(text, pos);
}

std::size_t skipDropped(std::string_view text, std::size_t pos)
{
    while (pos < text.size()) {
        const std::size_t length = droppedLength(text, pos);
        if (length == 0)
            break;
        pos += length;
    }
    return pos;
}

// The digit at text[pos] as ASCII, and its length in bytes: '0'..'9', or a full-width digit
// U+FF10..U+FF19 (EF BC 90..99), which reads the same. 0 when there is none.
std::size_t digitAt(std::string_view text, std::size_t pos, char& digit)
{
    if (pos < text.size() && isDigit(text[pos])) {
        digit = text[pos];
        return 1;
    }
    if (pos + 3 <= text.size() && static_cast<unsigned char>(text[pos]) == 0xEF &&
        static_cast<unsigned char>(text[pos + 1]) == 0xBC) {
        const auto last = static_cast<unsigned char>(text[pos + 2]);
        if (last >= 0x90 && last <= 0x99) {
            digit = static_cast<char>('0' + (last - 0x90));
            return 3;
        }
    }
    return 0;
}

bool startsDigit(std::string_view text, std::size_t pos)
{
    char ignored = 0;
    return digitAt(text, pos, ignored) != 0;
}

// The separators that join digit groups into one number: "9710.41.33219", "9710-41-33219",
// "9710/41/33219", "9710_41_33219", "9710,41,33219".
bool isJoiner(char c)
{
    return c == '.' || c == '-' || c == '/' || c == '_' || c == ',';
}

// The number starting at the digit text[pos], as sanitizeBankMessage shows it, and pos moved
// past it. Digit groups joined by one separator (isJoiner), or by one stretch of blanks (shown
// as one space), are one number: "9710.41.33219", "010190 12345". Full-width digits count (and
// are shown) as digits. A number of 6 or more digits in all becomes "***", separators included.
// Dropped bytes and invisible code points neither join nor split groups, and a separator
// belongs to the number only when a digit follows it, so "2024." keeps its full stop. The
// groups are judged as they will be shown, so that no masked form can reappear in the output.
std::string takeNumber(std::string_view text, std::size_t& pos)
{
    std::string shown;
    std::size_t digits = 0;
    std::size_t end = pos;
    while (true) {
        end = skipDropped(text, end);
        char digit = 0;
        if (const std::size_t length = digitAt(text, end, digit)) {
            shown += digit;
            end += length;
            ++digits;
            continue;
        }
        if (end == text.size())
            break;
        std::size_t next = end;
        char separator = ' ';
        if (isJoiner(text[next])) {
            separator = text[next];
            next = skipDropped(text, next + 1);
        } else if (isBlank(static_cast<unsigned char>(text[next]))) {
            while (next < text.size()) {
                if (isBlank(static_cast<unsigned char>(text[next])))
                    ++next;
                else if (const std::size_t length = droppedLength(text, next))
                    next += length;
                else
                    break;
            }
        } else {
            break;
        }
        if (next == text.size() || !startsDigit(text, next))
            break;
        shown += separator;
        end = next;
    }
    pos = end;
    return digits >= 6 ? "***" : shown;
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

std::string sanitizeBankMessage(std::string_view text, std::size_t maxChars)
{
    std::string out;
    std::size_t chars = 0;
    bool pendingSpace = false;
    bool truncated = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto c = static_cast<unsigned char>(text[pos]);
        std::string piece;
        bool number = false;
        if (startsDigit(text, pos)) {
            // Invalid bytes are dropped, so they must not split a number: "12345\xff678901" is
            // one 11-digit number once cleaned.
            piece = takeNumber(text, pos);
            number = true;
        } else if (const std::size_t dropped = invisibleLength(text, pos)) {
            pos += dropped;
            continue;
        } else if (isBlank(c)) {
            pendingSpace = !out.empty();
            ++pos;
            continue;
        } else if (c < 0x80) {
            piece = static_cast<char>(c);
            ++pos;
        } else {
            const std::size_t length = utf8SequenceLength(text, pos);
            if (length == 0) {
                ++pos;
                continue;
            }
            piece = std::string(text.substr(pos, length));
            pos += length;
        }
        // A number counts one char per digit or separator (or 3 for "***"); others are one code
        // point.
        const std::size_t pieceChars = (c >= 0x80 && !number) ? 1 : piece.size();
        if (chars + (pendingSpace ? 1 : 0) + pieceChars > maxChars) {
            truncated = true;
            break;
        }
        if (pendingSpace) {
            out += ' ';
            ++chars;
            pendingSpace = false;
        }
        out += piece;
        chars += pieceChars;
    }
    if (truncated) {
        // Make room for the ellipsis within maxChars, cutting at a code point boundary.
        while (!out.empty() && chars + 3 > maxChars) {
            std::size_t start = out.size() - 1;
            while (start > 0 && (static_cast<unsigned char>(out[start]) & 0xC0) == 0x80)
                --start;
            out.erase(start);
            --chars;
        }
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        out += "...";
    }
    return out;
}

std::string redactSecrets(std::string_view text, const std::vector<std::string>& secrets)
{
    std::string out(text);
    std::vector<const std::string*> ordered;
    for (const auto& secret : secrets) {
        if (secret.size() >= kMinRedactedLength)
            ordered.push_back(&secret);
    }
    // Longest first, so that a secret inside a longer one (a token in its header) goes whole.
    std::sort(ordered.begin(), ordered.end(),
              [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
    for (const std::string* secret : ordered) {
        for (std::size_t at = out.find(*secret); at != std::string::npos;
             at = out.find(*secret, at + 3))
            out.replace(at, secret->size(), "***");
    }
    return out;
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
