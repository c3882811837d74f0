// SPDX-License-Identifier: MIT
// SourcePoller: turns a FetchResult into retained topics and one log line per state change.
#include "source_poller.h"

#include "money.h"
#include "reserved_names.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace bank2mqtt {
namespace {
const char* kKeysState = "account_keys";
/// Seconds since the epoch of the last successful poll, so that max_age survives a restart.
const char* kLastSuccessState = "last_success";
// Accounts the last results left out: "key:epoch seconds of their last read,key:...".
const char* kLeftOutState = "left_out";

using Value = TopicLayout::Value;

bool needsPerson(SourceState s)
{
    return s == SourceState::Stale || s == SourceState::AuthFailed;
}
}  // namespace

SourcePoller::SourcePoller(SourcePlan plan, const InstallationKey& ids, BankSource& source,
                           Clock& clock, Logger& log, StateStore& hostState, Publisher& publisher,
                           PublishedTopics& registry)
    : plan_(std::move(plan)), ids_(ids), source_(source), clock_(clock), log_(log),
      hostState_(hostState), publisher_(publisher), registry_(registry)
{
    if (plan_.discovery)
        discovery_.emplace(*plan_.discovery);
    // Keys handed out before stay with their account (renaming an account in the bank must not
    // move its topics). What is read back becomes a topic level again, so anything that is not
    // a plain key (a wildcard, a reserved name) is dropped and derived afresh.
    if (auto saved = hostState_.get(kKeysState)) {
        try {
            auto object = Poco::JSON::Parser().parse(*saved).extract<Poco::JSON::Object::Ptr>();
            for (const auto& [id, key] : *object)
                if (key.isString() && isValidAccountKey(key.extract<std::string>()))
                    keys_[id] = key.extract<std::string>();
        } catch (...) {
            log_.warning("ignoring unreadable account keys in the state file");
        }
    }
    for (const auto& [group, topics] : registry_.groups(plan_.id))
        if (isValidAccountKey(group))
            accountKeys_.push_back(group);
    restoreLastSuccess();
    // The plugin's optional interfaces; no worker thread calls the plugin yet.
    renewable_ = capabilityOf<Authorization>(source_) != nullptr;
    consentInfo_ = capabilityOf<ConsentInfo>(source_);
    if (consentInfo_ != nullptr) {
        consent_.emplace(plan_.id, plan_.consentWarning, renewable_);
        consent_->setEnd(consentInfo_->consentEnd());
        status_.hasConsent = true;
        status_.consentEnd = consent_->end();
    }
    setUpTransactions();
}

void SourcePoller::restoreLastSuccess()
{
    const auto saved = hostState_.get(kLastSuccessState);
    Poco::Int64 seconds = 0;
    if (!saved || !Poco::NumberParser::tryParse64(*saved, seconds) || seconds <= 0)
        return;
    const auto wallNow = clock_.wallNow();
    const auto then = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
    // A success "in the future" means this clock is behind (a Pi without a clock chip before
    // NTP): the age is unknown, so the accounts stay offline until a poll succeeds.
    if (then > wallNow)
        return;
    status_.lastSuccess = then;
    lastSuccessMono_ =
        clock_.monotonicNow() - std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    wallNow - *status_.lastSuccess);
    // Accounts left out before the restart keep their own age; one whose age cannot be read
    // is as old as max_age (unavailable until it is read again).
    const auto leftOut = hostState_.get(kLeftOutState);
    std::size_t start = 0;
    while (leftOut && start < leftOut->size()) {
        const std::size_t comma = std::min(leftOut->find(',', start), leftOut->size());
        const std::string item = leftOut->substr(start, comma - start);
        start = comma + 1;
        const std::size_t colon = item.find(':');
        if (colon == std::string::npos || !isValidAccountKey(item.substr(0, colon)))
            continue;
        Poco::Int64 read = 0;
        auto seen = clock_.monotonicNow() - plan_.maxAge;
        if (Poco::NumberParser::tryParse64(item.substr(colon + 1), read) && read > 0 &&
            std::chrono::seconds(read) <= wallNow.time_since_epoch())
            seen = clock_.monotonicNow() -
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       wallNow - std::chrono::system_clock::time_point(std::chrono::seconds(read)));
        leftOut_[item.substr(0, colon)] = seen;
    }
}

