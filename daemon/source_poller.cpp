// SPDX-License-Identifier: MIT
// SourcePoller: turns a FetchResult into retained topics and one log line per state change.
#include "source_poller.h"

#include "money.h"
#include "topic_safety.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace bank2mqtt {
namespace {
const char* kKeysState = "account_keys";
}

SourcePoller::SourcePoller(SourcePlan plan, BankSource& source, Clock& clock, Logger& log,
                           StateStore& hostState, Publisher& publisher, PublishedTopics& registry)
    : plan_(std::move(plan)), source_(source), clock_(clock), log_(log), hostState_(hostState),
      publisher_(publisher), registry_(registry)
{
    // Keys handed out before stay with their account (renaming an account in the bank must not
    // move its topics); a corrupt entry, or a key that is no safe topic level, just means keys
    // are derived afresh.
    if (auto saved = hostState_.get(kKeysState)) {
        try {
            auto object = Poco::JSON::Parser().parse(*saved).extract<Poco::JSON::Object::Ptr>();
            for (const auto& [fingerprint, key] : *object)
                if (key.isString() && isSafeTopicLevel(key.extract<std::string>()))
                    keys_[fingerprint] = key.extract<std::string>();
        } catch (...) {
            log_.warning("ignoring unreadable account keys in the state file");
        }
    }
}

FetchResult SourcePoller::poll()
{
    const auto wallStarted = clock_.wallNow();
    const auto monoStarted = clock_.monotonicNow();
    const std::string oldState = status_.state;
    const std::string oldError = status_.error;
    log_.debug("fetch started");
    FetchResult result = source_.fetch();
    status_.lastAttempt = wallStarted;
    // An empty list is a bank hiccup, not the user's wish: taking it as the truth would clear
    // every balance and Home Assistant device of the source.
    if (result.status == FetchStatus::Ok && result.accounts.empty())
        result = FetchResult::failure(FetchStatus::Temporary, "the bank listed no accounts");
    if (plan_.publicId)
        for (auto& account : result.accounts)
            account.fingerprint = plan_.publicId(account.fingerprint);

    switch (result.status) {
    case FetchStatus::Ok:
        publishAccounts(result.accounts, wallStarted);
        status_.state = "ok";
        status_.error.clear();
        status_.lastSuccess = wallStarted;
        lastSuccessMono_ = monoStarted;
        break;
    case FetchStatus::AuthRequired:
        status_.state = "auth_failed";
        status_.error = result.message;
        break;
    case FetchStatus::RateLimited:
        status_.state = "rate_limited";
        status_.error = result.message;
        break;
    case FetchStatus::Temporary:
    case FetchStatus::ConfigError: {
        const bool tooOld =
            !status_.lastSuccess || wallStarted - *status_.lastSuccess > plan_.maxAge;
        status_.state = (tooOld && status_.lastSuccess) ? "stale" : "error";
        status_.error = result.message.empty() ? "the fetch failed" : result.message;
        break;
    }
    }
    logTransition(oldState, oldError, failures_);
    failures_ = result.status == FetchStatus::Ok ? 0 : failures_ + 1;
    publishAvailability();
    return result;
}

// An account is available to Home Assistant while its data is fresh and no person has to act;
// otherwise HA shows it unavailable instead of an old number that looks current.
void SourcePoller::publishAvailability()
{
    const bool online = status_.state != "stale" && status_.state != "auth_failed";
    for (const auto& topic : accountTopics_)
        publisher_.set(topic + "/availability", online ? "online" : "offline");
}

std::optional<std::chrono::steady_clock::time_point> SourcePoller::freshnessDeadline() const
{
    if (!lastSuccessMono_ || status_.state == "stale" || status_.state == "auth_failed")
        return std::nullopt;
    return *lastSuccessMono_ + plan_.maxAge;
}

void SourcePoller::checkFreshness()
{
    const auto deadline = freshnessDeadline();
    if (!deadline || clock_.monotonicNow() < *deadline)
        return;
    const std::string oldState = status_.state;
    const std::string oldError = status_.error;
    status_.state = "stale";
    if (status_.error.empty())
        status_.error = "no fresh data for longer than max_age";
    logTransition(oldState, oldError, failures_);
    publishAvailability();
    publishStatus(status_.nextPoll);
}

void SourcePoller::logTransition(const std::string& oldState, const std::string& oldError,
                                 int failures)
{
    if (status_.state == "ok") {
        if (oldState != "ok" && oldState != "starting")
            log_.info("recovered after " + std::to_string(failures) + " failed attempt" +
                      (failures == 1 ? "" : "s"));
        else if (oldState == "starting")
            log_.info("first balances published");
        else
            log_.debug("balances published");
        return;
    }
    if (status_.state != oldState || status_.error != oldError)
        log_.log(status_.state == "auth_failed" ? LogLevel::Error : LogLevel::Warning,
                 status_.state + ": " + status_.error);
    else
        log_.debug("still " + status_.state + ": " + status_.error);
}

std::string SourcePoller::statusTopic() const
{
    return publisher_.baseTopic() + "/" + plan_.id + "/status";
}

