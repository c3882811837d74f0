// SPDX-License-Identifier: MIT
// Firefly III account pages: request URLs, reply classification and attribute parsing.
#include "firefly_api.h"

#include "account_identity.h"
#include "bank_text.h"
#include "json_reply.h"
#include "money.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <exception>

namespace bank2mqtt::firefly {
namespace {

constexpr const char* kApiPath = "/api/v1";

FetchResult failure(FetchStatus status, std::string message,
                    std::optional<std::chrono::seconds> retryAfter = std::nullopt)
{
    return FetchResult::failure(status, std::move(message), retryAfter);
}

std::string lower(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool endsWith(const std::string& text, const std::string& tail)
{
    return text.size() >= tail.size() &&
           text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// The first bytes of a JSON error's "message", made fit to show; "" for HTML or no message.
std::string bankMessage(const HttpResponse& r, const ReplyContext& c)
{
    if (isHtmlReply(r))
        return {};
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (!parsed.ok())
        return {};
    const auto message = stringMember(parsed.object, "message");
    return message ? sanitizeBankMessage(redactSecrets(*message, c.secrets), 100) : std::string();
}

std::string withBankMessage(const std::string& status, const HttpResponse& r, const ReplyContext& c)
{
    const std::string message = bankMessage(r, c);
    return message.empty() ? status : status + ": \"" + message + "\"";
}

// scheme://host[:port] of a Location header, for advice; "" when unreadable.
std::string originOf(const std::string& location, const std::string& baseUrl)
{
    try {
        Poco::URI uri(Poco::URI(baseUrl), location);
        if (uri.getHost().empty())
            return {};
        std::string origin = uri.getScheme() + "://" + uri.getHost();
        if (uri.getSpecifiedPort() != 0)
            origin += ":" + std::to_string(uri.getSpecifiedPort());
        return sanitizeBankMessage(origin, 80);
    } catch (const std::exception&) {
        return {};
    }
}

std::string loginPageAdvice()
{
    return "a proxy in front of it probably drops the Authorization or Accept header (or asks for "
           "a login of its own); let requests to /api/ through with both headers unchanged";
}

FetchResult classifyRedirect(const HttpResponse& r, const ReplyContext& c)
{
    const std::string status = httpStatusText(r.status, r.reason);
    const std::string location = r.header("Location").value_or("");
    if (lower(location).find("/login") != std::string::npos)
        return failure(FetchStatus::AuthRequired,
                       "Firefly III did not treat the request as an API call: it sent it to its "
                       "login page (" +
                           status + "); " + loginPageAdvice());
    const std::string origin = originOf(location, c.baseUrl);
    return failure(FetchStatus::ConfigError,
                   "Firefly III redirected the request elsewhere (" + status +
                       (origin.empty() ? std::string() : " to " + origin) +
                       "); set url to the address Firefly III answers at itself");
}

// httpStatusText, with the reason phrases of the two statuses its table lacks.
std::string statusText(const HttpResponse& r)
{
    if (r.reason.empty() && r.status == 406)
        return "406 Not Acceptable";
    if (r.reason.empty() && r.status == 422)
        return "422 Unprocessable Entity";
    return httpStatusText(r.status, r.reason);
}

// How a 401 came from something other than Firefly III's API; "" when it is Firefly III's own
// answer to a bad token: JSON with "Unauthenticated." or AuthenticationException (Handler.php)
// and no challenge of another scheme. A proxy asking for its own login (Basic auth in nginx,
// an SSO portal) answers with a WWW-Authenticate challenge or an HTML page instead.
std::string foreignUnauthorized(const HttpResponse& r)
{
    const std::string challenge = r.header("WWW-Authenticate").value_or("");
    const std::string scheme = challenge.substr(0, challenge.find_first_of(" ,"));
    if (!scheme.empty() && lower(scheme) != "bearer")
        return "with a WWW-Authenticate: " + sanitizeBankMessage(scheme, 20) + " challenge";
    if (isHtmlReply(r))
        return "as an HTML page";
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (parsed.ok() && (stringMember(parsed.object, "message") == "Unauthenticated." ||
                        stringMember(parsed.object, "exception") == "AuthenticationException"))
        return {};
    return "in a form Firefly III does not use";
}

FetchResult classifyUnauthorized(const HttpResponse& r, const std::string& status)
{
    const std::string foreign = foreignUnauthorized(r);
    if (!foreign.empty())
        return failure(FetchStatus::AuthRequired,
                       "Firefly III did not answer the request itself: a login of another kind "
                       "was asked for (" +
                           status + " " + foreign + "); " + loginPageAdvice());
    // The host reads secret files once, at start: a new token takes a restart.
    return failure(FetchStatus::AuthRequired,
                   "Firefly III rejected the personal access token (token_file, " + status +
                       "); create a new token under Options → Profile → OAuth, put it in that "
                       "file and restart bank2mqtt (it reads token_file only at start)");
}

FetchResult classifyStatus(const HttpResponse& r, const ReplyContext& c, const RequestName& request,
                           bool& notFound)
{
    const std::string status = statusText(r);
    if (r.status == 401)
        return classifyUnauthorized(r, status);
    if (r.status >= 300 && r.status <= 399)
        return classifyRedirect(r, c);
    if (r.status == 404) {
        notFound = true;
        return failure(FetchStatus::ConfigError,
                       "Firefly III's API is not at " + c.baseUrl + kApiPath + " (" + status +
                           "); set url to the address you open Firefly III at, with its subpath "
                           "if it has one (e.g. https://example.lan/firefly)");
    }
    if (r.status == 406)
        return failure(FetchStatus::ConfigError,
                       "Firefly III refused the Accept header (" + withBankMessage(status, r, c) +
                           "); a proxy in front of it probably rewrites Accept: let "
                           "application/vnd.api+json through to /api/");
    if (r.status == 422)
        return failure(FetchStatus::ConfigError,
                       "Firefly III refused " + request.what + " as invalid (" +
                           withBankMessage(status, r, c) +
                           "); this Firefly III version may not "
                           "accept " +
                           request.parameters +
                           ": please report it with the version shown under Options → About");
    if (r.status == 429) {
        const auto header = r.header("Retry-After");
        return failure(FetchStatus::RateLimited, "Firefly III asked to slow down (" + status + ")",
                       header ? parseRetryAfter(*header, c.now) : std::nullopt);
    }
    return failure(FetchStatus::Temporary, "Firefly III answered " + withBankMessage(status, r, c));
}

}  // namespace

FetchResult unusableReply(const std::string& why)
{
    return failure(FetchStatus::Temporary, "Firefly III sent an unusable answer: " + why);
}

std::optional<long long> jsonInteger(const Poco::Dynamic::Var& value)
{
    try {
        if (value.isEmpty() || value.isBoolean())
            return std::nullopt;
        if (value.isInteger())
            return value.convert<Poco::Int64>();
        if (value.isString()) {
            const std::string text = value.extract<std::string>();
            if (text.empty() || text.size() > 12 ||
                text.find_first_not_of("0123456789") != std::string::npos)
                return std::nullopt;
            return std::stoll(text);
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

namespace {

FetchResult unusable(const std::string& why)
{
    return unusableReply(why);
}

std::optional<long long> intOf(const Poco::Dynamic::Var& value)
{
    return jsonInteger(value);
}

std::string textOf(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
    return stringMember(object, key).value_or("");
}

bool isIsoCode(const std::string& code)
{
    if (code.size() != 3)
        return false;
    for (char c : code) {
        if (c < 'A' || c > 'Z')
            return false;
    }
    return true;
}

std::optional<std::chrono::system_clock::time_point> parseTime(const std::string& text)
{
    if (text.size() < 20 || text.size() > 40 || text[10] != 'T')
        return std::nullopt;
    Poco::DateTime parsed;
    int zone = 0;
    for (const auto& format :
         {Poco::DateTimeFormat::ISO8601_FORMAT, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT}) {
        if (Poco::DateTimeParser::tryParse(format, text, parsed, zone)) {
            const auto utc = std::chrono::system_clock::from_time_t(parsed.timestamp().epochTime());
            return utc - std::chrono::seconds(zone);
        }
    }
    return std::nullopt;
}

// The digit runs of a name, digits separated by spaces, '.' or '-' joined: "Giro 0532 0130-00"
// -> {"0532013000"}.
std::vector<std::string> digitRuns(const std::string& text)
{
    std::vector<std::string> runs;
    std::string run;
    for (char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c)))
            run += c;
        else if (c != ' ' && c != '.' && c != '-' && !run.empty()) {
            runs.push_back(run);
            run.clear();
        }
    }
    if (!run.empty())
        runs.push_back(std::move(run));
    return runs;
}

// The name to publish: as sent (control characters made spaces), unless it holds the account's
// number: all its digits (5 or more), an IBAN's digits after the check digits (the domestic
// number, as Norwegian names write it), or a run of 8+ digits ending the number or holding its
// last 8 ("Giro 0532013000" for DE89370400440532013000). With no number known, any run of 8+
// digits is taken for one. Such a name becomes the role and the last 4 digits, as the masked
// number shows them.
std::string publishableName(const std::string& name, const std::string& role,
                            const std::string& number)
{
    std::string clean = name;
    for (char& c : clean) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            c = ' ';
    }
    const std::string digits = digitsOnly(number);
    const std::string nameDigits = digitsOnly(clean);
    const bool iban = !number.empty() && std::isalpha(static_cast<unsigned char>(number[0]));
    const bool known = digits.size() >= 5;
    std::string last4 = digits.size() >= 4 ? digits.substr(digits.size() - 4) : std::string();
    bool holdsNumber =
        (known && nameDigits.find(digits) != std::string::npos) ||
        (iban && digits.size() >= 7 && nameDigits.find(digits.substr(2)) != std::string::npos);
    for (const std::string& run : digitRuns(clean)) {
        if (holdsNumber || run.size() < 8)
            continue;
        if (!known) {
            holdsNumber = true;
            last4 = run.substr(run.size() - 4);
        } else if (digits.size() >= 8 &&
                   run.find(digits.substr(digits.size() - 8)) != std::string::npos) {
            holdsNumber = true;
        }
    }
    if (!holdsNumber)
        return clean;
    return describeRole(role) + " " + last4;
}

// Reads one item of `data`. false when it is not an asset account (counted, then ignored).
bool parseItem(const Poco::JSON::Object::Ptr& item, const ReplyContext& c, FireflyAccount& out)
{
    const Poco::JSON::Object::Ptr attributes = item->getObject("attributes");
    if (attributes.isNull() || lower(textOf(attributes, "type")) != "asset")
        return false;
    const Poco::Dynamic::Var id = item->get("id");
    out.id = id.isString() ? id.extract<std::string>()
                           : (intOf(id) ? std::to_string(*intOf(id)) : std::string());
    out.name = textOf(attributes, "name");
    const Poco::Dynamic::Var active = attributes->get("active");
    out.active = !active.isBoolean() || active.extract<bool>();
    out.number = textOf(attributes, "iban");
    if (out.number.empty())
        out.number = textOf(attributes, "account_number");
    const std::string role = textOf(attributes, "account_role");

    const std::string code = textOf(attributes, "currency_code");
    out.currencyCode = code;
    if (code.empty()) {
        out.problem = "has no currency in Firefly III (edit the account and choose its currency)";
        return true;
    }
    const auto places = intOf(attributes->get("currency_decimal_places"));
    if (places && (*places < 0 || *places > kMaxDecimals)) {
        out.problem = "has a currency with an impossible number of decimal places (0 to 18 work)";
        return true;
    }
    Money balance;
    // A code Firefly III allows but ISO 4217 does not have (custom currencies may have up to 51
    // characters) is published as a plain number without a currency unit.
    balance.currency = isIsoCode(code) ? code : std::string();
    balance.decimals = places ? static_cast<int>(*places) : (isIsoCode(code) ? -1 : 2);
    const auto minor =
        jsonNumberToMinor(attributes->get("current_balance"), moneyDecimals(balance));
    if (!minor) {
        out.problem = "sent a balance that is not an exact amount with " +
                      std::to_string(moneyDecimals(balance)) + " decimals";
        return true;
    }
    balance.minor = *minor;

    Account account;
    account.fingerprint = fireflyFingerprint(c.baseUrl, out);
    account.name = publishableName(out.name, role, out.number);
    account.type = describeRole(role);
    account.maskedNumber = out.number.empty() ? std::string() : maskAccountNumber(out.number);
    account.balance = balance;
    // Firefly III has no available balance; what the account holds is what can be spent.
    account.available = balance;
    // A transaction dated ahead (a planned one, or a typo in the year) makes last_activity a
    // future time; that is no date of the balance.
    const auto activity = parseTime(textOf(attributes, "last_activity"));
    if (activity && *activity <= c.now)
        account.balanceDate = activity;
    out.account = std::move(account);
    return true;
}

}  // namespace

Pagination readPagination(const Poco::JSON::Object::Ptr& document)
{
    Pagination out;
    const Poco::JSON::Object::Ptr meta = document->getObject("meta");
    const Poco::JSON::Object::Ptr pagination =
        meta.isNull() ? Poco::JSON::Object::Ptr() : meta->getObject("pagination");
    if (pagination.isNull())
        return out;
    if (const auto current = intOf(pagination->get("current_page")); current && *current > 0)
        out.currentPage = static_cast<int>(std::min<long long>(*current, 1 << 20));
    if (const auto total = intOf(pagination->get("total_pages")); total && *total > 0)
        out.totalPages = static_cast<int>(std::min<long long>(*total, 1 << 20));
    out.total = intOf(pagination->get("total"));
    return out;
}

std::optional<FetchResult> classifyUnreadable(const HttpResponse& r, const ReplyContext& c,
                                              const RequestName& request, bool& notFound)
{
    if (r.transportError != TransportError::None)
        return failure(FetchStatus::Temporary, describeTransportError(r, c.timeout));
    if (r.status < 200 || r.status > 299)
        return classifyStatus(r, c, request, notFound);
    if (!isHtmlReply(r))
        return std::nullopt;
    // Firefly III's own login page, or a single sign-on portal's, answered with 200.
    if (lower(r.body).find("login") != std::string::npos)
        return failure(FetchStatus::AuthRequired,
                       "Firefly III answered with a login page instead of JSON, so it did not "
                       "treat the request as an API call; " +
                           loginPageAdvice());
    return unusable("an HTML page instead of JSON");
}

std::optional<std::string> normalizeBaseUrl(const std::string& url, std::string& problem)
{
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const std::exception&) {
        problem = "url is not a valid URL; write it as https://firefly.example.lan (the address "
                  "you open Firefly III at)";
        return std::nullopt;
    }
    const std::string scheme = lower(uri.getScheme());
    if (scheme != "https" && scheme != "http") {
        problem = "url must start with https:// (or http:// with allow_http = true), e.g. "
                  "https://firefly.example.lan";
        return std::nullopt;
    }
    if (uri.getHost().empty()) {
        problem = "url has no host name; write it as https://firefly.example.lan";
        return std::nullopt;
    }
    if (!uri.getUserInfo().empty()) {
        problem = "url must not hold a user name or password; the personal access token goes "
                  "in token_file";
        return std::nullopt;
    }
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty() ||
        url.find_first_of("?#") != std::string::npos) {
        problem = "url must not have a query (?) or fragment (#); write only the address "
                  "Firefly III opens at";
        return std::nullopt;
    }
    std::string base = url;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    if (endsWith(lower(base), kApiPath)) {
        base.resize(base.size() - std::string(kApiPath).size());
        while (!base.empty() && base.back() == '/')
            base.pop_back();
    }
    return base;
}