void SourcePoller::publishRestored()
{
    if (lastSuccessMono_ && clock_.monotonicNow() >= *lastSuccessMono_ + plan_.maxAge) {
        status_.state = SourceState::Stale;
        status_.error = "no fresh data for longer than max_age";
        log_.warning("the last balances are older than max_age; shown as unavailable until a "
                     "poll succeeds");
    } else if (lastSuccessMono_ && budget_) {
        // A budgeted source is not polled while its balances are fresh; "starting" until then
        // would be hours of a state Home Assistant does not list.
        status_.state = SourceState::Ok;
    }
    // Data of unknown age (no last success kept) is not shown as current either, nor an
    // account the last results left out whose own data is older than max_age.
    publishAvailability();
    if (renewable_)
        registry_.add(plan_.id, "", publisher_.topics().sourceConsent(plan_.id));
    // Announcements an earlier process read while the broker was down; the first poll may be
    // hours away on a budgeted source.
    publishTransactions();
}

FetchOutcome SourcePoller::fetch()
{
    FetchOutcome outcome;
    outcome.wallStarted = clock_.wallNow();
    outcome.monoStarted = clock_.monotonicNow();
    // A consent that has ended costs no call: the bank would only refuse it.
    if (consentInfo_ != nullptr) {
        outcome.consentRead = true;
        outcome.consentEnd = consentInfo_->consentEnd();
        outcome.withoutConsent =
            !outcome.consentEnd || ConsentWatch::hasEnded(outcome.consentEnd, outcome.wallStarted);
        if (ConsentWatch::hasEnded(outcome.consentEnd, outcome.wallStarted)) {
            log_.debug("fetch skipped: the consent has ended");
            outcome.result = FetchResult::failure(FetchStatus::AuthRequired, "consent ended");
            return outcome;
        }
    }
    log_.debug("fetch started");
    const std::uint64_t requestsBefore = requestCounter_ ? requestCounter_() : 0;
    outcome.result = source_.fetch();
    outcome.madeNoRequest = requestCounter_ && requestCounter_() == requestsBefore;
    if (ledger_ && outcome.result.status == FetchStatus::Ok)
        outcome.transactions = fetchTransactions();
    if (consentInfo_ != nullptr)
        outcome.consentEnd = consentInfo_->consentEnd();  // the fetch may have learnt a new one
    return outcome;
}

FetchResult SourcePoller::poll()
{
    return apply(fetch());
}

