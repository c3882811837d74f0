// SPDX-License-Identifier: MIT
// One long run at debug level through logins, polls and faults, then a search of every log
// line, every MQTT message and every state file for secrets and identifying numbers.
#include "fault_support.h"
#include "integration_test.h"

#include <Poco/Base64Encoder.h>
#include <mqtt/async_client.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

/// Records every message on every topic ("#") of a broker, retained ones included.
class AllTopics {
public:
    explicit AllTopics(const std::string& uri)
        : client_(uri, "itest-sweep-" + std::to_string(::getpid()),
                  mqtt::create_options(MQTTVERSION_3_1_1))
    {
        client_.set_message_callback([this](mqtt::const_message_ptr m) {
            std::lock_guard<std::mutex> lock(mutex_);
            text_ += m->get_topic() + " " + m->to_string() + "\n";
            changed_.notify_all();
        });
        auto options = mqtt::connect_options_builder().clean_session(true).finalize();
        if (!client_.connect(options)->wait_for(kTimeout) ||
            !client_.subscribe("#", 1)->wait_for(kTimeout))
            throw std::runtime_error("cannot subscribe to # at " + uri);
    }
    ~AllTopics()
    {
        try {
            client_.disconnect()->wait_for(kTimeout);
        } catch (const mqtt::exception&) {
            // Already gone; nothing to clean up.
        }
    }

    /// Everything received, one "topic payload" line per message, after a marker published
    /// now has come back (so every earlier message is in). nullopt if the broker did not
    /// acknowledge the marker or it did not come back in time: the record may be partial.
    std::optional<std::string> text()
    {
        const std::string marker = "sweep-marker-" + std::to_string(++markers_);
        if (!client_.publish("itest-sweep/marker", marker, 1, false)->wait_for(kTimeout))
            return std::nullopt;
        std::unique_lock<std::mutex> lock(mutex_);
        if (!changed_.wait_for(lock, kTimeout,
                               [&] { return text_.find(marker) != std::string::npos; }))
            return std::nullopt;
        return text_;
    }

private:
    static constexpr std::chrono::seconds kTimeout{5};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::string text_;
    int markers_ = 0;
    // Last, so that it goes first: no callback can then reach the members above once gone.
    mqtt::async_client client_;
};

std::string base64(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

std::string percentEncode(const std::string& text)
{
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        }
    }
    return out;
}

struct StateFile {
    std::string path;
    unsigned mode = 0;
    std::string content;
};

/// Every regular file below `dir`, recursively.
void collectFiles(const std::string& dir, std::vector<StateFile>& out)
{
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr)
        return;
    while (const dirent* entry = ::readdir(d)) {
        const std::string name = entry->d_name;
        if (name == "." || name == "..")
            continue;
        const std::string path = dir + "/" + name;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            collectFiles(path, out);
        } else if (S_ISREG(st.st_mode)) {
            std::ifstream in(path, std::ios::binary);
            std::ostringstream text;
            text << in.rdbuf();
            out.push_back({path, static_cast<unsigned>(st.st_mode & 07777), text.str()});
        }
    }
    ::closedir(d);
}

struct Needle {
    std::string what;
    std::string text;
    bool ignoreCase = false;
};

bool found(const std::string& haystack, const Needle& needle)
{
    return needle.ignoreCase ? containsIgnoringCase(haystack, needle.text)
                             : haystack.find(needle.text) != std::string::npos;
}

class SecretsSweep : public IntegrationTest {};

