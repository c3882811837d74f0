// SPDX-License-Identifier: MIT
// The SimpleFIN simulator's data and rules: one claim per token, Basic auth, quotas, faults.
#include "sf_sim_state.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/RandomStream.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace bank2mqtt::sfsim {
namespace {

std::string randomHex(int bytes)
{
    Poco::RandomInputStream random;
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < bytes; ++i) {
        const auto byte = static_cast<unsigned char>(random.get());
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
    }
    return out;
}

std::string base64(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

}  // namespace

std::string jsonString(const std::string& text)
{
    std::ostringstream out;
    Poco::JSON::Stringifier::formatString(text, out);
    return out.str();
}

SimState::SimState()
{
    const long long t = now() - 3600;
    connections_ = {{"CON-1", "Chase", "ORG-1", "chase.com"},
                    {"CON-2", "Maple Credit Union", "ORG-2", "maplecu.example"}};
    accounts_ = {
        {"ACT-7a1c0e52-checking", "checking", "Checking", "CON-1", "USD", "437.25", "400.00", t},
        {"ACT-7a1c0e52-visa", "visa", "Sapphire Visa", "CON-1", "USD", "-532.69", std::nullopt, t},
        {"ACT-9b2d1f63-savings", "savings", "Savings", "CON-2", "CAD", "1200.50", "1200.50", t},
        {"ACT-9b2d1f63-miles", "miles", "Airline miles", "CON-2",
         "https://www.example.com/flight-miles", "12500", "12500", t},
    };
}

long long SimState::now() const
{
    const auto real = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    return real + clockOffset_;
}

std::string SimState::newToken(const std::string& claimBase)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string token = randomHex(16);
    tokens_[token] = false;
    const std::string text = base64(claimBase + token);
    tokenTexts_.push_back(text);
    return text;
}

std::optional<std::string> SimState::claim(const std::string& token, const std::string& accessBase)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = tokens_.find(token);
    if (it == tokens_.end() || it->second) {
        ++claimRefusals_;
        return std::nullopt;
    }
    it->second = true;
    ++claims_;
    Credential c{"sfuser" + randomHex(6), "sfpass" + randomHex(12), false};
    credentials_.push_back(c);
    return "https://" + c.user + ":" + c.password + "@" + accessBase;
}

SimReply SimState::accounts(const std::string& authorization, const SimQuery& query)
{
    std::lock_guard<std::mutex> lock(mutex_);
    SimReply reply;
    const std::string forbidden =
        "<!DOCTYPE html><html><head><title>Forbidden - SimpleFIN Bridge</title></head><body>"
        "<h1>Forbidden</h1><p>Access denied</p></body></html>";
    bool known = false;
    for (const Credential& c : credentials_)
        known =
            known || (!c.revoked && authorization == "Basic " + base64(c.user + ":" + c.password));
    if (!known) {
        ++authFailures_;
        return {403, "text/html; charset=utf-8", forbidden};
    }
    if (day() != countDay_) {
        countDay_ = day();
        requestsToday_ = 0;
    }
    ++requestsToday_;
    ++accountRequests_;
    lastQuery_ = query.text;
    // The Bridge disables a token that asks too often (developer guide, quoted in #39).
    if (requestsToday_ > kBlockAt) {
        for (Credential& c : credentials_)
            c.revoked = true;
        return {403, "text/html; charset=utf-8", forbidden};
    }
    std::vector<std::string> warnings;
    if (requestsToday_ > kWarnAt)  // wording unconfirmed: the real text is not public
        warnings.push_back("You have made " + std::to_string(requestsToday_) +
                           " requests today; more than " + std::to_string(kBlockAt) +
                           " disables this access token.");
    if (fault_ == "402")
        return {402, "application/json", R"({"errors":["Payment required."],"accounts":[]})"};
    if (fault_ == "html")
        return {200, "text/html", "<html><body>Maintenance</body></html>"};
    if (fault_ == "500")
        return {500, "text/plain", "Internal Server Error"};
    SimQuery shape = query;
    shape.version2 = query.version2 && fault_ != "v1";
    reply.body = body(shape, warnings);
    if (fault_ == "truncated")
        reply.body.resize(reply.body.size() / 2);
    return reply;
}

