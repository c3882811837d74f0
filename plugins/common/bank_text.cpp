// SPDX-License-Identifier: MIT
// sanitizeBankMessage and redactSecrets: the masking rules for bank-provided text.
#include "bank_text.h"

#include <algorithm>

namespace bank2mqtt {
namespace {

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

}  // namespace

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

}  // namespace bank2mqtt
