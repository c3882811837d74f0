// SPDX-License-Identifier: MIT
// The Enable Banking sibling of the secrets sweep: consents, polls, faults and a listing at debug
// level, then a search of every log line, topic and state file for the session ids, the
// authorization codes, the JWTs, the IBANs, the identification hashes and the holders' names.
#include "enablebanking_fixture.h"
#include "fault_support.h"

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

struct Needle {
    std::string what;
    std::string text;
    bool allowedInState = false;  ///< the uids: what a poll needs, in a 0600 file
};

/// path -> content of every regular file below `dir`.
std::vector<std::pair<std::string, std::string>> filesBelow(const std::string& dir)
{
    std::vector<std::pair<std::string, std::string>> out;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr)
        return out;
    while (const dirent* entry = ::readdir(d)) {
        const std::string name = entry->d_name;
        const std::string path = dir + "/" + name;
        struct stat st {};
        if (name == "." || name == ".." || ::lstat(path.c_str(), &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            for (auto& f : filesBelow(path))
                out.push_back(std::move(f));
        } else if (S_ISREG(st.st_mode)) {
            EXPECT_EQ(st.st_mode & 0077, 0u) << path << " is open to others";
            std::ifstream in(path);
            std::stringstream text;
            text << in.rdbuf();
            out.emplace_back(path, text.str());
        }
    }
    ::closedir(d);
    return out;
}

class EnableBankingSecrets : public EnableBankingTest {};

TEST_F(EnableBankingSecrets, NoSessionIdCodeJwtIbanOrHolderNameLeaks)
{
    EbConfigOptions options;
    options.interval = "1s";
    options.discovery = true;
    options.accounts = "Lommepenger, 9710.41.33227, Felleskonto";
    writeConfig(options);
    MqttProbe& live = probe();
    MqttProbe discovery(broker_.uri(), "homeassistant");

    eb_.denyNextLogin();
    EXPECT_EQ(authorize().exitCode, 77);
    const AuthorizeRun first = authorize();
    ASSERT_EQ(first.exitCode, 0) << first.output;
    const std::string firstCode = queryValue(first.pasted, "code");
    EXPECT_EQ(authorize([&](const std::string&) { return firstCode; }).exitCode, 77);

    ChildProcess& daemon = startDaemon({"--log-level=debug"});
    auto waitState = [&](const std::string& state, const std::string& when) {
        const std::size_t mark = live.size();
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs(state), kPollTimeout, mark))
            << "no " << state << " status " << when;
    };
    ASSERT_NO_FATAL_FAILURE(waitState("ok", "at start"));
    eb_.fault("503", "balances", "", 1);
    ASSERT_NO_FATAL_FAILURE(waitState("error", "with a 503"));
    ASSERT_NO_FATAL_FAILURE(waitState("ok", "after the 503"));
    eb_.fault("aspsp_error", "balances", ebsim::kSparekonto, 1);
    ASSERT_NO_FATAL_FAILURE(waitState("ok", "with one account refused"));
    eb_.expireSessions();
    ASSERT_NO_FATAL_FAILURE(waitState("auth_failed", "after the bank ended the consent"));
    ASSERT_EQ(authorize().exitCode, 0);  // a renewal next to the daemon
    publishCommand(broker_.uri(), "itest/kid/refresh");
    ASSERT_NO_FATAL_FAILURE(waitState("ok", "after the renewal"));
    ASSERT_EQ(terminate(daemon), 0);
    ChildProcess& list = startDaemon({"--list-accounts", "--log-level=debug"});
    ASSERT_EQ(list.waitExit(kOnceRunTimeout), 0) << list.transcript();

    // What to look for.
    std::vector<Needle> needles;
    for (const auto& id : eb_.sessionIds())
        needles.push_back({"session id " + id.substr(0, 8), id});
    for (const auto& run : authorizeRuns_)
        if (const std::string code = queryValue(run.pasted, "code"); !code.empty())
            needles.push_back({"authorization code " + code.substr(0, 8), code});
    for (const auto& jwt : eb_.jwts()) {
        needles.push_back({"a JWT", jwt});
        needles.push_back({"a JWT's signature", jwt.substr(jwt.rfind('.') + 1)});
    }
    for (const auto& account : eb_.accounts()) {
        needles.push_back({"IBAN of " + account.key, account.iban});
        needles.push_back({"account number of " + account.key, account.iban.substr(4)});
        needles.push_back({"identification_hash of " + account.key, account.identificationHash});
        for (const auto& uid : account.uids)
            needles.push_back({"uid of " + account.key, uid, true});
    }
    for (const std::string name : {"Ola Nordmann", "Kari Nordmann"})
        needles.push_back({"holder " + name, name});
    ASSERT_GE(eb_.sessionIds().size(), 2u);
    ASSERT_GE(eb_.jwts().size(), 1u);

    std::vector<std::pair<std::string, std::string>> places{
        {"the daemon's stdout", daemon.text(Stream::Out)},
        {"the daemon's stderr", daemon.text(Stream::Err)},
        {"--list-accounts' stdout", list.text(Stream::Out)},
        {"--list-accounts' stderr", list.text(Stream::Err)},
    };
    for (std::size_t i = 0; i < authorizeRuns_.size(); ++i)
        places.emplace_back("--authorize run " + std::to_string(i), authorizeRuns_[i].output);
    ASSERT_TRUE(live.sync(kMqttTimeout) && discovery.sync(kMqttTimeout));
    std::string mqtt;
    for (const auto* p : {&live, &discovery})
        for (const auto& m : p->messages())
            mqtt += m.topic + " " + m.payload + "\n";
    ASSERT_NE(mqtt.find("itest/kid/lommepenger/balance"), std::string::npos);
    places.emplace_back("MQTT (topics and payloads)", mqtt);
    const auto files = filesBelow(stateDir());
    ASSERT_FALSE(files.empty());
    EXPECT_NE(daemon.text(Stream::Err).find("debug [kid]"), std::string::npos)
        << "the run was not at debug level";

    for (const auto& [where, text] : places)
        for (const auto& needle : needles)
            EXPECT_EQ(text.find(needle.text), std::string::npos) << needle.what << " in " << where;
    for (const auto& [path, text] : files) {
        for (const auto& needle : needles) {
            if (!needle.allowedInState) {
                EXPECT_EQ(text.find(needle.text), std::string::npos)
                    << needle.what << " in " << path;
            }
        }
    }
}

}  // namespace
}  // namespace bank2mqtt::itest
