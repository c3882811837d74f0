// SPDX-License-Identifier: MIT
// The simulator's consent flow, session lifecycle, daily budgets and faults.
#include "eb_sim_state.h"

#include "eb_sim_http.h"

#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <algorithm>

namespace bank2mqtt::ebsim {

namespace {

constexpr long long kDay = 86400;
constexpr long long kCodeLifetime = 600;

const std::vector<std::pair<FaultMode, std::string>>& faultNames()
{
    static const std::vector<std::pair<FaultMode, std::string>> names = {
        {FaultMode::Http503, "503"},
        {FaultMode::Http500, "500"},
        {FaultMode::Html, "html"},
        {FaultMode::Truncated, "truncated"},
        {FaultMode::Slow, "slow"},
        {FaultMode::RateLimit, "429"},
        {FaultMode::PsuHeader, "psu_header"},
        {FaultMode::WrongParameters, "wrong_parameters"},
        {FaultMode::AspspError, "aspsp_error"},
        {FaultMode::ExpiredSession, "expired_session"}};
    return names;
}

}  // namespace

std::optional<FaultMode> parseFaultMode(const std::string& name)
{
    for (const auto& [mode, text] : faultNames()) {
        if (text == name) {
            return mode;
        }
    }
    return std::nullopt;
}

std::string faultModeName(FaultMode mode)
{
    for (const auto& [candidate, text] : faultNames()) {
        if (candidate == mode) {
            return text;
        }
    }
    return "?";
}

EbSimState::EbSimState(int dailyLimit, long long consentValidity,
                       std::vector<std::string> redirectUrls)
    : dailyLimit_(dailyLimit), consentValidity_(consentValidity),
      redirectUrls_(std::move(redirectUrls)), aspsps_(defaultAspsps()), accounts_(defaultAccounts())
{
    transactions_ = defaultTransactions(static_cast<long long>(Poco::Timestamp().epochTime()));
}

long long EbSimState::now() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<long long>(Poco::Timestamp().epochTime()) + clockOffset_;
}

void EbSimState::advanceClock(long long seconds)
{
    std::lock_guard<std::mutex> lock(mutex_);
    clockOffset_ += seconds;
}

bool EbSimState::appActive() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return appActive_;
}

void EbSimState::setAppActive(bool active)
{
    std::lock_guard<std::mutex> lock(mutex_);
    appActive_ = active;
}

void EbSimState::countRequest(const std::string& endpoint)
{
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[endpoint];
}

void EbSimState::countJwt(const std::string& jwt, bool accepted)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (!accepted) {
        ++jwtsRejected_;
        return;
    }
    ++jwtsAccepted_;
    // Bounded: past the cap a flood of fresh tokens is still counted as accepted, not kept.
    if (distinctJwts_.size() < kMaxDistinctJwts && distinctJwts_.insert(jwt).second &&
        jwts_.size() < kMaxJwtsKept) {
        jwts_.push_back(jwt);
    }
}

Outcome EbSimState::startAuthorization(const AuthRequest& request, std::string& authorizationId)
{
    const long long current = now();
    std::lock_guard<std::mutex> lock(mutex_);
    const bool known = std::any_of(aspsps_.begin(), aspsps_.end(), [&](const EbAspsp& a) {
        return a.name == request.aspspName && a.country == request.aspspCountry;
    });
    if (!known) {
        return {EbError{422, "Wrong ASPSP name or country provided", "WRONG_ASPSP_PROVIDED", ""},
                ""};
    }
    if (std::find(redirectUrls_.begin(), redirectUrls_.end(), request.redirectUrl) ==
        redirectUrls_.end()) {
        return {EbError{422, "Redirect URI not allowed", "REDIRECT_URI_NOT_ALLOWED", ""}, ""};
    }
    if (request.validUntil <= current) {
        return {EbError{422, "valid_until must be in the future", "WRONG_REQUEST_PARAMETERS", ""},
                ""};
    }
    if (request.validUntil > current + consentValidity_) {
        // Verbatim from we-promise/sure #2857.
        return {EbError{422,
                        "ASPSP does not support consent validity more than " +
                            std::to_string(consentValidity_) + " seconds in the future",
                        "WRONG_REQUEST_PARAMETERS", ""},
                ""};
    }
    authorizationId = newUuid();
    const std::string psuIdHash = sha256Hex(authorizationId).substr(0, 32);
    authorizations_[authorizationId] = Authorization{request, psuIdHash};
    return {std::nullopt, "\"authorization_id\":" + jsonString(authorizationId) +
                              ",\"psu_id_hash\":" + jsonString(psuIdHash)};
}

