// SPDX-License-Identifier: MIT
// OAuth2 client-credentials tokens: parsing the token reply and caching the token until expiry.
#pragma once

#include "bank2mqtt/services.h"

#include <chrono>
#include <string>
#include <string_view>

namespace bank2mqtt {

/// What a token endpoint answered (RFC 6749 sections 5.1 and 5.2).
struct TokenResponse {
    enum class Kind {
        Ok,          ///< accessToken and expiresIn are set
        OAuthError,  ///< the server sent {"error": ...}; `error` holds the code
        Malformed,   ///< not a token reply; `error` says what is wrong (never quoting the body)
    };
    Kind kind = Kind::Malformed;
    std::string accessToken;
    /// Lifetime from "expires_in" (a number, or a string of digits). When the server omits it,
    /// kAssumedLifetime: short enough that a token is never trusted for long on a guess.
    std::chrono::seconds expiresIn{0};
    /// OAuthError: the code ("invalid_client", "invalid_scope", ...), sanitised, at most 40
    /// characters. Malformed: a short description such as "the reply is not valid JSON".
    std::string error;
    /// OAuthError: "error_description" sanitised to at most 120 characters, or "".
    std::string errorDescription;

    static constexpr std::chrono::seconds kAssumedLifetime{300};
};

/// Parses a token endpoint's JSON body. Pure and never throws. Ok needs a non-empty string
/// "access_token" of visible ASCII and spaces (RFC 6749 A.12), a "token_type" that is absent or
/// "Bearer" (any case), and an "expires_in" that is absent or a non-negative integer. A body
/// with "error" is an OAuthError whatever else it has.
TokenResponse parseTokenResponse(std::string_view json);

/// An access token and when it stops being usable, on the Clock's monotonic time.
///
/// needsRefresh() turns true `refreshMargin(lifetime)` before the expiry, where the margin is
/// min(60 s, lifetime / 10): a one-hour token is renewed from 59 minutes on, a 30 s token from
/// 27 s on. Not thread-safe (a source is called from one thread at a time).
///
/// Persistence: save()/restore() keep the token in a StateStore as JSON with a wall-clock expiry,
/// because monotonic time means nothing to the next process; repeated `--once` runs therefore
/// share one token. A `binding` (e.g. digestHex of the token URL, client id and secret) is stored
/// with it, and restore() ignores a token saved under a different binding, so a changed
/// configuration never reuses a stale login.
class TokenCache {
public:
    using MonotonicTime = std::chrono::steady_clock::time_point;

    /// min(60 s, lifetime / 10).
    static std::chrono::seconds refreshMargin(std::chrono::seconds lifetime);

    /// Holds `accessToken`, valid for `lifetime` from `obtainedAt`.
    void set(std::string accessToken, std::chrono::seconds lifetime, MonotonicTime obtainedAt);
    /// Drops the token (e.g. after the bank answered 401). The next needsRefresh() is true.
    void invalidate();

    bool empty() const { return accessToken_.empty(); }
    /// The token, or "" when empty(). Never log it.
    const std::string& accessToken() const { return accessToken_; }
    MonotonicTime expiry() const { return expiry_; }
    std::chrono::seconds lifetime() const { return lifetime_; }
    /// True when there is no token or `now` >= expiry - refreshMargin(lifetime).
    bool needsRefresh(MonotonicTime now) const;

    /// The JSON stored by save(): {"access_token","expires_at_ms" (Unix ms, wall clock),
    /// "lifetime_s","binding"}. "" when empty().
    std::string toJson(const Clock& clock, std::string_view binding) const;
    /// Loads a token from toJson() output when the binding matches, the token is text a token
    /// can be (as parseTokenResponse() demands: no CR, LF or other control character) and it
    /// would not need a refresh right now. Returns whether a token was loaded; on false the
    /// cache is unchanged.
    bool fromJson(std::string_view json, const Clock& clock, std::string_view binding);

    /// Writes toJson() under `key`, or erases `key` when empty().
    void save(StateStore& store, const std::string& key, const Clock& clock,
              std::string_view binding) const;
    /// fromJson() of the value under `key`, when there is one.
    bool restore(const StateStore& store, const std::string& key, const Clock& clock,
                 std::string_view binding);

private:
    std::string accessToken_;
    std::chrono::seconds lifetime_{0};
    MonotonicTime expiry_{};
};

}  // namespace bank2mqtt
