// SPDX-License-Identifier: MIT
// The consent's dates (RFC 3339 for /auth and the replies) and the redirect URL pasted back.
#include "eb_api.h"

#include "json_reply.h"

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <exception>

namespace bank2mqtt::enablebanking {
namespace {

int digits(std::string_view text, std::size_t pos, std::size_t count, bool& ok)
{
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) {
            ok = false;
            return 0;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

}  // namespace

std::chrono::system_clock::time_point consentValidUntil(std::chrono::system_clock::time_point now,
                                                        std::chrono::seconds maximum)
{
    if (maximum <= std::chrono::seconds(0))
        maximum = kFallbackConsentValidity;
    // PSD2 consents last months; a larger number is an error, and could overflow the clock.
    maximum = std::min<std::chrono::seconds>(maximum, std::chrono::hours(24 * 3650));
    const auto margin = std::min<std::chrono::seconds>(std::chrono::hours(24), maximum / 10);
    return std::chrono::time_point_cast<std::chrono::seconds>(now) + maximum - margin;
}

std::string formatRfc3339(std::chrono::system_clock::time_point at)
{
    const std::time_t t = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::seconds>(at));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S.000000+00:00", &tm);
    return buffer;
}

std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view text)
{
    bool ok = true;
    const int year = digits(text, 0, 4, ok);
    const int month = digits(text, 5, 2, ok);
    const int day = digits(text, 8, 2, ok);
    // Years outside 1900..2200 are refused: system_clock counts nanoseconds in an int64, which
    // ends in 2262 (found by fuzzing), and no consent or balance date lies there.
    if (ok && (year < 1900 || year > 2200))
        return std::nullopt;
    if (!ok || text[4] != '-' || text[7] != '-' || month < 1 || month > 12 || day < 1 || day > 31)
        return std::nullopt;
    long seconds = daysFromCivil(year, month, day) * 86400L;
    if (text.size() == 10)
        return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
    if (text.size() < 19 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
        text[13] != ':' || text[16] != ':')
        return std::nullopt;
    const int hour = digits(text, 11, 2, ok);
    const int minute = digits(text, 14, 2, ok);
    const int second = digits(text, 17, 2, ok);
    if (!ok || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    seconds += hour * 3600L + minute * 60L + second;
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
            ++pos;  // fractions of a second: not worth keeping for a consent's end
    }
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size())
        return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
    if (pos + 6 != text.size() || (text[pos] != '+' && text[pos] != '-') || text[pos + 3] != ':')
        return std::nullopt;
    const int offset = digits(text, pos + 1, 2, ok) * 3600 + digits(text, pos + 4, 2, ok) * 60;
    if (!ok)
        return std::nullopt;
    seconds += text[pos] == '+' ? -offset : offset;
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

RedirectResult parseRedirect(std::string_view pasted, std::string_view expectedState)
{
    RedirectResult result;
    const std::size_t begin = pasted.find_first_not_of(" \t\r\n");
    const std::size_t end = pasted.find_last_not_of(" \t\r\n");
    const std::string text =
        begin == std::string_view::npos ? "" : std::string(pasted.substr(begin, end - begin + 1));
    if (text.empty()) {
        result.message = "nothing was pasted; paste the address the browser shows after the "
                         "bank's login";
        return result;
    }
    const bool looksLikeUrl = text.find('?') != std::string::npos ||
                              text.find('#') != std::string::npos ||
                              text.find("://") != std::string::npos;
    if (!looksLikeUrl) {
        // Only the code was pasted: its state cannot be checked.
        if (text.find_first_of(" &=") != std::string::npos) {
            result.message = "this is neither a redirect URL nor an authorization code";
            return result;
        }
        result.kind = RedirectResult::Kind::Code;
        result.code = text;
        return result;
    }
    std::string code;
    std::string state;
    std::string error;
    bool hasState = false;
    try {
        const Poco::URI uri(text);
        Poco::URI::QueryParameters params = uri.getQueryParameters();
        // Some flows return the parameters in the fragment instead of the query.
        if (const auto hash = text.find('#'); hash != std::string::npos) {
            const Poco::URI fragment("http://fragment.invalid/?" + text.substr(hash + 1));
            for (auto& p : fragment.getQueryParameters())
                params.push_back(p);
        }
        for (const auto& [key, value] : params) {
            if (key == "code" && code.empty())
                code = value;
            else if (key == "state" && !hasState) {
                state = value;
                hasState = true;
            } else if (key == "error" && error.empty())
                error = value;
        }
    } catch (const std::exception&) {
        result.message = "the pasted text is not a readable URL";
        return result;
    }
    if (hasState && state != expectedState) {
        result.kind = RedirectResult::Kind::StateMismatch;
        result.message = "this URL belongs to another authorization attempt (its state does not "
                         "match); paste the URL from this attempt, or start again";
        return result;
    }
    if (error == "access_denied") {
        result.kind = RedirectResult::Kind::Denied;
        result.message = "the login at the bank was refused or cancelled (access_denied); "
                         "nothing was stored";
        return result;
    }
    if (!error.empty()) {
        result.kind = RedirectResult::Kind::BankError;
        result.message = "the bank ended the login with an error (" +
                         sanitizeBankMessage(error, 40) + "); nothing was stored";
        return result;
    }
    if (code.empty()) {
        result.message = "the URL has no code; paste the address the browser shows after the "
                         "bank's login";
        return result;
    }
    result.kind = RedirectResult::Kind::Code;
    result.code = code;
    result.stateChecked = hasState;
    return result;
}

}  // namespace bank2mqtt::enablebanking
