// SPDX-License-Identifier: MIT
// Pure builders of what is published: topic names, account and status JSON, plain values.
#pragma once

#include "bank2mqtt/fetch_result.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

/// RFC 3339 in UTC with an explicit offset, second precision: "2026-11-27T07:00:00+00:00".
std::string formatRfc3339(std::chrono::system_clock::time_point t);

/// Topic-safe key from an account name: lower case ASCII, Norwegian/Danish/Swedish/German
/// letters transliterated (æ->ae, ø->o, å->a, ä->a, ö->o, ü->u, ß->ss), every other run of
/// characters turned into one '_', trimmed; "account" when nothing is left.
std::string slugify(const std::string& name);

/// `base`, or `base_2`, `base_3`, ... whichever is not in `used` yet; the result is added to
/// `used`. Keeps account keys unique within a source.
std::string uniqueKey(const std::string& base, std::vector<std::string>& used);

/// A source's state. Starting until its first poll ends; the others are published.
/// ConsentExpiring: the last poll succeeded, but the bank consent ends within consent_warning.
enum class SourceState { Starting, Ok, Stale, AuthFailed, Error, RateLimited, ConsentExpiring };

/// The published name: "starting", "ok", "stale", "auth_failed", "error", "rate_limited",
/// "consent_expiring".
const char* toString(SourceState state);

/// A source's host-side call budget as published (see CallBudget).
struct CallsStatus {
    int limit = 0;      ///< calls allowed per rolling 24 h
    int remaining = 0;  ///< calls left now (0 while the bank holds the source after a 429)
    /// When the next call becomes free again; nullopt when none is spent.
    std::optional<std::chrono::system_clock::time_point> resetsAt;
};

/// Per-source state as published on <base>/<source>/status.
struct SourceStatus {
    SourceState state = SourceState::Starting;
    std::optional<std::chrono::system_clock::time_point> lastSuccess;
    std::optional<std::chrono::system_clock::time_point> lastAttempt;
    std::string error;  ///< empty when none
    std::optional<std::chrono::system_clock::time_point> nextPoll;
    /// Only for a source with a call budget.
    std::optional<CallsStatus> calls;
    /// Why the last command was not carried out (a refresh with no call left); the state is
    /// not changed by it. Empty when none; cleared by the next poll.
    std::string notice;
    /// The source has a consent (its plugin offers ConsentInfo): the JSON then carries
    /// consent_end and consent_renewal_due.
    bool hasConsent = false;
    std::optional<std::chrono::system_clock::time_point> consentEnd;
    bool consentRenewalDue = false;  ///< within consent_warning of the end, or past it
    /// Only for a source with transactions = true: why the last listing of transactions
    /// failed or was incomplete; "" when it went well.
    std::optional<std::string> transactionsError;
};

/// {"state":..,"last_success":..,"last_attempt":..,"error":..,"next_poll":..}, then for a
/// source with a call budget ,"calls_limit":4,"calls_remaining":3,"calls_reset":..|null, and
/// ,"notice":".." while there is one; for a source with a consent also
/// "consent_end":..|null,"consent_renewal_due":true|false; for a source with transactions
/// "transactions_error":null|"..".
std::string sourceStatusJson(const SourceStatus& status);

/// {"version":..,"started":..,"sources":{"<id>":{"state":..,"last_success":..,"next_poll":..}}}
std::string infoJson(const std::string& version, std::chrono::system_clock::time_point started,
                     const std::map<std::string, SourceStatus>& sources);

/// Low-balance verdict: nullopt when no threshold is configured or it is not a number.
std::optional<bool> isLowBalance(const Account& account,
                                 const std::optional<std::string>& threshold);

/// {"balance":437.25,"available":437.25,"credit_limit":0.00,"currency":"NOK","name":..,
///  "type":..,"number":"*******3219","updated":..,"balance_date":..|null,
///  "low_balance":null|true|false}. `updated` is our successful poll, `balance_date` the
///  bank's own date of the balance (Account::balanceDate), when it gives one.
/// Amounts are JSON number literals written from minor units, never through a double.
std::string accountJson(const Account& account, std::chrono::system_clock::time_point updated,
                        std::optional<bool> lowBalance);

/// JSON string literal with escapes (quotes included).
std::string jsonString(const std::string& text);

}  // namespace bank2mqtt
