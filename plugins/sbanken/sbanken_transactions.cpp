// SPDX-License-Identifier: MIT
// Sbanken's Transactions request and reply (pure; see sbanken_transactions.h for the API).
#include "sbanken_transactions.h"

#include "account_identity.h"
#include "json_reply.h"
#include "money.h"
#include "url_encode.h"

#include <Poco/JSON/Array.h>

#include <exception>

namespace bank2mqtt::sbanken {
namespace {

constexpr const char* kCurrency = "NOK";  // as for the balances: the API has no currency field
constexpr int kDecimals = 2;
// Shorter digit runs are too common in shop names and references to be taken for a number.
constexpr std::size_t kMinHiddenDigits = 5;

FetchResult okResult()
{
    FetchResult ok;
    ok.status = FetchStatus::Ok;
    return ok;
}

FetchResult unusable(const std::string& why)
{
    return FetchResult::failure(FetchStatus::Temporary,
                                "the bank sent an unusable list of transactions: " + why);
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isNumberSeparator(char c)
{
    return c == '.' || c == ' ' || c == '-';
}

// Control characters (C0, DEL) become spaces and the ends are trimmed.
std::string cleanText(std::string text)
{
    for (char& c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            c = ' ';
    }
    const auto begin = text.find_first_not_of(' ');
    if (begin == std::string::npos)
        return {};
    return text.substr(begin, text.find_last_not_of(' ') - begin + 1);
}

// "2026-12-02" from "2026-12-02T00:00:00" (or a bare date); "" when absent or not a date.
std::string dateOf(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
    const std::string value = stringMember(object, key).value_or("");
    const std::string date = value.substr(0, 10);
    return isIsoDate(date) && (value.size() == 10 || value[10] == 'T') ? date : "";
}

// A card purchase's merchant is what a person recognises; the entry's `text` is the fallback
// (for card purchases it carries extra codes such as "*4821 02.12 NOK 49.90 KIWI ...").
std::string textOf(const Poco::JSON::Object::Ptr& object)
{
    const Poco::JSON::Object::Ptr card = object->getObject("cardDetails");
    if (!card.isNull()) {
        const std::string merchant = cleanText(stringMember(card, "merchantName").value_or(""));
        if (!merchant.empty())
            return merchant;
    }
    return cleanText(stringMember(object, "text").value_or(""));
}

FetchResult readPage(const std::string& bodyText, const ReplyContext& c,
                     const std::vector<std::string>& hidden, TransactionsPage& page)
{
    const JsonObjectParse parsed = parseJsonObject(bodyText);
    if (!parsed.ok())
        return unusable(parsed.error);
    const Poco::JSON::Object::Ptr& body = parsed.object;
    if (auto error = envelopeError(body, c))
        return std::move(*error);
    const Poco::JSON::Array::Ptr items = body->getArray("items");
    if (items.isNull())
        return unusable("the reply has no items");
    const Poco::Dynamic::Var available = body->get("availableItems");
    if (!available.isEmpty() && (!available.isInteger() || available.convert<Poco::Int64>() < 0))
        return unusable("availableItems is not a count");
    page.availableItems = available.isEmpty()
                              ? items->size()
                              : static_cast<std::size_t>(available.convert<Poco::Int64>());
    for (std::size_t i = 0; i < items->size(); ++i) {
        Transaction transaction;
        std::string whyNot;
        if (!readTransaction(items->getObject(static_cast<unsigned>(i)), hidden, transaction,
                             whyNot))
            return FetchResult::failure(FetchStatus::Temporary, whyNot);
        page.transactions.push_back(std::move(transaction));
    }
    return okResult();
}

}  // namespace

HttpRequest transactionsRequest(const Endpoint& endpoint, const std::string& accessToken,
                                std::string_view accountId, const std::string& since, int index,
                                int length)
{
    return dataRequest(endpoint, accessToken,
                       endpoint.apiUrl + "/transactions/" + formUrlEncode(accountId) +
                           "?startDate=" + formUrlEncode(since) +
                           "&index=" + std::to_string(index) + "&length=" + std::to_string(length));
}

bool isIsoDate(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return false;
    for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (!isDigit(text[i]))
            return false;
    }
    return true;
}

std::string maskNumbersIn(const std::string& text, const std::vector<std::string>& numbers)
{
    std::vector<std::string> wanted;
    for (const auto& number : numbers) {
        std::string digits = digitsOnly(number);
        if (digits.size() >= kMinHiddenDigits)
            wanted.push_back(std::move(digits));
    }
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!isDigit(text[i])) {
            out += text[i++];
            continue;
        }
        // A run: digits joined by separators, ending on a digit ("9710.41.33219").
        std::size_t end = i + 1;
        for (std::size_t k = i + 1;
             k < text.size() && (isDigit(text[k]) || isNumberSeparator(text[k])); ++k) {
            if (isDigit(text[k]))
                end = k + 1;
        }
        const std::string run = text.substr(i, end - i);
        const std::string digits = digitsOnly(run);
        bool hide = false;
        for (const auto& number : wanted)
            hide = hide || digits.find(number) != std::string::npos;
        out += hide ? maskAccountNumber(digits) : run;
        i = end;
    }
    return out;
}

bool readTransaction(const Poco::JSON::Object::Ptr& object, const std::vector<std::string>& hidden,
                     Transaction& out, std::string& whyNot)
{
    if (object.isNull()) {
        whyNot = "the bank sent a transaction that is not a JSON object";
        return false;
    }
    const auto minor =
        object->has("amount") ? jsonNumberToMinor(object->get("amount"), kDecimals) : std::nullopt;
    if (!minor) {
        whyNot = "the bank sent a transaction without a usable amount";
        return false;
    }
    const Poco::Dynamic::Var reservation = object->get("isReservation");
    out.pending = reservation.type() == typeid(bool) && reservation.extract<bool>();
    out.date = dateOf(object, "accountingDate");
    if (out.date.empty() && out.pending)
        out.date = dateOf(object, "interestDate");  // "" is allowed: the host uses today
    if (out.date.empty() && !out.pending) {
        whyNot = "the bank sent a booked transaction without a usable accountingDate";
        return false;
    }
    out.id.clear();
    out.amount = Money{*minor, kCurrency};
    std::vector<std::string> numbers = hidden;
    if (auto other = stringMember(object, "otherAccountNumber"))
        numbers.push_back(*other);
    out.text = maskNumbersIn(textOf(object), numbers);
    return true;
}

TransactionsPage parseTransactionsPage(const HttpResponse& r, const ReplyContext& c,
                                       const std::vector<std::string>& hidden)
{
    TransactionsPage page;
    if (r.transportError != TransportError::None || r.status < 200 || r.status > 299) {
        page.outcome = dataReplyFailure(r, ReplyShape::Transactions, c);
        page.unauthorized = r.transportError == TransportError::None && r.status == 401;
    } else if (isHtmlReply(r)) {
        page.outcome = FetchResult::failure(
            FetchStatus::Temporary, "the bank answered with an HTML page instead of transactions");
    } else {
        try {
            page.outcome = readPage(r.body, c, hidden, page);
        } catch (const std::exception&) {
            page.outcome = unusable("the reply has an unexpected shape");
        }
    }
    if (!page.ok())
        page.transactions.clear();
    return page;
}

}  // namespace bank2mqtt::sbanken
