// SPDX-License-Identifier: MIT
// FileStateStore and StateDirLock on a real directory: planted symbolic links, FIFOs, huge
// files, and a second process on the same state_dir.
#include "file_state_store.h"
#include "state_dir_lock.h"
#include "support/capturing_logger.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace bank2mqtt;
using bank2mqtt::test::CapturingLogger;

namespace {

namespace fs = std::filesystem;

class StateFiles : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "bank2mqtt-state-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
        dir_ = root_ / "state";
        fs::create_directory(dir_);
        outside_ = (root_ / "outside").string();
        std::ofstream(outside_) << "precious\n";
    }
    void TearDown() override
    {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }
    static std::string read(const std::string& file)
    {
        std::ifstream in(file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    fs::path root_;
    fs::path dir_;
    std::string outside_;  // a file a planted link points at; must never change
    CapturingLogger log_;
};

TEST_F(StateFiles, NeverWritesThroughALinkPlantedAtTheTemporaryName)
{
    fs::create_symlink(outside_, path("kid.json.tmp"));
    FileStateStore store(path("kid.json"), log_);
    store.put("token", "value");

    EXPECT_EQ(read(outside_), "precious\n");
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(path("kid.json"))));
    EXPECT_EQ(read(path("kid.json")), "{\"token\":\"value\"}");
    EXPECT_FALSE(fs::exists(fs::symlink_status(path("kid.json.tmp"))));
    EXPECT_EQ(FileStateStore(path("kid.json"), log_).get("token"), "value");
}

TEST_F(StateFiles, ReplacesALinkPlantedAtTheStateFileInsteadOfFollowingIt)
{
    fs::create_symlink(outside_, path("kid.json"));
    FileStateStore store(path("kid.json"), log_);
    EXPECT_EQ(log_.count("it is a symbolic link", LogLevel::Warning), 1u);
    store.put("token", "value");

    EXPECT_EQ(read(outside_), "precious\n");
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(path("kid.json"))));
}

