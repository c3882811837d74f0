// SPDX-License-Identifier: MIT
// resolvePluginConfig(): a source's own keys against the plugin's schema, secrets read.
#include "config.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bank2mqtt {
namespace {

using std::filesystem::perms;
using testing::has;
using testing::ScopedEnv;
using testing::TempDir;

using Kind = ConfigKey::Kind;

// Shaped like the Sbanken plugin's keys.
const std::vector<ConfigKey> schema = {
    {"client_id", Kind::Text, true, "", "the application's client id from the bank"},
    {"client_secret_file", Kind::SecretFile, true, "", "file holding the client secret"},
    {"customer_id_file", Kind::SecretFile, false, "", "file holding the customer id"},
    {"auth_url", Kind::Text, false, "https://auth.sbanken.no/identityserver/connect/token", ""},
    {"api_version", Kind::Text, false, "1", ""},
};

const std::string secret = "s3cr3t-Value";

class PluginConfig : public ::testing::Test {
protected:
    void SetUp() override { dir_.write("kid.secret", secret + "\n", perms(0600)); }

    // Loads `[source.kid]` + `keys` and resolves it against `schema`.
    SourceConfig resolve(const std::string& keys, perms mode = perms(0600))
    {
        const Config config = loadConfig(
            dir_.write("bank2mqtt.ini", "[source.kid]\nplugin = sbanken\n" + keys, mode));
        warnings_.clear();
        return resolvePluginConfig(config, config.sources.at(0), schema, warnings_);
    }
    std::string errorOf(const std::string& keys)
    {
        try {
            resolve(keys);
        } catch (const ConfigError& e) {
            const std::string message = e.what();
            EXPECT_TRUE(has(message, dir_.path("bank2mqtt.ini") + ":")) << message;
            EXPECT_TRUE(has(message, "[source.kid]")) << message;
            EXPECT_FALSE(has(message, secret)) << message;
            return message;
        }
        ADD_FAILURE() << "no error for " << keys;
        return "";
    }

