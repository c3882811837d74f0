// SPDX-License-Identifier: MIT
// The control port's routes: balances, transactions, sessions, application state, faults,
// clock, counters.
#include "eb_sim_control.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/NumberParser.h>
#include <Poco/RegularExpression.h>

#include <map>

namespace bank2mqtt::ebsim {

namespace {

using Params = std::map<std::string, std::string>;

constexpr std::size_t kMaxControlBody = 64 * 1024;
constexpr long long kMaxAdvance = 10LL * 365 * 86400;

EbResponse error(int status, const std::string& message)
{
    return jsonResponse(status, "{\"error\":" + jsonString(message) + "}");
}

EbResponse ok()
{
    return jsonResponse(200, "{\"ok\":true}");
}

bool intParam(const Params& params, const std::string& name, long long min, long long max,
              long long& value)
{
    const auto it = params.find(name);
    if (it == params.end()) {
        return true;
    }
    Poco::Int64 parsed = 0;
    if (!Poco::NumberParser::tryParse64(it->second, parsed) || parsed < min || parsed > max) {
        return false;
    }
    value = parsed;
    return true;
}

EbResponse setFault(EbSimState& state, const Params& params)
{
    const std::string modeName = params.count("mode") ? params.at("mode") : "";
    if (modeName == "none") {
        state.clearFaults();
        return jsonResponse(200, state.faultsJson());
    }
    const auto mode = parseFaultMode(modeName);
    if (!mode) {
        return error(400, "mode must be one of none, 503, 500, html, truncated, slow, 429, "
                          "psu_header, wrong_parameters, aspsp_error, expired_session");
    }
    Fault fault;
    fault.mode = *mode;
    static const Poco::RegularExpression endpoints(
        "^(any|application|aspsps|auth|sessions|session|session_delete|details|balances|"
        "transactions)$");
    if (params.count("endpoint")) {
        if (!endpoints.match(params.at("endpoint"))) {
            return error(400, "endpoint must be any, application, aspsps, auth, sessions, "
                              "session, session_delete, details, balances or transactions");
        }
        fault.endpoint = params.at("endpoint");
    }
    if (params.count("account")) {
        fault.account = params.at("account");
    }
    long long count = 0;
    long long delay = 30000;
    long long status = 0;
    if (!intParam(params, "count", 0, 1000000, count) ||
        !intParam(params, "delay_ms", 0, 60000, delay) ||
        !intParam(params, "status", 0, 599, status)) {
        return error(400, "count is 0 (until cleared) to 1000000, delay_ms 0 to 60000, status "
                          "0 (the mode's own) to 599");
    }
    fault.remaining = static_cast<int>(count);
    fault.delayMs = static_cast<long>(delay);
    fault.status = static_cast<int>(status);
    state.addFault(fault);
    return jsonResponse(200, state.faultsJson());
}

EbResponse setBalances(EbSimState& state, const Params& params)
{
    static const Poco::RegularExpression type("^[A-Z]{4}$");
    static const Poco::RegularExpression amount("^-?[0-9]{1,15}(\\.[0-9]{1,4})?$");
    if (!params.count("account")) {
        return error(400, "account (key, IBAN or identification hash) is required");
    }
    std::vector<EbBalance> balances;
    for (const auto& [name, value] : params) {
        if (name == "account") {
            continue;
        }
        if (!type.match(name) || !amount.match(value)) {
            return error(400, "give each balance as TYPE=AMOUNT, e.g. CLBD=437.25&ITAV=500.00 "
                              "(ISO 20022 type, decimal with a dot)");
        }
        balances.push_back({name, value});
    }
    if (!state.setBalances(params.at("account"), balances)) {
        return error(404, "no account with that key, IBAN or identification hash");
    }
    return ok();
}

std::string param(const Params& params, const std::string& name, const std::string& fallback = "")
{
    const auto it = params.find(name);
    return it == params.end() ? fallback : it->second;
}

// amount=-49.00 (signed: '-' is a debit), or amount=49.00&indicator=DBIT; text is the
// counterpart's name (creditor of a debit, debtor of a credit).
EbResponse addTransaction(EbSimState& state, const Params& params)
{
    static const Poco::RegularExpression amount("^-?[0-9]{1,15}(\\.[0-9]{1,4})?$");
    static const Poco::RegularExpression date("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
    const auto dateOrNone = [](const std::string& text) {
        return text.empty() || date.match(text);
    };
    static const Poco::RegularExpression word("^[A-Z]{4}$");
    EbTransaction t;
    std::string value = param(params, "amount");
    t.indicator = param(params, "indicator", value.rfind('-', 0) == 0 ? "DBIT" : "CRDT");
    t.amount = value.rfind('-', 0) == 0 ? value.substr(1) : value;
    t.status = param(params, "status", "BOOK");
    t.bookingDate = param(params, "booking_date", param(params, "date"));
    t.transactionDate = param(params, "date");
    t.currency = param(params, "currency");
    t.entryReference = param(params, "entry_reference", "auto");
    if (!params.count("account") || !amount.match(value) ||
        (t.indicator != "DBIT" && t.indicator != "CRDT") || !word.match(t.status) ||
        !dateOrNone(t.bookingDate) || !dateOrNone(t.transactionDate)) {
        return error(400, "give account, amount (e.g. -49.00, or 49.00 with indicator=DBIT|CRDT), "
                          "and optionally text, status (BOOK, PDNG, ...), date=YYYY-MM-DD, "
                          "entry_reference (empty: none), remittance, currency, "
                          "creditor_account / debtor_account (IBAN)");
    }
    if (t.status != "BOOK" && !params.count("booking_date")) {
        t.bookingDate.clear();  // a pending entry is not on the books yet
    }
    (t.indicator == "DBIT" ? t.creditorName : t.debtorName) = param(params, "text");
    t.creditorIban = param(params, "creditor_account");
    t.debtorIban = param(params, "debtor_account");
    if (params.count("remittance")) {
        t.remittance.push_back(params.at("remittance"));
    }
    const auto reference = state.addTransaction(params.at("account"), t);
    if (!reference) {
        return error(404, "no account with that key, IBAN or identification hash");
    }
    return jsonResponse(200, "{\"entry_reference\":" + jsonString(*reference) + "}");
}

EbResponse bookTransaction(EbSimState& state, const Params& params)
{
    const std::string keep = param(params, "keep_reference", "1");
    if (!params.count("account") || !params.count("entry_reference") ||
        (keep != "0" && keep != "1")) {
        return error(400, "give account, entry_reference and keep_reference=1|0");
    }
    const auto reference =
        state.bookTransaction(params.at("account"), params.at("entry_reference"), keep == "1");
    if (!reference) {
        return error(404, "no pending entry with that entry_reference on that account");
    }
    return jsonResponse(200, "{\"entry_reference\":" + jsonString(*reference) + "}");
}

class ControlRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    ControlRequestHandler(EbSimState& state, const std::function<void(const std::string&)>& log)
        : state_(state), log_(log)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override
    {
        const EbRequest eb = readRequest(request, kMaxControlBody);
        const EbResponse reply = respondToControl(state_, eb);
        if (log_) {
            log_("control " + eb.method + " " + eb.path + " -> " + std::to_string(reply.status));
        }
        sendResponse(reply, response);
    }

private:
    EbSimState& state_;
    const std::function<void(const std::string&)>& log_;
};

}  // namespace

EbResponse respondToControl(EbSimState& state, const EbRequest& request)
{
    std::string path = request.path;
    if (path.compare(0, 9, "/control/") == 0) {
        path = path.substr(8);
    }
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    const auto parsed = parseQuery(request.query);
    if (!parsed) {
        return error(400, "malformed query string");
    }
    const Params& params = *parsed;
    if (request.method == "GET") {
        if (path == "/counters") {
            return jsonResponse(200, state.countersJson());
        }
        if (path == "/accounts") {
            return jsonResponse(200, state.accountsJson());
        }
        if (path == "/sessions") {
            return jsonResponse(200, state.sessionsJson());
        }
        if (path == "/faults" || path == "/fault") {
            return jsonResponse(200, state.faultsJson());
        }
        if (path == "/jwts") {
            return jsonResponse(200, state.jwtsJson());
        }
        if (path == "/clock") {
            return jsonResponse(200, "{\"now\":" + std::to_string(state.now()) + "}");
        }
        return error(404, "unknown control path " + request.path);
    }
    if (request.method != "POST") {
        return error(405, "use GET or POST");
    }
    if (!request.hasContentLength) {
        return error(411, "a POST needs Content-Length (0 is fine)");
    }
    if (request.bodyTooLarge) {
        return error(413, "the body is over 64 KiB");
    }
    if (path == "/reset-counters") {
        state.resetCounters();
        return ok();
    }
    if (path == "/balances" || path == "/balance") {
        return setBalances(state, params);
    }
    if (path == "/transactions") {
        return addTransaction(state, params);
    }
    if (path == "/transactions/book") {
        return bookTransaction(state, params);
    }
    if (path == "/page-size") {
        long long n = 0;
        if (!params.count("n") || !intParam(params, "n", 1, 1000, n)) {
            return error(400, "n is required: entries per transactions page, 1 to 1000");
        }
        state.setTransactionPageSize(static_cast<int>(n));
        return ok();
    }
    if (path == "/expire-sessions") {
        const std::string session = params.count("session") ? params.at("session") : "";
        return state.expireSessions(session) ? ok() : error(404, "no such session");
    }
    if (path == "/application") {
        const std::string active = params.count("active") ? params.at("active") : "";
        if (active != "0" && active != "1") {
            return error(400, "active must be 0 or 1");
        }
        state.setAppActive(active == "1");
        return ok();
    }
    if (path == "/fault") {
        return setFault(state, params);
    }
    if (path == "/deny-next-login") {
        state.denyNextLogin();
        return ok();
    }
    if (path == "/clock/advance") {
        long long seconds = 0;
        if (!params.count("seconds") ||
            !intParam(params, "seconds", -kMaxAdvance, kMaxAdvance, seconds)) {
            return error(400, "seconds is required: an integer within +-10 years");
        }
        state.advanceClock(seconds);
        return jsonResponse(200, "{\"now\":" + std::to_string(state.now()) + "}");
    }
    return error(404, "unknown control path " + request.path);
}

Poco::Net::HTTPRequestHandler*
ControlRequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&)
{
    return new ControlRequestHandler(state_, log_);
}

}  // namespace bank2mqtt::ebsim