TEST_F(SecretsSweep, NoSecretTokenNationalIdOrAccountNumberLeaks)
{
    TempDir stateParent("sweep");
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    options.discovery = true;
    options.accounts = sim::kLommepenger + ", Sparekonto";
    // Transactions too: their texts, counterparts and the memory of them in state_dir.
    options.extraSourceLines = "transactions = true\n";
    // The daemon creates its state directory itself, with the usual umask in effect.
    options.stateDir = stateParent.file("lib/bank2mqtt");
    const DaemonConfig& config = writeConfig(options);
    AllTopics everything(broker_.uri());
    MqttProbe& live = probe();

    const mode_t oldMask = ::umask(022);
    ChildProcess& daemon = startDaemon(config, {"--log-level=debug"});
    ::umask(oldMask);
    auto waitOk = [&](const std::string& after) {
        const std::size_t mark = live.size();
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, mark))
            << "no ok status " << after;
    };
    auto waitState = [&](const std::string& state, std::size_t mark) {
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs(state), kPollTimeout, mark))
            << "no " << state << " status";
    };
    ASSERT_NO_FATAL_FAILURE(waitOk("at start"));
    ASSERT_NO_FATAL_FAILURE(waitOk("at the second poll"));
    const std::string counterpart = "12345678903";
    const std::string card = "4111111111111111";
    sim_.addTransaction(sim::kLommepenger, "-49.00",
                        "VISA " + card + " NARVESEN til " + sim::kSparekonto + " fra " +
                            sim::kCustomerId,
                        false, "", counterpart);
    ASSERT_TRUE(live.waitFor(
        "itest/kid/lommepenger/transaction", [](const std::string&) { return true; }, kPollTimeout))
        << "no transaction announced";

    sim_.expireTokens();  // 401, a new token, the retry
    ASSERT_NO_FATAL_FAILURE(waitOk("after the expiry"));
    ASSERT_NO_FATAL_FAILURE(waitOk("after the expiry, again"));
    for (const std::string& mode : std::vector<std::string>{"503", "truncated", "html", "401"}) {
        const std::size_t mark = live.size();
        sim_.fault(mode, "api", 1);
        if (mode != "401") {
            ASSERT_NO_FATAL_FAILURE(waitState("error", mark));
        }
        ASSERT_NO_FATAL_FAILURE(waitOk(std::string("after fault ") + mode));
    }
    {
        // Credentials rejected: the error path of the login, then a refresh.
        const std::size_t mark = live.size();
        sim_.fault("invalid_client", "token");
        sim_.expireTokens();
        ASSERT_NO_FATAL_FAILURE(waitState("auth_failed", mark));
        sim_.fault("none");
        const std::size_t beforeRefresh = live.size();
        publishCommand(broker_.uri(), "itest/kid/refresh");
        ASSERT_NO_FATAL_FAILURE(waitState("ok", beforeRefresh));
    }
    ASSERT_EQ(terminate(daemon), 0);

    // --list-accounts shares state_dir (its calls count against a call budget) and would reuse
    // the cached token: an expired one makes it log in through its own 401 and retry path.
    sim_.expireTokens();
    ChildProcess& list = startDaemon(config, {"--list-accounts", "--log-level=debug"});
    ASSERT_EQ(list.waitExit(kOnceRunTimeout), 0) << list.transcript();
    ASSERT_NE(list.text(Stream::Out).find("Lommepenger"), std::string::npos)
        << "--list-accounts printed no accounts";

    // What to look for.
    std::vector<Needle> needles{
        {"the client secret", sim::kClientSecret},
        {"the URL-encoded client secret", percentEncode(sim::kClientSecret), true},
        {"the Basic credentials",
         base64(percentEncode(sim::kClientId) + ":" + percentEncode(sim::kClientSecret))},
        {"the Basic credentials (not encoded)", base64(sim::kClientId + ":" + sim::kClientSecret)},
        {"the customer id", sim::kCustomerId},
    };
    for (const auto& number : sim_.accountNumbers())
        needles.push_back({"account number " + number, number});
    needles.push_back({"a transaction's counterpart account", counterpart});
    needles.push_back({"a card number in a transaction's text", card});
    // The search itself works: the configuration's `accounts =` does hold a number.
    const Needle lommepenger{"account number " + sim::kLommepenger, sim::kLommepenger};
    ASSERT_TRUE(found(config.text(), lommepenger));
    ASSERT_TRUE(std::any_of(needles.begin(), needles.end(),
                            [&](const Needle& n) { return n.text == lommepenger.text; }))
        << "GET /accounts did not list " << lommepenger.text;
    const auto tokens = sim_.issuedTokens();
    // Start, the expiry, the 401 fault, the refused login's recovery; --list-accounts reuses the
    // token the daemon saved (it reads state_dir).
    ASSERT_GE(tokens.size(), 4u) << "the run should have needed several tokens";
    std::vector<Needle> tokenNeedles;
    for (const auto& token : tokens)
        tokenNeedles.push_back({"access token " + token.substr(0, 6) + "...", token});

    // Logs and MQTT: nothing at all.
    const std::optional<std::string> recorded = everything.text();
    ASSERT_TRUE(recorded) << "the marker published to " << broker_.uri()
                          << " did not come back: the record of # may be partial";
    const std::vector<std::pair<std::string, std::string>> places{
        {"the daemon's stdout", daemon.text(Stream::Out)},
        {"the daemon's stderr", daemon.text(Stream::Err)},
        {"--list-accounts' stdout", list.text(Stream::Out)},
        {"--list-accounts' stderr", list.text(Stream::Err)},
        {"MQTT (topics and payloads)", *recorded},
    };
    ASSERT_NE(places.back().second.find("itest/kid/lommepenger/balance"), std::string::npos)
        << "the recorder on # missed the balances";
    for (const auto& [where, text] : places) {
        for (const auto* group : {&needles, &tokenNeedles})
            for (const auto& needle : *group)
                EXPECT_FALSE(found(text, needle)) << needle.what << " in " << where;
    }
    EXPECT_NE(daemon.text(Stream::Err).find("debug [kid]"), std::string::npos)
        << "the run was not at debug level";

    // State: never the secret, the national id or an account number. The access token is
    // cached there by design (SPEC: state_dir holds cached tokens); a file holding it must be
    // private to the service user, and only the current token may be kept.
    struct stat dirStat {};
    ASSERT_EQ(::stat(config.stateDir().c_str(), &dirStat), 0) << "no state_dir was created";
    EXPECT_EQ(dirStat.st_mode & 0077, 0u)
        << "state_dir is open to others: mode " << std::oct << (dirStat.st_mode & 07777);
    std::vector<StateFile> files;
    collectFiles(config.stateDir(), files);
    ASSERT_FALSE(files.empty()) << "no state files to search";
    std::set<std::string> savedTokens;
    for (const auto& file : files) {
        for (const auto& needle : needles)
            EXPECT_FALSE(found(file.content, needle)) << needle.what << " in " << file.path;
        EXPECT_EQ(file.mode & 0077, 0u)
            << file.path << " is open to others: mode " << std::oct << file.mode;
        for (const auto& token : tokens) {
            if (file.content.find(token) == std::string::npos)
                continue;
            savedTokens.insert(token);
            EXPECT_EQ(file.mode, 0600u)
                << file.path << " holds a token with mode " << std::oct << file.mode;
        }
    }
    // Exactly the current one: fewer would mean the search cannot see a token at all.
    EXPECT_EQ(savedTokens.size(), 1u) << "expired tokens are kept in the state files, or none is";
}