FetchResult SourcePoller::apply(FetchOutcome outcome)
{
    FetchResult& result = outcome.result;
    const auto wallStarted = outcome.wallStarted;
    const SourceState oldState = status_.state;
    const std::string oldError = status_.error;
    status_.lastAttempt = wallStarted;
    status_.notice.clear();
    if (consent_) {
        if (outcome.consentRead)
            consent_->setEnd(outcome.consentEnd);
        if (consent_->phase(clock_.wallNow()) == ConsentWatch::Phase::Ended)
            result = FetchResult::failure(FetchStatus::AuthRequired, consent_->endedSentence());
    }
    // An empty list is a bank hiccup, not the user's wish: taking it as the truth would clear
    // every balance and Home Assistant device of the source.
    if (result.status == FetchStatus::Ok && result.accounts.empty())
        result = FetchResult::failure(FetchStatus::Temporary, "the bank listed no accounts");
    // From here on an account is known by its keyed id only; the plain fingerprint is a hash of
    // the account number. A key saved under the plain fingerprint by an older version moves.
    bool keysMoved = false;
    for (auto& account : result.accounts) {
        std::string publicId = ids_.publicId(account.fingerprint);
        if (auto old = keys_.find(account.fingerprint); old != keys_.end()) {
            keys_.emplace(publicId, old->second);
            keys_.erase(old);
            keysMoved = true;
        }
        account.fingerprint = std::move(publicId);
    }
    if (keysMoved)
        saveKeys();

    switch (result.status) {
    case FetchStatus::Ok:
        // Ok with a message: the plugin could not read some accounts this time (the SDK's
        // FetchResult::message); they keep their last values, and the status says why.
        publishAccounts(result.accounts, wallStarted, !result.message.empty());
        noteLeftOut(outcome.monoStarted);
        status_.state = SourceState::Ok;
        status_.error = result.message;
        status_.lastSuccess = wallStarted;
        lastSuccessMono_ = outcome.monoStarted;
        hostState_.put(kLastSuccessState,
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          wallStarted.time_since_epoch())
                                          .count()));
        break;
    case FetchStatus::AuthRequired:
        status_.state = SourceState::AuthFailed;
        status_.error = result.message;
        break;
    case FetchStatus::RateLimited:
        status_.state = SourceState::RateLimited;
        status_.error = result.message;
        break;
    case FetchStatus::Temporary:
    case FetchStatus::ConfigError: {
        // Monotonic, like checkFreshness(): a wall clock stepped back must not flap the state.
        const bool tooOld =
            !lastSuccessMono_ || outcome.monoStarted - *lastSuccessMono_ > plan_.maxAge;
        status_.state = (tooOld && lastSuccessMono_) ? SourceState::Stale : SourceState::Error;
        status_.error = result.message.empty() ? "the fetch failed" : result.message;
        break;
    }
    }
    overlayConsent();
    logTransition(oldState, oldError, failures_);
    failures_ = result.status == FetchStatus::Ok ? 0 : failures_ + 1;
    publishAvailability();
    if (outcome.transactions && result.status == FetchStatus::Ok)
        applyTransactions(*outcome.transactions);
    return std::move(result);
}

void SourcePoller::overlayConsent()
{
    if (!consent_)
        return;
    const auto now = clock_.wallNow();
    status_.consentEnd = consent_->end();
    status_.consentRenewalDue = consent_->renewalDue(now);
    if (status_.state == SourceState::Ok && consent_->phase(now) == ConsentWatch::Phase::Expiring) {
        status_.state = SourceState::ConsentExpiring;
        status_.error = consent_->expiringSentence();
    }
}

SourcePoller::ConsentChange SourcePoller::checkConsent()
{
    if (!consent_)
        return ConsentChange::None;
    const SourceState oldState = status_.state;
    const std::string oldError = status_.error;
    const bool oldDue = status_.consentRenewalDue;
    const auto oldEnd = status_.consentEnd;
    const auto phase = consent_->phase(clock_.wallNow());
    ConsentChange change = ConsentChange::None;
    if (phase == ConsentWatch::Phase::Ended) {
        if (status_.state != SourceState::AuthFailed) {
            status_.state = SourceState::AuthFailed;
            status_.error = consent_->endedSentence();
            change = ConsentChange::Ended;
        }
    } else if (phase != ConsentWatch::Phase::Expiring &&
               status_.state == SourceState::ConsentExpiring) {
        status_.state = SourceState::Ok;  // renewed: the data is as fresh as before
        status_.error.clear();
    }
    overlayConsent();
    if (status_.state != oldState || status_.error != oldError)
        logTransition(oldState, oldError, failures_);
    if (change == ConsentChange::Ended)
        publishAvailability();
    else if (status_.state != oldState || status_.error != oldError ||
             status_.consentRenewalDue != oldDue || status_.consentEnd != oldEnd)
        change = ConsentChange::Changed;
    return change;
}

