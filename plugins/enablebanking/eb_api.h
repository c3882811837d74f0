// SPDX-License-Identifier: MIT
// Enable Banking API, pure: builds the requests and parses the replies of the consent flow.
//
// The API (sources and open questions: README.md and the OpenAPI document it cites):
//   base     https://api.enablebanking.com; every call `Authorization: Bearer <JWT>` (eb_jwt.h)
//   GET  /application          {name, kid, environment: SANDBOX|PRODUCTION, redirect_urls[],
//                               active, countries[], services[]}
//   GET  /aspsps?country=NO     {"aspsps":[{name, country, maximum_consent_validity (SECONDS),
//                               psu_types[], required_psu_headers[], beta, ...}]}; a bank is the
//                               pair {name, country}, there is no id
//   POST /auth                 {access:{valid_until: RFC 3339 WITH offset}, aspsp:{name,country},
//                               state, redirect_url (registered), psu_type} -> {url,
//                               authorization_id, psu_id_hash}; valid_until past now + the bank's
//                               maximum is a 422 "... consent validity more than N seconds ..."
//   browser  -> redirect_url?code=..&state=..  or  ?error=access_denied
//   POST /sessions {"code"}    (a code works once) -> {session_id, accounts:[AccountResource],
//                               aspsp, psu_type, access:{valid_until}}
//   GET  /sessions/{id}        {status: AUTHORIZED|EXPIRED|CLOSED|REVOKED|..., accounts_data[],
//                               access}
//   GET  /accounts/{uid}/balances  see eb_balances.h
//   GET  /accounts/{uid}/transactions  see eb_transactions.h
// AccountResource: uid (valid only while its session is AUTHORIZED, NEW at every consent, may be
// missing for blocked accounts), identification_hash (stable across sessions), account_id.iban,
// currency, details (the label the holder or bank set), product, cash_account_type, and `name`
// = the account HOLDER's name, which this file never reads.
#pragma once

#include "eb_errors.h"

#include "bank2mqtt/fetch_result.h"
#include "bank2mqtt/services.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::enablebanking {

inline constexpr const char* kDefaultApiUrl = "https://api.enablebanking.com";
/// Used when a bank does not state its maximum: the shortest cap seen in practice (90 days).
inline constexpr std::chrono::seconds kFallbackConsentValidity{90 * 86400};

/// Where the API is (the simulator's URL in tests) and how long a call may take.
struct Endpoint {
    std::string apiUrl = kDefaultApiUrl;  ///< without a trailing '/'
    std::chrono::milliseconds timeout{std::chrono::seconds(20)};
};

// ---- requests (each with Authorization: Bearer <jwt> and Accept: application/json) ----------

HttpRequest applicationRequest(const Endpoint& endpoint, const std::string& jwt);
/// GET /aspsps?country=<cc>&psu_type=<type>; psuType may be empty (all).
HttpRequest aspspsRequest(const Endpoint& endpoint, const std::string& jwt,
                          std::string_view country, std::string_view psuType = {});
/// POST /sessions {"code": code}. The code is a secret: never log the request.
HttpRequest sessionCreateRequest(const Endpoint& endpoint, const std::string& jwt,
                                 std::string_view code);
/// GET /sessions/{sessionId}
HttpRequest sessionRequest(const Endpoint& endpoint, const std::string& jwt,
                           std::string_view sessionId);
/// GET /accounts/{uid}/balances, unattended: no PSU headers (sending them claims the account
/// holder is present, and lifts the bank's 4-a-day limit only when that is true).
HttpRequest balancesRequest(const Endpoint& endpoint, const std::string& jwt, std::string_view uid);
/// GET /accounts/{uid}/transactions?date_from=<dateFrom>[&continuation_key=<key>], unattended
/// like balancesRequest. The official samples send date_from with every page.
HttpRequest transactionsRequest(const Endpoint& endpoint, const std::string& jwt,
                                std::string_view uid, std::string_view dateFrom,
                                std::string_view continuationKey = {});

// ---- GET /application ---------------------------------------------------------------------

struct ApplicationInfo {
    std::string name;
    std::string environment;  ///< "PRODUCTION" or "SANDBOX"
    bool active = false;
    std::vector<std::string> redirectUrls;
    std::vector<std::string> countries;
};
/// status is AppInactive (with the control-panel sentence) when the reply says active: false.
struct ApplicationReply {
    EbStatus status;
    ApplicationInfo application;
    bool ok() const { return status.ok(); }
};
ApplicationReply parseApplicationReply(const HttpResponse& response, const ReplyContext& context);

// ---- GET /aspsps ----------------------------------------------------------------------------

struct Aspsp {
    std::string name;
    std::string country;
    std::optional<std::chrono::seconds> maximumConsentValidity;
    std::vector<std::string> psuTypes;            ///< "personal", "business"
    std::vector<std::string> requiredPsuHeaders;  ///< e.g. "psuIpAddress"
    bool beta = false;
};
struct AspspsReply {
    EbStatus status;
    std::vector<Aspsp> aspsps;
    bool ok() const { return status.ok(); }
};
AspspsReply parseAspspsReply(const HttpResponse& response, const ReplyContext& context);

