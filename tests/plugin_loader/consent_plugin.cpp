// SPDX-License-Identifier: MIT
// A plugin with the Authorization capability, for `bank2mqtt --authorize` through the real
// binary: choose a bank, open its login URL, paste the redirect back (state checked), and the
// session is stored in the plugin's StateStore.
#include "test_source.h"

#include <string>

namespace {

class ConsentSource final : public TestSource, public bank2mqtt::Authorization {
public:
    explicit ConsentSource(const bank2mqtt::Services& services)
        : TestSource(services), state_(services.state)
    {
    }

    void* capability(const std::string& name, std::uint32_t version) noexcept override
    {
        if (name == Authorization::kName && version == Authorization::kVersion)
            return static_cast<Authorization*>(this);
        return nullptr;
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
        return AuthStep::done("authorized for " + bank_ + " until 2027-06-01");
    }

private:
    bank2mqtt::StateStore& state_;
    std::string bank_;
};

}  // namespace

BANK2MQTT_DECLARE_PLUGIN(ConsentSource, "consent", "1.0.0", "loader test: authorization")
