// SPDX-License-Identifier: MIT
// SimpleFinSource with the daemon's real HTTPS client against the SimpleFIN simulator: with
// transactions on, a poll is still one request (the Bridge's daily quota), and the entries of
// its reply come out of fetchTransactions() without another.
#include "poco_http_client.h"
#include "sf_source.h"
#include "simplefin_simulator.h"
#include "system_clock.h"

#include "account_identity.h"
#include "support/capturing_logger.h"
#include "support/memory_state_store.h"

#include <Poco/Net/SSLManager.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace bank2mqtt::sfsim {
namespace {

using simplefin::SimpleFinSource;

const std::string certDir = BANK2MQTT_TEST_CERT_DIR;

SimOptions simOptions()
{
    SimOptions o;
    o.certFile = certDir + "/server.pem";
    o.keyFile = certDir + "/server.key";
    return o;
}

PocoHttpClient::Options httpOptions()
{
    PocoHttpClient::Options o;
    o.caFile = certDir + "/ca.pem";
    return o;
}

std::string date(long long epoch)
{
    return simplefin::utcDate(epoch);
}

class SfPluginSim : public ::testing::Test {
protected:
    static void SetUpTestSuite() { Poco::Net::initializeSSL(); }
    static void TearDownTestSuite() { Poco::Net::uninitializeSSL(); }

    void SetUp() override
    {
        sim.start();
        const auto access = claimAccess(sim.state().newToken(sim.claimBase()));
        ASSERT_FALSE(access.empty());
        state.values[SimpleFinSource::kAccessStateKey] = access;
        SourceConfig config;
        config.sourceId = "family";
        config.timeout = std::chrono::seconds(10);
        ASSERT_TRUE(source.configure(config).ok());
        feed().enableTransactions();
    }

    // The setup token is base64 of <claimBase><claim token>; claim it as the Bridge would.
    std::string claimAccess(const std::string& setupToken)
    {
        std::string error;
        const auto claimUrl = simplefin::decodeSetupToken(setupToken, error);
        if (!claimUrl)
            return {};
        const auto access =
            sim.state().claim(claimUrl->substr(sim.claimBase().size()), sim.accessBase());
        return access.value_or("");
    }

    TransactionFeed& feed()
    {
        return *static_cast<TransactionFeed*>(
            source.capability(TransactionFeed::kName, TransactionFeed::kVersion));
    }

    int accountRequests()
    {
        const std::string counters = sim.state().countersJson();
        const std::string key = "\"accounts_requests\":";
        return std::stoi(counters.substr(counters.find(key) + key.size()));
    }

    std::string lastQuery()
    {
        const std::string counters = sim.state().countersJson();
        const std::string key = "\"last_query\":\"";
        const auto start = counters.find(key) + key.size();
        return counters.substr(start, counters.find('"', start) - start);
    }

    static const AccountTransactions* find(const TransactionsResult& r, const std::string& id)
    {
        for (const auto& a : r.accounts)
            if (a.fingerprint == digestHex("simplefin:" + id))
                return &a;
        return nullptr;
    }

    SimpleFinSimulator sim{simOptions()};
    SystemClock clock;
    PocoHttpClient http{httpOptions()};
    test::MemoryStateStore state;
    test::CapturingLogger log;
    Services services{sizeof(Services), clock, http, state, log};
    SimpleFinSource source{services};
};

TEST_F(SfPluginSim, WithTransactionsAPollIsStillOneRequestAndTheFeedSendsNone)
{
    const long long now = sim.state().now();
    SimTransaction recent;
    recent.amount = "-49.00";
    recent.description = "POS NARVESEN";
    recent.payee = "Narvesen";
    recent.posted = now - 2 * 86400;
    const std::string recentId = sim.state().addTransaction("checking", recent);
    SimTransaction old = recent;
    old.amount = "-20.00";
    old.posted = now - 20 * 86400;  // before the first window (14 days)
    const std::string oldId = sim.state().addTransaction("checking", old);
    SimTransaction coffee;
    coffee.amount = "-12.34";
    coffee.description = "SQ COFFEE";
    coffee.pending = true;
    coffee.transactedAt = now - 600;
    const std::string coffeeId = sim.state().addTransaction("visa", coffee);

    const FetchResult balances = source.fetch();
    ASSERT_EQ(balances.status, FetchStatus::Ok) << balances.message;
    EXPECT_EQ(balances.accounts.size(), 4u);
    EXPECT_EQ(accountRequests(), 1);
    const std::string query = lastQuery();
    EXPECT_NE(query.find("start-date="), std::string::npos) << query;
    EXPECT_NE(query.find("pending=1"), std::string::npos) << query;
    EXPECT_EQ(query.find("balances-only"), std::string::npos) << query;

    const std::string since = date(now - 7 * 86400);
    TransactionsResult r = feed().fetchTransactions(since);
    EXPECT_EQ(accountRequests(), 1) << "fetchTransactions() must not call the Bridge";
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(r.accounts.size(), 4u);
    const auto& checking = find(r, "ACT-7a1c0e52-checking")->transactions;
    ASSERT_EQ(checking.size(), 1u);
    EXPECT_EQ(checking[0].id, recentId);
    EXPECT_EQ(checking[0].amount, (Money{-4900, "USD", -1}));
    EXPECT_EQ(checking[0].text, "Narvesen");
    EXPECT_EQ(checking[0].date, date(now - 2 * 86400));
    const auto& visa = find(r, "ACT-7a1c0e52-visa")->transactions;
    ASSERT_EQ(visa.size(), 1u);
    EXPECT_TRUE(visa[0].pending);
    EXPECT_EQ(visa[0].id, coffeeId);
    EXPECT_NE(oldId, recentId);

    // The pending entry books; the next poll starts at the host's `since` and is one request.
    ASSERT_EQ(sim.state().postTransaction(coffeeId, false), coffeeId);
    ASSERT_EQ(source.fetch().status, FetchStatus::Ok);
    EXPECT_EQ(accountRequests(), 2);
    const auto sinceEpoch = simplefin::startOfUtcDate(since);
    ASSERT_TRUE(sinceEpoch);
    EXPECT_NE(lastQuery().find("start-date=" + std::to_string(*sinceEpoch)), std::string::npos)
        << lastQuery();
    r = feed().fetchTransactions(since);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    const auto& booked = find(r, "ACT-7a1c0e52-visa")->transactions;
    ASSERT_EQ(booked.size(), 1u);
    EXPECT_FALSE(booked[0].pending);
    EXPECT_EQ(booked[0].id, coffeeId);
    EXPECT_EQ(booked[0].amount.minor, -1234);
    EXPECT_EQ(accountRequests(), 2);
    EXPECT_FALSE(log.contains("NARVESEN") || log.contains("Narvesen") || log.contains("49.00"));
}

}  // namespace
}  // namespace bank2mqtt::sfsim