std::string accountsPageUrl(const std::string& baseUrl, int page)
{
    return baseUrl + kApiPath + "/accounts?type=asset&limit=" + std::to_string(kPageLimit) +
           "&page=" + std::to_string(page);
}

HttpRequest accountsPageRequest(const std::string& baseUrl, const std::string& token, int page,
                                std::chrono::milliseconds timeout)
{
    HttpRequest request;
    request.method = "GET";
    request.url = accountsPageUrl(baseUrl, page);
    request.timeout = timeout;
    request.headers = {{"Authorization", "Bearer " + token},
                       {"Accept", "application/vnd.api+json"}};
    return request;
}

AccountsPage parseAccountsPage(const HttpResponse& r, const ReplyContext& c)
{
    AccountsPage page;
    const RequestName request{"the account list request",
                              "type=asset and limit=" + std::to_string(kPageLimit)};
    if (auto failed = classifyUnreadable(r, c, request, page.notFound)) {
        page.outcome = std::move(*failed);
        return page;
    }
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (!parsed.ok()) {
        page.outcome = unusable(parsed.error);
        return page;
    }
    try {
        const Poco::JSON::Array::Ptr data = parsed.object->getArray("data");
        if (data.isNull()) {
            page.outcome = unusable("the reply has no \"data\" list of accounts");
            return page;
        }
        const Pagination pagination = readPagination(parsed.object);
        page.currentPage = pagination.currentPage;
        page.totalPages = pagination.totalPages;
        page.total = pagination.total;
        for (std::size_t i = 0; i < data->size(); ++i) {
            const Poco::JSON::Object::Ptr item = data->getObject(static_cast<unsigned>(i));
            FireflyAccount account;
            if (item.isNull() || !parseItem(item, c, account)) {
                ++page.otherTypes;
                continue;
            }
            if (account.id.empty()) {
                page.outcome = unusable("an account without an id");
                page.accounts.clear();
                return page;
            }
            page.accounts.push_back(std::move(account));
        }
    } catch (const std::exception&) {
        page.accounts.clear();
        page.outcome = unusable("the account list has an unexpected shape");
        return page;
    }
    page.outcome.status = FetchStatus::Ok;
    return page;
}

std::string fireflyFingerprint(const std::string& baseUrl, const FireflyAccount& account)
{
    if (digitsOnly(account.number).size() >= 5)
        return accountFingerprint("firefly", account.number);
    return digestHex("firefly-id\n" + baseUrl + "\n" + account.id);
}

std::string describeRole(std::string_view role)
{
    if (role == "defaultAsset")
        return "Default asset account";
    if (role == "sharedAsset")
        return "Shared asset account";
    if (role == "savingAsset")
        return "Savings account";
    if (role == "ccAsset")
        return "Credit card";
    if (role == "cashWalletAsset")
        return "Cash wallet";
    return "Asset account";
}

}  // namespace bank2mqtt::firefly
