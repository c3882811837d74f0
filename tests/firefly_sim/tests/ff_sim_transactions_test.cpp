// SPDX-License-Identifier: MIT
// The Firefly III simulator's transactions: adding them, start/end, paging, auth, faults.
#include "firefly_simulator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

namespace bank2mqtt::ffsim {
namespace {

FfRequest list(int account, const std::string& query, const std::string& token = kDefaultToken)
{
    FfRequest r;
    r.path = "/api/v1/accounts/" + std::to_string(account) + "/transactions";
    r.query = query;
    r.authorization = "Bearer " + token;
    r.accept = "application/vnd.api+json";
    r.listener = "https";
    r.host = "127.0.0.1:8443";
    return r;
}

FfResponse control(FfBank& bank, const std::string& method, const std::string& path,
                   const std::string& query = "")
{
    FfRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    return bank.control(r);
}

Poco::JSON::Object::Ptr parse(const std::string& body)
{
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr split(const Poco::JSON::Object::Ptr& doc, unsigned group, unsigned i = 0)
{
    return doc->getArray("data")
        ->getObject(group)
        ->getObject("attributes")
        ->getArray("transactions")
        ->getObject(i);
}

const std::string kWeek = "start=2026-11-26&end=2026-12-04&limit=500&page=1";

TEST(FireflySimTransactions, AWithdrawalIsListedAsFireflySendsIt)
{
    FfBank bank(FfSimOptions{});
    const FfResponse added = control(bank, "POST", "/transactions",
                                     "type=withdrawal&source=1&destination=Narvesen&amount=49.00"
                                     "&description=NARVESEN%20OSLO%20S&date=2026-12-02"
                                     "&destination_iban=NO0215038877041");
    ASSERT_EQ(added.status, 200) << added.body;
    const FfResponse reply = bank.api(list(1, kWeek));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.contentType, "application/vnd.api+json");
    const auto doc = parse(reply.body);
    const auto s = split(doc, 0);
    EXPECT_EQ(s->getValue<std::string>("transaction_journal_id"),
              parse(added.body)->getValue<std::string>("transaction_journal_id"));
    EXPECT_EQ(s->getValue<std::string>("type"), "withdrawal");
    EXPECT_EQ(s->getValue<std::string>("amount"), "49.000000000000");
    EXPECT_EQ(s->getValue<std::string>("date"), "2026-12-02T00:00:00+01:00");
    EXPECT_EQ(s->getValue<std::string>("currency_code"), "NOK");
    EXPECT_EQ(s->getValue<std::string>("source_id"), "1");
    EXPECT_EQ(s->getValue<std::string>("source_iban"), "NO9386011117947");
    EXPECT_EQ(s->getValue<std::string>("destination_name"), "Narvesen");
    EXPECT_EQ(s->getValue<std::string>("destination_iban"), "NO0215038877041");
    EXPECT_EQ(s->getValue<std::string>("description"), "NARVESEN OSLO S");
    EXPECT_EQ(doc->getObject("meta")->getObject("pagination")->getValue<int>("total"), 1);
    // Not an account of Sparekonto's, and not in an earlier week.
    EXPECT_EQ(parse(bank.api(list(2, kWeek)).body)->getArray("data")->size(), 0u);
    EXPECT_EQ(
        parse(bank.api(list(1, "start=2026-11-01&end=2026-11-30")).body)->getArray("data")->size(),
        0u);
}

TEST(FireflySimTransactions, ATransferIsListedForBothAccounts)
{
    FfBank bank(FfSimOptions{});
    ASSERT_EQ(control(bank, "POST", "/transactions",
                      "type=transfer&source=1&destination=2&amount=250&date=2026-12-01")
                  .status,
              200);
    for (int account : {1, 2}) {
        const auto s = split(parse(bank.api(list(account, kWeek)).body), 0);
        EXPECT_EQ(s->getValue<std::string>("source_id"), "1");
        EXPECT_EQ(s->getValue<std::string>("destination_id"), "2");
        EXPECT_EQ(s->getValue<std::string>("amount"), "250.000000000000");
    }
}

TEST(FireflySimTransactions, PagesNewestFirstWithTheCap)
{
    FfSimOptions options;
    options.transactionPageSize = 2;
    FfBank bank(options);
    for (const char* day : {"2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"})
        ASSERT_EQ(
            control(bank, "POST", "/transactions",
                    std::string("type=deposit&source=Pappa&destination=1&amount=1&date=") + day)
                .status,
            200);
    const auto page3 =
        parse(bank.api(list(1, "start=2026-11-26&end=2026-12-04&limit=500&page=3")).body);
    const auto pagination = page3->getObject("meta")->getObject("pagination");
    EXPECT_EQ(pagination->getValue<int>("total"), 5);
    EXPECT_EQ(pagination->getValue<int>("total_pages"), 3);
    EXPECT_EQ(pagination->getValue<int>("per_page"), 2);
    ASSERT_EQ(page3->getArray("data")->size(), 1u);
    EXPECT_EQ(split(page3, 0)->getValue<std::string>("date").substr(0, 10), "2026-11-28");
    ASSERT_EQ(control(bank, "POST", "/transaction_page_size", "value=0").status, 200);
    EXPECT_EQ(parse(bank.api(list(1, kWeek)).body)->getArray("data")->size(), 5u);
}

TEST(FireflySimTransactions, RefusesWhatFireflyRefuses)
{
    FfBank bank(FfSimOptions{});
    EXPECT_EQ(bank.api(list(1, "start=2026-11-26")).status, 422);
    EXPECT_EQ(bank.api(list(1, "start=2026-11-26&end=2026-11-26")).status, 422);
    EXPECT_EQ(bank.api(list(1, "start=2026-11-26&end=2026-12-04&limit=200000")).status, 422);
    EXPECT_EQ(bank.api(list(99, kWeek)).status, 404);
    EXPECT_EQ(bank.api(list(1, kWeek, "wrong")).status, 401);
    EXPECT_EQ(control(bank, "POST", "/transactions", "type=gift&source=1&amount=1").status, 400);
    EXPECT_EQ(control(bank, "POST", "/transactions", "type=withdrawal&source=7&amount=1").status,
              400);  // 7 is an expense account
    EXPECT_EQ(control(bank, "POST", "/transactions", "type=withdrawal&source=1&amount=1.5x").status,
              400);
}

TEST(FireflySimTransactions, FaultsAndCountersCoverTheTransactionsRoute)
{
    FfBank bank(FfSimOptions{});
    ASSERT_EQ(control(bank, "POST", "/fault", "mode=429&count=1").status, 200);
    const FfResponse limited = bank.api(list(1, kWeek));
    EXPECT_EQ(limited.status, 429);
    ASSERT_EQ(limited.headers.size(), 1u);
    EXPECT_EQ(limited.headers[0].first, "Retry-After");
    ASSERT_EQ(control(bank, "POST", "/fault", "mode=truncated&count=1").status, 200);
    const FfResponse cut = bank.api(list(1, kWeek));
    EXPECT_EQ(cut.status, 200);
    EXPECT_THROW(parse(cut.body), Poco::Exception);
    EXPECT_EQ(bank.api(list(1, kWeek)).status, 200);
    EXPECT_EQ(parse(control(bank, "GET", "/counters").body)->getValue<int>("transaction_requests"),
              3);
    ASSERT_EQ(control(bank, "POST", "/transactions", "type=deposit&destination=1&amount=1").status,
              200);
    ASSERT_EQ(control(bank, "DELETE", "/transactions").status, 200);
    EXPECT_EQ(parse(bank.api(list(1, kWeek)).body)->getArray("data")->size(), 0u);
}

TEST(FireflySimTransactions, ServedOverHttps)
{
    Poco::Net::initializeSSL();
    FfSimOptions options;
    options.certFile = std::string(BANK2MQTT_TEST_CERT_DIR) + "/server.pem";
    options.keyFile = std::string(BANK2MQTT_TEST_CERT_DIR) + "/server.key";
    {
        FireflySimulator sim(options);
        sim.start();
        FfRequest add;
        add.method = "POST";
        add.path = "/transactions";
        add.query = "type=withdrawal&source=3&destination=Cafe&amount=3.50&date=2026-12-02";
        ASSERT_EQ(sim.bank().control(add).status, 200);
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, "", "",
            std::string(BANK2MQTT_TEST_CERT_DIR) + "/ca.pem", Poco::Net::Context::VERIFY_RELAXED);
        Poco::Net::HTTPSClientSession https("127.0.0.1", sim.httpsPort(), context);
        Poco::Net::HTTPRequest request("GET", "/api/v1/accounts/3/transactions?" + kWeek,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", "Bearer " + kDefaultToken);
        request.set("Accept", "application/vnd.api+json");
        https.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(https.receiveResponse(response), body);
        EXPECT_EQ(response.getStatus(), 200);
        const auto s = split(parse(body), 0);
        EXPECT_EQ(s->getValue<std::string>("currency_code"), "EUR");
        EXPECT_EQ(s->getValue<std::string>("amount"), "3.500000000000");
        sim.stop();
    }
    Poco::Net::uninitializeSSL();
}

}  // namespace
}  // namespace bank2mqtt::ffsim
