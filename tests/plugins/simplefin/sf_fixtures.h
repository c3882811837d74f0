// SPDX-License-Identifier: MIT
// A fictional SimpleFIN Bridge login and a harness wiring SimpleFinSource to fakes.
#pragma once

#include "sf_source.h"

#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"
#include "support/memory_state_store.h"

#include <Poco/Base64Encoder.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace bank2mqtt::simplefin::test {

inline const std::string kClaimUrl = "https://bridge.simplefin.org/simplefin/claim/demo-7f3a";
inline const std::string kUser = "user7f3a9c";
inline const std::string kPass = "pass5e1d2b8a";
inline const std::string kAccess =
    "https://" + kUser + ":" + kPass + "@bridge.simplefin.org/simplefin";
inline const std::string kAccountsUrl =
    "https://bridge.simplefin.org/simplefin/accounts?version=2&balances-only=1";

inline std::string base64(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

/// Two connections (Chase: checking + card; Credit Union: savings in CAD, points).
inline const std::string kV2Body = R"({
 "errors": [],
 "errlist": [],
 "connections": [
  {"conn_id":"CON-1","name":"Chase","org_id":"ORG-1","sfin_url":"https://x"},
  {"conn_id":"CON-2","name":"Maple Credit Union","org_id":"ORG-2","sfin_url":"https://x"}],
 "accounts": [
  {"id":"ACT-aaa","name":"Checking","conn_id":"CON-1","currency":"USD","balance":"437.25",
   "available-balance":"400.00","balance-date":1795762000,"transactions":[]},
  {"id":"ACT-bbb","name":"Sapphire Visa","conn_id":"CON-1","currency":"usd",
   "balance":"-532.69","balance-date":1795762000},
  {"id":"ACT-ccc","name":"Savings","conn_id":"CON-2","currency":"CAD","balance":"1200.5",
   "available-balance":"1200.50","balance-date":1795761000},
  {"id":"ACT-ddd","name":"Airline miles","conn_id":"CON-2",
   "currency":"https://www.example.com/flight-miles","balance":"12500",
   "available-balance":"12500","balance-date":1795761000}]
})";

class SfHarness : public ::testing::Test {
protected:
    bank2mqtt::test::FakeClock clock;
    bank2mqtt::test::FakeHttpClient http;
    bank2mqtt::test::MemoryStateStore state;
    bank2mqtt::test::CapturingLogger log;
    Services services{sizeof(Services), clock, http, state, log};

    SourceConfig config(std::vector<std::string> selectors = {}, std::string dailyLimit = "") const
    {
        SourceConfig c;
        c.sourceId = "family";
        c.file = "/etc/bank2mqtt/bank2mqtt.ini";
        if (!dailyLimit.empty())
            c.values["daily_limit"] = dailyLimit;
        c.selectors = std::move(selectors);
        return c;
    }

    std::unique_ptr<SimpleFinSource> makeSource(std::vector<std::string> selectors = {})
    {
        auto source = std::make_unique<SimpleFinSource>(services);
        const ConfigResult result = source->configure(config(std::move(selectors)));
        EXPECT_TRUE(result.ok()) << result.message;
        return source;
    }

    std::unique_ptr<SimpleFinSource> authorizedSource(std::vector<std::string> selectors = {})
    {
        state.values[SimpleFinSource::kAccessStateKey] = kAccess;
        return makeSource(std::move(selectors));
    }

    /// True when no log line holds the credentials.
    bool logIsClean() const
    {
        return !log.contains(kPass) && !log.contains(kUser) && !log.contains("claim/demo");
    }
};

}  // namespace bank2mqtt::simplefin::test
