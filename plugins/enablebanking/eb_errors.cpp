// SPDX-License-Identifier: MIT
// Classification of Enable Banking replies into EbOutcome + one sentence (see eb_errors.h).
#include "eb_errors.h"

#include "bank_text.h"
#include "json_reply.h"

#include <cctype>
#include <exception>

namespace bank2mqtt::enablebanking {
namespace {

const char* callName(EbCall call)
{
    switch (call) {
    case EbCall::Application:
        return "the application check";
    case EbCall::Aspsps:
        return "the list of banks";
    case EbCall::Auth:
        return "the start of the authorization";
    case EbCall::Sessions:
        return "the creation of the session";
    case EbCall::Session:
        return "the session check";
    case EbCall::Balances:
        return "an account's balances";
    case EbCall::Details:
        return "an account's details";
    case EbCall::Transactions:
        return "an account's transactions";
    }
    return "a request";
}

bool accountCall(EbCall call)
{
    return call == EbCall::Balances || call == EbCall::Details || call == EbCall::Transactions;
}

std::string lower(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// The ErrorCode as sent when it looks like one (upper case, digits, '_'), else "": the code is
// quoted in messages, so anything else the field might hold is not.
std::string safeCode(const std::string& code)
{
    if (code.empty() || code.size() > 48)
        return {};
    for (char c : code) {
        if (!(std::isupper(static_cast<unsigned char>(c)) || c == '_' ||
              std::isdigit(static_cast<unsigned char>(c))))
            return {};
    }
    return code;
}

// "more than 7776000 seconds" in a 422 message: the bank's maximum consent validity. Read from
// the raw text because sanitizeBankMessage masks numbers this long.
std::optional<std::chrono::seconds> secondsIn(const std::string& message)
{
    const std::string text = lower(message);
    const auto unit = text.find(" second");
    if (unit == std::string::npos)
        return std::nullopt;
    std::size_t begin = unit;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(text[begin - 1])))
        --begin;
    if (begin == unit || unit - begin > 10)
        return std::nullopt;
    return std::chrono::seconds(std::stoll(text.substr(begin, unit - begin)));
}

bool isIdChar(char c)
{
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
}

// Session ids, account uids and authorization ids are UUIDs, and hashes are long hex strings;
// sanitizeBankMessage masks only long digit runs, so these are masked here: every run of 16 or
// more hex digits and '-' becomes "***".
std::string maskIds(const std::string& text)
{
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = i;
        while (end < text.size() && isIdChar(text[end]))
            ++end;
        if (end - i >= 16) {
            out += "***";
            i = end;
        } else if (end > i) {
            out.append(text, i, end - i);
            i = end;
        } else {
            out += text[i++];
        }
    }
    return out;
}

struct ErrorBody {
    std::string code;     // safeCode of `error`
    std::string message;  // raw `message` (never quoted raw: see sanitized)
    std::string sanitized;
};

ErrorBody readErrorBody(const HttpResponse& r, const std::vector<std::string>& secrets)
{
    ErrorBody body;
    if (isHtmlReply(r))
        return body;
    const JsonObjectParse parsed = parseJsonObject(r.body);
    if (!parsed.ok())
        return body;
    body.code = safeCode(stringMember(parsed.object, "error").value_or(""));
    body.message = stringMember(parsed.object, "message").value_or("");
    const auto clean = [&](const std::string& text) {
        return maskIds(sanitizeBankMessage(redactSecrets(text, secrets)));
    };
    body.sanitized = clean(body.message);
    if (body.sanitized.empty())
        body.sanitized = clean(stringMember(parsed.object, "detail").value_or(""));
    return body;
}

EbStatus make(EbOutcome outcome, std::string message, const std::string& code)
{
    EbStatus s;
    s.outcome = outcome;
    s.message = std::move(message);
    s.errorCode = code;
    return s;
}

std::string withText(std::string sentence, const ErrorBody& body)
{
    return body.sanitized.empty() ? sentence : sentence + ": " + body.sanitized;
}

