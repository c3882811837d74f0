// SPDX-License-Identifier: MIT
// SimpleFinSource as a TransactionFeed: the window of the next poll, and the transactions the
// last poll read, handed out without a request of their own (one daily quota for both).
#include "sf_source.h"

#include <algorithm>
#include <exception>

namespace bank2mqtt::simplefin {

std::int64_t SimpleFinSource::windowStart() const
{
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.wallNow().time_since_epoch())
            .count();
    const std::int64_t earliest =
        now - std::chrono::duration_cast<std::chrono::seconds>(kLongestWindow).count();
    std::int64_t start =
        now - std::chrono::duration_cast<std::chrono::seconds>(kFirstWindow).count();
    if (const auto since = startOfUtcDate(lastSince_))
        start = *since;
    return std::clamp<std::int64_t>(start, earliest, now);
}

TransactionsResult SimpleFinSource::fetchTransactions(const std::string& since) noexcept
{
    try {
        if (!startOfUtcDate(since))
            return TransactionsResult::failure(FetchStatus::ConfigError,
                                               "transactions since a date that is not YYYY-MM-DD");
        lastSince_ = since;
        if (!transactionsOn_)
            return TransactionsResult::failure(FetchStatus::ConfigError,
                                               "transactions are not enabled for this source");
        if (!transactionsRead_)
            return TransactionsResult::failure(
                FetchStatus::Temporary,
                "the last poll read no transactions; they come with the next poll");
        std::vector<AccountTransactions> accounts = transactions_;
        for (AccountTransactions& account : accounts) {
            auto& list = account.transactions;
            // "YYYY-MM-DD" compares as text; a pending entry is listed whatever its date.
            list.erase(
                std::remove_if(list.begin(), list.end(),
                               [&](const Transaction& t) { return !t.pending && t.date < since; }),
                list.end());
        }
        TransactionsResult result = TransactionsResult::ok(std::move(accounts));
        result.message = joined(transactionsMissing_);
        return result;
    } catch (const std::exception&) {
        return TransactionsResult::failure(FetchStatus::Temporary,
                                           "the simplefin plugin hit an unexpected internal error");
    }
}

}  // namespace bank2mqtt::simplefin