std::string SimState::transactionsJson(const SimAccount& account, const SimQuery& query) const
{
    std::vector<const SimTransaction*> listed;
    for (const SimTransaction& t : transactions_) {
        if (t.accountId != account.id)
            continue;
        // pending=1 adds the pending ones whatever their dates (the real Bridge's filtering of
        // pending entries by start-date is UNCONFIRMED).
        const bool wanted = t.pending ? query.pending
                                      : (!query.startDate || t.posted >= *query.startDate) &&
                                            (!query.endDate || t.posted < *query.endDate);
        if (wanted)
            listed.push_back(&t);
    }
    // protocol: "ordered by posted".
    std::stable_sort(
        listed.begin(), listed.end(),
        [](const SimTransaction* a, const SimTransaction* b) { return a->posted < b->posted; });
    std::string out;
    for (const SimTransaction* t : listed) {
        out +=
            std::string(out.empty() ? "" : ",") + "{\"id\":" + jsonString(t->id) +
            ",\"posted\":" + std::to_string(t->posted) + ",\"amount\":" + jsonString(t->amount) +
            ",\"description\":" + jsonString(t->description) +
            (t->payee.empty() ? "" : ",\"payee\":" + jsonString(t->payee)) +
            (t->memo.empty() ? "" : ",\"memo\":" + jsonString(t->memo)) +
            (t->transactedAt == 0 ? "" : ",\"transacted_at\":" + std::to_string(t->transactedAt)) +
            (t->pending ? ",\"pending\":true" : "") + "}";
    }
    return "[" + out + "]";
}

std::string SimState::body(const SimQuery& query, const std::vector<std::string>& warnings) const
{
    const bool version2 = query.version2;
    std::vector<std::string> legacy = warnings;
    std::string errlist;
    for (const SimError& e : errors_) {
        if (!version2) {
            // v1 has only strings; a connection's error names its institution.
            std::string name = "an institution";
            for (const auto& c : connections_)
                if (c.connId == e.connId)
                    name = c.name;
            legacy.push_back("Connection to " + name + " may need attention");
            continue;
        }
        errlist += std::string(errlist.empty() ? "" : ",") + "{\"code\":" + jsonString(e.code) +
                   (e.useMessageKey ? ",\"message\":" : ",\"msg\":") + jsonString(e.msg) +
                   (e.connId.empty() ? "" : ",\"conn_id\":" + jsonString(e.connId)) +
                   (e.accountId.empty() ? "" : ",\"account_id\":" + jsonString(e.accountId)) + "}";
    }
    std::string errors;
    for (const auto& w : legacy)
        errors += std::string(errors.empty() ? "" : ",") + jsonString(w);
    std::string accounts;
    for (const SimAccount& a : accounts_) {
        const bool dropped =
            version2 && std::any_of(errors_.begin(), errors_.end(), [&](const SimError& e) {
                return e.dropAccounts && e.connId == a.connId;
            });
        if (dropped)
            continue;
        const SimConnection* conn = nullptr;
        for (const auto& c : connections_)
            if (c.connId == a.connId)
                conn = &c;
        std::string item =
            "{\"id\":" + jsonString(a.id) + ",\"name\":" + jsonString(a.name) +
            ",\"currency\":" + jsonString(a.currency) + ",\"balance\":" + jsonString(a.balance) +
            (a.available ? ",\"available-balance\":" + jsonString(*a.available) : "") +
            ",\"balance-date\":" + std::to_string(a.balanceDate) +
            (query.balancesOnly ? "" : ",\"transactions\":" + transactionsJson(a, query)) +
            ",\"holdings\":[]";
        if (version2)
            item += ",\"conn_id\":" + jsonString(a.connId);
        else if (conn)
            item += ",\"org\":{\"domain\":" + jsonString(conn->domain) +
                    ",\"name\":" + jsonString(conn->name) +
                    ",\"sfin-url\":\"https://beta-bridge.simplefin.org/"
                    "simplefin\"}";
        accounts += std::string(accounts.empty() ? "" : ",") + item + "}";
    }
    std::string out = "{\"errors\":[" + errors + "]";
    if (version2) {
        std::string connections;
        for (const auto& c : connections_)
            connections +=
                std::string(connections.empty() ? "" : ",") +
                "{\"conn_id\":" + jsonString(c.connId) + ",\"name\":" + jsonString(c.name) +
                ",\"org_id\":" + jsonString(c.orgId) + ",\"org_url\":\"https://" + c.domain +
                "\",\"sfin_url\":\"https://beta-bridge.simplefin.org/simplefin\"}";
        out += ",\"errlist\":[" + errlist + "],\"connections\":[" + connections + "]";
    }
    return out + ",\"accounts\":[" + accounts + "]}";
}

