// SPDX-License-Identifier: MIT
// The simulator's transactions: the entry as the Sbanken API writes it, and the query over them.
//
// Facts reproduced (barskern/sbanken-rs docs/Transaction.md, docs/CardDetails.md and
// docs/TransactionsApi.md; /work/shared/reference/bank-apis.md section 1):
// - GET Transactions/{accountId}?startDate&endDate&index&length, v1 and v2 alike; length 1-1000
//   (default 100), index from 0; the reply is {availableItems, items} (v1 adds its envelope).
// - An entry has accountingDate, interestDate, otherAccountNumber(+Specified), amount (a JSON
//   number), text, transactionType(+Code, +Text), isReservation, reservationType, source,
//   cardDetails(+Specified) and transactionDetail(+Specified). It has no id of its own.
// - Reservations come back only when no endDate is sent; v1 answered 500 to endDate = today.
#pragma once

#include "sim_money.h"

#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::sim {

/// One entry of an account's statement.
struct SimTransaction {
    std::string id;         ///< the simulator's handle ("tx-1"); Sbanken has no such field
    std::string accountId;  ///< SimAccount::accountId of the account it belongs to
    MinorUnits amount = 0;  ///< signed: negative = money out
    std::string text;
    std::string date;  ///< accountingDate, "YYYY-MM-DD"
    bool pending = false;
    std::string otherAccount;  ///< counterpart's 11-digit account number, or empty
    std::string merchant;      ///< card purchase: cardDetails.merchantName, or empty
};

/// The entry as the API writes it, dates as "YYYY-MM-DDT00:00:00", amount as an exact literal.
std::string transactionJson(const SimTransaction& transaction);

/// True for a real calendar date written "YYYY-MM-DD".
bool isIsoDate(const std::string& text);
/// Today in UTC, "YYYY-MM-DD".
std::string todayUtc();
/// `date` ("YYYY-MM-DD") moved by `days`.
std::string addDays(const std::string& date, int days);

/// What one Transactions request asks for, from its query string.
struct TransactionQuery {
    std::string startDate;  ///< "YYYY-MM-DD"; default endDate (or today) - 30 days
    std::optional<std::string> endDate;
    int index = 0;
    int length = 100;
};

/// Parses startDate/endDate (date part of an ISO date-time), index and length; nullopt with
/// `error` set for a value Sbanken refuses (bad date, index < 0, length outside 1-1000).
std::optional<TransactionQuery> parseTransactionQuery(const std::string& query, std::string& error);

/// The entries the query selects, newest first (booked in the window, and every reservation
/// when no endDate was sent); `available` is how many there are before paging.
std::vector<SimTransaction> selectTransactions(const std::vector<SimTransaction>& all,
                                               const TransactionQuery& query,
                                               std::size_t& available);

}  // namespace bank2mqtt::sim
