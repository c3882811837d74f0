// SPDX-License-Identifier: MIT
// SimpleFIN transactions, pure: entries in the account's unit, payee or description, UTC dates.
#include "sf_transactions.h"

#include "bank_text.h"
#include "money.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include <exception>

namespace bank2mqtt::simplefin {
namespace {

// 1970..2200: anything else is a broken value, not a date.
constexpr std::int64_t kLatestEpoch = 7258118400LL;

std::string textOf(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
    if (!object->has(key))
        return {};
    const Poco::Dynamic::Var value = object->get(key);
    return value.isString() ? value.extract<std::string>() : std::string();
}

// An epoch second sent as a JSON integer or a string of digits; nullopt when absent, 0 or
// unreadable.
std::optional<std::int64_t> epochOf(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
    if (!object->has(key))
        return std::nullopt;
    const Poco::Dynamic::Var value = object->get(key);
    std::int64_t seconds = 0;
    try {
        if (value.isInteger() && !value.isBoolean()) {
            seconds = value.convert<Poco::Int64>();
        } else if (value.isString()) {
            const std::string text = value.extract<std::string>();
            std::size_t used = 0;
            seconds = std::stoll(text, &used);
            if (used != text.size())
                return std::nullopt;
        } else {
            return std::nullopt;
        }
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (seconds <= 0 || seconds >= kLatestEpoch)
        return std::nullopt;
    return seconds;
}

bool isPending(const Poco::JSON::Object::Ptr& entry, bool posted)
{
    // protocol: "pending: true indicates that this transaction has not yet posted"; "If the
    // transaction is pending, [posted] may be 0".
    if (entry->has("pending")) {
        const Poco::Dynamic::Var value = entry->get("pending");
        if (value.isBoolean() && value.extract<bool>())
            return true;
    }
    return !posted;
}

std::string clean(const std::string& text, const std::vector<std::string>& secrets)
{
    return sanitizeBankMessage(redactSecrets(text, secrets), 120);
}

// One entry, or a problem sentence (never quoting the entry).
std::optional<Transaction> readEntry(const Poco::JSON::Object::Ptr& entry, const Money& unit,
                                     const std::vector<std::string>& secrets, std::string& problem)
{
    if (entry.isNull()) {
        problem = "a transaction in its list is not an object";
        return std::nullopt;
    }
    Transaction t;
    const auto amount = entry->has("amount") ? amountIn(entry->get("amount"), unit) : std::nullopt;
    if (!amount) {
        problem = "a transaction's amount is not readable in the account's currency and decimals";
        return std::nullopt;
    }
    t.amount = *amount;
    if (entry->has("id")) {
        const Poco::Dynamic::Var id = entry->get("id");
        if (id.isString())
            t.id = id.extract<std::string>();
        else if (id.isInteger() && !id.isBoolean())
            t.id = id.toString();
    }
    const auto posted = epochOf(entry, "posted");
    t.pending = isPending(entry, posted.has_value());
    if (t.pending) {
        const auto transacted = epochOf(entry, "transacted_at");
        if (transacted)
            t.date = utcDate(*transacted);
        else if (posted)
            t.date = utcDate(*posted);
    } else {
        t.date = utcDate(*posted);
    }
    // The payee is the Bridge's cleaned merchant name; the description is the bank's raw line.
    t.text = clean(textOf(entry, "payee"), secrets);
    if (t.text.empty())
        t.text = clean(textOf(entry, "description"), secrets);
    return t;
}

}  // namespace

std::optional<Money> amountIn(const Poco::Dynamic::Var& amount, const Money& unit)
{
    if (amount.isEmpty() || amount.isBoolean())
        return std::nullopt;
    const auto minor = jsonNumberToMinor(amount, moneyDecimals(unit));
    if (!minor)
        return std::nullopt;
    Money money;
    money.currency = unit.currency;
    money.decimals = unit.decimals;
    money.minor = *minor;
    return money;
}

std::string utcDate(std::int64_t epochSeconds)
{
    const Poco::DateTime when(
        Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(epochSeconds)));
    return Poco::DateTimeFormatter::format(when, "%Y-%m-%d");
}

std::optional<std::int64_t> startOfUtcDate(const std::string& date)
{
    if (date.size() != 10 || date[4] != '-' || date[7] != '-')
        return std::nullopt;
    Poco::DateTime parsed;
    int zone = 0;
    if (!Poco::DateTimeParser::tryParse("%Y-%m-%d", date, parsed, zone) ||
        utcDate(parsed.timestamp().epochTime()) != date)
        return std::nullopt;  // "2026-02-30" is not a date
    return static_cast<std::int64_t>(parsed.timestamp().epochTime());
}

SfTransactions parseTransactions(const Poco::JSON::Object::Ptr& account, const Money& unit,
                                 const std::vector<std::string>& secrets)
{
    SfTransactions out;
    if (account.isNull() || !account->has("transactions") || account->get("transactions").isEmpty())
        return out;
    const Poco::JSON::Array::Ptr list = account->getArray("transactions");
    if (list.isNull()) {
        out.problem = "its transaction list is not a list";
        return out;
    }
    out.listed = true;
    for (std::size_t i = 0; i < list->size(); ++i) {
        std::string problem;
        const auto entry =
            readEntry(list->getObject(static_cast<unsigned>(i)), unit, secrets, problem);
        if (!entry) {
            out.entries.clear();
            out.problem = problem;
            return out;
        }
        out.entries.push_back(*entry);
    }
    return out;
}

}  // namespace bank2mqtt::simplefin
