// SPDX-License-Identifier: MIT
// A random secret per installation, so that published account ids cannot be reversed.
#pragma once

#include "bank2mqtt/services.h"

#include <string>

namespace bank2mqtt {

/// A plugin's Account::fingerprint is a plain hash of the bank and the account number; an
/// 11-digit number whose last digits are shown masked can be found from it by trying the few
/// thousand candidates. So the host never publishes it: it publishes HMAC-SHA256 of it under
/// this key, which lives only in the daemon's 0600 state file (`installation_key`), created on
/// first use. Keeping state_dir keeps the Home Assistant ids stable.
class InstallationKey {
public:
    /// Loads the key from `store`, or makes a new random one and saves it there.
    explicit InstallationKey(StateStore& store);

    /// 32 hex characters, stable for this installation and this fingerprint.
    std::string publicId(const std::string& fingerprint) const;

private:
    std::string key_;
};

}  // namespace bank2mqtt
