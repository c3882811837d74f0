// SPDX-License-Identifier: MIT
// SourcePoller's transactions: the feed's own call budget, the listing on the fetch worker, and
// the announcements handed to the broker (see TransactionLedger).
#include "source_poller.h"

#include <algorithm>

namespace bank2mqtt {
namespace {

using Value = TopicLayout::Value;

// How long the poll thread waits for the broker to acknowledge a batch of announcements.
constexpr std::chrono::seconds kEventAcknowledgement{5};

// The transactions' own call budget lives in the host state next to the balances' one, under
// another key: CallBudget always uses CallBudget::kStateKey.
class RenamedKeyStore final : public StateStore {
public:
    RenamedKeyStore(StateStore& inner, std::string from, std::string to)
        : inner_(inner), from_(std::move(from)), to_(std::move(to))
    {
    }
    std::optional<std::string> get(const std::string& key) const override
    {
        return inner_.get(key == from_ ? to_ : key);
    }
    void put(const std::string& key, const std::string& value) override
    {
        inner_.put(key == from_ ? to_ : key, value);
    }
    void erase(const std::string& key) override { inner_.erase(key == from_ ? to_ : key); }

private:
    StateStore& inner_;
    std::string from_;
    std::string to_;
};

}  // namespace

void SourcePoller::setUpTransactions()
{
    // app.cpp refused `transactions = true` for a plugin without the feed and enabled it.
    if (plan_.transactions) {
        feed_ = capabilityOf<TransactionFeed>(source_);
    } else {
        // Switched off: switching on again later starts afresh (nothing old announced then).
        for (const char* key : {TransactionLedger::kStateKey, "transaction_budget"})
            if (hostState_.get(key))
                hostState_.erase(key);
    }
    if (feed_ != nullptr) {
        ledger_.emplace(hostState_, clock_, log_, plan_.transactionsBacklog);
        status_.transactionsError = "";
        if (const std::uint32_t perDay = feed_->fetchesPerDay(); perDay > 0) {
            transactionBudgetStore_ = std::make_unique<RenamedKeyStore>(
                hostState_, CallBudget::kStateKey, "transaction_budget");
            transactionBudget_ = std::make_unique<CallBudget>(
                static_cast<int>(std::min<std::uint32_t>(perDay, 100000)), clock_,
                *transactionBudgetStore_);
        }
    }
}

// On the fetch worker, after the balances: transactions never take a balance call. A bank that
// limits them (PSD2) has a budget of their own, spread by simply skipping a poll's listing
// when none is left; what was booked meanwhile comes with the next listing.
std::optional<TransactionsResult> SourcePoller::fetchTransactions()
{
    const auto now = clock_.monotonicNow();
    if (transactionBudget_) {
        transactionBudget_->absorbOthers();
        if (!transactionBudget_->canSpend(now)) {
            log_.debug("transactions not read this time: their daily calls are used up");
            return std::nullopt;
        }
        transactionBudget_->spend(now);
    }
    const std::uint64_t requestsBefore = requestCounter_ ? requestCounter_() : 0;
    TransactionsResult result = feed_->fetchTransactions(ledger_->since());
    if (transactionBudget_) {
        if (requestCounter_ && requestCounter_() == requestsBefore)
            transactionBudget_->refund(now);
        else if (result.status == FetchStatus::RateLimited)
            transactionBudget_->exhausted(clock_.monotonicNow(), result.retryAfter);
    }
    return result;
}

void SourcePoller::applyTransactions(const TransactionsResult& result)
{
    const std::string oldError = status_.transactionsError.value_or("");
    if (result.status == FetchStatus::Ok) {
        for (const AccountTransactions& account : result.accounts)
            if (auto key = keys_.find(ids_.publicId(account.fingerprint)); key != keys_.end())
                ledger_->take(key->second, account.transactions);
        ledger_->keepOnly(accountKeys_);
        ledger_->fetched();
        status_.transactionsError = result.message;
    } else {
        status_.transactionsError =
            result.message.empty() ? "the transactions could not be read" : result.message;
    }
    if (*status_.transactionsError != oldError) {
        if (status_.transactionsError->empty())
            log_.info("transactions read again");
        else
            log_.warning("transactions: " + *status_.transactionsError);
    }
    publishTransactions();
}

void SourcePoller::publishTransactions()
{
    if (!ledger_)
        return;
    const TopicLayout& topics = publisher_.topics();
    const auto known = [this](const std::string& account) {
        return std::find(accountKeys_.begin(), accountKeys_.end(), account) != accountKeys_.end();
    };
    // Handed to the client in order, and taken off the queue only once the broker has
    // acknowledged them: Paho drops messages in flight when the connection is lost (clean
    // session), so what is not acknowledged is sent again after the reconnect: at least once.
    const auto& queue = ledger_->queue();
    std::size_t handed = 0;
    for (; handed < queue.size(); ++handed) {
        const TransactionEvent& e = queue[handed];
        // An account that left the configuration while its announcement waited takes it along.
        if (known(e.account) &&
            !publisher_.event(topics.accountValue(plan_.id, e.account, Value::Transaction),
                              e.payload))
            break;
    }
    if (handed == 0)
        return;
    if (!publisher_.acknowledged(kEventAcknowledgement)) {
        log_.debug("transaction announcements not acknowledged by the broker; sent again after "
                   "the reconnect");
        return;
    }
    for (std::size_t i = 0; i < handed; ++i) {
        const std::string account = ledger_->queue().front().account;
        const std::string last = ledger_->pop();
        if (known(account))
            publisher_.set(topics.accountValue(plan_.id, account, Value::LastTransaction), last);
    }
    ledger_->save();
}

}  // namespace bank2mqtt
