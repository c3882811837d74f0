// SPDX-License-Identifier: MIT
// PluginLoader against real shared libraries: accepted, wrong API version, missing entry point.
#include "plugin_loader.h"
#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"
#include "support/memory_state_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using bank2mqtt::PluginError;
using bank2mqtt::PluginLoader;
using testing::HasSubstr;

namespace {

std::string refusal(const std::string& name)
{
    try {
        PluginLoader(LOADER_TEST_PLUGIN_DIR).load(name);
    } catch (const PluginError& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST(PluginLoader, LoadsAGoodPluginAndCreatesASource)
{
    auto plugin = PluginLoader(LOADER_TEST_PLUGIN_DIR).load("good");
    bank2mqtt::test::FakeClock clock;
    bank2mqtt::test::FakeHttpClient http;
    bank2mqtt::test::MemoryStateStore state;
    bank2mqtt::test::CapturingLogger log;
    bank2mqtt::Services services{sizeof(bank2mqtt::Services), clock, http, state, log};

    bank2mqtt::BankSource* source = plugin->createSource(services);

    EXPECT_STREQ(plugin->info().name, "good");
    EXPECT_STREQ(plugin->info().version, "9.9.9");
    EXPECT_EQ(source->fetch().message, "test source");
    plugin->destroySource(source);
}

TEST(PluginLoader, RefusesAWrongApiVersionNamingFileExpectedAndFound)
{
    const std::string message = refusal("wrongversion");

    EXPECT_THAT(message, HasSubstr("bank2mqtt-wrongversion.so"));
    EXPECT_THAT(message, HasSubstr("version " + std::to_string(BANK2MQTT_PLUGIN_API_VERSION + 41)));
    EXPECT_THAT(message,
                HasSubstr("expects version " + std::to_string(BANK2MQTT_PLUGIN_API_VERSION)));
}

TEST(PluginLoader, RefusesAnApiOnePluginNamingFileAndBothVersions)
{
    const std::string message = refusal("apione");

    EXPECT_THAT(message, HasSubstr("bank2mqtt-apione.so"));
    EXPECT_THAT(message, HasSubstr("plugin API version 1"));
    EXPECT_THAT(message,
                HasSubstr("expects version " + std::to_string(BANK2MQTT_PLUGIN_API_VERSION)));
}

TEST(PluginLoader, RefusesAPluginWithoutCreate)
{
    const std::string message = refusal("missingcreate");

    EXPECT_THAT(message, HasSubstr("bank2mqtt-missingcreate.so"));
    EXPECT_THAT(message, HasSubstr("bank2mqtt_plugin_create"));
}

TEST(PluginLoader, NamesTheMissingFile)
{
    const std::string message = refusal("nosuchbank");

    EXPECT_THAT(message, HasSubstr("\"nosuchbank\" not found"));
    EXPECT_THAT(message, HasSubstr("bank2mqtt-nosuchbank.so"));
}

TEST(PluginLoader, RefusesALibraryThatIsNotAPlugin)
{
    try {
        PluginLoader::loadFile(NOT_A_PLUGIN_PATH, "");
        FAIL() << "accepted";
    } catch (const PluginError& e) {
        EXPECT_THAT(e.what(), HasSubstr("is not a bank2mqtt plugin"));
    }
}
