// SPDX-License-Identifier: MIT
// CheckedSource on a scripted BankSource: secrets scrubbed from every text, plugin output that
// the daemon cannot publish turned into the source's error.
#include "checked_source.h"

#include "support/capturing_logger.h"

#include <Poco/Base64Encoder.h>

#include <gtest/gtest.h>

#include <sstream>

namespace bank2mqtt {
namespace {

const std::string kSecret = "Hemmelig+Passord/2026?=&%";
const std::string kCustomer = "12345678901";
const std::string kClient = "demo-client";

std::string base64(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

// A plugin that returns whatever the test put in `next` (and `listing`, when it offers a feed).
class ScriptedSource : public BankSource, public TransactionFeed {
public:
    void* capability(const std::string& name, std::uint32_t version) noexcept override
    {
        if (offersFeed && name == TransactionFeed::kName && version == TransactionFeed::kVersion)
            return static_cast<TransactionFeed*>(this);
        return nullptr;
    }
    void enableTransactions() noexcept override { enabled = true; }
    TransactionsResult fetchTransactions(const std::string&) noexcept override { return listing; }
    std::uint32_t fetchesPerDay() const noexcept override { return 4; }
    bool offersFeed = false;
    bool enabled = false;
    TransactionsResult listing;

    std::vector<ConfigKey> configKeys() const noexcept override
    {
        return {{"client_id", ConfigKey::Kind::Text, true, "", ""},
                {"client_secret_file", ConfigKey::Kind::SecretFile, true, "", ""},
                {"customer_id_file", ConfigKey::Kind::SecretFile, false, "", ""}};
    }
    ConfigResult configure(const SourceConfig&) noexcept override { return configResult; }
    FetchResult listAccounts() noexcept override { return next; }
    FetchResult fetch() noexcept override { return next; }

    ConfigResult configResult;
    FetchResult next;
};

Account goodAccount()
{
    Account a;
    a.fingerprint = "0123456789abcdef0123456789abcdef";
    a.name = "Lommepenger";
    a.type = "Standard account";
    a.maskedNumber = "*******3219";
    a.balance = {43725, "NOK"};
    a.available = {43725, "NOK"};
    return a;
}

class CheckedSourceTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        SourceConfig config;
        config.sourceId = "kid";
        config.values = {
            {"client_id", kClient}, {"client_secret", kSecret}, {"customer_id", kCustomer}};
        config.selectors = {"Lommepenger"};
        ASSERT_TRUE(checked.configure(config).ok());
    }

    FetchResult fetchWith(FetchResult result)
    {
        plugin.next = std::move(result);
        return checked.fetch();
    }
    FetchResult fetchAccount(const Account& account)
    {
        return fetchWith(FetchResult::ok({account}));
    }

