// SPDX-License-Identifier: MIT
// What a fetch returns: a status a person can act on, and accounts with money in minor units.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bank2mqtt {

/// An amount as integer minor units of a currency (43725 + "NOK" is 437.25 kr).
/// Money never travels as a binary floating-point number past a plugin's parser.
struct Money {
    std::int64_t minor = 0;
    /// ISO 4217 alphabetic code, upper case. Empty for a unit that is not a currency (a
    /// SimpleFIN custom currency given as a URL, loyalty points): the host then publishes the
    /// amount as a plain number, without a currency unit and without the monetary device class.
    std::string currency;
    /// Digits after the decimal point in `minor`, 0..18, when the bank says so (Firefly III's
    /// `currency_decimal_places`, a custom unit); -1 means the ISO 4217 minor units of
    /// `currency` (2 for NOK, 0 for JPY, 2 for an empty currency).
    int decimals = -1;

    bool operator==(const Money& o) const
    {
        return minor == o.minor && currency == o.currency && decimals == o.decimals;
    }
    bool operator!=(const Money& o) const { return !(*this == o); }
};

/// One account as the host may publish it. Nothing in here identifies a person: the plugin
/// keeps the full account number and the owner's national id to itself.
struct Account {
    /// Hex digest of the bank name and the full account number (accountFingerprint() in
    /// plugins/common): stable across renames and provider id changes. A plain digest of a
    /// short number can be reversed by trying candidates, so the host never publishes it as is:
    /// it publishes an HMAC of it under a per-installation secret (InstallationKey).
    std::string fingerprint;
    /// Index into SourceConfig::selectors of the selector that chose this account, or -1 when
    /// no selectors were configured (all accounts).
    int selector = -1;
    std::string name;          ///< the name the account holder gave it, e.g. "Lommepenger"
    std::string type;          ///< the bank's account type, e.g. "Standard account"
    std::string maskedNumber;  ///< e.g. "*******3219"; only the last four digits in clear
    Money balance;             ///< money owned; negative when overdrawn
    Money available;           ///< money that can be spent now
    std::optional<Money> creditLimit;
    /// When the bank says the balance was valid (its reference date or last change), if it
    /// says; published next to the host's own poll time as `balance_date`.
    std::optional<std::chrono::system_clock::time_point> balanceDate;
};

enum class FetchStatus {
    Ok,            ///< `accounts` holds fresh data
    AuthRequired,  ///< credentials rejected or consent expired: a person must act; the host
                   ///< stops polling this source until the config changes or a refresh command
    RateLimited,   ///< the bank asked us to wait; honour `retryAfter` when set
    Temporary,     ///< try again later with back-off (bank down, bad reply, network)
    ConfigError,   ///< the configuration cannot work (e.g. a selector matches no account)
};

struct FetchResult {
    FetchStatus status = FetchStatus::Temporary;
    std::vector<Account> accounts;  ///< only meaningful when status == Ok
    std::optional<std::chrono::seconds> retryAfter;
    /// One sentence for the status topic and the log, in words a user understands. Never a
    /// secret, a token, a customer id, a full account number or a raw response body.
    /// With Ok it is normally empty; when set, some selected accounts could not be read this
    /// time and are missing from `accounts` (it names them and why): the host keeps their last
    /// published values instead of removing them, marks them with a problem entity, and shows
    /// the sentence on the status topic. With every selected account present, it is a warning
    /// from the bank (a quota nearly used up), shown on the status topic and logged once.
    std::string message;

    static FetchResult ok(std::vector<Account> accounts)
    {
        FetchResult r;
        r.status = FetchStatus::Ok;
        r.accounts = std::move(accounts);
        return r;
    }
    static FetchResult failure(FetchStatus status, std::string message,
                               std::optional<std::chrono::seconds> retryAfter = std::nullopt)
    {
        FetchResult r;
        r.status = status;
        r.message = std::move(message);
        r.retryAfter = retryAfter;
        return r;
    }
};

/// Stable lower-case name, as used in logs.
inline const char* toString(FetchStatus status) noexcept
{
    switch (status) {
    case FetchStatus::Ok:
        return "ok";
    case FetchStatus::AuthRequired:
        return "auth_required";
    case FetchStatus::RateLimited:
        return "rate_limited";
    case FetchStatus::Temporary:
        return "temporary";
    case FetchStatus::ConfigError:
        return "config_error";
    }
    return "unknown";
}

}  // namespace bank2mqtt
