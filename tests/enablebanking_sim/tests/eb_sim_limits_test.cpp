// SPDX-License-Identifier: MIT
// Daily budgets (429), inactive application (403), expired sessions (401), faults, control port.
#include "eb_sim_test_support.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <thread>

namespace bank2mqtt::ebsim::test {
namespace {

using EbSimLimitsTest = EbSimTest;

TEST_F(EbSimLimitsTest, FifthUnattendedCallInADayIs429UntilTheWindowMoves)
{
    const auto session = consent();
    const std::string balances = "/accounts/" + uidAt(session, 0) + "/balances";
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(api("GET", balances).status, 200) << i;
        control("POST", "/clock/advance?seconds=3600");
    }
    const HttpResult limited = api("GET", balances);
    EXPECT_EQ(limited.status, 429);
    const auto body = parseObject(limited.body);
    EXPECT_EQ(body->getValue<int>("code"), 429);
    EXPECT_EQ(body->getValue<std::string>("error"), "ASPSP_RATE_LIMIT_EXCEEDED");
    EXPECT_EQ(body->getValue<std::string>("message").rfind("HTT", 0), 0u);

    // Other accounts and the other endpoint have their own budgets.
    EXPECT_EQ(api("GET", "/accounts/" + uidAt(session, 1) + "/balances").status, 200);
    EXPECT_EQ(api("GET", "/accounts/" + uidAt(session, 0) + "/details").status, 200);
    // A user-present call (PSU headers) is not limited.
    EXPECT_EQ(api("GET", balances, "", "", {{"Psu-Ip-Address", "192.0.2.1"}}).status, 200);

    // 24 h after the first call, one call is free again; the next one is not.
    control("POST", "/clock/advance?seconds=" + std::to_string(86400 - 4 * 3600));
    EXPECT_EQ(api("GET", balances).status, 200);
    EXPECT_EQ(api("GET", balances).status, 429);

    const auto counters = parseObject(control("GET", "/counters").body);
    const auto account = counters->getObject("accounts")->getObject("lommepenger");
    EXPECT_EQ(account->getValue<int>("balances"), 8);
    EXPECT_EQ(account->getValue<int>("balances_in_window"), 4);
    EXPECT_EQ(counters->getValue<int>("rate_limited"), 2);
    EXPECT_EQ(counters->getObject("requests")->getValue<int>("balances"), 9);
}

TEST_F(EbSimLimitsTest, NewConsentDoesNotResetTheAccountsBudget)
{
    const std::string first = "/accounts/" + uidAt(consent(), 0) + "/balances";
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(api("GET", first).status, 200);
    }
    EXPECT_EQ(api("GET", "/accounts/" + uidAt(consent(), 0) + "/balances").status, 429);
}

TEST_F(EbSimLimitsTest, InactiveApplicationIs403ButApplicationSaysSo)
{
    ASSERT_EQ(control("POST", "/application?active=0").status, 200);
    const HttpResult reply = api("GET", "/aspsps?country=NO");
    EXPECT_EQ(reply.status, 403);
    EXPECT_EQ(reply.body, "{\"code\":403,\"message\":\"Application is not active\"}");
    const HttpResult app = api("GET", "/application");
    EXPECT_EQ(app.status, 200);
    EXPECT_FALSE(parseObject(app.body)->getValue<bool>("active"));
    control("POST", "/application?active=1");
    EXPECT_EQ(api("GET", "/aspsps?country=NO").status, 200);
}

TEST_F(EbSimLimitsTest, ExpiredSessionIs401ExpiredSessionAndANewConsentWorks)
{
    const std::string uid = uidAt(consent(), 0);
    ASSERT_EQ(control("POST", "/expire-sessions").status, 200);
    const HttpResult reply = api("GET", "/accounts/" + uid + "/balances");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(parseObject(reply.body)->getValue<std::string>("error"), "EXPIRED_SESSION");
    EXPECT_EQ(api("GET", "/accounts/" + uidAt(consent(), 0) + "/balances").status, 200);
}

TEST_F(EbSimLimitsTest, FaultOnOneAccountLeavesTheOthers)
{
    const auto session = consent();
    ASSERT_EQ(control("POST", "/fault?mode=aspsp_error&account=sparekonto&status=422").status, 200);
    const HttpResult faulted = api("GET", "/accounts/" + uidAt(session, 1) + "/balances");
    EXPECT_EQ(faulted.status, 422);
    EXPECT_EQ(parseObject(faulted.body)->getValue<std::string>("error"), "ASPSP_ERROR");
    EXPECT_EQ(api("GET", "/accounts/" + uidAt(session, 0) + "/balances").status, 200);
    EXPECT_EQ(control("POST", "/fault?mode=none").status, 200);
    EXPECT_EQ(api("GET", "/accounts/" + uidAt(session, 1) + "/balances").status, 200);
}

