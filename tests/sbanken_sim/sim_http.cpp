// SPDX-License-Identifier: MIT
// Reading and writing the simulator's HTTP messages; form decoding.
#include "sim_http.h"

#include <Poco/Net/HTTPResponse.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <istream>

namespace bank2mqtt::sim {

namespace {

constexpr std::size_t kMaxBody = 1 << 20;

int hexValue(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

SimResponse jsonResponse(int status, std::string body)
{
    SimResponse response;
    response.status = status;
    response.contentType = kJsonType;
    response.body = std::move(body);
    return response;
}

SimRequest readRequest(Poco::Net::HTTPServerRequest& request)
{
    SimRequest out;
    out.method = request.getMethod();
    const Poco::URI uri(request.getURI());
    out.path = uri.getPath();
    out.query = uri.getRawQuery();
    out.authorization = request.get("Authorization", "");
    if (request.has("customerId")) {
        out.customerId = request.get("customerId");
    }
    std::istream& stream = request.stream();
    char buffer[8192];
    while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0) {
        if (out.body.size() < kMaxBody) {
            out.body.append(buffer, static_cast<std::size_t>(stream.gcount()));
        }
    }
    return out;
}

void sendResponse(const SimResponse& response, Poco::Net::HTTPServerResponse& out)
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

std::optional<std::string> formDecode(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int high = hexValue(text[i + 1]);
            const int low = hexValue(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parseForm(const std::string& text)
{
    std::vector<std::pair<std::string, std::string>> fields;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('&', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        const std::string part = text.substr(start, end - start);
        if (!part.empty()) {
            const std::size_t eq = part.find('=');
            const auto name = formDecode(part.substr(0, eq));
            const auto value =
                formDecode(eq == std::string::npos ? std::string() : part.substr(eq + 1));
            if (!name || !value) {
                return std::nullopt;
            }
            fields.emplace_back(*name, *value);
        }
        start = end + 1;
    }
    return fields;
}

std::string normalizePath(const std::string& path)
{
    std::string out = Poco::toLower(path);
    while (out.size() > 1 && out.back() == '/') {
        out.pop_back();
    }
    return out;
}

std::string newUuid()
{
    return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

}  // namespace bank2mqtt::sim
