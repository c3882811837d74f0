// SPDX-License-Identifier: MIT
// FireflySource: configuration checks, paging through the asset accounts, selectors.
#include "firefly_source.h"

#include "bank_text.h"
#include "firefly_selection.h"

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>
#include <set>

namespace bank2mqtt::firefly {
namespace {

std::string trim(const std::string& text)
{
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::optional<bool> parseBool(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (text == "true" || text == "yes" || text == "on" || text == "1")
        return true;
    if (text == "false" || text == "no" || text == "off" || text == "0")
        return false;
    return std::nullopt;
}

// Path and query of a URL for a debug line: the query holds no secret here.
std::string pathOf(const std::string& url)
{
    try {
        return Poco::URI(url).getPathAndQuery();
    } catch (const std::exception&) {
        return "(unreadable URL)";
    }
}

FetchResult internalError()
{
    return FetchResult::failure(FetchStatus::Temporary,
                                "the firefly plugin hit an unexpected internal error");
}

std::string problemOf(const FireflyAccount& account)
{
    return "the account \"" + sanitizeBankMessage(account.name, 60) + "\" " + account.problem;
}

std::string joined(const std::vector<std::string>& parts)
{
    std::string out;
    for (const auto& part : parts)
        out += (out.empty() ? "" : "; ") + part;
    return out;
}

}  // namespace

FireflySource::FireflySource(const Services& services)
    : clock_(services.clock), http_(services.http), log_(services.log)
{
}

std::vector<ConfigKey> FireflySource::configKeys() const noexcept
{
    using Kind = ConfigKey::Kind;
    return {
        {"url", Kind::Text, true, "",
         "the address you open Firefly III at, e.g. https://firefly.example.lan"},
        {"token_file", Kind::SecretFile, true, "",
         "file holding a Personal Access Token (Options → Profile → OAuth)"},
        {"include_inactive", Kind::Text, false, "false",
         "true: also read asset accounts marked inactive in Firefly III"},
    };
}

ConfigResult FireflySource::configure(const SourceConfig& config) noexcept
{
    try {
        configured_ = false;
        const ConfigResult result = applyConfig(config);
        configured_ = result.ok();
        return result;
    } catch (const std::exception&) {
        return {"", "the firefly plugin could not read its configuration"};
    }
}

ConfigResult FireflySource::applyConfig(const SourceConfig& config)
{
    auto value = [&](const char* key) {
        const auto it = config.values.find(key);
        return it == config.values.end() ? std::string() : trim(it->second);
    };
    std::string problem;
    const auto base = normalizeBaseUrl(value("url"), problem);
    if (!base)
        return {"url", problem};
    const std::string token = value("token");
    if (token.empty())
        return {"token_file", "the file named by token_file is empty; put the Personal Access "
                              "Token from Options → Profile → OAuth in it"};
    if (token.find_first_of(" \t\r\n") != std::string::npos)
        return {"token_file", "the file named by token_file must hold the token alone, on one "
                              "line (without \"Bearer\" or other words)"};
    const std::string inactive = value("include_inactive");
    const auto includeInactive = parseBool(inactive.empty() ? "false" : inactive);
    if (!includeInactive)
        return {"include_inactive", "include_inactive must be true or false, not \"" +
                                        sanitizeBankMessage(inactive, 20) + "\""};
    baseUrl_ = *base;
    token_ = token;
    includeInactive_ = *includeInactive;
    timeout_ = config.timeout;
    selectors_.clear();
    for (const auto& selector : config.selectors)
        selectors_.push_back(trim(selector));
    everRead_ = false;
    feedAccounts_.clear();
    return {};
}

FetchResult FireflySource::listAccounts() noexcept
{
    try {
        if (!configured_)
            return FetchResult::failure(FetchStatus::ConfigError, "the source is not configured");
        const Listing listing = readAllPages();
        if (listing.outcome.status != FetchStatus::Ok)
            return listing.outcome;
        std::vector<Account> accounts;
        std::vector<std::string> problems;
        for (const auto& account : listing.accounts) {
            if (!account.account) {
                problems.push_back(problemOf(account));
                continue;
            }
            Account shown = *account.account;
            // The id is what a selector can always use; shown here only, never published.
            shown.type += " (id " + sanitizeBankMessage(account.id, 20) +
                          (account.active ? ")" : ", inactive)");
            accounts.push_back(std::move(shown));
        }
        FetchResult result = FetchResult::ok(std::move(accounts));
        result.message = joined(problems);
        return result;
    } catch (const std::exception&) {
        return internalError();
    }
}

FetchResult FireflySource::fetch() noexcept
{
    try {
        if (!configured_)
            return FetchResult::failure(FetchStatus::ConfigError, "the source is not configured");
        const Listing listing = readAllPages();
        if (listing.outcome.status != FetchStatus::Ok)
            return listing.outcome;
        return selected(listing);
    } catch (const std::exception&) {
        return internalError();
    }
}

FetchResult FireflySource::selected(const Listing& listing)
{
    std::vector<FireflyAccount> usable;
    std::vector<FireflyAccount> inactive;
    for (const auto& account : listing.accounts)
        (account.active || includeInactive_ ? usable : inactive).push_back(account);

    std::vector<Account> accounts;
    std::vector<FeedAccount> feed;
    std::vector<std::string> problems;
    auto take = [&](const FireflyAccount& account, int selector) {
        if (!account.account) {
            problems.push_back(problemOf(account));
            return;
        }
        accounts.push_back(*account.account);
        accounts.back().selector = selector;
        feed.push_back({account.id, account.currencyCode, account.account->balance,
                        account.account->fingerprint, account.account->name});
    };
    if (selectors_.empty()) {
        for (const auto& account : usable)
            take(account, -1);
    } else {
        const Selection selection = resolveSelectors(selectors_, usable, inactive);
        if (!selection.ok())
            return FetchResult::failure(FetchStatus::ConfigError, selection.error);
        for (std::size_t i = 0; i < selection.indexes.size(); ++i)
            take(usable[selection.indexes[i]], static_cast<int>(i));
    }
    if (accounts.empty() && !problems.empty())
        return FetchResult::failure(FetchStatus::Temporary, joined(problems));
    feedAccounts_ = std::move(feed);
    FetchResult result = FetchResult::ok(std::move(accounts));
    result.message = joined(problems);
    return result;
}

FireflySource::Listing FireflySource::readAllPages()
{
    Listing listing;
    std::set<std::string> seen;
    int totalPages = 1;
    std::optional<long long> total;
    for (int page = 1; page <= totalPages; ++page) {
        AccountsPage reply = parseAccountsPage(
            send(accountsPageRequest(baseUrl_, token_, page, timeout_)), replyContext());
        if (!reply.ok()) {
            // A 404 after the list has been read once is more likely an upgrade in progress
            // than a wrong url.
            if (reply.notFound && everRead_)
                reply.outcome.status = FetchStatus::Temporary;
            listing.outcome = std::move(reply.outcome);
            return listing;
        }
        if (reply.currentPage != page) {
            listing.outcome = FetchResult::failure(
                FetchStatus::Temporary,
                "Firefly III sent page " + std::to_string(reply.currentPage) +
                    " of the accounts when asked for page " + std::to_string(page));
            return listing;
        }
        // Firefly III pages by offset: an account created or deleted between two page
        // requests moves the others, so a page can repeat one or skip one. A changed total says
        // so; the poll is repeated rather than published without the skipped account.
        if (page > 1 && reply.total != total) {
            listing.outcome = FetchResult::failure(
                FetchStatus::Temporary, "the accounts changed while they were read; trying again");
            return listing;
        }
        if (page == 1) {
            total = reply.total;
            totalPages = reply.totalPages;
            if (totalPages > kMaxPages) {
                listing.outcome = FetchResult::failure(
                    FetchStatus::ConfigError,
                    "Firefly III has more than " + std::to_string(kMaxPages * kPageLimit) +
                        " asset accounts (" + std::to_string(totalPages) + " pages of " +
                        std::to_string(kPageLimit) +
                        "), more than bank2mqtt reads in one poll; mark unused accounts "
                        "inactive in Firefly III");
                return listing;
            }
        }
        if (reply.otherTypes > 0)
            log_.debug("ignored " + std::to_string(reply.otherTypes) +
                       " account(s) of other types that Firefly III listed for type=asset");
        rememberNumbers(reply.accounts);
        // With the total unchanged (one account created and another deleted, or a rename that
        // reorders them) an account can still be on two pages: the second copy is dropped.
        for (auto& account : reply.accounts) {
            if (seen.insert(account.id).second)
                listing.accounts.push_back(std::move(account));
        }
    }
    everRead_ = true;
    listing.outcome.status = FetchStatus::Ok;
    return listing;
}

HttpResponse FireflySource::send(const HttpRequest& request)
{
    HttpResponse response = http_.send(request);
    const std::string outcome = response.transportError == TransportError::None
                                    ? std::to_string(response.status)
                                    : "no answer";
    log_.debug(request.method + " " + pathOf(request.url) + " -> " + outcome);
    return response;
}

void FireflySource::rememberNumbers(const std::vector<FireflyAccount>& accounts)
{
    for (const auto& account : accounts) {
        if (!account.number.empty() && knownNumbers_.size() < kMaxKnownNumbers &&
            std::find(knownNumbers_.begin(), knownNumbers_.end(), account.number) ==
                knownNumbers_.end())
            knownNumbers_.push_back(account.number);
    }
}

// Firefly III's error texts could quote the request; the token and the account numbers seen so
// far never reach the status topic.
ReplyContext FireflySource::replyContext() const
{
    ReplyContext context{baseUrl_, timeout_, clock_.wallNow(), {token_}};
    context.secrets.insert(context.secrets.end(), knownNumbers_.begin(), knownNumbers_.end());
    return context;
}

}  // namespace bank2mqtt::firefly
