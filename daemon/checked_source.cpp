// SPDX-License-Identifier: MIT
// CheckedSource: the scrub and the checks of every result a plugin returns.
#include "checked_source.h"

#include "bank_text.h"
#include "money.h"
#include "transaction_ledger.h"

#include <exception>

namespace bank2mqtt {
namespace {

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isIsoCurrency(const std::string& code)
{
    if (code.size() != 3)
        return false;
    for (char c : code) {
        if (c < 'A' || c > 'Z')
            return false;
    }
    return true;
}

// Valid UTF-8 (RFC 3629: no overlongs, surrogates or code points past U+10FFFF) without C0
// controls, DEL or C1 controls: what lands in a topic payload, a table and a log line.
bool isPrintableUtf8(const std::string& text)
{
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            if (lead < 0x20 || lead == 0x7F)
                return false;
            ++i;
            continue;
        }
        std::size_t length = 0;
        if (lead >= 0xC2 && lead <= 0xDF)
            length = 2;
        else if (lead >= 0xE0 && lead <= 0xEF)
            length = 3;
        else if (lead >= 0xF0 && lead <= 0xF4)
            length = 4;
        else
            return false;
        if (i + length > text.size())
            return false;
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
            (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
                return false;
        }
        if (lead == 0xC2 && second < 0xA0)  // U+0080..U+009F: C1 controls
            return false;
        i += length;
    }
    return true;
}

std::size_t digitCount(const std::string& text)
{
    std::size_t digits = 0;
    for (char c : text)
        digits += (c >= '0' && c <= '9') ? 1 : 0;
    return digits;
}

}  // namespace

CheckedSource::CheckedSource(BankSource& inner, std::string pluginName, SecretScrubber& scrubber)
    : inner_(inner), pluginName_(std::move(pluginName)), scrubber_(scrubber)
{
}

std::vector<ConfigKey> CheckedSource::configKeys() const noexcept
{
    return inner_.configKeys();
}

ConfigResult CheckedSource::configure(const SourceConfig& config) noexcept
{
    try {
        scrubber_.learn(config, inner_.configKeys());
        selectorCount_ = config.selectors.size();
        ConfigResult result = inner_.configure(config);
        result.message = scrubber_.scrub(result.message);
        return result;
    } catch (const std::exception&) {
        return {"", "the " + pluginName_ + " plugin's configuration could not be checked"};
    }
}

FetchResult CheckedSource::listAccounts() noexcept
{
    return checked(inner_.listAccounts(), false);
}

FetchResult CheckedSource::fetch() noexcept
{
    FetchResult result = checked(inner_.fetch(), true);
    if (result.status == FetchStatus::Ok) {
        units_.clear();
        for (const Account& account : result.accounts)
            units_[account.fingerprint] = account.balance;
    }
    return result;
}

void* CheckedSource::capability(const std::string& name, std::uint32_t version) noexcept
{
    if (name == TransactionFeed::kName && version == TransactionFeed::kVersion)
        return innerFeed() != nullptr ? static_cast<TransactionFeed*>(&transactions_) : nullptr;
    return inner_.capability(name, version);
}

TransactionFeed* CheckedSource::innerFeed() noexcept
{
    return capabilityOf<TransactionFeed>(inner_);
}

void CheckedSource::CheckedTransactions::enableTransactions() noexcept
{
    owner_.innerFeed()->enableTransactions();
}

std::uint32_t CheckedSource::CheckedTransactions::fetchesPerDay() const noexcept
{
    return owner_.innerFeed()->fetchesPerDay();
}

TransactionsResult
CheckedSource::CheckedTransactions::fetchTransactions(const std::string& since) noexcept
{
    return owner_.checked(owner_.innerFeed()->fetchTransactions(since));
}

