// SPDX-License-Identifier: MIT
// The Sbanken plugin's TransactionFeed against the real simulator over HTTPS (the daemon's
// PocoHttpClient), v1 and v2: what the simulator serves is what the plugin returns.
#include "sim_test_support.h"

#include "poco_http_client.h"
#include "sbanken_source.h"
#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/memory_state_store.h"

namespace bank2mqtt::sim::test {
namespace {

const std::string kLommepenger = "97104133219";

class PluginTransactions : public SimulatorTest {
protected:
    /// A configured source for API `version` ("1" or "2") with transactions enabled and one
    /// Ok fetch() done; `selectors` as in `accounts =`.
    std::unique_ptr<sbanken::SbankenSource> fetchedSource(const std::string& version,
                                                          std::vector<std::string> selectors = {})
    {
        auto source = std::make_unique<sbanken::SbankenSource>(services_);
        SourceConfig config;
        config.sourceId = "kid";
        const std::string base = "https://127.0.0.1:" + std::to_string(sim_->httpsPort());
        config.values = {{"client_id", "demo-client"},
                         {"client_secret", "Hemmelig+Passord/2026?=&%"},
                         {"customer_id", kDefaultCustomerId},
                         {"auth_url", base + "/identityserver/connect/token"},
                         {"api_url", base + (version == "1" ? "/bank/api/v1" : "/apibeta/api/v2")},
                         {"api_version", version}};
        config.selectors = std::move(selectors);
        const ConfigResult configured = source->configure(config);
        EXPECT_TRUE(configured.ok()) << configured.message;
        source->enableTransactions();
        const FetchResult fetched = source->fetch();
        EXPECT_EQ(fetched.status, FetchStatus::Ok) << fetched.message;
        fetched_ = fetched.accounts;
        return source;
    }

    void add(SimTransaction t, const std::string& account = kLommepenger)
    {
        ASSERT_TRUE(sim_->state().addTransaction(account, std::move(t)));
    }

    static SimTransaction entry(MinorUnits amount, const std::string& text, int daysAgo = 1,
                                bool pending = false)
    {
        SimTransaction t;
        t.amount = amount;
        t.text = text;
        t.date = addDays(todayUtc(), -daysAgo);
        t.pending = pending;
        return t;
    }

    static PocoHttpClient::Options clientOptions()
    {
        PocoHttpClient::Options options;
        options.caFile = certPath("ca.pem");
        return options;
    }

    void TearDown() override
    {
        // The kept-alive connection is closed from this side before the simulator stops: its
        // stop() would otherwise write to that socket while the connection's thread closes it.
        http_.reset();
        SimulatorTest::TearDown();
    }

