// SPDX-License-Identifier: MIT
// Secrets of [mqtt]: password_file lookup, permission warnings, inline passwords, no leaks.
#include "config.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <string>

namespace bank2mqtt {
namespace {

using std::filesystem::perms;
using testing::has;
using testing::ScopedEnv;
using testing::TempDir;

const std::string source = "[source.kid]\nplugin = sbanken\n";
const std::string secret = "s3cr3t-Value";

class MqttSecrets : public ::testing::Test {
protected:
    Config load(const std::string& ini, perms mode = perms(0600))
    {
        return loadConfig(dir_.write("bank2mqtt.ini", ini, mode));
    }
    std::string errorOf(const std::string& ini)
    {
        try {
            load(ini);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }
    static bool leaks(const Config& config)
    {
        for (const std::string& warning : config.warnings) {
            if (has(warning, secret))
                return true;
        }
        return false;
    }

    ScopedEnv noCredentials_{"CREDENTIALS_DIRECTORY", std::nullopt};
    TempDir dir_;
};

TEST_F(MqttSecrets, ReadsAPrivateSecretFileWithoutWarning)
{
    dir_.write("mqtt.secret", "  " + secret + "\n\n", perms(0600));
    const Config config = load("[mqtt]\npassword_file = mqtt.secret\n" + source);
    EXPECT_EQ(config.mqtt.password, secret);
    EXPECT_TRUE(config.warnings.empty());
}

TEST_F(MqttSecrets, WarnsWhenOthersCanReadTheSecretFile)
{
    const std::string path = dir_.write("mqtt.secret", secret, perms(0644));
    const Config config = load("[mqtt]\npassword_file = mqtt.secret\n" + source);
    EXPECT_EQ(config.mqtt.password, secret);
    ASSERT_EQ(config.warnings.size(), 1u);
    const std::string& warning = config.warnings[0];
    EXPECT_TRUE(has(warning, dir_.path("bank2mqtt.ini") + ":2: [mqtt] password_file")) << warning;
    EXPECT_TRUE(has(warning, path)) << warning;
    EXPECT_TRUE(has(warning, "mode 0644")) << warning;
    EXPECT_TRUE(has(warning, "chmod 600 " + path)) << warning;
    EXPECT_FALSE(leaks(config));
}

TEST_F(MqttSecrets, WarnsWhenTheGroupCanReadTheSecretFile)
{
    dir_.write("mqtt.secret", secret, perms(0640));
    EXPECT_EQ(load("[mqtt]\npassword_file = mqtt.secret\n" + source).warnings.size(), 1u);
}

TEST_F(MqttSecrets, RefusesAnUnreadableSecretPath)
{
    // Tests run as root, who can read any file; a path below a regular file cannot be opened
    // by anyone, which is what an unreadable secret looks like to the loader.
    dir_.write("plain", "x");
    const std::string message = errorOf("[mqtt]\npassword_file = plain/mqtt.secret\n" + source);
    EXPECT_TRUE(has(message, dir_.path("bank2mqtt.ini") + ":2: [mqtt] password_file")) << message;
    EXPECT_TRUE(has(message, dir_.path("plain/mqtt.secret"))) << message;
    EXPECT_TRUE(has(message, "does not exist")) << message;
}

TEST_F(MqttSecrets, ExplainsHowToFixAnUnreadableFile)
{
    const std::string message = errorOf("[mqtt]\npassword_file = " + dir_.path() + "\n" + source);
    EXPECT_TRUE(has(message, "[mqtt] password_file")) << message;
    EXPECT_TRUE(has(message, "is a directory")) << message;
}

TEST_F(MqttSecrets, LooksRelativePathsUpInTheCredentialsDirectory)
{
    TempDir credentials;
    credentials.write("mqtt.secret", secret + "\n", perms(0400));
    dir_.write("mqtt.secret", "wrong", perms(0600));
    const ScopedEnv env("CREDENTIALS_DIRECTORY", credentials.path());
    const Config config = load("[mqtt]\npassword_file = mqtt.secret\n" + source);
    EXPECT_EQ(config.mqtt.password, secret);
    EXPECT_TRUE(config.warnings.empty());
}

TEST_F(MqttSecrets, IgnoresTheCredentialsDirectoryForAbsolutePaths)
{
    TempDir credentials;
    const std::string path = dir_.write("mqtt.secret", secret, perms(0600));
    const ScopedEnv env("CREDENTIALS_DIRECTORY", credentials.path());
    EXPECT_EQ(load("[mqtt]\npassword_file = " + path + "\n" + source).mqtt.password, secret);
}

TEST_F(MqttSecrets, TellsHowToAddAMissingCredential)
{
    TempDir credentials;
    const ScopedEnv env("CREDENTIALS_DIRECTORY", credentials.path());
    const std::string message = errorOf("[mqtt]\npassword_file = mqtt.secret\n" + source);
    EXPECT_TRUE(has(message, "[mqtt] password_file = \"mqtt.secret\"")) << message;
    EXPECT_TRUE(has(message, "$CREDENTIALS_DIRECTORY as " + credentials.path("mqtt.secret")))
        << message;
    EXPECT_TRUE(has(message, "LoadCredential=mqtt.secret:")) << message;
}

TEST_F(MqttSecrets, AcceptsAnInlinePasswordInAPrivateFile)
{
    const Config config = load("[mqtt]\npassword = " + secret + "\n" + source, perms(0600));
    EXPECT_EQ(config.mqtt.password, secret);
    EXPECT_TRUE(config.warnings.empty());
}

TEST_F(MqttSecrets, WarnsAboutAnInlinePasswordOthersCanRead)
{
    const Config config = load("[mqtt]\npassword = " + secret + "\n" + source, perms(0644));
    EXPECT_EQ(config.mqtt.password, secret);
    ASSERT_EQ(config.warnings.size(), 1u);
    const std::string& warning = config.warnings[0];
    EXPECT_TRUE(has(warning, dir_.path("bank2mqtt.ini") + ":2: [mqtt] password")) << warning;
    EXPECT_TRUE(has(warning, "exposed")) << warning;
    EXPECT_TRUE(has(warning, "password_file")) << warning;
    EXPECT_FALSE(leaks(config));
}

TEST_F(MqttSecrets, WarnsAboutAPasswordSentInClear)
{
    dir_.write("mqtt.secret", secret);
    const Config config =
        load("[mqtt]\nuri = tcp://broker.lan\npassword_file = mqtt.secret\n" + source);
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_TRUE(has(config.warnings[0], "[mqtt] password_file is sent unencrypted"));
    EXPECT_FALSE(leaks(config));
}

TEST_F(MqttSecrets, ChecksTheClientKeyLikeASecret)
{
    dir_.write("client.pem", "cert", perms(0644));
    const std::string key = dir_.write("client.key", "key", perms(0644));
    const Config config = load(
        "[mqtt]\nuri = ssl://broker\ncert_file = client.pem\nkey_file = client.key\n" + source);
    EXPECT_EQ(config.mqtt.certFile, dir_.path("client.pem"));
    EXPECT_EQ(config.mqtt.keyFile, key);
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_TRUE(has(config.warnings[0], "[mqtt] key_file: " + key)) << config.warnings[0];
}

}  // namespace
}  // namespace bank2mqtt
