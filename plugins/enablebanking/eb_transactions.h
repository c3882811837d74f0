// SPDX-License-Identifier: MIT
// GET /accounts/{uid}/transactions: one page of an account's statement, read into SDK entries.
//
// Reply (OpenAPI HalTransactions, README.md "Transactions" names the sources):
//   {"transactions":[Transaction], "continuation_key":"..."|null}
// continuation_key: "Value to retrieve next page of transactions. Null if there are no more
// pages. Only valid in current session." Transaction: transaction_amount* {currency, amount}
// (a decimal STRING), credit_debit_indicator* CRDT|DBIT, status* BOOK|CNCL|HOLD|OTHR|PDNG|RJCT|
// SCHD, entry_reference (the bank's id, "unique and immutable" for the account), transaction_id
// (for the details call only: "may change if the list of transactions is retrieved again"),
// booking_date / value_date / transaction_date "YYYY-MM-DD", creditor{name}, debtor{name},
// creditor_account / debtor_account (the counterpart's account numbers: never read here),
// remittance_information [strings].
#pragma once

#include "eb_errors.h"

#include "bank2mqtt/capabilities.h"

#include <string>
#include <vector>

namespace bank2mqtt::enablebanking {

struct TransactionsPage {
    EbStatus status;  ///< an unreadable entry makes the whole page Temporary (never a partial list)
    std::vector<Transaction> transactions;  ///< BOOK as booked, PDNG and HOLD as pending
    std::string continuationKey;            ///< "" on the last page
    int otherCurrency = 0;                  ///< entries left out: not in the account's currency
    int otherStatus = 0;                    ///< entries left out: CNCL, RJCT, SCHD, OTHR
    bool ok() const { return status.ok(); }
};

/// Reads one page. `currency` is the account's (its balance's): entries in another currency
/// are left out and counted, amounts are exact minor units of it. Booked entries dated before
/// `since` are left out. Ids are entry_reference as sent (deduplicated per account by
/// clearRepeatedIds, not here).
TransactionsPage parseTransactionsPage(const HttpResponse& response, const std::string& currency,
                                       const std::string& since, const ReplyContext& context);

/// Clears the id of every entry whose id occurs more than once in `transactions`: some banks
/// send a placeholder ("0") as entry_reference of every pending entry (securo #753), and an id
/// the host cannot tell entries apart by is worse than none.
void clearRepeatedIds(std::vector<Transaction>& transactions);

/// The text of one entry: for DBIT the creditor's name, for CRDT the debtor's name, else the
/// remittance lines joined by " ". The counterpart's account numbers (`accountNumbers`, taken
/// from the structured fields) are cut out of the result wherever they appear; control
/// characters become spaces.
std::string transactionText(const std::string& indicator, const std::string& creditorName,
                            const std::string& debtorName,
                            const std::vector<std::string>& remittance,
                            const std::vector<std::string>& accountNumbers);

/// Whether `date` is "YYYY-MM-DD" (digits and dashes in place).
bool isIsoDate(const std::string& date);

}  // namespace bank2mqtt::enablebanking
