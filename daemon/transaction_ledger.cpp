// SPDX-License-Identifier: MIT
// TransactionLedger: once-and-only-once announcements of an account's transactions.
#include "transaction_ledger.h"

#include "money.h"
#include "payloads.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

namespace bank2mqtt {
namespace {

// A pending entry books within days; a booking dated before its reservation (the bank's
// booking date is the purchase date) is allowed a little.
constexpr int kBookWithinDays = 10;
constexpr int kBookBeforeDays = 3;
// A reservation that never booked (released by the shop) is forgotten after this.
constexpr int kPendingKeptDays = 14;

std::string digest(const std::string& text)
{
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(text);
    return Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 24);
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, UTC).
int daysFromCivil(int y, unsigned m, unsigned d)
{
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int>(doe) - 719468;
}

// Lower case, one space between words: "NARVESEN  Oslo" and "Narvesen Oslo" are one text.
std::string normalized(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '\t') {
            if (!out.empty() && out.back() != ' ')
                out += ' ';
        } else {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

}  // namespace

std::optional<int> parseIsoDate(const std::string& text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
    const int y = std::stoi(text.substr(0, 4));
    const int m = std::stoi(text.substr(5, 2));
    const int d = std::stoi(text.substr(8, 2));
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1] || (m == 2 && d == 29 && !leap))
        return std::nullopt;
    return daysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string formatIsoDate(int day)
{
    const int z = day + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const int y = static_cast<int>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
    char out[48];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", y, m, d);
    return out;
}

/// One entry of a listing with the keys it is remembered by.
struct TransactionLedger::Candidate {
    const Transaction* t = nullptr;
    int day = 0;
    std::string id;       // digest of the bank's id, or ""
    std::string content;  // digest of status, date, amount, text and rank
};

TransactionLedger::TransactionLedger(StateStore& hostState, Clock& clock, Logger& log, int backlog)
    : state_(hostState), clock_(clock), log_(log), backlog_(std::max(0, backlog))
{
    load();
}

int TransactionLedger::today() const
{
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::hours>(clock_.wallNow().time_since_epoch())
            .count() /
        24);
}

// A week back, or from a few days before the last good fetch after a pause (entries booked
// while the daemon was off are still new), never more than 90 days (PSD2 banks ask for a new
// login beyond that).
std::string TransactionLedger::since() const
{
    return formatIsoDate(sinceDay());
}

int TransactionLedger::sinceDay() const
{
    const int now = today();
    int from = now - kLookbackDays;
    const int last = lastFetchDay_.load();
    if (last != kNever && last <= now)
        from = std::min(from, last - kBookBeforeDays);
    return std::max(from, now - kMaxLookbackDays);
}