std::optional<std::chrono::steady_clock::time_point> SourcePoller::consentDeadline() const
{
    if (!consent_)
        return std::nullopt;
    const auto wallNow = clock_.wallNow();
    const auto next = consent_->nextChange(wallNow);
    if (!next)
        return std::nullopt;
    return clock_.monotonicNow() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next - wallNow);
}

SourcePoller::ConsentChange
SourcePoller::consentRenewed(std::optional<std::chrono::system_clock::time_point> end)
{
    if (!consent_)
        return ConsentChange::None;
    consent_->setEnd(end);
    return checkConsent();
}

// An account is available to Home Assistant while its data is fresh and no person has to act;
// otherwise HA shows it unavailable instead of an old number that looks current.
void SourcePoller::publishAvailability()
{
    const bool online = !needsPerson(status_.state) && lastSuccessMono_.has_value();
    const auto now = clock_.monotonicNow();
    for (const auto& key : accountKeys_) {
        publisher_.set(publisher_.topics().accountValue(plan_.id, key, Value::Availability),
                       online && accountFresh(key, now) ? "online" : "offline");
        publisher_.set(publisher_.topics().accountValue(plan_.id, key, Value::Problem),
                       leftOut_.count(key) ? "ON" : "OFF");
    }
}

bool SourcePoller::accountFresh(const std::string& key,
                                std::chrono::steady_clock::time_point now) const
{
    const auto seen = leftOut_.find(key);
    return seen == leftOut_.end() || now < seen->second + plan_.maxAge;
}

// After publishAccounts(): the accounts kept from before are the ones this result left out.
void SourcePoller::noteLeftOut(std::chrono::steady_clock::time_point fetchStarted)
{
    std::map<std::string, std::chrono::steady_clock::time_point> leftOut;
    for (const auto& key : keptKeys_) {
        // Read last by the previous success; with none known its age is unknown: as old as
        // max_age, so it is not shown as current.
        const auto before = leftOut_.find(key);
        leftOut[key] = before != leftOut_.end()
                           ? before->second
                           : lastSuccessMono_.value_or(fetchStarted - plan_.maxAge);
    }
    if (leftOut == leftOut_)
        return;
    leftOut_ = std::move(leftOut);
    // Kept as wall time, so a restart does not make a left-out account look fresh again.
    const auto monoNow = clock_.monotonicNow();
    const auto wallNow = clock_.wallNow();
    std::string saved;
    for (const auto& [key, seen] : leftOut_) {
        const auto wall = wallNow - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                        monoNow - seen);
        saved +=
            (saved.empty() ? "" : ",") + key + ':' +
            std::to_string(
                std::chrono::duration_cast<std::chrono::seconds>(wall.time_since_epoch()).count());
    }
    if (saved.empty())
        hostState_.erase(kLeftOutState);
    else
        hostState_.put(kLeftOutState, saved);
}

std::optional<std::chrono::steady_clock::time_point> SourcePoller::freshnessDeadline() const
{
    if (!lastSuccessMono_ || needsPerson(status_.state))
        return std::nullopt;
    auto deadline = *lastSuccessMono_ + plan_.maxAge;
    const auto now = clock_.monotonicNow();
    for (const auto& [key, seen] : leftOut_)
        if (seen + plan_.maxAge > now)
            deadline = std::min(deadline, seen + plan_.maxAge);
    return deadline;
}

void SourcePoller::checkFreshness()
{
    if (!lastSuccessMono_ || needsPerson(status_.state))
        return;
    if (clock_.monotonicNow() < *lastSuccessMono_ + plan_.maxAge) {
        if (!leftOut_.empty())
            publishAvailability();  // a left-out account's own data may have grown too old
        return;
    }
    const SourceState oldState = status_.state;
    const std::string oldError = status_.error;
    status_.state = SourceState::Stale;
    if (status_.error.empty())
        status_.error = "no fresh data for longer than max_age";
    logTransition(oldState, oldError, failures_);
    publishAvailability();
    publishStatus(status_.nextPoll);
}

