// SPDX-License-Identifier: MIT
// SbankenSource: configuration checks, token reuse, selector resolution and the 401 retry.
#include "sbanken_source.h"

#include "account_identity.h"
#include "account_selector.h"
#include "json_reply.h"
#include "loopback.h"
#include "url_encode.h"

#include <Poco/URI.h>

#include <algorithm>
#include <exception>

namespace bank2mqtt::sbanken {
namespace {

constexpr const char* kDefaultAuthUrl = "https://auth.sbanken.no/identityserver/connect/token";
constexpr const char* kDefaultApiUrl = "https://api.sbanken.no/bank/api/v1";

std::string trim(const std::string& text)
{
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

// "" when `url` may be used for `key`; otherwise what is wrong and how to fix it.
std::string checkUrl(const std::string& key, const std::string& url)
{
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const std::exception&) {
        return key + " is not a valid URL; write it as https://host/path";
    }
    if (uri.getHost().empty())
        return key + " has no host name; write it as https://host/path";
    if (uri.getScheme() == "https" || (uri.getScheme() == "http" && isLoopbackHost(uri.getHost())))
        return {};
    return key + " must start with https:// (plain http:// is allowed only for 127.0.0.1, ::1 " +
           "and localhost); change it to https://" + uri.getHost() + "/...";
}

std::string pathOf(const std::string& url)
{
    try {
        return Poco::URI(url).getPath();
    } catch (const std::exception&) {
        return "(unreadable URL)";
    }
}

FetchResult internalError()
{
    return FetchResult::failure(FetchStatus::Temporary,
                                "the sbanken plugin hit an unexpected internal error");
}

}  // namespace

SbankenSource::SbankenSource(const Services& services)
    : clock_(services.clock), http_(services.http), state_(services.state), log_(services.log)
{
}

std::vector<ConfigKey> SbankenSource::configKeys() const noexcept
{
    using Kind = ConfigKey::Kind;
    return {
        {"client_id", Kind::Text, true, "",
         "client id of the API application (Applikasjonsnøkkel) from Sbanken's developer portal"},
        {"client_secret_file", Kind::SecretFile, true, "",
         "file holding the API application's secret (password)"},
        {"customer_id_file", Kind::SecretFile, false, "",
         "file holding the 11-digit customer id (fødselsnummer); needed for api_version = 1"},
        {"auth_url", Kind::Text, false, kDefaultAuthUrl, "token endpoint (https://)"},
        {"api_url", Kind::Text, false, kDefaultApiUrl, "base URL of the account API (https://)"},
        {"api_version", Kind::Text, false, "1",
         "API generation: 1 (customerId header, item envelopes) or 2 (publicapi, bare objects)"},
    };
}

ConfigResult SbankenSource::configure(const SourceConfig& config) noexcept
{
    try {
        configured_ = false;
        token_.invalidate();
        selectedIds_.clear();
        const ConfigResult result = applyConfig(config);
        configured_ = result.ok();
        return result;
    } catch (const std::exception&) {
        return {"", "the sbanken plugin could not read its configuration"};
    }
}

ConfigResult SbankenSource::applyConfig(const SourceConfig& config)
{
    auto value = [&](const char* key, const char* fallback = "") {
        const auto it = config.values.find(key);
        const std::string text = it == config.values.end() ? std::string() : trim(it->second);
        return text.empty() ? std::string(fallback) : text;
    };
    Endpoint endpoint;
    const std::string clientId = value("client_id");
    if (clientId.empty())
        return {"client_id", "client_id is empty; set it to the client id of the API application"};
    const std::string secret = value("client_secret");
    if (secret.empty())
        return {
            "client_secret_file",
            "the file named by client_secret_file is empty; put the application's secret in it"};
    const std::string version = value("api_version", "1");
    if (version != "1" && version != "2")
        return {"api_version",
                "api_version must be 1 or 2, not \"" + sanitizeBankMessage(version, 20) + "\""};
    endpoint.version = version == "1" ? ApiVersion::V1 : ApiVersion::V2;
    endpoint.customerId = value("customer_id");
    if (endpoint.version == ApiVersion::V1 && endpoint.customerId.empty())
        return {"customer_id_file",
                "api_version = 1 needs customer_id_file, a file holding the 11-digit customer id "
                "that is sent in the customerId header; or set api_version = 2"};
    endpoint.authUrl = value("auth_url", kDefaultAuthUrl);
    endpoint.apiUrl = value("api_url", kDefaultApiUrl);
    while (endpoint.apiUrl.size() > 1 && endpoint.apiUrl.back() == '/')
        endpoint.apiUrl.pop_back();
    for (const auto& [key, url] :
         {std::pair<std::string, std::string>{"auth_url", endpoint.authUrl},
          {"api_url", endpoint.apiUrl}}) {
        if (std::string problem = checkUrl(key, url); !problem.empty())
            return {key, problem};
    }

    endpoint_ = endpoint;
    endpoint_.timeout = config.timeout;
    clientId_ = clientId;
    clientSecret_ = secret;
    selectors_.clear();
    for (const auto& selector : config.selectors)
        selectors_.push_back(trim(selector));

    // Digests, not clear text: the state file then shows neither the secret nor the customer
    // id, and a change of any of them makes the saved token or ids unusable.
    tokenBinding_ = digestHex("token\n" + endpoint_.authUrl + "\n" + clientId_ + "\n" + secret);
    std::string selection = "accounts\n" + endpoint_.apiUrl + "\n" + version + "\n" + clientId_ +
                            "\n" + secret + "\n" + endpoint_.customerId;
    for (const auto& selector : selectors_)
        selection += "\n" + selector;
    selectionBinding_ = digestHex(selection);

    if (token_.restore(state_, kTokenStateKey, clock_, tokenBinding_))
        log_.debug("reusing the saved access token");
    if (const auto saved = state_.get(kSelectionStateKey); saved && !selectors_.empty()) {
        if (auto ids = selectionFromJson(*saved, selectionBinding_, selectors_.size())) {
            selectedIds_ = std::move(*ids);
            resolvedOnce_ = true;
            log_.debug("reusing the saved account ids of the selected accounts");
        }
    }
    return {};
}

FetchResult SbankenSource::listAccounts() noexcept
{
    try {
        if (!configured_)
            return FetchResult::failure(FetchStatus::ConfigError, "the source is not configured");
        const AccountsReply reply = callApi(ReplyShape::List);
        return reply.ok() ? FetchResult::ok(allAccounts(reply.accounts)) : reply.outcome;
    } catch (const std::exception&) {
        return internalError();
    }
}

FetchResult SbankenSource::fetch() noexcept
{
    try {
        if (!configured_)
            return FetchResult::failure(FetchStatus::ConfigError, "the source is not configured");
        FetchResult result = fetchAccounts();
        if (result.status == FetchStatus::Ok) {
            lastFetched_.clear();
            for (const Account& account : result.accounts)
                lastFetched_.push_back(account.fingerprint);
        }
        return result;
    } catch (const std::exception&) {
        return internalError();
    }
}

void* SbankenSource::capability(const std::string& name, std::uint32_t version) noexcept
{
    if (name == TransactionFeed::kName && version == TransactionFeed::kVersion)
        return static_cast<TransactionFeed*>(this);
    return nullptr;
}

FetchResult SbankenSource::fetchAccounts()
{
    if (selectors_.empty()) {
        const AccountsReply reply = callApi(ReplyShape::List);
        return reply.ok() ? FetchResult::ok(allAccounts(reply.accounts)) : reply.outcome;
    }
    return fetchSelected();
}

FetchResult SbankenSource::fetchSelected()
{
    if (selectedIds_.size() == 1) {
        const AccountsReply reply = callApi(ReplyShape::Single, selectedIds_.front());
        if (reply.ok() && reply.accounts.front().accountId == selectedIds_.front())
            return FetchResult::ok(*pickAccounts(selectedIds_, reply.accounts));
        if (!reply.ok() && !reply.notFound)
            return reply.outcome;
        log_.info("the bank no longer knows the selected account's id; looking it up again");
        forgetSelection();
    } else if (!selectedIds_.empty()) {
        const AccountsReply reply = callApi(ReplyShape::List);
        if (!reply.ok())
            return reply.outcome;
        if (auto picked = pickAccounts(selectedIds_, reply.accounts))
            return FetchResult::ok(std::move(*picked));
        log_.info("a selected account is missing from the bank's list; looking the selection up "
                  "again");
        forgetSelection();
        return resolveFrom(reply.accounts);
    }
    const AccountsReply list = callApi(ReplyShape::List);
    if (!list.ok())
        return list.outcome;
    return resolveFrom(list.accounts);
}

FetchResult SbankenSource::resolveFrom(const std::vector<BankAccount>& accounts)
{
    Selection selection = resolveSelectors(selectors_, accounts);
    if (!selection.ok()) {
        // Once the selection has worked, an account missing from one list is more likely a
        // bank hiccup than a config mistake: retry later instead of stopping the source.
        if (resolvedOnce_)
            return FetchResult::failure(FetchStatus::Temporary,
                                        "the bank's account list lacks a selected account (" +
                                            selection.error + ")");
        return FetchResult::failure(FetchStatus::ConfigError, selection.error);
    }
    resolvedOnce_ = true;
    selectedIds_ = std::move(selection.accountIds);
    state_.put(kSelectionStateKey,
               selectionToJson(endpoint_.apiUrl, selectionBinding_, selectedIds_));
    log_.info("found the " + std::to_string(selectedIds_.size()) +
              " selected account(s) at the bank");
    return FetchResult::ok(*pickAccounts(selectedIds_, accounts));
}

template <class Reply>
Reply SbankenSource::withToken(const std::function<HttpRequest(const std::string&)>& build,
                               const std::function<Reply(const HttpResponse&)>& parse)
{
    Reply reply;
    for (int attempt = 1; attempt <= 2; ++attempt) {
        if (auto failure = ensureToken()) {
            reply = Reply{};
            reply.outcome = std::move(*failure);
            return reply;
        }
        // Parsed before the token may be forgotten, so that a bank echoing it is redacted.
        reply = parse(send(build(token_.accessToken())));
        if (!reply.unauthorized)
            return reply;
        // 401: the token expired early or was revoked. One fresh token gets one more try.
        forgetToken();
        if (attempt == 1)
            log_.debug("the bank refused the access token; getting a new one");
    }
    return reply;
}

template AccountsReply
SbankenSource::withToken<AccountsReply>(const std::function<HttpRequest(const std::string&)>&,
                                        const std::function<AccountsReply(const HttpResponse&)>&);
template TransactionsPage SbankenSource::withToken<TransactionsPage>(
    const std::function<HttpRequest(const std::string&)>&,
    const std::function<TransactionsPage(const HttpResponse&)>&);

AccountsReply SbankenSource::callApi(ReplyShape shape, const std::string& accountId)
{
    return withToken<AccountsReply>(
        [&](const std::string& token) {
            return shape == ReplyShape::List ? accountListRequest(endpoint_, token)
                                             : accountRequest(endpoint_, token, accountId);
        },
        [&](const HttpResponse& response) {
            AccountsReply reply = parseAccountsReply(response, shape, replyContext());
            rememberAccounts(reply.accounts);
            return reply;
        });
}

std::optional<FetchResult> SbankenSource::ensureToken()
{
    if (!token_.needsRefresh(clock_.monotonicNow()))
        return std::nullopt;
    const TokenReply reply =
        parseTokenReply(send(tokenRequest(endpoint_, clientId_, clientSecret_)), replyContext());
    if (!reply.ok()) {
        forgetToken();
        return reply.outcome;
    }
    token_.set(reply.accessToken, reply.expiresIn, clock_.monotonicNow());
    token_.save(state_, kTokenStateKey, clock_, tokenBinding_);
    log_.debug("obtained an access token valid for " + std::to_string(reply.expiresIn.count()) +
               " s");
    return std::nullopt;
}

void SbankenSource::forgetToken()
{
    token_.invalidate();
    state_.erase(kTokenStateKey);
}

void SbankenSource::forgetSelection()
{
    selectedIds_.clear();
    state_.erase(kSelectionStateKey);
}

HttpResponse SbankenSource::send(const HttpRequest& request)
{
    HttpResponse response = http_.send(request);
    const std::string outcome = response.transportError == TransportError::None
                                    ? std::to_string(response.status)
                                    : "no answer";
    log_.debug(request.method + " " + pathOf(request.url) + " -> " + outcome);
    return response;
}

void SbankenSource::rememberAccounts(const std::vector<BankAccount>& accounts)
{
    for (const auto& account : accounts) {
        if (knownNumbers_.size() < kMaxKnownNumbers &&
            std::find(knownNumbers_.begin(), knownNumbers_.end(), account.accountNumber) ==
                knownNumbers_.end())
            knownNumbers_.push_back(account.accountNumber);
        if (idsByFingerprint_.size() < kMaxKnownNumbers ||
            idsByFingerprint_.count(account.account.fingerprint))
            idsByFingerprint_[account.account.fingerprint] = account.accountId;
    }
}

// The login's own account numbers and its customer id may turn up in a transfer's text.
std::vector<std::string> SbankenSource::hiddenNumbers() const
{
    std::vector<std::string> numbers = knownNumbers_;
    numbers.push_back(endpoint_.customerId);
    return numbers;
}

// A bank that quotes the request in its error text would otherwise put the token, the secret
// or the customer id on the status topic.
ReplyContext SbankenSource::replyContext() const
{
    ReplyContext context{endpoint_.timeout, clock_.wallNow(), {}, endpoint_.customerId};
    const std::string basic = basicAuthorization(clientId_, clientSecret_);
    context.secrets = {token_.accessToken(), clientSecret_, formUrlEncode(clientSecret_), basic,
                       basic.substr(6),  // the base64 credentials after "Basic "
                       endpoint_.customerId};
    context.secrets.insert(context.secrets.end(), knownNumbers_.begin(), knownNumbers_.end());
    return context;
}

}  // namespace bank2mqtt::sbanken
