// SPDX-License-Identifier: MIT
// `bank2mqtt --authorize=SOURCE` through the real binary, with the loader tests' consent plugin:
// questions on stdout, answers on stdin, exit codes, and what is (not) stored.
#include "state_dir_lock.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Outcome {
    int exitCode = -1;
    std::string output;
};

class Authorize : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "bank2mqtt-authorize-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        std::ofstream(dir_ / "bank2mqtt.ini")
            << "[mqtt]\nuri = tcp://127.0.0.1:1883\n[daemon]\nplugin_dir = "
            << LOADER_TEST_PLUGIN_DIR << "\nstate_dir = " << (dir_ / "state").string()
            << "\n[source.eb]\nplugin = consent\n[source.plain]\nplugin = good\n";
    }
    void TearDown() override
    {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    /// Runs --authorize=`source` with `answers` on stdin (bounded by timeout(1)).
    Outcome authorize(const std::string& source, const std::string& answers)
    {
        std::ofstream(dir_ / "answers") << answers;
        const std::string command = "timeout 20 " + std::string(BANK2MQTT_BINARY) +
                                    " --config=" + (dir_ / "bank2mqtt.ini").string() +
                                    " --authorize=" + source + " < " + (dir_ / "answers").string() +
                                    " 2>&1";
        Outcome run;
        FILE* pipe = ::popen(command.c_str(), "r");
        if (pipe == nullptr)
            return run;
        std::array<char, 4096> buf{};
        while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
            run.output.append(buf.data(), n);
        const int status = ::pclose(pipe);
        run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return run;
    }
    std::string pluginState() const
    {
        std::ifstream in(dir_ / "state" / "eb.plugin.json");
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    fs::path dir_;
};

TEST_F(Authorize, AsksChoosesOpensAndStoresTheSession)
{
    const Outcome run = authorize("eb", "2\nhttps://cb.invalid/done?code=c0de42&state=s1\n");

    EXPECT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("[source.eb] Which bank?"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("  2) Testbank S\xc3\xb8r"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("open: https://bank.invalid/login?state=s1"), std::string::npos);
    EXPECT_NE(run.output.find("authorized for Testbank S\xc3\xb8r"), std::string::npos);
    EXPECT_EQ(run.output.find("c0de42"), std::string::npos) << "the pasted code was echoed";
    EXPECT_NE(pluginState().find("c0de42"), std::string::npos) << pluginState();
}

// --authorize runs as the service user outside systemd, where the broker's password (a
// LoadCredential= file only root reads) is out of reach; it never connects to the broker, so it
// Only the source being authorized is loaded: another one's secrets may be LoadCredential=
// files that only systemd hands over (here: a plugin that is not installed at all).
TEST_F(Authorize, LoadsNoOtherSource)
{
    std::ofstream(dir_ / "bank2mqtt.ini", std::ios::app) << "[source.other]\nplugin = absent\n";
    const Outcome run = authorize("eb", "1\nhttps://cb.invalid/done?code=c0de42&state=s1\n");
    EXPECT_EQ(run.exitCode, 0) << run.output;
}

// does not read it. --check-config, which checks what the daemon will use, still does.
TEST_F(Authorize, NeedsNoBrokerSecret)
{
    std::ofstream(dir_ / "bank2mqtt.ini")
        << "[mqtt]\nuri = tcp://127.0.0.1:1883\nusername = bank2mqtt\npassword_file = "
        << (dir_ / "no-such-password").string()
        << "\n[daemon]\nplugin_dir = " << LOADER_TEST_PLUGIN_DIR
        << "\nstate_dir = " << (dir_ / "state").string() << "\n[source.eb]\nplugin = consent\n";
    const Outcome run = authorize("eb", "1\nhttps://cb.invalid/done?code=c0de42&state=s1\n");
    EXPECT_EQ(run.exitCode, 0) << run.output;

    const std::string check = "timeout 20 " + std::string(BANK2MQTT_BINARY) +
                              " --config=" + (dir_ / "bank2mqtt.ini").string() +
                              " --check-config >/dev/null 2>&1";
    const int status = std::system(check.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 78) << status;
}

TEST_F(Authorize, ARefusedLoginIs77AndStoresNothing)
{
    const Outcome run =
        authorize("eb", "1\nhttps://cb.invalid/done?error=access_denied&state=s1\n");

    EXPECT_EQ(run.exitCode, 77) << run.output;
    EXPECT_NE(run.output.find("access denied"), std::string::npos) << run.output;
    EXPECT_EQ(pluginState().find("session"), std::string::npos);
}

TEST_F(Authorize, AnAddressFromAnotherAttemptIs64)
{
    const Outcome run = authorize("eb", "1\nhttps://cb.invalid/done?code=x&state=other\n");

    EXPECT_EQ(run.exitCode, 64) << run.output;
    EXPECT_NE(run.output.find("another attempt"), std::string::npos) << run.output;
    EXPECT_EQ(pluginState().find("session"), std::string::npos);
}

TEST_F(Authorize, NoAnswerIs64)
{
    const Outcome run = authorize("eb", "");

    EXPECT_EQ(run.exitCode, 64) << run.output;
    EXPECT_NE(run.output.find("no answer; nothing was stored"), std::string::npos) << run.output;
}

TEST_F(Authorize, ASourceWithoutConsentSaysSo)
{
    const Outcome run = authorize("plain", "");

    EXPECT_EQ(run.exitCode, 64) << run.output;
    EXPECT_NE(run.output.find("[source.plain] (plugin good) needs no authorization"),
              std::string::npos)
        << run.output;
    EXPECT_EQ(authorize("nosuch", "").exitCode, 64);
}

TEST_F(Authorize, RunsNextToARunningDaemon)
{
    fs::create_directory(dir_ / "state");
    const bank2mqtt::StateDirLock daemon((dir_ / "state").string());  // the service holds it
    ASSERT_EQ(daemon.outcome(), bank2mqtt::StateDirLock::Outcome::Locked);

    const Outcome run = authorize("eb", "1\nhttps://cb.invalid/done?code=abc&state=s1\n");

    EXPECT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(pluginState().find("abc"), std::string::npos);
}

}  // namespace

namespace {

TEST_F(Authorize, RefusesWhenTheServiceCouldNotReadWhatIsStored)
{
    fs::create_directory(dir_ / "state");
    ASSERT_EQ(::chown((dir_ / "state").c_str(), 65534, 65534), 0);  // nobody, as the service

    const Outcome run = authorize("eb", "1\nhttps://cb.invalid/done?code=abc&state=s1\n");

    EXPECT_EQ(run.exitCode, 64) << run.output;
    EXPECT_NE(run.output.find("run it as that user"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("Which bank?"), std::string::npos) << "asked before refusing";
}

}  // namespace
