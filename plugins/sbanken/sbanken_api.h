// SPDX-License-Identifier: MIT
// Sbanken open banking API, pure: builds the HTTP requests and classifies the replies.
//
// The API, as it was from May 2018 until DNB closed it in early 2024 (sources: README.md):
//   Token   POST https://auth.sbanken.no/identityserver/connect/token
//           Authorization: Basic base64(urlenc(client_id) ":" urlenc(secret))   <- each part
//           percent-encoded FIRST (RFC 6749 2.3.1); secrets contain + / ? = & %, and without the
//           encoding the server answers 400 {"error":"invalid_client"}.
//           Accept: application/json, Content-Type: application/x-www-form-urlencoded;
//           charset=utf-8, body grant_type=client_credentials.
//           -> {"access_token":"<JWT>","expires_in":3600,"token_type":"Bearer"}; no refresh
//           token, ask again the same way.
//   v1      GET <api>/accounts/ and GET <api>/accounts/{accountId}, with Authorization: Bearer
//           and a `customerId: <11-digit national id>` header (default api
//           https://api.sbanken.no/bank/api/v1).
//           list   {"availableItems":4,"items":[Account...],"errorType":null,"isError":false,
//                   "errorMessage":null,"traceId":null}
//           single {"item":Account, ...same error fields}
//           error  {"errorType":0,"isError":true,"errorMessage":"Could not complete the request
//                   due to an expected or unexpected error.","traceId":"<uuid>"} (seen with 503)
//   v2      (publicapi.sbanken.no/apibeta/api/v2, from 2021): no customerId header; the list is
//           {"availableItems","items"} without error fields; ONE account is a BARE Account object
//           (no "item"); errors may be RFC 7807 ProblemDetails {type,title,status,detail}.
//   Account {"accountId":"<opaque>","accountNumber":"97104133219","ownerCustomerId":"<national
//           id of the owner; differs for shared accounts>","name":"Lommepenger","accountType":
//           "Standard account","available":437.25,"balance":437.25,"creditLimit":0}
// Quirks: errorType is an INTEGER on the wire although the swagger documents a string enum
// (both are accepted); amounts are JSON numbers in NOK and there is no currency field; keys are
// matched exactly (a known .NET client mapped "balance " with a space and read 0 forever);
// 401 = token expired or no API access, 403 = outside the granted scope, 503s came and went.
// No rate limit was ever published; 429 is still honoured with Retry-After.
// Privacy: ownerCustomerId is never read; the full account number and the customer id stay in
// this plugin (BankAccount::accountNumber, Endpoint::customerId) and never reach a message.
#pragma once

#include "sbanken_account.h"

#include "bank2mqtt/fetch_result.h"
#include "bank2mqtt/services.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::sbanken {

enum class ApiVersion { V1 = 1, V2 = 2 };

/// Where the bank is and who asks. Built by SbankenSource::configure from the config keys.
struct Endpoint {
    std::string authUrl;  ///< token endpoint, as configured
    std::string apiUrl;   ///< data API base, trailing '/' removed
    ApiVersion version = ApiVersion::V1;
    std::string customerId;  ///< v1 only: sent as the customerId header; never logged
    std::chrono::milliseconds timeout{std::chrono::seconds(20)};
};

/// "Basic " + base64(formUrlEncode(clientId) + ":" + formUrlEncode(clientSecret)), unwrapped.
std::string basicAuthorization(std::string_view clientId, std::string_view clientSecret);

/// POST authUrl with the client credentials grant.
HttpRequest tokenRequest(const Endpoint& endpoint, std::string_view clientId,
                         std::string_view clientSecret);
/// GET `url` with the bearer token, Accept: application/json (and customerId for v1).
HttpRequest dataRequest(const Endpoint& endpoint, const std::string& accessToken, std::string url);
/// GET <apiUrl>/accounts/ with the bearer token (and customerId for v1).
HttpRequest accountListRequest(const Endpoint& endpoint, const std::string& accessToken);
/// GET <apiUrl>/accounts/{accountId}, the id percent-encoded as a path segment.
HttpRequest accountRequest(const Endpoint& endpoint, const std::string& accessToken,
                           std::string_view accountId);

/// What a classification needs besides the reply: the request's timeout (for "did not answer
/// within N s") and the wall-clock time (for a Retry-After date).
struct ReplyContext {
    std::chrono::milliseconds timeout{std::chrono::seconds(20)};
    std::chrono::system_clock::time_point now{};
    /// Texts the bank may echo that must never reach a message: the bearer token, the client
    /// secret (plain, encoded, as Basic credentials), the customer id, known account numbers.
    /// Redacted from the bank's own words before they are cut to length (redactSecrets()).
    std::vector<std::string> secrets;
    /// The customer id (v1), so that an account name holding it is not published.
    std::string customerId;
};

/// A classified token reply. `outcome.status` is Ok when accessToken is set; otherwise it is
/// the FetchResult to return (AuthRequired for rejected credentials, Temporary, RateLimited).
struct TokenReply {
    FetchResult outcome;
    std::string accessToken;
    std::chrono::seconds expiresIn{0};

    bool ok() const { return outcome.status == FetchStatus::Ok; }
};
TokenReply parseTokenReply(const HttpResponse& response, const ReplyContext& context);

enum class ReplyShape {
    List,          ///< reply to accountListRequest
    Single,        ///< reply to accountRequest: {"item":{...}} (v1) or a bare Account (v2)
    Transactions,  ///< reply to transactionsRequest (sbanken_transactions.h)
};

/// The failure a data reply means when it did not arrive or is not a 2xx: 401 and 403
/// AuthRequired, 429 RateLimited (with Retry-After), everything else Temporary, quoting the
/// bank's own words only after redacting `context.secrets`.
FetchResult dataReplyFailure(const HttpResponse& response, ReplyShape shape,
                             const ReplyContext& context);

/// A v1 envelope that says {"isError":true,...}, as the Temporary failure it reports; nullopt
/// when the body reports no error.
std::optional<FetchResult> envelopeError(const Poco::JSON::Object::Ptr& body,
                                         const ReplyContext& context);

/// A classified data reply. `outcome.status` is Ok when `accounts` is valid (one entry for
/// Single). `unauthorized` (401; outcome AuthRequired) lets the caller renew the token and retry
/// once; `notFound` (404; outcome Temporary) lets it drop a cached account id.
struct AccountsReply {
    FetchResult outcome;
    std::vector<BankAccount> accounts;
    bool unauthorized = false;
    bool notFound = false;

    bool ok() const { return outcome.status == FetchStatus::Ok; }
};
AccountsReply parseAccountsReply(const HttpResponse& response, ReplyShape shape,
                                 const ReplyContext& context);

}  // namespace bank2mqtt::sbanken