void TransactionLedger::take(const std::string& account, const std::vector<Transaction>& listing)
{
    const int now = today();
    const int from = sinceDay();
    const bool first = accounts_.find(account) == accounts_.end();
    Memory& memory = accounts_[account];
    if (first)
        dirty_ = true;

    // Keys. Two identical entries on one day (two 49 kr at Narvesen) differ by their rank.
    std::vector<Candidate> candidates;
    std::map<std::string, int> ranks;
    for (const Transaction& t : listing) {
        Candidate c;
        c.t = &t;
        const std::optional<int> day = parseIsoDate(t.date);
        // A booked entry has a date (the feed drops one without); a pending one may not, and
        // then its key must not change with the day it is looked at. Older than the window:
        // neither announced nor kept (a hold dated weeks back would otherwise come back as new
        // once its memory is pruned).
        if ((!t.pending && !day) || (day && *day < from))
            continue;
        c.day = day.value_or(now);
        const std::string basis =
            std::string(t.pending ? "p|" : "b|") + (day ? std::to_string(*day) : "-") + "|" +
            std::to_string(t.amount.minor) + "|" + t.amount.currency + "|" + normalized(t.text);
        c.content = digest(basis + "|" + std::to_string(ranks[basis]++));
        if (!t.id.empty())
            c.id = digest("i|" + t.id);
        candidates.push_back(std::move(c));
    }

    const auto seen = [&memory](const std::string& key) {
        return !key.empty() && memory.seen.count(key) > 0;
    };
    const auto remember = [&memory](const std::string& key, int day) {
        if (key.empty())
            return;
        auto [it, inserted] = memory.seen.emplace(key, day);
        if (!inserted)
            it->second = std::max(it->second, day);
    };
    const auto kindOf = [](const Candidate& c) {
        return std::string(c.t->amount.minor < 0 ? "debit" : "credit");
    };
    const auto books = [](int pendingDay, int bookedDay) {
        return bookedDay + kBookBeforeDays >= pendingDay &&
               bookedDay <= pendingDay + kBookWithinDays;
    };

    // Bookings first, so that a reservation listed next to its own booking is covered by it.
    std::vector<std::pair<const Candidate*, std::string>> fresh;  // entry, kind
    std::vector<const Candidate*> unmatched;  // new bookings that ended no known reservation
    for (const Candidate& c : candidates) {
        if (c.t->pending || seen(c.id) || seen(c.content))
            continue;
        remember(c.content, c.day);
        remember(c.id, c.day);
        // The reservation this booking ends: the same id, else the same amount within days.
        auto match = std::find_if(memory.pending.begin(), memory.pending.end(),
                                  [&c](const Pending& p) { return !c.id.empty() && p.id == c.id; });
        if (match == memory.pending.end()) {
            for (auto it = memory.pending.begin(); it != memory.pending.end(); ++it)
                if (it->minor == c.t->amount.minor && books(it->day, c.day) &&
                    (match == memory.pending.end() || it->day < match->day))
                    match = it;
        }
        if (match == memory.pending.end()) {
            fresh.emplace_back(&c, kindOf(c));
            unmatched.push_back(&c);
            continue;
        }
        // A reservation nobody was told about (first listing) books as a plain entry. The
        // reservation stays known, in case the bank still lists it after its booking.
        fresh.emplace_back(&c, match->announced ? "booked" : kindOf(c));
        remember(match->id, std::max(match->day, c.day));
        remember(match->content, std::max(match->day, c.day));
        memory.pending.erase(match);
    }
    for (const Candidate& c : candidates) {
        if (!c.t->pending || seen(c.id) || seen(c.content))
            continue;
        const bool known =
            std::any_of(memory.pending.begin(), memory.pending.end(), [&c](const Pending& p) {
                return (!c.id.empty() && p.id == c.id) || p.content == c.content;
            });
        if (known)
            continue;
        // First seen together with its own booking: the booking says it all.
        auto cover = std::find_if(unmatched.begin(), unmatched.end(), [&](const Candidate* b) {
            return b->t->amount.minor == c.t->amount.minor && books(c.day, b->day);
        });
        if (cover != unmatched.end()) {
            remember(c.content, std::max(c.day, (*cover)->day));
            remember(c.id, std::max(c.day, (*cover)->day));
            unmatched.erase(cover);
            continue;
        }
        memory.pending.push_back({c.id, c.content, c.t->amount.minor, c.day, true});
        fresh.emplace_back(&c, kindOf(c));
    }
    std::stable_sort(fresh.begin(), fresh.end(),
                     [](const auto& a, const auto& b) { return a.first->day < b.first->day; });
    if (!fresh.empty())
        dirty_ = true;

    // First listing: what is there is history, except the newest `backlog` entries. A bank
    // that renumbered everything would otherwise announce weeks of entries at once.
    std::size_t keep = first ? static_cast<std::size_t>(backlog_) : kMaxNewPerListing;
    if (!first && fresh.size() > keep)
        log_.warning(std::to_string(fresh.size()) + " new transactions of " + account +
                     " at once; only the newest " + std::to_string(keep) + " are announced");
    const std::size_t skip = fresh.size() > keep ? fresh.size() - keep : 0;
    for (std::size_t i = 0; i < skip; ++i) {
        const Candidate& c = *fresh[i].first;
        if (c.t->pending)
            for (Pending& p : memory.pending)
                if (p.content == c.content)
                    p.announced = false;
    }
    for (std::size_t i = skip; i < fresh.size(); ++i)
        enqueue(account, *fresh[i].first, fresh[i].second);
    prune(memory);
}

