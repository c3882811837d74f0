// SPDX-License-Identifier: MIT
// SimpleFinSource: configuration, the stored Access URL, one GET /accounts per poll.
#include "sf_source.h"

#include "account_identity.h"
#include "bank_text.h"
#include "sf_selection.h"

#include <Poco/NumberParser.h>

#include <exception>
#include <map>
#include <set>

namespace bank2mqtt::simplefin {
namespace {

std::string trim(const std::string& text)
{
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

FetchResult internalError()
{
    return FetchResult::failure(FetchStatus::Temporary,
                                "the simplefin plugin hit an unexpected internal error");
}

bool hasPrefix(const std::string& code, const char* prefix)
{
    return code.rfind(prefix, 0) == 0;
}

// Why an errlist entry leaves accounts out, in words; unknown subcodes fall back to the
// prefix (protocol-v2.md: "handle unknown subcodes by falling back to a naked prefix.").
std::string reasonOf(const SfError& error)
{
    std::string reason;
    if (error.code == "con.auth")
        reason = "the connection needs you to log in to the bank again at the SimpleFIN Bridge";
    else if (hasPrefix(error.code, "con."))
        reason = "the SimpleFIN Bridge could not read this connection";
    else if (error.code == "act.failed")
        reason = "the SimpleFIN Bridge could not read the account; it tries again later";
    else
        reason = "the SimpleFIN Bridge could not read the account";
    if (!error.text.empty())
        reason += " (\"" + error.text + "\")";
    return reason;
}

std::string label(const SfAccount& account)
{
    std::string name = account.name.empty() ? "an unnamed account" : account.name;
    if (!account.connectionName.empty())
        name += " at " + account.connectionName;
    return name;
}

}  // namespace

std::string SimpleFinSource::joined(const std::vector<std::string>& parts)
{
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : "; ") + p;
    return out;
}

SimpleFinSource::SimpleFinSource(const Services& services)
    : clock_(services.clock), http_(services.http), state_(services.state), log_(services.log)
{
}

std::vector<ConfigKey> SimpleFinSource::configKeys() const noexcept
{
    using Kind = ConfigKey::Kind;
    return {
        {"daily_limit", Kind::Text, false, std::to_string(kDefaultDailyLimit),
         "polls per 24 h (SimpleFIN suggests 24; the Bridge warns at 48 and blocks at 96)"},
    };
}

void* SimpleFinSource::capability(const std::string& name, std::uint32_t version) noexcept
{
    if (name == Authorization::kName && version == Authorization::kVersion)
        return static_cast<Authorization*>(this);
    if (name == CallLimit::kName && version == CallLimit::kVersion)
        return static_cast<CallLimit*>(this);
    if (name == TransactionFeed::kName && version == TransactionFeed::kVersion)
        return static_cast<TransactionFeed*>(this);
    return nullptr;
}

ConfigResult SimpleFinSource::configure(const SourceConfig& config) noexcept
{
    try {
        configured_ = false;
        asking_ = false;
        std::uint32_t dailyLimit = kDefaultDailyLimit;
        const auto it = config.values.find("daily_limit");
        if (const std::string text = it == config.values.end() ? "" : trim(it->second);
            !text.empty()) {
            unsigned parsed = 0;
            // The Bridge blocks at 96 a day, maybe for good (UNCONFIRMED how long): 95 at most.
            if (!Poco::NumberParser::tryParseUnsigned(text, parsed) || parsed >= kBridgeBlocksAt)
                return {"daily_limit",
                        "daily_limit must be a whole number of polls per day, at most 95: the "
                        "SimpleFIN Bridge blocks an Access URL that asks 96 times a day, maybe "
                        "for good (0 = no limit, for tests only)"};
            dailyLimit = parsed;
        }
        if (dailyLimit == 0 || dailyLimit > kDefaultDailyLimit)
            log_.warning("daily_limit " + std::to_string(dailyLimit) +
                         (dailyLimit == 0 ? " (no limit)" : "") +
                         " is above the 24 polls a day SimpleFIN suggests; the Bridge warns at "
                         "48 and blocks at 96");
        sourceId_ = config.sourceId;
        timeout_ = config.timeout;
        dailyLimit_ = dailyLimit;
        selectors_.clear();
        for (const auto& selector : config.selectors)
            selectors_.push_back(trim(selector));
        configured_ = true;
        return {};
    } catch (const std::exception&) {
        return {"", "the simplefin plugin could not read its configuration"};
    }
}

std::string SimpleFinSource::authorizeHint() const
{
    return "bank2mqtt --authorize=" + sourceId_;
}

std::optional<AccessUrl> SimpleFinSource::storedAccess() const
{
    const std::optional<std::string> saved = state_.get(kAccessStateKey);
    if (!saved)
        return std::nullopt;
    std::string error;
    return parseAccessUrl(*saved, error);
}

FetchResult SimpleFinSource::fetch() noexcept
{
    try {
        return poll(false);
    } catch (const std::exception&) {
        return internalError();
    }
}

FetchResult SimpleFinSource::listAccounts() noexcept
{
    try {
        return poll(true);
    } catch (const std::exception&) {
        return internalError();
    }
}

void SimpleFinSource::noteWarnings(const std::vector<std::string>& warnings)
{
    const std::string text = joined(warnings);
    if (text == lastWarning_)
        return;
    if (!text.empty())
        log_.warning("the SimpleFIN Bridge says: " + text);
    else
        log_.info("the SimpleFIN Bridge's warnings have cleared");
    lastWarning_ = text;
}

FetchResult SimpleFinSource::poll(bool forListing)
{
    if (!configured_)
        return FetchResult::failure(FetchStatus::ConfigError, "the source is not configured");
    const std::optional<AccessUrl> access = storedAccess();
    if (!access)
        return FetchResult::failure(FetchStatus::AuthRequired,
                                    "not connected to the SimpleFIN Bridge yet; run " +
                                        authorizeHint() +
                                        " with a setup token, or paste one in Home Assistant");

    // The listing (a person at the terminal) needs no transactions.
    const bool withTransactions = transactionsOn_ && !forListing;
    if (!forListing) {
        transactionsRead_ = false;
        transactions_.clear();
        transactionsMissing_.clear();
    }
    const HttpResponse response = http_.send(accountsRequest(
        *access, timeout_,
        withTransactions ? std::optional<std::int64_t>(windowStart()) : std::nullopt));
    // The URL holds the credentials' host and path only, but the log names the call instead.
    log_.debug("GET accounts -> " + (response.transportError == TransportError::None
                                         ? std::to_string(response.status)
                                         : std::string("no answer")));
    const std::vector<std::string> secrets = {access->full(), access->user + ":" + access->password,
                                              access->password, access->user};
    const AccountsReply reply = parseAccountsReply(response, timeout_, clock_.wallNow(), secrets);
    if (!reply.ok()) {
        std::string message = reply.message;
        const std::string generic = "bank2mqtt --authorize";
        if (const auto at = message.find(generic); at != std::string::npos)
            message.replace(at, generic.size(), authorizeHint());
        return FetchResult::failure(reply.status, message, reply.retryAfter);
    }

    // errlist: whole-login failures, then per connection and per account.
    std::map<std::string, std::string> failedConnections;
    std::map<std::string, std::string> failedAccounts;
    std::set<std::string> incompleteTransactions;
    std::vector<std::string> warnings = reply.warnings;
    for (const SfError& error : reply.errlist) {
        if (hasPrefix(error.code, "gen.auth"))
            return FetchResult::failure(FetchStatus::AuthRequired,
                                        "the SimpleFIN Bridge refused the Access URL; run " +
                                            authorizeHint() +
                                            " or paste a new setup token in Home Assistant");
        if (hasPrefix(error.code, "con.") && !error.connection.empty())
            failedConnections.emplace(error.connection, reasonOf(error));
        else if (hasPrefix(error.code, "act.") && error.code != "act.missingdata" &&
                 !error.account.empty())
            failedAccounts.emplace(error.account, reasonOf(error));
        else if (error.code == "act.missingdata" && !error.account.empty())
            incompleteTransactions.insert(error.account);
        else if (!hasPrefix(error.code, "act.missingdata"))  // transactions only: kept above
            warnings.push_back(error.text.empty() ? "error " + sanitizeBankMessage(error.code, 40)
                                                  : error.text);
    }
    noteWarnings(warnings);

    auto whyLeftOut = [&](const SfAccount& a) -> std::string {
        if (const auto c = failedConnections.find(a.connection);
            !a.connection.empty() && c != failedConnections.end())
            return c->second;
        if (const auto f = failedAccounts.find(a.id); f != failedAccounts.end())
            return f->second;
        return a.problem;
    };
    std::vector<std::pair<const SfAccount*, std::string>> returned;
    auto toAccount = [&](const SfAccount& a, int selector) {
        Account account;
        // SimpleFIN ids ("ACT-<uuid>") are unique at the Bridge; the v1 org and the v2
        // connection name the same institution differently, so neither is part of it.
        account.fingerprint = digestHex("simplefin:" + a.id);
        account.selector = selector;
        account.name = a.name;
        account.balance = a.balance;
        account.available = a.available;
        account.balanceDate = a.balanceDate;
        returned.emplace_back(&a, account.fingerprint);
        return account;
    };

    std::vector<Account> accounts;
    std::vector<std::string> missing;
    if (selectors_.empty() || forListing) {
        for (const SfAccount& a : reply.accounts) {
            if (const std::string why = whyLeftOut(a); !why.empty())
                missing.push_back(label(a) + ": " + why);
            else
                accounts.push_back(toAccount(a, -1));
        }
    } else {
        const SfSelection selection = resolveSelectors(selectors_, reply.accounts);
        if (!selection.ok())
            return FetchResult::failure(FetchStatus::ConfigError, selection.error);
        const bool someFailed = !failedConnections.empty() || !failedAccounts.empty();
        for (std::size_t i = 0; i < selection.picks.size(); ++i) {
            const int pick = selection.picks[i];
            if (pick < 0) {
                if (!someFailed)
                    return FetchResult::failure(
                        FetchStatus::ConfigError,
                        "accounts = selector " + std::to_string(i + 1) +
                            " matches no SimpleFIN account; bank2mqtt --list-accounts=" +
                            sourceId_ + " shows them");
                missing.push_back("the account of accounts = selector " + std::to_string(i + 1) +
                                  ": not in the Bridge's reply while a connection fails");
                continue;
            }
            const SfAccount& a = reply.accounts[static_cast<std::size_t>(pick)];
            if (const std::string why = whyLeftOut(a); !why.empty())
                missing.push_back(label(a) + ": " + why);
            else
                accounts.push_back(toAccount(a, static_cast<int>(i)));
        }
    }
    // A failing connection (or account) may be left out of the reply altogether. With every
    // account wanted, an Ok result without a message would tell the host the list is complete,
    // and it would remove that institution's accounts; naming the failure keeps them (their last
    // values, a problem entity). A selector that matches nothing says so above.
    if (selectors_.empty() || forListing) {
        std::set<std::string> seenConnections;
        std::set<std::string> seenAccounts;
        for (const SfAccount& a : reply.accounts) {
            seenConnections.insert(a.connection);
            seenAccounts.insert(a.id);
        }
        const std::map<std::string, std::string> names(reply.connections.begin(),
                                                       reply.connections.end());
        for (const auto& [connection, why] : failedConnections) {
            if (seenConnections.count(connection) != 0)
                continue;
            const auto name = names.find(connection);
            missing.push_back((name == names.end() || name->second.empty()
                                   ? std::string("a connection the SimpleFIN Bridge did not name")
                                   : name->second) +
                              ": " + why);
        }
        for (const auto& [account, why] : failedAccounts)
            if (seenAccounts.count(account) == 0)
                missing.push_back("an account not in the SimpleFIN Bridge's reply: " + why);
    }
    if (forListing && !missing.empty())
        log_.warning("left out of the list: " + joined(missing));
    if (accounts.empty() && !missing.empty())
        return FetchResult::failure(FetchStatus::Temporary, joined(missing));
    if (withTransactions)
        keepTransactions(returned, incompleteTransactions);
    FetchResult result = FetchResult::ok(std::move(accounts));
    // Ok with a message: the accounts it names are missing (the host keeps their last values);
    // the Bridge's own warnings (quota) ride along so that they reach the status topic.
    if (!forListing) {
        std::vector<std::string> parts = missing;
        if (!warnings.empty())
            parts.push_back("the SimpleFIN Bridge says: " + joined(warnings));
        result.message = joined(parts);
    }
    return result;
}

void SimpleFinSource::keepTransactions(
    const std::vector<std::pair<const SfAccount*, std::string>>& returned,
    const std::set<std::string>& incomplete)
{
    // An account without a usable list is left out of fetchTransactions() with the reason, so
    // the host asks again next time instead of taking a short list as complete.
    for (const auto& [account, fingerprint] : returned) {
        const SfTransactions& read = account->transactions;
        std::string why;
        if (incomplete.count(account->id) != 0)
            why = "the SimpleFIN Bridge's list of its transactions is incomplete; it tries again "
                  "later";
        else if (!read.problem.empty())
            why = read.problem;
        else if (!read.listed)
            why = "the SimpleFIN Bridge sent no list of its transactions";
        if (!why.empty()) {
            transactionsMissing_.push_back(label(*account) + ": " + why);
            continue;
        }
        AccountTransactions kept;
        kept.fingerprint = fingerprint;
        kept.transactions = read.entries;
        transactions_.push_back(std::move(kept));
    }
    transactionsRead_ = true;
}

}  // namespace bank2mqtt::simplefin
