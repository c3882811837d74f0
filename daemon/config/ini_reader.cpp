// SPDX-License-Identifier: MIT
// The INI pre-pass (line numbers, strictness) and the hand-over of the clean text to Poco.
#include "ini_reader.h"

#include "config.h"
#include "config_text.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace bank2mqtt::detail {

namespace {

const char* const checkPathFix = "check that --config points at the right file";

[[noreturn]] void fail(const std::string& path, int line, const std::string& what)
{
    throw ConfigError(path + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + what);
}

int lineOf(const std::string& text, std::size_t offset)
{
    int line = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n')
            ++line;
    }
    return line;
}

// Offset of the first byte that is not part of well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), or npos.
std::size_t invalidUtf8At(const std::string& text)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        std::size_t len = 0;
        unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (std::size_t k = 2; k < len; ++k) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        }
        i += len;
    }
    return std::string::npos;
}

std::string hexByte(unsigned char c)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", c);
    return buf;
}

// Refuses content that is not text before any line is interpreted.
void checkIsText(const std::string& path, const std::string& text)
{
    const std::size_t nul = text.find('\0');
    if (nul != std::string::npos)
        fail(path, lineOf(text, nul),
             std::string("the file contains a NUL byte, so it is binary data, not an INI "
                         "configuration; ") +
                 checkPathFix);
    const std::size_t bad = invalidUtf8At(text);
    if (bad != std::string::npos)
        fail(path, lineOf(text, bad),
             "the file is not valid UTF-8 text (byte " +
                 hexByte(static_cast<unsigned char>(text[bad])) + "); save it as UTF-8");
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const bool lineEnd =
            c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] == '\n'));
        if ((c < 0x20 && c != '\t' && !lineEnd) || c == 0x7F)
            fail(path, lineOf(text, i),
                 "the line contains the control character " + hexByte(c) + "; remove it");
    }
}

