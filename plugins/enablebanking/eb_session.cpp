// SPDX-License-Identifier: MIT
// The stored consent's JSON, the IBAN of a domestic number, and selector matching.
#include "eb_session.h"

#include "account_identity.h"
#include "bank_text.h"
#include "json_reply.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/UTF8String.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <sstream>

namespace bank2mqtt::enablebanking {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr std::size_t kMinNumberDigits = 6;

bool isLetter(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool isDigit(char c)
{
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Digits with the separators ". -", at least 6 digits: "97104133219", "9710.41.33219".
bool looksLikeBban(std::string_view selector)
{
    std::size_t digits = 0;
    for (char c : selector) {
        if (isDigit(c))
            ++digits;
        else if (c != '.' && c != ' ' && c != '-')
            return false;
    }
    return digits >= kMinNumberDigits;
}

// Two letters, two check digits, then letters and digits (spaces allowed): "NO92 9710 4133219".
std::string compactIban(std::string_view selector)
{
    std::string out;
    for (char c : selector) {
        if (c == ' ')
            continue;
        if (!isLetter(c) && !isDigit(c))
            return {};
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (out.size() < 15 || out.size() > 34 || !isLetter(out[0]) || !isLetter(out[1]) ||
        !isDigit(out[2]) || !isDigit(out[3]))
        return {};
    return out;
}

}  // namespace

StoredSession storedSession(const SessionReply& reply, std::string bank, std::string binding)
{
    StoredSession session;
    session.sessionRef = digestHex("enablebanking:session:" + reply.sessionId);
    session.validUntil = reply.validUntil;
    session.bank = std::move(bank);
    session.binding = std::move(binding);
    for (const SessionAccount& a : reply.accounts) {
        if (a.uid.empty() || a.account.fingerprint.empty())
            continue;
        session.accounts.push_back({a.uid, a.account.fingerprint, a.account.name, a.account.type,
                                    a.account.maskedNumber, a.currency});
    }
    return session;
}

std::string sessionToJson(const StoredSession& session)
{
    Object root;
    root.set("session_ref", session.sessionRef);
    root.set("valid_until", session.validUntil ? formatRfc3339(*session.validUntil) : "");
    root.set("bank", session.bank);
    root.set("binding", session.binding);
    Array accounts;
    for (const StoredAccount& a : session.accounts) {
        Object item;
        item.set("uid", a.uid);
        item.set("fingerprint", a.fingerprint);
        item.set("label", a.label);
        item.set("type", a.type);
        item.set("masked", a.masked);
        item.set("currency", a.currency);
        accounts.add(item);
    }
    root.set("accounts", accounts);
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

std::optional<StoredSession> sessionFromJson(std::string_view json)
{
    const JsonObjectParse parsed = parseJsonObject(json);
    if (!parsed.ok())
        return std::nullopt;
    try {
        const Object::Ptr& o = parsed.object;
        StoredSession session;
        session.sessionRef = stringMember(o, "session_ref").value_or("");
        if (const auto text = stringMember(o, "valid_until"); text && !text->empty())
            session.validUntil = parseRfc3339(*text);
        session.bank = stringMember(o, "bank").value_or("");
        session.binding = stringMember(o, "binding").value_or("");
        const Array::Ptr accounts = o->getArray("accounts");
        if (session.sessionRef.empty() || accounts.isNull())
            return std::nullopt;
        for (std::size_t i = 0; i < accounts->size(); ++i) {
            const Object::Ptr item = accounts->getObject(static_cast<unsigned>(i));
            if (item.isNull())
                return std::nullopt;
            StoredAccount a;
            a.uid = stringMember(item, "uid").value_or("");
            a.fingerprint = stringMember(item, "fingerprint").value_or("");
            a.label = stringMember(item, "label").value_or("");
            a.type = stringMember(item, "type").value_or("");
            a.masked = stringMember(item, "masked").value_or("");
            a.currency = stringMember(item, "currency").value_or("");
            if (a.uid.empty() || a.fingerprint.empty())
                return std::nullopt;
            session.accounts.push_back(std::move(a));
        }
        return session;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string ibanFromBban(std::string_view country, std::string_view bban)
{
    if (country.size() != 2 || !isLetter(country[0]) || !isLetter(country[1]) || bban.empty())
        return {};
    std::string cc;
    for (char c : country)
        cc += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string clean;
    for (char c : bban) {
        if (c == ' ' || c == '.' || c == '-')
            continue;
        if (!isLetter(c) && !isDigit(c))
            return {};
        clean += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    // ISO 13616: BBAN + country + "00" with letters as 10..35, mod 97; check = 98 - remainder.
    int remainder = 0;
    for (char c : clean + cc + "00") {
        const int value = isDigit(c) ? c - '0' : c - 'A' + 10;
        remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
    }
    const int check = 98 - remainder;
    return cc + (check < 10 ? "0" : "") + std::to_string(check) + clean;
}

bool selectorMatches(std::string_view selector, const StoredAccount& account,
                     std::string_view country)
{
    if (selector.empty())
        return false;
    if (const std::string iban = compactIban(selector); !iban.empty())
        return accountIdentity(iban, "") == account.fingerprint;
    if (looksLikeBban(selector)) {
        const std::string iban = ibanFromBban(country, selector);
        return !iban.empty() && accountIdentity(iban, "") == account.fingerprint;
    }
    return Poco::UTF8::icompare(std::string(selector), account.label) == 0;
}

std::string describeSelector(std::string_view selector)
{
    if (looksLikeBban(selector) || !compactIban(selector).empty())
        return maskAccountNumber(selector);
    return sanitizeBankMessage(selector, 60);
}

Selection resolveSelectors(const std::vector<std::string>& selectors,
                           const std::vector<StoredAccount>& accounts, std::string_view country)
{
    Selection selection;
    for (const std::string& selector : selectors) {
        std::vector<std::size_t> matches;
        for (std::size_t i = 0; i < accounts.size(); ++i) {
            if (selectorMatches(selector, accounts[i], country))
                matches.push_back(i);
        }
        const std::string quoted = "\"" + describeSelector(selector) + "\"";
        if (matches.empty())
            selection.error = "the selector " + quoted +
                              " in accounts = matches no account of the consent; run bank2mqtt "
                              "--list-accounts to see the names it can use, or authorize again "
                              "and include that account at the bank";
        else if (matches.size() > 1)
            selection.error = "the selector " + quoted + " in accounts = matches " +
                              std::to_string(matches.size()) +
                              " accounts; use the account number instead";
        else if (const auto earlier =
                     std::find(selection.indexes.begin(), selection.indexes.end(), matches.front());
                 earlier != selection.indexes.end())
            // Read twice per poll, the account would spend two of the bank's daily calls.
            selection.error =
                "the selectors \"" +
                describeSelector(
                    selectors[static_cast<std::size_t>(earlier - selection.indexes.begin())]) +
                "\" and " + quoted + " in accounts = name the same account; list it once";
        if (!selection.ok()) {
            selection.indexes.clear();
            return selection;
        }
        selection.indexes.push_back(matches.front());
    }
    return selection;
}

}  // namespace bank2mqtt::enablebanking
