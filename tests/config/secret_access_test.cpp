// SPDX-License-Identifier: MIT
// Secret files as systemd and administrators hand them over: POSIX ACLs, $CREDENTIALS_DIRECTORY,
// and files that are not files (FIFOs, devices) or too large.
#include "config.h"
#include "file_access.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace bank2mqtt {
namespace {

using detail::AclEntry;
using detail::otherAccess;
using detail::parsePosixAcl;
using std::filesystem::perms;
using testing::has;
using testing::ScopedEnv;
using testing::TempDir;

const std::string source = "[source.kid]\nplugin = sbanken\n";
const std::string secret = "s3cr3t-Value";

std::string fromHex(const std::string& hex)
{
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return bytes;
}

bool haveSetfacl()
{
    return std::system("command -v setfacl >/dev/null 2>&1") == 0;
}

// Applies `spec` (setfacl -m syntax) to `path`; false when setfacl failed.
bool setfacl(const std::string& spec, const std::string& path)
{
    return std::system(("setfacl -m '" + spec + "' '" + path + "'").c_str()) == 0;
}

#define REQUIRE_SETFACL()                                                                          \
    if (!haveSetfacl())                                                                            \
    GTEST_SKIP() << "setfacl is not installed (package acl; scripts/setup-deps installs it)"

class SecretAccess : public ::testing::Test {
protected:
    Config load(const std::string& ini) { return loadConfig(dir_.write("bank2mqtt.ini", ini)); }
    std::string errorOf(const std::string& ini)
    {
        try {
            load(ini);
        } catch (const ConfigError& e) {
            const std::string message = e.what();
            EXPECT_FALSE(has(message, secret)) << message;
            return message;
        }
        ADD_FAILURE() << "no error for " << ini;
        return "";
    }

    ScopedEnv noCredentials_{"CREDENTIALS_DIRECTORY", std::nullopt};
    TempDir dir_;
};

TEST(PosixAcl, ParsesWhatSetfaclStores)
{
    // getfattr of a file after `setfacl -m u:nobody:r`: owner rw, nobody r, group r, mask r,
    // other r.
    const auto acl = parsePosixAcl(
        fromHex("0200000001000600ffffffff02000400feff000004000400ffffffff10000400ffffffff2000"
                "0400ffffffff"));
    ASSERT_TRUE(acl);
    ASSERT_EQ(acl->size(), 5u);
    EXPECT_EQ((*acl)[0].tag, AclEntry::UserObj);
    EXPECT_EQ((*acl)[0].perm, 6);
    EXPECT_EQ((*acl)[1].tag, AclEntry::User);
    EXPECT_EQ((*acl)[1].id, 65534u);
    EXPECT_EQ((*acl)[3].tag, AclEntry::Mask);
    EXPECT_EQ((*acl)[4].tag, AclEntry::Other);
    EXPECT_EQ((*acl)[4].perm, 4);
}

TEST(PosixAcl, RefusesWhatIsNotAVersion2Acl)
{
    EXPECT_FALSE(parsePosixAcl(""));
    EXPECT_FALSE(parsePosixAcl(fromHex("01000000")));        // version 1
    EXPECT_FALSE(parsePosixAcl(fromHex("02000000010006")));  // a cut entry
    EXPECT_TRUE(parsePosixAcl(fromHex("02000000")));         // no entries
}

TEST(PosixAcl, ModeBitsDecideWithoutAnAcl)
{
    TempDir dir;
    const std::string path = dir.write("s", secret, perms(0640));
    const auto exposure = otherAccess(path, ::geteuid());
    EXPECT_EQ(exposure.who, "group or others (mode 0640)");
    EXPECT_FALSE(exposure.byAcl);
    EXPECT_FALSE(otherAccess(dir.write("t", secret, perms(0600)), ::geteuid()).exposed());
}

TEST(PosixAcl, AnEntryForTheServiceUserAloneIsNoExposure)
{
    REQUIRE_SETFACL();
    // What systemd 257 does to a credential: owner-only mode, plus read for the service user
    // (here uid 4242), which makes the group bits (the mask) read: 0440.
    TempDir dir;
    const std::string path = dir.write("kid.secret", secret, perms(0400));
    ASSERT_TRUE(setfacl("u:4242:r", path));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0440u);
    EXPECT_FALSE(otherAccess(path, 4242).exposed()) << otherAccess(path, 4242).who;
    // Seen by any other user, uid 4242 is one more reader.
    const auto exposure = otherAccess(path, 4243);
    EXPECT_EQ(exposure.who, "user 4242 (through its ACL; mode 0440)");
    EXPECT_TRUE(exposure.byAcl);
}

TEST(PosixAcl, TheMaskLimitsNamedEntries)
{
    REQUIRE_SETFACL();
    TempDir dir;
    const std::string path = dir.write("kid.secret", secret, perms(0600));
    ASSERT_TRUE(setfacl("u:4242:r,g:4343:r,m::-", path));
    EXPECT_FALSE(otherAccess(path, ::geteuid()).exposed()) << otherAccess(path, ::geteuid()).who;
}

