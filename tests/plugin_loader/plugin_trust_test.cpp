// SPDX-License-Identifier: MIT
// PluginLoader refuses plugins others could have written, before their constructors run.
#include "plugin_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

using bank2mqtt::PluginError;
using bank2mqtt::PluginLoader;
using std::filesystem::perms;
using testing::HasSubstr;

namespace {

namespace fs = std::filesystem;

// A private copy of the constructor plugin in a fresh directory, and the marker its
// constructor writes when the library is opened.
class PluginTrust : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "bank2mqtt-trust-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
        dir_ = root_ / "plugins";
        fs::create_directory(dir_);
        fs::permissions(dir_, perms(0755));
        plugin_ = (dir_ / "bank2mqtt-constructor.so").string();
        fs::copy_file(CONSTRUCTOR_PLUGIN_PATH, plugin_);
        fs::permissions(plugin_, perms(0644));
        marker_ = (root_ / "constructor-ran").string();
        ::setenv("BANK2MQTT_LOADER_TEST_MARKER", marker_.c_str(), 1);
    }
    void TearDown() override
    {
        ::unsetenv("BANK2MQTT_LOADER_TEST_MARKER");
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }

    // The refusal's message; fails the test when the plugin was accepted.
    std::string refusal()
    {
        try {
            PluginLoader(dir_.string()).load("constructor");
        } catch (const PluginError& e) {
            return e.what();
        }
        ADD_FAILURE() << plugin_ << " was loaded";
        return "";
    }
    bool constructorRan() const { return fs::exists(marker_); }

    fs::path root_;
    fs::path dir_;
    std::string plugin_;
    std::string marker_;
};

TEST_F(PluginTrust, LoadsAPluginOnlyRootAndTheServiceUserCanWrite)
{
    auto plugin = PluginLoader(dir_.string()).load("constructor");
    EXPECT_STREQ(plugin->info().name, "constructor");
    EXPECT_TRUE(constructorRan()) << "the marker does not work, so the refusals prove nothing";
}

TEST_F(PluginTrust, RefusesAWorldWritablePluginBeforeItsConstructorsRun)
{
    fs::permissions(plugin_, perms(0666));
    const std::string message = refusal();
    EXPECT_THAT(message, HasSubstr("plugin " + plugin_ +
                                   " is refused: it is writable by everyone (mode 0666)"));
    EXPECT_THAT(message, HasSubstr("chmod go-w " + plugin_));
    EXPECT_FALSE(constructorRan());
}

TEST_F(PluginTrust, RefusesAGroupWritablePlugin)
{
    fs::permissions(plugin_, perms(0664));
    EXPECT_THAT(refusal(), HasSubstr("writable by its group (mode 0664)"));
    EXPECT_FALSE(constructorRan());
}

TEST_F(PluginTrust, RefusesAWorldWritablePluginDirectoryEvenWithTheStickyBit)
{
    for (const perms mode : {perms(0777), perms(01777)}) {
        fs::permissions(dir_, mode);
        const std::string message = refusal();
        EXPECT_THAT(message, HasSubstr("its directory " + dir_.string()));
        EXPECT_THAT(message, HasSubstr("writable by everyone"));
        EXPECT_THAT(message, HasSubstr("chmod go-w " + dir_.string()));
    }
    EXPECT_FALSE(constructorRan());
}

TEST_F(PluginTrust, RefusesAPluginOwnedByAThirdUser)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "only root can give a file to another user";
    ASSERT_EQ(::chown(plugin_.c_str(), 4242, 4242), 0);
    const std::string message = refusal();
    EXPECT_THAT(message, HasSubstr("it is owned by user 4242"));
    EXPECT_THAT(message, HasSubstr("chown root " + plugin_));
    EXPECT_FALSE(constructorRan());
}

TEST_F(PluginTrust, RefusesAPluginDirectoryOwnedByAThirdUser)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "only root can give a directory to another user";
    ASSERT_EQ(::chown(dir_.c_str(), 4242, 4242), 0);
    const std::string message = refusal();
    EXPECT_THAT(message, HasSubstr("its directory " + dir_.string()));
    EXPECT_THAT(message, HasSubstr("is owned by user 4242"));
    EXPECT_FALSE(constructorRan());
}

}  // namespace
