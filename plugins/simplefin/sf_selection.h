// SPDX-License-Identifier: MIT
// The `accounts =` selectors of a SimpleFIN source matched against the accounts of one reply.
#pragma once

#include "sf_api.h"

#include <string>
#include <vector>

namespace bank2mqtt::simplefin {

/// One index into the reply's accounts per selector, -1 for a selector that matches none
/// (its connection may have failed this time). `error` names the first selector (by its
/// position, never by its text: it may be a number the user keeps private) that matches
/// several accounts, or two selectors that choose the same account.
struct SfSelection {
    std::vector<int> picks;
    std::string error;

    bool ok() const { return error.empty(); }
};

/// A selector matches an account by, in this order: its SimpleFIN id exactly; "institution/
/// account name" (both ignoring case); the account name ignoring case (UTF-8 aware).
/// The first rule that matches anything decides, so an id never collides with a name.
SfSelection resolveSelectors(const std::vector<std::string>& selectors,
                             const std::vector<SfAccount>& accounts);

}  // namespace bank2mqtt::simplefin
