// SPDX-License-Identifier: MIT
// A plugin with the CallLimit capability, for the host-side call budget through the real
// binary: `daily_limit` polls a day, one account, and every call to the bank (fetch or
// listAccounts) appends a line to `count_file`, so a test can count what was spent. Each call
// also sends one request to `bank_url` (by default a loopback port nobody serves): the host
// counts a fetch that sent no request as no call.
#include "test_source.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace {

class BudgetSource final : public TestSource, public bank2mqtt::CallLimit {
public:
    explicit BudgetSource(const bank2mqtt::Services& services)
        : TestSource(services), http_(services.http)
    {
    }

    std::vector<bank2mqtt::ConfigKey> configKeys() const noexcept override
    {
        using bank2mqtt::ConfigKey;
        return {{"daily_limit", ConfigKey::Kind::Text, false, "4", "polls allowed per 24 h"},
                {"count_file", ConfigKey::Kind::Text, true, "",
                 "a line is appended here at every call"},
                {"bank_url", ConfigKey::Kind::Text, false, "http://127.0.0.1:9/",
                 "where each call sends its one request"}};
    }

    bank2mqtt::ConfigResult configure(const bank2mqtt::SourceConfig& config) noexcept override
    {
        try {
            const unsigned long limit = std::stoul(config.values.at("daily_limit"));
            limit_ = static_cast<std::uint32_t>(limit);
            countFile_ = config.values.at("count_file");
            bankUrl_ = config.values.at("bank_url");
        } catch (...) {
            return {"daily_limit", "not a number"};
        }
        return {};
    }

    void* capability(const std::string& name, std::uint32_t version) noexcept override
    {
        if (name == CallLimit::kName && version == CallLimit::kVersion)
            return static_cast<CallLimit*>(this);
        return nullptr;
    }

    std::uint32_t pollsPerDay() const noexcept override { return limit_; }

    bank2mqtt::FetchResult listAccounts() noexcept override { return call("list"); }
    bank2mqtt::FetchResult fetch() noexcept override { return call("fetch"); }

private:
    bank2mqtt::FetchResult call(const char* what) noexcept
    {
        if (std::FILE* f = std::fopen(countFile_.c_str(), "a")) {
            std::fprintf(f, "%s\n", what);
            std::fclose(f);
        }
        bank2mqtt::HttpRequest request;
        request.url = bankUrl_;
        request.timeout = std::chrono::seconds(2);
        (void)http_.send(request);  // its answer does not matter, only that it was sent
        bank2mqtt::Account a;
        a.fingerprint = "0123456789abcdef0123456789abcdef";
        a.name = "Budsjett";
        a.type = "Standard account";
        a.maskedNumber = "*******4321";
        a.balance = {12500, "NOK"};
        a.available = {12500, "NOK"};
        return bank2mqtt::FetchResult::ok({a});
    }

    std::uint32_t limit_ = 4;
    bank2mqtt::HttpClient& http_;
    std::string countFile_;
    std::string bankUrl_;
};

}  // namespace

BANK2MQTT_DECLARE_PLUGIN(BudgetSource, "budget", "1.0.0", "loader test: call budget")
