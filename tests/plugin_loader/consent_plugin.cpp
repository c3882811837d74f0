// SPDX-License-Identifier: MIT
// A plugin with the Authorization and ConsentInfo capabilities, for `bank2mqtt --authorize` and
// the renewal from Home Assistant through the real binary: choose a bank, open its login URL,
// paste the redirect back (state checked), and the session and the consent's end (180 days
// after the answer) are stored in the plugin's StateStore. Key `consent_days`: a consent that
// ends so many days after the first configure(), as if authorized earlier. fetch() answers one
// account while the consent lasts, and AuthRequired without one.
#include "test_source.h"

#include <chrono>
#include <cstdlib>
#include <string>

namespace {

using WallTime = std::chrono::system_clock::time_point;

constexpr const char* kEndKey = "consent_end";  // seconds since the epoch

class ConsentSource final : public TestSource,
                            public bank2mqtt::Authorization,
                            public bank2mqtt::ConsentInfo {
public:
    explicit ConsentSource(const bank2mqtt::Services& services)
        : TestSource(services), clock_(services.clock), state_(services.state)
    {
    }

    std::vector<bank2mqtt::ConfigKey> configKeys() const noexcept override
    {
        bank2mqtt::ConfigKey days;
        days.name = "consent_days";
        days.help = "days until a consent given before this run ends";
        return {days};
    }

    bank2mqtt::ConfigResult configure(const bank2mqtt::SourceConfig& config) noexcept override
    {
        if (const auto saved = state_.get(kEndKey)) {
            end_ = WallTime(std::chrono::seconds(std::strtoll(saved->c_str(), nullptr, 10)));
            return {};
        }
        const auto days = config.values.find("consent_days");
        if (days != config.values.end() && !days->second.empty())
            store(clock_.wallNow() +
                  std::chrono::hours(24 * std::strtol(days->second.c_str(), nullptr, 10)));
        return {};
    }

    void* capability(const std::string& name, std::uint32_t version) noexcept override
    {
        if (name == Authorization::kName && version == Authorization::kVersion)
            return static_cast<Authorization*>(this);
        if (name == ConsentInfo::kName && version == ConsentInfo::kVersion)
            return static_cast<ConsentInfo*>(this);
        return nullptr;
    }

    std::optional<WallTime> consentEnd() const noexcept override { return end_; }

    bank2mqtt::FetchResult fetch() noexcept override
    {
        using bank2mqtt::FetchResult;
        if (!end_ || *end_ <= clock_.wallNow())
            return FetchResult::failure(bank2mqtt::FetchStatus::AuthRequired,
                                        "no consent; run bank2mqtt --authorize");
        bank2mqtt::Account account;
        account.fingerprint = "5a0c3e7f9b1d2e4f6a8c0b2d4f6e8a1c";
        account.name = "Brukskonto";
        account.type = "Current account";
        account.maskedNumber = "****4455";
        account.balance = {210050, "NOK"};
        account.available = {210050, "NOK"};
        return FetchResult::ok({account});
    }

    bank2mqtt::AuthStep start() noexcept override
    {
        bank_.clear();
        return bank2mqtt::AuthStep::ask("Which bank?", {}, {"Testbank Nord", "Testbank Sør"});
    }

    bank2mqtt::AuthStep answer(const std::string& reply) noexcept override
    {
        using bank2mqtt::AuthStep;
        if (bank_.empty()) {
            if (reply != "Testbank Nord" && reply != "Testbank Sør")
                return AuthStep::failed("there is no bank called that here", true);
            bank_ = reply;
            return AuthStep::ask("Log in at the bank, then paste the address your browser ends on",
                                 "https://bank.invalid/login?state=s1", {}, true);
        }
        if (reply.find("error=access_denied") != std::string::npos)
            return AuthStep::failed("the bank says the login was refused (access denied)");
        if (reply.find("state=s1") == std::string::npos)
            return AuthStep::failed("that address belongs to another attempt; start again", true);
        const auto code = reply.find("code=");
        if (code == std::string::npos)
            return AuthStep::failed("that address has no code; paste the whole address", true);
        state_.put("session",
                   bank_ + " " + reply.substr(code + 5, reply.find('&', code) - code - 5));
        store(clock_.wallNow() + std::chrono::hours(24 * 180));
        return AuthStep::done("authorized for " + bank_ + " until 2027-06-01");
    }

private:
    void store(WallTime end)
    {
        end_ = end;
        state_.put(
            kEndKey,
            std::to_string(
                std::chrono::duration_cast<std::chrono::seconds>(end.time_since_epoch()).count()));
    }

    bank2mqtt::Clock& clock_;
    bank2mqtt::StateStore& state_;
    std::string bank_;
    std::optional<WallTime> end_;
};

}  // namespace

BANK2MQTT_DECLARE_PLUGIN(ConsentSource, "consent", "1.0.0", "loader test: authorization")