void SourcePoller::publishStatus(std::optional<std::chrono::system_clock::time_point> nextPoll)
{
    status_.nextPoll = nextPoll;
    // Recorded even before a first success, so that removing the source clears it.
    registry_.add(plan_.id, "", statusTopic());
    publisher_.set(statusTopic(), sourceStatusJson(status_));
}

std::string SourcePoller::keyFor(const Account& account, std::vector<std::string>& used)
{
    std::string key;
    if (account.selector >= 0 && static_cast<std::size_t>(account.selector) < plan_.aliases.size())
        key = plan_.aliases[static_cast<std::size_t>(account.selector)];
    if (key.empty()) {
        auto known = keys_.find(account.fingerprint);
        key = known != keys_.end() ? known->second : slugify(account.name);
    }
    return uniqueKey(key, used);
}

void SourcePoller::publishAccounts(const std::vector<Account>& accounts,
                                   std::chrono::system_clock::time_point fetchedAt)
{
    // Accounts keep their key by fingerprint; new ones are keyed in fingerprint order so that
    // two accounts with the same name get the same suffixes on every run.
    std::vector<const Account*> ordered;
    for (const auto& a : accounts)
        ordered.push_back(&a);
    std::stable_sort(ordered.begin(), ordered.end(), [this](const Account* a, const Account* b) {
        const bool ka = keys_.count(a->fingerprint) > 0, kb = keys_.count(b->fingerprint) > 0;
        if (ka != kb)
            return ka;
        return a->fingerprint < b->fingerprint;
    });
    std::vector<std::string> used;
    bool keysChanged = false;
    std::map<std::string, std::set<std::string>> groups;
    // Everything is collected first and published after the clean-up below: Home Assistant
    // must see an old discovery config removed before a new one for the same entity appears.
    std::vector<Message> messages;
    accountTopics_.clear();
    for (const Account* a : ordered) {
        const std::string key = keyFor(*a, used);
        auto& slot = keys_[a->fingerprint];
        if (slot != key) {
            slot = key;
            keysChanged = true;
        }
        const std::string topic = publisher_.baseTopic() + "/" + plan_.id + "/" + key;
        const auto low = isLowBalance(*a, plan_.lowBalance);
        const std::size_t first = messages.size();
        messages.emplace_back(topic, accountJson(*a, fetchedAt, low));
        messages.emplace_back(topic + "/balance", formatMoney(a->balance));
        messages.emplace_back(topic + "/available", formatMoney(a->available));
        if (low)
            messages.emplace_back(topic + "/low_balance", *low ? "ON" : "OFF");
        auto& topics = groups[key];
        if (plan_.discovery)
            for (const auto& discoveryTopic : discoveryFor(*a, key, messages))
                topics.insert(discoveryTopic);
        topics.insert(topic + "/availability");  // published by publishAvailability()
        for (std::size_t i = first; i < messages.size(); ++i)
            topics.insert(messages[i].first);
        accountTopics_.push_back(topic);
    }
    // Accounts that left the selection take their cached discovery with them.
    for (auto it = discovery_.begin(); it != discovery_.end();) {
        const bool kept = std::any_of(ordered.begin(), ordered.end(), [&](const Account* a) {
            return a->fingerprint == it->first;
        });
        it = kept ? std::next(it) : discovery_.erase(it);
    }
    groups[""] = {statusTopic()};
    // Whatever this source published before and no longer has (an account left the selection,
    // discovery was switched off or changed mode) is taken back, so no ghost entity remains.
    for (const auto& gone : registry_.replace(plan_.id, groups))
        publisher_.clear(gone);
    for (const auto& [topic, payload] : messages)
        publisher_.set(topic, payload);
    if (keysChanged) {
        Poco::JSON::Object object;
        for (const auto& [fingerprint, key] : keys_)
            object.set(fingerprint, key);
        std::ostringstream text;
        object.stringify(text);
        hostState_.put(kKeysState, text.str());
    }
}

// Discovery describes entities, not values: it depends on the key, name, type and currency only
// (see AccountEntity). Building it was most of a poll's CPU (Poco::JSON stringify for every
// entity of every account), so it is built only when one of those changes, and only then sent
// to the publisher; unchanged, the publisher's retained copy stands (keeping a second copy here
// would cost ~3.6 kB per account). The topics are returned either way, for the registry.
const std::vector<std::string>& SourcePoller::discoveryFor(const Account& account,
                                                           const std::string& key,
                                                           std::vector<Message>& messages)
{
    std::string inputs =
        key + '\n' + account.name + '\n' + account.type + '\n' + account.balance.currency;
    CachedDiscovery& cached = discovery_[account.fingerprint];
    if (cached.topics.empty() || cached.inputs != inputs) {
        const AccountEntity entity{plan_.id, key, plan_.bank, account,
                                   plan_.lowBalance.has_value()};
        cached.topics.clear();
        for (auto& message : accountDiscovery(*plan_.discovery, entity)) {
            cached.topics.push_back(message.topic);
            messages.emplace_back(std::move(message.topic), std::move(message.payload));
        }
        cached.inputs = std::move(inputs);
    }
    return cached.topics;
}

}  // namespace bank2mqtt
