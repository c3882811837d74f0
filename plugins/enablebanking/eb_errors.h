// SPDX-License-Identifier: MIT
// Enable Banking replies mapped to what a person can do about them (pure; see README.md).
//
// Error body (OpenAPI ErrorResponse): {"code":<http status>,"message":"...","error":"<ErrorCode>",
// "detail":null|"..."|[...]}; only `message` is required, and replies without `error` are seen
// in production: 403 {"code":403,"message":"Application is not active"}. The `error` code is
// read first, the HTTP status second; HTML and other non-JSON bodies are never quoted.
#pragma once

#include "bank2mqtt/fetch_result.h"
#include "bank2mqtt/services.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::enablebanking {

/// What a reply means for the person running bank2mqtt.
enum class EbOutcome {
    Ok,
    ConsentNeeded,  ///< session expired/closed/revoked, not AUTHORIZED, or a code refused:
                    ///< run the authorization again (bank2mqtt --authorize)
    AppInactive,    ///< 403 "Application is not active": link accounts in the control panel
    KeyRejected,    ///< 401 not about the session: application_id or key_file is wrong
    RateLimited,    ///< 429 / ASPSP_RATE_LIMIT_EXCEEDED: wait (retryAfter when known)
    AccountError,   ///< one account failed (PSU headers required, bad parameters, the bank's
                    ///< error, no preferred balance type); the other accounts still publish
    Temporary,      ///< 5xx, 408, HTML, garbage, timeouts: keep the last values, try later
    ConsentValidityTooLong,  ///< 422 on POST /auth: retry once with `bankMaximum`
    Refused,  ///< the request cannot work as configured (redirect URL, bank, country)
};

/// Stable lower-case name, for logs and tests.
const char* toString(EbOutcome outcome) noexcept;

/// The host's FetchStatus for an outcome: ConsentNeeded/AppInactive/KeyRejected ->
/// AuthRequired, RateLimited -> RateLimited, Refused -> ConfigError, the rest -> Temporary.
FetchStatus toFetchStatus(EbOutcome outcome) noexcept;

/// Which call a reply answers; it changes the wording and a few meanings (a 422 about consent
/// validity only on Auth, account errors only on account calls).
enum class EbCall { Application, Aspsps, Auth, Sessions, Session, Balances, Details, Transactions };

/// A classified reply. `message` is one sentence fit for the status topic and the log: it never
/// holds an IBAN, session id, authorization code, JWT or holder name (bank texts are passed
/// through sanitizeBankMessage, which masks long numbers).
struct EbStatus {
    EbOutcome outcome = EbOutcome::Temporary;
    std::string message;
    std::optional<std::chrono::seconds> retryAfter;   ///< RateLimited with Retry-After only
    std::optional<std::chrono::seconds> bankMaximum;  ///< ConsentValidityTooLong, when the bank
                                                      ///< said its maximum ("more than N seconds")
    std::string errorCode;  ///< the reply's ErrorCode ("EXPIRED_SESSION"), "" when none

    bool ok() const { return outcome == EbOutcome::Ok; }
    /// This status as a FetchResult (status, message, retryAfter).
    FetchResult toFetchResult() const;
};

/// What classification needs besides the reply.
struct ReplyContext {
    std::chrono::milliseconds timeout{std::chrono::seconds(20)};  ///< for "within N s"
    std::chrono::system_clock::time_point now{};                  ///< for Retry-After dates
    /// Redacted from the bank's own words before they are sanitised and cut (redactSecrets()):
    /// the caller passes what it knows and a reply may echo back, such as the session id, the
    /// account uids, the IBANs and the account holder's name.
    std::vector<std::string> secrets;
};

/// Ok for a 2xx JSON reply (its body is then the parser's business); otherwise the outcome and
/// sentence for transport errors, non-2xx statuses and HTML pages.
EbStatus classifyReply(const HttpResponse& response, EbCall call, const ReplyContext& context);

/// A Temporary status "Enable Banking sent an unusable answer to <call>: <why>".
EbStatus unusableReply(EbCall call, const std::string& why);

}  // namespace bank2mqtt::enablebanking
