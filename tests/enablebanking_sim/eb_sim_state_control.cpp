// SPDX-License-Identifier: MIT
// The simulator state's control side: faults, balances, counters and reports as JSON.
#include "eb_sim_state.h"

#include "eb_sim_http.h"

namespace bank2mqtt::ebsim {

namespace {

const char* endpointName(int endpoint)
{
    switch (static_cast<DataEndpoint>(endpoint)) {
    case DataEndpoint::Details:
        return "details";
    case DataEndpoint::Balances:
        return "balances";
    case DataEndpoint::Transactions:
        return "transactions";
    }
    return "?";
}

std::string faultJson(const Fault& fault)
{
    return "{\"mode\":" + jsonString(faultModeName(fault.mode)) +
           ",\"endpoint\":" + jsonString(fault.endpoint) +
           ",\"account\":" + jsonString(fault.account) +
           ",\"count\":" + std::to_string(fault.remaining) +
           ",\"delay_ms\":" + std::to_string(fault.delayMs) +
           ",\"status\":" + std::to_string(fault.status) + "}";
}

}  // namespace

void EbSimState::addFault(const Fault& fault)
{
    std::lock_guard<std::mutex> lock(mutex_);
    faults_.push_back(fault);
}

void EbSimState::clearFaults()
{
    std::lock_guard<std::mutex> lock(mutex_);
    faults_.clear();
}

std::optional<Fault> EbSimState::takeFault(const std::string& endpoint,
                                           const std::string& accountKey)
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        const bool endpointMatches = it->endpoint == "any" || it->endpoint == endpoint;
        const bool accountMatches = it->account.empty() || it->account == accountKey;
        if (!endpointMatches || !accountMatches) {
            continue;
        }
        const Fault fault = *it;
        if (it->remaining > 0 && --it->remaining == 0) {
            faults_.erase(it);
        }
        return fault;
    }
    return std::nullopt;
}

int EbSimState::findAccount(const std::string& key) const
{
    for (std::size_t i = 0; i < accounts_.size(); ++i) {
        const EbAccount& a = accounts_[i];
        if (a.key == key || a.iban == key || a.identificationHash == key) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

bool EbSimState::setBalances(const std::string& account, const std::vector<EbBalance>& balances)
{
    const long long current = now();
    std::lock_guard<std::mutex> lock(mutex_);
    const int index = findAccount(account);
    if (index < 0) {
        return false;
    }
    accounts_[static_cast<std::size_t>(index)].balances = balances;
    accounts_[static_cast<std::size_t>(index)].lastChange = current;
    return true;
}

std::string EbSimState::countersJson() const
{
    const long long current = now();
    std::lock_guard<std::mutex> lock(mutex_);
    std::string requests;
    for (const auto& [name, count] : requests_) {
        requests += (requests.empty() ? "" : ",") + jsonString(name) + ":" + std::to_string(count);
    }
    // Per account: calls since the last reset, and calls inside the current 24 h window.
    std::string accounts;
    for (const EbAccount& account : accounts_) {
        std::string entry;
        for (int endpoint = 0; endpoint < 3; ++endpoint) {
            const auto key = std::make_pair(account.key, endpoint);
            const auto total = accountCalls_.find(key);
            int inWindow = 0;
            const auto window = window_.find(key);
            if (window != window_.end()) {
                for (const long long when : window->second) {
                    inWindow += when > current - 86400 ? 1 : 0;
                }
            }
            entry += std::string(entry.empty() ? "" : ",") + "\"" + endpointName(endpoint) +
                     "\":" + std::to_string(total == accountCalls_.end() ? 0 : total->second) +
                     ",\"" + endpointName(endpoint) + "_in_window\":" + std::to_string(inWindow);
        }
        accounts += (accounts.empty() ? "" : ",") + jsonString(account.key) + ":{" + entry + "}";
    }
    const auto transactionRequests = requests_.find("transactions");
    return "{\"requests\":{" + requests + "},\"transaction_requests\":" +
           std::to_string(transactionRequests == requests_.end() ? 0
                                                                 : transactionRequests->second) +
           ",\"accounts\":{" + accounts + "},\"jwts_accepted\":" + std::to_string(jwtsAccepted_) +
           ",\"jwts_rejected\":" + std::to_string(jwtsRejected_) +
           ",\"distinct_jwts\":" + std::to_string(distinctJwts_.size()) +
           ",\"rate_limited\":" + std::to_string(rateLimited_) + "}";
}

std::string EbSimState::accountsJson() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string items;
    for (const EbAccount& a : accounts_) {
        std::string balances;
        for (const EbBalance& b : a.balances) {
            balances +=
                (balances.empty() ? "" : ",") + jsonString(b.type) + ":" + jsonString(b.amount);
        }
        std::string uids;
        for (const auto& [uid, where] : uids_) {
            if (accounts_[where.second].key == a.key) {
                uids += (uids.empty() ? "" : ",") + jsonString(uid);
            }
        }
        items += (items.empty() ? "" : ",") + std::string("{\"key\":") + jsonString(a.key) +
                 ",\"iban\":" + jsonString(a.iban) +
                 ",\"identification_hash\":" + jsonString(a.identificationHash) +
                 ",\"details\":" + jsonString(a.details) +
                 ",\"currency\":" + jsonString(a.currency) + ",\"balances\":{" + balances +
                 "},\"uids\":[" + uids + "]}";
    }
    return "{\"accounts\":[" + items + "]}";
}

std::string EbSimState::sessionsJson() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string items;
    for (const auto& [id, session] : sessions_) {
        items += (items.empty() ? "" : ",") + std::string("{\"session_id\":") + jsonString(id) +
                 ",\"status\":" + jsonString(statusOf(session)) +
                 ",\"valid_until\":" + jsonString(rfc3339(session.request.validUntil)) +
                 ",\"aspsp\":" + jsonString(session.request.aspspName) + "}";
    }
    return "{\"sessions\":[" + items + "]}";
}

std::string EbSimState::faultsJson() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string items;
    for (const Fault& fault : faults_) {
        items += (items.empty() ? "" : ",") + faultJson(fault);
    }
    return "{\"faults\":[" + items + "]}";
}

std::string EbSimState::jwtsJson() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string items;
    for (const std::string& jwt : jwts_) {
        items += (items.empty() ? "" : ",") + jsonString(jwt);
    }
    return "{\"jwts\":[" + items + "]}";
}

void EbSimState::resetCounters()
{
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.clear();
    accountCalls_.clear();
    jwtsAccepted_ = 0;
    jwtsRejected_ = 0;
    rateLimited_ = 0;
    distinctJwts_.clear();
}

bool EbSimState::delayUnlessShuttingDown(long ms)
{
    return !shutdown_.tryWait(ms);
}

}  // namespace bank2mqtt::ebsim
