// SPDX-License-Identifier: MIT
// Sbanken requests and reply classification (pure functions; see sbanken_api.h for the API).
#include "sbanken_api.h"

#include "json_reply.h"
#include "oauth2_token.h"
#include "url_encode.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>

#include <exception>
#include <sstream>

namespace bank2mqtt::sbanken {
namespace {

FetchResult failure(FetchStatus status, std::string message,
                    std::optional<std::chrono::seconds> retryAfter = std::nullopt)
{
    return FetchResult::failure(status, std::move(message), retryAfter);
}

std::optional<std::chrono::seconds> retryAfterOf(const HttpResponse& r, const ReplyContext& c)
{
    const auto header = r.header("Retry-After");
    return header ? parseRetryAfter(*header, c.now) : std::nullopt;
}

// The bank's own explanation in an error body (v1 envelope, ProblemDetails or OAuth), sanitised;
// "" when there is none. HTML and other bodies are never quoted.
std::string bankMessage(const HttpResponse& r, const ReplyContext& c)
{
    if (isHtmlReply(r))
        return {};
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (!parsed.ok())
        return {};
    for (const char* key : {"errorMessage", "detail", "title", "error_description", "message"}) {
        const std::string text = sanitizeBankMessage(
            redactSecrets(stringMember(parsed.object, key).value_or(""), c.secrets));
        if (!text.empty())
            return text;
    }
    return {};
}

std::string withBankMessage(std::string sentence, const HttpResponse& r, const ReplyContext& c)
{
    const std::string message = bankMessage(r, c);
    return message.empty() ? sentence : sentence + ": " + message;
}

// errorType is an integer on the wire (0, 1, ...) but a string enum ("System") in the swagger.
std::string errorTypeText(const Poco::Dynamic::Var& value, const ReplyContext& c)
{
    if (value.type() == typeid(std::string))
        return sanitizeBankMessage(redactSecrets(value.extract<std::string>(), c.secrets), 40);
    // Sanitised like any bank text: a long number may be an account or customer id.
    if (value.isInteger() && !value.isBoolean())
        return sanitizeBankMessage(std::to_string(value.convert<Poco::Int64>()), 40);
    return {};
}

FetchResult classifyDataStatus(const HttpResponse& r, ReplyShape shape, const ReplyContext& c)
{
    const std::string status = httpStatusText(r.status, r.reason);
    switch (r.status) {
    case 401:
        return failure(FetchStatus::AuthRequired,
                       "the bank refused a freshly issued access token (" + status +
                           "); check that the API application may read accounts");
    case 403:
        return failure(FetchStatus::AuthRequired,
                       withBankMessage("the bank refused access to the accounts (" + status +
                                           "); check the API application's access in the bank",
                                       r, c));
    case 404:
        return failure(FetchStatus::Temporary,
                       shape == ReplyShape::List
                           ? "the bank answered " + status + " for the account list; check api_url"
                       : shape == ReplyShape::Single
                           ? "the bank answered " + status + " for a selected account"
                           : "the bank answered " + status + " for an account's transactions");
    case 429:
        return failure(FetchStatus::RateLimited, "the bank asked to slow down (" + status + ")",
                       retryAfterOf(r, c));
    default:
        return failure(FetchStatus::Temporary,
                       withBankMessage("the bank answered " + status, r, c));
    }
}

FetchResult unusable(const std::string& why)
{
    return failure(FetchStatus::Temporary, "the bank sent an unusable answer: " + why);
}

// The FetchResult for a token reply; status Ok when `token` holds a usable token. Only the
// bank's explicit rejection of the client (classifyTokenFailure) stops polling; a login service
// that is down, overloaded or behind a web firewall's page is tried again later.
FetchResult classifyToken(const HttpResponse& r, const ReplyContext& c, const TokenResponse& token,
                          bool html)
{
    const std::string status = httpStatusText(r.status, r.reason);
    if (r.transportError != TransportError::None)
        return failure(FetchStatus::Temporary, describeTransportError(r, c.timeout));
    const bool oauthError = token.kind == TokenResponse::Kind::OAuthError;
    const bool success = r.status >= 200 && r.status <= 299;
    if (oauthError || !success) {
        const std::string code = oauthError ? token.error : std::string();
        const std::string detail =
            oauthError
                ? " (" + code +
                      (token.errorDescription.empty() ? "" : ": " + token.errorDescription) + ")"
                : std::string();
        // RFC 6749 5.2: a 401 that challenges the client's HTTP authentication is the same
        // answer as invalid_client, also without a body.
        const bool challenged = r.status == 401 && r.header("WWW-Authenticate").has_value();
        switch (classifyTokenFailure(code, r.status)) {
        case TokenFailure::ClientRejected:
            // invalid_client is what Sbanken said to a wrong id or secret, and to credentials
            // that were not percent-encoded before base64 (see sbanken_api.h).
            if (code == "invalid_client")
                return failure(FetchStatus::AuthRequired,
                               "the bank rejected the client id or secret (invalid_client); check "
                               "client_id and client_secret_file");
            return failure(FetchStatus::AuthRequired,
                           "the bank refused to issue a token" + detail +
                               "; check the API application's settings in the bank");
        case TokenFailure::SlowDown:
            return failure(FetchStatus::RateLimited,
                           "the bank's login service asked to slow down (" + status + ")",
                           retryAfterOf(r, c));
        case TokenFailure::TryLater:
            break;
        }
        if (challenged)
            return failure(FetchStatus::AuthRequired,
                           "the bank rejected the login (" + status +
                               "); check client_id and client_secret_file");
        if (html)
            return failure(FetchStatus::Temporary,
                           "the bank's login service answered " + status +
                               " with a web page instead of a token (a proxy, maintenance page or "
                               "web firewall); trying again later");
        if (oauthError)
            return failure(FetchStatus::Temporary, "the bank's login service could not issue a "
                                                   "token now" +
                                                       detail + ", " + status +
                                                       "; trying again later");
        return failure(FetchStatus::Temporary,
                       withBankMessage("the bank's login service answered " + status +
                                           (r.status == 404 ? "; check auth_url" : ""),
                                       r, c));
    }
    if (html || token.kind != TokenResponse::Kind::Ok)
        return failure(FetchStatus::Temporary,
                       "the bank's login service sent an unusable answer: " +
                           (html ? std::string("an HTML page instead of JSON") : token.error));
    FetchResult ok;
    ok.status = FetchStatus::Ok;
    return ok;
}

}  // namespace

std::string basicAuthorization(std::string_view clientId, std::string_view clientSecret)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << formUrlEncode(clientId) << ':' << formUrlEncode(clientSecret);
    encoder.close();
    return "Basic " + out.str();
}

