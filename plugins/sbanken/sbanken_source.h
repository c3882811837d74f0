// SPDX-License-Identifier: MIT
// SbankenSource: one Sbanken login as a BankSource, using only the host's injected services.
#pragma once

#include "sbanken_api.h"
#include "sbanken_transactions.h"

#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/capabilities.h"
#include "bank2mqtt/services.h"
#include "oauth2_token.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::sbanken {

/// A Sbanken login (README.md lists the config keys and the API facts).
///
/// Requests per poll: a token request when no token is held or it is within its refresh margin
/// (the token is kept in the StateStore too, so a restarted process reuses it), then ONE data
/// request: GET accounts/{id} when exactly one account is selected, the account list otherwise.
/// The first poll with selectors resolves them from the list and caches the account ids in
/// memory and in the StateStore; a 404 or a missing id drops that cache and resolves again in
/// the same fetch. A 401 on a data call renews the token and retries once.
///
/// Transactions (TransactionFeed): per account of the last Ok fetch(), GET transactions/{id}
/// from `since` without endDate, 1000 entries a request (one request for a normal week),
/// following index/length for at most kMaxTransactionPages pages.
///
/// Threads and errors: as BankSource (one caller at a time, no exceptions escape).
class SbankenSource final : public BankSource, public TransactionFeed {
public:
    /// Keeps references to the services; the host keeps them alive longer than this object.
    explicit SbankenSource(const Services& services);

    std::vector<ConfigKey> configKeys() const noexcept override;
    ConfigResult configure(const SourceConfig& config) noexcept override;
    FetchResult listAccounts() noexcept override;
    FetchResult fetch() noexcept override;
    void* capability(const std::string& name, std::uint32_t version) noexcept override;

    void enableTransactions() noexcept override { transactionsEnabled_ = true; }
    TransactionsResult fetchTransactions(const std::string& since) noexcept override;
    /// Sbanken published no limit and none was ever reported (README.md).
    std::uint32_t fetchesPerDay() const noexcept override { return 0; }

    /// StateStore keys this source writes.
    static constexpr const char* kTokenStateKey = "oauth2_token";
    static constexpr const char* kSelectionStateKey = "account_ids";

private:
    ConfigResult applyConfig(const SourceConfig& config);
    FetchResult fetchAccounts();
    FetchResult fetchSelected();
    FetchResult resolveFrom(const std::vector<BankAccount>& accounts);
    /// Sends a data request, renewing the token first when needed and once more after a 401.
    AccountsReply callApi(ReplyShape shape, const std::string& accountId = {});
    /// Sends what `build` makes with the current token and reads it with `parse`; on a reply
    /// that says `unauthorized` renews the token and does it once more.
    /// (Instantiated for AccountsReply and TransactionsPage in sbanken_source.cpp.)
    template <class Reply>
    Reply withToken(const std::function<HttpRequest(const std::string& token)>& build,
                    const std::function<Reply(const HttpResponse&)>& parse);
    /// One account's entries since `since`, all pages; a failed page fails the account.
    TransactionsPage readStatement(const std::string& accountId, const std::string& since);
    /// nullopt when a usable token is held, else why none could be obtained.
    std::optional<FetchResult> ensureToken();
    void forgetToken();
    void forgetSelection();
    HttpResponse send(const HttpRequest& request);
    ReplyContext replyContext() const;
    std::vector<std::string> hiddenNumbers() const;
    void rememberAccounts(const std::vector<BankAccount>& accounts);
    static constexpr std::size_t kMaxKnownNumbers = 1000;

    Clock& clock_;
    HttpClient& http_;
    StateStore& state_;
    Logger& log_;

    bool configured_ = false;
    Endpoint endpoint_;
    std::string clientId_;
    std::string clientSecret_;  ///< never logged
    std::vector<std::string> selectors_;
    std::string tokenBinding_;      ///< digest of auth_url, client id and secret
    std::string selectionBinding_;  ///< digest of what the cached account ids depend on
    TokenCache token_;
    bool resolvedOnce_ = false;             // a selection resolved at some point (now or in state)
    std::vector<std::string> selectedIds_;  ///< one per selector once resolved, else empty
    /// Full numbers of the accounts seen so far, kept only to be redacted from bank texts.
    std::vector<std::string> knownNumbers_;
    /// Account::fingerprint -> accountId of the accounts seen so far (bounded like the numbers).
    std::map<std::string, std::string> idsByFingerprint_;
    /// Fingerprints of the accounts the last Ok fetch() returned, in its order.
    std::vector<std::string> lastFetched_;
    bool transactionsEnabled_ = false;  ///< the host asked; nothing is sent before it does
};

}  // namespace bank2mqtt::sbanken
