// SPDX-License-Identifier: MIT
// FireflySource as a TransactionFeed: paging through each selected account's transactions.
#include "firefly_source.h"

#include "bank_text.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <exception>
#include <set>

namespace bank2mqtt::firefly {
namespace {

std::string utcDate(std::chrono::system_clock::time_point now)
{
    const auto seconds = std::chrono::system_clock::to_time_t(now);
    return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(seconds), "%Y-%m-%d");
}

std::string joinedProblems(const std::vector<std::string>& parts)
{
    std::string out;
    for (const auto& part : parts)
        out += (out.empty() ? "" : "; ") + part;
    return out;
}

TransactionsResult failureOf(const FetchResult& outcome)
{
    return TransactionsResult::failure(outcome.status, outcome.message, outcome.retryAfter);
}

}  // namespace

void* FireflySource::capability(const std::string& name, std::uint32_t version) noexcept
{
    if (name == TransactionFeed::kName && version == TransactionFeed::kVersion)
        return static_cast<TransactionFeed*>(this);
    return nullptr;
}

// Nothing to switch on: the balances and the transactions are separate requests.
void FireflySource::enableTransactions() noexcept {}

// Firefly III is the user's own server and counts no calls.
std::uint32_t FireflySource::fetchesPerDay() const noexcept
{
    return 0;
}

TransactionsResult FireflySource::fetchTransactions(const std::string& since) noexcept
{
    try {
        if (!configured_)
            return TransactionsResult::failure(FetchStatus::ConfigError,
                                               "the source is not configured");
        const std::string end = transactionsEnd(since, utcDate(clock_.wallNow()));
        if (end.empty())
            return TransactionsResult::failure(FetchStatus::Temporary,
                                               "transactions were asked for since a date that "
                                               "is none (\"" +
                                                   sanitizeBankMessage(since, 20) + "\")");
        std::vector<AccountTransactions> lists;
        std::vector<std::string> problems;
        for (const auto& account : feedAccounts_) {
            AccountTransactions list{account.fingerprint, {}};
            std::string problem;
            if (auto failed = readTransactions(account, since, end, list, problem))
                return std::move(*failed);
            if (problem.empty())
                lists.push_back(std::move(list));
            else
                problems.push_back("the transactions of \"" + account.name +
                                   "\" were not read: " + problem);
        }
        if (lists.empty() && !problems.empty())
            return TransactionsResult::failure(FetchStatus::Temporary, joinedProblems(problems));
        TransactionsResult result = TransactionsResult::ok(std::move(lists));
        result.message = joinedProblems(problems);
        return result;
    } catch (const std::exception&) {
        return TransactionsResult::failure(FetchStatus::Temporary,
                                           "the firefly plugin hit an unexpected internal error");
    }
}

std::optional<TransactionsResult> FireflySource::readTransactions(const FeedAccount& account,
                                                                  const std::string& start,
                                                                  const std::string& end,
                                                                  AccountTransactions& out,
                                                                  std::string& problem)
{
    std::set<std::string> seen;
    int totalPages = 1;
    std::optional<long long> total;
    int skipped = 0;
    for (int page = 1; page <= totalPages; ++page) {
        const TransactionsPage reply = parseTransactionsPage(
            send(transactionsPageRequest(baseUrl_, token_, account.id, start, end, page, timeout_)),
            replyContext(), account);
        if (reply.notFound) {
            // The account list was read moments ago: the account was deleted since.
            problem = "Firefly III no longer has this account (404 Not Found)";
            return std::nullopt;
        }
        if (!reply.ok())
            return failureOf(reply.outcome);
        if (!reply.problem.empty()) {
            problem = "Firefly III sent " + reply.problem;
            return std::nullopt;
        }
        // Pages are cut by offset, as for the accounts: a transaction booked between two page
        // requests shifts the others and could hide one; a changed total says so.
        if (reply.pagination.currentPage != page || (page > 1 && reply.pagination.total != total))
            return TransactionsResult::failure(
                FetchStatus::Temporary, "the transactions changed while they were read; trying "
                                        "again");
        if (page == 1) {
            total = reply.pagination.total;
            totalPages = reply.pagination.totalPages;
            if (totalPages > kMaxPages) {
                problem = "more than " + std::to_string(kMaxPages * kPageLimit) +
                          " transaction groups since " + start +
                          ", more than bank2mqtt reads at once";
                return std::nullopt;
            }
        }
        skipped += reply.skipped;
        // An entry shifted onto two pages (one booked, another deleted) is listed once.
        for (const auto& entry : reply.transactions) {
            if (seen.insert(entry.id).second)
                out.transactions.push_back(entry);
        }
    }
    // Counts only: a transaction's text, amount or counterpart is never logged.
    log_.debug("read " + std::to_string(out.transactions.size()) +
               " transaction(s) of an account, left out " + std::to_string(skipped) +
               " split(s) of other accounts, currencies or types");
    return std::nullopt;
}

}  // namespace bank2mqtt::firefly
