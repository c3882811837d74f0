// SPDX-License-Identifier: MIT
// Token reply parsing and the token cache with wall-clock persistence.
#include "oauth2_token.h"

#include "json_reply.h"

#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <limits>
#include <sstream>

namespace bank2mqtt {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Longest lifetime believed; anything beyond is a server bug and would overflow time points.
constexpr seconds kMaxLifetime{std::chrono::hours(24 * 366)};

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// "expires_in" as seconds: a JSON integer, or a string of digits (some servers quote it).
std::optional<seconds> readLifetime(const Poco::Dynamic::Var& value)
{
    if (value.isEmpty())
        return TokenResponse::kAssumedLifetime;
    if (value.type() == typeid(std::string)) {
        const std::string text = value.extract<std::string>();
        if (text.empty() || text.size() > 9 ||
            !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        return std::min(seconds(std::stol(text)), kMaxLifetime);
    }
    if (value.isInteger() && !value.isBoolean()) {
        if (value.isSigned() && value.convert<Poco::Int64>() < 0)
            return std::nullopt;
        const auto raw = value.convert<Poco::UInt64>();
        return raw > static_cast<Poco::UInt64>(kMaxLifetime.count()) ? kMaxLifetime : seconds(raw);
    }
    return std::nullopt;
}

// RFC 6749 A.12: 1*VSCHAR (and spaces, which some servers use). The token goes into an
// Authorization header, where CR or LF would start a header of someone else's choosing.
bool isTokenText(const std::string& token)
{
    return !token.empty() &&
           std::all_of(token.begin(), token.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

TokenResponse malformed(std::string why)
{
    TokenResponse response;
    response.kind = TokenResponse::Kind::Malformed;
    response.error = std::move(why);
    return response;
}

}  // namespace

TokenResponse parseTokenResponse(std::string_view json)
{
    try {
        const JsonObjectParse parsed = parseJsonObject(json);
        if (!parsed.ok())
            return malformed(parsed.error);
        const Poco::JSON::Object::Ptr& object = parsed.object;
        if (object->has("error")) {
            TokenResponse response;
            response.kind = TokenResponse::Kind::OAuthError;
            response.error = sanitizeBankMessage(stringMember(object, "error").value_or(""), 40);
            if (response.error.empty())
                response.error = "unknown_error";
            response.errorDescription =
                sanitizeBankMessage(stringMember(object, "error_description").value_or(""));
            return response;
        }
        const auto token = stringMember(object, "access_token");
        if (!token || token->empty())
            return malformed("the reply has no access_token");
        if (!isTokenText(*token))
            return malformed("the access_token has characters a token cannot have");
        if (object->has("token_type")) {
            const auto type = stringMember(object, "token_type");
            if (!type || !equalsIgnoringCase(*type, "bearer"))
                return malformed("the token is not a Bearer token");
        }
        const auto lifetime = readLifetime(object->get("expires_in"));
        if (!lifetime)
            return malformed("the reply has an unreadable expires_in");
        TokenResponse response;
        response.kind = TokenResponse::Kind::Ok;
        response.accessToken = *token;
        response.expiresIn = *lifetime;
        return response;
    } catch (const std::exception&) {
        return malformed("the reply could not be read");
    }
}

seconds TokenCache::refreshMargin(seconds lifetime)
{
    return std::min(seconds(60), lifetime / 10);
}

void TokenCache::set(std::string accessToken, seconds lifetime, MonotonicTime obtainedAt)
{
    accessToken_ = std::move(accessToken);
    lifetime_ = std::clamp(lifetime, seconds(0), kMaxLifetime);
    expiry_ = obtainedAt + lifetime_;
}

void TokenCache::invalidate()
{
    accessToken_.clear();
    lifetime_ = seconds(0);
    expiry_ = MonotonicTime{};
}

bool TokenCache::needsRefresh(MonotonicTime now) const
{
    return empty() || now >= expiry_ - refreshMargin(lifetime_);
}

std::string TokenCache::toJson(const Clock& clock, std::string_view binding) const
{
    if (empty())
        return {};
    const auto remaining = expiry_ - clock.monotonicNow();
    const auto expiresAt =
        clock.wallNow() + duration_cast<std::chrono::system_clock::duration>(remaining);
    Poco::JSON::Object object;
    object.set("access_token", accessToken_);
    object.set("expires_at_ms",
               static_cast<Poco::Int64>(
                   duration_cast<milliseconds>(expiresAt.time_since_epoch()).count()));
    object.set("lifetime_s", static_cast<Poco::Int64>(lifetime_.count()));
    object.set("binding", std::string(binding));
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(object, out);
    return out.str();
}

bool TokenCache::fromJson(std::string_view json, const Clock& clock, std::string_view binding)
{
    try {
        const JsonObjectParse parsed = parseJsonObject(json);
        if (!parsed.ok())
            return false;
        const auto token = stringMember(parsed.object, "access_token");
        const auto savedBinding = stringMember(parsed.object, "binding");
        const Poco::Dynamic::Var expiresAtMs = parsed.object->get("expires_at_ms");
        const Poco::Dynamic::Var lifetimeS = parsed.object->get("lifetime_s");
        // The state file is checked like the bank's reply: a token with CR or LF in it
        // (written by hand, or by something else) is not sent as headers, just fetched anew.
        if (!token || !isTokenText(*token) || !savedBinding || *savedBinding != binding ||
            !expiresAtMs.isInteger() || !lifetimeS.isInteger())
            return false;
        const seconds lifetime(
            std::clamp<Poco::Int64>(lifetimeS.convert<Poco::Int64>(), 0, kMaxLifetime.count()));
        const auto expiresAt = std::chrono::system_clock::time_point(
            duration_cast<std::chrono::system_clock::duration>(
                milliseconds(expiresAtMs.convert<Poco::Int64>())));
        const auto remaining = expiresAt - clock.wallNow();
        // A token with more left than its own lifetime means the wall clock jumped; distrust it.
        if (remaining <= refreshMargin(lifetime) || remaining > lifetime)
            return false;
        const auto now = clock.monotonicNow();
        accessToken_ = *token;
        lifetime_ = lifetime;
        expiry_ = now + duration_cast<std::chrono::steady_clock::duration>(remaining);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void TokenCache::save(StateStore& store, const std::string& key, const Clock& clock,
                      std::string_view binding) const
{
    if (empty())
        store.erase(key);
    else
        store.put(key, toJson(clock, binding));
}

bool TokenCache::restore(const StateStore& store, const std::string& key, const Clock& clock,
                         std::string_view binding)
{
    const auto saved = store.get(key);
    return saved && fromJson(*saved, clock, binding);
}

}  // namespace bank2mqtt
