// SPDX-License-Identifier: MIT
// The simulator's dataset (a Norwegian customer's accounts, the banks) and its JSON shapes.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace bank2mqtt::ebsim {

/// One balance of an account: an ISO 20022 type and a decimal string amount.
struct EbBalance {
    std::string type;    ///< CLBD, ITAV, XPCD, ...
    std::string amount;  ///< "437.25"
};

/// An account behind every consent; `key` names it on the control port.
struct EbAccount {
    std::string key;                 ///< "lommepenger", "sparekonto", "felleskonto"
    std::string iban;                ///< full IBAN (never logged)
    std::string identificationHash;  ///< stable across consents (sha256 hex of the IBAN)
    std::string holderName;          ///< AccountResource.name: the holder; private
    std::string details;             ///< the label set by the PSU or the bank
    std::string product;
    std::string currency;
    std::string bic;
    std::vector<EbBalance> balances;
    long long lastChange = 0;  ///< Unix seconds of the last balance change (sim clock)
};

/// One entry of an account's statement (OpenAPI Transaction). The counterpart's IBAN is there
/// to prove that a client never shows it.
struct EbTransaction {
    std::string entryReference;  ///< "" = the bank gives none
    std::string amount;          ///< unsigned decimal string, "49.00"
    std::string indicator;       ///< CRDT or DBIT
    std::string status;          ///< BOOK, PDNG, ...
    std::string currency;        ///< "" = the account's
    std::string bookingDate;     ///< "" for a pending entry
    std::string valueDate;
    std::string transactionDate;
    std::string creditorName;
    std::string debtorName;
    std::string creditorIban;
    std::string debtorIban;
    std::vector<std::string> remittance;
};

/// A bank as /aspsps lists it.
struct EbAspsp {
    std::string name;
    std::string country;
    std::string bic;
    std::vector<std::string> requiredPsuHeaders;
};

/// The default customer: three NOK accounts with different balance type sets.
std::vector<EbAccount> defaultAccounts();
/// The default entries per account key: two booked ones on lommepenger, 3 and 2 days before
/// `now` (Unix seconds), one of them with the payer's IBAN.
std::map<std::string, std::vector<EbTransaction>> defaultTransactions(long long now);
/// The banks: several in Norway (two SpareBank 1 banks, so a name can be ambiguous), one in
/// Finland.
std::vector<EbAspsp> defaultAspsps();

/// sha256 hex of `text`.
std::string sha256Hex(const std::string& text);

/// AccountResource of `account` with `uid` (OpenAPI field names).
std::string accountResourceJson(const EbAccount& account, const std::string& uid);
/// ASPSPData of `aspsp`.
std::string aspspJson(const EbAspsp& aspsp, long long maximumConsentValidity);
/// {"balances":[BalanceResource...]} of `account`, reference dates from `now`.
std::string balancesJson(const EbAccount& account, long long now);
/// One Transaction object; `currency` is the account's, used when the entry has none.
std::string transactionJson(const EbTransaction& transaction, const std::string& currency);

}  // namespace bank2mqtt::ebsim
