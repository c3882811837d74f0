// SPDX-License-Identifier: MIT
// Enable Banking requests and reply parsers of the consent flow (pure; see eb_api.h).
#include "eb_api.h"

#include "account_identity.h"
#include "json_reply.h"
#include "url_encode.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <sstream>

namespace bank2mqtt::enablebanking {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

HttpRequest request(const Endpoint& endpoint, const std::string& jwt, std::string method,
                    std::string path)
{
    HttpRequest r;
    r.method = std::move(method);
    r.url = endpoint.apiUrl + path;
    r.timeout = endpoint.timeout;
    r.headers = {{"Authorization", "Bearer " + jwt}, {"Accept", "application/json"}};
    return r;
}

HttpRequest jsonPost(const Endpoint& endpoint, const std::string& jwt, std::string path,
                     const Object& body)
{
    HttpRequest r = request(endpoint, jwt, "POST", std::move(path));
    r.headers.emplace_back("Content-Type", "application/json");
    std::ostringstream out;
    body.stringify(out);
    r.body = out.str();
    return r;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> stringArray(const Object::Ptr& object, const std::string& key)
{
    std::vector<std::string> out;
    const Array::Ptr array = object->getArray(key);
    if (array.isNull())
        return out;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const Poco::Dynamic::Var v = array->get(static_cast<unsigned>(i));
        if (v.type() == typeid(std::string))
            out.push_back(v.extract<std::string>());
    }
    return out;
}

std::optional<std::chrono::system_clock::time_point> validUntilOf(const Object::Ptr& object)
{
    const Object::Ptr access = object->getObject("access");
    if (access.isNull())
        return std::nullopt;
    const auto text = stringMember(access, "valid_until");
    return text ? parseRfc3339(*text) : std::nullopt;
}

// Runs `read` on the JSON object of a 2xx reply, turning exceptions and bad JSON into a
// Temporary status. `status` is left Ok when `read` did not set it.
template <typename Reply, typename Read>
Reply parseWith(const HttpResponse& r, EbCall call, const ReplyContext& c, Read read)
{
    Reply reply;
    reply.status = classifyReply(r, call, c);
    if (!reply.ok())
        return reply;
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (!parsed.ok()) {
        reply.status = unusableReply(call, parsed.error);
        return reply;
    }
    try {
        read(parsed.object, reply);
    } catch (const std::exception&) {
        reply = Reply{};
        reply.status = unusableReply(call, "the reply has an unexpected shape");
    }
    return reply;
}

}  // namespace

// ---- requests --------------------------------------------------------------------------------

HttpRequest applicationRequest(const Endpoint& endpoint, const std::string& jwt)
{
    return request(endpoint, jwt, "GET", "/application");
}

HttpRequest aspspsRequest(const Endpoint& endpoint, const std::string& jwt,
                          std::string_view country, std::string_view psuType)
{
    std::string path = "/aspsps?country=" + formUrlEncode(country);
    if (!psuType.empty())
        path += "&psu_type=" + formUrlEncode(psuType);
    return request(endpoint, jwt, "GET", path);
}

HttpRequest sessionCreateRequest(const Endpoint& endpoint, const std::string& jwt,
                                 std::string_view code)
{
    Object body;
    body.set("code", std::string(code));
    return jsonPost(endpoint, jwt, "/sessions", body);
}

HttpRequest sessionRequest(const Endpoint& endpoint, const std::string& jwt,
                           std::string_view sessionId)
{
    return request(endpoint, jwt, "GET", "/sessions/" + formUrlEncode(sessionId));
}

HttpRequest balancesRequest(const Endpoint& endpoint, const std::string& jwt, std::string_view uid)
{
    return request(endpoint, jwt, "GET", "/accounts/" + formUrlEncode(uid) + "/balances");
}

HttpRequest transactionsRequest(const Endpoint& endpoint, const std::string& jwt,
                                std::string_view uid, std::string_view dateFrom,
                                std::string_view continuationKey)
{
    std::string path =
        "/accounts/" + formUrlEncode(uid) + "/transactions?date_from=" + formUrlEncode(dateFrom);
    if (!continuationKey.empty())
        path += "&continuation_key=" + formUrlEncode(continuationKey);
    return request(endpoint, jwt, "GET", path);
}