TransactionsResult CheckedSource::checked(TransactionsResult result) const
{
    try {
        result.message = sanitizeBankMessage(scrubber_.scrub(result.message));
        if (result.status != FetchStatus::Ok) {
            result.accounts.clear();
            return result;
        }
        std::size_t leftOut = 0;
        std::vector<AccountTransactions> kept;
        for (AccountTransactions& account : result.accounts) {
            const auto unit = units_.find(account.fingerprint);
            if (unit == units_.end() ||
                account.transactions.size() > CheckedTransactions::kMaxTransactions) {
                leftOut += account.transactions.size();
                continue;
            }
            std::vector<Transaction> usable;
            for (Transaction& t : account.transactions) {
                const bool sameUnit = t.amount.currency == unit->second.currency &&
                                      moneyDecimals(t.amount) == moneyDecimals(unit->second);
                const bool dated = parseIsoDate(t.date).has_value();
                if (!sameUnit || (!t.pending && !dated)) {
                    ++leftOut;
                    continue;
                }
                if (!dated)
                    t.date.clear();
                t.amount.decimals = moneyDecimals(unit->second);
                t.text = sanitizeBankMessage(scrubber_.scrub(t.text));
                usable.push_back(std::move(t));
            }
            account.transactions = std::move(usable);
            kept.push_back(std::move(account));
        }
        result.accounts = std::move(kept);
        if (leftOut > 0 && result.message.empty())
            result.message = std::to_string(leftOut) + " transaction" + (leftOut == 1 ? "" : "s") +
                             " from the " + pluginName_ +
                             " plugin could not be used (another currency than the account, no "
                             "date, or an account not read this time) and were left out";
        return result;
    } catch (const std::exception&) {
        return TransactionsResult::failure(FetchStatus::Temporary,
                                           "the transactions could not be checked");
    }
}

FetchResult CheckedSource::checked(FetchResult result, bool forPublishing) const
{
    try {
        result.message = scrubber_.scrub(result.message);
        if (result.status != FetchStatus::Ok) {
            result.accounts.clear();
            return result;
        }
        // --list-accounts only prints a table, which is how a user finds what to choose.
        if (forPublishing && result.accounts.size() > kMaxAccounts)
            return FetchResult::failure(
                FetchStatus::ConfigError,
                "the bank lists " + std::to_string(result.accounts.size()) +
                    " accounts, more than the " + std::to_string(kMaxAccounts) +
                    " bank2mqtt publishes for one source; choose the ones to publish with "
                    "accounts =");
        for (Account& account : result.accounts) {
            account.name = scrubber_.scrub(account.name);
            account.type = scrubber_.scrub(account.type);
            if (const std::string problem = problemWith(account); !problem.empty())
                return FetchResult::failure(FetchStatus::Temporary,
                                            "the " + pluginName_ +
                                                " plugin returned an account bank2mqtt cannot "
                                                "publish: " +
                                                problem);
        }
        return result;
    } catch (const std::exception&) {
        return FetchResult::failure(FetchStatus::Temporary,
                                    "the " + pluginName_ + " plugin's result could not be checked");
    }
}

std::string CheckedSource::problemWith(const Account& account) const
{
    std::size_t hex = 0;
    for (char c : account.fingerprint) {
        if (!isHexDigit(c))
            return "its fingerprint is not a hex digest";
        ++hex;
    }
    if (hex < 16)
        return "its fingerprint has fewer than 16 hex digits";
    for (const Money* money : {&account.balance, &account.available,
                               account.creditLimit ? &*account.creditLimit : nullptr}) {
        if (money == nullptr)
            continue;
        if (!money->currency.empty() && !isIsoCurrency(money->currency))
            return "a currency is not a 3-letter ISO 4217 code";
        if (money->decimals < -1)
            return "an amount has a negative number of decimals";
        if (money->decimals > kMaxDecimals)
            return "an amount has " + std::to_string(money->decimals) +
                   " decimals, more than the 18 bank2mqtt can show";
        // The entities of an account share one unit and one precision.
        if (money->currency != account.balance.currency ||
            moneyDecimals(*money) != moneyDecimals(account.balance))
            return "its amounts are not all in the balance's currency";
    }
    if (!isPrintableUtf8(account.name))
        return "its name has control characters or is not UTF-8";
    if (!isPrintableUtf8(account.type))
        return "its type has control characters or is not UTF-8";
    if (!isPrintableUtf8(account.maskedNumber) || digitCount(account.maskedNumber) > 4)
        return "its masked number shows more than the last 4 digits";
    if (account.selector < -1 ||
        (account.selector >= 0 && static_cast<std::size_t>(account.selector) >= selectorCount_))
        return "it names a selector of accounts = that does not exist";
    return {};
}

}  // namespace bank2mqtt