TEST(PosixAcl, NamesEveryoneElseTheAclLetsIn)
{
    REQUIRE_SETFACL();
    TempDir dir;
    const std::string path = dir.write("kid.secret", secret, perms(0600));
    ASSERT_TRUE(setfacl("u:4242:r,g:4343:r,g::r,o::r", path));
    EXPECT_EQ(otherAccess(path, 4242).who,
              "its group " + std::to_string(::getegid()) +
                  ", group 4343 and others (through its ACL; mode 0644)");
}

TEST_F(SecretAccess, AcceptsASecretReadableOnlyByTheServiceUserThroughAnAcl)
{
    REQUIRE_SETFACL();
    // The tests run as the file's owner, so the ACL names the owner's own uid.
    const std::string path = dir_.write("mqtt.secret", secret, perms(0400));
    ASSERT_TRUE(setfacl("u:" + std::to_string(::geteuid()) + ":r", path));
    const Config config = load("[mqtt]\npassword_file = mqtt.secret\n" + source);
    EXPECT_EQ(config.mqtt.password, secret);
    EXPECT_TRUE(config.warnings.empty()) << config.warnings.front();
}

TEST_F(SecretAccess, WarnsOfAnotherUserInTheAclAndHowToRemoveIt)
{
    REQUIRE_SETFACL();
    const std::string path = dir_.write("mqtt.secret", secret, perms(0600));
    ASSERT_TRUE(setfacl("u:4242:r", path));
    const Config config = load("[mqtt]\npassword_file = mqtt.secret\n" + source);
    ASSERT_EQ(config.warnings.size(), 1u);
    const std::string& warning = config.warnings[0];
    EXPECT_TRUE(has(warning, "[mqtt] password_file")) << warning;
    EXPECT_TRUE(has(warning, path + " is accessible to user 4242 (through its ACL; mode 0640)"))
        << warning;
    EXPECT_TRUE(has(warning, "setfacl -b " + path + " && chmod 600 " + path)) << warning;
}

TEST_F(SecretAccess, TrustsTheCredentialsDirectoryWhateverItsModes)
{
    // Older systemd versions and other managers hand credentials over as 0440 or 0444; the
    // directory is theirs, so there is nothing the user could chmod.
    TempDir credentials;
    credentials.write("mqtt.secret", secret + "\n", perms(0444));
    const ScopedEnv env("CREDENTIALS_DIRECTORY", credentials.path());
    const Config config = load("[mqtt]\npassword_file = mqtt.secret\n" + source);
    EXPECT_EQ(config.mqtt.password, secret);
    EXPECT_TRUE(config.warnings.empty()) << config.warnings.front();
}

TEST_F(SecretAccess, TrustsAnAbsolutePathIntoTheCredentialsDirectory)
{
    TempDir credentials;
    const std::string path = credentials.write("mqtt.secret", secret, perms(0440));
    const ScopedEnv env("CREDENTIALS_DIRECTORY", credentials.path() + "/");
    EXPECT_TRUE(load("[mqtt]\npassword_file = " + path + "\n" + source).warnings.empty());
}

TEST_F(SecretAccess, StillWarnsOutsideTheCredentialsDirectory)
{
    // A sibling whose name starts like the credentials directory is not inside it.
    TempDir credentials;
    const std::string path = dir_.write("mqtt.secret", secret, perms(0644));
    const ScopedEnv env("CREDENTIALS_DIRECTORY", dir_.path("mqtt"));
    EXPECT_EQ(load("[mqtt]\npassword_file = " + path + "\n" + source).warnings.size(), 1u);
}

TEST_F(SecretAccess, RefusesAFifoWithoutWaitingForAWriter)
{
    const std::string path = dir_.path("mqtt.secret");
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    const std::string message = errorOf("[mqtt]\npassword_file = mqtt.secret\n" + source);
    EXPECT_TRUE(has(message, "[mqtt] password_file")) << message;
    EXPECT_TRUE(has(message, "is not a regular file")) << message;
}

TEST_F(SecretAccess, RefusesADevice)
{
    const std::string message = errorOf("[mqtt]\npassword_file = /dev/zero\n" + source);
    EXPECT_TRUE(has(message, "[mqtt] password_file = \"/dev/zero\"")) << message;
    EXPECT_TRUE(has(message, "is not a regular file")) << message;
}

TEST_F(SecretAccess, RefusesASecretLargerThan64KiB)
{
    dir_.write("mqtt.secret", std::string(64 * 1024 + 1, 'x'));
    const std::string message = errorOf("[mqtt]\npassword_file = mqtt.secret\n" + source);
    EXPECT_TRUE(has(message, "[mqtt] password_file")) << message;
    EXPECT_TRUE(has(message, "larger than 64 KiB")) << message;
}

TEST(ConfigFile, RefusesAFifoWithoutWaitingForAWriter)
{
    TempDir dir;
    const std::string path = dir.path("bank2mqtt.ini");
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    try {
        loadConfig(path);
        FAIL() << "a FIFO was accepted as the configuration";
    } catch (const ConfigError& e) {
        EXPECT_TRUE(has(e.what(), path + ": the path is not a regular file")) << e.what();
    }
}

TEST(ConfigFile, RefusesADevice)
{
    try {
        loadConfig("/dev/zero");
        FAIL() << "/dev/zero was accepted as the configuration";
    } catch (const ConfigError& e) {
        EXPECT_TRUE(has(e.what(), "/dev/zero: the path is not a regular file")) << e.what();
    }
}

}  // namespace
}  // namespace bank2mqtt
