// SPDX-License-Identifier: MIT
// Firefly III's transactions of one account: page requests and reply parsing, pure.
//
// The API as read from Firefly III's code (v6.0.0 .. v6.6.6; sources in README.md,
// "Transactions"):
//   GET <url>/api/v1/accounts/<id>/transactions?start=YYYY-MM-DD&end=YYYY-MM-DD&limit=<n>&page=<p>
//       (Account/ListController::transactions; start and end both or neither, start before
//       end: DateRangeRequest; limit/page as for accounts: PaginationRequest)
//   200 JSON:API: {"data":[{"type":"transactions","id":"<group id>","attributes":{
//       "group_title", "transactions":[<split>...]}}], "meta":{"pagination":{...}}}
//       paged by transaction GROUP (GroupCollector), newest first.
//   split (TransactionGroupTransformer::transformTransaction): transaction_journal_id (string),
//       type ("withdrawal", "deposit", "transfer", "opening balance", "reconciliation"),
//       date (ATOM, in Firefly III's time zone: "2026-12-02T00:00:00+01:00"),
//       amount (POSITIVE, the raw bcmath string "49.000000000000"), currency_code,
//       currency_decimal_places, foreign_amount/foreign_currency_code (another currency),
//       description, source_id, destination_id (strings), source_/destination_ name, iban, type.
//   Never used: source_iban, destination_iban, *_name, notes, tags (the counterpart's details),
//       foreign_amount, pc_amount (another currency's view).
#pragma once

#include "firefly_api.h"

#include "bank2mqtt/capabilities.h"

#include <functional>
#include <string>
#include <vector>

namespace bank2mqtt::firefly {

/// What the transactions of an account are read and checked against, kept from the last fetch().
struct FeedAccount {
    std::string id;            ///< Firefly III's account id
    std::string currencyCode;  ///< currency_code as the account list sent it
    Money unit;                ///< the balance's currency and decimals (minor unused)
    std::string fingerprint;   ///< Account::fingerprint
    std::string name;          ///< Account::name (publishable), for messages
};

/// <base>/api/v1/accounts/<id>/transactions?start=<start>&end=<end>&limit=kPageLimit&page=<page>
std::string transactionsPageUrl(const std::string& baseUrl, const std::string& accountId,
                                const std::string& start, const std::string& end, int page);

/// GET transactionsPageUrl with the bearer token and the JSON:API Accept header.
HttpRequest transactionsPageRequest(const std::string& baseUrl, const std::string& token,
                                    const std::string& accountId, const std::string& start,
                                    const std::string& end, int page,
                                    std::chrono::milliseconds timeout);

/// The day after the later of `since` and `today` (both "YYYY-MM-DD"): Firefly III wants `end`
/// after `start`, and a booking dated today in a time zone ahead of UTC must be inside.
/// "" when `since` is not a date.
std::string transactionsEnd(const std::string& since, const std::string& today);

/// One page's reply, classified.
struct TransactionsPage {
    /// Ok when the page was read; otherwise the failure of the request (as for the accounts).
    FetchResult outcome;
    /// Ok, but a split could not be read (an amount not exact in the account's decimals, a date
    /// that is none): why, as a phrase. The account's list is then unusable as a whole.
    std::string problem;
    std::vector<Transaction> transactions;  ///< the splits touching the account, signed
    Pagination pagination;
    bool notFound = false;  ///< a 404: the account is gone (deleted since the account list)
    int skipped = 0;        ///< splits left out: another currency, or not a movement of money

    bool ok() const { return outcome.status == FetchStatus::Ok; }
};

/// Classifies a reply to transactionsPageRequest (failures as parseAccountsPage) and reads
/// the splits that touch `account`: negative where it is the source, positive where it is the
/// destination, in its currency only.
TransactionsPage parseTransactionsPage(const HttpResponse& response, const ReplyContext& context,
                                       const FeedAccount& account);

}  // namespace bank2mqtt::firefly
