// SPDX-License-Identifier: MIT
// EnableBankingSource as a TransactionFeed: one paged listing per account of the last poll.
#include "eb_source.h"

#include <exception>

namespace bank2mqtt::enablebanking {
namespace {

TransactionsResult failedWith(const FetchResult& failure)
{
    return TransactionsResult::failure(failure.status, failure.message, failure.retryAfter);
}

EbStatus accountProblem(std::string message)
{
    EbStatus status;
    status.outcome = EbOutcome::AccountError;
    status.message = std::move(message);
    return status;
}

}  // namespace

TransactionsResult EnableBankingSource::fetchTransactions(const std::string& since) noexcept
{
    try {
        if (!configured_)
            return TransactionsResult::failure(FetchStatus::ConfigError,
                                               "the source is not configured");
        if (!isIsoDate(since))
            return TransactionsResult::failure(FetchStatus::Temporary,
                                               "transactions were asked for since a date that "
                                               "is not YYYY-MM-DD");
        FetchResult failure;
        const std::optional<StoredSession> session = loadSession(failure);
        if (!session)
            return failedWith(failure);
        // The uids are the last poll's; after a renewal they belong to an ended session and
        // would answer 401 EXPIRED_SESSION, which is not what happened.
        if (fetchedSessionRef_.empty() || fetchedSessionRef_ != session->sessionRef)
            return TransactionsResult::failure(FetchStatus::Temporary,
                                               "the transactions are read after the next poll of "
                                               "the balances");
        return readTransactions(*session, since);
    } catch (const std::exception&) {
        return TransactionsResult::failure(
            FetchStatus::Temporary, "the enablebanking plugin hit an unexpected internal error");
    }
}

// As readBalances: a failure of the consent or the service ends the call at once (the next
// accounts would fail alike and spend the bank's budget); one account's refusal or a listing
// that will not end leaves that account out, named in the message.
TransactionsResult EnableBankingSource::readTransactions(const StoredSession& session,
                                                         const std::string& since)
{
    std::vector<AccountTransactions> accounts;
    std::string message;
    for (const FetchedAccount& account : fetched_) {
        AccountTransactions listed;
        listed.fingerprint = account.fingerprint;
        const EbStatus status = listTransactions(session, account, since, listed.transactions);
        if (status.outcome == EbOutcome::AccountError) {
            message += (message.empty() ? "" : "; ") + account.label + ": " + status.message;
            continue;
        }
        if (!status.ok()) {
            if (status.outcome == EbOutcome::KeyRejected)
                jwt_->invalidate();
            return TransactionsResult::failure(toFetchStatus(status.outcome),
                                               namingSource(status.message), status.retryAfter);
        }
        clearRepeatedIds(listed.transactions);
        accounts.push_back(std::move(listed));
    }
    if (accounts.empty() && !fetched_.empty())
        return TransactionsResult::failure(FetchStatus::Temporary, message);
    TransactionsResult result = TransactionsResult::ok(std::move(accounts));
    result.message = message;
    return result;
}

// Follows continuation_key to the end. Every page must read: a failed page fails the account
// (a list with a hole would publish some entries now and the rest as "new" later).
EbStatus EnableBankingSource::listTransactions(const StoredSession& session,
                                               const FetchedAccount& account,
                                               const std::string& since,
                                               std::vector<Transaction>& out)
{
    std::string key;
    int otherCurrency = 0;
    for (int page = 0; page < kMaxTransactionPages; ++page) {
        std::string error;
        const std::optional<std::string> jwt = token(error);
        if (!jwt) {
            EbStatus status;
            status.message = error;  // Temporary
            return status;
        }
        const HttpResponse response =
            send(transactionsRequest(endpoint_, *jwt, account.uid, since, key),
                 "the transactions of an account");
        ReplyContext context = replyContext(&session);
        context.secrets.push_back(key);
        TransactionsPage read = parseTransactionsPage(response, account.currency, since, context);
        if (!read.ok())
            return read.status;
        otherCurrency += read.otherCurrency;
        for (Transaction& transaction : read.transactions)
            out.push_back(std::move(transaction));
        if (read.continuationKey.empty()) {
            // A count only: never an amount, a text or which account.
            if (otherCurrency > 0)
                log_.debug("left out " + std::to_string(otherCurrency) +
                           " transaction(s) in another currency than their account's");
            return read.status;
        }
        key = std::move(read.continuationKey);
    }
    out.clear();
    return accountProblem("the bank kept sending more pages of transactions after " +
                          std::to_string(kMaxTransactionPages) + "; they are read again later");
}

}  // namespace bank2mqtt::enablebanking
