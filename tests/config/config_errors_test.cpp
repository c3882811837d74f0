// SPDX-License-Identifier: MIT
// Every error of loadConfig(), table-driven: each message names the file, section and key.
#include "config.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt {
namespace {

using testing::has;
using testing::TempDir;

const std::string source = "[source.kid]\nplugin = sbanken\n";

struct ErrorCase {
    std::string name;     ///< CamelCase, becomes the test name
    std::string ini;      ///< the whole configuration file
    std::string section;  ///< expected "[section]" in the message; empty when there is none
    std::string key;      ///< expected key in the message; empty when there is none
    std::vector<std::string> fragments;  ///< further text the message must contain
    std::vector<std::pair<std::string, std::string>> files = {};  ///< written next to the ini
    std::string secret = {};  ///< text that must not appear in the message
};

std::ostream& operator<<(std::ostream& out, const ErrorCase& c)
{
    return out << c.name;
}

// clang-format off
const std::vector<ErrorCase> cases = {
    // Syntax, found by the pre-pass.
    {"GarbageLine", "[mqtt]\nuri tcp://x\n" + source, "mqtt", "uri", {":2:", "neither a comment"}},
    {"GarbageLineHidesSecret", "[mqtt]\npassword hunter2\n" + source, "mqtt", "password", {":2:"}, {}, "hunter2"},
    {"UnclosedHeader", "[mqtt\nuri = tcp://x\n" + source, "mqtt", "", {":1:", "no closing ]"}},
    {"TextAfterHeader", "[mqtt] extra\n" + source, "mqtt", "", {":1:", "text after the closing ]"}},
    {"EmptyHeader", "[]\n" + source, "[]", "", {":1:", "no valid name"}},
    {"KeyBeforeSection", "uri = tcp://x\n[mqtt]\n" + source, "", "uri", {":1:", "before any [section]"}},
    {"KeyWithoutName", "[mqtt]\n = tcp://x\n" + source, "mqtt", "", {":2:", "no key name"}},
    {"KeyWithDot", "[mqtt]\nmqtt.uri = tcp://x\n" + source, "mqtt", "mqtt.uri", {":2:", "not a valid key name"}},
    {"DuplicateSection", source + "[mqtt]\n[source.kid]\n", "source.kid", "", {":4:", "first at line 1", "merge"}},
    {"DuplicateSectionOtherCase", "[mqtt]\n[MQTT]\n" + source, "MQTT", "", {":2:", "first at line 1"}},
    {"DuplicateKey", "[mqtt]\nuri = tcp://a\nuri = tcp://b\n" + source, "mqtt", "uri", {":3:", "lines 2 and 3"}},
    {"DuplicateKeyOtherCase", source + "Plugin = x\n", "source.kid", "plugin", {":3:", "lines 2 and 3"}},
    {"ControlCharacter", "[mqtt]\nuri = tcp://\x1b[0mx\n" + source, "", "", {":2:", "control character 0x1B"}},
    // Sections.
    {"MisspeltSection", "[mqqt]\n" + source, "mqqt", "", {":1:", "did you mean [mqtt]?"}},
    {"MisspeltDaemonSection", "[deamon]\n" + source, "deamon", "", {"did you mean [daemon]?"}},
    {"MisspeltSourceSection", "[sources.kid]\nplugin = x\n", "sources.kid", "", {"did you mean [source.kid]?"}},
    {"UnknownSection", "[broker]\n" + source, "broker", "", {"use [mqtt], [daemon] or [source.<id>]"}},
    {"SourceWithoutId", "[source]\nplugin = x\n", "source", "", {"no source id", "[source.kid]"}},
    {"SourceIdUpperCase", "[source.Kid]\nplugin = x\n", "source.Kid", "", {"\"Kid\" is not a valid source id", "lower-case"}},
    {"SourceIdWithDot", "[source.a.b]\nplugin = x\n", "source.a.b", "", {"not a valid source id"}},
    {"SourceIdTooLong", "[source." + std::string(33, 'a') + "]\nplugin = x\n", "source.aaaa", "", {"1 to 32"}},
    {"NoSourceSection", "[mqtt]\nuri = tcp://x\n", "source.<id>", "", {"there is no [source.<id>] section"}},
    // [mqtt]
    {"MisspeltMqttKey", "[mqtt]\nclent_id = x\n" + source, "mqtt", "clent_id", {":2:", "did you mean client_id?"}},
    {"MqttKeyPrefix", "[mqtt]\nkeep = 60s\n" + source, "mqtt", "keep", {"did you mean keepalive?"}},
    {"UnknownMqttKey", "[mqtt]\nfoo = 1\n" + source, "mqtt", "foo", {"is not a known key", "use one of uri, client_id"}},
    {"UriEmpty", "[mqtt]\nuri =\n" + source, "mqtt", "uri", {"is empty", "tcp://localhost:1883"}},
    {"UriWithoutScheme", "[mqtt]\nuri = localhost:1883\n" + source, "mqtt", "uri", {"\"localhost:1883\" has no scheme", "tcp://localhost:1883"}},
    {"UriHttpScheme", "[mqtt]\nuri = http://broker\n" + source, "mqtt", "uri", {"unsupported scheme \"http\"", "ssl"}},
    {"UriWithCredentials", "[mqtt]\nuri = tcp://me:hunter2@broker\n" + source, "mqtt", "uri", {"user name or password", "password_file"}, {}, "hunter2"},
    {"UriWithoutHost", "[mqtt]\nuri = tcp://:1883\n" + source, "mqtt", "uri", {"has no host"}},
    {"UriBadHost", "[mqtt]\nuri = tcp://bro ker:1883\n" + source, "mqtt", "uri", {"invalid host name"}},
    {"UriUnclosedIpv6", "[mqtt]\nuri = tcp://[::1:1883\n" + source, "mqtt", "uri", {"IPv6"}},
    {"UriPortZero", "[mqtt]\nuri = tcp://broker:0\n" + source, "mqtt", "uri", {"invalid port \"0\"", "1 to 65535"}},
    {"UriPortTooLarge", "[mqtt]\nuri = tcp://broker:65536\n" + source, "mqtt", "uri", {"invalid port \"65536\""}},
    {"UriPortNotNumber", "[mqtt]\nuri = tcp://broker:mqtt\n" + source, "mqtt", "uri", {"invalid port \"mqtt\""}},
    {"UriPortEmpty", "[mqtt]\nuri = tcp://broker:\n" + source, "mqtt", "uri", {"invalid port"}},
    {"UriPathOnTcp", "[mqtt]\nuri = tcp://broker:1883/mqtt\n" + source, "mqtt", "uri", {"has a path", "ws://"}},
    {"ClientIdWithSpace", "[mqtt]\nclient_id = bank 2\n" + source, "mqtt", "client_id", {"without spaces"}},
    {"ClientIdTooLong", "[mqtt]\nclient_id = " + std::string(65, 'c') + "\n" + source, "mqtt", "client_id", {"1 to 64"}},
    {"ClientIdEmpty", "[mqtt]\nclient_id =\n" + source, "mqtt", "client_id", {"is empty"}},
    {"PasswordTwice", "[mqtt]\npassword = hunter2\npassword_file = pw\n" + source, "mqtt", "password", {":2:", "line 3", "keep only password_file"}, {{"pw", "x"}}, "hunter2"},
    {"PasswordFileMissing", "[mqtt]\npassword_file = nope.secret\n" + source, "mqtt", "password_file", {"nope.secret", "does not exist"}},
    {"PasswordFileIsDirectory", "[mqtt]\npassword_file = .\n" + source, "mqtt", "password_file", {"is a directory"}},
    {"PasswordFileEmpty", "[mqtt]\npassword_file = pw\n" + source, "mqtt", "password_file", {"empty file"}, {{"pw", " \n\n"}}},
    {"CaFileMissing", "[mqtt]\nuri = ssl://broker\nca_file = /nonexistent/ca.pem\n" + source, "mqtt", "ca_file", {"/nonexistent/ca.pem", "does not exist"}},
    {"CaFileIsDirectory", "[mqtt]\nuri = ssl://broker\nca_file = /\n" + source, "mqtt", "ca_file", {"is a directory"}},
    {"CertWithoutKey", "[mqtt]\nuri = ssl://b\ncert_file = c.pem\n" + source, "mqtt", "cert_file", {"key_file is not", "both or neither"}, {{"c.pem", "x"}}},
    {"KeyWithoutCert", "[mqtt]\nuri = ssl://b\nkey_file = k.pem\n" + source, "mqtt", "key_file", {"cert_file is not"}, {{"k.pem", "x"}}},
    {"KeyFileMissing", "[mqtt]\nuri = ssl://b\ncert_file = c.pem\nkey_file = k.pem\n" + source, "mqtt", "key_file", {"does not exist"}, {{"c.pem", "x"}}},
    {"InsecureNotBoolean", "[mqtt]\ninsecure = sometimes\n" + source, "mqtt", "insecure", {"\"sometimes\" is not a yes/no value", "true or false"}},
    {"SourceInsecureWithoutUrls", source + "insecure = true\n", "source.kid", "insecure", {"no bank URL", "real bank", "remove insecure"}},
    {"SourceInsecureToRealBank", source + "insecure = true\nauth_url = https://127.0.0.1:1/t\napi_url = https://api.sbanken.no/x\n", "source.kid", "insecure", {"the host of api_url (api.sbanken.no) is not a loopback address"}},
    {"SourceInsecureToLookalikeHost", source + "insecure = true\napi_url = https://127.evil.example/x\n", "source.kid", "insecure", {"the host of api_url (127.evil.example) is not a loopback address"}},
    {"SourceInsecureNotBoolean", source + "insecure = maybe\n", "source.kid", "insecure", {"not a yes/no value"}},
    {"BaseTopicPlus", "[mqtt]\nbase_topic = bank/+\n" + source, "mqtt", "base_topic", {"wildcard"}},
    {"BaseTopicHash", "[mqtt]\nbase_topic = bank/#x\n" + source, "mqtt", "base_topic", {"wildcard"}},
    {"BaseTopicLeadingSlash", "[mqtt]\nbase_topic = /bank\n" + source, "mqtt", "base_topic", {"starts or ends with /"}},
    {"BaseTopicTrailingSlash", "[mqtt]\nbase_topic = bank/\n" + source, "mqtt", "base_topic", {"starts or ends with /"}},
    {"BaseTopicEmptyLevel", "[mqtt]\nbase_topic = a//b\n" + source, "mqtt", "base_topic", {"empty topic level"}},
    {"BaseTopicEmpty", "[mqtt]\nbase_topic =\n" + source, "mqtt", "base_topic", {"is empty"}},
    {"DiscoveryNotBoolean", "[mqtt]\ndiscovery = maybe\n" + source, "mqtt", "discovery", {"\"maybe\" is not a yes/no value"}},
    {"BaseTopicSys", "[mqtt]\nbase_topic = $SYS/x\n" + source, "mqtt", "base_topic", {"starts with $", "e.g. bank2mqtt"}},
    {"DiscoveryPrefixDollar", "[mqtt]\ndiscovery_prefix = $ha\n" + source, "mqtt", "discovery_prefix", {"starts with $", "e.g. homeassistant"}},
    {"DiscoveryPrefixWildcard", "[mqtt]\ndiscovery_prefix = ha/#\n" + source, "mqtt", "discovery_prefix", {"wildcard"}},
    {"DiscoveryModeUnknown", "[mqtt]\ndiscovery_mode = entity\n" + source, "mqtt", "discovery_mode", {"\"entity\" is not a discovery mode", "device", "component"}},
    {"KeepaliveTooShort", "[mqtt]\nkeepalive = 2s\n" + source, "mqtt", "keepalive", {"shorter than allowed", "from 5s to 1h"}},
    {"KeepaliveTooLong", "[mqtt]\nkeepalive = 2h\n" + source, "mqtt", "keepalive", {"longer than allowed"}},
    {"KeepaliveNotDuration", "[mqtt]\nkeepalive = soon\n" + source, "mqtt", "keepalive", {"is not a duration", "s, m or h"}},
    // [daemon]
    {"MisspeltDaemonKey", "[daemon]\nplugin_directory = /x\n" + source, "daemon", "plugin_directory", {"did you mean plugin_dir?"}},
    {"PluginDirEmpty", "[daemon]\nplugin_dir =\n" + source, "daemon", "plugin_dir", {"is empty"}},
    {"StateDirEmpty", "[daemon]\nstate_dir =\n" + source, "daemon", "state_dir", {"is empty"}},
    // [source.<id>]
    {"PluginMissing", "[source.kid]\ninterval = 15m\n", "source.kid", "plugin", {":1:", "plugin is missing", "plugin = sbanken"}},
    {"PluginEmpty", "[source.kid]\nplugin =\n", "source.kid", "plugin", {"plugin is missing"}},
    {"PluginBadName", "[source.kid]\nplugin = Sbanken!\n", "source.kid", "plugin", {"\"Sbanken!\" is not a plugin name"}},
    {"IntervalUnknownUnit", source + "interval = 15x\n", "source.kid", "interval", {":3:", "interval = \"15x\" is not a duration (it has an unknown unit \"x\"); write a number followed by s, m or h, e.g. 15m"}},
    {"IntervalZero", source + "interval = 0\n", "source.kid", "interval", {"is zero"}},
    {"IntervalNegative", source + "interval = -5m\n", "source.kid", "interval", {"is negative"}},
    {"IntervalFraction", source + "interval = 1.5h\n", "source.kid", "interval", {"fraction"}},
    {"IntervalEmpty", source + "interval =\n", "source.kid", "interval", {"is empty"}},
    {"IntervalOverflow", source + "interval = 99999999999h\n", "source.kid", "interval", {"too large"}},
    {"IntervalOverAWeek", source + "interval = 200h\n", "source.kid", "interval", {"longer than allowed"}},
    {"TimeoutTooLong", source + "timeout = 3m\n", "source.kid", "timeout", {"longer than allowed", "1s to 2m"}},
    {"TimeoutZero", source + "timeout = 0s\n", "source.kid", "timeout", {"is zero"}},
    {"MaxAgeBelowInterval", source + "interval = 1h\nmax_age = 30m\n", "source.kid", "max_age", {"shorter than interval 1h", "3h"}},
    {"ConsentWarningDays", source + "consent_warning = 14d\n", "source.kid", "consent_warning", {"unknown unit \"d\"", "336h (14 days)"}},
    {"ConsentWarningTooShort", source + "consent_warning = 30m\n", "source.kid", "consent_warning", {"shorter than allowed", "from 1h to 8784h"}},
    {"AccountsEmptyItem", source + "accounts = a,,b\n", "source.kid", "accounts", {"empty item 2"}},
    {"AccountsTrailingComma", source + "accounts = a, b,\n", "source.kid", "accounts", {"empty item 3"}},
    {"AccountsAliasWithoutName", source + "accounts = =12345\n", "source.kid", "accounts", {"no alias before ="}},
    {"AccountsAliasWithoutAccount", source + "accounts = pocket=\n", "source.kid", "accounts", {"no account after ="}},
    {"AccountsBadAlias", source + "accounts = Pocket Money=12345\n", "source.kid", "accounts", {"\"Pocket Money\"", "lower-case"}},
    {"AccountsDuplicateAlias", source + "accounts = a=97104133219, a=Spare\n", "source.kid", "accounts", {"alias \"a\" twice", "item 1 and item 2"}, {}, "97104133219"},
    {"AccountsDuplicateSelector", source + "accounts = 97104133219, x=97104133219\n", "source.kid", "accounts", {"same account twice"}, {}, "97104133219"},
    {"LowBalanceWord", source + "low_balance = lots\n", "source.kid", "low_balance", {"\"lots\" is not a decimal number"}},
    {"LowBalanceComma", source + "low_balance = 99,50\n", "source.kid", "low_balance", {"comma", "99.50"}},
    {"LowBalanceTrailingDot", source + "low_balance = 100.\n", "source.kid", "low_balance", {"not a decimal number"}},
    {"LowBalanceLeadingDot", source + "low_balance = .5\n", "source.kid", "low_balance", {"not a decimal number"}},
    {"LowBalanceExponent", source + "low_balance = 1e3\n", "source.kid", "low_balance", {"not a decimal number"}},
    {"LowBalanceCurrency", source + "low_balance = 100 kr\n", "source.kid", "low_balance", {"not a decimal number"}},
    {"LowBalanceDoubleMinus", source + "low_balance = --1\n", "source.kid", "low_balance", {"not a decimal number"}},
    {"LowBalanceEmpty", source + "low_balance =\n", "source.kid", "low_balance", {"is empty"}},
    {"LowBalanceTooPrecise", source + "low_balance = 1.23456\n", "source.kid", "low_balance", {"too many digits"}},
    {"SourceCaFileMissing", source + "ca_file = sim-ca.pem\n", "source.kid", "ca_file", {"sim-ca.pem", "does not exist"}},
};
// clang-format on

class ConfigErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrors, NamesFileSectionAndKey)
{
    const ErrorCase& c = GetParam();
    const testing::ScopedEnv noCredentials("CREDENTIALS_DIRECTORY", std::nullopt);
    TempDir dir;
    for (const auto& [name, content] : c.files)
        dir.write(name, content);
    const std::string path = dir.write("bank2mqtt.ini", c.ini);
    try {
        loadConfig(path);
        FAIL() << "no error for:\n" << c.ini;
    } catch (const ConfigError& e) {
        const std::string message = e.what();
        EXPECT_TRUE(has(message, path + ":")) << message;
        const std::string section =
            !c.section.empty() && c.section.front() == '[' ? c.section : "[" + c.section;
        EXPECT_TRUE(c.section.empty() || has(message, section)) << message;
        EXPECT_TRUE(c.key.empty() || has(message, c.key)) << message;
        for (const std::string& fragment : c.fragments)
            EXPECT_TRUE(has(message, fragment)) << "missing \"" << fragment << "\" in: " << message;
        EXPECT_TRUE(c.secret.empty() || !has(message, c.secret)) << message;
        EXPECT_FALSE(has(message, "\n")) << message;
        EXPECT_FALSE(has(message, "Exception")) << message;
        EXPECT_FALSE(has(message, "Poco")) << message;
    }
}

INSTANTIATE_TEST_SUITE_P(Table, ConfigErrors, ::testing::ValuesIn(cases),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                             return info.param.name;
                         });

}  // namespace
}  // namespace bank2mqtt
