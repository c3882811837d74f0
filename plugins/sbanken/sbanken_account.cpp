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

}  // namespace

bool parseAccount(const Poco::JSON::Object::Ptr& object, BankAccount& out, std::string& whyNot)
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
    out.account.name = stringMember(object, "name").value_or("");
    out.account.type = stringMember(object, "accountType").value_or("");
    out.account.balance = *balance;
    out.account.available = *available;
    out.account.creditLimit = amount(object, "creditLimit");  // absent or null: no limit known
    return true;
}

}  // namespace bank2mqtt::sbanken
