// SPDX-License-Identifier: MIT
// Enable Banking's API as the simulator answers it (shapes from the OpenAPI document).
#include "eb_sim_api.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

namespace bank2mqtt::ebsim {

namespace {

constexpr std::size_t kMaxApiBody = 64 * 1024;

/// Which endpoint a request is for (also its counter name), and the id in its path.
struct Route {
    std::string endpoint;  ///< empty: unknown path
    std::string id;        ///< session id or account uid
    std::string allowed;   ///< the method this path takes
};

Route route(const std::string& method, const std::string& path)
{
    const Poco::StringTokenizer parts(path, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    const std::size_t n = parts.count();
    if (n == 1 && parts[0] == "application") {
        return {"application", "", "GET"};
    }
    if (n == 1 && parts[0] == "aspsps") {
        return {"aspsps", "", "GET"};
    }
    if (n == 1 && parts[0] == "auth") {
        return {"auth", "", "POST"};
    }
    if (n == 2 && parts[0] == "psu" && parts[1] == "login") {
        return {"login", "", "GET"};
    }
    if (n == 1 && parts[0] == "sessions") {
        return {"sessions", "", "POST"};
    }
    if (n == 2 && parts[0] == "sessions") {
        return {method == "DELETE" ? "session_delete" : "session", parts[1], "GET, DELETE"};
    }
    if (n == 3 && parts[0] == "accounts" &&
        (parts[2] == "details" || parts[2] == "balances" || parts[2] == "transactions")) {
        return {parts[2], parts[1], "GET"};
    }
    return {};
}

EbResponse fromError(const EbError& error)
{
    return errorResponse(error.status, error.message, error.error, error.detail);
}

EbResponse fromOutcome(const Outcome& outcome)
{
    return outcome.error ? fromError(*outcome.error) : jsonResponse(200, outcome.json);
}

EbResponse rateLimited()
{
    return errorResponse(429, "HTTP 429 Too Many Requests: ASPSP rate limit exceeded",
                         "ASPSP_RATE_LIMIT_EXCEEDED");
}

EbResponse htmlResponse(int status, const std::string& title)
{
    EbResponse response;
    response.status = status;
    response.contentType = "text/html; charset=utf-8";
    response.body = "<html><head><title>" + title + "</title></head><body><h1>" + title +
                    "</h1></body></html>\n";
    return response;
}

/// The fault's own reply; nullopt when the request goes on (Slow after its delay).
std::optional<EbResponse> faultReply(EbSimState& state, const Fault& fault)
{
    const auto status = [&](int fallback) { return fault.status != 0 ? fault.status : fallback; };
    switch (fault.mode) {
    case FaultMode::Http503:
        return htmlResponse(status(503), "503 Service Temporarily Unavailable");
    case FaultMode::Http500:
        return errorResponse(status(500), "Internal server error", "");
    case FaultMode::Html:
        return htmlResponse(status(200), "Maintenance");
    case FaultMode::RateLimit:
        return rateLimited();
    case FaultMode::PsuHeader:
        return errorResponse(status(422), "Required PSU header is not provided",
                             "PSU_HEADER_NOT_PROVIDED", "PSU header psuIpAddress is not provided");
    case FaultMode::WrongParameters:
        return errorResponse(status(422), "Wrong request parameters provided",
                             "WRONG_REQUEST_PARAMETERS");
    case FaultMode::AspspError:
        // 400 as seen in actualbudget/actual #8621; status= can make it 422.
        return errorResponse(status(400), "Error interacting with ASPSP", "ASPSP_ERROR");
    case FaultMode::ExpiredSession:
        return errorResponse(401, "Session expired", "EXPIRED_SESSION");
    case FaultMode::Slow:
        if (!state.delayUnlessShuttingDown(fault.delayMs)) {
            EbResponse response;
            response.noReply = true;
            return response;
        }
        return std::nullopt;
    case FaultMode::Truncated:
        return std::nullopt;  // applied to the normal reply
    }
    return std::nullopt;
}

TransactionQuery transactionQuery(const std::map<std::string, std::string>& params)
{
    const auto value = [&](const char* name) {
        const auto it = params.find(name);
        return it == params.end() ? std::string() : it->second;
    };
    return {value("date_from"), value("date_to"), value("transaction_status"),
            value("continuation_key")};
}

std::string stringAt(const Poco::JSON::Object::Ptr& object, const std::string& name)
{
    if (!object || !object->has(name) || !object->get(name).isString()) {
        return {};
    }
    return object->getValue<std::string>(name);
}

EbResponse startAuth(EbSimState& state, const std::string& host, const EbRequest& request)
{
    Poco::JSON::Object::Ptr body;
    try {
        body = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return errorResponse(422, "Wrong request parameters provided", "WRONG_REQUEST_PARAMETERS",
                             "body is not a JSON object");
    }
    AuthRequest auth;
    const auto access = body->getObject("access");
    const auto aspsp = body->getObject("aspsp");
    auth.aspspName = stringAt(aspsp, "name");
    auth.aspspCountry = stringAt(aspsp, "country");
    auth.state = stringAt(body, "state");
    auth.redirectUrl = stringAt(body, "redirect_url");
    if (!stringAt(body, "psu_type").empty()) {
        auth.psuType = stringAt(body, "psu_type");
    }
    const auto validUntil = parseRfc3339(stringAt(access, "valid_until"));
    if (!validUntil || auth.aspspName.empty() || auth.aspspCountry.empty() || !body->has("state") ||
        auth.redirectUrl.empty()) {
        return errorResponse(422, "Wrong request parameters provided", "WRONG_REQUEST_PARAMETERS",
                             "access.valid_until (RFC 3339 with offset), aspsp.name, "
                             "aspsp.country, state and redirect_url are required");
    }
    auth.validUntil = *validUntil;
    std::string authorizationId;
    const Outcome outcome = state.startAuthorization(auth, authorizationId);
    if (outcome.error) {
        return fromError(*outcome.error);
    }
    return jsonResponse(
        200, "{\"url\":" +
                 jsonString("https://" + host + "/psu/login?authorization_id=" + authorizationId) +
                 "," + outcome.json + "}");
}

EbResponse login(EbSimState& state, const EbRequest& request)
{
    const auto params = parseQuery(request.query);
    const auto target = params && params->count("authorization_id")
                            ? state.login(params->at("authorization_id"))
                            : std::nullopt;
    if (!target) {
        return htmlResponse(404, "Unknown or expired authorization");
    }
    // The bank's login "page": the PSU logs in at once and is sent back.
    EbResponse response = htmlResponse(302, "Redirecting to your application");
    response.headers.emplace_back("Location", target->location);
    return response;
}

std::string applicationJson(EbSimState& state, const EbSimOptions& options)
{
    std::string urls;
    for (const std::string& url : state.redirectUrls()) {
        urls += (urls.empty() ? "" : ",") + jsonString(url);
    }
    return "{\"name\":\"bank2mqtt test application\",\"description\":\"bank2mqtt simulator\","
           "\"kid\":" +
           jsonString(options.appId) + ",\"environment\":\"PRODUCTION\",\"redirect_urls\":[" +
           urls + "],\"active\":" + (state.appActive() ? "true" : "false") +
           ",\"countries\":[\"NO\",\"FI\"],\"services\":[\"AIS\"]}";
}

EbResponse aspsps(EbSimState& state, const EbRequest& request)
{
    const auto params = parseQuery(request.query);
    const std::string country = params && params->count("country") ? params->at("country") : "";
    std::string items;
    for (const EbAspsp& aspsp : state.aspsps()) {
        if (country.empty() || country == aspsp.country) {
            items += (items.empty() ? "" : ",") + aspspJson(aspsp, state.consentValidity());
        }
    }
    return jsonResponse(200, "{\"aspsps\":[" + items + "]}");
}

}  // namespace

EbResponse respondToApi(EbSimState& state, const JwtVerifier& verifier, const EbSimOptions& options,
                        const std::string& selfHost, const EbRequest& request)
{
    const Route r = route(request.method, request.path);
    if (r.endpoint.empty()) {
        return errorResponse(404, "Not Found", "");
    }
    state.countRequest(r.endpoint);
    if (r.allowed.find(request.method) == std::string::npos) {
        EbResponse response = errorResponse(405, "Method Not Allowed", "");
        response.headers.emplace_back("Allow", r.allowed);
        return response;
    }
    if (request.bodyTooLarge) {
        return errorResponse(413, "Request body too large", "");
    }
    if (r.endpoint == "login") {
        return login(state, request);  // the bank's page: a browser, no JWT
    }
    const auto refused = verifier.check(request.authorization, state.now());
    const std::size_t space = request.authorization.find(' ');
    state.countJwt(space == std::string::npos ? "" : request.authorization.substr(space + 1),
                   !refused);
    if (refused) {
        return errorResponse(401, *refused, "UNAUTHORIZED_ACCESS");
    }
    if (r.endpoint == "application") {
        return jsonResponse(200, applicationJson(state, options));
    }
    if (!state.appActive()) {
        // Verbatim from actualbudget/actual #7799: no "error" field.
        return errorResponse(403, "Application is not active", "");
    }
    EbAccount account;
    const bool data =
        r.endpoint == "details" || r.endpoint == "balances" || r.endpoint == "transactions";
    if (data) {
        const Outcome found = state.accountByUid(r.id, account);
        if (found.error) {
            return fromError(*found.error);
        }
    }
    const auto fault = state.takeFault(r.endpoint, data ? account.key : "");
    if (fault) {
        if (auto reply = faultReply(state, *fault)) {
            return *reply;
        }
    }
    EbResponse response;
    if (r.endpoint == "transactions") {
        const auto query = parseQuery(request.query);
        if (!query) {
            return errorResponse(422, "Wrong request parameters provided",
                                 "WRONG_REQUEST_PARAMETERS", "malformed query string");
        }
        const TransactionQuery q = transactionQuery(*query);
        // Only a listing's first page spends the budget (sim's choice: how banks count the
        // pages of one listing is not published).
        if (q.continuationKey.empty() &&
            !state.spendCall(account.key, DataEndpoint::Transactions, request.psuPresent)) {
            return rateLimited();
        }
        response = fromOutcome(state.transactionsPage(account.key, account.currency, r.id, q));
    } else if (data) {
        const auto endpoint =
            r.endpoint == "details" ? DataEndpoint::Details : DataEndpoint::Balances;
        if (!state.spendCall(account.key, endpoint, request.psuPresent)) {
            return rateLimited();
        }
        response = jsonResponse(200, endpoint == DataEndpoint::Details
                                         ? accountResourceJson(account, r.id)
                                         : balancesJson(account, state.now()));
    } else if (r.endpoint == "aspsps") {
        response = aspsps(state, request);
    } else if (r.endpoint == "auth") {
        response = startAuth(state, request.host.empty() ? selfHost : request.host, request);
    } else if (r.endpoint == "sessions") {
        Poco::JSON::Object::Ptr body;
        try {
            body = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
        } catch (const Poco::Exception&) {
        }
        const std::string code = stringAt(body, "code");
        response = code.empty() ? errorResponse(422, "Wrong request parameters provided",
                                                "WRONG_REQUEST_PARAMETERS", "code is required")
                                : fromOutcome(state.createSession(code));
    } else if (r.endpoint == "session") {
        response = fromOutcome(state.getSession(r.id));
    } else {
        response = fromOutcome(state.deleteSession(r.id));
    }
    if (fault && fault->mode == FaultMode::Truncated) {
        response.body.resize(response.body.size() / 2);  // a proxy that cut the body
    }
    return response;
}

namespace {

class ApiRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    ApiRequestHandler(EbSimState& state, const JwtVerifier& verifier, const EbSimOptions& options,
                      const std::string& selfHost)
        : state_(state), verifier_(verifier), options_(options), selfHost_(selfHost)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override
    {
        const EbRequest eb = readRequest(request, kMaxApiBody);
        const EbResponse reply = respondToApi(state_, verifier_, options_, selfHost_, eb);
        if (options_.log) {
            // The path holds uids and session ids only; never the query (codes) or headers.
            options_.log(eb.method + " " + eb.path + " -> " + std::to_string(reply.status));
        }
        sendResponse(reply, response);
    }

private:
    EbSimState& state_;
    const JwtVerifier& verifier_;
    const EbSimOptions& options_;
    const std::string& selfHost_;
};

}  // namespace

Poco::Net::HTTPRequestHandler*
ApiRequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&)
{
    return new ApiRequestHandler(state_, verifier_, options_, selfHost_);
}

}  // namespace bank2mqtt::ebsim