    const std::string since_ = addDays(todayUtc(), -7);
    bank2mqtt::test::FakeClock clock_;
    std::unique_ptr<PocoHttpClient> http_ = std::make_unique<PocoHttpClient>(clientOptions());
    bank2mqtt::test::MemoryStateStore state_;
    bank2mqtt::test::CapturingLogger log_;
    Services services_{sizeof(Services), clock_, *http_, state_, log_};
    std::vector<Account> fetched_;
};

TEST_F(PluginTransactions, V1AndV2ReturnWhatTheSimulatorServes)
{
    SimTransaction card = entry(-4999, "*4821 VISA VARE KIWI");
    card.merchant = "KIWI 505 GRUNERLOKKA";
    add(card);
    SimTransaction transfer = entry(123456789, "Arv fra 1234.56.78903", 2);
    transfer.otherAccount = "12345678903";
    add(transfer);
    add(entry(-50, "VISA VARE NARVESEN", 0, true));
    add(entry(-1000, "For gammel", 8));
    add(entry(-7000, "Sparing", 1), "Sparekonto");

    for (const std::string version : {"1", "2"}) {
        sim_->state().resetCounters();
        auto source = fetchedSource(version);
        const TransactionsResult r = source->fetchTransactions(since_);
        ASSERT_EQ(r.status, FetchStatus::Ok) << version << ": " << r.message;
        ASSERT_EQ(r.accounts.size(), 4u);
        // One request per account: a week fits one page.
        EXPECT_EQ(sim_->state().counters().transactionRequests, 4u) << version;
        EXPECT_EQ(r.accounts[0].fingerprint, fetched_[0].fingerprint);
        const auto& t = r.accounts[0].transactions;
        ASSERT_EQ(t.size(), 3u) << version;  // newest first; the 8-day-old one is outside
        EXPECT_TRUE(t[0].pending);
        EXPECT_EQ(t[0].amount, (Money{-50, "NOK"}));
        EXPECT_EQ(t[0].date, todayUtc());
        EXPECT_EQ(t[1].text, "KIWI 505 GRUNERLOKKA");
        EXPECT_EQ(t[1].amount, (Money{-4999, "NOK"}));
        EXPECT_EQ(t[2].amount, (Money{123456789, "NOK"}));
        EXPECT_EQ(t[2].text, "Arv fra *******8903");
        EXPECT_EQ(t[2].date, addDays(todayUtc(), -2));
        ASSERT_EQ(r.accounts[1].transactions.size(), 1u);
        EXPECT_EQ(r.accounts[1].transactions[0].amount.minor, -7000);
    }
}

TEST_F(PluginTransactions, ABookedReservationComesBackBooked)
{
    auto source = fetchedSource("2", {"Lommepenger"});
    SimTransaction reservation = entry(-24900, "VISA VARE NARVESEN", 0, true);
    const auto id = sim_->state().addTransaction(kLommepenger, reservation);
    ASSERT_TRUE(id);
    TransactionsResult r = source->fetchTransactions(since_);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.at(0).transactions.size(), 1u);
    EXPECT_TRUE(r.accounts[0].transactions[0].pending);

    ASSERT_TRUE(sim_->state().bookTransaction(*id, "", "NARVESEN OSLO S"));
    r = source->fetchTransactions(since_);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    ASSERT_EQ(r.accounts.at(0).transactions.size(), 1u);
    EXPECT_FALSE(r.accounts[0].transactions[0].pending);
    EXPECT_EQ(r.accounts[0].transactions[0].text, "NARVESEN OSLO S");
    EXPECT_EQ(r.accounts[0].transactions[0].amount.minor, -24900);
}

TEST_F(PluginTransactions, MoreThanOnePageIsFollowed)
{
    for (int i = 0; i < 1001; ++i)
        add(entry(-(i + 1), "Kjøp " + std::to_string(i), 1 + i % 5));
    auto source = fetchedSource("1", {"Lommepenger"});
    sim_->state().resetCounters();
    const TransactionsResult r = source->fetchTransactions(since_);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(r.accounts.at(0).transactions.size(), 1001u);
    EXPECT_EQ(sim_->state().counters().transactionRequests, 2u);
}

TEST_F(PluginTransactions, FaultsMapLikeFetch)
{
    add(entry(-100, "Noe"));
    auto source = fetchedSource("1", {"Lommepenger"});
    for (const auto& [mode, expected] : {std::pair{FaultMode::Http503, FetchStatus::Temporary},
                                         std::pair{FaultMode::Html, FetchStatus::Temporary},
                                         std::pair{FaultMode::Truncated, FetchStatus::Temporary},
                                         std::pair{FaultMode::IsError, FetchStatus::Temporary},
                                         std::pair{FaultMode::Http429, FetchStatus::RateLimited}}) {
        sim_->state().setFault({mode, FaultTarget::Api, 1});
        const TransactionsResult r = source->fetchTransactions(since_);
        EXPECT_EQ(r.status, expected) << faultModeName(mode) << ": " << r.message;
        EXPECT_TRUE(r.accounts.empty());
    }
    // A token the bank forgot: renewed once, then the list comes.
    sim_->state().expireTokens();
    const TransactionsResult renewed = source->fetchTransactions(since_);
    ASSERT_EQ(renewed.status, FetchStatus::Ok) << renewed.message;
    EXPECT_EQ(renewed.accounts.at(0).transactions.size(), 1u);
    for (const auto& line : log_.lines)
        EXPECT_EQ(line.text.find("Noe"), std::string::npos) << line.text;
}

}  // namespace
}  // namespace bank2mqtt::sim::test
