// SPDX-License-Identifier: MIT
// The simulator's mutable state, guarded by one mutex.
#include "sim_state.h"

#include <Poco/Base64Encoder.h>
#include <Poco/RandomStream.h>

#include <algorithm>
#include <sstream>

namespace bank2mqtt::sim {

namespace {

const std::vector<std::pair<FaultMode, std::string>>& faultModeNames()
{
    static const std::vector<std::pair<FaultMode, std::string>> names = {
        {FaultMode::None, "none"},
        {FaultMode::Http503, "503"},
        {FaultMode::Http401, "401"},
        {FaultMode::Http429, "429"},
        {FaultMode::Html, "html"},
        {FaultMode::Truncated, "truncated"},
        {FaultMode::Slow, "slow"},
        {FaultMode::IsError, "iserror"},
        {FaultMode::Empty, "empty"},
        {FaultMode::InvalidClient, "invalid_client"},
        {FaultMode::Drip, "drip"},
        {FaultMode::Echo, "echo"},
        {FaultMode::TemporarilyUnavailable, "temporarily_unavailable"},
        {FaultMode::Firewall403, "firewall403"},
    };
    return names;
}

std::string randomToken()
{
    char bytes[32];
    Poco::RandomInputStream random;
    random.read(bytes, sizeof bytes);
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(bytes, sizeof bytes);
    encoder.close();
    return out.str();
}

}  // namespace

std::optional<FaultMode> parseFaultMode(const std::string& name)
{
    for (const auto& [mode, modeName] : faultModeNames()) {
        if (modeName == name) {
            return mode;
        }
    }
    return std::nullopt;
}

std::string faultModeName(FaultMode mode)
{
    for (const auto& [candidate, name] : faultModeNames()) {
        if (candidate == mode) {
            return name;
        }
    }
    return "none";
}

SimState::SimState(std::vector<SimAccount> accounts, std::chrono::seconds tokenLifetime)
    : accounts_(std::move(accounts)), tokenLifetime_(tokenLifetime)
{
}

std::string SimState::issueToken()
{
    std::string token = randomToken();
    const auto now = SteadyClock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    // Forget expired tokens so that a long demo run does not grow without bound; an unknown
    // token and an expired one get the same 401.
    for (auto it = tokens_.begin(); it != tokens_.end();) {
        it = it->second <= now ? tokens_.erase(it) : std::next(it);
    }
    tokens_[token] = now + tokenLifetime_;
    if (issued_.size() >= kMaxIssuedTokens) {
        issued_.erase(issued_.begin());
    }
    issued_.push_back(token);
    ++counters_.tokensIssued;
    countersChanged_.notify_all();
    return token;
}

bool SimState::tokenValid(const std::string& token) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = tokens_.find(token);
    return it != tokens_.end() && SteadyClock::now() < it->second;
}

void SimState::expireTokens()
{
    const auto now = SteadyClock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : tokens_) {
        entry.second = now;
    }
}

std::vector<std::string> SimState::issuedTokens() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return issued_;
}

void SimState::countTokenRequest()
{
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.tokenRequests;
    countersChanged_.notify_all();
}

void SimState::countAccountRequest()
{
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.accountRequests;
    countersChanged_.notify_all();
}

void SimState::countTransactionRequest()
{
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.transactionRequests;
    countersChanged_.notify_all();
}

void SimState::countTlsConnection()
{
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.tlsConnections;
    countersChanged_.notify_all();
}

void SimState::countTlsHandshake(bool resumed)
{
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.tlsHandshakes;
    if (resumed) {
        ++counters_.tlsResumed;
    }
    countersChanged_.notify_all();
}

SimCounters SimState::counters() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return counters_;
}

void SimState::resetCounters()
{
    std::lock_guard<std::mutex> lock(mutex_);
    counters_ = SimCounters{};
    countersChanged_.notify_all();
}

bool SimState::waitForCounters(const std::function<bool(const SimCounters&)>& predicate,
                               std::chrono::milliseconds timeout) const
{
    std::unique_lock<std::mutex> lock(mutex_);
    return countersChanged_.wait_for(lock, timeout, [&] { return predicate(counters_); });
}

void SimState::setFault(const Fault& fault)
{
    std::lock_guard<std::mutex> lock(mutex_);
    fault_ = fault;
}

Fault SimState::fault() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return fault_;
}

std::optional<Fault> SimState::takeFault(FaultTarget target)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (fault_.mode == FaultMode::None || fault_.target != target) {
        return std::nullopt;
    }
    const Fault taken = fault_;
    if (fault_.remaining > 0 && --fault_.remaining == 0) {
        fault_ = Fault{};
    }
    return taken;
}

std::vector<SimAccount> SimState::accounts() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return accounts_;
}

bool SimState::setBalance(const std::string& key, MinorUnits balance,
                          std::optional<MinorUnits> available)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const int index = findAccount(accounts_, key);
    if (index < 0) {
        return false;
    }
    SimAccount& account = accounts_[static_cast<std::size_t>(index)];
    account.balance = balance;
    account.available = available ? *available : balance + account.creditLimit;
    return true;
}

bool SimState::rename(const std::string& key, const std::string& name)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const int index = findAccount(accounts_, key);
    if (index < 0) {
        return false;
    }
    accounts_[static_cast<std::size_t>(index)].name = name;
    return true;
}

std::optional<std::string> SimState::addTransaction(const std::string& key,
                                                    SimTransaction transaction)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const int index = findAccount(accounts_, key);
    if (index < 0) {
        return std::nullopt;
    }
    transaction.id = "tx-" + std::to_string(++lastTransactionId_);
    transaction.accountId = accounts_[static_cast<std::size_t>(index)].accountId;
    transactions_.push_back(transaction);
    return transaction.id;
}

std::optional<std::string> SimState::bookTransaction(const std::string& id, const std::string& date,
                                                     const std::string& text)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = std::find_if(transactions_.begin(), transactions_.end(),
                                 [&](const SimTransaction& t) { return t.id == id && t.pending; });
    if (it == transactions_.end()) {
        return std::nullopt;
    }
    SimTransaction booked = *it;
    transactions_.erase(it);
    booked.id = "tx-" + std::to_string(++lastTransactionId_);
    booked.pending = false;
    booked.date = date.empty() ? booked.date : date;
    booked.text = text.empty() ? booked.text : text;
    transactions_.push_back(booked);
    return booked.id;
}

std::vector<SimTransaction> SimState::transactions(const std::string& accountId) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<SimTransaction> result;
    for (const SimTransaction& t : transactions_) {
        if (t.accountId == accountId) {
            result.push_back(t);
        }
    }
    return result;
}

bool SimState::delayUnlessShuttingDown(long ms)
{
    return !shutdown_.tryWait(ms);
}

}  // namespace bank2mqtt::sim
