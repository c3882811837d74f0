// SPDX-License-Identifier: MIT
// End to end through the real binary: `bank2mqtt --check-config` on each broken configuration
// of broken/ must refuse to start (exit 78) with one message naming the file, section, key and
// the fix, or start with a warning (exit 0) where starting is right. config_errors_test.cpp
// covers every message of the loader in memory; this is the proof that a user sees them.
//
// Each case is copied into a fresh temporary directory (so relative secret paths resolve there)
// with @PLUGIN_DIR@ replaced by the build's plugin directory and @TEST_PLUGIN_DIR@ by the plugin
// loader tests' one. Every directory also gets kid.secret and kid.customer (mode 0600).
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace bank2mqtt {
namespace {

namespace fs = std::filesystem;
using testing::has;
using testing::TempDir;

constexpr int kExitOk = 0;
constexpr int kExitConfig = 78;

/// A file or directory the test creates next to the copied configuration.
struct Extra {
    std::string name;
    std::string content;
    fs::perms mode = fs::perms(0600);
    bool directory = false;
};

struct BrokenCase {
    std::string file;  ///< broken/<file>.ini; for `generatedSize` cases, just the name
    int exitCode = kExitConfig;
    /// Text the output must contain, besides the file's path: section, key, problem and fix.
    std::vector<std::string> fragments;
    std::vector<Extra> extras = {};
    fs::perms iniMode = fs::perms(0600);
    std::size_t generatedSize = 0;  ///< > 0: not committed; written at run time this large
};

std::ostream& operator<<(std::ostream& out, const BrokenCase& c)
{
    return out << c.file;
}

// Secrets of the cases; never printed.
const std::vector<std::string> secrets = {"demo-s3cret", "inline-s3cret", "hunter2", "12345678901"};

// clang-format off
const std::vector<BrokenCase> cases = {
    {"empty_file", kExitConfig, {"has no sections", "add an [mqtt] section and one [source.<id>] section per bank login"}},
    {"binary_garbage", kExitConfig, {":2:", "NUL byte", "check that --config points at the right file"}},
    {"invalid_utf8", kExitConfig, {":12:", "not valid UTF-8 text (byte 0xE6)", "save it as UTF-8"}},
    {"huge_10mb", kExitConfig, {"larger than 1 MiB", "check that --config points at the right file"}, {}, fs::perms(0600), 10 * 1024 * 1024},
    {"garbage_line", kExitConfig, {":3: [mqtt] the line starting with \"uri\"", "neither a comment", "start it with ;"}},
    {"unclosed_section_header", kExitConfig, {":2: the section header \"[mqtt\" has no closing ]", "write it as [name]"}},
    {"misspelt_section", kExitConfig, {":2: [mqqt]", "did you mean [mqtt]?"}},
    {"missing_plugin_key", kExitConfig, {"[source.kid]", "plugin is missing", "plugin = sbanken"}},
    {"missing_client_id", kExitConfig, {"[source.kid]", "client_id is missing", "add client_id = <value>"}},
    {"missing_client_secret_file", kExitConfig, {"[source.kid]", "client_secret_file is missing", "add client_secret_file = /path/to/the/secret"}},
    {"missing_customer_id_v1", kExitConfig, {"[source.kid]", "customer_id_file", "api_version = 2"}},
    {"unknown_mqtt_key", kExitConfig, {":3: [mqtt] clent_id", "did you mean client_id?"}},
    {"unknown_daemon_key", kExitConfig, {":3: [daemon] plugin_directory", "did you mean plugin_dir?"}},
    {"unknown_plugin_key", kExitConfig, {":9: [source.kid] client_secret_fil", "is not a key of the sbanken plugin", "did you mean client_secret_file?"}},
    {"interval_unknown_unit", kExitConfig, {":11: [source.kid] interval", "unknown unit \"x\"", "e.g. 15m"}},
    {"interval_zero", kExitConfig, {":11: [source.kid] interval", "is zero", "e.g. 15m"}},
    {"interval_fraction", kExitConfig, {":11: [source.kid] interval", "fraction", "e.g. 1h30m"}},
    {"consent_warning_days", kExitConfig, {":11: [source.kid] consent_warning", "unknown unit \"d\"", "e.g. 336h (14 days)"}},
    {"timeout_too_long", kExitConfig, {":11: [source.kid] timeout", "longer than allowed", "1s to 2m"}},
    {"keepalive_not_duration", kExitConfig, {":3: [mqtt] keepalive", "is not a duration", "s, m or h"}},
    {"mqtt_uri_http", kExitConfig, {":3: [mqtt] uri", "unsupported scheme \"http\"", "ssl"}},
    {"mqtt_uri_without_scheme", kExitConfig, {":3: [mqtt] uri", "has no scheme", "tcp://localhost:1883"}},
    {"mqtt_uri_bad_port", kExitConfig, {":3: [mqtt] uri", "invalid port \"65536\"", "1 to 65535"}},
    {"mqtt_uri_with_password", kExitConfig, {":3: [mqtt] uri", "user name or password", "password_file"}},
    {"auth_url_http_remote", kExitConfig, {":11: [source.kid] auth_url", "uses http:// to auth.sbanken.no", "unencrypted", "use https://"}},
    {"api_url_http_remote", kExitConfig, {":11: [source.kid] api_url", "uses http:// to api.sbanken.no", "allow_http = true"}},
    {"allow_http_sbanken", kExitConfig, {":12: [source.kid] api_url", "must start with https://", "127.0.0.1"}},
    {"transactions_not_bool", kExitConfig, {":11: [source.kid] transactions", "is not a yes/no value", "write true or false"}},
    {"transactions_backlog_large", kExitConfig, {":12: [source.kid] transactions_backlog", "whole number from 0 to 50", "e.g. transactions_backlog = 0"}},
    {"transactions_backlog_alone", kExitConfig, {":11: [source.kid] transactions_backlog", "has no effect without transactions = true", "add transactions = true"}},
    {"api_url_ftp", kExitConfig, {":11: [source.kid] api_url", "must start with https://", "change it to https://api.sbanken.no/"}},
    {"auth_url_without_host", kExitConfig, {":11: [source.kid] auth_url", "has no host name", "https://host/path"}},
    {"api_version_three", kExitConfig, {":10: [source.kid] api_version", "must be 1 or 2, not \"3\""}},
    {"duplicate_source", kExitConfig, {":12: [source.kid]", "first at line 6", "merge"}},
    {"duplicate_key", kExitConfig, {":11: [source.kid] client_id", "lines 8 and 11", "keep only one of them"}},
    {"unknown_plugin", kExitConfig, {"[source.kid] plugin = nordea", "plugin \"nordea\" not found", "bank2mqtt-nordea.so does not exist", "check plugin = and plugin_dir"}},
    {"plugin_wrong_api_version", kExitConfig, {"[source.kid] plugin = wrongversion", "was built for plugin API version 44", "install the plugin that comes with this bank2mqtt version"}},
    {"plugin_missing_entry_point", kExitConfig, {"[source.kid] plugin = missingcreate", "lacks the entry point bank2mqtt_plugin_create", "BANK2MQTT_DECLARE_PLUGIN"}},
    {"plugin_dir_missing", kExitConfig, {"[source.kid] plugin = sbanken", "/nonexistent/bank2mqtt/plugins/bank2mqtt-sbanken.so does not exist", "check plugin = and plugin_dir"}},
    {"secret_file_missing", kExitConfig, {":9: [source.kid] client_secret_file", "missing.secret", "does not exist", "create it holding only the secret"}},
    {"secret_file_is_directory", kExitConfig, {":9: [source.kid] client_secret_file", "is a directory", "point client_secret_file at the file holding the secret"}, {{"secret.d", "", fs::perms(0700), true}}},
    {"secret_file_empty", kExitConfig, {":9: [source.kid] client_secret_file", "is an empty file", "write the secret into"}, {{"empty.secret", ""}}},
    {"password_file_missing", kExitConfig, {":4: [mqtt] password_file", "mqtt.password", "does not exist", "create it holding only the secret"}},
    {"source_id_upper_case", kExitConfig, {":6: [source.Kid]", "not a valid source id", "lower-case"}},
    {"low_balance_comma", kExitConfig, {":11: [source.kid] low_balance", "comma", "99.50"}},
    {"accounts_empty_item", kExitConfig, {":11: [source.kid] accounts", "empty item 2", "separate accounts with single commas"}},
    {"alias_reserved", kExitConfig, {":11: [source.kid] accounts", "alias \"refresh\"", "a topic the daemon uses itself", "refresh_account"}},
    {"source_id_reserved", kExitConfig, {":6: [source.bank2mqtt]", "a name the daemon uses itself", "[source.bank2mqtt_bank]"}},
    {"base_topic_wildcard", kExitConfig, {":3: [mqtt] base_topic", "wildcard", "e.g. bank2mqtt"}},
    {"base_topic_sys", kExitConfig, {":3: [mqtt] base_topic", "\"$SYS/x\"", "starts with $", "reserve", "e.g. bank2mqtt"}},
    {"discovery_prefix_dollar", kExitConfig, {":3: [mqtt] discovery_prefix", "starts with $", "e.g. homeassistant"}},
    {"discovery_prefix_hash", kExitConfig, {":3: [mqtt] discovery_prefix", "wildcard", "e.g. homeassistant"}},
    {"base_topic_leading_slash", kExitConfig, {":3: [mqtt] base_topic", "starts or ends with /", "e.g. bank2mqtt"}},
    {"base_topic_trailing_slash", kExitConfig, {":3: [mqtt] base_topic", "starts or ends with /", "e.g. bank2mqtt"}},
    {"base_topic_empty_level", kExitConfig, {":3: [mqtt] base_topic", "empty topic level", "e.g. bank2mqtt"}},
    {"base_topic_empty", kExitConfig, {":3: [mqtt] base_topic", "is empty", "bank2mqtt"}},
    // Starting is right here: the secret works, but others can read it. A warning, exit 0.
    {"secret_file_world_readable", kExitOk, {":9: [source.kid] client_secret_file", "open.secret is accessible to group or others (mode 0644)", "chmod 600", "configuration OK, 1 source"}, {{"open.secret", "demo-s3cret", fs::perms(0644)}}},
    {"inline_secret_world_readable", kExitOk, {":9: [source.kid] client_secret", "mode 0644", "set client_secret_file instead", "configuration OK, 1 source"}, {}, fs::perms(0644)},
};
// clang-format on

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void replaceAll(std::string& text, const std::string& from, const std::string& to)
{
    for (auto pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
}

/// The configuration as the case means it: the committed file with placeholders filled in, or
/// a generated one of `generatedSize` bytes (a comment, then comment lines).
std::string caseText(const BrokenCase& c)
{
    if (c.generatedSize > 0) {
        std::string text = "; A " + std::to_string(c.generatedSize / (1024 * 1024)) +
                           " MB file, far larger than any configuration (generated).\n";
        const std::string padding = "; " + std::string(76, 'x') + "\n";
        while (text.size() < c.generatedSize)
            text += padding;
        return text;
    }
    std::string text = readFile(fs::path(BROKEN_CONFIG_DIR) / (c.file + ".ini"));
    replaceAll(text, "@PLUGIN_DIR@", BANK2MQTT_PLUGIN_DIR);
    replaceAll(text, "@TEST_PLUGIN_DIR@", LOADER_TEST_PLUGIN_DIR);
    return text;
}

struct RunResult {
    int exitCode = -1;
    std::string output;  ///< stdout and stderr
    bool timedOut = false;
};

// --check-config reads one small file and loads plugins: well under a second. The bound keeps
// a hanging binary from hanging the suite (fread below returns only at end of output);
// coreutils' timeout signals the whole process group, exits 124 after TERM, 137 after KILL.
constexpr int kCheckConfigSeconds = 30;
constexpr int kTimeoutTerminated = 124;
constexpr int kTimeoutKilled = 137;

RunResult checkConfig(const std::string& path)
{
    const std::string command = "timeout --kill-after=5 " + std::to_string(kCheckConfigSeconds) +
                                " env -u CREDENTIALS_DIRECTORY '" + BANK2MQTT_BINARY +
                                "' --check-config --config='" + path + "' 2>&1";
    RunResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return result;
    std::array<char, 4096> buffer{};
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.output.append(buffer.data(), got);
    const int status = ::pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.timedOut = result.exitCode == kTimeoutTerminated || result.exitCode == kTimeoutKilled;
    return result;
}

class BrokenConfig : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenConfig, CheckConfigNamesFileSectionKeyAndFix)
{
    const BrokenCase& c = GetParam();
    TempDir dir;
    dir.write("kid.secret", "demo-s3cret\n");
    dir.write("kid.customer", "12345678901\n");
    for (const Extra& extra : c.extras) {
        if (extra.directory) {
            fs::create_directories(dir.path(extra.name));
            fs::permissions(dir.path(extra.name), extra.mode);
        } else {
            dir.write(extra.name, extra.content, extra.mode);
        }
    }
    const std::string path = dir.write(c.file + ".ini", caseText(c), c.iniMode);

    const RunResult run = checkConfig(path);
    const std::string& out = run.output;
    ASSERT_FALSE(run.timedOut) << "bank2mqtt --check-config did not finish within "
                               << kCheckConfigSeconds << " s (exit " << run.exitCode
                               << " from timeout); its output so far:\n"
                               << out;
    EXPECT_EQ(run.exitCode, c.exitCode) << out;
    EXPECT_TRUE(has(out, c.exitCode == kExitOk ? path : path + ":")) << out;
    for (const std::string& fragment : c.fragments)
        EXPECT_TRUE(has(out, fragment)) << "missing \"" << fragment << "\" in:\n" << out;
    for (const std::string& secret : secrets)
        EXPECT_FALSE(has(out, secret)) << out;
    EXPECT_FALSE(has(out, "Exception")) << out;
    EXPECT_FALSE(has(out, "Poco")) << out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BrokenConfig, ::testing::ValuesIn(cases),
                         [](const ::testing::TestParamInfo<BrokenCase>& info) {
                             std::string name;
                             bool upper = true;
                             for (char ch : info.param.file) {
                                 if (ch == '_') {
                                     upper = true;
                                     continue;
                                 }
                                 name += upper ? static_cast<char>(std::toupper(ch)) : ch;
                                 upper = false;
                             }
                             return name;
                         });

TEST(BrokenConfigCorpus, EveryFileHasACaseAndStartsWithAComment)
{
    std::set<std::string> named;
    for (const BrokenCase& c : cases)
        named.insert(c.file);
    for (const auto& entry : fs::directory_iterator(BROKEN_CONFIG_DIR)) {
        const fs::path& file = entry.path();
        EXPECT_EQ(file.extension(), ".ini") << file;
        EXPECT_EQ(named.count(file.stem().string()), 1u) << file << " has no row in the table";
        EXPECT_EQ(readFile(file).rfind("; ", 0), 0u) << file << " must say what is wrong first";
    }
    for (const BrokenCase& c : cases) {
        EXPECT_TRUE(c.generatedSize > 0 ||
                    fs::is_regular_file(fs::path(BROKEN_CONFIG_DIR) / (c.file + ".ini")))
            << c.file << ".ini is missing";
    }
}

}  // namespace
}  // namespace bank2mqtt