    ScriptedSource plugin;
    SecretScrubber scrubber;
    CheckedSource checked{plugin, "sbanken", scrubber};
};

TEST_F(CheckedSourceTest, ScrubsEveryFormOfASecretFromTheMessage)
{
    const std::string encoded = "Hemmelig%2BPassord%2F2026%3F%3D%26%25";
    const std::vector<std::string> forms = {
        kSecret,
        encoded,
        "Hemmelig%2bPassord%2f2026%3f%3d%26%25",
        base64(kClient + ":" + kSecret),
        base64(kClient + ":" + encoded),
        kCustomer,
    };
    for (const std::string& form : forms) {
        const FetchResult r = fetchWith(
            FetchResult::failure(FetchStatus::Temporary, "the bank said: " + form + " is wrong"));
        EXPECT_EQ(r.status, FetchStatus::Temporary);
        EXPECT_EQ(r.message, "the bank said: *** is wrong") << form;
    }
}

TEST_F(CheckedSourceTest, ScrubsSecretsFromAccountNamesAndTypes)
{
    Account account = goodAccount();
    account.name = "Konto " + kCustomer;
    account.type = "Type " + kSecret;
    const FetchResult r = fetchAccount(account);
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(r.accounts.at(0).name, "Konto ***");
    EXPECT_EQ(r.accounts.at(0).type, "Type ***");
}

TEST_F(CheckedSourceTest, ScrubsTheConfigurationMessage)
{
    plugin.configResult = {"client_id", "the secret " + kSecret + " is too long"};
    SourceConfig config;
    config.values = {{"client_secret", kSecret}};
    EXPECT_EQ(checked.configure(config).message, "the secret *** is too long");
}

Transaction entry(const std::string& text, Money amount = {-4900, "NOK"},
                  const std::string& date = "2026-11-27", bool pending = false)
{
    Transaction t;
    t.amount = amount;
    t.text = text;
    t.date = date;
    t.pending = pending;
    return t;
}

TEST_F(CheckedSourceTest, OffersTheFeedOnlyWhenThePluginDoes)
{
    EXPECT_EQ(capabilityOf<TransactionFeed>(checked), nullptr);
    plugin.offersFeed = true;
    TransactionFeed* feed = capabilityOf<TransactionFeed>(checked);
    ASSERT_NE(feed, nullptr);
    EXPECT_NE(static_cast<void*>(feed), static_cast<void*>(&plugin));  // checked, not the bare one
    feed->enableTransactions();
    EXPECT_TRUE(plugin.enabled);
    EXPECT_EQ(feed->fetchesPerDay(), 4u);
}

TEST_F(CheckedSourceTest, TransactionTextsAreScrubbedAndEveryLongNumberMasked)
{
    plugin.offersFeed = true;
    ASSERT_EQ(fetchAccount(goodAccount()).status, FetchStatus::Ok);
    plugin.listing = TransactionsResult::ok(
        {{goodAccount().fingerprint,
          {entry("NARVESEN kort 4111 1111 1111 1111"), entry("Fra 9710.41.33219"),
           entry("Til 010190 12345 " + kSecret), entry("Kiosk\n\tOslo")}}});
    const TransactionsResult r = capabilityOf<TransactionFeed>(checked)->fetchTransactions("x");
    ASSERT_EQ(r.status, FetchStatus::Ok);
    ASSERT_EQ(r.accounts.size(), 1u);
    const auto& list = r.accounts[0].transactions;
    ASSERT_EQ(list.size(), 4u);
    EXPECT_EQ(list[0].text, "NARVESEN kort ***");
    EXPECT_EQ(list[1].text, "Fra ***");
    EXPECT_EQ(list[2].text, "Til *** ***");
    EXPECT_EQ(list[3].text, "Kiosk Oslo");
    EXPECT_EQ(r.message, "");
}

TEST_F(CheckedSourceTest, TransactionsTheHostCannotPlaceAreLeftOutAndCounted)
{
    plugin.offersFeed = true;
    ASSERT_EQ(fetchAccount(goodAccount()).status, FetchStatus::Ok);
    plugin.listing = TransactionsResult::ok(
        {{goodAccount().fingerprint,
          {entry("ok"), entry("euro", {-4900, "EUR"}), entry("precision", {-4900, "NOK", 3}),
           entry("undated", {-4900, "NOK"}, ""), entry("pending undated", {-100, "NOK"}, "", true),
           entry("bad date", {-4900, "NOK"}, "27.11.2026")}},
         {"ffffffffffffffffffffffffffffffff", {entry("an account not fetched")}}});
    const TransactionsResult r = capabilityOf<TransactionFeed>(checked)->fetchTransactions("x");
    ASSERT_EQ(r.status, FetchStatus::Ok);
    ASSERT_EQ(r.accounts.size(), 1u);
    const auto& list = r.accounts[0].transactions;
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].text, "ok");
    EXPECT_EQ(list[1].text, "pending undated");
    EXPECT_EQ(list[1].date, "");
    EXPECT_NE(r.message.find("5 transactions from the sbanken plugin could not be used"),
              std::string::npos)
        << r.message;
}

TEST_F(CheckedSourceTest, AFailedListingKeepsOnlyItsScrubbedMessage)
{
    plugin.offersFeed = true;
    plugin.listing =
        TransactionsResult::failure(FetchStatus::AuthRequired, "token " + kSecret + " refused");
    plugin.listing.accounts = {{goodAccount().fingerprint, {entry("x")}}};
    const TransactionsResult r = capabilityOf<TransactionFeed>(checked)->fetchTransactions("x");
    EXPECT_EQ(r.status, FetchStatus::AuthRequired);
    EXPECT_TRUE(r.accounts.empty());
    EXPECT_EQ(r.message.find(kSecret), std::string::npos) << r.message;
}

TEST_F(CheckedSourceTest, PassesAGoodResultThrough)
{
    const FetchResult r = fetchAccount(goodAccount());
    ASSERT_EQ(r.status, FetchStatus::Ok) << r.message;
    EXPECT_EQ(r.accounts.at(0).name, "Lommepenger");
}

struct BadAccount {
    const char* name;
    void (*spoil)(Account&);
    const char* problem;
};

class CheckedSourceBadAccount : public CheckedSourceTest,
                                public ::testing::WithParamInterface<BadAccount> {};

