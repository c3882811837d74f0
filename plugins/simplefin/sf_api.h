// SPDX-License-Identifier: MIT
// SimpleFIN protocol, pure: setup token -> claim URL, the Access URL, requests, reply parsing.
//
// Facts (README.md has them with sources): a setup token is base64 of a claim URL; one POST to
// it answers the Access URL "https://user:pass@host/path" in the body (403: already claimed).
// GET <access>/accounts?version=2&balances-only=1 with HTTP Basic user:pass answers either the
// v1 shape (errors[] strings, per-account org) or v2 (errlist[] {code, msg|message, conn_id?,
// account_id?}, connections[], per-account conn_id). Amounts are decimal strings; currency is
// an ISO 4217 code or a URL (a custom currency). 402 = payment needed (JSON), 403 = access
// revoked or wrong credentials (an HTML page).
#pragma once

#include "sf_transactions.h"

#include "bank2mqtt/fetch_result.h"
#include "bank2mqtt/services.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::simplefin {

/// The Access URL split: `base` has no user info ("https://host/simplefin"), no trailing '/'.
/// `user`/`password` are the Basic credentials; they never appear in a message or a log line.
struct AccessUrl {
    std::string base;
    std::string user;
    std::string password;
    std::string host;  ///< for sentences ("stored the access to bridge.simplefin.org")

    /// "Basic base64(user:password)".
    std::string authorizationHeader() const;
    /// The whole URL again (for the StateStore).
    std::string full() const;
};

/// Parses an Access URL: https (http only to a loopback host, the simulator), a host, and
/// "user:password@". nullopt with `error` (a sentence that never quotes the URL) otherwise.
std::optional<AccessUrl> parseAccessUrl(std::string_view text, std::string& error);

/// Decodes a setup token (base64, standard or URL-safe alphabet, padding optional, whitespace
/// ignored) into its claim URL, which must be https (http only to loopback) with a host.
/// nullopt with `error` (a sentence that never quotes the token) otherwise.
std::optional<std::string> decodeSetupToken(std::string_view token, std::string& error);

/// The host of a URL, "" when unreadable (for sentences).
std::string hostOf(const std::string& url);

HttpRequest claimRequest(const std::string& claimUrl, std::chrono::milliseconds timeout);
/// GET /accounts: balances only (`balances-only=1`), or, with `transactionsFrom` (a UNIX time),
/// the transactions posted since then and the pending ones (`start-date=...&pending=1`).
HttpRequest accountsRequest(const AccessUrl& access, std::chrono::milliseconds timeout,
                            std::optional<std::int64_t> transactionsFrom = std::nullopt);

/// What the claim POST gave.
struct ClaimReply {
    enum class Kind { Ok, AlreadyClaimed, Failed };
    Kind kind = Kind::Failed;
    std::optional<AccessUrl> access;  ///< Ok
    std::string message;              ///< Failed / AlreadyClaimed: one sentence
};
ClaimReply parseClaimReply(const HttpResponse& response, std::chrono::milliseconds timeout);

/// One account of /accounts as the plugin reads it.
struct SfAccount {
    std::string id;              ///< SimpleFIN's account id ("ACT-..."); never published
    std::string name;            ///< the account's name at the institution
    std::string connection;      ///< v2 conn_id, or the v1 org's id/domain/name; "" if none
    std::string connectionName;  ///< the institution's name, for sentences and selectors
    Money balance;
    Money available;
    std::optional<std::chrono::system_clock::time_point> balanceDate;
    /// Set when the amounts could not be read (the account is then left out with this reason).
    std::string problem;
    /// Read only when the balance was (the amounts take its unit).
    SfTransactions transactions;
};

/// An errlist entry (v2), codes as sent ("con.auth"); `text` already sanitised.
struct SfError {
    std::string code;
    std::string text;
    std::string connection;  ///< conn_id, "" when none
    std::string account;     ///< account_id, "" when none
};

/// The reply of GET /accounts, classified.
struct AccountsReply {
    /// Ok: `accounts` etc. are meaningful. Otherwise `failure` is what fetch() returns.
    FetchStatus status = FetchStatus::Temporary;
    std::string message;  ///< the failure's sentence
    std::optional<std::chrono::seconds> retryAfter;

    std::vector<SfAccount> accounts;
    std::vector<SfError> errlist;
    /// Legacy `errors` strings (v1 errors, and quota warnings that arrive there even in v2),
    /// sanitised.
    std::vector<std::string> warnings;
    /// conn_id -> institution name (v2 `connections`).
    std::vector<std::pair<std::string, std::string>> connections;

    bool ok() const { return status == FetchStatus::Ok; }
};

/// Parses a reply. `secrets` (the Basic credentials) are redacted from every bank text.
AccountsReply parseAccountsReply(const HttpResponse& response, std::chrono::milliseconds timeout,
                                 std::chrono::system_clock::time_point now,
                                 const std::vector<std::string>& secrets);

/// The money of an amount string in `currency` (an ISO code or a custom-currency URL).
/// ISO: `currency` upper-cased, decimals -1 unless the text has more fraction digits than the
/// currency's minor units (then exactly those, so nothing is rounded). A URL: currency "" and
/// decimals = the larger of the fraction digits of `amount` and `other` (the balance and the
/// available amount then share one scale), at most 18. nullopt when unreadable.
std::optional<Money> parseAmount(const std::string& amount, const std::string& currency,
                                 const std::string& other = "");

/// Digits after the decimal point in a decimal string ("12.50" -> 2, "3" -> 0, "1.5e2" -> 1).
int fractionDigits(std::string_view amount);

}  // namespace bank2mqtt::simplefin