void SourcePoller::logTransition(SourceState oldState, const std::string& oldError, int failures)
{
    if (status_.state == SourceState::Ok && oldState == SourceState::ConsentExpiring) {
        log_.info("the bank consent no longer needs renewal");
        return;
    }
    if (status_.state == SourceState::Ok) {
        // A message with every account read is the bank's warning (SimpleFIN's quota notice).
        if (!status_.error.empty() && status_.error != oldError)
            log_.warning(leftOut_.empty()
                             ? "the bank warns: " + status_.error
                             : "some accounts could not be read, their last values are kept: " +
                                   status_.error);
        if (oldState != SourceState::Ok && oldState != SourceState::Starting)
            log_.info("recovered after " + std::to_string(failures) + " failed attempt" +
                      (failures == 1 ? "" : "s"));
        else if (oldState == SourceState::Starting)
            log_.info("first balances published");
        else
            log_.debug("balances published");
        return;
    }
    const std::string state = toString(status_.state);
    if (status_.state != oldState || status_.error != oldError)
        log_.log(status_.state == SourceState::AuthFailed ? LogLevel::Error : LogLevel::Warning,
                 state + ": " + status_.error);
    else
        log_.debug("still " + state + ": " + status_.error);
}

void SourcePoller::publishStatus(std::optional<std::chrono::system_clock::time_point> nextPoll)
{
    status_.nextPoll = nextPoll;
    if (budget_) {
        const auto now = clock_.monotonicNow();
        const auto toWall = [this, now](std::chrono::steady_clock::time_point t) {
            return clock_.wallNow() +
                   std::chrono::duration_cast<std::chrono::system_clock::duration>(t - now);
        };
        CallsStatus calls;
        calls.limit = budget_->limit();
        calls.remaining = budget_->remaining(now);
        if (const auto reset = budget_->resetsAt(now))
            calls.resetsAt = toWall(*reset);
        status_.calls = calls;
    }
    const std::string topic = publisher_.topics().sourceStatus(plan_.id);
    // Recorded even before a first success, so that removing the source clears it.
    registry_.add(plan_.id, "", topic);
    publisher_.set(topic, sourceStatusJson(status_));
}

std::optional<std::chrono::steady_clock::time_point> SourcePoller::callsChangeAt() const
{
    if (!budget_)
        return std::nullopt;
    return budget_->resetsAt(clock_.monotonicNow());
}

void SourcePoller::checkCalls()
{
    if (!budget_ || !status_.calls || status_.state == SourceState::Starting)
        return;
    if (budget_->remaining(clock_.monotonicNow()) != status_.calls->remaining)
        publishStatus(status_.nextPoll);
}

void SourcePoller::refuse(const std::string& sentence)
{
    // Nothing known yet (every call spent before the first poll): "starting" is not a state
    // that is published, and waiting for the bank's limit is what rate_limited says.
    if (status_.state == SourceState::Starting)
        status_.state = SourceState::RateLimited;
    status_.notice = sentence;
    log_.info("refresh not carried out: " + sentence);
    publishStatus(status_.nextPoll);
}

