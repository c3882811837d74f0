// SPDX-License-Identifier: MIT
// Tests of SbankenSource's config keys and configure() checks (no network involved).
#include "sbanken_fixtures.h"

#include <gtest/gtest.h>

namespace bank2mqtt::sbanken::test {
namespace {

class SbankenConfig : public SbankenHarness {
protected:
    ConfigResult configureWith(const std::string& key, const std::string& value,
                               const std::string& version = "1")
    {
        SourceConfig c = config({}, version);
        if (value == "(absent)")
            c.values.erase(key);
        else
            c.values[key] = value;
        return SbankenSource(services).configure(c);
    }
};

TEST_F(SbankenConfig, DeclaresItsKeysWithDefaults)
{
    const auto keys = SbankenSource(services).configKeys();
    ASSERT_EQ(keys.size(), 6u);
    auto find = [&](const std::string& name) {
        for (const auto& k : keys) {
            if (k.name == name)
                return k;
        }
        ADD_FAILURE() << "no key " << name;
        return ConfigKey{};
    };
    EXPECT_TRUE(find("client_id").required);
    EXPECT_EQ(find("client_secret_file").kind, ConfigKey::Kind::SecretFile);
    EXPECT_TRUE(find("client_secret_file").required);
    EXPECT_EQ(find("customer_id_file").kind, ConfigKey::Kind::SecretFile);
    EXPECT_FALSE(find("customer_id_file").required);
    EXPECT_EQ(find("auth_url").defaultValue, kAuthUrl);
    EXPECT_EQ(find("api_url").defaultValue, kApiV1);
    EXPECT_EQ(find("api_version").defaultValue, "1");
    for (const auto& k : keys)
        EXPECT_FALSE(k.help.empty()) << k.name;
}

TEST_F(SbankenConfig, AcceptsTheSampleConfigWithoutNetwork)
{
    EXPECT_TRUE(SbankenSource(services).configure(config({"97104133219", "Sparekonto"})).ok());
    EXPECT_TRUE(SbankenSource(services).configure(config({}, "2")).ok());
    EXPECT_TRUE(http.requests().empty());
}

TEST_F(SbankenConfig, VersionOneNeedsTheCustomerIdFile)
{
    const ConfigResult r = configureWith("customer_id", "(absent)");
    EXPECT_EQ(r.key, "customer_id_file");
    EXPECT_NE(r.message.find("api_version = 1 needs customer_id_file"), std::string::npos);
    EXPECT_TRUE(configureWith("customer_id", "(absent)", "2").ok());
}

TEST_F(SbankenConfig, RefusesUnknownApiVersions)
{
    const ConfigResult r = configureWith("api_version", "3");
    EXPECT_EQ(r.key, "api_version");
    EXPECT_EQ(r.message, "api_version must be 1 or 2, not \"3\"");
}

TEST_F(SbankenConfig, RefusesEmptyCredentials)
{
    EXPECT_EQ(configureWith("client_id", " ").key, "client_id");
    const ConfigResult r = configureWith("client_secret", "");
    EXPECT_EQ(r.key, "client_secret_file");
    EXPECT_EQ(r.message.find(kSecret), std::string::npos);
}

TEST_F(SbankenConfig, RefusesPlainHttpExceptToLoopback)
{
    const ConfigResult r = configureWith("api_url", "http://api.sbanken.no/bank/api/v1");
    EXPECT_EQ(r.key, "api_url");
    EXPECT_EQ(r.message, "api_url must start with https:// (plain http:// is allowed only for "
                         "127.0.0.1, ::1 and localhost); change it to https://api.sbanken.no/...");
    EXPECT_EQ(configureWith("auth_url", "ftp://auth.sbanken.no/x").key, "auth_url");
    EXPECT_EQ(configureWith("auth_url", "not a url").key, "auth_url");
    EXPECT_EQ(configureWith("api_url", "http://127.0.0.1.example.com/api").key, "api_url");
    EXPECT_TRUE(configureWith("api_url", "http://127.0.0.1:8443/bank/api/v1").ok());
    EXPECT_TRUE(configureWith("api_url", "http://[::1]:8443/bank/api/v1").ok());
    EXPECT_TRUE(configureWith("auth_url", "http://localhost:8443/token").ok());
}

TEST_F(SbankenConfig, FetchBeforeConfigureIsAConfigError)
{
    SbankenSource source(services);
    EXPECT_EQ(source.fetch().status, FetchStatus::ConfigError);
    EXPECT_EQ(source.listAccounts().status, FetchStatus::ConfigError);
    EXPECT_TRUE(http.requests().empty());
}

TEST_F(SbankenConfig, TrailingSlashOfApiUrlIsIgnored)
{
    SourceConfig c = config();
    c.values["api_url"] = kApiV1 + "/";
    SbankenSource source(services);
    ASSERT_TRUE(source.configure(c).ok());
    expectToken();
    expectList();
    EXPECT_EQ(source.fetch().status, FetchStatus::Ok);
    expectScriptConsumed();
}

}  // namespace
}  // namespace bank2mqtt::sbanken::test
