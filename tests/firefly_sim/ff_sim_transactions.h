// SPDX-License-Identifier: MIT
// The Firefly III simulator's transactions: the groups added over the control port and
// /api/v1/accounts/{id}/transactions as Firefly III 6.x pages them. Not thread-safe: FfBank
// calls it under its own mutex.
#pragma once

#include "ff_sim_bank.h"

#include <map>
#include <string>
#include <vector>

namespace bank2mqtt::ffsim {

/// One split (a journal) as TransactionGroupTransformer writes it.
struct FfSplit {
    int journalId = 0;
    std::string type;         ///< withdrawal, deposit, transfer
    std::string date;         ///< ATOM, "2026-12-02T00:00:00+01:00"
    std::string amount;       ///< positive, 12 decimals: "49.000000000000"
    std::string currency;     ///< currency_code
    int places = 2;           ///< currency_decimal_places
    std::string description;  ///< the bank's text
    int sourceId = 0;
    std::string sourceName;
    std::string sourceIban;  ///< "" = null
    std::string sourceType;
    int destinationId = 0;
    std::string destinationName;
    std::string destinationIban;
    std::string destinationType;
};

struct FfGroup {
    int id = 0;
    std::vector<FfSplit> splits;
};

class FfTransactionBook {
public:
    /// POST /transactions: adds a split (a new group, or to `group`) from the control query;
    /// the reply names the ids, or says what is wrong (400).
    FfResponse add(const std::map<std::string, std::string>& query,
                   const std::vector<FfAccount>& accounts);
    /// DELETE /transactions.
    void clear() { groups_.clear(); }
    /// Largest page whatever `limit` asks (0: none), so paging shows with few transactions.
    void setPageCap(int cap) { pageCap_ = cap; }

    /// GET /api/v1/accounts/<accountId>/transactions: start/end (both or neither, start before
    /// end, else 422), limit/page, newest first; 404 for an account that does not exist.
    FfResponse list(int accountId, const std::map<std::string, std::string>& query,
                    const std::vector<FfAccount>& accounts, const std::string& base,
                    int defaultPageSize) const;

private:
    std::vector<FfGroup> groups_;
    int nextGroupId_ = 500;
    int nextJournalId_ = 1000;
    int nextCounterpartId_ = 900;
    int pageCap_ = 0;
};

}  // namespace bank2mqtt::ffsim
