// SPDX-License-Identifier: MIT
// The Firefly III sibling of the secrets sweep: polls, refusals and faults at debug level and a
// listing, then a search of every log line, every MQTT message and every state file for the
// personal access token, its signature and the full IBANs and account numbers, the IBAN of a
// transaction's counterpart included.
#include "fault_support.h"
#include "firefly_fixture.h"

#include <dirent.h>
#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <sstream>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

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

const std::string kCounterpartIban = "NO0215038877041";

class FireflySecrets : public FireflyTest {};

TEST_F(FireflySecrets, NoTokenIbanOrAccountNumberLeaks)
{
    FfConfigOptions options;
    options.interval = "1s";
    options.discovery = true;
    options.accounts = "Lommepenger, " + ffsim::kSparekontoNumber + ", " + ffsim::kGirokontoIban;
    options.extraSourceLines = "transactions = true\n";
    writeConfig(options);
    MqttProbe& everything = probe("+");  // subscribes to +/#: every topic

    ChildProcess& daemon = startDaemon({"--log-level=debug"});
    auto waitState = [&](const std::string& state, const std::string& when) {
        const std::size_t mark = everything.size();
        ASSERT_TRUE(everything.waitFor(topic::kSourceStatus, stateIs(state), kPollTimeout, mark))
            << "no " << state << " status " << when;
    };
    ASSERT_NO_FATAL_FAILURE(waitState("ok", "at start"));
    // A transaction with a counterpart whose IBAN Firefly III sends in destination_iban.
    FireflySimulator::Transaction paid;
    paid.source = "1";
    paid.destination = "Narvesen";
    paid.amount = "49.00";
    paid.description = "NARVESEN OSLO S";
    paid.destinationIban = kCounterpartIban;
    {
        const std::time_t now = std::time(nullptr);
        std::tm utc{};
        gmtime_r(&now, &utc);
        char day[11];
        std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
        paid.date = day;
    }
    ff_.addTransaction(paid);
    ASSERT_TRUE(everything.waitFor(
        "itest/kid/lommepenger/transaction", [](const std::string&) { return true; }, kPollTimeout))
        << "no transaction event";
    for (const std::string mode : {"500", "truncated", "html"}) {
        ff_.fault(mode, 1);
        ASSERT_NO_FATAL_FAILURE(waitState("error", "with " + mode));
        ASSERT_NO_FATAL_FAILURE(waitState("ok", "after " + mode));
    }
    for (const std::string mode : {"401", "302", "422"}) {
        ff_.fault(mode, 1);
        ASSERT_NO_FATAL_FAILURE(waitState(mode == "422" ? "error" : "auth_failed", "with " + mode));
        publishCommand(broker_.uri(), "itest/kid/refresh");
        ASSERT_NO_FATAL_FAILURE(waitState("ok", "after " + mode));
    }
    ASSERT_EQ(terminate(daemon), 0);
    ChildProcess& list = startDaemon({"--list-accounts", "--log-level=debug"});
    ASSERT_EQ(list.waitExit(kOnceRunTimeout), 0) << list.transcript();

    const std::vector<std::pair<std::string, std::string>> needles = {
        {"the personal access token", ffsim::kToken},
        {"the token's signature", ffsim::kToken.substr(ffsim::kToken.rfind('.') + 1)},
        {"the token's payload", ffsim::kToken.substr(37, 30)},
        {"Lommepenger's IBAN", ffsim::kLommepengerIban},
        {"Lommepenger's IBAN digits", ffsim::kLommepengerIban.substr(4)},
        {"Sparekonto's number", ffsim::kSparekontoNumber},
        {"Sparekonto's number digits", "97104133227"},
        {"Girokonto's IBAN", ffsim::kGirokontoIban},
        {"Girokonto's IBAN digits", ffsim::kGirokontoIban.substr(4)},
        {"the counterpart's IBAN", kCounterpartIban},
        {"the counterpart's IBAN digits", kCounterpartIban.substr(4)},
    };
    std::vector<std::pair<std::string, std::string>> places{
        {"the daemon's stdout", daemon.text(Stream::Out)},
        {"the daemon's stderr", daemon.text(Stream::Err)},
        {"--list-accounts' stdout", list.text(Stream::Out)},
        {"--list-accounts' stderr", list.text(Stream::Err)},
    };
    ASSERT_TRUE(everything.sync(kMqttTimeout));
    std::string mqtt;
    for (const auto& m : everything.messages())
        mqtt += m.topic + " " + m.payload + "\n";
    ASSERT_NE(mqtt.find("itest/kid/lommepenger/balance"), std::string::npos);
    ASSERT_NE(mqtt.find("homeassistant/device/"), std::string::npos);
    places.emplace_back("MQTT (topics and payloads)", mqtt);
    for (const auto& [path, text] : filesBelow(stateDir()))
        places.emplace_back(path, text);
    EXPECT_NE(daemon.text(Stream::Err).find("debug [kid]"), std::string::npos)
        << "the run was not at debug level";
    EXPECT_NE(daemon.text(Stream::Err).find("/api/v1/accounts"), std::string::npos)
        << "the plugin's debug lines are missing";

    for (const auto& [where, text] : places)
        for (const auto& [what, needle] : needles)
            EXPECT_EQ(text.find(needle), std::string::npos) << what << " in " << where;
    // A transaction's text is published on its event topic, never logged.
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(places[i].second.find("NARVESEN"), std::string::npos) << "in " << places[i].first;
}

}  // namespace
}  // namespace bank2mqtt::itest