std::string quoted(const std::string& status, const ErrorBody& body)
{
    return body.code.empty() ? status : status + ", " + body.code;
}

EbStatus classifyError(const HttpResponse& r, EbCall call, const ReplyContext& c)
{
    const ErrorBody body = readErrorBody(r, c.secrets);
    const std::string& code = body.code;
    const std::string status = httpStatusText(r.status, r.reason);
    const std::string what = callName(call);
    const std::string tag = "(" + quoted(status, body) + ")";

    if (code == "ASPSP_RATE_LIMIT_EXCEEDED" || r.status == 429) {
        EbStatus s = make(EbOutcome::RateLimited,
                          "the bank's daily limit of unattended reads is used up " + tag +
                              "; the last values are kept until it frees",
                          code);
        if (const auto header = r.header("Retry-After"))
            s.retryAfter = parseRetryAfter(*header, c.now);
        return s;
    }
    if (code == "EXPIRED_SESSION" || code == "CLOSED_SESSION" || code == "REVOKED_SESSION" ||
        code == "SESSION_DOES_NOT_EXIST" || code == "NO_ACCOUNTS_ADDED")
        return make(EbOutcome::ConsentNeeded,
                    "the bank consent has ended or was withdrawn " + tag +
                        "; renew it with bank2mqtt --authorize",
                    code);
    if (code == "ASPSP_PSU_ACTION_REQUIRED")
        return make(EbOutcome::ConsentNeeded,
                    "the bank wants the account holder to act " + tag +
                        "; renew the consent with bank2mqtt --authorize",
                    code);
    if (call == EbCall::Sessions &&
        (code == "WRONG_AUTHORIZATION_CODE" || code == "EXPIRED_AUTHORIZATION_CODE" ||
         code == "ALREADY_AUTHORIZED"))
        return make(EbOutcome::ConsentNeeded,
                    "the authorization code was refused " + tag +
                        ": a code works once and only for a few minutes; start the "
                        "authorization again and paste the new redirect URL",
                    code);
    if (r.status == 403 && lower(body.message).find("not active") != std::string::npos)
        return make(EbOutcome::AppInactive,
                    "Enable Banking says the application is not active: link your accounts in "
                    "Enable Banking's control panel (Activate by linking accounts)",
                    code);
    if (call == EbCall::Auth && r.status == 422 &&
        lower(body.message).find("consent validity") != std::string::npos) {
        EbStatus s = make(EbOutcome::ConsentValidityTooLong,
                          "the bank does not allow a consent this long " + tag, code);
        s.bankMaximum = secondsIn(body.message);
        return s;
    }
    if (code == "PSU_HEADER_NOT_PROVIDED" || code == "PSU_HEADER_INVALID")
        return make(EbOutcome::AccountError,
                    "the bank refuses unattended reads of this account " + tag +
                        ": it answers only while the account holder is present",
                    code);
    // The transaction listing's own refusals (OpenAPI ErrorCode): a period or a page key the
    // bank will not take is that account's problem, not the consent's.
    if (call == EbCall::Transactions &&
        (code == "WRONG_TRANSACTIONS_PERIOD" || code == "WRONG_CONTINUATION_KEY" ||
         code == "DATE_FROM_IN_FUTURE" || code == "WRONG_DATE_INTERVAL"))
        return make(
            EbOutcome::AccountError,
            withText("the bank refused the transaction listing of this account " + tag, body),
            code);
    if (accountCall(call) && code == "WRONG_REQUEST_PARAMETERS")
        return make(EbOutcome::AccountError,
                    withText("Enable Banking refused the request for this account " + tag, body),
                    code);
    if (accountCall(call) && (code == "ASPSP_ERROR" || code == "ASPSP_ACCOUNT_NOT_ACCESSIBLE" ||
                              code == "ACCOUNT_DOES_NOT_EXIST" || code == "INVALID_ACCOUNT_ID"))
        return make(EbOutcome::AccountError,
                    withText("the bank could not give " + what + " " + tag, body), code);
    if (code == "REDIRECT_URI_NOT_ALLOWED")
        return make(EbOutcome::Refused,
                    "redirect_url is not one of the application's registered redirect URLs " + tag,
                    code);
    if (code == "WRONG_ASPSP_PROVIDED")
        return make(EbOutcome::Refused,
                    "Enable Banking does not know this bank in this country " + tag +
                        "; check bank and country",
                    code);
    if (code == "UNAUTHORIZED_IP")
        return make(EbOutcome::Refused,
                    "Enable Banking refused this computer's IP address " + tag +
                        "; check the application's settings in the control panel",
                    code);
    if (r.status == 401)
        return make(EbOutcome::KeyRejected,
                    "Enable Banking refused the signed request " + tag +
                        "; check application_id and that key_file is that application's "
                        "private key",
                    code);
    if (r.status == 403)
        return make(EbOutcome::Refused,
                    withText("Enable Banking refused " + what + " " + tag, body), code);
    return make(EbOutcome::Temporary,
                withText("Enable Banking answered " + what + " with " + quoted(status, body), body),
                code);
}

}  // namespace

