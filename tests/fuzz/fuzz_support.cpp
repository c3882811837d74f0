// SPDX-License-Identifier: MIT
// Helpers of the fuzz targets (see fuzz_support.h).
#include "fuzz_support.h"

namespace bank2mqtt::fuzz {

bool isValidUtf8(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t point = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            point = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            point = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            point = c & 0x07;
        } else {
            return false;
        }
        if (i + length > text.size())
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80)
                return false;
            point = (point << 6) | (next & 0x3F);
        }
        const std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (point < minimum[length] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF))
            return false;
        i += length;
    }
    return true;
}

std::size_t codePoints(std::string_view text)
{
    std::size_t count = 0;
    for (char c : text)
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

namespace {

std::string_view nextLine(std::string_view& rest)
{
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

std::string_view afterWord(std::string_view text, std::string_view& word)
{
    const auto space = text.find(' ');
    word = text.substr(0, space);
    return space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
}

}  // namespace

HttpResponse responseFromInput(std::string_view input)
{
    HttpResponse r;
    if (input.rfind("TRANSPORT ", 0) == 0) {
        std::string_view rest = input.substr(10);
        std::string_view kind;
        r.errorText = std::string(afterWord(nextLine(rest), kind));
        r.transportError = kind == "Timeout"         ? TransportError::Timeout
                           : kind == "ConnectFailed" ? TransportError::ConnectFailed
                           : kind == "TlsFailed"     ? TransportError::TlsFailed
                                                     : TransportError::Other;
        return r;
    }
    if (input.rfind("HTTP/", 0) != 0) {
        r.status = 200;
        r.reason = "OK";
        r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
        r.body = std::string(input);
        return r;
    }
    std::string_view rest = input;
    std::string_view word;
    std::string_view status = afterWord(afterWord(nextLine(rest), word), word);
    r.status = 0;
    for (char c : word.substr(0, 4)) {
        if (c < '0' || c > '9')
            break;
        r.status = r.status * 10 + (c - '0');
    }
    r.reason = std::string(status);
    while (!rest.empty()) {
        const std::string_view line = nextLine(rest);
        if (line.empty())
            break;
        const auto colon = line.find(':');
        std::string_view value =
            colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    r.body = std::string(rest);
    return r;
}

}  // namespace bank2mqtt::fuzz