// An alias, else the key this account had before, else the slug of its name; never a level the
// daemon uses itself (a bank account named "Status" becomes status_2).
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
                                   std::chrono::system_clock::time_point fetchedAt, bool partial)
{
    // A partial result leaves out accounts that still exist: their topics stay as they are.
    std::set<std::string> kept;
    if (partial) {
        std::set<std::string> present;
        for (const auto& a : accounts)
            if (auto known = keys_.find(a.fingerprint); known != keys_.end())
                present.insert(known->second);
        for (const auto& key : accountKeys_)
            if (!present.count(key))
                kept.insert(key);
    }
    // Accounts keep their key by id; new ones are keyed in id order so that two accounts with
    // the same name get the same suffixes on every run.
    std::vector<const Account*> ordered;
    for (const auto& a : accounts)
        ordered.push_back(&a);
    std::stable_sort(ordered.begin(), ordered.end(), [this](const Account* a, const Account* b) {
        const bool ka = keys_.count(a->fingerprint) > 0, kb = keys_.count(b->fingerprint) > 0;
        if (ka != kb)
            return ka;
        return a->fingerprint < b->fingerprint;
    });
    keptKeys_ = kept;
    std::vector<std::string> used = reservedAccountKeys();
    used.insert(used.end(), kept.begin(), kept.end());
    bool keysChanged = false;
    std::map<std::string, std::set<std::string>> groups;
    std::vector<RetainedMessage> messages;
    const TopicLayout& topics = publisher_.topics();
    accountKeys_.clear();
    for (const Account* a : ordered) {
        const std::string key = keyFor(*a, used);
        auto& slot = keys_[a->fingerprint];
        if (slot != key) {
            slot = key;
            keysChanged = true;
        }
        const std::optional<std::string> threshold = plan_.lowBalanceFor(a->selector);
        const auto low = isLowBalance(*a, threshold);
        const std::size_t first = messages.size();
        messages.emplace_back(topics.account(plan_.id, key), accountJson(*a, fetchedAt, low));
        messages.emplace_back(topics.accountValue(plan_.id, key, Value::Balance),
                              formatMoney(a->balance));
        messages.emplace_back(topics.accountValue(plan_.id, key, Value::Available),
                              formatMoney(a->available));
        if (low)
            messages.emplace_back(topics.accountValue(plan_.id, key, Value::LowBalance),
                                  *low ? "ON" : "OFF");
        auto& group = groups[key];
        if (discovery_) {
            AccountEntity entity{plan_.id, key, plan_.bank, *a, threshold.has_value()};
            entity.hasConsent = consentInfo_ != nullptr;
            entity.hasTransactions = ledger_.has_value();
            std::vector<DiscoveryMessage> built;
            for (const auto& discoveryTopic : discovery_->topics(entity, built))
                group.insert(discoveryTopic);
            for (auto& message : built)
                messages.emplace_back(std::move(message.topic), std::move(message.payload));
        }
        // published by publishAvailability()
        group.insert(topics.accountValue(plan_.id, key, Value::Availability));
        group.insert(topics.accountValue(plan_.id, key, Value::Problem));
        if (ledger_)  // published by publishTransactions()
            group.insert(topics.accountValue(plan_.id, key, Value::LastTransaction));
        for (std::size_t i = first; i < messages.size(); ++i)
            group.insert(messages[i].first);
        accountKeys_.push_back(key);
    }
    const auto before = registry_.groups(plan_.id);
    for (const auto& key : kept) {
        if (auto group = before.find(key); group != before.end())
            groups[key] = group->second;
        accountKeys_.push_back(key);
    }
    // Accounts that left the selection take their cached discovery with them.
    if (discovery_) {
        std::set<std::string> stay;
        for (const Account* a : ordered)
            stay.insert(a->fingerprint);
        for (const auto& [id, key] : keys_)
            if (kept.count(key))
                stay.insert(id);
        discovery_->keepOnly(stay);
    }
    groups[""] = {topics.sourceStatus(plan_.id)};
    if (renewable_)
        groups[""].insert(topics.sourceConsent(plan_.id));
    // Whatever this source published before and no longer has (an account left the selection,
    // an id changed, discovery was switched off or changed mode) is taken back, so no ghost
    // entity remains.
    replaceRetained(publisher_, registry_, plan_.id, groups, messages);
    if (keysChanged)
        saveKeys();
}

void SourcePoller::saveKeys()
{
    Poco::JSON::Object object;
    for (const auto& [id, key] : keys_)
        object.set(id, key);
    std::ostringstream text;
    object.stringify(text);
    hostState_.put(kKeysState, text.str());
}

}  // namespace bank2mqtt
