// SPDX-License-Identifier: MIT
// Choosing and parsing the balances of one Enable Banking account (see eb_balances.h).
#include "eb_balances.h"

#include "eb_api.h"
#include "json_reply.h"
#include "money.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>

namespace bank2mqtt::enablebanking {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr std::array<std::string_view, 12> kKnownTypes = {
    "CLAV", "CLBD", "FWAV", "INFO", "ITAV", "ITBD", "OPAV", "OPBD", "PRCD", "OTHR", "VALU", "XPCD"};

bool isKnownType(std::string_view type)
{
    return std::find(kKnownTypes.begin(), kKnownTypes.end(), type) != kKnownTypes.end();
}

// The API promises "a decimal number, using . (dot) as a decimal separator": exactly
// -?digits(.digits)?. Anything else (exponents, '+', ',', spaces) is refused rather than
// guessed at; parseDecimalToMinor alone would accept "1e3".
bool isPlainDecimal(std::string_view text)
{
    std::size_t pos = !text.empty() && text[0] == '-' ? 1 : 0;
    const std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
        ++pos;
    if (pos == start)
        return false;
    if (pos == text.size())
        return true;
    if (text[pos] != '.')
        return false;
    const std::size_t fraction = ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
        ++pos;
    return pos > fraction && pos == text.size();
}

bool isCurrencyCode(const std::string& code)
{
    return code.size() == 3 &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

struct Entry {
    std::string type;
    Object::Ptr object;
};

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

const Entry* pick(const std::vector<Entry>& entries, const std::vector<std::string>& preference)
{
    for (const std::string& type : preference) {
        for (const Entry& e : entries) {
            if (e.type == type)
                return &e;
        }
    }
    return nullptr;
}

// The entry's amount as Money, or an error sentence in `why`.
std::optional<Money> moneyOf(const Entry& e, std::string& why)
{
    const Object::Ptr amount = e.object->getObject("balance_amount");
    if (amount.isNull()) {
        why = "the " + e.type + " balance has no amount";
        return std::nullopt;
    }
    const std::string currency = stringMember(amount, "currency").value_or("");
    if (!isCurrencyCode(currency)) {
        why = "the " + e.type + " balance has no ISO 4217 currency";
        return std::nullopt;
    }
    const auto text = stringMember(amount, "amount");
    const auto minor = text ? exactAmount(*text, currency) : std::nullopt;
    if (!minor) {
        why = "the " + e.type + " amount is not an exact decimal in " + currency;
        return std::nullopt;
    }
    return Money{*minor, currency};
}

std::optional<BalanceDate> dateOf(const Entry& e)
{
    if (const auto text = stringMember(e.object, "last_change_date_time")) {
        if (const auto at = parseRfc3339(*text); at && text->size() > 10)
            return BalanceDate{*at, false};
    }
    if (const auto text = stringMember(e.object, "reference_date")) {
        if (const auto at = parseRfc3339(text->substr(0, 10)))
            return BalanceDate{*at, true};
    }
    return std::nullopt;
}

void readBalances(const Object::Ptr& body, const BalancePreference& preference,
                  BalancesReply& reply)
{
    const Array::Ptr list = body->getArray("balances");
    if (list.isNull()) {
        reply.status = unusableReply(EbCall::Balances, "it has no list of balances");
        return;
    }
    std::vector<Entry> entries;
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Object::Ptr item = list->getObject(static_cast<unsigned>(i));
        if (item.isNull())
            continue;
        std::string type = stringMember(item, "balance_type").value_or("");
        if (!isKnownType(type))
            continue;  // only known codes are quoted in messages
        if (std::find(seen.begin(), seen.end(), type) == seen.end())
            seen.push_back(type);
        entries.push_back({std::move(type), item});
    }
    const Entry* booked = pick(entries, preference.booked);
    const Entry* available = pick(entries, preference.available);
    if (!booked || !available) {
        const bool isBooked = !booked;
        reply.status.outcome = EbOutcome::AccountError;
        reply.status.message = "the bank sent " +
                               (seen.empty() ? std::string("no balance of a known type")
                                             : "only balance types " + joined(seen)) +
                               ", none of " + (isBooked ? "balance_types " : "available_types ") +
                               joined(isBooked ? preference.booked : preference.available) +
                               "; add one of the bank's types to that setting";
        return;
    }
    std::string why;
    const auto balance = moneyOf(*booked, why);
    const auto spendable = balance ? moneyOf(*available, why) : std::nullopt;
    if (!balance || !spendable) {
        reply.status = unusableReply(EbCall::Balances, why);
        return;
    }
    reply.balance = *balance;
    reply.available = *spendable;
    reply.balanceType = booked->type;
    reply.availableType = available->type;
    reply.balanceDate = dateOf(*booked);
}

}  // namespace

std::optional<std::int64_t> exactAmount(std::string_view text, std::string_view currency)
{
    if (!isPlainDecimal(text))
        return std::nullopt;
    return parseDecimalToMinor(text, currencyDecimals(currency));
}

std::optional<std::vector<std::string>> parseBalanceTypes(std::string_view text, std::string& error)
{
    std::vector<std::string> types;
    std::string current;
    const auto flush = [&]() -> bool {
        if (current.empty())
            return true;
        if (!isKnownType(current)) {
            error = "unknown balance type \"" + sanitizeBankMessage(current, 20) +
                    "\" (ISO 20022: CLAV, CLBD, FWAV, INFO, ITAV, ITBD, OPAV, OPBD, PRCD, OTHR, "
                    "VALU, XPCD)";
            return false;
        }
        if (std::find(types.begin(), types.end(), current) == types.end())
            types.push_back(current);
        current.clear();
        return true;
    };
    for (char c : text) {
        if (c == ',') {
            if (!flush())
                return std::nullopt;
        } else if (!std::isspace(static_cast<unsigned char>(c))) {
            current += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    if (!flush())
        return std::nullopt;
    if (types.empty()) {
        error = "the list of balance types is empty";
        return std::nullopt;
    }
    return types;
}

BalancesReply parseBalancesReply(const HttpResponse& r, const BalancePreference& preference,
                                 const ReplyContext& c)
{
    BalancesReply reply;
    reply.status = classifyReply(r, EbCall::Balances, c);
    if (!reply.ok())
        return reply;
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (!parsed.ok()) {
        reply.status = unusableReply(EbCall::Balances, parsed.error);
        return reply;
    }
    try {
        readBalances(parsed.object, preference, reply);
    } catch (const std::exception&) {
        reply = BalancesReply{};
        reply.status = unusableReply(EbCall::Balances, "the reply has an unexpected shape");
    }
    return reply;
}

}  // namespace bank2mqtt::enablebanking
