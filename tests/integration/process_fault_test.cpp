// SPDX-License-Identifier: MIT
// Faults of the daemon's own state: a state_dir that cannot be written (not a directory, or
// full) and corrupt state files. Polling and publishing go on. Signals: shutdown_test.cpp.
#include "fault_support.h"
#include "integration_test.h"

#include <dirent.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

/// Regular files directly in `dir`, but the lock files (bank2mqtt.lock, <file>.lock).
std::vector<std::string> filesIn(const std::string& dir)
{
    std::vector<std::string> files;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr)
        return files;
    while (const dirent* entry = ::readdir(d)) {
        const std::string path = dir + "/" + entry->d_name;
        const std::string name = entry->d_name;
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0)
            continue;  // holds no state, only a lock (a second instance, a writer's turn)
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            files.push_back(path);
    }
    ::closedir(d);
    return files;
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeFile(const std::string& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

/// Lines of the daemon's log from `from` on that warn about the state (file or directory).
std::size_t stateWarnings(const ChildProcess& daemon, std::size_t from = 0)
{
    std::size_t n = 0;
    const auto lines = daemon.lines(Stream::Err);
    for (std::size_t i = from; i < lines.size(); ++i)
        if (lines[i].rfind("warning ", 0) == 0 && containsIgnoringCase(lines[i], "state"))
            ++n;
    return n;
}

class ProcessFault : public IntegrationTest {
protected:
    void TearDown() override
    {
        for (auto& child : limited_)
            if (!child->waitExit(Millis(0))) {
                child->signal(SIGKILL);
                child->waitExit(Millis(5000));
            }
        if (HasFailure())
            for (auto& child : limited_)
                std::cerr << child->transcript();
        IntegrationTest::TearDown();
    }

    /// Starts the daemon (no arguments) with resource limits.
    ChildProcess& startLimited(const DaemonConfig& config, const ChildProcess::Limits& limits)
    {
        limited_.push_back(std::make_unique<ChildProcess>(
            "bank2mqtt (limited)",
            std::vector<std::string>{BANK2MQTT_BIN, "--config=" + config.iniPath()},
            ChildProcess::Environment{{"CREDENTIALS_DIRECTORY", std::nullopt}}, limits));
        return *limited_.back();
    }

    /// Waits for three good polls after the first: polling and publishing go on.
    void expectPollsContinue(MqttProbe& live, ChildProcess& daemon)
    {
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout))
            << daemon.transcript();
        ASSERT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kMqttTimeout));
        const std::size_t oks = live.messagesOn(topic::kSourceStatus).size();
        EXPECT_TRUE(live.waitForCount(topic::kSourceStatus, oks + 3, kPollTimeout, stateIs("ok")))
            << "polling stopped";
        sim_.setBalance(sim::kLommepenger, "512.50");
        EXPECT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "512.50", kPollTimeout))
            << "a changed balance was not published";
    }

private:
    std::deque<std::unique_ptr<ChildProcess>> limited_;
};

TEST_F(ProcessFault, StateDirThatIsNotADirectoryWarnsOnceAndPollingGoesOn)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    TempDir scratch("statefile");
    // Running as root, permissions would not stop a write; a path below a regular file fails
    // for everyone (ENOTDIR).
    options.stateDir = scratch.write("not-a-dir", "a regular file\n", 0600) + "/state";
    MqttProbe& live = probe();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    expectPollsContinue(live, daemon);
    EXPECT_EQ(stateWarnings(daemon), 1u) << daemon.text(Stream::Err);
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(ProcessFault, FullStateDirWarnsOnceAndPollingGoesOn)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    const DaemonConfig& config = writeConfig(options);
    MqttProbe& live = probe();
    // Every write to a regular file fails with EFBIG, as on a full file system.
    ChildProcess::Limits limits;
    limits.fileSizeBytes = 0;
    ChildProcess& daemon = startLimited(config, limits);
    expectPollsContinue(live, daemon);
    EXPECT_EQ(stateWarnings(daemon), 1u) << daemon.text(Stream::Err);
    for (const auto& file : filesIn(config.stateDir()))
        EXPECT_TRUE(readFile(file).empty()) << file << " was written despite the limit";
    EXPECT_EQ(terminate(daemon), 0);
}

TEST_F(ProcessFault, CorruptStateFilesAreIgnoredWithAWarning)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1s";
    const DaemonConfig& first = writeConfig(options);
    {
        MqttProbe& live = probe();
        ChildProcess& daemon = startDaemon(first, {});
        ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));
        ASSERT_EQ(terminate(daemon), 0);
    }
    const auto files = filesIn(first.stateDir());
    ASSERT_FALSE(files.empty()) << "the daemon wrote no state files";
    for (const auto& file : files) {
        // Half of the real content (a cut-off write) followed by binary garbage.
        const std::string real = readFile(file);
        writeFile(file, real.substr(0, real.size() / 2) + std::string("\0\xff\xfe{[\"", 7));
    }

    options.stateDir = first.stateDir();
    MqttProbe& live = probe();
    const std::size_t mark = live.size();
    ChildProcess& daemon = startDaemon(writeConfig(options), {});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout, mark))
        << "no good poll with corrupt state files";
    ASSERT_TRUE(live.waitForPayload(topic::balance("lommepenger"), "437.25", kMqttTimeout, mark));
    const std::size_t oks = live.messagesOn(topic::kSourceStatus).size();
    EXPECT_TRUE(live.waitForCount(topic::kSourceStatus, oks + 2, kPollTimeout, stateIs("ok")));
    for (const auto& file : files) {
        const std::string name = file.substr(file.rfind('/') + 1);
        EXPECT_EQ(countLines(daemon, Stream::Err, name), 1u)
            << "expected one warning naming " << name << "\n"
            << daemon.text(Stream::Err);
    }
    EXPECT_EQ(countLines(daemon, Stream::Err, "error ["), 0u) << daemon.text(Stream::Err);
    EXPECT_EQ(terminate(daemon), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
