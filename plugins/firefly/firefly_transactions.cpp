// SPDX-License-Identifier: MIT
// Firefly III transaction pages: request URLs and the reading of splits into signed entries.
#include "firefly_transactions.h"

#include "json_reply.h"
#include "money.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <exception>

namespace bank2mqtt::firefly {
namespace {

constexpr const char* kDateFormat = "%Y-%m-%d";

bool isDate(const std::string& text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (!std::isdigit(static_cast<unsigned char>(text[i])))
            return false;
    }
    Poco::DateTime parsed;
    int zone = 0;
    return Poco::DateTimeParser::tryParse(kDateFormat, text, parsed, zone);
}

std::string lower(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string textOf(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
    return stringMember(object, key).value_or("");
}

// Ids are strings since 6.0 (TransactionGroupTransformer casts them); a number is read as well.
std::string idOf(const Poco::Dynamic::Var& value)
{
    if (value.isString())
        return value.extract<std::string>();
    const auto number = jsonInteger(value);
    return number ? std::to_string(*number) : std::string();
}

// The booking date as Firefly III shows it: the date part of its ATOM time, in the offset it
// was written with (Firefly III's time zone), not moved to UTC: "2026-12-02T00:00:00+01:00" is
// the 2nd, although it is still the 1st in UTC.
std::string localDateOf(const std::string& atom)
{
    if (atom.size() < 10 || (atom.size() > 10 && atom[10] != 'T'))
        return {};
    const std::string date = atom.substr(0, 10);
    return isDate(date) ? date : std::string();
}

std::string withoutControlCharacters(std::string text)
{
    for (char& c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            c = ' ';
    }
    return text;
}

enum class SplitUse { Taken, Skipped, Unreadable };

// Withdrawals, deposits and transfers move money; an opening balance or a reconciliation is
// Firefly III's own book-keeping (the balance a user started with, a correction to match a
// statement), not an entry of the bank's statement.
bool movesMoney(const std::string& type)
{
    return type == "withdrawal" || type == "deposit" || type == "transfer";
}

// +1 for money into `account`, -1 for money out of it, 0 for a split not touching it.
int directionFor(const Poco::JSON::Object::Ptr& split, const std::string& accountId)
{
    const bool out = idOf(split->get("source_id")) == accountId;
    const bool in = idOf(split->get("destination_id")) == accountId;
    if (out == in)
        return 0;
    return in ? 1 : -1;
}

SplitUse readSplit(const Poco::JSON::Object::Ptr& split, const FeedAccount& account,
                   Transaction& out, std::string& problem)
{
    const int direction = directionFor(split, account.id);
    if (direction == 0 || !movesMoney(lower(textOf(split, "type"))))
        return SplitUse::Skipped;
    // `amount` is in the split's currency_code; a split in another currency than the account
    // (a foreign-currency transfer's other side) is left out rather than converted.
    if (textOf(split, "currency_code") != account.currencyCode)
        return SplitUse::Skipped;
    const int decimals = moneyDecimals(account.unit);
    const auto minor = jsonNumberToMinor(split->get("amount"), decimals);
    if (!minor || *minor < 0) {
        problem = "a transaction amount that is not an exact positive amount with " +
                  std::to_string(decimals) + " decimals";
        return SplitUse::Unreadable;
    }
    out.date = localDateOf(textOf(split, "date"));
    out.id = idOf(split->get("transaction_journal_id"));
    if (out.date.empty() || out.id.empty()) {
        problem = out.id.empty() ? "a transaction without an id" : "a transaction without a date";
        return SplitUse::Unreadable;
    }
    out.amount = account.unit;
    out.amount.minor = direction * *minor;
    // The description is the bank's text as the user's import wrote it; the counterpart's
    // account (source_/destination_ name and iban) is never read into the text.
    out.text = withoutControlCharacters(textOf(split, "description"));
    out.pending = false;  // Firefly III has booked entries only
    return SplitUse::Taken;
}

void readGroup(const Poco::JSON::Object::Ptr& group, const FeedAccount& account,
               TransactionsPage& page)
{
    const Poco::JSON::Object::Ptr attributes =
        group.isNull() ? Poco::JSON::Object::Ptr() : group->getObject("attributes");
    const Poco::JSON::Array::Ptr splits =
        attributes.isNull() ? Poco::JSON::Array::Ptr() : attributes->getArray("transactions");
    if (splits.isNull()) {
        page.problem = "a transaction group without transactions";
        return;
    }
    for (std::size_t i = 0; i < splits->size() && page.problem.empty(); ++i) {
        const Poco::JSON::Object::Ptr split = splits->getObject(static_cast<unsigned>(i));
        Transaction entry;
        const SplitUse use =
            split.isNull() ? SplitUse::Skipped : readSplit(split, account, entry, page.problem);
        if (use == SplitUse::Taken)
            page.transactions.push_back(std::move(entry));
        else if (use == SplitUse::Skipped)
            ++page.skipped;
    }
}

}  // namespace

std::string transactionsPageUrl(const std::string& baseUrl, const std::string& accountId,
                                const std::string& start, const std::string& end, int page)
{
    std::string id;
    Poco::URI::encode(accountId, "/?#&=+%", id);
    return baseUrl + "/api/v1/accounts/" + id + "/transactions?start=" + start + "&end=" + end +
           "&limit=" + std::to_string(kPageLimit) + "&page=" + std::to_string(page);
}

HttpRequest transactionsPageRequest(const std::string& baseUrl, const std::string& token,
                                    const std::string& accountId, const std::string& start,
                                    const std::string& end, int page,
                                    std::chrono::milliseconds timeout)
{
    HttpRequest request;
    request.method = "GET";
    request.url = transactionsPageUrl(baseUrl, accountId, start, end, page);
    request.timeout = timeout;
    request.headers = {{"Authorization", "Bearer " + token},
                       {"Accept", "application/vnd.api+json"}};
    return request;
}

std::string transactionsEnd(const std::string& since, const std::string& today)
{
    if (!isDate(since))
        return {};
    const std::string later = isDate(today) ? std::max(since, today) : since;
    Poco::DateTime day;
    int zone = 0;
    if (!Poco::DateTimeParser::tryParse(kDateFormat, later, day, zone))
        return {};
    day += Poco::Timespan(1, 0, 0, 0, 0);
    return Poco::DateTimeFormatter::format(day, kDateFormat);
}

TransactionsPage parseTransactionsPage(const HttpResponse& r, const ReplyContext& c,
                                       const FeedAccount& account)
{
    TransactionsPage page;
    const RequestName request{"the transactions request",
                              "start, end and limit=" + std::to_string(kPageLimit)};
    if (auto failed = classifyUnreadable(r, c, request, page.notFound)) {
        page.outcome = std::move(*failed);
        return page;
    }
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (!parsed.ok()) {
        page.outcome = unusableReply(parsed.error);
        return page;
    }
    try {
        const Poco::JSON::Array::Ptr data = parsed.object->getArray("data");
        if (data.isNull()) {
            page.outcome = unusableReply("the reply has no \"data\" list of transactions");
            return page;
        }
        page.pagination = readPagination(parsed.object);
        for (std::size_t i = 0; i < data->size() && page.problem.empty(); ++i)
            readGroup(data->getObject(static_cast<unsigned>(i)), account, page);
    } catch (const std::exception&) {
        page.outcome = unusableReply("the transaction list has an unexpected shape");
        return page;
    }
    if (!page.problem.empty())
        page.transactions.clear();
    page.outcome.status = FetchStatus::Ok;
    return page;
}

}  // namespace bank2mqtt::firefly
