// SPDX-License-Identifier: MIT
// The control port's routes.
#include "sim_control_handler.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <limits>
#include <map>

namespace bank2mqtt::sim {

namespace {

using Params = std::map<std::string, std::string>;

// Amounts beyond a trillion kroner are typos; refusing them also keeps balance + creditLimit
// far from int64 overflow.
constexpr MinorUnits kMaxAmount = 100'000'000'000'000LL;

SimResponse error(int status, const std::string& message)
{
    return jsonResponse(status, "{\"error\":" + jsonString(message) + "}");
}

SimResponse ok()
{
    return jsonResponse(200, "{\"ok\":true}");
}

std::string faultJson(const Fault& fault)
{
    return "{\"mode\":" + jsonString(faultModeName(fault.mode)) +
           ",\"target\":" + jsonString(fault.target == FaultTarget::Api ? "api" : "token") +
           ",\"count\":" + std::to_string(fault.remaining) +
           ",\"delay_ms\":" + std::to_string(fault.delayMs) + "}";
}

std::string countersJson(const SimCounters& c)
{
    return "{\"token_requests\":" + std::to_string(c.tokenRequests) +
           ",\"tokens_issued\":" + std::to_string(c.tokensIssued) +
           ",\"account_requests\":" + std::to_string(c.accountRequests) +
           ",\"tls_connections\":" + std::to_string(c.tlsConnections) +
           ",\"tls_handshakes\":" + std::to_string(c.tlsHandshakes) +
           ",\"tls_resumed\":" + std::to_string(c.tlsResumed) +
           ",\"transaction_requests\":" + std::to_string(c.transactionRequests) + "}";
}

std::string tokensJson(const std::vector<std::string>& tokens)
{
    std::string items;
    for (const std::string& token : tokens) {
        items += (items.empty() ? "" : ",") + jsonString(token);
    }
    return "{\"tokens\":[" + items + "]}";
}

std::string accountsJson(const std::vector<SimAccount>& accounts)
{
    std::string items;
    for (const SimAccount& account : accounts) {
        items += (items.empty() ? "" : ",") + accountJson(account);
    }
    return "{\"accounts\":[" + items + "]}";
}

/// Parses a non-negative integer parameter no larger than `max`; false if malformed.
bool intParam(const Params& params, const std::string& name, int max, int& value)
{
    const auto it = params.find(name);
    if (it == params.end()) {
        return true;
    }
    int parsed = 0;
    if (!Poco::NumberParser::tryParse(it->second, parsed) || parsed < 0 || parsed > max) {
        return false;
    }
    value = parsed;
    return true;
}

std::optional<MinorUnits> amountParam(const std::string& text)
{
    const auto amount = parseMinorUnits(text);
    if (!amount || *amount > kMaxAmount || *amount < -kMaxAmount) {
        return std::nullopt;
    }
    return amount;
}

SimResponse setFault(SimState& state, const Params& params)
{
    Fault fault;
    const auto mode = params.count("mode") ? parseFaultMode(params.at("mode")) : std::nullopt;
    if (!mode) {
        return error(400, "mode must be one of none, 503, 401, 429, html, truncated, slow, "
                          "iserror, empty, invalid_client, drip, echo, "
                          "temporarily_unavailable, firewall403");
    }
    fault.mode = *mode;
    const std::string target = params.count("target") ? params.at("target") : "api";
    if (target != "api" && target != "token") {
        return error(400, "target must be api or token");
    }
    fault.target = target == "api" ? FaultTarget::Api : FaultTarget::Token;
    int delay = 30000;
    if (!intParam(params, "count", 1000000, fault.remaining)) {
        return error(400, "count must be an integer from 0 (until cleared) to 1000000");
    }
    if (!intParam(params, "delay_ms", 60000, delay)) {
        return error(400, "delay_ms must be an integer from 0 to 60000");
    }
    fault.delayMs = delay;
    state.setFault(fault.mode == FaultMode::None ? Fault{} : fault);
    return jsonResponse(200, faultJson(state.fault()));
}

SimResponse setBalance(SimState& state, const Params& params)
{
    if (!params.count("account") || !params.count("balance")) {
        return error(400, "account and balance are required");
    }
    const auto balance = amountParam(params.at("balance"));
    if (!balance) {
        return error(400, "balance must be a decimal with at most two decimals, e.g. -1520.40");
    }
    std::optional<MinorUnits> available;
    if (params.count("available")) {
        available = amountParam(params.at("available"));
        if (!available) {
            return error(400,
                         "available must be a decimal with at most two decimals, e.g. 8479.60");
        }
    }
    if (!state.setBalance(params.at("account"), *balance, available)) {
        return error(404, "no account with that number, name or id: " + params.at("account"));
    }
    return ok();
}

SimResponse rename(SimState& state, const Params& params)
{
    if (!params.count("account") || !params.count("name") || params.at("name").empty()) {
        return error(400, "account and a non-empty name are required");
    }
    if (!state.rename(params.at("account"), params.at("name"))) {
        return error(404, "no account with that number, name or id: " + params.at("account"));
    }
    return ok();
}

std::string param(const Params& params, const std::string& name)
{
    const auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

bool isAccountNumber(const std::string& text)
{
    return text.size() == 11 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

SimResponse idReply(const std::string& id)
{
    return jsonResponse(200, "{\"id\":" + jsonString(id) + "}");
}

SimResponse addTransaction(SimState& state, const Params& params)
{
    if (!params.count("account") || !params.count("amount") || param(params, "text").empty()) {
        return error(400, "account, amount and a non-empty text are required");
    }
    SimTransaction t;
    const auto amount = amountParam(params.at("amount"));
    if (!amount) {
        return error(400, "amount must be a decimal with at most two decimals, e.g. -49.90");
    }
    t.amount = *amount;
    t.text = params.at("text");
    t.date = params.count("date") ? params.at("date") : todayUtc();
    if (!isIsoDate(t.date)) {
        return error(400, "date must be YYYY-MM-DD");
    }
    const std::string pending = param(params, "pending");
    if (!pending.empty() && pending != "0" && pending != "1") {
        return error(400, "pending must be 0 or 1");
    }
    t.pending = pending == "1";
    t.otherAccount = param(params, "other_account");
    if (!t.otherAccount.empty() && !isAccountNumber(t.otherAccount)) {
        return error(400, "other_account must be 11 digits");
    }
    t.merchant = param(params, "merchant");
    const auto id = state.addTransaction(params.at("account"), t);
    if (!id) {
        return error(404, "no account with that number, name or id: " + params.at("account"));
    }
    return idReply(*id);
}

SimResponse book(SimState& state, const Params& params)
{
    const std::string date = param(params, "date");
    if (param(params, "id").empty() || (!date.empty() && !isIsoDate(date))) {
        return error(400, "id is required; date, when given, must be YYYY-MM-DD");
    }
    const auto id = state.bookTransaction(params.at("id"), date, param(params, "text"));
    if (!id) {
        return error(404, "no reservation with that id: " + params.at("id"));
    }
    return idReply(*id);
}

/// {"transactions":[<entries as the API writes them>],"ids":[<their simulator ids>]}, in the
/// API's order (newest first, reservations included).
SimResponse listTransactions(SimState& state, const Params& params)
{
    const std::vector<SimAccount> accounts = state.accounts();
    const int index = findAccount(accounts, param(params, "account"));
    if (index < 0) {
        return error(404, "no account with that number, name or id: " + param(params, "account"));
    }
    TransactionQuery everything;
    everything.startDate = "0000-00-00";
    everything.length = std::numeric_limits<int>::max();
    std::size_t available = 0;
    const auto entries =
        selectTransactions(state.transactions(accounts[static_cast<std::size_t>(index)].accountId),
                           everything, available);
    std::string items;
    std::string ids;
    for (const SimTransaction& t : entries) {
        items += (items.empty() ? "" : ",") + transactionJson(t);
        ids += (ids.empty() ? "" : ",") + jsonString(t.id);
    }
    return jsonResponse(200, "{\"transactions\":[" + items + "],\"ids\":[" + ids + "]}");
}

class ControlRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    ControlRequestHandler(SimState& state, const std::function<void(const std::string&)>& log)
        : state_(state), log_(log)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override
    {
        const SimRequest simRequest = readRequest(request);
        const SimResponse simResponse = respondToControl(state_, simRequest);
        if (log_) {
            log_("control " + simRequest.method + " " + simRequest.path +
                 (simRequest.query.empty() ? "" : "?" + simRequest.query) + " -> " +
                 std::to_string(simResponse.status));
        }
        sendResponse(simResponse, response);
    }

private:
    SimState& state_;
    const std::function<void(const std::string&)>& log_;
};

}  // namespace

SimResponse respondToControl(SimState& state, const SimRequest& request)
{
    const std::string path = normalizePath(request.path);
    const auto fields = parseForm(request.query);
    if (!fields) {
        return error(400, "malformed query string");
    }
    const Params params(fields->begin(), fields->end());
    const bool get = request.method == "GET";
    const bool post = request.method == "POST";

    if (path == "/transactions") {
        return get ? listTransactions(state, params) : error(405, "use GET");
    }
    if (path == "/counters" || path == "/accounts" || path == "/fault" || path == "/tokens") {
        if (get) {
            return jsonResponse(200, path == "/counters"   ? countersJson(state.counters())
                                     : path == "/accounts" ? accountsJson(state.accounts())
                                     : path == "/tokens"   ? tokensJson(state.issuedTokens())
                                                           : faultJson(state.fault()));
        }
        if (path != "/fault" || !post) {
            return error(405, "use " + std::string(path == "/fault" ? "GET or POST" : "GET"));
        }
    }
    const bool knownPost = path == "/reset-counters" || path == "/fault" ||
                           path == "/expire-tokens" || path == "/balance" || path == "/rename" ||
                           path == "/transaction" || path == "/book";
    if (!knownPost) {
        return error(404, "unknown control path " + request.path);
    }
    if (!post) {
        return error(405, "use POST");
    }
    if (path == "/reset-counters") {
        state.resetCounters();
        return ok();
    }
    if (path == "/fault") {
        return setFault(state, params);
    }
    if (path == "/expire-tokens") {
        state.expireTokens();
        return ok();
    }
    if (path == "/balance") {
        return setBalance(state, params);
    }
    if (path == "/transaction") {
        return addTransaction(state, params);
    }
    if (path == "/book") {
        return book(state, params);
    }
    return rename(state, params);
}

Poco::Net::HTTPRequestHandler*
ControlRequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&)
{
    return new ControlRequestHandler(state_, log_);
}

}  // namespace bank2mqtt::sim
