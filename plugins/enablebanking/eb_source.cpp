// SPDX-License-Identifier: MIT
// EnableBankingSource: configuration checks, the stored consent, and one balances call per account.
#include "eb_source.h"

#include "account_identity.h"
#include "bank_text.h"
#include "loopback.h"

#include <Poco/NumberParser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <exception>

namespace bank2mqtt::enablebanking {
namespace {

std::string trim(const std::string& text)
{
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

// "" when `url` may be used for `key`; otherwise what is wrong and how to fix it.
std::string checkUrl(const std::string& key, const std::string& url, bool anyHttps)
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
    if (!anyHttps && !uri.getScheme().empty())
        return {};  // a redirect URL is the application's business, as registered
    return key + " must start with https:// (plain http:// is allowed only for 127.0.0.1, ::1 " +
           "and localhost)";
}

FetchResult internalError()
{
    return FetchResult::failure(FetchStatus::Temporary,
                                "the enablebanking plugin hit an unexpected internal error");
}

std::string dateOf(std::chrono::system_clock::time_point at)
{
    return formatRfc3339(at).substr(0, 10);
}

}  // namespace

EnableBankingSource::EnableBankingSource(const Services& services)
    : clock_(services.clock), http_(services.http), state_(services.state), log_(services.log)
{
}

std::vector<ConfigKey> EnableBankingSource::configKeys() const noexcept
{
    using Kind = ConfigKey::Kind;
    return {
        {"application_id", Kind::Text, true, "",
         "the application's id from Enable Banking's control panel (a UUID)"},
        {"key_file", Kind::SecretFile, true, "",
         "file holding the application's RSA private key (PEM), saved when it was registered"},
        {"country", Kind::Text, true, "", "the bank's country, two letters (e.g. NO)"},
        {"bank", Kind::Text, false, "",
         "the bank's name as Enable Banking lists it; unset: chosen during --authorize"},
        {"redirect_url", Kind::Text, true, "",
         "one of the application's redirect URLs, exactly as registered"},
        {"psu_type", Kind::Text, false, "personal", "personal or business"},
        {"balance_types", Kind::Text, false, "",
         "ISO 20022 balance types for the balance, first found wins (default CLBD, ITBD, XPCD, "
         "OPBD)"},
        {"available_types", Kind::Text, false, "",
         "ISO 20022 balance types for the available amount (default ITAV, CLAV, XPCD, ITBD, "
         "CLBD)"},
        {"daily_limit", Kind::Text, false, std::to_string(kDefaultDailyLimit),
         "unattended polls the bank allows per 24 h (PSD2: 4)"},
        {"api_url", Kind::Text, false, kDefaultApiUrl, "Enable Banking's API (https://)"},
    };
}

void* EnableBankingSource::capability(const std::string& name, std::uint32_t version) noexcept
{
    if (name == Authorization::kName && version == Authorization::kVersion)
        return static_cast<Authorization*>(this);
    if (name == ConsentInfo::kName && version == ConsentInfo::kVersion)
        return static_cast<ConsentInfo*>(this);
    if (name == CallLimit::kName && version == CallLimit::kVersion)
        return static_cast<CallLimit*>(this);
    if (name == TransactionFeed::kName && version == TransactionFeed::kVersion)
        return static_cast<TransactionFeed*>(this);
    return nullptr;
}

ConfigResult EnableBankingSource::configure(const SourceConfig& config) noexcept
{
    try {
        configured_ = false;
        stage_ = Stage::Idle;
        const ConfigResult result = applyConfig(config);
        configured_ = result.ok();
        return result;
    } catch (const std::exception&) {
        return {"", "the enablebanking plugin could not read its configuration"};
    }
}

ConfigResult EnableBankingSource::applyConfig(const SourceConfig& config)
{
    auto value = [&](const char* key) {
        const auto it = config.values.find(key);
        return it == config.values.end() ? std::string() : trim(it->second);
    };
    const std::string applicationId = value("application_id");
    if (applicationId.empty())
        return {"application_id",
                "application_id is empty; set it to the application's id from Enable Banking's "
                "control panel"};
    // The host hands the file's content under "key" (SecretFile "key_file").
    const auto key = config.values.find("key");
    // The host read the file; its path is in the host's part of the message (file, line, key).
    const std::string origin = "\x01";
    const JwtSignerLoad signer = JwtSigner::fromPem(
        key == config.values.end() ? std::string_view() : std::string_view(key->second), origin,
        applicationId);
    if (!signer.ok()) {
        std::string error = signer.error;
        if (const auto at = error.find(" (key_file " + origin + ")"); at != std::string::npos)
            error.replace(at, origin.size() + 12, " in key_file");
        return {"key_file", error + "; key_file must name the application's unencrypted RSA "
                                    "private key (PEM)"};
    }
    std::string country = value("country");
    for (char& c : country)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (country.size() != 2 || !std::isalpha(static_cast<unsigned char>(country[0])) ||
        !std::isalpha(static_cast<unsigned char>(country[1])))
        return {"country", "country must be the bank's country as two letters, e.g. NO"};
    const std::string redirectUrl = value("redirect_url");
    if (redirectUrl.empty())
        return {"redirect_url", "redirect_url is empty; set it to one of the application's "
                                "redirect URLs, exactly as registered"};
    if (std::string problem = checkUrl("redirect_url", redirectUrl, false); !problem.empty())
        return {"redirect_url", problem};
    std::string psuType = value("psu_type");
    if (psuType.empty())
        psuType = "personal";
    if (psuType != "personal" && psuType != "business")
        return {"psu_type", "psu_type must be personal or business"};
    BalancePreference preference;
    for (const auto& [name, list] :
         {std::pair<const char*, std::vector<std::string>*>{"balance_types", &preference.booked},
          {"available_types", &preference.available}}) {
        if (const std::string text = value(name); !text.empty()) {
            std::string error;
            auto types = parseBalanceTypes(text, error);
            if (!types)
                return {name, name + std::string(": ") + error};
            *list = std::move(*types);
        }
    }
    std::uint32_t dailyLimit = kDefaultDailyLimit;
    if (const std::string text = value("daily_limit"); !text.empty()) {
        unsigned parsed = 0;
        if (!Poco::NumberParser::tryParseUnsigned(text, parsed) || parsed > 1000)
            return {"daily_limit", "daily_limit must be a whole number of polls per day "
                                   "(0 = no limit), at most 1000"};
        dailyLimit = parsed;
    }
    Endpoint endpoint;
    endpoint.apiUrl = value("api_url");
    if (endpoint.apiUrl.empty())
        endpoint.apiUrl = kDefaultApiUrl;
    while (endpoint.apiUrl.size() > 1 && endpoint.apiUrl.back() == '/')
        endpoint.apiUrl.pop_back();
    if (std::string problem = checkUrl("api_url", endpoint.apiUrl, true); !problem.empty())
        return {"api_url", problem};
    endpoint.timeout = config.timeout;

    sourceId_ = config.sourceId;
    endpoint_ = endpoint;
    applicationId_ = applicationId;
    country_ = country;
    bank_ = value("bank");
    redirectUrl_ = redirectUrl;
    psuType_ = psuType;
    preference_ = preference;
    dailyLimit_ = dailyLimit;
    selectors_.clear();
    for (const auto& selector : config.selectors)
        selectors_.push_back(trim(selector));
    // A digest, so the state file shows neither; a session of another application or API is
    // not used (its calls would fail with a confusing 401).
    binding_ = digestHex("session\n" + endpoint_.apiUrl + "\n" + applicationId_);
    jwt_ = std::make_unique<JwtCache>(signer.signer, clock_);
    return {};
}

std::string EnableBankingSource::authorizeHint() const
{
    return "bank2mqtt --authorize=" + sourceId_;
}

std::optional<StoredSession> EnableBankingSource::loadSession(FetchResult& failure) const
{
    const std::optional<std::string> saved = state_.get(kSessionStateKey);
    std::optional<StoredSession> session = saved ? sessionFromJson(*saved) : std::nullopt;
    if (session && session->binding != binding_)
        session.reset();
    if (!session) {
        failure = FetchResult::failure(FetchStatus::AuthRequired,
                                       "not authorized yet: run " + authorizeHint());
        return std::nullopt;
    }
    if (session->validUntil && clock_.wallNow() >= *session->validUntil) {
        failure = FetchResult::failure(FetchStatus::AuthRequired,
                                       "the bank consent ended on " + dateOf(*session->validUntil) +
                                           "; renew it with " + authorizeHint());
        return std::nullopt;
    }
    return session;
}

std::optional<std::chrono::system_clock::time_point>
EnableBankingSource::consentEnd() const noexcept
{
    try {
        const std::optional<std::string> saved = state_.get(kSessionStateKey);
        const auto session = saved ? sessionFromJson(*saved) : std::nullopt;
        if (!session || session->binding != binding_)
            return std::nullopt;
        return session->validUntil;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

FetchResult EnableBankingSource::fetch() noexcept
{
    try {
        if (!configured_)
            return FetchResult::failure(FetchStatus::ConfigError, "the source is not configured");
        FetchResult failure;
        const std::optional<StoredSession> session = loadSession(failure);
        if (!session)
            return failure;
        std::vector<std::pair<int, std::size_t>> picks;
        if (selectors_.empty()) {
            for (std::size_t i = 0; i < session->accounts.size(); ++i)
                picks.emplace_back(-1, i);
        } else {
            const Selection selection = resolveSelectors(selectors_, session->accounts, country_);
            if (!selection.ok())
                return FetchResult::failure(FetchStatus::ConfigError, selection.error);
            for (std::size_t i = 0; i < selection.indexes.size(); ++i)
                picks.emplace_back(static_cast<int>(i), selection.indexes[i]);
        }
        return readBalances(*session, picks, false);
    } catch (const std::exception&) {
        return internalError();
    }
}

FetchResult EnableBankingSource::listAccounts() noexcept
{
    try {
        if (!configured_)
            return FetchResult::failure(FetchStatus::ConfigError, "the source is not configured");
        FetchResult failure;
        const std::optional<StoredSession> session = loadSession(failure);
        if (!session)
            return failure;
        log_.info("listing the accounts reads each one's balances, which spends one of the " +
                  (dailyLimit_ == 0 ? std::string("few") : std::to_string(dailyLimit_)) +
                  " unattended reads the bank allows per account a day");
        std::vector<std::pair<int, std::size_t>> picks;
        for (std::size_t i = 0; i < session->accounts.size(); ++i)
            picks.emplace_back(-1, i);
        return readBalances(*session, picks, true);
    } catch (const std::exception&) {
        return internalError();
    }
}

// One call per account. A failure that concerns the whole consent or the service (auth, rate
// limit, a 5xx or timeout) ends the poll at once: the next calls would fail the same way and
// spend the bank's daily budget. A failure of one account is that account's alone.
FetchResult EnableBankingSource::readBalances(const StoredSession& session,
                                              const std::vector<std::pair<int, std::size_t>>& picks,
                                              bool forListing)
{
    std::vector<Account> accounts;
    std::vector<FetchedAccount> fetched;
    std::vector<std::string> problems;
    for (const auto& [selector, index] : picks) {
        const StoredAccount& stored = session.accounts[index];
        std::string error;
        const std::optional<std::string> jwt = token(error);
        if (!jwt)
            return FetchResult::failure(FetchStatus::Temporary, error);
        const HttpResponse response =
            send(balancesRequest(endpoint_, *jwt, stored.uid), "the balances of an account");
        const BalancesReply reply =
            parseBalancesReply(response, preference_, replyContext(&session));
        if (reply.status.outcome == EbOutcome::AccountError) {
            problems.push_back(stored.label + ": " + reply.status.message);
            continue;
        }
        if (!reply.ok()) {
            if (reply.status.outcome == EbOutcome::KeyRejected)
                jwt_->invalidate();
            FetchResult result = reply.status.toFetchResult();
            result.message = namingSource(result.message);
            return result;
        }
        Account account;
        account.fingerprint = stored.fingerprint;
        account.selector = selector;
        account.name = stored.label;
        account.type = stored.type;
        account.maskedNumber = stored.masked;
        account.balance = reply.balance;
        account.available = reply.available;
        if (reply.balanceDate)
            account.balanceDate = reply.balanceDate->at;
        fetched.push_back({stored.uid, stored.fingerprint, stored.label, reply.balance.currency});
        accounts.push_back(std::move(account));
    }
    std::string message;
    for (const auto& problem : problems)
        message += (message.empty() ? "" : "; ") + problem;
    if (accounts.empty() && !picks.empty())
        return FetchResult::failure(FetchStatus::Temporary, message);
    if (!forListing) {
        fetched_ = std::move(fetched);
        fetchedSessionRef_ = session.sessionRef;
    }
    if (!message.empty() && forListing)
        log_.warning("left out of the list: " + message);
    FetchResult result = FetchResult::ok(std::move(accounts));
    // Ok with a message: the accounts it names could not be read this time (see the header).
    if (!forListing)
        result.message = message;
    return result;
}

std::string EnableBankingSource::namingSource(std::string message) const
{
    // The pure layer's sentences say "bank2mqtt --authorize"; the person needs the source's id.
    const std::string generic = "bank2mqtt --authorize";
    const auto at = message.find(generic);
    if (at != std::string::npos && message.compare(at, generic.size() + 1, generic + "=") != 0)
        message.replace(at, generic.size(), authorizeHint());
    return message;
}

std::optional<std::string> EnableBankingSource::token(std::string& error)
{
    std::string signingError;
    std::string jwt = jwt_->token(signingError);
    if (jwt.empty()) {
        error = "the request to Enable Banking could not be signed with key_file";
        log_.error(error + " (" + sanitizeBankMessage(signingError, 80) + ")");
        return std::nullopt;
    }
    lastJwt_ = jwt;
    return jwt;
}

HttpResponse EnableBankingSource::send(const HttpRequest& request, const std::string& what)
{
    HttpResponse response = http_.send(request);
    const std::string outcome = response.transportError == TransportError::None
                                    ? std::to_string(response.status)
                                    : "no answer";
    // The path holds session ids and uids: the log names the call instead.
    log_.debug(request.method + " " + what + " -> " + outcome);
    return response;
}

// A reply that quotes the request would otherwise put the JWT, the session id or a uid on the
// status topic.
ReplyContext EnableBankingSource::replyContext(const StoredSession* session) const
{
    ReplyContext context;
    context.timeout = endpoint_.timeout;
    context.now = clock_.wallNow();
    context.secrets.push_back(lastJwt_);
    if (session != nullptr) {
        for (const auto& account : session->accounts)
            context.secrets.push_back(account.uid);
    }
    return context;
}

}  // namespace bank2mqtt::enablebanking
