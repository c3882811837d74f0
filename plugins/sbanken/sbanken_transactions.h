// SPDX-License-Identifier: MIT
// Sbanken's statement: the Transactions request and its reply read into the SDK's Transaction.
//
// The API (sources in README.md, "Transactions"):
//   GET <api>/transactions/{accountId}?startDate=YYYY-MM-DD&index=I&length=N, v1 (customerId
//   header, envelope with isError...) and v2 alike; length 1-1000 (default 100), index from 0;
//   reply {"availableItems":n,"items":[...]}. No endDate is sent: reserved entries came back
//   only without one, and v1 answered 500 to endDate = today.
//   Entry {"accountingDate":"2026-12-02T00:00:00","interestDate":...,"otherAccountNumber":
//   "<11 digits>","otherAccountNumberSpecified":true,"amount":-49.90,"text":"...",
//   "transactionType*":...,"isReservation":false,"reservationType":...,"source":0,
//   "cardDetailsSpecified":true,"cardDetails":{"merchantName":"...",...},...}
//   An entry has no id of its own (cardDetails.transactionId exists for card purchases only and
//   is not known to survive booking), so Transaction::id stays empty and the host tells entries
//   apart by date, amount and text.
#pragma once

#include "sbanken_api.h"

#include "bank2mqtt/capabilities.h"

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::sbanken {

/// Entries asked for per request: the API's maximum, so that a week fits one request.
inline constexpr int kTransactionPageLength = 1000;
/// Requests per account and call at most; a bank that keeps sending pages past it is Temporary.
inline constexpr int kMaxTransactionPages = 20;

/// GET <apiUrl>/transactions/{accountId}?startDate=<since>&index=<index>&length=<length>.
HttpRequest transactionsRequest(const Endpoint& endpoint, const std::string& accessToken,
                                std::string_view accountId, const std::string& since, int index,
                                int length = kTransactionPageLength);

/// One page of an account's statement. `outcome.status` is Ok when `transactions` is valid;
/// `unauthorized` (401) lets the caller renew the token and retry once.
struct TransactionsPage {
    FetchResult outcome;
    std::vector<Transaction> transactions;
    std::size_t availableItems = 0;  ///< entries in the whole window, over all pages
    bool unauthorized = false;

    bool ok() const { return outcome.status == FetchStatus::Ok; }
};

/// Classifies a reply to transactionsRequest(); any entry it cannot read fails the whole page.
/// `hidden` are numbers that must not appear in a text (see readTransaction()).
TransactionsPage parseTransactionsPage(const HttpResponse& response, const ReplyContext& context,
                                       const std::vector<std::string>& hidden);

/// Reads one entry: amount exact in øre (NOK, like the balances), date from accountingDate
/// (interestDate for a reservation without one), pending = isReservation, text =
/// cardDetails.merchantName when there is one, else `text`. otherAccountNumber is never read
/// into the text, and where the bank's own text holds it, or any of `hidden` (the login's
/// account numbers, its customer id), with or without separators, that is masked
/// ("*******3219"). False with `whyNot` (naming no amount, text or number) when unusable.
bool readTransaction(const Poco::JSON::Object::Ptr& object, const std::vector<std::string>& hidden,
                     Transaction& out, std::string& whyNot);

/// `text` with every run of digits and separators (". -") whose digits are those of one of
/// `numbers` (5 digits or more) replaced by maskAccountNumber of it.
std::string maskNumbersIn(const std::string& text, const std::vector<std::string>& numbers);

/// True for a "YYYY-MM-DD" date (digits in place; the bank is trusted for the calendar).
bool isIsoDate(std::string_view text);

}  // namespace bank2mqtt::sbanken