void TransactionLedger::enqueue(const std::string& account, const Candidate& c,
                                const std::string& kind)
{
    const Transaction& t = *c.t;
    std::string payload =
        "{\"event_type\":" + jsonString(kind) + ",\"amount\":" + formatMoney(t.amount) +
        ",\"currency\":" + (t.amount.currency.empty() ? "null" : jsonString(t.amount.currency)) +
        ",\"date\":" + jsonString(formatIsoDate(c.day)) + ",\"text\":" + jsonString(t.text) +
        ",\"status\":" + jsonString(t.pending ? "pending" : "booked") + "}";
    if (queue_.size() >= kMaxQueued) {
        queue_.pop_front();
        ++dropped_;
    }
    queue_.push_back({account, std::move(payload)});
    dirty_ = true;
}

void TransactionLedger::prune(Memory& memory)
{
    const int now = today();
    const int from = sinceDay();
    for (auto it = memory.seen.begin(); it != memory.seen.end();)
        it = it->second < from - 1 ? memory.seen.erase(it) : std::next(it);
    // A reservation that never booked (released by the shop) is forgotten once its booking
    // could no longer fall inside the window.
    memory.pending.erase(std::remove_if(memory.pending.begin(), memory.pending.end(),
                                        [from, now](const Pending& p) {
                                            return p.day < std::min(from, now - kPendingKeptDays);
                                        }),
                         memory.pending.end());
    if (memory.seen.size() > kMaxRemembered) {
        std::vector<std::pair<int, std::string>> byDay;
        for (const auto& [key, day] : memory.seen)
            byDay.emplace_back(day, key);
        std::sort(byDay.begin(), byDay.end());
        for (std::size_t i = 0; i + kMaxRemembered < byDay.size(); ++i)
            memory.seen.erase(byDay[i].second);
    }
}

void TransactionLedger::fetched()
{
    const int now = today();
    if (lastFetchDay_.load() != now) {
        lastFetchDay_ = now;
        dirty_ = true;
    }
    if (dropped_ > 0) {
        log_.warning(std::to_string(dropped_) +
                     " transaction announcements were dropped: the broker has been unreachable "
                     "for longer than " +
                     std::to_string(kMaxQueued) + " announcements could wait");
        dropped_ = 0;
    }
    save();
}

std::string TransactionLedger::pop()
{
    if (queue_.empty())
        return {};
    const TransactionEvent event = std::move(queue_.front());
    queue_.pop_front();
    auto& recent = recent_[event.account];
    recent.push_front(event.payload);
    while (recent.size() > kRecent)
        recent.pop_back();
    dirty_ = true;
    std::string list;
    for (const std::string& payload : recent)
        list += (list.empty() ? "" : ",") + payload;
    return event.payload.substr(0, event.payload.size() - 1) + ",\"recent\":[" + list + "]}";
}

void TransactionLedger::keepOnly(const std::vector<std::string>& accounts)
{
    const auto gone = [&accounts](const std::string& key) {
        return std::find(accounts.begin(), accounts.end(), key) == accounts.end();
    };
    for (auto it = accounts_.begin(); it != accounts_.end();)
        it = gone(it->first) ? (dirty_ = true, accounts_.erase(it)) : std::next(it);
    for (auto it = recent_.begin(); it != recent_.end();)
        it = gone(it->first) ? (dirty_ = true, recent_.erase(it)) : std::next(it);
}

