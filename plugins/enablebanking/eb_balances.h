// SPDX-License-Identifier: MIT
// GET /accounts/{uid}/balances: choosing the balance and the available amount, exactly.
//
// Reply (OpenAPI HalBalances): {"balances":[{"name":"<label>","balance_amount":{"currency":"NOK",
// "amount":"437.25"},"balance_type":"CLBD","reference_date":"2026-11-27",
// "last_change_date_time":"2026-11-27T06:58:00+01:00"}, ...]}
// - `amount` is a STRING ("decimal number, using . as a decimal separator"); parsed exactly
//   into minor units of the entry's own currency, never through a double.
// - `balance_type` is ISO 20022: CLAV closing available, CLBD closing booked, FWAV forward
//   available, INFO, ITAV interim available, ITBD interim booked, OPAV opening available, OPBD
//   opening booked, PRCD previously closed booked, OTHR, VALU value-date, XPCD expected.
//   Which ones a bank sends varies (one or several; ITAV+CLBD for one account and only CLBD for
//   the next has been seen), so both amounts are chosen by a preference list.
// - Some banks refuse the call (400/422 ASPSP_ERROR) for one account while the session is fine.
#pragma once

#include "eb_errors.h"

#include "bank2mqtt/fetch_result.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt::enablebanking {

/// The ISO 20022 types to take, first match wins. Config keys `balance_types` and
/// `available_types` (comma-separated) override the defaults.
struct BalancePreference {
    std::vector<std::string> booked{"CLBD", "ITBD", "XPCD", "OPBD"};
    std::vector<std::string> available{"ITAV", "CLAV", "XPCD", "ITBD", "CLBD"};
};

/// Reads "CLBD, ITAV" into a list of known ISO 20022 balance types (case-insensitive, spaces
/// ignored). nullopt with `error` naming the unknown type, or saying the list is empty.
std::optional<std::vector<std::string>> parseBalanceTypes(std::string_view text,
                                                          std::string& error);

/// The bank's own date of a balance: last_change_date_time when given, else reference_date
/// (a date only, read as midnight UTC).
struct BalanceDate {
    std::chrono::system_clock::time_point at;
    bool dateOnly = false;
};

struct BalancesReply {
    EbStatus status;            ///< AccountError when none of the preferred types is in the list
    Money balance;              ///< from the first type of BalancePreference::booked found
    Money available;            ///< from the first type of BalancePreference::available found
    std::string balanceType;    ///< which type gave `balance`, e.g. "CLBD"
    std::string availableType;  ///< which type gave `available`
    std::optional<BalanceDate> balanceDate;  ///< of the entry that gave `balance`
    bool ok() const { return status.ok(); }
};

/// An AmountType `amount` in minor units of `currency` (ISO 4217 decimals), exactly; nullopt
/// for anything but -?digits(.digits)? (no exponent, '+', ',' or spaces) and for more non-zero
/// decimals than the currency has. Balances and transactions share it.
std::optional<std::int64_t> exactAmount(std::string_view text, std::string_view currency);

/// Classifies the reply (errors as in eb_errors.h, EbCall::Balances) and picks the amounts.
/// When a type occurs more than once, its first entry counts.
BalancesReply parseBalancesReply(const HttpResponse& response, const BalancePreference& preference,
                                 const ReplyContext& context);

}  // namespace bank2mqtt::enablebanking