// A bank that quotes the request in its error replies: the login service echoes the client
// secret (plain and as Basic credentials), the API the bearer token, the customer id, an account
// number and the secret. None of it may reach a topic, a log line or a state file.
TEST_F(SecretsSweep, ABankThatEchoesTheSecretAndTheTokenLeaksNeither)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    const DaemonConfig& config = writeConfig(options);
    AllTopics everything(broker_.uri());
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(config, {"--log-level=debug"});
    auto waitState = [&](const std::string& state, std::size_t mark, const std::string& when) {
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs(state), kPollTimeout, mark))
            << "no " << state << " status " << when;
    };
    ASSERT_NO_FATAL_FAILURE(waitState("ok", 0, "at start"));
    for (const std::string target : {"api", "token"}) {
        const std::size_t mark = live.size();
        sim_.fault("echo", target, 1);
        if (target == "token")
            sim_.expireTokens();
        ASSERT_NO_FATAL_FAILURE(waitState("error", mark, "with the " + target + " echoing"));
        ASSERT_NO_FATAL_FAILURE(waitState("ok", live.size(), "after the " + target + " echo"));
    }
    ASSERT_EQ(terminate(daemon), 0);
    // The echo did reach the daemon: its status named the bank's words, redacted.
    EXPECT_NE(daemon.text(Stream::Err).find("token *** of customer *** may not read ***"),
              std::string::npos)
        << daemon.text(Stream::Err);

    std::vector<Needle> needles{
        {"the client secret", sim::kClientSecret},
        {"the URL-encoded client secret", percentEncode(sim::kClientSecret), true},
        {"the Basic credentials",
         base64(percentEncode(sim::kClientId) + ":" + percentEncode(sim::kClientSecret))},
        {"the customer id", sim::kCustomerId},
        {"account number " + sim::kLommepenger, sim::kLommepenger},
    };
    const auto tokens = sim_.issuedTokens();
    ASSERT_GE(tokens.size(), 2u);
    for (const auto& token : tokens)
        needles.push_back({"access token " + token.substr(0, 6) + "...", token});
    const std::optional<std::string> recorded = everything.text();
    ASSERT_TRUE(recorded) << "the record of # may be partial";
    std::vector<StateFile> files;
    collectFiles(config.stateDir(), files);
    std::vector<std::pair<std::string, std::string>> places{
        {"the daemon's stdout", daemon.text(Stream::Out)},
        {"the daemon's stderr", daemon.text(Stream::Err)},
        {"MQTT (topics and payloads)", *recorded},
    };
    for (const auto& file : files)
        places.emplace_back(file.path, file.content);
    for (const auto& [where, text] : places) {
        for (const auto& needle : needles) {
            // The current token is kept in the state by design (see the sweep above).
            const bool stateFile = where.rfind(config.stateDir(), 0) == 0;
            if (stateFile && needle.what.rfind("access token", 0) == 0)
                continue;
            EXPECT_FALSE(found(text, needle)) << needle.what << " in " << where;
        }
    }
}

}  // namespace
}  // namespace bank2mqtt::itest