void TransactionLedger::save()
{
    if (!dirty_)
        return;
    Poco::JSON::Object root;
    root.set("v", 1);
    if (lastFetchDay_.load() != kNever)
        root.set("last_fetch", formatIsoDate(lastFetchDay_.load()));
    Poco::JSON::Object::Ptr accounts = new Poco::JSON::Object;
    for (const auto& [key, memory] : accounts_) {
        Poco::JSON::Object::Ptr m = new Poco::JSON::Object;
        Poco::JSON::Object::Ptr seen = new Poco::JSON::Object;
        for (const auto& [digestKey, day] : memory.seen)
            seen->set(digestKey, day);
        Poco::JSON::Array::Ptr pending = new Poco::JSON::Array;
        for (const Pending& p : memory.pending) {
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("i", p.id);
            o->set("c", p.content);
            o->set("m", p.minor);
            o->set("d", p.day);
            if (!p.announced)
                o->set("n", true);
            pending->add(o);
        }
        m->set("seen", seen);
        m->set("pending", pending);
        accounts->set(key, m);
    }
    root.set("accounts", accounts);
    Poco::JSON::Array::Ptr queue = new Poco::JSON::Array;
    for (const TransactionEvent& e : queue_) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("a", e.account);
        o->set("p", e.payload);
        queue->add(o);
    }
    root.set("queue", queue);
    Poco::JSON::Object::Ptr recent = new Poco::JSON::Object;
    for (const auto& [account, payloads] : recent_) {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const std::string& payload : payloads)
            list->add(payload);
        recent->set(account, list);
    }
    root.set("recent", recent);
    std::ostringstream text;
    root.stringify(text);
    state_.put(kStateKey, text.str());
    dirty_ = false;
}

// A damaged memory costs announcements, never a crash and never a flood: the whole memory and
// queue are dropped, and each account's next listing counts as a first one (only the backlog
// is announced; what was new in it is taken as history).
void TransactionLedger::load()
{
    const auto saved = state_.get(kStateKey);
    if (!saved)
        return;
    try {
        auto root = Poco::JSON::Parser().parse(*saved).extract<Poco::JSON::Object::Ptr>();
        if (root->has("last_fetch"))
            if (auto day = parseIsoDate(root->getValue<std::string>("last_fetch")))
                lastFetchDay_ = *day;
        if (auto accounts = root->getObject("accounts")) {
            for (const auto& [key, value] : *accounts) {
                auto m = value.extract<Poco::JSON::Object::Ptr>();
                Memory memory;
                if (auto seen = m->getObject("seen"))
                    for (const auto& [digestKey, day] : *seen)
                        memory.seen[digestKey] = day.convert<int>();
                if (auto pending = m->getArray("pending"))
                    for (std::size_t i = 0; i < pending->size(); ++i) {
                        auto o = pending->getObject(static_cast<unsigned>(i));
                        memory.pending.push_back(
                            {o->getValue<std::string>("i"), o->getValue<std::string>("c"),
                             o->getValue<std::int64_t>("m"), o->getValue<int>("d"), !o->has("n")});
                    }
                accounts_[key] = std::move(memory);
            }
        }
        if (auto queue = root->getArray("queue"))
            for (std::size_t i = 0; i < queue->size() && queue_.size() < kMaxQueued; ++i) {
                auto o = queue->getObject(static_cast<unsigned>(i));
                queue_.push_back({o->getValue<std::string>("a"), o->getValue<std::string>("p")});
            }
        if (auto recent = root->getObject("recent"))
            for (const auto& [account, value] : *recent) {
                auto list = value.extract<Poco::JSON::Array::Ptr>();
                for (std::size_t i = 0; i < list->size() && i < kRecent; ++i)
                    recent_[account].push_back(
                        list->getElement<std::string>(static_cast<unsigned>(i)));
            }
    } catch (const std::exception&) {
        recent_.clear();
        log_.warning("ignoring unreadable transaction memory in the state file; the next "
                     "listing of each account announces only its newest transactions_backlog");
        accounts_.clear();
        queue_.clear();
    }
}

}  // namespace bank2mqtt
