// SPDX-License-Identifier: MIT
// SimpleFIN protocol, pure: the setup token, the Access URL, and the /accounts reply shapes.
#include "sf_api.h"

#include "bank_text.h"
#include "json_reply.h"
#include "loopback.h"
#include "money.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <iterator>
#include <map>
#include <sstream>

namespace bank2mqtt::simplefin {
namespace {

std::string trim(std::string_view text)
{
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos)
        return {};
    return std::string(text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1));
}

// "" when the scheme and host may be used: https anywhere, http only to loopback.
std::string checkSchemeAndHost(const Poco::URI& uri, const std::string& what)
{
    if (uri.getHost().empty())
        return what + " has no host name";
    if (uri.getScheme() == "https")
        return {};
    if (uri.getScheme() == "http" && isLoopbackHost(uri.getHost()))
        return {};
    return what + " must use https:// (plain http:// only to 127.0.0.1, ::1 or localhost)";
}

std::string base64(const std::string& data)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << data;
    encoder.close();
    return out.str();
}

std::optional<std::string> stringOf(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
    if (object.isNull() || !object->has(key))
        return std::nullopt;
    const Poco::Dynamic::Var value = object->get(key);
    if (value.isEmpty())
        return std::nullopt;
    if (value.isString())
        return value.extract<std::string>();
    if (value.isInteger() || value.isNumeric())
        return value.toString();  // an id sent as a number
    return std::nullopt;
}

std::string clean(const std::string& text, const std::vector<std::string>& secrets,
                  std::size_t maxChars = 120)
{
    return sanitizeBankMessage(redactSecrets(text, secrets), maxChars);
}

}  // namespace

std::string AccessUrl::authorizationHeader() const
{
    return "Basic " + base64(user + ":" + password);
}

std::string AccessUrl::full() const
{
    const auto scheme = base.find("://");
    return base.substr(0, scheme + 3) + user + ":" + password + "@" + base.substr(scheme + 3);
}

std::optional<AccessUrl> parseAccessUrl(std::string_view input, std::string& error)
{
    const std::string text = trim(input);
    const auto scheme = text.find("://");
    if (scheme == std::string::npos || text.find_first_of(" \t\r\n") != std::string::npos) {
        error = "the Access URL is not a URL";
        return std::nullopt;
    }
    // user:pass@ ends at the last '@' before the path (a password may hold '@' unencoded).
    const auto pathStart = text.find('/', scheme + 3);
    const std::string authority = text.substr(
        scheme + 3, pathStart == std::string::npos ? std::string::npos : pathStart - scheme - 3);
    const auto at = authority.rfind('@');
    const auto colon = at == std::string::npos ? std::string::npos : authority.find(':');
    if (at == std::string::npos || colon == std::string::npos || colon > at || colon == 0 ||
        colon + 1 == at) {
        error = "the Access URL carries no user name and password";
        return std::nullopt;
    }
    AccessUrl access;
    access.user = authority.substr(0, colon);
    access.password = authority.substr(colon + 1, at - colon - 1);
    std::string base = text.substr(0, scheme + 3) + authority.substr(at + 1) +
                       (pathStart == std::string::npos ? "" : text.substr(pathStart));
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    try {
        const Poco::URI uri(base);
        if (std::string problem = checkSchemeAndHost(uri, "the Access URL"); !problem.empty()) {
            error = problem;
            return std::nullopt;
        }
        if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
            error = "the Access URL must not have a query or fragment";
            return std::nullopt;
        }
        access.host = uri.getHost();
    } catch (const std::exception&) {
        error = "the Access URL is not a valid URL";
        return std::nullopt;
    }
    access.base = base;
    return access;
}

