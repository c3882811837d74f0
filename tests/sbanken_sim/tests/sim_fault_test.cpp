// SPDX-License-Identifier: MIT
// Tests of the simulator's fault modes, their count, their target, and shutdown during "slow".
#include "sim_test_support.h"

#include <Poco/Net/NetException.h>

#include <future>

namespace bank2mqtt::sim::test {
namespace {

const std::string kV1 = "/bank/api/v1/accounts";
const std::string kV2 = "/apibeta/api/v2/accounts";

using Faults = SimulatorTest;

TEST_F(Faults, Http503HasTheRealSbankenBody)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    ASSERT_EQ(control("POST", "/fault?mode=503").status, 200);
    const HttpResult reply = apiGet(*session, kV1, bearer);
    EXPECT_EQ(reply.status, 503);
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    EXPECT_EQ(object->getValue<int>("errorType"), 0);
    EXPECT_TRUE(object->getValue<bool>("isError"));
    EXPECT_EQ(object->getValue<std::string>("errorMessage"),
              "Could not complete the request due to an expected or unexpected error.");
    EXPECT_EQ(object->getValue<std::string>("traceId").size(), 36u);
    // Without a count the fault stays until cleared.
    EXPECT_EQ(apiGet(*session, kV1, bearer).status, 503);
    ASSERT_EQ(control("POST", "/fault?mode=none").status, 200);
    EXPECT_EQ(apiGet(*session, kV1, bearer).status, 200);
}

TEST_F(Faults, EachModeHasItsShape)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    const std::string normal = apiGet(*session, kV1, bearer).body;

    ASSERT_EQ(control("POST", "/fault?mode=401&count=1").status, 200);
    HttpResult reply = apiGet(*session, kV1, bearer);
    EXPECT_EQ(reply.status, 401);
    EXPECT_TRUE(reply.body.empty());

    ASSERT_EQ(control("POST", "/fault?mode=429&count=1").status, 200);
    reply = apiGet(*session, kV1, bearer);
    EXPECT_EQ(reply.status, 429);
    EXPECT_EQ(reply.headers.get("Retry-After", ""), "120");

    ASSERT_EQ(control("POST", "/fault?mode=html&count=1").status, 200);
    reply = apiGet(*session, kV1, bearer);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.contentType.rfind("text/html", 0), 0u);
    EXPECT_EQ(reply.body.rfind("<!DOCTYPE html>", 0), 0u);

    ASSERT_EQ(control("POST", "/fault?mode=truncated&count=1").status, 200);
    reply = apiGet(*session, kV1, bearer);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.contentType.rfind("application/json", 0), 0u);
    EXPECT_FALSE(reply.body.empty());
    EXPECT_LT(reply.body.size(), normal.size());
    EXPECT_EQ(normal.rfind(reply.body, 0), 0u);

    ASSERT_EQ(control("POST", "/fault?mode=iserror&count=1").status, 200);
    reply = apiGet(*session, kV1, bearer);
    EXPECT_EQ(reply.status, 200);
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    EXPECT_TRUE(object->getValue<bool>("isError"));
    EXPECT_EQ(object->getValue<int>("errorType"), 1);
    EXPECT_EQ(object->getValue<std::string>("errorMessage"), "Internal error");

    ASSERT_EQ(control("POST", "/fault?mode=empty&count=1").status, 200);
    reply = apiGet(*session, kV1, bearer);
    EXPECT_EQ(reply.status, 200);
    EXPECT_TRUE(reply.body.empty());

    // Every fault above had count=1, so the session is healthy again.
    EXPECT_EQ(apiGet(*session, kV1, bearer).body, normal);
}

TEST_F(Faults, CountAutoClears)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    ASSERT_EQ(control("POST", "/fault?mode=503&count=2").status, 200);
    EXPECT_EQ(apiGet(*session, kV1, bearer).status, 503);
    EXPECT_EQ(apiGet(*session, kV2, bearer).status, 503);
    EXPECT_EQ(apiGet(*session, kV1, bearer).status, 200);
    const auto fault = parseObject(control("GET", "/fault").body);
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->getValue<std::string>("mode"), "none");
}

TEST_F(Faults, TokenTargetHitsOnlyTheTokenEndpoint)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    ASSERT_EQ(control("POST", "/fault?mode=503&target=token&count=1").status, 200);
    EXPECT_EQ(apiGet(*session, kV1, bearer).status, 200);
    const HttpResult reply =
        request(*session, "POST", "/identityserver/connect/token",
                {{"Authorization", basicAuth("demo-client", "Hemmelig+Passord/2026?=&%")}},
                "grant_type=client_credentials");
    EXPECT_EQ(reply.status, 503);
    EXPECT_FALSE(token(*session).empty());
}

TEST_F(Faults, InvalidClientOnTheTokenEndpointLastsUntilCleared)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    ASSERT_EQ(control("POST", "/fault?mode=invalid_client&target=token").status, 200);
    EXPECT_EQ(apiGet(*session, kV1, bearer).status, 200);
    for (int i = 0; i < 2; ++i) {
        const HttpResult reply =
            request(*session, "POST", "/identityserver/connect/token",
                    {{"Authorization", basicAuth("demo-client", "Hemmelig+Passord/2026?=&%")}},
                    "grant_type=client_credentials");
        EXPECT_EQ(reply.status, 400);
        EXPECT_EQ(reply.body, R"({"error":"invalid_client"})");
    }
    ASSERT_EQ(control("POST", "/fault?mode=none").status, 200);
    EXPECT_FALSE(token(*session).empty());
}

TEST_F(Faults, SlowAnswersNormallyAfterTheDelay)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    ASSERT_EQ(control("POST", "/fault?mode=slow&delay_ms=300&count=1").status, 200);
    const auto start = std::chrono::steady_clock::now();
    const HttpResult reply = apiGet(*session, kV1, bearer);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(reply.status, 200);
    EXPECT_GE(elapsed, std::chrono::milliseconds(300));
    EXPECT_LT(elapsed, std::chrono::milliseconds(5000));
}

TEST_F(Faults, StopInterruptsASlowReplyPromptly)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    ASSERT_EQ(control("POST", "/fault?mode=slow&delay_ms=60000").status, 200);
    auto pending = std::async(std::launch::async, [&] { return apiGet(*session, kV1, bearer); });
    ASSERT_TRUE(sim_->state().waitForCounters(
        [](const SimCounters& c) { return c.accountRequests >= 1; }, kWaitTimeout));

    const auto start = std::chrono::steady_clock::now();
    sim_->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3000));
    ASSERT_EQ(pending.wait_for(kWaitTimeout), std::future_status::ready);
    EXPECT_THROW(pending.get(), Poco::Exception);
}

TEST_F(Faults, BadParametersAre400)
{
    EXPECT_EQ(control("POST", "/fault?mode=teapot").status, 400);
    EXPECT_EQ(control("POST", "/fault").status, 400);
    EXPECT_EQ(control("POST", "/fault?mode=503&target=mqtt").status, 400);
    EXPECT_EQ(control("POST", "/fault?mode=503&count=-1").status, 400);
    EXPECT_EQ(control("POST", "/fault?mode=slow&delay_ms=60001").status, 400);
    EXPECT_EQ(control("GET", "/fault").status, 200);
}

}  // namespace
}  // namespace bank2mqtt::sim::test
