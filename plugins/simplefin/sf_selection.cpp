// SPDX-License-Identifier: MIT
// Matching `accounts =` selectors to SimpleFIN accounts: id, "institution/name", or name.
#include "sf_selection.h"

#include <Poco/UTF8String.h>

#include <functional>

namespace bank2mqtt::simplefin {
namespace {

bool sameText(const std::string& a, const std::string& b)
{
    return Poco::UTF8::icompare(a, b) == 0;
}

std::string position(std::size_t index)
{
    return "accounts = selector " + std::to_string(index + 1);
}

}  // namespace

SfSelection resolveSelectors(const std::vector<std::string>& selectors,
                             const std::vector<SfAccount>& accounts)
{
    SfSelection selection;
    using Rule = std::function<bool(const std::string&, const SfAccount&)>;
    const std::vector<Rule> rules = {
        [](const std::string& s, const SfAccount& a) { return s == a.id; },
        [](const std::string& s, const SfAccount& a) {
            const auto slash = s.find('/');
            return slash != std::string::npos && !a.connectionName.empty() &&
                   sameText(s.substr(0, slash), a.connectionName) &&
                   sameText(s.substr(slash + 1), a.name);
        },
        [](const std::string& s, const SfAccount& a) { return sameText(s, a.name); },
    };
    for (std::size_t i = 0; i < selectors.size(); ++i) {
        int pick = -1;
        for (const Rule& rule : rules) {
            std::vector<int> found;
            for (std::size_t k = 0; k < accounts.size(); ++k)
                if (rule(selectors[i], accounts[k]))
                    found.push_back(static_cast<int>(k));
            if (found.size() > 1) {
                selection.error = position(i) +
                                  " matches several SimpleFIN accounts; write it as "
                                  "\"institution/account name\" or use the account's id "
                                  "(bank2mqtt --list-accounts shows both)";
                return selection;
            }
            if (found.size() == 1) {
                pick = found.front();
                break;
            }
        }
        for (std::size_t j = 0; pick >= 0 && j < selection.picks.size(); ++j) {
            if (selection.picks[j] == pick) {
                selection.error = position(i) + " chooses the same account as selector " +
                                  std::to_string(j + 1) + "; it would be published twice";
                return selection;
            }
        }
        selection.picks.push_back(pick);
    }
    return selection;
}

}  // namespace bank2mqtt::simplefin
