// SPDX-License-Identifier: MIT
// FireflySource: one Firefly III installation's asset accounts as a BankSource.
#pragma once

#include "firefly_api.h"
#include "firefly_transactions.h"

#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/capabilities.h"
#include "bank2mqtt/services.h"

#include <string>
#include <vector>

namespace bank2mqtt::firefly {

/// A Firefly III personal access token and the installation's URL (README.md lists the keys
/// and the API facts).
///
/// Requests per poll: GET accounts?type=asset page 1, then the further pages meta.pagination
/// announces (at most kMaxPages). With kPageLimit accounts per page a household's accounts fit
/// one page: one request per poll. Every poll reads the whole list, so selectors are matched
/// anew each time (a renamed account is found by id or number at once) and nothing is cached.
///
/// Transactions (TransactionFeed): per account of the last Ok fetch(), GET
/// accounts/<id>/transactions from `since` on, one request while the window fits a page of
/// kPageLimit, at most kMaxPages. Firefly III sets no daily limit: fetchesPerDay() is 0.
///
/// Threads and errors: as BankSource (one caller at a time, no exceptions escape).
class FireflySource final : public BankSource, public TransactionFeed {
public:
    /// Keeps references to the services; the host keeps them alive longer than this object.
    explicit FireflySource(const Services& services);

    std::vector<ConfigKey> configKeys() const noexcept override;
    ConfigResult configure(const SourceConfig& config) noexcept override;
    FetchResult listAccounts() noexcept override;
    FetchResult fetch() noexcept override;
    void* capability(const std::string& name, std::uint32_t version) noexcept override;

    void enableTransactions() noexcept override;
    TransactionsResult fetchTransactions(const std::string& since) noexcept override;
    std::uint32_t fetchesPerDay() const noexcept override;

private:
    /// The asset accounts of every page (inactive ones too), or the failure that ended it.
    struct Listing {
        FetchResult outcome;
        std::vector<FireflyAccount> accounts;
    };
    ConfigResult applyConfig(const SourceConfig& config);
    Listing readAllPages();
    FetchResult selected(const Listing& listing);
    /// Every page of one account's transactions into `out`. A failure that ends the whole call
    /// (401, 429, 5xx, ...) is returned; a problem of this account alone is put in `problem`.
    std::optional<TransactionsResult>
    readTransactions(const FeedAccount& account, const std::string& start, const std::string& end,
                     AccountTransactions& out, std::string& problem);
    HttpResponse send(const HttpRequest& request);
    ReplyContext replyContext() const;
    void rememberNumbers(const std::vector<FireflyAccount>& accounts);
    static constexpr std::size_t kMaxKnownNumbers = 1000;

    Clock& clock_;
    HttpClient& http_;
    Logger& log_;

    bool configured_ = false;
    std::string baseUrl_;
    std::string token_;  ///< never logged
    bool includeInactive_ = false;
    std::chrono::milliseconds timeout_{std::chrono::seconds(20)};
    std::vector<std::string> selectors_;
    bool everRead_ = false;  ///< a poll has read the account list at least once
    /// The accounts the last Ok fetch() returned, for fetchTransactions().
    std::vector<FeedAccount> feedAccounts_;
    /// Full numbers of the accounts seen so far, kept only to be redacted from Firefly's texts.
    std::vector<std::string> knownNumbers_;
};

}  // namespace bank2mqtt::firefly
