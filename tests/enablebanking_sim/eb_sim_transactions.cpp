// SPDX-License-Identifier: MIT
// The simulator's transaction listings: entries per account, paging by continuation_key, and
// the control side that adds and books entries.
#include "eb_sim_http.h"
#include "eb_sim_state.h"

#include <algorithm>

namespace bank2mqtt::ebsim {

namespace {

constexpr std::size_t kMaxContinuations = 10000;

bool isPending(const EbTransaction& t)
{
    return t.status != "BOOK";
}

// Booked entries are filtered by their booking date; pending ones have none and are always
// listed (as banks list reservations whatever the period).
bool listed(const EbTransaction& t, const TransactionQuery& q)
{
    if (!q.status.empty() && t.status != q.status)
        return false;
    if (isPending(t))
        return true;
    return (q.dateFrom.empty() || t.bookingDate >= q.dateFrom) &&
           (q.dateTo.empty() || t.bookingDate <= q.dateTo);
}

std::string partyJson(const std::string& name)
{
    return name.empty() ? "null" : "{\"name\":" + jsonString(name) + "}";
}

std::string accountJson(const std::string& iban)
{
    return iban.empty() ? "null" : "{\"iban\":" + jsonString(iban) + "}";
}

std::string orNull(const std::string& text)
{
    return text.empty() ? "null" : jsonString(text);
}

}  // namespace

std::string transactionJson(const EbTransaction& t, const std::string& currency)
{
    std::string remittance;
    for (const std::string& line : t.remittance)
        remittance += (remittance.empty() ? "" : ",") + jsonString(line);
    return "{\"entry_reference\":" + orNull(t.entryReference) +
           ",\"merchant_category_code\":null,\"transaction_amount\":{\"currency\":" +
           jsonString(t.currency.empty() ? currency : t.currency) +
           ",\"amount\":" + jsonString(t.amount) + "},\"creditor\":" + partyJson(t.creditorName) +
           ",\"creditor_account\":" + accountJson(t.creditorIban) +
           ",\"debtor\":" + partyJson(t.debtorName) +
           ",\"debtor_account\":" + accountJson(t.debtorIban) +
           ",\"bank_transaction_code\":null,\"credit_debit_indicator\":" + jsonString(t.indicator) +
           ",\"status\":" + jsonString(t.status) + ",\"booking_date\":" + orNull(t.bookingDate) +
           ",\"value_date\":" + orNull(t.valueDate) +
           ",\"transaction_date\":" + orNull(t.transactionDate) + ",\"remittance_information\":[" +
           remittance + "],\"transaction_id\":null}";
}

std::map<std::string, std::vector<EbTransaction>> defaultTransactions(long long now)
{
    // Two booked entries a few days old: a first poll has history it must not publish.
    EbTransaction groceries;
    groceries.entryReference = "eb-0001";
    groceries.amount = "89.00";
    groceries.indicator = "DBIT";
    groceries.status = "BOOK";
    groceries.bookingDate = groceries.valueDate = isoDate(now - 3 * 86400);
    groceries.transactionDate = groceries.bookingDate;
    groceries.creditorName = "REMA 1000 MAJORSTUEN";
    EbTransaction allowance;
    allowance.entryReference = "eb-0002";
    allowance.amount = "250.00";
    allowance.indicator = "CRDT";
    allowance.status = "BOOK";
    allowance.bookingDate = allowance.valueDate = isoDate(now - 2 * 86400);
    allowance.debtorName = "Lommepenger fra pappa";
    allowance.debtorIban = "NO8330001234567";
    return {{"lommepenger", {groceries, allowance}}};
}

std::optional<std::string> EbSimState::addTransaction(const std::string& account,
                                                      EbTransaction entry)
{
    const long long current = now();
    std::lock_guard<std::mutex> lock(mutex_);
    const int index = findAccount(account);
    if (index < 0)
        return std::nullopt;
    if (entry.entryReference == "auto")
        entry.entryReference = "eb-" + newUuid().substr(0, 8);
    if (entry.transactionDate.empty())
        entry.transactionDate = isoDate(current);
    if (!isPending(entry) && entry.bookingDate.empty())
        entry.bookingDate = entry.transactionDate;
    if (entry.valueDate.empty() && !isPending(entry))
        entry.valueDate = entry.bookingDate;
    transactions_[accounts_[static_cast<std::size_t>(index)].key].push_back(entry);
    return entry.entryReference;
}

std::optional<std::string> EbSimState::bookTransaction(const std::string& account,
                                                       const std::string& entryReference,
                                                       bool keepReference)
{
    const long long current = now();
    std::lock_guard<std::mutex> lock(mutex_);
    const int index = findAccount(account);
    if (index < 0)
        return std::nullopt;
    for (EbTransaction& t : transactions_[accounts_[static_cast<std::size_t>(index)].key]) {
        if (t.entryReference != entryReference || !isPending(t))
            continue;
        t.status = "BOOK";
        t.bookingDate = t.valueDate = isoDate(current);
        if (!keepReference)
            t.entryReference = "eb-" + newUuid().substr(0, 8);
        return t.entryReference;
    }
    return std::nullopt;
}

void EbSimState::setTransactionPageSize(int entries)
{
    std::lock_guard<std::mutex> lock(mutex_);
    pageSize_ = static_cast<std::size_t>(std::clamp(entries, 1, 1000));
}

Outcome EbSimState::transactionsPage(const std::string& accountKey, const std::string& currency,
                                     const std::string& uid, const TransactionQuery& request)
{
    std::lock_guard<std::mutex> lock(mutex_);
    TransactionQuery query = request;
    std::size_t offset = 0;
    if (!request.continuationKey.empty()) {
        const auto it = continuations_.find(request.continuationKey);
        if (it == continuations_.end() || it->second.uid != uid)
            return {EbError{422, "Wrong continuation key provided", "WRONG_CONTINUATION_KEY", ""},
                    ""};
        query = it->second.query;
        offset = it->second.offset;
        continuations_.erase(it);
    }
    // Newest first, as statements are read.
    std::vector<const EbTransaction*> entries;
    const auto& all = transactions_[accountKey];
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        if (listed(*it, query))
            entries.push_back(&*it);
    }
    std::string items;
    const std::size_t end = std::min(entries.size(), offset + pageSize_);
    for (std::size_t i = offset; i < end; ++i)
        items += (items.empty() ? "" : ",") + transactionJson(*entries[i], currency);
    std::string next = "null";
    if (end < entries.size()) {
        if (continuations_.size() >= kMaxContinuations)
            continuations_.clear();
        const std::string key = newUuid();
        continuations_[key] = Continuation{uid, query, end};
        next = jsonString(key);
    }
    return {std::nullopt, "{\"transactions\":[" + items + "],\"continuation_key\":" + next + "}"};
}

}  // namespace bank2mqtt::ebsim
