// SPDX-License-Identifier: MIT
// Reading one Sbanken account object into BankAccount (pure).
#include "sbanken_account.h"

#include "account_identity.h"
#include "json_reply.h"
#include "money.h"

namespace bank2mqtt::sbanken {
namespace {

constexpr const char* kCurrency = "NOK";  // the API has no currency field; Sbanken was NOK only
constexpr int kDecimals = 2;

std::optional<std::string> accountNumberOf(const Poco::JSON::Object::Ptr& object)
{
    auto number = stringMember(object, "accountNumber");
    if (!number || digitsOnly(*number).empty())
        return std::nullopt;
    return number;
}

std::optional<Money> amount(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
    if (!object->has(key))
        return std::nullopt;
    const auto minor = jsonNumberToMinor(object->get(key), kDecimals);
    if (!minor)
        return std::nullopt;
    return Money{*minor, kCurrency};
}

// Control characters (C0, DEL) become spaces; everything else stays byte for byte, so that a
// name's slug (the account's topic key) does not change for names that were fine.
std::string withoutControls(std::string text)
{
    for (char& c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            c = ' ';
    }
    return text;
}

// The digits of `text` as sanitizeBankMessage reads them: ASCII and full-width digits, with
// invisible characters ignored. A cleaned text has every digit as ASCII; counting the digits
// of sanitizeBankMessage(text, huge) would mask them, so the conversion is done here.
std::string readableDigits(const std::string& text)
{
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= '0' && c <= '9') {
            digits += static_cast<char>(c);
        } else if (c == 0xEF && i + 2 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) == 0xBC &&
                   static_cast<unsigned char>(text[i + 2]) >= 0x90 &&
                   static_cast<unsigned char>(text[i + 2]) <= 0x99) {
            digits += static_cast<char>('0' + (static_cast<unsigned char>(text[i + 2]) - 0x90));
            i += 2;
        }
    }
    return digits;
}

// True when the digits of `text` hold the account number or the customer id.
bool revealsIdentity(const std::string& text, const std::string& number,
                     const std::string& customerId)
{
    const std::string digits = readableDigits(text);
    const std::string numberDigits = digitsOnly(number);
    const std::string customerDigits = digitsOnly(customerId);
    return (numberDigits.size() >= 5 && digits.find(numberDigits) != std::string::npos) ||
           (customerDigits.size() >= 5 && digits.find(customerDigits) != std::string::npos);
}

}  // namespace

std::string publishableName(const std::string& name, const std::string& type,
                            const std::string& accountNumber, const std::string& customerId)
{
    const std::string clean = withoutControls(name);
    if (!revealsIdentity(clean, accountNumber, customerId))
        return clean;
    const std::string cleanType = withoutControls(type);
    if (!cleanType.empty() && !revealsIdentity(cleanType, accountNumber, customerId))
        return cleanType;
    const std::string digits = digitsOnly(accountNumber);
    return "Account " + digits.substr(digits.size() > 4 ? digits.size() - 4 : 0);
}

bool parseAccount(const Poco::JSON::Object::Ptr& object, BankAccount& out, std::string& whyNot,
                  const std::string& customerId)
{
    if (object.isNull()) {
        whyNot = "the bank sent an account that is not a JSON object";
        return false;
    }
    const auto number = accountNumberOf(object);
    if (!number) {
        whyNot = "the bank sent an account without an account number";
        return false;
    }
    const std::string masked = maskAccountNumber(*number);
    const auto id = stringMember(object, "accountId");
    if (!id || id->empty()) {
        whyNot = "the bank sent account " + masked + " without an accountId";
        return false;
    }
    const auto balance = amount(object, "balance");
    const auto available = amount(object, "available");
    if (!balance || !available) {
        whyNot = "the bank sent account " + masked + " without a usable " +
                 (balance ? "available amount" : "balance");
        return false;
    }
    out.accountId = *id;
    out.accountNumber = *number;
    out.account.fingerprint = accountFingerprint("sbanken", *number);
    out.account.maskedNumber = masked;
    const std::string type = stringMember(object, "accountType").value_or("");
    out.account.name =
        publishableName(stringMember(object, "name").value_or(""), type, *number, customerId);
    out.account.type = revealsIdentity(type, *number, customerId) ? "" : withoutControls(type);
    out.account.balance = *balance;
    out.account.available = *available;
    out.account.creditLimit = amount(object, "creditLimit");  // absent or null: no limit known
    return true;
}

}  // namespace bank2mqtt::sbanken
