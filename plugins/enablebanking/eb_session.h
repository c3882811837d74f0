// SPDX-License-Identifier: MIT
// The consent as the plugin stores it (StateStore key "session"), and `accounts =` selectors.
//
// What is stored, and what is not: a digest of the session id (nothing calls /sessions/{id}, and
// the digest still tells one consent from the next), its end, and per account the uid that
// /accounts/{uid}/balances takes, the fingerprint (a digest of the IBAN, the same in every
// consent: see accountIdentity), the label, the masked number and the currency. Never the IBAN,
// the identification_hash or the holder's name: selectors by number are compared through the
// fingerprint, so no number needs keeping.
#pragma once

#include "eb_api.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::enablebanking {

struct StoredAccount {
    std::string uid;  ///< changes at every consent
    std::string fingerprint;
    std::string label;   ///< details, else product, else the account type
    std::string type;    ///< product, else cash_account_type
    std::string masked;  ///< "*********3219"
    std::string currency;
};

struct StoredSession {
    std::string sessionRef;  ///< digestHex of the session id; the id itself is never stored
    std::optional<std::chrono::system_clock::time_point> validUntil;
    std::string bank;  ///< the ASPSP's name, for messages
    /// Digest of what the session belongs to (api_url and application id): a session of another
    /// application is not used.
    std::string binding;
    std::vector<StoredAccount> accounts;
};

/// The session from a POST /sessions reply: accounts without a uid (blocked or closed) or
/// without any identity are left out.
StoredSession storedSession(const SessionReply& reply, std::string bank, std::string binding);

/// {"session_ref","valid_until","bank","binding","accounts":[{uid,fingerprint,label,type,masked,
/// currency}]}
std::string sessionToJson(const StoredSession& session);
/// nullopt when the text is not such an object (a damaged state file: treated as none).
std::optional<StoredSession> sessionFromJson(std::string_view json);

/// The IBAN of a domestic account number: `country` + mod-97 check digits + `bban` (ISO 13616).
/// "" when `country` is not two letters or `bban` holds anything but digits and letters.
std::string ibanFromBban(std::string_view country, std::string_view bban);

/// Whether `selector` names `account`: its label ignoring case (UTF-8 aware), or its number
/// written as a full IBAN or as the domestic number (BBAN, digits with optional ". -"
/// separators) of `country`, compared through the fingerprint.
bool selectorMatches(std::string_view selector, const StoredAccount& account,
                     std::string_view country);

/// The selector quoted for a message: masked when it looks like an account number.
std::string describeSelector(std::string_view selector);

/// Selectors resolved against the session: the index into `accounts` per selector, in selector
/// order, or `error` naming the first selector that matches no account or several.
struct Selection {
    std::vector<std::size_t> indexes;
    std::string error;
    bool ok() const { return error.empty(); }
};
Selection resolveSelectors(const std::vector<std::string>& selectors,
                           const std::vector<StoredAccount>& accounts, std::string_view country);

}  // namespace bank2mqtt::enablebanking
