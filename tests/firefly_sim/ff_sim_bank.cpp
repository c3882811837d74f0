// SPDX-License-Identifier: MIT
// /api/v1/accounts as Firefly III 6.x serves it, its error forms, and the control routes.
#include "ff_sim_bank.h"

#include "ff_sim_transactions.h"

#include <Poco/JSON/Stringifier.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>

namespace bank2mqtt::ffsim {
namespace {

constexpr const char* kJsonApi = "application/vnd.api+json";
constexpr const char* kJson = "application/json";
constexpr long long kMaxLimit = 131337;

FfResponse json(int status, std::string body, const char* type = kJson)
{
    FfResponse r;
    r.status = status;
    r.contentType = type;
    r.body = std::move(body);
    return r;
}

FfResponse message(int status, const std::string& text, const std::string& exception = "")
{
    return json(status, "{\"message\":" + jsonString(text) +
                            (exception.empty() ? "" : ",\"exception\":" + jsonString(exception)) +
                            "}");
}

FfResponse unauthenticated()
{
    return message(401, "Unauthenticated.", "AuthenticationException");
}

// What Laravel does for an unauthenticated request that does not expect JSON.
FfResponse redirectToLogin(const std::string& base)
{
    FfResponse r;
    r.status = 302;
    r.contentType = "text/html; charset=UTF-8";
    r.headers.emplace_back("Location", base + "/login");
    r.body = "<!DOCTYPE html><html><head><meta http-equiv=\"refresh\" content=\"0;url='" + base +
             "/login'\" /><title>Redirecting to " + base +
             "/login</title></head><body>"
             "Redirecting to <a href=\"" +
             base + "/login\">" + base + "/login</a>.</body></html>";
    return r;
}

FfResponse loginPage()
{
    FfResponse r;
    r.contentType = "text/html; charset=UTF-8";
    r.body = "<!DOCTYPE html><html><head><title>Firefly III - Login</title></head><body>"
             "<form method=\"POST\" action=\"/login\"><input name=\"email\">"
             "<input type=\"password\" name=\"password\"></form></body></html>";
    return r;
}

bool acceptable(const std::string& accept)
{
    // AcceptHeaders.php: any of these in the header lets the request through.
    for (const char* type :
         {"application/json", "application/vnd.api+json", "application/x-www-form-urlencoded",
          "application/octet-stream", "*/*"}) {
        if (accept.find(type) != std::string::npos)
            return true;
    }
    return false;
}

std::string nullable(const std::string& text)
{
    return text.empty() ? "null" : jsonString(text);
}

std::string formatCents(long long cents)
{
    const bool negative = cents < 0;
    const long long abs = negative ? -cents : cents;
    std::string frac = std::to_string(abs % 100);
    return (negative ? "-" : "") + std::to_string(abs / 100) + "." + (frac.size() < 2 ? "0" : "") +
           frac;
}

std::vector<FfAccount> dataset(const FfSimOptions& options)
{
    std::vector<FfAccount> a = {
        {1, "Lommepenger", "asset", "defaultAsset", true, "NOK", 2, "437.25", "NO9386011117947", "",
         "2026-12-02T16:20:00+01:00"},
        {7, "Rema 1000", "expense", "", true, "NOK", 2, "-523.10", "", "", ""},
        {2, "Sparekonto", "asset", "savingAsset", true, "NOK", 2, "12500.00", "", "9710.41.33227",
         "2026-11-28T09:00:00+01:00"},
        {3, "Girokonto", "asset", "sharedAsset", true, "EUR", 2, "1234.56",
         "DE89370400440532013000", "", "2026-12-01T12:00:00+01:00"},
        {8, "Arbeidsgiver", "revenue", "", true, "NOK", 2, "-45000.00", "", "", ""},
        {4, "Yen", "asset", "defaultAsset", true, "JPY", 0,
         options.version == "6.2" ? "150000.00" : "150000", "", "", "2026-11-30T08:00:00+09:00"},
        {5, "Travel", "asset", "cashWalletAsset", true, "USD", 2, "0", "", "", ""},
        {6, "Gammel konto", "asset", "defaultAsset", false, "NOK", 2, "10.00", "", "", ""},
    };
    for (int i = 0; i < options.extraAccounts; ++i) {
        std::string n = std::to_string(i + 1);
        n = std::string(n.size() < 4 ? 4 - n.size() : 0, '0') + n;
        a.push_back({100 + i, "Konto " + n, "asset", "defaultAsset", true, "NOK", 2,
                     formatCents(100LL * (i + 1) + 1), "", "", ""});
    }
    return a;
}

}  // namespace

std::map<std::string, std::string> parseQuery(const std::string& query)
{
    std::map<std::string, std::string> params;
    try {
        for (const auto& [name, value] : Poco::URI("/?" + query).getQueryParameters())
            params[name] = value;
    } catch (const Poco::Exception&) {
        params.clear();
    }
    return params;
}

std::string jsonString(const std::string& text)
{
    std::ostringstream out;
    Poco::JSON::Stringifier::formatString(text, out);
    return out.str();
}

FfBank::FfBank(FfSimOptions options)
    : options_(std::move(options)), accounts_(dataset(options_)),
      book_(std::make_unique<FfTransactionBook>())
{
    book_->setPageCap(options_.transactionPageSize);
}

FfBank::~FfBank() = default;

// /api/v1/accounts/<id>/transactions -> id; -1 for any other path.
static int transactionsAccountOf(const std::string& path)
{
    const std::string prefix = "/api/v1/accounts/";
    const std::string suffix = "/transactions";
    if (path.rfind(prefix, 0) != 0 || path.size() <= prefix.size() + suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
        return -1;
    const std::string id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    int parsed = 0;
    return id.size() <= 9 && Poco::NumberParser::tryParse(id, parsed) && parsed >= 0 ? parsed : -1;
}

FfResponse FfBank::api(const FfRequest& in)
{
    std::lock_guard<std::mutex> lock(mutex_);
    FfRequest request = in;
    ++counters_["requests"];
    ++counters_[request.listener];
    const std::string base = request.listener + "://" + request.host;
    if (proxy_) {
        // A reverse proxy configured without the API in mind: it passes neither header on.
        request.authorization.clear();
        request.accept.reset();
    }
    if (request.path == "/api/v1/accounts")
        ++counters_["accounts"];
    if (transactionsAccountOf(request.path) >= 0)
        ++counters_["transaction_requests"];
    if (request.path.rfind("/api/", 0) != 0)
        return request.path == "/login" ? loginPage() : message(404, "Resource not found");
    if (request.accept && !acceptable(*request.accept))
        return message(406,
                       "Accept header \"" + *request.accept +
                           "\" is not something this server can provide.",
                       "BadHttpHeaderException");
    if (request.authorization != "Bearer " + options_.token) {
        ++counters_["unauthorized"];
        const bool expectsJson =
            request.accept && request.accept->find("json") != std::string::npos;
        return expectsJson ? unauthenticated() : redirectToLogin(base);
    }
    if (auto faulty = fault(request))
        return *faulty;
    return serve(request);
}

FfResponse FfBank::serve(const FfRequest& request)
{
    if (request.path == "/api/v1/accounts" && request.method == "GET")
        return accounts(request, parseQuery(request.query));
    if (const int account = transactionsAccountOf(request.path);
        account >= 0 && request.method == "GET")
        return book_->list(account, parseQuery(request.query), accounts_,
                           request.listener + "://" + request.host, options_.defaultPageSize);
    if (request.path == "/api/v1/about")
        return json(200, "{\"data\":{\"version\":\"6.3.0\",\"api_version\":\"6.3.0\","
                         "\"php_version\":\"8.4.1\",\"os\":\"Linux\",\"driver\":\"sqlite\"}}");
    return message(404, "Resource not found", "NotFoundHttpException");
}

std::optional<FfResponse> FfBank::fault(const FfRequest& request)
{
    if (fault_.empty())
        return std::nullopt;
    const std::string mode = fault_;
    if (faultRemaining_ > 0 && --faultRemaining_ == 0)
        fault_.clear();
    ++counters_["faults"];
    if (mode == "401")
        return unauthenticated();
    if (mode == "302")
        return redirectToLogin(request.listener + "://" + request.host);
    if (mode == "406")
        return message(406, "Accept header \"text/html\" is not something this server can provide.",
                       "BadHttpHeaderException");
    if (mode == "422")
        return json(422, "{\"message\":\"The limit may not be greater than 131337.\",\"errors\":"
                         "{\"limit\":[\"The limit may not be greater than 131337.\"]}}");
    if (mode == "500")
        return message(500, "Internal Firefly III Exception: SQLSTATE[HY000]: General error",
                       "UndisclosedException");
    if (mode == "html") {
        FfResponse r;
        r.status = 502;
        r.contentType = "text/html";
        r.body = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway"
                 "</h1><hr><center>nginx</center></body></html>";
        return r;
    }
    if (mode == "login_html")
        return loginPage();
    if (mode == "basic_auth") {
        // nginx's auth_basic in front of Firefly III: its own login, before Firefly sees a thing.
        FfResponse r;
        r.status = 401;
        r.contentType = "text/html";
        r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Firefly III\"");
        r.body = "<html><head><title>401 Authorization Required</title></head><body><center>"
                 "<h1>401 Authorization Required</h1></center><hr><center>nginx</center></body>"
                 "</html>";
        return r;
    }
    if (mode == "429") {
        FfResponse r = message(429, "Too Many Attempts.");
        r.headers.emplace_back("Retry-After", "60");
        return r;
    }
    // truncated: a well-formed HTTP reply carrying half of the document.
    FfResponse full = serve(request);
    full.body.resize(full.body.size() / 2);
    return full;
}

FfResponse FfBank::accounts(const FfRequest& request,
                            const std::map<std::string, std::string>& query)
{
    const auto get = [&](const char* key) {
        const auto it = query.find(key);
        return it == query.end() ? std::string() : it->second;
    };
    const std::string type = get("type").empty() ? "all" : get("type");
    static const std::vector<std::string> types = {"all",     "asset",       "expense",
                                                   "revenue", "liabilities", "cash"};
    if (std::find(types.begin(), types.end(), type) == types.end())
        return json(422, "{\"message\":\"The selected type is invalid.\",\"errors\":{\"type\":"
                         "[\"The selected type is invalid.\"]}}");
    Poco::Int64 limit = options_.defaultPageSize;
    Poco::Int64 page = 1;
    if (!get("limit").empty() &&
        (!Poco::NumberParser::tryParse64(get("limit"), limit) || limit < 1 || limit > kMaxLimit))
        return json(422, "{\"message\":\"The limit may not be greater than 131337.\",\"errors\":"
                         "{\"limit\":[\"The limit may not be greater than 131337.\"]}}");
    if (!get("page").empty() && (!Poco::NumberParser::tryParse64(get("page"), page) || page < 1))
        return json(422, "{\"message\":\"The page must be at least 1.\",\"errors\":{}}");
    ++counters_["page_" + std::to_string(page)];

    std::vector<const FfAccount*> listed;
    for (const auto& account : accounts_) {
        if (type == "all" || account.type == type || (type == "asset" && mixTypes_))
            listed.push_back(&account);
    }
    const long long total = static_cast<long long>(listed.size());
    const long long pages = std::max<long long>(1, (total + limit - 1) / limit);
    const std::string base = request.listener + "://" + request.host;
    std::string data;
    const long long first = (page - 1) * limit;
    for (long long i = first; i < std::min(total, first + limit); ++i)
        data += (data.empty() ? "" : ",") + itemJson(*listed[static_cast<std::size_t>(i)], base);
    const long long count = std::max<long long>(0, std::min(total, first + limit) - first);
    // Controller::buildParams carries limit (and dates) but not type: the links drop it.
    const auto link = [&](long long p) {
        return jsonString(base + "/api/v1/accounts?limit=" + std::to_string(limit) +
                          "&page=" + std::to_string(p));
    };
    std::string links = "\"self\":" + link(page) + ",\"first\":" + link(1);
    if (page > 1)
        links += ",\"prev\":" + link(page - 1);
    if (page < pages)
        links += ",\"next\":" + link(page + 1);
    links += ",\"last\":" + link(pages);
    return json(
        200,
        "{\"data\":[" + data + "],\"meta\":{\"pagination\":{\"total\":" + std::to_string(total) +
            ",\"count\":" + std::to_string(count) + ",\"per_page\":" + std::to_string(limit) +
            ",\"current_page\":" + std::to_string(page) +
            ",\"total_pages\":" + std::to_string(pages) + "}},\"links\":{" + links + "}}",
        kJsonApi);
}

std::string FfBank::itemJson(const FfAccount& a, const std::string& base) const
{
    const std::string id = std::to_string(a.id);
    const bool hasCurrency = !a.currency.empty();
    return "{\"type\":\"accounts\",\"id\":\"" + id + "\",\"attributes\":{" +
           "\"created_at\":\"2025-01-02T10:00:00+01:00\",\"updated_at\":"
           "\"2026-12-01T10:00:00+01:00\",\"active\":" +
           (a.active ? "true" : "false") + ",\"order\":" + id + ",\"name\":" + jsonString(a.name) +
           ",\"type\":" + jsonString(a.type) + ",\"account_role\":" + nullable(a.role) +
           ",\"object_group_id\":null,\"object_group_order\":null,\"object_group_title\":null,"
           "\"object_has_currency_setting\":" +
           (hasCurrency ? "true" : "false") +
           ",\"currency_id\":" + (hasCurrency ? "\"" + id + "\"" : "null") +
           ",\"currency_name\":" + nullable(a.currency) +
           ",\"currency_code\":" + nullable(a.currency) +
           ",\"currency_symbol\":" + nullable(a.currency) +
           ",\"currency_decimal_places\":" + (hasCurrency ? std::to_string(a.places) : "null") +
           ",\"primary_currency_id\":\"1\",\"primary_currency_name\":\"Norwegian krone\","
           "\"primary_currency_code\":\"NOK\",\"primary_currency_symbol\":\"kr\","
           "\"primary_currency_decimal_places\":2,\"current_balance\":" +
           jsonString(a.balance) +
           ",\"pc_current_balance\":null,\"opening_balance\":\"0\","
           "\"pc_opening_balance\":null,\"virtual_balance\":\"0\","
           "\"pc_virtual_balance\":null,\"debt_amount\":null,"
           "\"pc_debt_amount\":null,\"current_balance_date\":"
           "\"2026-12-03T23:59:59+01:00\",\"notes\":null,"
           "\"monthly_payment_date\":null,\"credit_card_type\":null,"
           "\"account_number\":" +
           nullable(a.accountNumber) + ",\"iban\":" + nullable(a.iban) +
           ",\"bic\":null,\"opening_balance_date\":null,\"liability_type\":null,"
           "\"liability_direction\":null,\"interest\":null,\"interest_period\":null,"
           "\"include_net_worth\":true,\"longitude\":null,\"latitude\":null,\"zoom_level\":null,"
           "\"last_activity\":" +
           nullable(a.lastActivity) + "},\"links\":{\"0\":{\"rel\":\"self\",\"uri\":\"/accounts/" +
           id + "\"},\"self\":" + jsonString(base + "/api/v1/accounts/" + id) + "}}";
}

FfResponse FfBank::control(const FfRequest& request)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const auto query = parseQuery(request.query);
    const auto get = [&](const char* key) {
        const auto it = query.find(key);
        return it == query.end() ? std::string() : it->second;
    };
    const auto error = [](const std::string& text) {
        return json(400, "{\"error\":" + jsonString(text) + "}");
    };
    const FfResponse ok = json(200, "{\"ok\":true}");
    const std::string route = request.method + " " + request.path;
    if (route == "GET /counters") {
        std::string body;
        for (const auto& [name, value] : counters_)
            body += (body.empty() ? "" : ",") + jsonString(name) + ":" + std::to_string(value);
        return json(200, "{" + body + "}");
    }
    if (route == "POST /counters/reset") {
        counters_.clear();
        return ok;
    }
    if (route == "POST /fault") {
        static const std::vector<std::string> modes = {
            "none", "401",  "302",        "406",        "422",      "429",
            "500",  "html", "login_html", "basic_auth", "truncated"};
        const std::string mode = get("mode");
        if (std::find(modes.begin(), modes.end(), mode) == modes.end())
            return error("mode must be one of none, 401, 302, 406, 422, 429, 500, html, "
                         "login_html, basic_auth, truncated");
        Poco::Int64 count = 0;
        if (!get("count").empty() &&
            (!Poco::NumberParser::tryParse64(get("count"), count) || count < 0 || count > 100000))
            return error("count is 0 (until cleared) to 100000");
        fault_ = mode == "none" ? "" : mode;
        faultRemaining_ = static_cast<int>(count);
        return ok;
    }
    if (route == "POST /proxy" || route == "POST /mix_types") {
        const std::string on = get("on");
        if (on != "0" && on != "1")
            return error("on must be 0 or 1");
        (route == "POST /proxy" ? proxy_ : mixTypes_) = on == "1";
        return ok;
    }
    if (route == "POST /token") {
        if (get("value").empty())
            return error("value is required");
        options_.token = get("value");
        return ok;
    }
    if (route == "GET /token")
        return json(200, "{\"token\":" + jsonString(options_.token) + "}");
    if (route == "POST /balance" || route == "POST /currency") {
        Poco::Int64 id = 0;
        Poco::NumberParser::tryParse64(get("id"), id);
        auto it = std::find_if(accounts_.begin(), accounts_.end(),
                               [&](const FfAccount& a) { return a.id == id; });
        if (it == accounts_.end())
            return error("no account with id " + get("id"));
        if (route == "POST /balance") {
            if (get("amount").empty())
                return error("amount is required");
            it->balance = get("amount");
            if (!get("last_activity").empty())
                it->lastActivity = get("last_activity");
        } else {
            it->currency = get("code") == "null" ? "" : get("code");
            Poco::Int64 places = 2;
            if (!get("places").empty() && Poco::NumberParser::tryParse64(get("places"), places))
                it->places = static_cast<int>(places);
        }
        return ok;
    }
    if (request.path == "/transactions" || request.path == "/transaction_page_size")
        return transactionsControl(request, query);
    if (route == "GET /accounts") {
        std::string body;
        for (const auto& a : accounts_)
            body += std::string(body.empty() ? "" : ",") + "{\"id\":\"" + std::to_string(a.id) +
                    "\",\"name\":" + jsonString(a.name) + ",\"type\":" + jsonString(a.type) +
                    ",\"iban\":" + jsonString(a.iban) +
                    ",\"account_number\":" + jsonString(a.accountNumber) + "}";
        return json(200, "[" + body + "]");
    }
    return json(404, "{\"error\":\"unknown control route " + request.path + "\"}");
}

FfResponse FfBank::transactionsControl(const FfRequest& request,
                                       const std::map<std::string, std::string>& query)
{
    const std::string route = request.method + " " + request.path;
    if (route == "POST /transactions")
        return book_->add(query, accounts_);
    if (route == "DELETE /transactions") {
        book_->clear();
        return json(200, "{\"ok\":true}");
    }
    Poco::Int64 size = 0;
    const auto it = query.find("value");
    if (route != "POST /transaction_page_size" || it == query.end() ||
        !Poco::NumberParser::tryParse64(it->second, size) || size < 0 || size > kMaxLimit)
        return json(400, "{\"error\":\"POST /transactions, DELETE /transactions or POST "
                         "/transaction_page_size?value=N (0: no cap)\"}");
    book_->setPageCap(static_cast<int>(size));
    return json(200, "{\"ok\":true}");
}

}  // namespace bank2mqtt::ffsim