/// The banks `wanted` names: the one whose name equals it (case-insensitive) if there is one,
/// else every bank whose name contains it. Empty `wanted` gives all. More than one = ambiguous.
std::vector<Aspsp> matchAspsps(const std::vector<Aspsp>& aspsps, std::string_view wanted);

// ---- POST /auth -----------------------------------------------------------------------------

/// The consent's end to ask for: now + maximum - margin, margin = min(1 day, maximum / 10).
/// Asking for the exact maximum races the server's clock and gets a 422 (sure #2857).
std::chrono::system_clock::time_point consentValidUntil(std::chrono::system_clock::time_point now,
                                                        std::chrono::seconds maximum);
/// RFC 3339 in UTC with an explicit offset, as /auth wants: "2027-05-26T07:00:00.000000+00:00".
std::string formatRfc3339(std::chrono::system_clock::time_point at);
/// RFC 3339 date-time ("...Z", "...+02:00", fractions) or a plain date ("2026-11-27", read as
/// midnight UTC); nullopt when unreadable.
std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view text);

struct AuthParams {
    std::string aspspName;
    std::string aspspCountry;
    std::string state;        ///< random, checked when the redirect URL comes back
    std::string redirectUrl;  ///< exactly as registered with the application
    std::string psuType = "personal";
    std::chrono::system_clock::time_point validUntil;  ///< consentValidUntil(...)
};
HttpRequest authRequest(const Endpoint& endpoint, const std::string& jwt, const AuthParams& params);

struct AuthReply {
    EbStatus status;  ///< ConsentValidityTooLong: ask again once with status.bankMaximum
    std::string url;  ///< the bank's login page for the person
    std::string authorizationId;
    bool ok() const { return status.ok(); }
};
AuthReply parseAuthReply(const HttpResponse& response, const ReplyContext& context);

// ---- the redirect URL the person pastes back ------------------------------------------------

struct RedirectResult {
    enum class Kind { Code, Denied, BankError, StateMismatch, NoCode };
    Kind kind = Kind::NoCode;
    std::string code;           ///< Kind::Code only; a secret
    bool stateChecked = false;  ///< false when only the bare code was pasted
    std::string message;        ///< one sentence for every kind but Code; never holds the code
    bool ok() const { return kind == Kind::Code; }
};
/// Reads what the person pasted: the whole redirect URL (query or fragment parameters) or only
/// the code. `error=access_denied`, a state other than `expectedState`, and a URL without a
/// code each give their own sentence.
RedirectResult parseRedirect(std::string_view pasted, std::string_view expectedState);

// ---- POST /sessions and GET /sessions/{id} ----------------------------------------------------

struct SessionAccount {
    std::string uid;                 ///< empty for accounts whose data cannot be read
    std::string identificationHash;  ///< stable across consents
    std::string iban;                ///< full IBAN: plugin-internal, never in a message
    std::string currency;
    std::string label;  ///< details, else product, else cash_account_type
    std::string product;
    std::string cashAccountType;
    /// The Account the host publishes: fingerprint (see accountIdentity), label, masked
    /// number; money left zero until a balances reply.
    Account account;
};

/// Account::fingerprint for an Enable Banking account, the same in every consent (uids are not):
/// accountFingerprint("enablebanking", iban) when there is an IBAN, else
/// digestHex("enablebanking:identification_hash:" + hash); "" when neither. The IBAN comes first
/// because it is the account's own number, fixed for its life, and keeps the SDK's contract
/// (a digest of bank and account number, as Sbanken's); identification_hash is Enable Banking's
/// derived value (algorithm unpublished) and serves accounts without an IBAN (cards).
std::string accountIdentity(std::string_view iban, std::string_view identificationHash);

struct SessionReply {
    EbStatus status;
    std::string sessionId;  ///< a secret-ish id: never in a message
    std::vector<SessionAccount> accounts;
    std::optional<std::chrono::system_clock::time_point> validUntil;  ///< the consent's end
    bool ok() const { return status.ok(); }
};
/// POST /sessions reply. A session with zero accounts is ConsentNeeded with its own sentence.
SessionReply parseSessionCreateReply(const HttpResponse& response, const ReplyContext& context);

struct SessionStatusReply {
    EbStatus status;  ///< ConsentNeeded when the session's status is not AUTHORIZED
    std::string sessionStatus;
    std::optional<std::chrono::system_clock::time_point> validUntil;
    std::vector<std::string> identificationHashes;  ///< accounts_data[].identification_hash
    bool ok() const { return status.ok(); }
};
SessionStatusReply parseSessionStatusReply(const HttpResponse& response,
                                           const ReplyContext& context);

}  // namespace bank2mqtt::enablebanking