// Removes a `;` or `#` comment that starts the line or follows whitespace.
std::string stripComment(const std::string& line)
{
    for (std::size_t i = 0; i < line.size(); ++i) {
        if ((line[i] == ';' || line[i] == '#') &&
            (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t'))
            return trim(line.substr(0, i));
    }
    return trim(line);
}

bool isKeyName(const std::string& key)
{
    for (char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return !key.empty();
}

// The first word of a line, to point at it without echoing a secret that lost its `=`.
std::string firstWord(const std::string& line)
{
    return line.substr(0, line.find_first_of(" \t="));
}

// The pre-pass proper: structure and line numbers, values as the pre-pass saw them.
IniDocument scan(const std::string& path, const std::string& text, std::string& cleaned)
{
    IniDocument doc;
    std::map<std::string, int> sectionLines;  // lower-case name -> line
    std::map<std::string, int> keyLines;      // key -> line, within the current section
    std::istringstream in(text);
    std::string raw;
    int lineNo = 0;
    while (std::getline(in, raw)) {
        ++lineNo;
        const std::string line = stripComment(raw);
        // "[section] " once a section has begun, so every message says where it is.
        const std::string where = doc.sections.empty() ? "" : "[" + doc.sections.back().name + "] ";
        if (line.empty()) {
            cleaned += '\n';
            continue;
        }
        if (line.front() == '[') {
            const std::size_t close = line.find(']');
            if (close == std::string::npos)
                fail(path, lineNo,
                     "the section header " + quote(line) + " has no closing ]; write it as [name]");
            const std::string name = trim(line.substr(1, close - 1));
            if (name.empty() || name.find('[') != std::string::npos)
                fail(path, lineNo,
                     "the section header " + quote(line) +
                         " has no valid name; write [mqtt], [daemon] or "
                         "[source.<id>]");
            if (close + 1 != line.size())
                fail(path, lineNo,
                     "[" + name +
                         "] has text after the closing ]; put only the "
                         "section name on the line, and comments after ; or #");
            const auto [it, fresh] = sectionLines.emplace(toLower(name), lineNo);
            if (!fresh)
                fail(path, lineNo,
                     "[" + name + "] appears a second time (first at line " +
                         std::to_string(it->second) + "); merge the two sections into one");
            doc.sections.push_back(IniSection{name, lineNo, {}});
            keyLines.clear();
            cleaned += "[" + name + "]\n";
            continue;
        }
        const std::size_t eq = line.find('=');
        if (eq == std::string::npos)
            fail(path, lineNo,
                 where + "the line starting with " + quote(firstWord(line)) +
                     " is neither a comment, a [section] header nor a key = value "
                     "line; fix it, or start it with ; to make it a comment");
        const std::string key = toLower(trim(line.substr(0, eq)));
        const std::string value = trim(line.substr(eq + 1));
        if (doc.sections.empty())
            fail(path, lineNo,
                 "the key " + quote(key) +
                     " comes before any [section] header; "
                     "move it under [mqtt], [daemon] or [source.<id>]");
        if (key.empty())
            fail(path, lineNo, where + "the line has no key name before =; write key = value");
        if (!isKeyName(key))
            fail(path, lineNo,
                 where + quote(key) +
                     " is not a valid key name; key names use "
                     "letters, digits and _ (e.g. client_id)");
        const auto [it, fresh] = keyLines.emplace(key, lineNo);
        if (!fresh)
            fail(path, lineNo,
                 where + key + " is set twice, at lines " + std::to_string(it->second) + " and " +
                     std::to_string(lineNo) + "; keep only one of them");
        doc.sections.back().entries.push_back(IniEntry{key, value, lineNo});
        cleaned += key + " = " + value + "\n";
    }
    return doc;
}

}  // namespace

IniDocument parseIni(const std::string& path, const std::string& text)
{
    // Editors on Windows like to start UTF-8 files with a byte-order mark.
    const std::string body = text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text;
    checkIsText(path, body);
    std::string cleaned;
    IniDocument doc = scan(path, body, cleaned);
    if (doc.sections.empty())
        fail(path, 0,
             "the configuration file has no sections; add an [mqtt] section and one "
             "[source.<id>] section per bank login");

    // Poco reads the clean text (only headers and key = value lines remain, so its looser rules
    // cannot disagree with the pre-pass); the values are taken from it.
    try {
        std::istringstream stream(cleaned);
        Poco::AutoPtr<Poco::Util::IniFileConfiguration> ini(
            new Poco::Util::IniFileConfiguration(stream));
        for (IniSection& section : doc.sections) {
            for (IniEntry& entry : section.entries)
                entry.value = ini->getRawString(section.name + "." + entry.key, entry.value);
        }
    } catch (const Poco::Exception& e) {
        fail(path, 0, "the configuration could not be read (" + e.message() + "); " + checkPathFix);
    }
    return doc;
}

IniDocument readIni(const std::string& path)
{
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer, hanging the start-up
    // before the check below could refuse it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            fail(path, 0,
                 "the configuration file does not exist; create it, or pass "
                 "--config=FILE with the right path");
        fail(path, 0,
             std::string("the configuration file cannot be read (") + std::strerror(err) +
                 "); make it readable by the service user, e.g. chmod 640 and chgrp "
                 "to the service group");
    }
    struct stat st {};
    std::string text;
    bool tooLarge = false;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        fail(path, 0,
             "the path is a directory, not a configuration file; pass --config=FILE naming "
             "the .ini file");
    }
    // A FIFO would block the start-up and a device like /dev/zero never ends.
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        fail(path, 0,
             "the path is not a regular file (a FIFO, device or socket); pass --config=FILE "
             "naming the .ini file");
    }
    // Read at most one byte past the limit; the size from fstat is not trusted (/proc).
    char buf[65536];
    for (;;) {
        const ssize_t got = ::read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            const int err = errno;
            ::close(fd);
            fail(path, 0,
                 std::string("the configuration file cannot be read (") + std::strerror(err) +
                     "); " + checkPathFix);
        }
        if (got == 0)
            break;
        text.append(buf, static_cast<std::size_t>(got));
        if (text.size() > maxIniFileSize) {
            tooLarge = true;
            break;
        }
    }
    ::close(fd);
    if (tooLarge)
        fail(path, 0,
             "the file is larger than 1 MiB, far more than any bank2mqtt "
             "configuration; " +
                 std::string(checkPathFix));
    return parseIni(path, text);
}

}  // namespace bank2mqtt::detail