    ScopedEnv noCredentials_{"CREDENTIALS_DIRECTORY", std::nullopt};
    TempDir dir_;
    std::vector<std::string> warnings_;
};

TEST_F(PluginConfig, ResolvesValuesDefaultsAndSecrets)
{
    const SourceConfig config =
        resolve("accounts = pocket=97104133219, Sparekonto\nclient_id = app\n"
                "client_secret_file = kid.secret\napi_version = 2\n");
    EXPECT_EQ(config.sourceId, "kid");
    EXPECT_EQ(config.file, dir_.path("bank2mqtt.ini"));
    EXPECT_EQ(config.values.at("client_id"), "app");
    EXPECT_EQ(config.values.at("client_secret"), secret);
    EXPECT_EQ(config.values.count("client_secret_file"), 0u);
    EXPECT_EQ(config.values.at("customer_id"), "");
    EXPECT_EQ(config.values.at("auth_url"), "https://auth.sbanken.no/identityserver/connect/token");
    EXPECT_EQ(config.values.at("api_version"), "2");
    EXPECT_EQ(config.selectors, (std::vector<std::string>{"97104133219", "Sparekonto"}));
    EXPECT_TRUE(warnings_.empty());
}

TEST_F(PluginConfig, SuggestsASchemaKeyForAMisspeltKey)
{
    const std::string message = errorOf("client_idd = app\nclient_secret_file = kid.secret\n");
    EXPECT_TRUE(has(message, ":3: [source.kid] client_idd is not a key of the sbanken plugin"))
        << message;
    EXPECT_TRUE(has(message, "did you mean client_id?")) << message;
}

TEST_F(PluginConfig, SuggestsAHostKeyForAMisspeltKey)
{
    const std::string message = errorOf("intervall = 15m\n");
    EXPECT_TRUE(has(message, "intervall")) << message;
    EXPECT_TRUE(has(message, "did you mean interval?")) << message;
}

TEST_F(PluginConfig, ListsTheKeysWhenNothingIsClose)
{
    const std::string message = errorOf("colour = blue\n");
    EXPECT_TRUE(has(message, "[source.kid] colour is not a key")) << message;
    EXPECT_TRUE(has(message, "client_secret_file")) << message;
    EXPECT_TRUE(has(message, "low_balance")) << message;
}

TEST_F(PluginConfig, NeverEchoesTheValueOfAnUnknownKey)
{
    const std::string message = errorOf("client_secrt = " + secret + "\n");
    EXPECT_TRUE(has(message, "did you mean client_secret")) << message;
}

TEST_F(PluginConfig, NamesAMissingRequiredKey)
{
    const std::string message = errorOf("client_secret_file = kid.secret\n");
    EXPECT_TRUE(has(message, ":1: [source.kid] client_id is missing")) << message;
    EXPECT_TRUE(has(message, "the application's client id from the bank")) << message;
    EXPECT_TRUE(has(message, "add client_id = ")) << message;
}

TEST_F(PluginConfig, TreatsAnEmptyRequiredKeyAsMissing)
{
    EXPECT_TRUE(
        has(errorOf("client_id =\nclient_secret_file = kid.secret\n"), "client_id is missing"));
}

TEST_F(PluginConfig, NamesAMissingRequiredSecret)
{
    const std::string message = errorOf("client_id = app\n");
    EXPECT_TRUE(has(message, "[source.kid] client_secret_file is missing")) << message;
    EXPECT_TRUE(has(message, "add client_secret_file = ")) << message;
}

TEST_F(PluginConfig, RefusesAMissingSecretFile)
{
    const std::string message = errorOf("client_id = app\nclient_secret_file = gone.secret\n");
    EXPECT_TRUE(has(message, ":4: [source.kid] client_secret_file = \"gone.secret\"")) << message;
    EXPECT_TRUE(has(message, dir_.path("gone.secret"))) << message;
    EXPECT_TRUE(has(message, "does not exist")) << message;
}

TEST_F(PluginConfig, RefusesAnEmptySecretFile)
{
    dir_.write("empty.secret", "\n");
    EXPECT_TRUE(has(errorOf("client_id = app\nclient_secret_file = empty.secret\n"),
                    "client_secret_file = \"empty.secret\" is an empty file"));
}

TEST_F(PluginConfig, WarnsWhenOthersCanReadTheSecretFile)
{
    const std::string path = dir_.write("open.secret", secret, perms(0604));
    const SourceConfig config = resolve("client_id = app\nclient_secret_file = open.secret\n");
    EXPECT_EQ(config.values.at("client_secret"), secret);
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_TRUE(has(warnings_[0], ":4: [source.kid] client_secret_file: " + path)) << warnings_[0];
    EXPECT_TRUE(has(warnings_[0], "chmod 600")) << warnings_[0];
    EXPECT_FALSE(has(warnings_[0], secret));
}

TEST_F(PluginConfig, ReadsSecretsFromTheCredentialsDirectory)
{
    TempDir credentials;
    credentials.write("kid.secret", "from-systemd\n", perms(0400));
    const ScopedEnv env("CREDENTIALS_DIRECTORY", credentials.path());
    const SourceConfig config = resolve("client_id = app\nclient_secret_file = kid.secret\n");
    EXPECT_EQ(config.values.at("client_secret"), "from-systemd");
}

TEST_F(PluginConfig, AcceptsAnInlineSecret)
{
    const SourceConfig config = resolve("client_id = app\nclient_secret = " + secret + "\n");
    EXPECT_EQ(config.values.at("client_secret"), secret);
    EXPECT_TRUE(warnings_.empty());
}

TEST_F(PluginConfig, WarnsAboutAnInlineSecretOthersCanRead)
{
    resolve("client_id = app\nclient_secret = " + secret + "\n", perms(0644));
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_TRUE(has(warnings_[0], ":4: [source.kid] client_secret is written")) << warnings_[0];
    EXPECT_TRUE(has(warnings_[0], "exposed")) << warnings_[0];
    EXPECT_TRUE(has(warnings_[0], "set client_secret_file instead")) << warnings_[0];
    EXPECT_FALSE(has(warnings_[0], secret));
}

TEST_F(PluginConfig, RefusesAnInlineSecretAndItsFile)
{
    const std::string message = errorOf("client_id = app\nclient_secret = " + secret +
                                        "\nclient_secret_file = kid.secret\n");
    EXPECT_TRUE(has(message, ":4: [source.kid] client_secret and client_secret_file (line 5)"))
        << message;
    EXPECT_TRUE(has(message, "keep only client_secret_file")) << message;
}

TEST_F(PluginConfig, LeavesHostKeysToTheHost)
{
    const std::vector<ConfigKey> withHostKey = {{"ca_file", Kind::Text, true, "", ""}};
    const Config config = loadConfig(dir_.write("bank2mqtt.ini", "[source.kid]\nplugin = x\n"));
    const SourceConfig resolved =
        resolvePluginConfig(config, config.sources.at(0), withHostKey, warnings_);
    EXPECT_EQ(resolved.values.count("ca_file"), 0u);
}

TEST_F(PluginConfig, ReadsADefaultSecretFile)
{
    const std::vector<ConfigKey> withDefault = {
        {"token_file", Kind::SecretFile, false, "kid.secret", ""}};
    const Config config = loadConfig(dir_.write("bank2mqtt.ini", "[source.kid]\nplugin = x\n"));
    const SourceConfig resolved =
        resolvePluginConfig(config, config.sources.at(0), withDefault, warnings_);
    EXPECT_EQ(resolved.values.at("token"), secret);
}

TEST_F(PluginConfig, KeepsRelativePathsAfterAChangeOfDirectory)
{
    dir_.write("bank2mqtt.ini",
               "[source.kid]\nplugin = x\nclient_id = app\nclient_secret_file = kid.secret\n");
    const std::filesystem::path before = std::filesystem::current_path();
    std::filesystem::current_path(dir_.path());
    const Config config = loadConfig("bank2mqtt.ini");
    std::filesystem::current_path("/");
    std::string value;
    try {
        value = resolvePluginConfig(config, config.sources.at(0), schema, warnings_)
                    .values.at("client_secret");
    } catch (const ConfigError& e) {
        ADD_FAILURE() << e.what();
    }
    std::filesystem::current_path(before);
    EXPECT_EQ(value, secret);
    EXPECT_EQ(config.directory, dir_.path());
}

}  // namespace
}  // namespace bank2mqtt
