// SPDX-License-Identifier: MIT
// Golden files of the device payloads; BANK2MQTT_UPDATE_GOLDEN=1 rewrites them from the code.
#include "discovery_fixtures.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace bank2mqtt;

namespace {

// The golden files are pretty-printed for review. The comparison is still byte for byte both
// ways: the payload pretty-printed must equal the file, and the file compacted (keys in file
// order) must equal the published payload.
void expectGolden(const std::string& name, const DiscoveryMessage& message)
{
    const std::string path = std::string(BANK2MQTT_GOLDEN_DIR) + "/" + name + ".json";
    const std::string pretty = stringify(parseOrdered(message.payload), 2) + "\n";
    const char* update = std::getenv("BANK2MQTT_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << pretty;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " is missing; run with BANK2MQTT_UPDATE_GOLDEN=1 to create it";
    std::ostringstream golden;
    golden << in.rdbuf();
    EXPECT_EQ(pretty, golden.str()) << name << " differs from " << path
                                    << "; if the change is intended, run the test with "
                                       "BANK2MQTT_UPDATE_GOLDEN=1 and review the diff";
    EXPECT_EQ(stringify(parseOrdered(golden.str()), 0), message.payload);
}

}  // namespace

TEST(DiscoveryGolden, BridgeDevice)
{
    const auto messages = bridgeDiscovery(testSettings(), simulatorSources());
    ASSERT_EQ(messages.size(), 1u);
    expectGolden("bridge", messages[0]);
}

TEST(DiscoveryGolden, BridgeDeviceWithACallBudget)
{
    const auto messages = bridgeDiscovery(testSettings(), simulatorSources(), {"kid"});
    ASSERT_EQ(messages.size(), 1u);
    expectGolden("bridge_call_budget", messages[0]);
}

TEST(DiscoveryGolden, SimulatorAccountDevices)
{
    for (const AccountEntity& account : simulatorAccounts()) {
        SCOPED_TRACE(account.key);
        const auto messages = accountDiscovery(testSettings(), account);
        ASSERT_EQ(messages.size(), 1u);
        expectGolden(account.key, messages[0]);
    }
}

TEST(DiscoveryGolden, BridgeWithConsentRenewal)
{
    const auto messages = renewalBridge(testSettings());
    ASSERT_EQ(messages.size(), 1u);
    expectGolden("bridge_renewal", messages[0]);
}

TEST(DiscoveryGolden, AccountOfABankWithAConsent)
{
    const auto messages = accountDiscovery(testSettings(), consentAccount());
    ASSERT_EQ(messages.size(), 1u);
    expectGolden("brukskonto", messages[0]);
}

TEST(DiscoveryGolden, AccountWithTransactions)
{
    AccountEntity account = simulatorAccounts()[0];
    account.hasTransactions = true;
    const auto messages = accountDiscovery(testSettings(), account);
    ASSERT_EQ(messages.size(), 1u);
    expectGolden("lommepenger_transactions", messages[0]);
}