std::optional<LoginRedirect> EbSimState::login(const std::string& authorizationId)
{
    const long long current = now();
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = authorizations_.find(authorizationId);
    if (it == authorizations_.end()) {
        return std::nullopt;
    }
    const AuthRequest& request = it->second.request;
    std::string query;
    if (denyNextLogin_) {
        denyNextLogin_ = false;
        query = "error=access_denied&error_description=The%20user%20cancelled%20the%20login";
    } else {
        const std::string code = newUuid();
        codes_[code] = Code{authorizationId, current, false};
        query = "code=" + code;
    }
    std::string encodedState;
    Poco::URI::encode(request.state, "!#$&'()*+,/:;=?@[]% ", encodedState);
    const char separator = request.redirectUrl.find('?') == std::string::npos ? '?' : '&';
    return LoginRedirect{request.redirectUrl + separator + query + "&state=" + encodedState};
}

void EbSimState::denyNextLogin()
{
    std::lock_guard<std::mutex> lock(mutex_);
    denyNextLogin_ = true;
}

Outcome EbSimState::createSession(const std::string& code)
{
    const long long current = now();
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = codes_.find(code);
    if (it == codes_.end()) {
        return {EbError{422, "Wrong authorization code", "WRONG_AUTHORIZATION_CODE", ""}, ""};
    }
    if (it->second.used) {
        return {EbError{422, "Authorization code has already been used", "ALREADY_AUTHORIZED", ""},
                ""};
    }
    if (current - it->second.issued > kCodeLifetime) {
        return {EbError{422, "Authorization code has expired", "EXPIRED_AUTHORIZATION_CODE", ""},
                ""};
    }
    it->second.used = true;
    const Authorization& authorization = authorizations_.at(it->second.authorizationId);
    Session session;
    session.request = authorization.request;
    session.psuIdHash = authorization.psuIdHash;
    session.created = current;
    std::string accounts;
    const std::string sessionId = newUuid();
    for (std::size_t i = 0; i < accounts_.size(); ++i) {
        const std::string uid = newUuid();  // new at every consent, as Enable Banking does
        session.uids.emplace_back(uid, i);
        uids_[uid] = {sessionId, i};
        accounts += (accounts.empty() ? "" : ",") + accountResourceJson(accounts_[i], uid);
    }
    const AuthRequest& r = session.request;
    sessions_[sessionId] = session;
    return {std::nullopt,
            "{\"session_id\":" + jsonString(sessionId) + ",\"accounts\":[" + accounts +
                "],\"aspsp\":{\"name\":" + jsonString(r.aspspName) + ",\"country\":" +
                jsonString(r.aspspCountry) + "},\"psu_type\":" + jsonString(r.psuType) +
                ",\"access\":{\"valid_until\":" + jsonString(rfc3339(r.validUntil)) + "}}"};
}

std::string EbSimState::statusOf(const Session& session) const
{
    const long long current = static_cast<long long>(Poco::Timestamp().epochTime()) + clockOffset_;
    if (session.status == "AUTHORIZED" && current >= session.request.validUntil) {
        return "EXPIRED";
    }
    return session.status;
}

