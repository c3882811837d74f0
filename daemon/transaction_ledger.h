// SPDX-License-Identifier: MIT
// Which of an account's transactions were announced already, and the announcements not yet sent.
#pragma once

#include "bank2mqtt/capabilities.h"
#include "bank2mqtt/services.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

/// One announcement of a transaction, ready for <base>/<source>/<account>/transaction.
struct TransactionEvent {
    std::string account;  ///< the account's topic key
    /// {"event_type":"debit|credit|booked","amount":-49.00,"currency":"NOK","date":"2026-12-02",
    ///  "text":"NARVESEN OSLO S","status":"booked|pending"}
    std::string payload;
};

/// The host's memory of a source's transactions, so that each is announced once and only once:
///
/// - A booked entry is known by the bank's id (Transaction::id) and by a digest of its date,
///   amount, text and its rank among identical entries of the listing, so that a bank which
///   renumbers its entries (a new consent) announces nothing twice. Only digests are kept.
/// - A pending entry is announced when first seen (event_type debit or credit, status
///   pending) and kept aside; when an entry books that has its id, or else the same amount
///   within a few days of it, that is one event of kind `booked`, not a second debit.
/// - An account seen for the first time (transactions just enabled, a new account) announces
///   only its newest `backlog` entries; the rest is remembered as old.
/// - Memory is a rolling window: since() is ten days back (further after a pause in polling,
///   at most 90 days); entries dated before it are neither announced nor kept.
/// - Announcements wait in a queue (kMaxQueued, the oldest dropped first with a warning) until
///   the broker takes them; the queue is persisted with the rest, so a restart while the broker
///   is down loses nothing.
///
/// Persisted in the source's host StateStore under kStateKey when something changed. Not
/// thread-safe: the poll thread owns it; since() alone may be read from the fetch worker.
class TransactionLedger {
public:
    static constexpr const char* kStateKey = "transactions";
    static constexpr std::size_t kMaxQueued = 500;
    /// More new entries than this in one account's listing are a bank that renumbered its
    /// history, not a shopping spree: only the newest are announced.
    static constexpr std::size_t kMaxNewPerListing = 100;
    /// At least as long as a booking may take (kBookWithinDays in the .cpp), so that a
    /// reservation's booking dated back to the purchase still falls inside the window.
    static constexpr int kLookbackDays = 10;
    static constexpr int kMaxLookbackDays = 90;
    /// Keys per account: two per entry (digest and id) of the most a listing may hold
    /// (CheckedSource::CheckedTransactions::kMaxTransactions), so the cap never forgets an entry
    /// still in the window.
    static constexpr std::size_t kMaxRemembered = 12000;

    /// `clock`, `hostState` and `log` must outlive the ledger. `backlog`: entries announced on
    /// an account's first listing (transactions_backlog).
    TransactionLedger(StateStore& hostState, Clock& clock, Logger& log, int backlog);

    /// "YYYY-MM-DD": the first booking date to ask the bank for.
    std::string since() const;
    /// Takes one account's listing as the bank gave it (texts already made safe to publish)
    /// and queues what is new in it, oldest first.
    void take(const std::string& account, const std::vector<Transaction>& listing);
    /// A fetch of transactions ended well: since() moves on. Persists what changed.
    void fetched();
    /// The announcements not yet handed to the broker, oldest first.
    const std::deque<TransactionEvent>& queue() const { return queue_; }
    /// The front of the queue was handed to the broker: it joins its account's recent ones,
    /// and the payload for <account>/last_transaction is returned: the event's JSON with
    /// `"recent":[...]`, the account's last kRecent announcements, newest first (a dashboard
    /// lists them; a bounded list, unlike the whole statement HA advises against).
    std::string pop();
    static constexpr std::size_t kRecent = 5;
    /// Forgets the memory and recent ones of every account not in `accounts` (it left the
    /// configuration; should it come back, its next listing is a first one again).
    void keepOnly(const std::vector<std::string>& accounts);
    /// Persists the queue and memory when they changed since the last save.
    void save();

private:
    struct Pending {
        std::string id;       // digest of the bank's id, "" when it has none
        std::string content;  // digest of date, amount, text and rank
        std::int64_t minor = 0;
        int day = 0;            // days since 1970-01-01
        bool announced = true;  // false: kept silently (first listing), books as debit/credit
    };
    struct Memory {
        std::map<std::string, int> seen;  // digest -> day of the booked entry
        std::vector<Pending> pending;
    };
    struct Candidate;

    void load();
    int today() const;
    int sinceDay() const;
    void enqueue(const std::string& account, const Candidate& c, const std::string& kind);
    void prune(Memory& memory);

    StateStore& state_;
    Clock& clock_;
    Logger& log_;
    int backlog_;
    std::map<std::string, Memory> accounts_;
    std::map<std::string, std::deque<std::string>> recent_;  // account -> payloads, newest first
    std::deque<TransactionEvent> queue_;
    static constexpr int kNever = std::numeric_limits<int>::min();
    std::atomic<int> lastFetchDay_{kNever};  // read by since() on the fetch worker
    std::size_t dropped_ = 0;  // announcements lost to a full queue since the last warning
    bool dirty_ = false;
};

/// Days since 1970-01-01 of a "YYYY-MM-DD" date, or nullopt when it is not a valid date.
std::optional<int> parseIsoDate(const std::string& text);
/// "YYYY-MM-DD" of days since 1970-01-01.
std::string formatIsoDate(int day);

}  // namespace bank2mqtt