TEST_F(StateFiles, WritesANewFileOnlyTheServiceUserCanRead)
{
    // A temporary file left by a crash, readable by all: the new one is made afresh.
    std::ofstream(path("kid.json.tmp")) << "left over";
    fs::permissions(path("kid.json.tmp"), fs::perms(0644));
    FileStateStore(path("kid.json"), log_).put("token", "value");
    struct stat st {};
    ASSERT_EQ(::stat(path("kid.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(StateFiles, IgnoresAFifoWithoutWaitingForAWriter)
{
    ASSERT_EQ(::mkfifo(path("kid.json").c_str(), 0600), 0);
    FileStateStore store(path("kid.json"), log_);
    EXPECT_EQ(log_.count(path("kid.json") + " cannot be used (it is not a regular file)"), 1u);
    EXPECT_FALSE(store.get("token"));
}

TEST_F(StateFiles, IgnoresAFileLargerThanFourMebibytes)
{
    {
        std::ofstream out(path("kid.json"), std::ios::binary);
        out << "{\"token\":\"" << std::string(FileStateStore::kMaxFileSize, 'x') << "\"}";
    }
    FileStateStore store(path("kid.json"), log_);
    EXPECT_EQ(log_.count("larger than 4 MiB", LogLevel::Warning), 1u);
    EXPECT_FALSE(store.get("token"));
}

TEST_F(StateFiles, ReadsAFileJustBelowTheLimit)
{
    const std::string value(FileStateStore::kMaxFileSize - 100, 'x');
    {
        std::ofstream out(path("kid.json"), std::ios::binary);
        out << "{\"token\":\"" << value << "\"}";
    }
    EXPECT_EQ(FileStateStore(path("kid.json"), log_).get("token"), value);
    EXPECT_TRUE(log_.lines.empty());
}

TEST_F(StateFiles, ASecondProcessLearnsWhoHoldsTheStateDir)
{
    StateDirLock mine(dir_.string());
    ASSERT_EQ(mine.outcome(), StateDirLock::Outcome::Locked) << mine.error();
    EXPECT_EQ(read(path("bank2mqtt.lock")), std::to_string(::getpid()) + "\n");

    // Record locks belong to a process, so the contender must be another one.
    int report[2];
    ASSERT_EQ(::pipe(report), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        StateDirLock theirs(dir_.string());
        const std::string message = theirs.busyMessage(dir_.string());
        const bool busy = theirs.outcome() == StateDirLock::Outcome::Busy;
        const std::string line = (busy ? "busy:" : "not busy:") + message;
        const ssize_t ignored = ::write(report[1], line.data(), line.size());
        static_cast<void>(ignored);
        ::_exit(0);
    }
    ::close(report[1]);
    std::string said;
    char buf[512];
    for (ssize_t got; (got = ::read(report[0], buf, sizeof buf)) > 0;)
        said.append(buf, static_cast<std::size_t>(got));
    ::close(report[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);

    EXPECT_EQ(said, "busy:state_dir " + dir_.string() +
                        " is in use by another bank2mqtt (process " + std::to_string(::getpid()) +
                        " holds the lock " + path("bank2mqtt.lock") +
                        "); stop that instance first, or give this one its own state_dir in "
                        "[daemon]");
}

TEST_F(StateFiles, TheLockGoesWithItsHolder)
{
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        StateDirLock theirs(dir_.string());
        ::_exit(theirs.outcome() == StateDirLock::Outcome::Locked ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(StateDirLock(dir_.string()).outcome(), StateDirLock::Outcome::Locked);
}

TEST_F(StateFiles, NeverCreatesTheLockThroughAPlantedLink)
{
    fs::create_symlink(outside_, path("bank2mqtt.lock"));
    StateDirLock lock(dir_.string());
    EXPECT_EQ(lock.outcome(), StateDirLock::Outcome::Unavailable);
    EXPECT_EQ(read(outside_), "precious\n");
}

}  // namespace

// The daemon and `bank2mqtt --authorize` share the files: each writes only its own change
// (two stores on one file act as two processes; flock locks per open file).
TEST_F(StateFiles, TwoWritersOfOneFileKeepEachOthersValues)
{
    FileStateStore daemon(path("eb.plugin.json"), log_);
    FileStateStore authorize(path("eb.plugin.json"), log_);
    daemon.put("token", "daemon's");

    authorize.put("session", "new consent");
    daemon.put("counter", "5");  // loaded before the session was written

    FileStateStore reread(path("eb.plugin.json"), log_);
    EXPECT_EQ(reread.get("session"), "new consent");
    EXPECT_EQ(reread.get("token"), "daemon's");
    EXPECT_EQ(reread.get("counter"), "5");
}

TEST_F(StateFiles, AValueWrittenByAnotherProcessIsSeenWithoutARestart)
{
    FileStateStore daemon(path("eb.plugin.json"), log_);
    EXPECT_FALSE(daemon.get("session"));

    FileStateStore(path("eb.plugin.json"), log_).put("session", "new consent");

    EXPECT_EQ(daemon.get("session"), "new consent");
    FileStateStore(path("eb.plugin.json"), log_).erase("session");
    EXPECT_FALSE(daemon.get("session"));
}

TEST_F(StateFiles, AReadOnlyStoreReadsTheFileAndNeverWritesIt)
{
    FileStateStore(path("eb.plugin.json"), log_).put("session", "stored consent");
    const auto before = fs::last_write_time(path("eb.plugin.json"));
    FileStateStore listing(path("eb.plugin.json"), log_, nullptr, true);

    EXPECT_EQ(listing.get("session"), "stored consent");
    listing.put("token", "kept in memory");
    listing.erase("session");

    EXPECT_EQ(listing.get("token"), "kept in memory");
    EXPECT_FALSE(listing.get("session"));
    FileStateStore reread(path("eb.plugin.json"), log_);
    EXPECT_EQ(reread.get("session"), "stored consent");
    EXPECT_FALSE(reread.get("token"));
    EXPECT_EQ(fs::last_write_time(path("eb.plugin.json")), before);
    // Another process's change still reaches it, under its own changes.
    FileStateStore(path("eb.plugin.json"), log_).put("other", "x");
    EXPECT_EQ(listing.get("other"), "x");
    EXPECT_EQ(listing.get("token"), "kept in memory");
}

TEST_F(StateFiles, AReadOnlyStoreCreatesNoFile)
{
    FileStateStore listing(path("kid.json"), log_, nullptr, true);
    listing.put("token", "t");
    EXPECT_FALSE(fs::exists(path("kid.json")));
    EXPECT_FALSE(fs::exists(path("kid.json.lock")));
}

TEST_F(StateFiles, AFileRemovedUnderTheDaemonKeepsWhatItKnows)
{
    FileStateStore daemon(path("kid.json"), log_);
    daemon.put("token", "t1");
    fs::remove(path("kid.json"));

    EXPECT_EQ(daemon.get("token"), "t1");
    EXPECT_EQ(daemon.get("token"), "t1");  // a second look must not read the nothing back
    daemon.put("other", "x");
    EXPECT_EQ(FileStateStore(path("kid.json"), log_).get("token"), "t1");
}

TEST_F(StateFiles, ALockFileOfAnotherUserIsNotWaitedFor)
{
    std::ofstream(path("kid.json.lock")) << "";
    ASSERT_EQ(::chown(path("kid.json.lock").c_str(), 65534, 65534), 0);
    FileStateStore store(path("kid.json"), log_);

    store.put("token", "t1");  // must return, and still write

    EXPECT_EQ(FileStateStore(path("kid.json"), log_).get("token"), "t1");
}