// ---- /application, /aspsps ---------------------------------------------------------------------

ApplicationReply parseApplicationReply(const HttpResponse& r, const ReplyContext& c)
{
    return parseWith<ApplicationReply>(
        r, EbCall::Application, c, [](const Object::Ptr& o, ApplicationReply& reply) {
            const Poco::Dynamic::Var active = o->get("active");
            if (active.type() != typeid(bool)) {
                reply.status = unusableReply(EbCall::Application, "it does not say if the "
                                                                  "application is active");
                return;
            }
            reply.application.active = active.extract<bool>();
            reply.application.name = sanitizeBankMessage(stringMember(o, "name").value_or(""));
            reply.application.environment = stringMember(o, "environment").value_or("");
            reply.application.redirectUrls = stringArray(o, "redirect_urls");
            reply.application.countries = stringArray(o, "countries");
            if (!reply.application.active) {
                reply.status.outcome = EbOutcome::AppInactive;
                reply.status.message =
                    "Enable Banking says the application is not active: link your accounts in "
                    "Enable Banking's control panel (Activate by linking accounts)";
            }
        });
}

AspspsReply parseAspspsReply(const HttpResponse& r, const ReplyContext& c)
{
    return parseWith<AspspsReply>(
        r, EbCall::Aspsps, c, [](const Object::Ptr& o, AspspsReply& reply) {
            const Array::Ptr list = o->getArray("aspsps");
            if (list.isNull()) {
                reply.status = unusableReply(EbCall::Aspsps, "it has no list of banks");
                return;
            }
            for (std::size_t i = 0; i < list->size(); ++i) {
                const Object::Ptr item = list->getObject(static_cast<unsigned>(i));
                if (item.isNull())
                    continue;
                Aspsp a;
                a.name = stringMember(item, "name").value_or("");
                a.country = stringMember(item, "country").value_or("");
                if (a.name.empty() || a.country.empty())
                    continue;
                const Poco::Dynamic::Var max = item->get("maximum_consent_validity");
                if (max.isInteger() && !max.isBoolean() && max.convert<Poco::Int64>() > 0)
                    a.maximumConsentValidity = std::chrono::seconds(max.convert<Poco::Int64>());
                a.psuTypes = stringArray(item, "psu_types");
                a.requiredPsuHeaders = stringArray(item, "required_psu_headers");
                const Poco::Dynamic::Var beta = item->get("beta");
                a.beta = beta.type() == typeid(bool) && beta.extract<bool>();
                reply.aspsps.push_back(std::move(a));
            }
        });
}

std::vector<Aspsp> matchAspsps(const std::vector<Aspsp>& aspsps, std::string_view wanted)
{
    const std::string key = lower(wanted);
    if (key.empty())
        return aspsps;
    std::vector<Aspsp> exact;
    std::vector<Aspsp> partial;
    for (const Aspsp& a : aspsps) {
        const std::string name = lower(a.name);
        if (name == key)
            exact.push_back(a);
        else if (name.find(key) != std::string::npos)
            partial.push_back(a);
    }
    return exact.empty() ? partial : exact;
}

// ---- /auth -------------------------------------------------------------------------------------

HttpRequest authRequest(const Endpoint& endpoint, const std::string& jwt, const AuthParams& p)
{
    Object access;
    access.set("valid_until", formatRfc3339(p.validUntil));
    Object aspsp;
    aspsp.set("name", p.aspspName);
    aspsp.set("country", p.aspspCountry);
    Object body;
    body.set("access", access);
    body.set("aspsp", aspsp);
    body.set("state", p.state);
    body.set("redirect_url", p.redirectUrl);
    if (!p.psuType.empty())
        body.set("psu_type", p.psuType);
    return jsonPost(endpoint, jwt, "/auth", body);
}

AuthReply parseAuthReply(const HttpResponse& r, const ReplyContext& c)
{
    return parseWith<AuthReply>(r, EbCall::Auth, c, [](const Object::Ptr& o, AuthReply& reply) {
        reply.url = stringMember(o, "url").value_or("");
        reply.authorizationId = stringMember(o, "authorization_id").value_or("");
        if (reply.url.rfind("https://", 0) != 0 && reply.url.rfind("http://", 0) != 0) {
            reply.url.clear();
            reply.status = unusableReply(EbCall::Auth, "it has no login URL");
        }
    });
}