std::optional<std::string> decodeSetupToken(std::string_view token, std::string& error)
{
    std::string compact;
    for (const char c : token) {
        if (std::isspace(static_cast<unsigned char>(c)))
            continue;
        if (c == '-')
            compact += '+';
        else if (c == '_')
            compact += '/';
        else
            compact += c;
    }
    const bool alphabet =
        !compact.empty() && std::all_of(compact.begin(), compact.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
        });
    if (!alphabet) {
        error = "that is not a SimpleFIN setup token (it is not base64 text); copy the whole "
                "token from the SimpleFIN Bridge";
        return std::nullopt;
    }
    while (compact.size() % 4 != 0)
        compact += '=';
    std::string decoded;
    try {
        std::istringstream in(compact);
        Poco::Base64Decoder decoder(in);
        decoded.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
    } catch (const std::exception&) {
        decoded.clear();
    }
    decoded = trim(decoded);
    const bool printable =
        !decoded.empty() &&
        std::all_of(decoded.begin(), decoded.end(), [](char c) { return c > 32 && c < 127; });
    if (!printable || decoded.find("://") == std::string::npos) {
        error = "that is not a SimpleFIN setup token (it does not decode to a claim URL); copy "
                "the whole token from the SimpleFIN Bridge";
        return std::nullopt;
    }
    try {
        const Poco::URI uri(decoded);
        if (std::string problem = checkSchemeAndHost(uri, "the setup token's claim URL");
            !problem.empty()) {
            error = problem;
            return std::nullopt;
        }
        if (!uri.getUserInfo().empty()) {
            error = "the setup token's claim URL must not carry a user name";
            return std::nullopt;
        }
    } catch (const std::exception&) {
        error = "that is not a SimpleFIN setup token (its claim URL is not valid)";
        return std::nullopt;
    }
    return decoded;
}

std::string hostOf(const std::string& url)
{
    try {
        return Poco::URI(url).getHost();
    } catch (const std::exception&) {
        return {};
    }
}

HttpRequest claimRequest(const std::string& claimUrl, std::chrono::milliseconds timeout)
{
    HttpRequest request;
    request.method = "POST";
    request.url = claimUrl;
    request.timeout = timeout;
    request.headers = {{"Accept", "text/plain, */*"}};
    return request;
}

HttpRequest accountsRequest(const AccessUrl& access, std::chrono::milliseconds timeout,
                            std::optional<std::int64_t> transactionsFrom)
{
    HttpRequest request;
    request.url =
        access.base + "/accounts?version=2" +
        (transactionsFrom ? "&start-date=" + std::to_string(*transactionsFrom) + "&pending=1"
                          : std::string("&balances-only=1"));
    request.timeout = timeout;
    request.headers = {{"Accept", "application/json"},
                       {"Authorization", access.authorizationHeader()}};
    return request;
}

ClaimReply parseClaimReply(const HttpResponse& response, std::chrono::milliseconds timeout)
{
    ClaimReply reply;
    if (response.transportError != TransportError::None) {
        reply.message = describeTransportError(response, timeout);
        return reply;
    }
    if (response.status == 403) {
        reply.kind = ClaimReply::Kind::AlreadyClaimed;
        reply.message = "this setup token was already claimed — if not by you, your bank data "
                        "may be compromised; create a new token at the SimpleFIN Bridge";
        return reply;
    }
    if (response.status != 200) {
        reply.message = "the SimpleFIN Bridge refused the setup token (" +
                        httpStatusText(response.status, response.reason) +
                        "); try again later or create a new token";
        return reply;
    }
    std::string error;
    auto access = parseAccessUrl(response.body, error);
    if (!access) {
        reply.message =
            "the SimpleFIN Bridge's answer to the claim is not a usable Access URL (" + error + ")";
        return reply;
    }
    reply.kind = ClaimReply::Kind::Ok;
    reply.access = std::move(access);
    return reply;
}

