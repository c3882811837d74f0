// SPDX-License-Identifier: MIT
// Payload builders: exact decimals, RFC 3339 times, hand-written JSON so no amount meets a double.
#include "payloads.h"

#include "money.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace bank2mqtt {
namespace {

std::string timeOrNull(const std::optional<std::chrono::system_clock::time_point>& t)
{
    return t ? jsonString(formatRfc3339(*t)) : "null";
}

// Fields of a budgeted source, and the notice: absent otherwise, so that the status of a source
// without either reads as it always did.
std::string callsFields(const SourceStatus& s)
{
    std::string out;
    if (s.calls)
        out += ",\"calls_limit\":" + std::to_string(s.calls->limit) +
               ",\"calls_remaining\":" + std::to_string(s.calls->remaining) +
               ",\"calls_reset\":" + timeOrNull(s.calls->resetsAt);
    if (!s.notice.empty())
        out += ",\"notice\":" + jsonString(s.notice);
    return out;
}

}  // namespace

std::string formatRfc3339(std::chrono::system_clock::time_point t)
{
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    return buffer;
}

std::string slugify(const std::string& name)
{
    static const std::pair<const char*, const char*> kLetters[] = {
        {"\xc3\xa6", "ae"}, {"\xc3\x86", "ae"}, {"\xc3\xb8", "o"}, {"\xc3\x98", "o"},
        {"\xc3\xa5", "a"},  {"\xc3\x85", "a"},  {"\xc3\xa4", "a"}, {"\xc3\x84", "a"},
        {"\xc3\xb6", "o"},  {"\xc3\x96", "o"},  {"\xc3\xbc", "u"}, {"\xc3\x9c", "u"},
        {"\xc3\x9f", "ss"}, {"\xc3\xa9", "e"},  {"\xc3\x89", "e"},
    };
    std::string out;
    bool pendingSeparator = false;
    for (std::size_t i = 0; i < name.size();) {
        std::string piece;
        for (const auto& [utf8, ascii] : kLetters) {
            const std::string u(utf8);
            if (name.compare(i, u.size(), u) == 0) {
                piece = ascii;
                i += u.size();
                break;
            }
        }
        if (piece.empty()) {
            const unsigned char c = static_cast<unsigned char>(name[i++]);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                piece = std::string(1, static_cast<char>(c));
            else if (c >= 'A' && c <= 'Z')
                piece = std::string(1, static_cast<char>(c - 'A' + 'a'));
        }
        if (piece.empty()) {
            pendingSeparator = !out.empty();
            continue;
        }
        if (pendingSeparator)
            out += '_';
        pendingSeparator = false;
        out += piece;
    }
    return out.empty() ? "account" : out.substr(0, 48);
}

std::string uniqueKey(const std::string& base, std::vector<std::string>& used)
{
    std::string key = base;
    for (int n = 2; std::find(used.begin(), used.end(), key) != used.end(); ++n)
        key = base + "_" + std::to_string(n);
    used.push_back(key);
    return key;
}

std::string jsonString(const std::string& text)
{
    std::string out = "\"";
    for (const char ch : text) {
        const unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    return out + "\"";
}

const char* toString(SourceState state)
{
    switch (state) {
    case SourceState::Starting:
        return "starting";
    case SourceState::Ok:
        return "ok";
    case SourceState::Stale:
        return "stale";
    case SourceState::AuthFailed:
        return "auth_failed";
    case SourceState::Error:
        return "error";
    case SourceState::RateLimited:
        return "rate_limited";
    case SourceState::ConsentExpiring:
        return "consent_expiring";
    }
    return "error";
}

std::string sourceStatusJson(const SourceStatus& s)
{
    return "{\"state\":" + jsonString(toString(s.state)) +
           ",\"last_success\":" + timeOrNull(s.lastSuccess) +
           ",\"last_attempt\":" + timeOrNull(s.lastAttempt) +
           ",\"error\":" + (s.error.empty() ? std::string("null") : jsonString(s.error)) +
           ",\"next_poll\":" + timeOrNull(s.nextPoll) + callsFields(s) +
           (s.hasConsent
                ? ",\"consent_end\":" + timeOrNull(s.consentEnd) +
                      ",\"consent_renewal_due\":" + (s.consentRenewalDue ? "true" : "false")
                : std::string()) +
           (s.transactionsError
                ? ",\"transactions_error\":" + (s.transactionsError->empty()
                                                    ? std::string("null")
                                                    : jsonString(*s.transactionsError))
                : std::string()) +
           "}";
}

std::string infoJson(const std::string& version, std::chrono::system_clock::time_point started,
                     const std::map<std::string, SourceStatus>& sources)
{
    std::string out = "{\"version\":" + jsonString(version) +
                      ",\"started\":" + jsonString(formatRfc3339(started)) + ",\"sources\":{";
    bool first = true;
    for (const auto& [id, s] : sources) {
        if (!first)
            out += ',';
        first = false;
        out += jsonString(id) + ":{\"state\":" + jsonString(toString(s.state)) +
               ",\"last_success\":" + timeOrNull(s.lastSuccess) +
               ",\"next_poll\":" + timeOrNull(s.nextPoll) + "}";
    }
    return out + "}}";
}

std::optional<bool> isLowBalance(const Account& account,
                                 const std::optional<std::string>& threshold)
{
    if (!threshold)
        return std::nullopt;
    // Compared at the finer of the two scales: 99.50 against a JPY balance of 99 (no decimals)
    // is 9950 against 9900, exactly.
    const int decimals = moneyDecimals(account.balance);
    const std::size_t dot = threshold->find('.');
    const int fraction =
        dot == std::string::npos ? 0 : static_cast<int>(threshold->size() - dot - 1);
    const int scale = std::max(decimals, fraction);
    const auto limit = parseDecimalToMinor(*threshold, scale);
    if (!limit)
        return std::nullopt;
    std::int64_t balance = account.balance.minor;
    for (int i = decimals; i < scale; ++i)
        if (__builtin_mul_overflow(balance, 10, &balance))
            return account.balance.minor < 0;  // far beyond any threshold of 15 digits
    return balance < *limit;
}

std::string accountJson(const Account& a, std::chrono::system_clock::time_point updated,
                        std::optional<bool> lowBalance)
{
    const std::string credit = a.creditLimit ? formatMoney(*a.creditLimit) : "null";
    return "{\"balance\":" + formatMoney(a.balance) + ",\"available\":" + formatMoney(a.available) +
           ",\"credit_limit\":" + credit + ",\"currency\":" +
           (a.balance.currency.empty() ? std::string("null") : jsonString(a.balance.currency)) +
           ",\"name\":" + jsonString(a.name) + ",\"type\":" + jsonString(a.type) +
           ",\"number\":" + jsonString(a.maskedNumber) +
           ",\"updated\":" + jsonString(formatRfc3339(updated)) +
           ",\"balance_date\":" + timeOrNull(a.balanceDate) +
           ",\"low_balance\":" + (lowBalance ? (*lowBalance ? "true" : "false") : "null") + "}";
}

}  // namespace bank2mqtt