// ---- sessions
// ------------------------------------------------------------------------------------

std::string accountIdentity(std::string_view iban, std::string_view identificationHash)
{
    if (!digitsOnly(iban).empty())
        return accountFingerprint("enablebanking", iban);
    if (!identificationHash.empty())
        return digestHex("enablebanking:identification_hash:" + std::string(identificationHash));
    return {};
}

namespace {

SessionAccount readAccount(const Object::Ptr& o)
{
    SessionAccount a;
    a.uid = stringMember(o, "uid").value_or("");
    a.identificationHash = stringMember(o, "identification_hash").value_or("");
    const Object::Ptr id = o->getObject("account_id");
    if (!id.isNull())
        a.iban = stringMember(id, "iban").value_or("");
    a.currency = stringMember(o, "currency").value_or("");
    a.product = sanitizeBankMessage(stringMember(o, "product").value_or(""), 60);
    a.cashAccountType = stringMember(o, "cash_account_type").value_or("");
    // `name` is the holder's name and is deliberately not read. `details` is the label.
    a.label = sanitizeBankMessage(stringMember(o, "details").value_or(""), 60);
    if (a.label.empty())
        a.label = a.product;
    if (a.label.empty())
        a.label = sanitizeBankMessage(a.cashAccountType, 20);
    a.account.fingerprint = accountIdentity(a.iban, a.identificationHash);
    a.account.name = a.label;
    a.account.type = a.product.empty() ? sanitizeBankMessage(a.cashAccountType, 20) : a.product;
    a.account.maskedNumber = maskAccountNumber(a.iban);
    a.account.balance.currency = a.currency;
    a.account.available.currency = a.currency;
    return a;
}

}  // namespace

SessionReply parseSessionCreateReply(const HttpResponse& r, const ReplyContext& c)
{
    return parseWith<SessionReply>(
        r, EbCall::Sessions, c, [](const Object::Ptr& o, SessionReply& reply) {
            reply.sessionId = stringMember(o, "session_id").value_or("");
            const Array::Ptr accounts = o->getArray("accounts");
            if (reply.sessionId.empty() || accounts.isNull()) {
                reply.status = unusableReply(EbCall::Sessions, "it has no session or no accounts");
                return;
            }
            for (std::size_t i = 0; i < accounts->size(); ++i) {
                const Object::Ptr item = accounts->getObject(static_cast<unsigned>(i));
                if (!item.isNull())
                    reply.accounts.push_back(readAccount(item));
            }
            reply.validUntil = validUntilOf(o);
            if (reply.accounts.empty()) {
                reply.status.outcome = EbOutcome::ConsentNeeded;
                reply.status.message = "the consent holds no accounts; authorize again and select "
                                       "the accounts at the bank's login";
            }
        });
}

SessionStatusReply parseSessionStatusReply(const HttpResponse& r, const ReplyContext& c)
{
    return parseWith<SessionStatusReply>(
        r, EbCall::Session, c, [](const Object::Ptr& o, SessionStatusReply& reply) {
            reply.sessionStatus = stringMember(o, "status").value_or("");
            reply.validUntil = validUntilOf(o);
            const Array::Ptr data = o->getArray("accounts_data");
            for (std::size_t i = 0; !data.isNull() && i < data->size(); ++i) {
                const Object::Ptr item = data->getObject(static_cast<unsigned>(i));
                if (!item.isNull())
                    reply.identificationHashes.push_back(
                        stringMember(item, "identification_hash").value_or(""));
            }
            if (reply.sessionStatus.empty()) {
                reply.status = unusableReply(EbCall::Session, "it has no session status");
            } else if (reply.sessionStatus != "AUTHORIZED") {
                reply.status.outcome = EbOutcome::ConsentNeeded;
                reply.status.message = "the bank consent is no longer valid (session " +
                                       sanitizeBankMessage(reply.sessionStatus, 30) +
                                       "); renew it with bank2mqtt --authorize";
            }
        });
}

}  // namespace bank2mqtt::enablebanking
