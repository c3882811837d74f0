// SPDX-License-Identifier: MIT
// Tests of the pure Sbanken request builders and the account object parser.
#include "sbanken_api.h"

#include "sbanken_fixtures.h"

#include "account_identity.h"
#include "json_reply.h"

#include <gtest/gtest.h>

namespace bank2mqtt::sbanken::test {
namespace {

std::string headerOf(const HttpRequest& request, const std::string& name)
{
    for (const auto& [key, value] : request.headers) {
        if (key == name)
            return value;
    }
    return "(absent)";
}

Endpoint endpoint(ApiVersion version = ApiVersion::V1)
{
    Endpoint e;
    e.authUrl = kAuthUrl;
    e.apiUrl = version == ApiVersion::V1 ? kApiV1 : kApiV2;
    e.version = version;
    e.customerId = version == ApiVersion::V1 ? kCustomerId : "";
    return e;
}

BankAccount parsed(const std::string& json)
{
    BankAccount account;
    std::string whyNot;
    EXPECT_TRUE(parseAccount(parseJsonObject(json).object, account, whyNot)) << whyNot;
    return account;
}

std::string whyNot(const std::string& json)
{
    BankAccount account;
    std::string why;
    EXPECT_FALSE(parseAccount(parseJsonObject(json).object, account, why));
    return why;
}

TEST(SbankenTokenRequest, PercentEncodesCredentialsBeforeBase64)
{
    // base64("demo-client:Hemmelig%2BPassord%2F2026%3F%3D%26%25")
    EXPECT_EQ(basicAuthorization(kClientId, kSecret),
              "Basic ZGVtby1jbGllbnQ6SGVtbWVsaWclMkJQYXNzb3JkJTJGMjAyNiUzRiUzRCUyNiUyNQ==");
}

TEST(SbankenTokenRequest, PostsTheClientCredentialsGrant)
{
    const HttpRequest r = tokenRequest(endpoint(), kClientId, kSecret);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, kAuthUrl);
    EXPECT_EQ(r.body, "grant_type=client_credentials");
    EXPECT_EQ(headerOf(r, "Authorization"),
              "Basic ZGVtby1jbGllbnQ6SGVtbWVsaWclMkJQYXNzb3JkJTJGMjAyNiUzRiUzRCUyNiUyNQ==");
    EXPECT_EQ(headerOf(r, "Accept"), "application/json");
    EXPECT_EQ(headerOf(r, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
    EXPECT_EQ(headerOf(r, "customerId"), "(absent)");
}

TEST(SbankenDataRequest, SendsCustomerIdOnlyForVersionOne)
{
    const HttpRequest v1 = accountListRequest(endpoint(ApiVersion::V1), kToken1);
    EXPECT_EQ(v1.method, "GET");
    EXPECT_EQ(v1.url, kApiV1 + "/accounts/");
    EXPECT_EQ(headerOf(v1, "Authorization"), "Bearer " + kToken1);
    EXPECT_EQ(headerOf(v1, "Accept"), "application/json");
    EXPECT_EQ(headerOf(v1, "customerId"), kCustomerId);

    const HttpRequest v2 = accountRequest(endpoint(ApiVersion::V2), kToken1, idOf(0));
    EXPECT_EQ(v2.url, kApiV2 + "/accounts/" + idOf(0));
    EXPECT_EQ(headerOf(v2, "customerId"), "(absent)");
}

TEST(SbankenDataRequest, EncodesTheAccountIdAsOnePathSegment)
{
    EXPECT_EQ(accountRequest(endpoint(), kToken1, "a/b c").url, kApiV1 + "/accounts/a%2Fb%20c");
}

TEST(SbankenParseAccount, MapsFieldsWithoutIdentifyingData)
{
    const BankAccount a = parsed(accountJson(fixtureAccounts()[3]));
    EXPECT_EQ(a.accountId, idOf(3));
    EXPECT_EQ(a.accountNumber, "97104133243");
    EXPECT_EQ(a.account.fingerprint, accountFingerprint("sbanken", "97104133243"));
    EXPECT_EQ(a.account.maskedNumber, "*******3243");
    EXPECT_EQ(a.account.name, "Kredittkort");
    EXPECT_EQ(a.account.type, "Creditcard account");
    EXPECT_EQ(a.account.balance, (Money{-152040, "NOK"}));
    EXPECT_EQ(a.account.available, (Money{847960, "NOK"}));
    EXPECT_EQ(a.account.creditLimit, (Money{1000000, "NOK"}));
    EXPECT_EQ(a.account.selector, -1);
}

TEST(SbankenParseAccount, TreatsAMissingCreditLimitAsUnknown)
{
    const BankAccount a =
        parsed(R"({"accountId":"x","accountNumber":"97104133219","available":1,"balance":1})");
    EXPECT_EQ(a.account.creditLimit, std::nullopt);
    EXPECT_EQ(a.account.name, "");
    EXPECT_EQ(parsed(R"({"accountId":"x","accountNumber":"97104133219","available":1,)"
                     R"("balance":1,"creditLimit":null})")
                  .account.creditLimit,
              std::nullopt);
}

TEST(SbankenParseAccount, RefusesMissingOrInexactAmountsInsteadOfZero)
{
    EXPECT_EQ(whyNot(R"({"accountId":"x","accountNumber":"97104133219","available":1})"),
              "the bank sent account *******3219 without a usable balance");
    EXPECT_EQ(whyNot(R"({"accountId":"x","accountNumber":"97104133219","balance":1,)"
                     R"("available":"n/a"})"),
              "the bank sent account *******3219 without a usable available amount");
    EXPECT_EQ(whyNot(R"({"accountId":"x","accountNumber":"97104133219","balance ":1,)"
                     R"("available":1})"),
              "the bank sent account *******3219 without a usable balance");
    EXPECT_EQ(whyNot(R"({"accountId":"x","accountNumber":"97104133219","balance":1.005,)"
                     R"("available":1})"),
              "the bank sent account *******3219 without a usable balance");
    EXPECT_EQ(whyNot(R"({"accountNumber":"97104133219","balance":1,"available":1})"),
              "the bank sent account *******3219 without an accountId");
    EXPECT_EQ(whyNot(R"({"accountId":"x","balance":1,"available":1})"),
              "the bank sent an account without an account number");
}

}  // namespace
}  // namespace bank2mqtt::sbanken::test
