// SPDX-License-Identifier: MIT
// Tests of the simulator's v1 and v2 account API: envelopes, exact amounts, auth, customerId.
#include "sim_test_support.h"

#include <Poco/JSON/Array.h>

namespace bank2mqtt::sim::test {
namespace {

const std::string kV1 = "/bank/api/v1/accounts";
const std::string kV2 = "/apibeta/api/v2/accounts";
const std::string kLommepengerId = "8B1F4C2A9D3E47A6B5C0D1E2F3A4B5C6";

using AccountsApi = SimulatorTest;

void expectV1Success(const Poco::JSON::Object::Ptr& object)
{
    ASSERT_TRUE(object);
    for (const char* field : {"errorType", "errorMessage", "traceId"}) {
        ASSERT_TRUE(object->has(field)) << field;
        EXPECT_TRUE(object->isNull(field)) << field;
    }
    EXPECT_FALSE(object->getValue<bool>("isError"));
}

TEST_F(AccountsApi, V1ListHasEnvelopeAndExactAmounts)
{
    auto session = httpsSession();
    const HttpResult reply = apiGet(*session, kV1 + "/", token(*session));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.contentType.rfind("application/json", 0), 0u);
    for (const char* literal :
         {R"("balance":437.25)", R"("available":437.25)", R"("balance":12500.00)",
          R"("balance":197.07)", R"("balance":-1520.40)", R"("available":8479.60)",
          R"("creditLimit":10000.00)", R"("creditLimit":0.00)"}) {
        EXPECT_NE(reply.body.find(literal), std::string::npos) << literal;
    }
    const auto object = parseObject(reply.body);
    expectV1Success(object);
    EXPECT_EQ(object->getValue<int>("availableItems"), 4);
    const auto items = object->getArray("items");
    ASSERT_EQ(items->size(), 4u);
    const auto first = items->getObject(0);
    EXPECT_EQ(first->getValue<std::string>("accountId"), kLommepengerId);
    EXPECT_EQ(first->getValue<std::string>("accountNumber"), "97104133219");
    EXPECT_EQ(first->getValue<std::string>("ownerCustomerId"), "12345678901");
    EXPECT_EQ(first->getValue<std::string>("name"), "Lommepenger");
    EXPECT_EQ(first->getValue<std::string>("accountType"), "Standard account");
    EXPECT_EQ(items->getObject(1)->getValue<std::string>("accountType"), "High interest account");
    EXPECT_EQ(items->getObject(2)->getValue<std::string>("ownerCustomerId"), "10987654321");
    EXPECT_EQ(items->getObject(3)->getValue<std::string>("accountType"), "Creditcard account");
}

TEST_F(AccountsApi, V1SingleHasItemEnvelope)
{
    auto session = httpsSession();
    const HttpResult reply = apiGet(*session, kV1 + "/" + kLommepengerId, token(*session));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.body.rfind(R"({"item":{"accountId":")" + kLommepengerId, 0), 0u);
    const auto object = parseObject(reply.body);
    expectV1Success(object);
    EXPECT_EQ(object->getObject("item")->getValue<std::string>("name"), "Lommepenger");
}

TEST_F(AccountsApi, V1WithoutOrWithWrongCustomerIdIs400)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    for (const auto& headers : {std::map<std::string, std::string>{},
                                std::map<std::string, std::string>{{"customerId", "1"}}}) {
        auto all = headers;
        all["Authorization"] = "Bearer " + bearer;
        const HttpResult reply = request(*session, "GET", kV1, all);
        EXPECT_EQ(reply.status, 400);
        const auto object = parseObject(reply.body);
        ASSERT_TRUE(object);
        EXPECT_TRUE(object->getValue<bool>("isError"));
        EXPECT_EQ(object->getValue<int>("errorType"), 1);
    }
}

TEST_F(AccountsApi, V1UnknownIdIs404WithEnvelope)
{
    auto session = httpsSession();
    const HttpResult reply =
        apiGet(*session, kV1 + "/00000000000000000000000000000000", token(*session));
    EXPECT_EQ(reply.status, 404);
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    EXPECT_EQ(object->getValue<int>("errorType"), 5);
    EXPECT_TRUE(object->getValue<bool>("isError"));
    EXPECT_EQ(object->getValue<std::string>("errorMessage"), "Account not found");
    EXPECT_EQ(object->getValue<std::string>("traceId").size(), 36u);
}