TEST_P(CheckedSourceBadAccount, IsTheSourcesErrorNotAnException)
{
    Account account = goodAccount();
    GetParam().spoil(account);
    const FetchResult r = fetchAccount(account);
    EXPECT_EQ(r.status, FetchStatus::Temporary);
    EXPECT_TRUE(r.accounts.empty());
    EXPECT_EQ(r.message, std::string("the sbanken plugin returned an account bank2mqtt cannot "
                                     "publish: ") +
                             GetParam().problem);
}

INSTANTIATE_TEST_SUITE_P(
    Spoiled, CheckedSourceBadAccount,
    ::testing::Values(BadAccount{"ShortFingerprint", [](Account& a) { a.fingerprint = "abc123"; },
                                 "its fingerprint has fewer than 16 hex digits"},
                      BadAccount{"NonHexFingerprint",
                                 [](Account& a) { a.fingerprint = "0123456789abcdefXYZ/+\n"; },
                                 "its fingerprint is not a hex digest"},
                      BadAccount{"LowerCaseCurrency",
                                 [](Account& a) { a.balance.currency = "nok"; },
                                 "a currency is not a 3-letter ISO 4217 code"},
                      BadAccount{"LongCurrency", [](Account& a) { a.available.currency = "NOKK"; },
                                 "a currency is not a 3-letter ISO 4217 code"},
                      BadAccount{"CreditLimitCurrency",
                                 [](Account& a) {
                                     a.creditLimit = Money{0, "Nok"};
                                 },
                                 "a currency is not a 3-letter ISO 4217 code"},
                      BadAccount{"MixedCurrencies",
                                 [](Account& a) {
                                     a.creditLimit = Money{0, ""};
                                 },
                                 "its amounts are not all in the balance's currency"},
                      BadAccount{"MixedDecimals", [](Account& a) { a.available.decimals = 4; },
                                 "its amounts are not all in the balance's currency"},
                      BadAccount{"TooManyDecimals",
                                 [](Account& a) { a.balance.decimals = a.available.decimals = 19; },
                                 "an amount has 19 decimals, more than the 18 bank2mqtt can show"},
                      BadAccount{"NameWithNewline", [](Account& a) { a.name = "Lomme\npenger"; },
                                 "its name has control characters or is not UTF-8"},
                      BadAccount{"NameWithInvalidUtf8", [](Account& a) { a.name = "Lomme\xff"; },
                                 "its name has control characters or is not UTF-8"},
                      BadAccount{"TypeWithEscape", [](Account& a) { a.type = "\x1b[31mred"; },
                                 "its type has control characters or is not UTF-8"},
                      BadAccount{"FullNumber", [](Account& a) { a.maskedNumber = "97104133219"; },
                                 "its masked number shows more than the last 4 digits"},
                      BadAccount{"SelectorOutOfRange", [](Account& a) { a.selector = 7; },
                                 "it names a selector of accounts = that does not exist"}),
    [](const ::testing::TestParamInfo<BadAccount>& info) { return std::string(info.param.name); });

TEST_F(CheckedSourceTest, TenThousandAccountsAreAConfigurationErrorNotTenThousandDevices)
{
    std::vector<Account> accounts(10000, goodAccount());
    const FetchResult r = fetchWith(FetchResult::ok(accounts));
    EXPECT_EQ(r.status, FetchStatus::ConfigError);
    EXPECT_EQ(r.message, "the bank lists 10000 accounts, more than the 500 bank2mqtt publishes "
                         "for one source; choose the ones to publish with accounts =");
    // --list-accounts still shows them all, so that the user can choose.
    plugin.next = FetchResult::ok(accounts);
    EXPECT_EQ(checked.listAccounts().accounts.size(), 10000u);
}

TEST(ScrubbingLogger, ScrubsThePluginsLogLines)
{
    SecretScrubber scrubber;
    SourceConfig config;
    config.values = {{"client_secret", kSecret}};
    scrubber.learn(config, {{"client_secret_file", ConfigKey::Kind::SecretFile, true, "", ""}});
    test::CapturingLogger out;
    ScrubbingLogger log(out, scrubber);
    log.info("sent " + kSecret);
    ASSERT_EQ(out.lines.size(), 1u);
    EXPECT_EQ(out.lines.at(0).text, "sent ***");
}

TEST(SecretScrubber, IgnoresSecretsTooShortToScrubSafely)
{
    SecretScrubber scrubber;
    SourceConfig config;
    config.values = {{"pin", "123"}};
    scrubber.learn(config, {{"pin_file", ConfigKey::Kind::SecretFile, true, "", ""}});
    EXPECT_EQ(scrubber.scrub("error 123 at 12:30"), "error 123 at 12:30");
}

}  // namespace
}  // namespace bank2mqtt