HttpRequest tokenRequest(const Endpoint& endpoint, std::string_view clientId,
                         std::string_view clientSecret)
{
    HttpRequest request;
    request.method = "POST";
    request.url = endpoint.authUrl;
    request.timeout = endpoint.timeout;
    request.headers = {{"Authorization", basicAuthorization(clientId, clientSecret)},
                       {"Accept", "application/json"},
                       {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = "grant_type=client_credentials";
    return request;
}

HttpRequest dataRequest(const Endpoint& endpoint, const std::string& accessToken, std::string url)
{
    HttpRequest request;
    request.method = "GET";
    request.url = std::move(url);
    request.timeout = endpoint.timeout;
    request.headers = {{"Authorization", "Bearer " + accessToken}, {"Accept", "application/json"}};
    if (endpoint.version == ApiVersion::V1)
        request.headers.emplace_back("customerId", endpoint.customerId);
    return request;
}

HttpRequest accountListRequest(const Endpoint& endpoint, const std::string& accessToken)
{
    return dataRequest(endpoint, accessToken, endpoint.apiUrl + "/accounts/");
}

HttpRequest accountRequest(const Endpoint& endpoint, const std::string& accessToken,
                           std::string_view accountId)
{
    return dataRequest(endpoint, accessToken,
                       endpoint.apiUrl + "/accounts/" + formUrlEncode(accountId));
}

TokenReply parseTokenReply(const HttpResponse& r, const ReplyContext& c)
{
    const bool html = isHtmlReply(r);
    const TokenResponse token = html ? TokenResponse{} : parseTokenResponse(r.body, c.secrets);
    TokenReply reply;
    reply.outcome = classifyToken(r, c, token, html);
    if (reply.ok()) {
        reply.accessToken = token.accessToken;
        reply.expiresIn = token.expiresIn;
    }
    return reply;
}

namespace {

// The accounts in a 2xx JSON body, or the Temporary failure that explains why there are none.
FetchResult readAccounts(const std::string& bodyText, ReplyShape shape,
                         std::vector<BankAccount>& accounts, const ReplyContext& c)
{
    const JsonObjectParse parsed = parseJsonObject(bodyText);
    if (!parsed.ok())
        return unusable(parsed.error);
    const Poco::JSON::Object::Ptr& body = parsed.object;
    if (auto error = envelopeError(body, c))
        return std::move(*error);
    std::vector<Poco::JSON::Object::Ptr> objects;
    if (shape == ReplyShape::List) {
        const Poco::JSON::Array::Ptr items = body->getArray("items");
        if (items.isNull())
            return unusable("the account list has no items");
        for (std::size_t i = 0; i < items->size(); ++i)
            objects.push_back(items->getObject(static_cast<unsigned>(i)));
    } else {
        objects.push_back(body->has("item") ? body->getObject("item") : body);
    }
    for (const auto& object : objects) {
        BankAccount account;
        std::string whyNot;
        if (!parseAccount(object, account, whyNot, c.customerId))
            return failure(FetchStatus::Temporary, whyNot);
        accounts.push_back(std::move(account));
    }
    FetchResult ok;
    ok.status = FetchStatus::Ok;
    return ok;
}

}  // namespace

FetchResult dataReplyFailure(const HttpResponse& r, ReplyShape shape, const ReplyContext& c)
{
    if (r.transportError != TransportError::None)
        return failure(FetchStatus::Temporary, describeTransportError(r, c.timeout));
    return classifyDataStatus(r, shape, c);
}

std::optional<FetchResult> envelopeError(const Poco::JSON::Object::Ptr& body, const ReplyContext& c)
{
    const Poco::Dynamic::Var isError = body->get("isError");
    if (isError.type() != typeid(bool) || !isError.extract<bool>())
        return std::nullopt;
    const std::string type = errorTypeText(body->get("errorType"), c);
    const std::string message = sanitizeBankMessage(
        redactSecrets(stringMember(body, "errorMessage").value_or(""), c.secrets));
    return failure(FetchStatus::Temporary, "the bank reported an error" +
                                               (type.empty() ? "" : " (errorType " + type + ")") +
                                               (message.empty() ? "" : ": " + message));
}

AccountsReply parseAccountsReply(const HttpResponse& r, ReplyShape shape, const ReplyContext& c)
{
    AccountsReply reply;
    if (r.transportError != TransportError::None || r.status < 200 || r.status > 299) {
        reply.outcome = dataReplyFailure(r, shape, c);
        reply.unauthorized = r.status == 401;
        reply.notFound = r.status == 404;
    } else if (isHtmlReply(r)) {
        reply.outcome =
            failure(FetchStatus::Temporary, "the bank answered with an HTML page instead of JSON");
    } else {
        try {
            reply.outcome = readAccounts(r.body, shape, reply.accounts, c);
        } catch (const std::exception&) {
            reply.outcome = unusable("the reply has an unexpected shape");
        }
        if (!reply.ok())
            reply.accounts.clear();
    }
    return reply;
}

}  // namespace bank2mqtt::sbanken
