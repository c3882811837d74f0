// SPDX-License-Identifier: MIT
// EnableBankingSource: one Enable Banking application and consent as a BankSource.
#pragma once

#include "eb_api.h"
#include "eb_balances.h"
#include "eb_jwt.h"
#include "eb_session.h"
#include "eb_transactions.h"

#include "bank2mqtt/bank_source.h"
#include "bank2mqtt/capabilities.h"
#include "bank2mqtt/services.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt::enablebanking {

/// An Enable Banking application reading the accounts of one consent (README.md lists the
/// config keys, the API facts and the guide).
///
/// Requests per poll: exactly one GET /accounts/{uid}/balances per selected account, with a
/// JWT that is signed once an hour (JwtCache), so a steady-state poll signs nothing. The consent
/// is read from the StateStore (key kSessionStateKey) at every fetch: a `bank2mqtt --authorize`
/// run next to the running daemon is picked up at the next poll. configure() does no network
/// I/O. One account's refusal (ASPSP_ERROR, PSU headers required, no preferred balance type)
/// does not hold back the others: fetch() returns them as Ok with a message naming the account
/// that is missing (the host keeps that account's last values).
///
/// Authorization (bank2mqtt --authorize): the bank is chosen from GET /aspsps when `bank` is
/// unset or matches several; POST /auth asks for the longest consent the bank allows (a 422
/// "consent validity" is retried once with the bank's own maximum); the person opens the login
/// URL and pastes back the address the browser ends on; POST /sessions creates the session,
/// which is stored with one StateStore::put. Nothing is stored when any step fails.
///
/// Transactions (TransactionFeed): one paged GET /accounts/{uid}/transactions per account that
/// the last Ok fetch() returned, with that fetch's uids, at most kMaxTransactionPages pages each;
/// the listing has a daily budget of its own, the same daily_limit (PSD2 counts per endpoint).
///
/// Threads and errors: as BankSource (one caller at a time, no exceptions escape).
class EnableBankingSource final : public BankSource,
                                  public Authorization,
                                  public ConsentInfo,
                                  public CallLimit,
                                  public TransactionFeed {
public:
    /// Keeps references to the services; the host keeps them alive longer than this object.
    explicit EnableBankingSource(const Services& services);

    std::vector<ConfigKey> configKeys() const noexcept override;
    ConfigResult configure(const SourceConfig& config) noexcept override;
    FetchResult listAccounts() noexcept override;
    FetchResult fetch() noexcept override;
    void* capability(const std::string& name, std::uint32_t version) noexcept override;

    AuthStep start() noexcept override;
    AuthStep answer(const std::string& reply) noexcept override;

    std::optional<std::chrono::system_clock::time_point> consentEnd() const noexcept override;
    std::uint32_t pollsPerDay() const noexcept override { return dailyLimit_; }

    /// Nothing to do: the transactions are a call of their own, made in fetchTransactions().
    void enableTransactions() noexcept override {}
    TransactionsResult fetchTransactions(const std::string& since) noexcept override;
    std::uint32_t fetchesPerDay() const noexcept override { return dailyLimit_; }

    /// JWTs signed so far (the benchmark's "signatures per poll").
    std::uint64_t jwtSignatures() const { return jwt_ ? jwt_->signatures() : 0; }

    static constexpr const char* kSessionStateKey = "session";
    static constexpr std::uint32_t kDefaultDailyLimit = 4;
    /// Pages of one account's listing before the bank is taken to be looping.
    static constexpr int kMaxTransactionPages = 20;

private:
    enum class Stage { Idle, ChooseBank, AwaitRedirect };
    /// An account as the last Ok fetch() read it: what its transactions are asked and read with.
    struct FetchedAccount {
        std::string uid;
        std::string fingerprint;
        std::string label;
        std::string currency;  ///< of its balance: transactions are read in this unit
    };

    ConfigResult applyConfig(const SourceConfig& config);
    /// The stored consent if there is one for this application, else why not (AuthRequired).
    std::optional<StoredSession> loadSession(FetchResult& failure) const;
    FetchResult readBalances(const StoredSession& session,
                             const std::vector<std::pair<int, std::size_t>>& picks,
                             bool forListing);
    TransactionsResult readTransactions(const StoredSession& session, const std::string& since);
    EbStatus listTransactions(const StoredSession& session, const FetchedAccount& account,
                              const std::string& since, std::vector<Transaction>& out);
    HttpResponse send(const HttpRequest& request, const std::string& what);
    ReplyContext replyContext(const StoredSession* session = nullptr) const;
    std::optional<std::string> token(std::string& error);

    AuthStep authorizeAt(const Aspsp& bank);
    AuthStep finish(const std::string& code);
    AuthStep fail(const std::string& sentence, bool usageError = false);
    std::string authorizeHint() const;
    std::string namingSource(std::string message) const;

    Clock& clock_;
    HttpClient& http_;
    StateStore& state_;
    Logger& log_;

    bool configured_ = false;
    std::string sourceId_;
    Endpoint endpoint_;
    std::string applicationId_;
    std::string country_;
    std::string bank_;
    std::string redirectUrl_;
    std::string psuType_ = "personal";
    BalancePreference preference_;
    std::uint32_t dailyLimit_ = kDefaultDailyLimit;
    std::vector<std::string> selectors_;
    std::string binding_;
    std::unique_ptr<JwtCache> jwt_;
    std::string lastJwt_;                  ///< redacted from replies
    std::vector<FetchedAccount> fetched_;  ///< the last Ok fetch()'s accounts
    std::string fetchedSessionRef_;        ///< its consent; "" before the first Ok fetch()

    // The authorization in progress.
    Stage stage_ = Stage::Idle;
    std::vector<Aspsp> candidates_;
    Aspsp chosen_;
    std::string authState_;
    std::chrono::system_clock::time_point askedUntil_{};
};

}  // namespace bank2mqtt::enablebanking