TEST_F(AccountsApi, V2ListHasNoErrorFields)
{
    auto session = httpsSession();
    const HttpResult reply = apiGet(*session, kV2, token(*session));
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    EXPECT_EQ(object->size(), 2u);
    EXPECT_EQ(object->getValue<int>("availableItems"), 4);
    EXPECT_EQ(object->getArray("items")->size(), 4u);
}

TEST_F(AccountsApi, V2SingleIsBareObject)
{
    auto session = httpsSession();
    const HttpResult reply = apiGet(*session, kV2 + "/" + kLommepengerId, token(*session));
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    EXPECT_FALSE(object->has("item"));
    EXPECT_FALSE(object->has("isError"));
    EXPECT_EQ(object->getValue<std::string>("accountNumber"), "97104133219");
    EXPECT_NE(reply.body.find(R"("balance":437.25)"), std::string::npos);
}

TEST_F(AccountsApi, V2UnknownIdIsProblemDetails)
{
    auto session = httpsSession();
    const HttpResult reply = apiGet(*session, kV2 + "/nope", token(*session));
    EXPECT_EQ(reply.status, 404);
    const auto object = parseObject(reply.body);
    ASSERT_TRUE(object);
    EXPECT_EQ(object->getValue<std::string>("type"),
              "https://tools.ietf.org/html/rfc7231#section-6.5.4");
    EXPECT_EQ(object->getValue<std::string>("title"), "Not Found");
    EXPECT_EQ(object->getValue<int>("status"), 404);
    EXPECT_FALSE(object->getValue<std::string>("traceId").empty());
}

TEST_F(AccountsApi, PathsIgnoreCaseAndTrailingSlash)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    std::string lowerId = kLommepengerId;
    for (char& c : lowerId) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const std::string& path :
         {std::string("/Bank/Api/V1/Accounts/"), std::string("/bank/api/v1/Accounts/") + lowerId,
          std::string("/APIBETA/api/v2/Accounts/") + kLommepengerId + "/"}) {
        EXPECT_EQ(apiGet(*session, path, bearer).status, 200) << path;
    }
    EXPECT_EQ(apiGet(*session, "/bank/api/v1/cards", bearer).status, 404);
    EXPECT_EQ(apiGet(*session, "/nothing/here", bearer).status, 404);
}

TEST_F(AccountsApi, UnknownMissingOrExpiredTokenIs401)
{
    auto session = httpsSession();
    const std::string bearer = token(*session);
    ASSERT_EQ(apiGet(*session, kV2, bearer).status, 200);

    const HttpResult unknown = apiGet(*session, kV2, "not-a-token");
    EXPECT_EQ(unknown.status, 401);
    EXPECT_TRUE(unknown.body.empty());
    EXPECT_EQ(unknown.headers.get("WWW-Authenticate", ""), R"(Bearer error="invalid_token")");

    const HttpResult missing = request(*session, "GET", kV1, {{"customerId", "12345678901"}});
    EXPECT_EQ(missing.status, 401);

    ASSERT_EQ(control("POST", "/expire-tokens").status, 200);
    const HttpResult expired = apiGet(*session, kV1, bearer);
    EXPECT_EQ(expired.status, 401);
    EXPECT_TRUE(expired.body.empty());
    EXPECT_EQ(apiGet(*session, kV1, token(*session)).status, 200);
}

TEST_F(AccountsApi, PostIsNotAllowed)
{
    auto session = httpsSession();
    EXPECT_EQ(
        request(*session, "POST", kV2, {{"Authorization", "Bearer " + token(*session)}}).status,
        405);
}

TEST(SimAccounts, GeneratedAccountsExtendTheDefaultDataset)
{
    EXPECT_EQ(generatedAccounts(4).size(), defaultAccounts().size());
    EXPECT_EQ(generatedAccounts(1).front().name, "Lommepenger");
    const std::vector<SimAccount> ten = generatedAccounts(10);
    ASSERT_EQ(ten.size(), 10u);
    EXPECT_EQ(ten[4].name, "Konto 5");
    EXPECT_EQ(ten[4].accountNumber, "97104200005");
    EXPECT_EQ(ten[9].accountId, "0BE0000000000000000000000000000A");
    EXPECT_EQ(ten[9].balance, 100000 + 10 * 1234);
    EXPECT_EQ(findAccount(ten, "Konto 10"), 9);
}

}  // namespace
}  // namespace bank2mqtt::sim::test
