// SPDX-License-Identifier: MIT
// state_dir and plugin_dir through the real binary: one instance per state_dir, links planted
// in it never redirect a write, and a plugin others could have written is refused (exit 78).
#include "integration_test.h"

#include "harness/temp_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace bank2mqtt::itest {
namespace {

using Stream = ChildProcess::Stream;

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool isLink(const std::string& path)
{
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

class StateDir : public IntegrationTest {};

TEST_F(StateDir, ASecondInstanceSaysWhichProcessHoldsIt)
{
    DaemonConfigOptions options = configOptions();
    options.interval = "1h";
    const DaemonConfig& config = writeConfig(options);
    MqttProbe& live = probe();
    ChildProcess& first = startDaemon(config, {});
    ASSERT_TRUE(live.waitFor(topic::kSourceStatus, stateIs("ok"), kPollTimeout));

    ChildProcess& second = startDaemon(config, {"--once"});
    ASSERT_EQ(second.waitExit(kOnceRunTimeout), 78);
    const std::string said = second.text(Stream::Err);
    EXPECT_NE(said.find("state_dir " + config.stateDir() +
                        " is in use by another bank2mqtt "
                        "(process " +
                        std::to_string(first.pid()) + " holds the lock"),
              std::string::npos)
        << said;
    // Refused before any bank or broker was contacted.
    EXPECT_EQ(sim_.counters().tokenRequests, 1) << said;

    // Neither needs the state, so neither waits for it.
    EXPECT_EQ(startDaemon(config, {"--check-config"}).waitExit(kOnceRunTimeout), 0);
    EXPECT_EQ(startDaemon(config, {"--list-accounts"}).waitExit(kOnceRunTimeout), 0);

    EXPECT_EQ(terminate(first), 0);
    EXPECT_EQ(startDaemon(config, {"--once"}).waitExit(kOnceRunTimeout), 0)
        << "the lock outlived its holder";
}

TEST_F(StateDir, LinksPlantedInItNeverRedirectAWrite)
{
    const DaemonConfig& config = writeConfig();
    // Files outside state_dir that a daemon running as root must never overwrite.
    const std::string outside = config.dir() + "/outside";
    std::ofstream(outside) << "precious\n";
    const std::string state = config.stateDir();
    for (const std::string name : {"bank2mqtt.json", "bank2mqtt.json.tmp", "kid.json.tmp",
                                   "kid.plugin.json", "kid.plugin.json.tmp"})
        ASSERT_EQ(::symlink(outside.c_str(), (state + "/" + name).c_str()), 0) << name;

    ChildProcess& daemon = startDaemon(config, {"--once"});
    ASSERT_EQ(daemon.waitExit(kOnceRunTimeout), 0) << daemon.text(Stream::Err);

    EXPECT_EQ(readFile(outside), "precious\n");
    for (const std::string name : {"bank2mqtt.json", "kid.json", "kid.plugin.json"}) {
        EXPECT_FALSE(isLink(state + "/" + name)) << name << " is still a link";
        EXPECT_FALSE(readFile(state + "/" + name).empty()) << name << " was not written";
    }
}

TEST_F(StateDir, APluginDirOthersCanWriteStopsTheStartWithExit78)
{
    TempDir scratch("plugins");
    const std::string dir = scratch.file("plugins");
    std::filesystem::create_directory(dir);
    std::filesystem::copy_file(std::string(PLUGIN_DIR) + "/bank2mqtt-sbanken.so",
                               dir + "/bank2mqtt-sbanken.so");
    std::filesystem::permissions(dir, std::filesystem::perms(0777));
    DaemonConfigOptions options = configOptions();
    options.pluginDir = dir;
    const DaemonConfig& config = writeConfig(options);

    ChildProcess& refused = startDaemon(config, {"--check-config"});
    ASSERT_EQ(refused.waitExit(kOnceRunTimeout), 78);
    const std::string said = refused.text(Stream::Err);
    EXPECT_NE(said.find("is writable by everyone (mode 0777)"), std::string::npos) << said;
    EXPECT_NE(said.find("chmod go-w " + dir), std::string::npos) << said;

    std::filesystem::permissions(dir, std::filesystem::perms(0755));
    EXPECT_EQ(startDaemon(config, {"--check-config"}).waitExit(kOnceRunTimeout), 0);
}

}  // namespace
}  // namespace bank2mqtt::itest