const char* toString(EbOutcome outcome) noexcept
{
    switch (outcome) {
    case EbOutcome::Ok:
        return "ok";
    case EbOutcome::ConsentNeeded:
        return "consent_needed";
    case EbOutcome::AppInactive:
        return "app_inactive";
    case EbOutcome::KeyRejected:
        return "key_rejected";
    case EbOutcome::RateLimited:
        return "rate_limited";
    case EbOutcome::AccountError:
        return "account_error";
    case EbOutcome::Temporary:
        return "temporary";
    case EbOutcome::ConsentValidityTooLong:
        return "consent_validity_too_long";
    case EbOutcome::Refused:
        return "refused";
    }
    return "unknown";
}

FetchStatus toFetchStatus(EbOutcome outcome) noexcept
{
    switch (outcome) {
    case EbOutcome::Ok:
        return FetchStatus::Ok;
    case EbOutcome::ConsentNeeded:
    case EbOutcome::AppInactive:
    case EbOutcome::KeyRejected:
        return FetchStatus::AuthRequired;
    case EbOutcome::RateLimited:
        return FetchStatus::RateLimited;
    case EbOutcome::Refused:
        return FetchStatus::ConfigError;
    case EbOutcome::AccountError:
    case EbOutcome::Temporary:
    case EbOutcome::ConsentValidityTooLong:
        break;
    }
    return FetchStatus::Temporary;
}

FetchResult EbStatus::toFetchResult() const
{
    if (ok())
        return FetchResult::ok({});
    return FetchResult::failure(toFetchStatus(outcome), message, retryAfter);
}

EbStatus unusableReply(EbCall call, const std::string& why)
{
    return make(EbOutcome::Temporary,
                std::string("Enable Banking sent an unusable answer to ") + callName(call) + ": " +
                    why,
                {});
}

EbStatus classifyReply(const HttpResponse& r, EbCall call, const ReplyContext& c)
{
    if (r.transportError != TransportError::None) {
        std::string text = describeTransportError(r, c.timeout);
        // describeTransportError speaks of "the bank"; here the server is Enable Banking's.
        if (text.rfind("the bank", 0) == 0)
            text.replace(0, 8, "Enable Banking");
        return make(EbOutcome::Temporary, text, {});
    }
    if (r.status < 200 || r.status > 299) {
        try {
            return classifyError(r, call, c);
        } catch (const std::exception&) {
            return make(EbOutcome::Temporary,
                        "Enable Banking answered " + httpStatusText(r.status, r.reason), {});
        }
    }
    if (isHtmlReply(r))
        return unusableReply(call, "an HTML page instead of JSON");
    return make(EbOutcome::Ok, {}, {});
}

}  // namespace bank2mqtt::enablebanking
