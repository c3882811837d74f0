// SPDX-License-Identifier: MIT
// Reading one page of an Enable Banking transaction listing (see eb_transactions.h).
#include "eb_transactions.h"

#include "bank_text.h"
#include "eb_balances.h"
#include "json_reply.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <map>

namespace bank2mqtt::enablebanking {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string nameOf(const Object::Ptr& transaction, const std::string& party)
{
    const Object::Ptr object = transaction->getObject(party);
    return object.isNull() ? std::string() : stringMember(object, "name").value_or("");
}

std::vector<std::string> stringsOf(const Array::Ptr& array)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; !array.isNull() && i < array->size(); ++i) {
        const auto value = array->get(static_cast<unsigned>(i));
        if (value.isString())
            out.push_back(value.extract<std::string>());
    }
    return out;
}

// Every account number the entry gives in a structured field, so that none of them can reach
// the text through a name or remittance line that repeats it.
std::vector<std::string> accountNumbersOf(const Object::Ptr& transaction)
{
    std::vector<std::string> numbers;
    const auto add = [&](const Object::Ptr& identification) {
        if (identification.isNull())
            return;
        for (const char* key : {"iban", "identification"}) {
            if (auto value = stringMember(identification, key); value && !value->empty())
                numbers.push_back(*value);
        }
        if (const Object::Ptr other = identification->getObject("other"); !other.isNull())
            numbers.push_back(stringMember(other, "identification").value_or(""));
    };
    for (const char* party : {"creditor_account", "debtor_account"})
        add(transaction->getObject(party));
    for (const char* list : {"creditor_account_additional_identification",
                             "debtor_account_additional_identification"}) {
        const Array::Ptr items = transaction->getArray(list);
        for (std::size_t i = 0; !items.isNull() && i < items->size(); ++i)
            add(items->getObject(static_cast<unsigned>(i)));
    }
    return numbers;
}

// Control characters (line breaks in remittance lines) become single spaces.
std::string oneLine(const std::string& text)
{
    std::string out;
    bool space = false;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

// The date the SDK asks for: the booking date of a booked entry, the transaction (else value)
// date of a pending one; each falls back to the others, and "" when none is a date.
std::string dateOf(const Object::Ptr& transaction, bool pending)
{
    const auto order =
        pending ? std::vector<const char*>{"transaction_date", "value_date", "booking_date"}
                : std::vector<const char*>{"booking_date", "value_date", "transaction_date"};
    for (const char* key : order) {
        const std::string date = stringMember(transaction, key).value_or("");
        if (isIsoDate(date.substr(0, 10)))
            return date.substr(0, 10);
    }
    return {};
}

enum class Read { Keep, OtherCurrency, OtherStatus, Unreadable };

Read readEntry(const Object::Ptr& item, const std::string& currency, Transaction& out)
{
    const std::string status = stringMember(item, "status").value_or("");
    // BOOK is booked; PDNG ("Instant Balance Transaction", ISO 20022 Expected) and HOLD (an
    // account hold: a card reservation) are money on its way. Cancelled, rejected, scheduled
    // and unknown entries have not moved money and are left out.
    if (status != "BOOK" && status != "PDNG" && status != "HOLD")
        return status.empty() ? Read::Unreadable : Read::OtherStatus;
    const Object::Ptr amount = item->getObject("transaction_amount");
    const std::string indicator = stringMember(item, "credit_debit_indicator").value_or("");
    if (amount.isNull() || (indicator != "CRDT" && indicator != "DBIT"))
        return Read::Unreadable;
    if (stringMember(amount, "currency").value_or("") != currency)
        return Read::OtherCurrency;
    std::string text = stringMember(amount, "amount").value_or("");
    // The sign is the indicator's; a bank that also signs the amount says the same twice.
    if (!text.empty() && text[0] == '-')
        text.erase(0, 1);
    const auto minor = exactAmount(text, currency);
    if (!minor || *minor < 0)
        return Read::Unreadable;
    out.amount = Money{indicator == "DBIT" ? -*minor : *minor, currency};
    out.pending = status != "BOOK";
    out.date = dateOf(item, out.pending);
    out.id = stringMember(item, "entry_reference").value_or("");
    out.text = transactionText(indicator, nameOf(item, "creditor"), nameOf(item, "debtor"),
                               stringsOf(item->getArray("remittance_information")),
                               accountNumbersOf(item));
    return Read::Keep;
}

void readPage(const Object::Ptr& body, const std::string& currency, const std::string& since,
              TransactionsPage& page)
{
    const Array::Ptr list = body->getArray("transactions");
    if (list.isNull()) {
        page.status = unusableReply(EbCall::Transactions, "it has no list of transactions");
        return;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Object::Ptr item = list->getObject(static_cast<unsigned>(i));
        Transaction transaction;
        const Read read = item.isNull() ? Read::Unreadable : readEntry(item, currency, transaction);
        if (read == Read::Unreadable) {
            page = TransactionsPage{};
            page.status = unusableReply(EbCall::Transactions,
                                        "an entry has no status, amount or credit/debit indicator "
                                        "in the account's currency and precision");
            return;
        }
        page.otherCurrency += read == Read::OtherCurrency ? 1 : 0;
        page.otherStatus += read == Read::OtherStatus ? 1 : 0;
        const bool tooOld =
            !transaction.pending && !transaction.date.empty() && transaction.date < since;
        if (read == Read::Keep && !tooOld)
            page.transactions.push_back(std::move(transaction));
    }
    page.continuationKey = stringMember(body, "continuation_key").value_or("");
}

}  // namespace

bool isIsoDate(const std::string& date)
{
    if (date.size() != 10)
        return false;
    for (std::size_t i = 0; i < date.size(); ++i) {
        const bool dash = i == 4 || i == 7;
        if (dash ? date[i] != '-' : !std::isdigit(static_cast<unsigned char>(date[i])))
            return false;
    }
    return true;
}

std::string transactionText(const std::string& indicator, const std::string& creditorName,
                            const std::string& debtorName,
                            const std::vector<std::string>& remittance,
                            const std::vector<std::string>& accountNumbers)
{
    // For a debit the other party is the creditor, for a credit the debtor; the other name is
    // the account holder's own (actual #7799: card payments with creditor null showed it).
    std::string text = oneLine(indicator == "DBIT" ? creditorName : debtorName);
    if (text.empty()) {
        std::string joined;
        for (const std::string& line : remittance)
            joined += " " + line;
        text = oneLine(joined);
    }
    return oneLine(redactSecrets(text, accountNumbers));
}

void clearRepeatedIds(std::vector<Transaction>& transactions)
{
    std::map<std::string, int> seen;
    for (const Transaction& t : transactions)
        ++seen[t.id];
    for (Transaction& t : transactions) {
        if (seen[t.id] > 1)
            t.id.clear();
    }
}

TransactionsPage parseTransactionsPage(const HttpResponse& r, const std::string& currency,
                                       const std::string& since, const ReplyContext& c)
{
    TransactionsPage page;
    page.status = classifyReply(r, EbCall::Transactions, c);
    if (!page.ok())
        return page;
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (!parsed.ok()) {
        page.status = unusableReply(EbCall::Transactions, parsed.error);
        return page;
    }
    try {
        readPage(parsed.object, currency, since, page);
    } catch (const std::exception&) {
        page = TransactionsPage{};
        page.status = unusableReply(EbCall::Transactions, "the reply has an unexpected shape");
    }
    return page;
}

}  // namespace bank2mqtt::enablebanking
