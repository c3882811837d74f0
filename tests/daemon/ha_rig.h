// SPDX-License-Identifier: MIT
// The fakes the Home Assistant state tests share: a scripted source and one source's plumbing.
#pragma once

#include "installation_key.h"
#include "published_topics.h"
#include "publisher.h"
#include "source_poller.h"
#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_mqtt_client.h"
#include "support/memory_state_store.h"

#include <deque>

namespace bank2mqtt::test {

using namespace std::chrono_literals;

class QueueSource : public BankSource {
public:
    std::vector<ConfigKey> configKeys() const noexcept override { return {}; }
    ConfigResult configure(const SourceConfig&) noexcept override { return {}; }
    FetchResult listAccounts() noexcept override { return fetch(); }
    FetchResult fetch() noexcept override
    {
        if (results.empty())
            return FetchResult::failure(FetchStatus::Temporary, "the bank answered 503");
        FetchResult r = results.front();
        results.pop_front();
        return r;
    }
    void* capability(const std::string& name, std::uint32_t version) noexcept override
    {
        if (consent && name == ConsentInfo::kName && version == ConsentInfo::kVersion)
            return consent;
        if (authorization && name == Authorization::kName && version == Authorization::kVersion)
            return authorization;
        return nullptr;
    }
    std::deque<FetchResult> results;
    /// Capabilities offered when set (the test owns them).
    ConsentInfo* consent = nullptr;
    Authorization* authorization = nullptr;
};

inline Account account(const std::string& name, const std::string& fingerprint)
{
    Account a;
    a.fingerprint = fingerprint;
    a.name = name;
    a.type = "Standard account";
    a.maskedNumber = "*******0000";
    a.balance = {43725, "NOK"};
    a.available = {43725, "NOK"};
    return a;
}

inline const std::string kLomme = "0123456789abcdef0123456789abcdef";
inline const std::string kSpare = "fedcba9876543210fedcba9876543210";

struct Rig {
    FakeClock clock;
    FakeMqttClient mqtt;
    Publisher publisher{mqtt, "bank2mqtt"};
    CapturingLogger log;
    MemoryStateStore hostState, daemonState;
    InstallationKey ids{daemonState};
    QueueSource source;

    /// The device id of an account: keyed, never the plugin's plain fingerprint.
    std::string device(const std::string& fingerprint) const
    {
        return "bank2mqtt_" + ids.publicId(fingerprint).substr(0, 16);
    }

    Rig()
    {
        mqtt.setConnectedHandler([this] { publisher.onConnected(); });
        mqtt.simulateReconnect();
    }
    SourcePlan plan(bool discovery = true)
    {
        SourcePlan p;
        p.id = "kid";
        p.maxAge = 45min;
        p.bank = "Sbanken";
        if (discovery) {
            DiscoverySettings d;
            d.bridgeId = "bank2mqtt_test";
            d.version = "0.1.0";
            p.discovery = d;
        }
        return p;
    }
    /// A poller of `p` on this rig's plumbing; a fresh `registry` over daemonState stands for a
    /// new process of the same installation.
    SourcePoller poller(PublishedTopics& registry, SourcePlan p)
    {
        return SourcePoller(std::move(p), ids, source, clock, log, hostState, publisher, registry);
    }
};

}  // namespace bank2mqtt::test
