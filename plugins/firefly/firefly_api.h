// SPDX-License-Identifier: MIT
// Firefly III REST API v1, pure: builds the account-page requests and classifies the replies.
//
// The API as read from Firefly III's own code (v5.0.0 .. v6.6.6; sources in README.md and
// /work/shared/reference/simplefin-firefly.md §2):
//   GET <url>/api/v1/accounts?type=asset&limit=<n>&page=<p>
//       Authorization: Bearer <personal access token>
//       Accept: application/vnd.api+json      <- without a JSON Accept, Laravel answers an
//                                               unauthenticated request with 302 -> /login
//   200 application/vnd.api+json (Fractal JSON:API):
//       {"data":[{"type":"accounts","id":"1","attributes":{...}}],
//        "meta":{"pagination":{"total","count","per_page","current_page","total_pages"}},
//                               <- total is compared across pages: a change means the list
//                                  changed while it was read
//        "links":{"self","first","next"?,"last"}}       <- links.next DROPS `type`, so page URLs
//                                                          are built here, never followed
//   attributes used: name, type ("asset"), active, account_role, currency_code,
//       currency_decimal_places, current_balance (a decimal STRING with exactly dp decimals,
//       "0" for an account without transactions, "150000.00" for JPY in late 6.2.x; a JSON
//       NUMBER in 5.0.0), last_activity (ISO 8601, by 6.2.21), iban, account_number.
//   Never used: primary_currency_* / native_* / pc_* (another currency than the account's),
//       current_balance_date (always the end of today, not a change time).
//   Errors: 401 {"message":"Unauthenticated.","exception":"AuthenticationException"} (a 401
//       HTML page or WWW-Authenticate: Basic is a proxy's own login, not Firefly's);
//       406 {"message":"Accept header \"...\" is not something this server can provide."};
//       422 {"message":"...","errors":{...}} (e.g. limit > 131337); 404 "Resource not found";
//       500 {"message":"Internal Firefly III Exception: ..."}.
// Privacy: the token, iban and account_number stay in this plugin; messages carry only the
// bank's words after redactSecrets() and sanitizeBankMessage().
#pragma once

#include "bank2mqtt/fetch_result.h"
#include "bank2mqtt/services.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::firefly {

/// Accounts asked for per page. Far above the household case (one request per poll) and far
/// below Firefly's cap of 131337, which newer versions enforce with a 422.
inline constexpr int kPageLimit = 500;
/// Pages read per poll at most (kPageLimit * kMaxPages asset accounts).
inline constexpr int kMaxPages = 20;

/// The configured `url` made into the base the API paths are appended to: no trailing '/', no
/// trailing "/api/v1" (both tolerated). nullopt when it is not an absolute http(s) URL with a
/// host and without query, fragment or user info; `problem` then says why and how to fix it.
std::optional<std::string> normalizeBaseUrl(const std::string& url, std::string& problem);

/// <base>/api/v1/accounts?type=asset&limit=kPageLimit&page=<page>
std::string accountsPageUrl(const std::string& baseUrl, int page);

/// GET accountsPageUrl with the bearer token and the JSON:API Accept header.
HttpRequest accountsPageRequest(const std::string& baseUrl, const std::string& token, int page,
                                std::chrono::milliseconds timeout);

/// One asset account of a page. `account` is empty when its balance or currency could not be
/// read; `problem` then says why (a phrase for a message; the account's name is added by the
/// caller).
struct FireflyAccount {
    std::string id;
    std::string name;  ///< as Firefly sends it (for selector matching); Account::name is cleaned
    bool active = true;
    /// The IBAN, else the account number, as sent; "" when neither. Never published.
    std::string number;
    /// currency_code as sent ("NOK", or a custom code Account::balance leaves out); "" = null.
    std::string currencyCode;
    std::optional<Account> account;
    std::string problem;
};

/// What a classification needs besides the reply.
struct ReplyContext {
    std::string baseUrl;  ///< for "set url to ..." advice
    std::chrono::milliseconds timeout{std::chrono::seconds(20)};
    /// Wall-clock now: Retry-After dates, and a last_activity later than this is not used.
    std::chrono::system_clock::time_point now{};
    /// Texts never to be shown (the token, known account numbers): redacted from bank texts.
    std::vector<std::string> secrets;
};

/// One page's reply, classified.
struct AccountsPage {
    /// Status Ok when the page was read; otherwise the failure to return (accounts unused).
    FetchResult outcome;
    std::vector<FireflyAccount> accounts;  ///< asset accounts only, in reply order
    int currentPage = 1;
    int totalPages = 1;
    /// meta.pagination.total: the asset accounts of all pages; nullopt when not sent.
    std::optional<long long> total;
    int otherTypes = 0;     ///< items of other types that the page returned anyway (ignored)
    bool notFound = false;  ///< a 404: the API is not where `url` says

    bool ok() const { return outcome.status == FetchStatus::Ok; }
};

/// Classifies a reply to accountsPageRequest: transport errors, 302 to the login page, HTML,
/// 401 (Firefly's own: the token; a proxy's challenge or HTML page: the proxy),
/// 404/406/422/429/5xx, truncated or malformed JSON, then the JSON:API document itself.
AccountsPage parseAccountsPage(const HttpResponse& response, const ReplyContext& context);

/// What a request is, for the message of a 422 (the request refused as invalid).
struct RequestName {
    std::string what;        ///< "the account list request"
    std::string parameters;  ///< "type=asset and limit=500": what a version may not accept
};

/// The failure a reply stands for when it holds no JSON document to read: transport errors,
/// 302 to the login page, non-2xx statuses (401 Firefly's own or a proxy's, 404, 406, 422, 429
/// with Retry-After, 5xx) and HTML pages; nullopt for a 2xx reply to be parsed. `notFound` is
/// set for a 404. Shared by every Firefly III request, so they all fail alike.
std::optional<FetchResult> classifyUnreadable(const HttpResponse& response,
                                              const ReplyContext& context,
                                              const RequestName& request, bool& notFound);

/// A Temporary failure "Firefly III sent an unusable answer: <why>".
FetchResult unusableReply(const std::string& why);

/// An integer sent as a JSON number or as a string of up to 12 digits (Firefly III sends ids
/// both ways across versions); nullopt for anything else.
std::optional<long long> jsonInteger(const Poco::Dynamic::Var& value);

/// meta.pagination of a JSON:API list; the defaults (page 1 of 1, no total) where absent.
struct Pagination {
    int currentPage = 1;
    int totalPages = 1;
    std::optional<long long> total;  ///< items of all pages
};
Pagination readPagination(const Poco::JSON::Object::Ptr& document);

/// Account::fingerprint for an account: from its IBAN or number when it has one (stable across
/// a re-install or an export/import into a new Firefly III, which renumbers ids), else from the
/// base URL and the Firefly id (stable as long as that installation lives).
std::string fireflyFingerprint(const std::string& baseUrl, const FireflyAccount& account);

/// A readable type for an asset account's role: "defaultAsset" -> "Default asset account",
/// "savingAsset" -> "Savings account", "ccAsset" -> "Credit card", ...; "Asset account" else.
std::string describeRole(std::string_view role);

}  // namespace bank2mqtt::firefly
