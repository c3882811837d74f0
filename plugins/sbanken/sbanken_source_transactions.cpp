// SPDX-License-Identifier: MIT
// SbankenSource as a TransactionFeed: every account of the last Ok fetch(), page by page.
#include "sbanken_source.h"

#include <exception>

namespace bank2mqtt::sbanken {

TransactionsResult SbankenSource::fetchTransactions(const std::string& since) noexcept
{
    try {
        if (!configured_ || !transactionsEnabled_)
            return TransactionsResult::failure(FetchStatus::ConfigError,
                                               "transactions are not enabled for this source");
        if (!isIsoDate(since))
            return TransactionsResult::failure(FetchStatus::Temporary,
                                               "transactions were asked for from a date that is "
                                               "not YYYY-MM-DD");
        std::vector<AccountTransactions> accounts;
        std::string leftOut;
        for (const std::string& fingerprint : lastFetched_) {
            const auto id = idsByFingerprint_.find(fingerprint);
            if (id == idsByFingerprint_.end())
                continue;  // cannot happen after an Ok fetch(); the host asks again next time
            TransactionsPage page = readStatement(id->second, since);
            if (page.ok()) {
                accounts.push_back({fingerprint, std::move(page.transactions)});
                continue;
            }
            // A login or rate problem stops every account alike; anything else only this one.
            if (page.outcome.status != FetchStatus::Temporary || lastFetched_.size() == 1)
                return TransactionsResult::failure(page.outcome.status, page.outcome.message,
                                                   page.outcome.retryAfter);
            leftOut = page.outcome.message;
        }
        if (accounts.empty() && !leftOut.empty())
            return TransactionsResult::failure(FetchStatus::Temporary, leftOut);
        TransactionsResult result = TransactionsResult::ok(std::move(accounts));
        if (!leftOut.empty())
            result.message = "the transactions of some accounts could not be read: " + leftOut;
        return result;
    } catch (const std::exception&) {
        return TransactionsResult::failure(FetchStatus::Temporary,
                                           "the sbanken plugin hit an unexpected internal error");
    }
}

TransactionsPage SbankenSource::readStatement(const std::string& accountId,
                                              const std::string& since)
{
    TransactionsPage statement;
    for (int page = 0; page < kMaxTransactionPages; ++page) {
        const int index = static_cast<int>(statement.transactions.size());
        TransactionsPage reply = withToken<TransactionsPage>(
            [&](const std::string& token) {
                return transactionsRequest(endpoint_, token, accountId, since, index);
            },
            [&](const HttpResponse& response) {
                return parseTransactionsPage(response, replyContext(), hiddenNumbers());
            });
        if (!reply.ok())
            return reply;
        statement.transactions.insert(statement.transactions.end(), reply.transactions.begin(),
                                      reply.transactions.end());
        // An empty page ends it too: a count that overstates must not loop to the bound.
        if (reply.transactions.empty() || statement.transactions.size() >= reply.availableItems) {
            statement.outcome = reply.outcome;
            return statement;
        }
    }
    statement.transactions.clear();
    statement.outcome = FetchResult::failure(
        FetchStatus::Temporary, "the bank kept sending more pages of transactions than " +
                                    std::to_string(kMaxTransactionPages) +
                                    " requests may read; trying again later");
    return statement;
}

}  // namespace bank2mqtt::sbanken
