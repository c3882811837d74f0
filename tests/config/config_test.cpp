// SPDX-License-Identifier: MIT
// loadConfig(): the SPEC example, defaults, INI syntax rules and the file-level refusals.
#include "config.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <string>

namespace bank2mqtt {
namespace {

using namespace std::chrono_literals;
using testing::has;
using testing::ScopedEnv;
using testing::TempDir;

const std::string minimal = "[source.kid]\nplugin = sbanken\n";

class ConfigLoad : public ::testing::Test {
protected:
    // Loads `ini` written with mode 0600, so no exposure warnings unless a test asks for them.
    Config load(const std::string& ini) { return loadConfig(dir_.write("bank2mqtt.ini", ini)); }

    // The message of the ConfigError that loading `ini` throws, or "" when it loads.
    std::string errorOf(const std::string& ini)
    {
        try {
            load(ini);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }

    ScopedEnv noCredentials_{"CREDENTIALS_DIRECTORY", std::nullopt};
    TempDir dir_;
};

// The example from SPEC.md, verbatim but for the secret paths.
const std::string specExample = R"ini([mqtt]
uri = tcp://localhost:1883        ; ssl://host:8883 for TLS
client_id = bank2mqtt             ; unique per instance
username =
password_file =                   ; secrets come from files (or $CREDENTIALS_DIRECTORY)
ca_file =                         ; TLS: verify the broker; never off unless insecure = true
base_topic = bank2mqtt
discovery = true
discovery_prefix = homeassistant

[daemon]
plugin_dir = /usr/lib/bank2mqtt/plugins
state_dir = /var/lib/bank2mqtt    ; cached tokens, account ids, published discovery topics

[source.kid]                      ; one section per bank login; "kid" is the source id
plugin = sbanken
interval = 15m                    ; 30s, 15m, 1h
accounts = 97104133219, Sparekonto   ; optional: account numbers, names or ids; empty = all
low_balance = 100                 ; optional threshold -> low-balance entity
client_id = ...
client_secret_file = /etc/bank2mqtt/kid.secret
customer_id_file = /etc/bank2mqtt/kid.customer
; advanced: where the bank is (tests point these at the simulator)
auth_url = https://auth.sbanken.no/identityserver/connect/token
api_url = https://api.sbanken.no/bank/api/v1
api_version = 1
ca_file =                         ; extra CA to trust for this bank (the simulator's)
)ini";

TEST_F(ConfigLoad, ReadsTheSpecExample)
{
    const Config config = load(specExample);
    EXPECT_EQ(config.mqtt.uri, "tcp://localhost:1883");
    EXPECT_EQ(config.mqtt.clientId, "bank2mqtt");
    EXPECT_EQ(config.mqtt.username, "");
    EXPECT_EQ(config.mqtt.password, "");
    EXPECT_EQ(config.mqtt.caFile, "");
    EXPECT_TRUE(config.mqtt.discovery);
    EXPECT_EQ(config.daemon.stateDir, "/var/lib/bank2mqtt");
    ASSERT_EQ(config.sources.size(), 1u);
    const SourceSettings& kid = config.sources[0];
    EXPECT_EQ(kid.id, "kid");
    EXPECT_EQ(kid.line, 15);
    EXPECT_EQ(kid.plugin, "sbanken");
    EXPECT_EQ(kid.interval, 15min);
    EXPECT_EQ(kid.maxAge, 45min);
    ASSERT_EQ(kid.accounts.size(), 2u);
    EXPECT_EQ(kid.accounts[0].selector, "97104133219");
    EXPECT_EQ(kid.accounts[1].selector, "Sparekonto");
    EXPECT_EQ(kid.lowBalance, "100");
    EXPECT_EQ(kid.caFile, "");
    EXPECT_EQ(kid.pluginKeys.at("client_id"), "...");
    EXPECT_EQ(kid.pluginKeys.at("auth_url"),
              "https://auth.sbanken.no/identityserver/connect/token");
    EXPECT_EQ(kid.pluginKeys.at("client_secret_file"), "/etc/bank2mqtt/kid.secret");
    EXPECT_EQ(kid.pluginKeys.count("interval"), 0u);
    EXPECT_EQ(kid.keyLines.at("client_id"), 20);
    EXPECT_EQ(kid.keyLines.at("interval"), 17);
    EXPECT_TRUE(config.warnings.empty());
}

TEST_F(ConfigLoad, AppliesDefaults)
{
    const Config config = load(minimal);
    EXPECT_EQ(config.mqtt.uri, "tcp://localhost:1883");
    EXPECT_EQ(config.mqtt.baseTopic, "bank2mqtt");
    EXPECT_EQ(config.mqtt.discoveryPrefix, "homeassistant");
    EXPECT_EQ(config.mqtt.discoveryMode, "device");
    EXPECT_EQ(config.mqtt.keepAlive, 60s);
    EXPECT_FALSE(config.mqtt.insecure);
    EXPECT_EQ(config.daemon.pluginDir, "/usr/lib/bank2mqtt/plugins");
    EXPECT_EQ(config.sources[0].interval, 15min);
    EXPECT_EQ(config.sources[0].maxAge, 45min);
    EXPECT_EQ(config.sources[0].timeout, 20s);
    EXPECT_EQ(config.sources[0].consentWarning, 14 * 24h);
    EXPECT_TRUE(config.sources[0].accounts.empty());
    EXPECT_FALSE(config.sources[0].lowBalance.has_value());
}

TEST_F(ConfigLoad, NormalisesMqttSchemes)
{
    EXPECT_EQ(load("[mqtt]\nuri = mqtt://broker:1883\n" + minimal).mqtt.uri, "tcp://broker:1883");
    EXPECT_EQ(load("[mqtt]\nuri = MQTTS://broker\n" + minimal).mqtt.uri, "ssl://broker");
    EXPECT_EQ(load("[mqtt]\nuri = tcp://broker/\n" + minimal).mqtt.uri, "tcp://broker");
    EXPECT_EQ(load("[mqtt]\nuri = tcp://[::1]:1883\n" + minimal).mqtt.uri, "tcp://[::1]:1883");
    EXPECT_EQ(load("[mqtt]\nuri = wss://broker:443/mqtt\n" + minimal).mqtt.uri,
              "wss://broker:443/mqtt");
}

TEST_F(ConfigLoad, ReadsEveryBooleanSpelling)
{
    for (const char* word : {"true", "YES", "On", "1"})
        EXPECT_TRUE(
            load(std::string("[mqtt]\ndiscovery = ") + word + "\n" + minimal).mqtt.discovery);
    for (const char* word : {"false", "no", "OFF", "0"})
        EXPECT_FALSE(
            load(std::string("[mqtt]\ndiscovery = ") + word + "\n" + minimal).mqtt.discovery);
}

TEST_F(ConfigLoad, StripsInlineCommentsOnlyAfterWhitespace)
{
    const Config config =
        load("[mqtt]\nbase_topic = home/bank  # where it goes\n"
             "client_id = a;b#c\n" +
             minimal + "api_url = https://host/api#frag\nnote = x\t; tab comment\n");
    EXPECT_EQ(config.mqtt.baseTopic, "home/bank");
    EXPECT_EQ(config.mqtt.clientId, "a;b#c");
    EXPECT_EQ(config.sources[0].pluginKeys.at("api_url"), "https://host/api#frag");
    EXPECT_EQ(config.sources[0].pluginKeys.at("note"), "x");
}

TEST_F(ConfigLoad, KeepsTextThatPocoWouldExpand)
{
    // Values are read raw: "${...}" is not a reference to another key.
    const Config config = load(minimal + "client_id = ${mqtt.uri}\n");
    EXPECT_EQ(config.sources[0].pluginKeys.at("client_id"), "${mqtt.uri}");
}

TEST_F(ConfigLoad, TreatsNamesCaseInsensitively)
{
    const Config config = load("[MQTT]\nBase_Topic = x\n[Source.kid]\nPLUGIN = sbanken\n");
    EXPECT_EQ(config.mqtt.baseTopic, "x");
    EXPECT_EQ(config.sources[0].plugin, "sbanken");
}

TEST_F(ConfigLoad, AcceptsCrLfAndByteOrderMark)
{
    const Config config =
        load("\xEF\xBB\xBF[mqtt]\r\nbase_topic = x\r\n[source.kid]\r\nplugin = s\r\n");
    EXPECT_EQ(config.mqtt.baseTopic, "x");
    EXPECT_EQ(config.sources[0].plugin, "s");
}

TEST_F(ConfigLoad, KeepsSourcesInFileOrder)
{
    const Config config = load("[source.b]\nplugin = x\n[mqtt]\n[source.a]\nplugin = y\n");
    ASSERT_EQ(config.sources.size(), 2u);
    EXPECT_EQ(config.sources[0].id, "b");
    EXPECT_EQ(config.sources[1].id, "a");
    EXPECT_EQ(config.sources[1].line, 4);
}

TEST_F(ConfigLoad, ReadsAccountAliases)
{
    const Config config =
        load(minimal + "accounts = pocket=97104133219, Spare konto ,savings=Spare\n");
    const auto& accounts = config.sources[0].accounts;
    ASSERT_EQ(accounts.size(), 3u);
    EXPECT_EQ(accounts[0].alias, "pocket");
    EXPECT_EQ(accounts[0].selector, "97104133219");
    EXPECT_EQ(accounts[1].alias, "");
    EXPECT_EQ(accounts[1].selector, "Spare konto");
    EXPECT_EQ(accounts[2].alias, "savings");
}

TEST_F(ConfigLoad, ReadsAnAccountsOwnThreshold)
{
    const Config config = load(minimal + "low_balance = 100\n"
                                         "accounts = lommepenger=97104133219@100.50, "
                                         "Sparekonto @ Off, Me@Home, x=Felles@-20\n");
    const auto& accounts = config.sources[0].accounts;
    ASSERT_EQ(accounts.size(), 4u);
    EXPECT_EQ(accounts[0].alias, "lommepenger");
    EXPECT_EQ(accounts[0].selector, "97104133219");
    EXPECT_EQ(accounts[0].lowBalance, "100.50");
    EXPECT_EQ(accounts[1].selector, "Sparekonto");
    EXPECT_EQ(accounts[1].lowBalance, "off");
    // An @ not followed by an amount or "off" is part of the account's name.
    EXPECT_EQ(accounts[2].selector, "Me@Home");
    EXPECT_EQ(accounts[2].lowBalance, std::nullopt);
    EXPECT_EQ(accounts[3].lowBalance, "-20");
    EXPECT_EQ(config.sources[0].lowBalance, "100");
}

TEST_F(ConfigLoad, RefusesAnAccountsBadThreshold)
{
    std::string error = errorOf(minimal + "accounts = 97104133219@1.5.0\n");
    EXPECT_TRUE(has(error, "[source.kid] accounts")) << error;
    EXPECT_TRUE(has(error, "low-balance amount after @ in item 1")) << error;
    error = errorOf(minimal + "accounts = a, 97104133219@12x\n");
    EXPECT_TRUE(has(error, "low-balance amount after @ in item 2")) << error;
    EXPECT_TRUE(has(error, "is not a decimal number")) << error;
    EXPECT_FALSE(has(error, "97104133219")) << "a selector is never echoed: " << error;
    error = errorOf(minimal + "accounts = @100\n");
    EXPECT_TRUE(has(error, "no account before @ in item 1")) << error;
    error = errorOf(minimal + "accounts = 97104133219@100, 97104133219@off\n");
    EXPECT_TRUE(has(error, "same account twice")) << error;
}

TEST_F(ConfigLoad, AllowsPlainHttpOnlyWhereTheSectionSaysSo)
{
    const std::string firefly = "[source.home]\nplugin = firefly\nurl = http://Firefly.lan:8080\n";
    std::string error = errorOf(firefly);
    EXPECT_TRUE(has(error, ":3: [source.home] url")) << error;
    EXPECT_TRUE(has(error, "uses http:// to firefly.lan")) << error;
    EXPECT_TRUE(has(error, "allow_http = true")) << error;

    const Config config = load(firefly + "allow_http = true\n");
    ASSERT_EQ(config.sources.size(), 1u);
    EXPECT_EQ(config.sources[0].plainHttpHosts, std::vector<std::string>{"firefly.lan"});
    EXPECT_EQ(config.sources[0].pluginKeys.count("allow_http"), 0u);
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_TRUE(has(config.warnings[0], ":4: [source.home] allow_http")) << config.warnings[0];
    EXPECT_TRUE(has(config.warnings[0], "requests to firefly.lan go over plain http"))
        << config.warnings[0];

    // Loopback needs no permission; https needs none either, so the key then does nothing.
    EXPECT_EQ(errorOf("[source.home]\nplugin = firefly\nurl = http://127.0.0.1:9\n"), "");
    const Config useless = load("[source.home]\nplugin = firefly\nurl = https://firefly.lan\n"
                                "allow_http = true\n");
    EXPECT_TRUE(useless.sources[0].plainHttpHosts.empty());
    ASSERT_EQ(useless.warnings.size(), 1u);
    EXPECT_TRUE(has(useless.warnings[0], "has no effect")) << useless.warnings[0];
}

TEST_F(ConfigLoad, ReadsScheduleAndThreshold)
{
    const Config config =
        load(minimal + "interval = 1h\nmax_age = 1h\ntimeout = 2m\nlow_balance = -99.50\n");
    EXPECT_EQ(config.sources[0].interval, 1h);
    EXPECT_EQ(config.sources[0].maxAge, 1h);
    EXPECT_EQ(config.sources[0].timeout, 120s);
    EXPECT_EQ(config.sources[0].lowBalance, "-99.50");
}

TEST_F(ConfigLoad, ReadsConsentWarning)
{
    const Config config = load(minimal + "consent_warning = 72h\n");
    EXPECT_EQ(config.sources[0].consentWarning, 72h);
}

TEST_F(ConfigLoad, ResolvesCaFileNextToTheConfig)
{
    dir_.write("sim-ca.pem", "-----BEGIN CERTIFICATE-----\n", std::filesystem::perms(0644));
    const Config config = load(minimal + "ca_file = sim-ca.pem\n");
    EXPECT_EQ(config.sources[0].caFile, dir_.path("sim-ca.pem"));
}

TEST_F(ConfigLoad, WarnsAboutFastPolling)
{
    const Config config = load(minimal + "interval = 30s\n");
    ASSERT_EQ(config.warnings.size(), 1u);
    const std::string& warning = config.warnings[0];
    EXPECT_TRUE(has(warning, dir_.path("bank2mqtt.ini") + ":3: [source.kid] interval")) << warning;
    EXPECT_TRUE(has(warning, "more than once a minute")) << warning;
    EXPECT_TRUE(has(warning, "blocked")) << warning;
}

TEST_F(ConfigLoad, WarnsWhenVerificationIsOff)
{
    const Config config = load("[mqtt]\nuri = ssl://broker:8883\ninsecure = true\n" + minimal);
    EXPECT_TRUE(config.mqtt.insecure);
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_TRUE(has(config.warnings[0], ":3: [mqtt] insecure")) << config.warnings[0];
    EXPECT_TRUE(has(config.warnings[0], "verification off")) << config.warnings[0];
}

TEST_F(ConfigLoad, AcceptsAnInsecureBankOnlyOnLoopbackWithAWarning)
{
    const Config config = load(minimal + "insecure = yes\nauth_url = https://127.0.0.1:8443/t\n" +
                               "api_url = https://[::1]:8443/api\n");
    ASSERT_EQ(config.sources.size(), 1u);
    EXPECT_TRUE(config.sources[0].insecure);
    EXPECT_EQ(config.sources[0].pluginKeys.count("insecure"), 0u);
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_TRUE(has(config.warnings[0], ":3: [source.kid] insecure")) << config.warnings[0];
    EXPECT_TRUE(has(config.warnings[0], "not verified")) << config.warnings[0];
}

TEST_F(ConfigLoad, AcceptsInsecureFalseSilently)
{
    const Config config = load("[mqtt]\ninsecure = false\n" + minimal);
    EXPECT_FALSE(config.mqtt.insecure);
    EXPECT_TRUE(config.warnings.empty());
}

TEST_F(ConfigLoad, WarnsWhenTlsFilesMeetAPlainUri)
{
    dir_.write("ca.pem", "x", std::filesystem::perms(0644));
    const Config config = load("[mqtt]\nuri = tcp://broker\nca_file = ca.pem\n" + minimal);
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_TRUE(has(config.warnings[0], "[mqtt] ca_file has no effect")) << config.warnings[0];
}

TEST_F(ConfigLoad, RefusesAMissingFile)
{
    const std::string path = dir_.path("absent.ini");
    try {
        loadConfig(path);
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_TRUE(has(e.what(), path + ": the configuration file does not exist")) << e.what();
        EXPECT_TRUE(has(e.what(), "--config")) << e.what();
    }
}

TEST_F(ConfigLoad, RefusesADirectory)
{
    try {
        loadConfig(dir_.path());
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_TRUE(has(e.what(), dir_.path() + ": the path is a directory")) << e.what();
    }
}

TEST_F(ConfigLoad, RefusesAFileOfTwoMebibytes)
{
    std::string ini = minimal;
    while (ini.size() < 2 * 1024 * 1024)
        ini += "; padding padding padding padding padding padding padding padding\n";
    const std::string message = errorOf(ini);
    EXPECT_TRUE(has(message, dir_.path("bank2mqtt.ini") + ": ")) << message;
    EXPECT_TRUE(has(message, "larger than 1 MiB")) << message;
}

TEST_F(ConfigLoad, RefusesAnEmptyFile)
{
    const std::string message = errorOf("");
    EXPECT_TRUE(has(message, dir_.path("bank2mqtt.ini") + ": ")) << message;
    EXPECT_TRUE(has(message, "has no sections")) << message;
}

TEST_F(ConfigLoad, RefusesAFileOfOnlyComments)
{
    EXPECT_TRUE(has(errorOf("; nothing here\n# nor here\n\n"), "has no sections"));
}

TEST_F(ConfigLoad, RefusesBinaryGarbage)
{
    const std::string garbage("\x7F"
                              "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00",
                              18);
    const std::string message = errorOf(minimal + garbage);
    EXPECT_TRUE(has(message, dir_.path("bank2mqtt.ini") + ":3: ")) << message;
    EXPECT_TRUE(has(message, "binary")) << message;
}

TEST_F(ConfigLoad, RefusesInvalidUtf8)
{
    const std::string message = errorOf(minimal + "client_id = caf\xE9\n");
    EXPECT_TRUE(has(message, dir_.path("bank2mqtt.ini") + ":3: ")) << message;
    EXPECT_TRUE(has(message, "not valid UTF-8")) << message;
    EXPECT_TRUE(has(message, "0xE9")) << message;
}

TEST_F(ConfigLoad, AcceptsUtf8Text)
{
    const Config config = load(minimal + "accounts = lomme=Lommepenger \xC3\xB8re\n");
    EXPECT_EQ(config.sources[0].accounts[0].selector, "Lommepenger \xC3\xB8re");
}

TEST_F(ConfigLoad, NamesBothLinesOfADuplicateKey)
{
    const std::string message = errorOf(minimal + "\n; again\nplugin = other\n");
    EXPECT_TRUE(has(message, ":5: [source.kid] plugin is set twice, at lines 2 and 5")) << message;
}

}  // namespace
}  // namespace bank2mqtt
