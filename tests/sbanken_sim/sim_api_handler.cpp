// SPDX-License-Identifier: MIT
// Sbanken's token endpoint and account API as the simulator answers them, faults included.
#include "sim_api_handler.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/RandomStream.h>
#include <Poco/String.h>

#include <algorithm>
#include <sstream>

namespace bank2mqtt::sim {

namespace {

const std::string kTokenPath = "/identityserver/connect/token";
const std::string kV1Prefix = "/bank/api/v1";
const std::string kV2Prefix = "/apibeta/api/v2";

bool hasPrefix(const std::string& path, const std::string& prefix)
{
    return path.compare(0, prefix.size(), prefix) == 0 &&
           (path.size() == prefix.size() || path[prefix.size()] == '/');
}

SimResponse emptyResponse(int status)
{
    SimResponse response;
    response.status = status;
    return response;
}

SimResponse unauthorized()
{
    SimResponse response = emptyResponse(401);
    response.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return response;
}

SimResponse methodNotAllowed(const std::string& allow)
{
    SimResponse response = emptyResponse(405);
    response.headers.emplace_back("Allow", allow);
    return response;
}

std::string v1Error(int errorType, const std::string& message)
{
    return "{\"errorType\":" + std::to_string(errorType) +
           ",\"isError\":true,\"errorMessage\":" + jsonString(message) +
           ",\"traceId\":" + jsonString(newUuid()) + "}";
}

/// ASP.NET Core writes a W3C trace context id into its problem details.
std::string w3cTraceId()
{
    static const char* digits = "0123456789abcdef";
    unsigned char bytes[24];
    Poco::RandomInputStream random;
    random.read(reinterpret_cast<char*>(bytes), sizeof bytes);
    std::string hex;
    for (const unsigned char b : bytes) {
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    return "00-" + hex.substr(0, 32) + "-" + hex.substr(32, 16) + "-00";
}

/// RFC 6749 2.3.1: base64(formencode(id) ":" formencode(secret)).
bool clientAuthenticated(const SimulatorOptions& options, const std::string& authorization)
{
    const std::size_t space = authorization.find(' ');
    if (space == std::string::npos ||
        Poco::icompare(authorization.substr(0, space), std::string("Basic")) != 0) {
        return false;
    }
    std::string decoded;
    try {
        std::istringstream in(Poco::trim(authorization.substr(space + 1)));
        Poco::Base64Decoder decoder(in);
        decoded.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
    } catch (const Poco::Exception&) {
        return false;
    }
    const std::size_t colon = decoded.find(':');
    if (colon == std::string::npos) {
        return false;
    }
    const auto id = formDecode(decoded.substr(0, colon));
    const auto secret = formDecode(decoded.substr(colon + 1));
    return id && secret && *id == options.clientId && *secret == options.clientSecret;
}

SimResponse tokenResponse(SimState& state, const SimulatorOptions& options,
                          const SimRequest& request)
{
    if (request.method != "POST") {
        return methodNotAllowed("POST");
    }
    // IdentityServer checks the client before the request.
    if (!clientAuthenticated(options, request.authorization)) {
        return jsonResponse(400, "{\"error\":\"invalid_client\"}");
    }
    const auto form = parseForm(request.body);
    bool clientCredentials = false;
    if (form) {
        for (const auto& [name, value] : *form) {
            clientCredentials =
                clientCredentials || (name == "grant_type" && value == "client_credentials");
        }
    }
    if (!clientCredentials) {
        return jsonResponse(400, "{\"error\":\"unsupported_grant_type\"}");
    }
    SimResponse response = jsonResponse(
        200, "{\"access_token\":" + jsonString(state.issueToken()) +
                 ",\"expires_in\":" + std::to_string(options.tokenLifetimeSeconds) +
                 ",\"token_type\":\"Bearer\",\"scope\":\"Exec.Bank.Accounts.read_only\"}");
    response.headers.emplace_back("Cache-Control", "no-store, no-cache, max-age=0");
    response.headers.emplace_back("Pragma", "no-cache");
    return response;
}

bool bearerValid(SimState& state, const std::string& authorization)
{
    const std::size_t space = authorization.find(' ');
    if (space == std::string::npos ||
        Poco::icompare(authorization.substr(0, space), std::string("Bearer")) != 0) {
        return false;
    }
    return state.tokenValid(Poco::trim(authorization.substr(space + 1)));
}

/// RFC 7807 problem details as ASP.NET Core writes them; `section` of RFC 7231 for the type.
SimResponse problem(int status, const std::string& title, const std::string& section)
{
    SimResponse response = jsonResponse(
        status, "{\"type\":\"https://tools.ietf.org/html/rfc7231#section-" + section +
                    "\",\"title\":" + jsonString(title) + ",\"status\":" + std::to_string(status) +
                    ",\"traceId\":" + jsonString(w3cTraceId()) + "}");
    response.contentType = "application/problem+json; charset=utf-8";
    return response;
}

SimResponse accountNotFound(int version)
{
    return version == 1 ? jsonResponse(404, v1Error(5, "Account not found"))
                        : problem(404, "Not Found", "6.5.4");
}

/// `rest` is the path after the version prefix, e.g. "/accounts" or "/accounts/ABC".
SimResponse accountsResponse(SimState& state, const SimulatorOptions& options,
                             const SimRequest& request, int version, const std::string& rest)
{
    const std::string lowerRest = normalizePath(rest);
    const bool list = lowerRest == "/accounts";
    const bool single = lowerRest.rfind("/accounts/", 0) == 0 &&
                        lowerRest.find('/', std::string("/accounts/").size()) == std::string::npos;
    if (!list && !single) {
        return emptyResponse(404);
    }
    if (request.method != "GET") {
        return methodNotAllowed("GET");
    }
    if (!bearerValid(state, request.authorization)) {
        return unauthorized();
    }
    if (version == 1 && request.customerId.value_or("") != options.customerId) {
        return jsonResponse(400, v1Error(1, "Missing or invalid customerId header"));
    }
    const std::vector<SimAccount> accounts = state.accounts();
    if (list) {
        std::string items;
        for (const SimAccount& account : accounts) {
            items += (items.empty() ? "" : ",") + accountJson(account);
        }
        std::string body =
            "{\"availableItems\":" + std::to_string(accounts.size()) + ",\"items\":[" + items + "]";
        body += version == 1 ? ",\"errorType\":null,\"isError\":false,\"errorMessage\":null,"
                               "\"traceId\":null}"
                             : "}";
        return jsonResponse(200, body);
    }
    // Ids match case-insensitively, like the rest of the path; normalizePath keeps offsets.
    const std::size_t idStart = std::string("/accounts/").size();
    const std::string id = rest.substr(idStart, lowerRest.size() - idStart);
    int index = -1;
    for (std::size_t i = 0; i < accounts.size() && index < 0; ++i) {
        if (Poco::icompare(accounts[i].accountId, id) == 0) {
            index = static_cast<int>(i);
        }
    }
    if (index < 0) {
        return accountNotFound(version);
    }
    const std::string item = accountJson(accounts[static_cast<std::size_t>(index)]);
    if (version == 2) {
        return jsonResponse(200, item);
    }
    return jsonResponse(200, "{\"item\":" + item +
                                 ",\"errorType\":null,\"isError\":false,\"errorMessage\":null,"
                                 "\"traceId\":null}");
}

const std::string kTransactionsPath = "/transactions/";

bool isTransactionsPath(const std::string& rest)
{
    return normalizePath(rest).rfind(kTransactionsPath, 0) == 0;
}

std::string transactionList(const std::vector<SimTransaction>& page, std::size_t available,
                            int version)
{
    std::string items;
    for (const SimTransaction& t : page) {
        items += (items.empty() ? "" : ",") + transactionJson(t);
    }
    return "{\"availableItems\":" + std::to_string(available) + ",\"items\":[" + items + "]" +
           (version == 1 ? ",\"errorType\":null,\"isError\":false,\"errorMessage\":null,"
                           "\"traceId\":null}"
                         : "}");
}

/// GET Transactions/{accountId}: `rest` is the path after the version prefix.
SimResponse transactionsResponse(SimState& state, const SimulatorOptions& options,
                                 const SimRequest& request, int version, const std::string& rest)
{
    const std::string lowerRest = normalizePath(rest);
    const std::string id =
        rest.substr(kTransactionsPath.size(), lowerRest.size() - kTransactionsPath.size());
    if (id.empty() || id.find('/') != std::string::npos) {
        return emptyResponse(404);  // Transactions/archive/{id} is not simulated
    }
    if (request.method != "GET") {
        return methodNotAllowed("GET");
    }
    if (!bearerValid(state, request.authorization)) {
        return unauthorized();
    }
    if (version == 1 && request.customerId.value_or("") != options.customerId) {
        return jsonResponse(400, v1Error(1, "Missing or invalid customerId header"));
    }
    const std::vector<SimAccount> accounts = state.accounts();
    const auto account = std::find_if(accounts.begin(), accounts.end(), [&](const SimAccount& a) {
        return Poco::icompare(a.accountId, id) == 0;
    });
    if (account == accounts.end()) {
        return accountNotFound(version);
    }
    std::string error;
    const auto query = parseTransactionQuery(request.query, error);
    if (!query) {
        return version == 1 ? jsonResponse(400, v1Error(1, error)) : problem(400, error, "6.5.1");
    }
    if (version == 1 && query->endDate == todayUtc()) {
        // v1 answered 500 to endDate = today (stenjo/SbankenToYNAB #28, 2021).
        return jsonResponse(500, v1Error(0, "Could not complete the request due to an expected "
                                            "or unexpected error."));
    }
    std::size_t available = 0;
    const auto page = selectTransactions(state.transactions(account->accountId), *query, available);
    return jsonResponse(200, transactionList(page, available, version));
}

// An error reply from a careless bank that quotes what it was sent: the client secret (plain and
// as the Authorization header), the bearer token and the customer id. For tests that prove
// none of it reaches a status topic, a log line or a state file.
SimResponse echoResponse(const SimulatorOptions& options, const SimRequest& request,
                         FaultTarget target)
{
    if (target == FaultTarget::Token) {
        return jsonResponse(400, "{\"error\":\"invalid_request\",\"error_description\":" +
                                     jsonString("secret " + options.clientSecret + " in " +
                                                request.authorization + " for " + options.clientId +
                                                " is not accepted") +
                                     "}");
    }
    std::string token = request.authorization;
    if (token.rfind("Bearer ", 0) == 0) {
        token = token.substr(7);
    }
    return jsonResponse(400, v1Error(1, "token " + token + " of customer " + options.customerId +
                                            " may not read 97104133219 (secret " +
                                            options.clientSecret + ")"));
}

template <typename Normal>
SimResponse withFault(SimState& state, const SimulatorOptions& options, const SimRequest& request,
                      FaultTarget target, Normal normal)
{
    const std::optional<Fault> fault = state.takeFault(target);
    if (!fault) {
        return normal();
    }
    switch (fault->mode) {
    case FaultMode::None:
        return normal();
    case FaultMode::Http503:
        return jsonResponse(503, v1Error(0, "Could not complete the request due to an expected "
                                            "or unexpected error."));
    case FaultMode::Http401:
        return unauthorized();
    case FaultMode::Http429: {
        SimResponse response = emptyResponse(429);
        response.headers.emplace_back("Retry-After", "120");
        return response;
    }
    case FaultMode::Html: {
        SimResponse response;
        response.contentType = "text/html; charset=utf-8";
        response.body = "<!DOCTYPE html>\n<html><head><title>Sbanken - Teknisk feil</title></head>"
                        "<body><h1>Beklager, noe gikk galt</h1><p>Tjenesten er midlertidig "
                        "utilgjengelig. Pr&oslash;v igjen senere.</p></body></html>\n";
        return response;
    }
    case FaultMode::Truncated: {
        // A proxy that cut the body: complete HTTP message, half the JSON.
        SimResponse response = normal();
        response.status = 200;
        response.contentType = kJsonType;
        response.body.resize(response.body.size() / 2);
        return response;
    }
    case FaultMode::Slow:
        if (!state.delayUnlessShuttingDown(fault->delayMs)) {
            SimResponse response;
            response.noReply = true;
            return response;
        }
        return normal();
    case FaultMode::IsError:
        return jsonResponse(200, v1Error(1, "Internal error"));
    case FaultMode::Empty:
        return jsonResponse(200, "");
    case FaultMode::InvalidClient:
        // What Sbanken said to a client id or secret it did not accept.
        return jsonResponse(400, "{\"error\":\"invalid_client\"}");
    case FaultMode::Drip: {
        SimResponse response = normal();
        response.dripMs = std::max(1L, fault->delayMs);
        return response;
    }
    case FaultMode::Echo:
        return echoResponse(options, request, target);
    case FaultMode::TemporarilyUnavailable:
        return jsonResponse(400, "{\"error\":\"temporarily_unavailable\",\"error_description\":"
                                 "\"The service is down for maintenance\"}");
    case FaultMode::Firewall403: {
        SimResponse response;
        response.status = 403;
        response.contentType = "text/html; charset=utf-8";
        response.body = "<html><head><title>Request Rejected</title></head><body>The requested "
                        "URL was rejected. Please consult with your administrator.</body></html>";
        return response;
    }
    }
    return normal();
}

class ApiRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    ApiRequestHandler(SimState& state, const SimulatorOptions& options)
        : state_(state), options_(options)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override
    {
        const SimRequest simRequest = readRequest(request);
        const SimResponse simResponse = respondToApi(state_, options_, simRequest);
        if (options_.log) {
            options_.log("https " + simRequest.method + " " + simRequest.path + " -> " +
                         (simResponse.noReply ? std::string("no reply")
                                              : std::to_string(simResponse.status)));
        }
        if (simResponse.dripMs > 0) {
            drip(simResponse, request, response);
        } else {
            sendResponse(simResponse, response);
        }
    }

private:
    // Writes the reply straight to the connection, one byte at a time, so that every single read
    // of the client gets data long before any per-read timeout: only a deadline for the whole
    // request ends it. Stops when the client hangs up or the simulator shuts down.
    void drip(const SimResponse& reply, Poco::Net::HTTPServerRequest& request,
              Poco::Net::HTTPServerResponse& response)
    {
        std::string wire = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                           Poco::Net::HTTPResponse::getReasonForStatus(
                               static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status)) +
                           "\r\n";
        for (const auto& [name, value] : reply.headers) {
            wire += name + ": " + value + "\r\n";
        }
        if (!reply.contentType.empty()) {
            wire += "Content-Type: " + reply.contentType + "\r\n";
        }
        wire += "Content-Length: " + std::to_string(reply.body.size()) +
                "\r\nConnection: close\r\n\r\n" + reply.body;
        response.setKeepAlive(false);  // the server closes the connection afterwards
        Poco::Net::StreamSocket& socket =
            static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
        try {
            for (char byte : wire) {
                if (!state_.delayUnlessShuttingDown(reply.dripMs)) {
                    return;
                }
                socket.sendBytes(&byte, 1);
            }
        } catch (const Poco::Exception&) {
            // The client gave up, as it should at its deadline.
        }
    }

    SimState& state_;
    const SimulatorOptions& options_;
};

}  // namespace

SimResponse respondToApi(SimState& state, const SimulatorOptions& options,
                         const SimRequest& request)
{
    const std::string path = normalizePath(request.path);
    if (path == kTokenPath) {
        state.countTokenRequest();
        return withFault(state, options, request, FaultTarget::Token,
                         [&] { return tokenResponse(state, options, request); });
    }
    for (const auto& [prefix, version] : {std::pair{kV1Prefix, 1}, std::pair{kV2Prefix, 2}}) {
        if (hasPrefix(path, prefix)) {
            const std::string rest = request.path.substr(prefix.size());
            const bool transactions = isTransactionsPath(rest);
            if (transactions) {
                state.countTransactionRequest();
            } else {
                state.countAccountRequest();
            }
            return withFault(state, options, request, FaultTarget::Api, [&, v = version] {
                return transactions ? transactionsResponse(state, options, request, v, rest)
                                    : accountsResponse(state, options, request, v, rest);
            });
        }
    }
    return emptyResponse(404);
}

Poco::Net::HTTPRequestHandler*
ApiRequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&)
{
    return new ApiRequestHandler(state_, options_);
}

}  // namespace bank2mqtt::sim