bool SimState::setBalance(const std::string& key, const std::string& balance,
                          const std::optional<std::string>& available)
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (SimAccount& a : accounts_) {
        if (a.key == key || a.id == key) {
            a.balance = balance;
            a.available = available;
            a.balanceDate = now();
            return true;
        }
    }
    return false;
}

void SimState::addError(SimError error)
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (const SimAccount& a : accounts_)
        if (a.key == error.accountId)
            error.accountId = a.id;
    errors_.push_back(std::move(error));
}

void SimState::clearErrors()
{
    std::lock_guard<std::mutex> lock(mutex_);
    errors_.clear();
}

void SimState::revokeAll()
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (Credential& c : credentials_)
        c.revoked = true;
}

void SimState::setFault(const std::string& fault)
{
    std::lock_guard<std::mutex> lock(mutex_);
    fault_ = fault;
}

std::string SimState::addTransaction(const std::string& key, SimTransaction t)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const auto account = std::find_if(accounts_.begin(), accounts_.end(), [&](const SimAccount& a) {
        return a.key == key || a.id == key;
    });
    if (account == accounts_.end())
        return {};
    t.accountId = account->id;
    if (t.id.empty())
        t.id = "TRN-" + randomHex(8);
    if (t.posted == 0 && !t.pending)
        t.posted = now();
    if (t.transactedAt == 0 && t.pending)
        t.transactedAt = now();
    transactions_.push_back(t);
    return t.id;
}

std::string SimState::postTransaction(const std::string& id, bool newId)
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (SimTransaction& t : transactions_) {
        if (t.id != id || !t.pending)
            continue;
        t.pending = false;
        t.posted = now();
        if (newId)
            t.id = "TRN-" + randomHex(8);
        return t.id;
    }
    return {};
}

void SimState::setRequestsToday(int n)
{
    std::lock_guard<std::mutex> lock(mutex_);
    countDay_ = day();
    requestsToday_ = n;
}

void SimState::advanceClock(long long seconds)
{
    std::lock_guard<std::mutex> lock(mutex_);
    clockOffset_ += seconds;
}

std::string SimState::countersJson() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    const int today = day() == countDay_ ? requestsToday_ : 0;
    return "{\"accounts_requests\":" + std::to_string(accountRequests_) +
           ",\"requests_today\":" + std::to_string(today) +
           ",\"claims\":" + std::to_string(claims_) +
           ",\"claim_refusals\":" + std::to_string(claimRefusals_) +
           ",\"auth_failures\":" + std::to_string(authFailures_) +
           ",\"last_query\":" + jsonString(lastQuery_) + "}";
}

std::string SimState::secretsJson() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string list;
    auto add = [&](const std::string& s) {
        list += std::string(list.empty() ? "" : ",") + jsonString(s);
    };
    for (const auto& t : tokenTexts_)
        add(t);
    for (const auto& [token, claimed] : tokens_)
        add(token);
    for (const auto& c : credentials_) {
        add(c.user);
        add(c.password);
    }
    return "{\"secrets\":[" + list + "]}";
}

std::vector<SimAccount> SimState::accountsSnapshot() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return accounts_;
}

}  // namespace bank2mqtt::sfsim