Outcome EbSimState::getSession(const std::string& sessionId)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = sessions_.find(sessionId);
    if (it == sessions_.end()) {
        return {EbError{404, "Session does not exist", "SESSION_DOES_NOT_EXIST", ""}, ""};
    }
    const Session& s = it->second;
    std::string uids;
    std::string data;
    for (const auto& [uid, index] : s.uids) {
        const std::string hash = jsonString(accounts_[index].identificationHash);
        uids += (uids.empty() ? "" : ",") + jsonString(uid);
        data += std::string(data.empty() ? "" : ",") + "{\"uid\":" + jsonString(uid) +
                ",\"identification_hash\":" + hash + ",\"identification_hashes\":[" + hash + "]}";
    }
    const std::string status = statusOf(s);
    return {std::nullopt,
            "{\"status\":" + jsonString(status) + ",\"accounts\":[" + uids +
                "],\"accounts_data\":[" + data +
                "],\"aspsp\":{\"name\":" + jsonString(s.request.aspspName) +
                ",\"country\":" + jsonString(s.request.aspspCountry) + "},\"psu_type\":" +
                jsonString(s.request.psuType) + ",\"psu_id_hash\":" + jsonString(s.psuIdHash) +
                ",\"access\":{\"valid_until\":" + jsonString(rfc3339(s.request.validUntil)) +
                "},\"created\":" + jsonString(rfc3339(s.created)) +
                ",\"authorized\":" + jsonString(rfc3339(s.created)) + ",\"closed\":" +
                (status == "CLOSED" ? jsonString(rfc3339(s.created)) : std::string("null")) + "}"};
}

Outcome EbSimState::deleteSession(const std::string& sessionId)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = sessions_.find(sessionId);
    if (it == sessions_.end()) {
        return {EbError{404, "Session does not exist", "SESSION_DOES_NOT_EXIST", ""}, ""};
    }
    it->second.status = "CLOSED";
    return {std::nullopt, "{\"message\":\"OK\"}"};
}

Outcome EbSimState::accountByUid(const std::string& uid, EbAccount& account)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (!looksLikeUuid(uid)) {
        // What firefly-iii #12117 saw when an identification_hash was sent as the uid.
        return {EbError{422, "Wrong request parameters provided", "WRONG_REQUEST_PARAMETERS",
                        "account_id Input should be a valid UUID"},
                ""};
    }
    const auto it = uids_.find(uid);
    if (it == uids_.end()) {
        return {EbError{404, "Account does not exist", "ACCOUNT_DOES_NOT_EXIST", ""}, ""};
    }
    const std::string status = statusOf(sessions_.at(it->second.first));
    if (status == "EXPIRED") {
        return {EbError{401, "Session expired", "EXPIRED_SESSION", ""}, ""};
    }
    if (status == "CLOSED") {
        return {EbError{401, "Session is closed", "CLOSED_SESSION", ""}, ""};
    }
    account = accounts_[it->second.second];
    return {};
}

bool EbSimState::spendCall(const std::string& accountKey, DataEndpoint endpoint, bool psuPresent)
{
    const long long current = now();
    std::lock_guard<std::mutex> lock(mutex_);
    const auto key = std::make_pair(accountKey, static_cast<int>(endpoint));
    ++accountCalls_[key];
    if (psuPresent) {
        return true;
    }
    auto& calls = window_[key];
    while (!calls.empty() && calls.front() <= current - kDay) {
        calls.pop_front();
    }
    if (static_cast<int>(calls.size()) >= dailyLimit_) {
        ++rateLimited_;
        return false;
    }
    calls.push_back(current);
    return true;
}

bool EbSimState::expireSessions(const std::string& sessionId)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (!sessionId.empty()) {
        const auto it = sessions_.find(sessionId);
        if (it == sessions_.end()) {
            return false;
        }
        it->second.status = "EXPIRED";
        return true;
    }
    for (auto& [id, session] : sessions_) {
        if (session.status == "AUTHORIZED") {
            session.status = "EXPIRED";
        }
    }
    return true;
}

}  // namespace bank2mqtt::ebsim
