// SPDX-License-Identifier: MIT
// Transactions as the simulator writes and selects them.
#include "sim_transactions.h"

#include "sim_accounts.h"
#include "sim_http.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/Timespan.h>

#include <algorithm>

namespace bank2mqtt::sim {

namespace {

constexpr int kMaxLength = 1000;

std::string dateTime(const std::string& date)
{
    return jsonString(date + "T00:00:00");
}

// The type fields are filled like real entries look; no client should depend on them, and the
// codes are not documented anywhere we found.
std::string typeFields(const SimTransaction& t)
{
    const bool card = !t.merchant.empty();
    const bool transfer = !t.otherAccount.empty();
    const std::string type = card ? "VARER" : transfer ? "OVFNETTB" : "MOBILOVERF";
    const std::string code = card ? "714" : transfer ? "200" : "561";
    const std::string text = card ? "Varekjøp" : transfer ? "Nettbank overføring" : "Overføring";
    return ",\"transactionType\":" + jsonString(type) + ",\"transactionTypeCode\":" + code +
           ",\"transactionTypeText\":" + jsonString(text);
}

std::string cardDetails(const SimTransaction& t)
{
    if (t.merchant.empty()) {
        return ",\"cardDetailsSpecified\":false";
    }
    return ",\"cardDetailsSpecified\":true,\"cardDetails\":{\"cardNumber\":\"*4821\","
           "\"currencyAmount\":" +
           formatMinorUnits(t.amount < 0 ? -t.amount : t.amount) +
           ",\"currencyRate\":1.0,\"merchantCategoryCode\":\"5411\","
           "\"merchantCategoryDescription\":\"Dagligvarer\",\"merchantCity\":\"OSLO\","
           "\"merchantName\":" +
           jsonString(t.merchant) +
           ",\"originalCurrencyCode\":\"NOK\",\"purchaseDate\":" + dateTime(t.date) +
           ",\"transactionId\":\"" + t.id + "\"}";
}

/// The date part of "2026-12-01" or "2026-12-01T00:00:00"; "" when it is not a date.
std::string datePart(const std::string& value)
{
    const std::string date = value.substr(0, 10);
    return isIsoDate(date) && (value.size() == 10 || value[10] == 'T') ? date : "";
}

bool intValue(const std::string& text, int min, int max, int& value)
{
    int parsed = 0;
    if (!Poco::NumberParser::tryParse(text, parsed) || parsed < min || parsed > max) {
        return false;
    }
    value = parsed;
    return true;
}

}  // namespace

std::string transactionJson(const SimTransaction& t)
{
    const bool other = !t.otherAccount.empty();
    return "{\"accountingDate\":" + dateTime(t.date) + ",\"interestDate\":" + dateTime(t.date) +
           (other ? ",\"otherAccountNumber\":" + jsonString(t.otherAccount) : std::string()) +
           ",\"otherAccountNumberSpecified\":" + (other ? "true" : "false") +
           ",\"amount\":" + formatMinorUnits(t.amount) + ",\"text\":" + jsonString(t.text) +
           typeFields(t) + ",\"isReservation\":" + (t.pending ? "true" : "false") +
           ",\"reservationType\":" + (t.pending ? "1" : "null") +
           ",\"source\":" + (t.pending ? "1" : "0") + cardDetails(t) +
           ",\"transactionDetailSpecified\":false}";
}

bool isIsoDate(const std::string& text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return false;
    }
    for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    const int year = std::stoi(text.substr(0, 4));
    const int month = std::stoi(text.substr(5, 2));
    const int day = std::stoi(text.substr(8, 2));
    return year >= 1900 && Poco::DateTime::isValid(year, month, day);
}

std::string todayUtc()
{
    return Poco::DateTimeFormatter::format(Poco::DateTime(), "%Y-%m-%d");
}

std::string addDays(const std::string& date, int days)
{
    Poco::DateTime moved(std::stoi(date.substr(0, 4)), std::stoi(date.substr(5, 2)),
                         std::stoi(date.substr(8, 2)));
    moved += Poco::Timespan(days, 0, 0, 0, 0);
    return Poco::DateTimeFormatter::format(moved, "%Y-%m-%d");
}

std::optional<TransactionQuery> parseTransactionQuery(const std::string& query, std::string& error)
{
    const auto fields = parseForm(query);
    if (!fields) {
        error = "malformed query string";
        return std::nullopt;
    }
    TransactionQuery result;
    std::string start;
    for (const auto& [rawName, value] : *fields) {
        std::string name = rawName;
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (name == "startdate" || name == "enddate") {
            const std::string date = datePart(value);
            if (date.empty()) {
                error = "The value '" + value + "' is not valid for " + rawName + ".";
                return std::nullopt;
            }
            if (name == "startdate") {
                start = date;
            } else {
                result.endDate = date;
            }
        } else if (name == "index" && !intValue(value, 0, 1'000'000'000, result.index)) {
            error = "index must be 0 or more";
            return std::nullopt;
        } else if (name == "length" && !intValue(value, 1, kMaxLength, result.length)) {
            error = "length must be from 1 to 1000";
            return std::nullopt;
        }
    }
    result.startDate = start.empty() ? addDays(result.endDate.value_or(todayUtc()), -30) : start;
    if (result.endDate && *result.endDate < result.startDate) {
        error = "startDate must be less than or equal to endDate";
        return std::nullopt;
    }
    return result;
}

std::vector<SimTransaction> selectTransactions(const std::vector<SimTransaction>& all,
                                               const TransactionQuery& query,
                                               std::size_t& available)
{
    std::vector<SimTransaction> selected;
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        const bool inWindow =
            it->date >= query.startDate && (!query.endDate || it->date <= *query.endDate);
        // Reservations only without endDate (stenjo/SbankenToYNAB #16, api-examples #66).
        const bool listed = it->pending ? !query.endDate : inWindow;
        if (listed) {
            selected.push_back(*it);
        }
    }
    std::stable_sort(
        selected.begin(), selected.end(),
        [](const SimTransaction& a, const SimTransaction& b) { return a.date > b.date; });
    available = selected.size();
    const std::size_t first = std::min(selected.size(), static_cast<std::size_t>(query.index));
    const std::size_t last =
        std::min(selected.size(), first + static_cast<std::size_t>(query.length));
    return {selected.begin() + static_cast<std::ptrdiff_t>(first),
            selected.begin() + static_cast<std::ptrdiff_t>(last)};
}

}  // namespace bank2mqtt::sim