int fractionDigits(std::string_view amount)
{
    const auto dot = amount.find('.');
    const auto exponent = amount.find_first_of("eE");
    int digits = 0;
    if (dot != std::string_view::npos)
        digits = static_cast<int>((exponent == std::string_view::npos ? amount.size() : exponent) -
                                  dot - 1);
    if (exponent != std::string_view::npos) {
        long shift = 0;
        try {
            shift = std::stol(std::string(amount.substr(exponent + 1)));
        } catch (const std::exception&) {
            return digits;
        }
        digits = static_cast<int>(std::clamp<long>(digits - shift, 0, 1000));
    }
    return std::max(digits, 0);
}

std::optional<Money> parseAmount(const std::string& amount, const std::string& currency,
                                 const std::string& other)
{
    Money money;
    const bool custom = currency.find("://") != std::string::npos;
    int needed = std::max(fractionDigits(amount), other.empty() ? 0 : fractionDigits(other));
    if (custom) {
        money.decimals = needed;
    } else {
        std::string code;
        for (const char c : currency)
            code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (code.size() != 3 ||
            !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
            return std::nullopt;
        money.currency = code;
        if (needed > currencyDecimals(code))
            money.decimals = needed;  // more than the ISO minor units: kept, never rounded
    }
    if (needed > kMaxDecimals)
        return std::nullopt;
    const auto minor = parseDecimalToMinor(amount, moneyDecimals(money));
    if (!minor)
        return std::nullopt;
    money.minor = *minor;
    return money;
}

AccountsReply parseAccountsReply(const HttpResponse& response, std::chrono::milliseconds timeout,
                                 std::chrono::system_clock::time_point now,
                                 const std::vector<std::string>& secrets)
{
    AccountsReply reply;
    auto fail = [&](FetchStatus status, std::string message) {
        reply.status = status;
        reply.message = std::move(message);
        return reply;
    };
    if (response.transportError != TransportError::None)
        return fail(FetchStatus::Temporary, describeTransportError(response, timeout));
    const std::string statusText = httpStatusText(response.status, response.reason);
    if (response.status == 402)
        return fail(FetchStatus::Temporary,
                    "the SimpleFIN subscription needs payment; renew it at the SimpleFIN Bridge");
    if (response.status == 403 || response.status == 401)
        return fail(FetchStatus::AuthRequired,
                    "SimpleFIN access was revoked or the Access URL is wrong; run bank2mqtt "
                    "--authorize or paste a new setup token in Home Assistant");
    if (response.status == 429) {
        const auto header = response.header("Retry-After");
        reply.retryAfter = header ? parseRetryAfter(*header, now) : std::nullopt;
        return fail(FetchStatus::RateLimited,
                    "the SimpleFIN Bridge asks for fewer requests (" + statusText + ")");
    }
    if (response.status != 200)
        return fail(FetchStatus::Temporary, "the SimpleFIN Bridge answered " + statusText);
    if (isHtmlReply(response))
        return fail(FetchStatus::Temporary,
                    "the SimpleFIN Bridge answered with a web page instead of account data");
    const JsonObjectParse parsed = parseJsonObject(response.body);
    if (!parsed.ok())
        return fail(FetchStatus::Temporary, "the SimpleFIN Bridge's reply: " + parsed.error);
    const Poco::JSON::Object::Ptr& root = parsed.object;

    try {
        if (const auto errors = root->getArray("errors")) {
            for (std::size_t i = 0; i < errors->size(); ++i) {
                const Poco::Dynamic::Var item = errors->get(static_cast<unsigned>(i));
                if (item.isString()) {
                    std::string text = clean(item.extract<std::string>(), secrets);
                    if (!text.empty())
                        reply.warnings.push_back(std::move(text));
                }
            }
        }
        if (const auto errlist = root->getArray("errlist")) {
            for (std::size_t i = 0; i < errlist->size(); ++i) {
                const auto entry = errlist->getObject(static_cast<unsigned>(i));
                if (entry.isNull())
                    continue;
                SfError error;
                error.code = stringOf(entry, "code").value_or("gen.");
                error.text =
                    clean(stringOf(entry, "msg").value_or(stringOf(entry, "message").value_or("")),
                          secrets);
                error.connection = stringOf(entry, "conn_id").value_or("");
                error.account = stringOf(entry, "account_id").value_or("");
                reply.errlist.push_back(std::move(error));
            }
        }
        std::map<std::string, std::string> connectionNames;
        if (const auto connections = root->getArray("connections")) {
            for (std::size_t i = 0; i < connections->size(); ++i) {
                const auto c = connections->getObject(static_cast<unsigned>(i));
                const auto id = stringOf(c, "conn_id");
                if (!id)
                    continue;
                const std::string name =
                    clean(stringOf(c, "name").value_or(stringOf(c, "org_name").value_or("")),
                          secrets, 60);
                connectionNames[*id] = name;
                reply.connections.emplace_back(*id, name);
            }
        }
        const auto accounts = root->getArray("accounts");
        if (accounts.isNull())
            return fail(FetchStatus::Temporary,
                        "the SimpleFIN Bridge's reply has no list of accounts");
        for (std::size_t i = 0; i < accounts->size(); ++i) {
            const auto a = accounts->getObject(static_cast<unsigned>(i));
            if (a.isNull())
                continue;
            SfAccount account;
            account.id = stringOf(a, "id").value_or("");
            if (account.id.empty())
                continue;  // nothing to select or fingerprint it by
            account.name = clean(stringOf(a, "name").value_or(""), secrets, 80);
            if (const auto conn = stringOf(a, "conn_id")) {
                account.connection = *conn;
                const auto known = connectionNames.find(*conn);
                account.connectionName =
                    known != connectionNames.end()
                        ? known->second
                        : clean(stringOf(a, "conn_name").value_or(""), secrets, 60);
            } else if (const auto org = a->getObject("org"); !org.isNull()) {
                account.connectionName =
                    clean(stringOf(org, "name").value_or(stringOf(org, "domain").value_or("")),
                          secrets, 60);
                account.connection = stringOf(org, "id").value_or(
                    stringOf(org, "domain").value_or(stringOf(org, "name").value_or("")));
            }
            const std::string currency = stringOf(a, "currency").value_or("");
            const auto balanceText = stringOf(a, "balance");
            const std::string availableText =
                stringOf(a, "available-balance").value_or(balanceText.value_or(""));
            const auto balance =
                balanceText ? parseAmount(*balanceText, currency, availableText) : std::nullopt;
            const auto available =
                balanceText ? parseAmount(availableText, currency, *balanceText) : std::nullopt;
            if (!balance || !available) {
                account.problem = currency.empty() || (currency.find("://") == std::string::npos &&
                                                       currency.size() != 3)
                                      ? "its currency is not readable"
                                      : "its balance is not a readable amount";
            } else {
                account.balance = *balance;
                account.available = *available;
                account.transactions = parseTransactions(a, account.balance, secrets);
            }
            if (a->has("balance-date")) {
                const Poco::Dynamic::Var date = a->get("balance-date");
                Poco::Int64 seconds = 0;
                bool read = false;
                if (date.isInteger()) {
                    seconds = date.convert<Poco::Int64>();
                    read = true;
                } else if (date.isString()) {
                    try {
                        std::size_t used = 0;
                        const std::string s = date.extract<std::string>();
                        seconds = std::stoll(s, &used);
                        read = used == s.size();
                    } catch (const std::exception&) {
                        read = false;
                    }
                }
                // 1970..2200: anything else is a broken value, not a date.
                if (read && seconds > 0 && seconds < 7258118400LL)
                    account.balanceDate =
                        std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
            }
            reply.accounts.push_back(std::move(account));
        }
    } catch (const std::exception&) {
        return fail(FetchStatus::Temporary,
                    "the SimpleFIN Bridge's reply does not have the shape of an account set");
    }
    reply.status = FetchStatus::Ok;
    return reply;
}

}  // namespace bank2mqtt::simplefin
