// SPDX-License-Identifier: MIT
// The smallest BankSource, shared by the loader-test plugins.
#pragma once

#include "bank2mqtt/plugin_api.h"

class TestSource : public bank2mqtt::BankSource {
public:
    explicit TestSource(const bank2mqtt::Services&) {}
    std::vector<bank2mqtt::ConfigKey> configKeys() const noexcept override { return {}; }
    bank2mqtt::ConfigResult configure(const bank2mqtt::SourceConfig&) noexcept override
    {
        return {};
    }
    bank2mqtt::FetchResult listAccounts() noexcept override { return fetch(); }
    bank2mqtt::FetchResult fetch() noexcept override
    {
        return bank2mqtt::FetchResult::failure(bank2mqtt::FetchStatus::Temporary, "test source");
    }
};