TEST_F(EbSimLimitsTest, FaultModesAnswerAsDocumented)
{
    const std::string balances = "/accounts/" + uidAt(consent(), 0) + "/balances";
    const auto once = [&](const std::string& mode) {
        EXPECT_EQ(control("POST", "/fault?endpoint=balances&count=1&mode=" + mode).status, 200);
        return api("GET", balances, "", "", {{"Psu-Ip-Address", "192.0.2.1"}});
    };
    HttpResult reply = once("503");
    EXPECT_EQ(reply.status, 503);
    EXPECT_NE(reply.contentType.find("text/html"), std::string::npos);
    reply = once("html");
    EXPECT_EQ(reply.status, 200);
    EXPECT_NE(reply.body.find("<html>"), std::string::npos);
    reply = once("truncated");
    EXPECT_EQ(reply.status, 200);
    EXPECT_ANY_THROW(Poco::JSON::Parser().parse(reply.body));
    reply = once("psu_header");
    EXPECT_EQ(reply.status, 422);
    EXPECT_EQ(parseObject(reply.body)->getValue<std::string>("error"), "PSU_HEADER_NOT_PROVIDED");
    reply = once("wrong_parameters");
    EXPECT_EQ(parseObject(reply.body)->getValue<std::string>("error"), "WRONG_REQUEST_PARAMETERS");
    reply = once("expired_session");
    EXPECT_EQ(reply.status, 401);
    reply = once("429");
    EXPECT_EQ(reply.status, 429);
    reply = once("slow&delay_ms=10");
    EXPECT_EQ(reply.status, 200);
    // count=1 each: nothing left.
    EXPECT_EQ(parseObject(control("GET", "/faults").body)->getArray("faults")->size(), 0u);
    EXPECT_EQ(control("POST", "/fault?mode=bogus").status, 400);
}

TEST_F(EbSimLimitsTest, StopCutsASlowReplyShort)
{
    ASSERT_EQ(control("POST", "/fault?mode=slow&endpoint=aspsps&delay_ms=60000").status, 200);
    auto session = httpsSession();
    std::thread stopper([&] {
        // Stop once the slow request is being served (its counter moved), not after a sleep.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            const auto counters = sim_->state().countersJson();
            if (counters.find("\"aspsps\":1") != std::string::npos) {
                break;
            }
            std::this_thread::yield();
        }
        sim_->stop();
    });
    const auto started = std::chrono::steady_clock::now();
    EXPECT_ANY_THROW(request(*session, "GET", "/aspsps", {{"Authorization", "Bearer " + jwt()}}));
    stopper.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST_F(EbSimLimitsTest, ControlPostsNeedContentLength)
{
    Poco::Net::HTTPClientSession session("127.0.0.1", sim_->controlPort());
    const HttpResult reply = request(session, "POST", "/reset-counters", {}, "", false);
    EXPECT_EQ(reply.status, 411);
    EXPECT_EQ(control("POST", "/control/clock/advance?seconds=60").status, 200);
    EXPECT_EQ(control("POST", "/clock/advance").status, 400);
    EXPECT_EQ(control("GET", "/nope").status, 404);
    EXPECT_EQ(control("POST", "/balances?account=nope&CLBD=1.00").status, 404);
    EXPECT_EQ(control("POST", "/balances?account=lommepenger&CLBD=1,00").status, 400);
}

TEST_F(EbSimLimitsTest, JwtsListsEveryDistinctTokenForSecretSweeps)
{
    const std::string token = jwt();
    api("GET", "/aspsps", "", token);
    api("GET", "/aspsps", "", token);
    const auto jwts = parseObject(control("GET", "/jwts").body)->getArray("jwts");
    ASSERT_EQ(jwts->size(), 1u);
    EXPECT_EQ(jwts->getElement<std::string>(0), token);
}

class EbSimLimitOptionTest : public EbSimTest {
protected:
    void adjust(EbSimOptions& options) override { options.dailyLimit = 1; }
};

TEST_F(EbSimLimitOptionTest, DailyLimitIsConfigurable)
{
    const std::string balances = "/accounts/" + uidAt(consent(), 0) + "/balances";
    EXPECT_EQ(api("GET", balances).status, 200);
    EXPECT_EQ(api("GET", balances).status, 429);
}

}  // namespace
}  // namespace bank2mqtt::ebsim::test
