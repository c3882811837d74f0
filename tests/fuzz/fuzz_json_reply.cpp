// SPDX-License-Identifier: MIT
// Fuzz target: the shared reply helpers (plugins/common/json_reply.h) on untrusted bank text.
//
// Input: the first byte picks maxChars for sanitizeBankMessage (0..255); the rest is used at
// once as a JSON body, a bank message, a Retry-After value, an HTTP reason and an HTML sniff.
// Invariants: parseJsonObject never throws and explains failures with fixed sentences (never
// quoting the body); a sanitised message is valid UTF-8 without control characters, invisible
// code points (U+200B..U+200D, U+2060, U+FEFF), full-width digits, numbers of 6 or more digits
// (also when written in groups joined by single '.', ' ', '-', '/', '_' or ','), doubled or
// edge spaces, and fits maxChars; redactSecrets leaves no secret behind; a Retry-After is never
// negative and a plain number reads as itself.
#include "fuzz_support.h"
#include "json_reply.h"

#include <algorithm>
#include <chrono>

using namespace bank2mqtt;
using bank2mqtt::fuzz::check;

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Digits in the longest number of `text` whose digit groups are joined by single '.', ' ', '-',
// '/', '_' or ',' ("9710.41.33219" holds 11): the forms sanitizeBankMessage must mask from 6
// digits on.
std::size_t longestJoinedNumber(std::string_view text)
{
    std::size_t longest = 0;
    std::size_t digits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (isDigit(c)) {
            longest = std::max(longest, ++digits);
        } else if (!(digits > 0 &&
                     (c == '.' || c == ' ' || c == '-' || c == '/' || c == '_' || c == ',') &&
                     i + 1 < text.size() && isDigit(text[i + 1]))) {
            digits = 0;
        }
    }
    return longest;
}

void checkSanitized(std::string_view input, std::size_t maxChars)
{
    const std::string clean = sanitizeBankMessage(input, maxChars);
    check(fuzz::isValidUtf8(clean), "sanitizeBankMessage returned invalid UTF-8", clean);
    check(fuzz::codePoints(clean) <= std::max<std::size_t>(maxChars, 3),
          "sanitizeBankMessage is longer than maxChars", clean);
    check(longestJoinedNumber(clean) < 6, "sanitizeBankMessage let a long number through", clean);
    for (char c : clean) {
        const auto u = static_cast<unsigned char>(c);
        check(u >= 0x20 && u != 0x7F, "sanitizeBankMessage kept a control character", clean);
    }
    check(clean.find("  ") == std::string::npos, "sanitizeBankMessage kept a double space", clean);
    for (const char* hidden :
         {"\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF"})
        check(clean.find(hidden) == std::string::npos,
              "sanitizeBankMessage kept an invisible character", clean);
    for (std::size_t i = 0; i + 2 < clean.size(); ++i)
        check(!(static_cast<unsigned char>(clean[i]) == 0xEF &&
                static_cast<unsigned char>(clean[i + 1]) == 0xBC &&
                static_cast<unsigned char>(clean[i + 2]) >= 0x90 &&
                static_cast<unsigned char>(clean[i + 2]) <= 0x99),
              "sanitizeBankMessage kept a full-width digit", clean);
    check(clean.empty() || (clean.front() != ' ' && clean.back() != ' '),
          "sanitizeBankMessage kept an edge space", clean);
    if (fuzz::codePoints(clean) < maxChars && clean.find("...") == std::string::npos)
        check(sanitizeBankMessage(clean, maxChars) == clean, "sanitizeBankMessage is not stable",
              clean);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::size_t maxChars = data[0];
    const std::string_view input = fuzz::asText(data + 1, size - 1);

    const JsonObjectParse parsed = parseJsonObject(input);
    check(parsed.ok() == parsed.error.empty(), "parseJsonObject: exactly one of object and error");
    check(parsed.ok() || parsed.error == "the reply is empty" ||
              parsed.error == "the reply is JSON but not an object" ||
              parsed.error == "the reply is not valid JSON (it may have been cut off)",
          "parseJsonObject gave an unexpected reason (quoting the body?)", parsed.error);
    if (parsed.ok()) {
        for (const char* key : {"errorMessage", "detail", "title", "message"}) {
            if (const auto text = stringMember(parsed.object, key))
                checkSanitized(*text, 120);
        }
    }

    checkSanitized(input, maxChars);

    // A secret taken from the input itself (its middle third) never survives redaction.
    if (input.size() >= 3 * kMinRedactedLength) {
        const std::string secret(input.substr(input.size() / 3, input.size() / 3));
        const std::string redacted = redactSecrets(input, {secret});
        check(redacted.find(secret) == std::string::npos || secret.find('*') != std::string::npos,
              "redactSecrets left the secret", redacted);
    }

    // Contiguous digits only: the status code itself may precede a short number of the reason
    // ("503 12"), which is no account number.
    const std::string status = httpStatusText(static_cast<int>(maxChars) + 300, input);
    check(fuzz::longestDigitRun(status) < 6, "httpStatusText let a long number through", status);

    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    if (const auto delay = parseRetryAfter(input, now)) {
        check(delay->count() >= 0, "parseRetryAfter is negative");
        std::string_view trimmed = input;
        while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t'))
            trimmed.remove_prefix(1);
        while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t'))
            trimmed.remove_suffix(1);
        if (!trimmed.empty() && std::all_of(trimmed.begin(), trimmed.end(),
                                            [](char c) { return c >= '0' && c <= '9'; })) {
            check(std::to_string(delay->count()) ==
                      std::string(trimmed.substr(
                          std::min(trimmed.find_first_not_of('0'), trimmed.size() - 1))),
                  "parseRetryAfter misread delta-seconds", input);
        }
    }

    HttpResponse response;
    response.status = 200;
    response.body = std::string(input);
    (void)isHtmlReply(response);
    response.transportError = TransportError::TlsFailed;
    response.errorText = std::string(input);
    const std::string transport = describeTransportError(response, std::chrono::seconds(20));
    check(longestJoinedNumber(transport) < 6, "describeTransportError let a number through",
          transport);
    return 0;
}
