// SPDX-License-Identifier: MIT
// Transactions in the Firefly III simulator: added over the control port, listed per account.
#include "ff_sim_transactions.h"

#include <Poco/NumberParser.h>

#include <algorithm>
#include <cctype>

namespace bank2mqtt::ffsim {
namespace {

constexpr long long kMaxLimit = 131337;

FfResponse reply(int status, std::string body, const char* type = "application/json")
{
    FfResponse r;
    r.status = status;
    r.contentType = type;
    r.body = std::move(body);
    return r;
}

FfResponse badRequest(const std::string& text)
{
    return reply(400, "{\"error\":" + jsonString(text) + "}");
}

FfResponse invalid(const std::string& field, const std::string& text)
{
    return reply(422, "{\"message\":" + jsonString(text) + ",\"errors\":{" + jsonString(field) +
                          ":[" + jsonString(text) + "]}}");
}

std::string nullable(const std::string& text)
{
    return text.empty() ? "null" : jsonString(text);
}

bool isDigits(const std::string& text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

bool isDate(const std::string& text)
{
    return text.size() == 10 && text[4] == '-' && text[7] == '-' &&
           isDigits(text.substr(0, 4) + text.substr(5, 2) + text.substr(8, 2));
}

// "49.00" -> "49.000000000000": Steam::positive leaves bcmath's 12 decimals in the list's amount.
std::string twelveDecimals(const std::string& amount)
{
    const auto dot = amount.find('.');
    const std::string whole = amount.substr(0, dot);
    const std::string fraction = dot == std::string::npos ? "" : amount.substr(dot + 1);
    if (!isDigits(whole) || (dot != std::string::npos && !isDigits(fraction)) ||
        fraction.size() > 12)
        return {};
    return whole + "." + fraction + std::string(12 - fraction.size(), '0');
}

const FfAccount* accountById(const std::vector<FfAccount>& accounts, const std::string& id)
{
    if (!isDigits(id) || id.size() > 9)
        return nullptr;
    const int wanted = std::stoi(id);
    const auto it = std::find_if(accounts.begin(), accounts.end(),
                                 [&](const FfAccount& a) { return a.id == wanted; });
    return it == accounts.end() ? nullptr : &*it;
}

std::string accountTypeName(const std::string& type)
{
    if (type == "asset")
        return "Asset account";
    if (type == "expense")
        return "Expense account";
    if (type == "revenue")
        return "Revenue account";
    return "Cash account";
}

std::string splitJson(const FfSplit& s)
{
    return "{\"user\":\"1\",\"transaction_journal_id\":\"" + std::to_string(s.journalId) +
           "\",\"type\":" + jsonString(s.type) + ",\"date\":" + jsonString(s.date) +
           ",\"order\":0,\"object_has_currency_setting\":true,\"currency_id\":\"1\","
           "\"currency_code\":" +
           jsonString(s.currency) + ",\"currency_name\":" + jsonString(s.currency) +
           ",\"currency_symbol\":" + jsonString(s.currency) +
           ",\"currency_decimal_places\":" + std::to_string(s.places) +
           ",\"foreign_currency_id\":null,\"foreign_currency_code\":null,"
           "\"foreign_currency_decimal_places\":null,\"primary_currency_code\":\"NOK\","
           "\"amount\":" +
           jsonString(s.amount) +
           ",\"pc_amount\":null,\"foreign_amount\":null,\"pc_foreign_amount\":null,"
           "\"description\":" +
           jsonString(s.description) + ",\"source_id\":\"" + std::to_string(s.sourceId) +
           "\",\"source_name\":" + jsonString(s.sourceName) +
           ",\"source_iban\":" + nullable(s.sourceIban) +
           ",\"source_type\":" + jsonString(s.sourceType) + ",\"destination_id\":\"" +
           std::to_string(s.destinationId) +
           "\",\"destination_name\":" + jsonString(s.destinationName) +
           ",\"destination_iban\":" + nullable(s.destinationIban) +
           ",\"destination_type\":" + jsonString(s.destinationType) +
           ",\"budget_id\":null,\"budget_name\":null,\"category_id\":null,\"category_name\":null,"
           "\"reconciled\":false,\"notes\":null,\"tags\":[],\"internal_reference\":null,"
           "\"external_id\":null}";
}

std::string groupJson(const FfGroup& g, const std::string& base)
{
    std::string splits;
    for (const auto& split : g.splits)
        splits += (splits.empty() ? "" : ",") + splitJson(split);
    const std::string id = std::to_string(g.id);
    return "{\"type\":\"transactions\",\"id\":\"" + id +
           "\",\"attributes\":{\"created_at\":\"2026-12-02T10:00:00+01:00\",\"updated_at\":"
           "\"2026-12-02T10:00:00+01:00\",\"user\":\"1\",\"user_group\":\"1\","
           "\"group_title\":null,\"transactions\":[" +
           splits + "]},\"links\":{\"0\":{\"rel\":\"self\",\"uri\":\"/transactions/" + id +
           "\"},\"self\":" + jsonString(base + "/api/v1/transactions/" + id) + "}}";
}

bool touches(const FfGroup& g, int accountId)
{
    return std::any_of(g.splits.begin(), g.splits.end(), [&](const FfSplit& s) {
        return s.sourceId == accountId || s.destinationId == accountId;
    });
}

}  // namespace

FfResponse FfTransactionBook::add(const std::map<std::string, std::string>& query,
                                  const std::vector<FfAccount>& accounts)
{
    const auto get = [&](const char* key) {
        const auto it = query.find(key);
        return it == query.end() ? std::string() : it->second;
    };
    FfSplit s;
    s.type = get("type");
    if (s.type != "withdrawal" && s.type != "deposit" && s.type != "transfer")
        return badRequest("type must be withdrawal, deposit or transfer");
    s.amount = twelveDecimals(get("amount"));
    if (s.amount.empty())
        return badRequest("amount must be a positive decimal with at most 12 decimals");
    const std::string date = get("date").empty() ? "2026-12-02" : get("date");
    if (!isDate(date.substr(0, 10)))
        return badRequest("date must be YYYY-MM-DD or an ATOM time");
    s.date = date.size() == 10 ? date + "T00:00:00+01:00" : date;
    s.description = get("description").empty() ? "Transaction" : get("description");

    // A side is an account of the dataset by id, or else a counterpart named freely (an
    // expense account for a withdrawal's destination, a revenue account for a deposit's source).
    const FfAccount* source = accountById(accounts, get("source"));
    const FfAccount* destination = accountById(accounts, get("destination"));
    const FfAccount* own = s.type == "deposit" ? destination : source;
    if (!own || own->type != "asset")
        return badRequest(std::string(s.type == "deposit" ? "destination" : "source") +
                          " must be the id of an asset account");
    if (s.type == "transfer" && (!destination || destination->type != "asset"))
        return badRequest("a transfer's destination must be the id of an asset account");
    const auto side = [&](const FfAccount* account, const std::string& named, const char* type,
                          int& id, std::string& name, std::string& iban, std::string& kind) {
        if (account) {
            id = account->id;
            name = account->name;
            iban = account->iban;
            kind = accountTypeName(account->type);
        } else {
            id = nextCounterpartId_++;
            name = named.empty() ? "Counterpart" : named;
            kind = type;
        }
    };
    side(source, get("source"), "Revenue account", s.sourceId, s.sourceName, s.sourceIban,
         s.sourceType);
    side(destination, get("destination"), "Expense account", s.destinationId, s.destinationName,
         s.destinationIban, s.destinationType);
    if (!get("source_iban").empty())
        s.sourceIban = get("source_iban");
    if (!get("destination_iban").empty())
        s.destinationIban = get("destination_iban");
    s.currency = get("currency").empty() ? own->currency : get("currency");
    s.places = own->places;
    s.journalId = nextJournalId_++;

    FfGroup* group = nullptr;
    if (!get("group").empty()) {
        const auto it = std::find_if(groups_.begin(), groups_.end(), [&](const FfGroup& g) {
            return std::to_string(g.id) == get("group");
        });
        if (it == groups_.end())
            return badRequest("no group " + get("group"));
        group = &*it;
    } else {
        groups_.push_back({nextGroupId_++, {}});
        group = &groups_.back();
    }
    group->splits.push_back(s);
    return reply(200, "{\"ok\":true,\"group_id\":\"" + std::to_string(group->id) +
                          "\",\"transaction_journal_id\":\"" + std::to_string(s.journalId) + "\"}");
}

FfResponse FfTransactionBook::list(int accountId, const std::map<std::string, std::string>& query,
                                   const std::vector<FfAccount>& accounts, const std::string& base,
                                   int defaultPageSize) const
{
    const auto get = [&](const char* key) {
        const auto it = query.find(key);
        return it == query.end() ? std::string() : it->second;
    };
    if (!accountById(accounts, std::to_string(accountId)))
        return reply(404, "{\"message\":\"Resource not found\",\"exception\":"
                          "\"NotFoundHttpException\"}");
    // DateRangeRequest: start and end together, each a date, start before end.
    const std::string start = get("start");
    const std::string end = get("end");
    if (start.empty() != end.empty())
        return invalid(start.empty() ? "start" : "end",
                       "The start field is required when end is present.");
    if (!start.empty() && (!isDate(start) || !isDate(end) || start >= end))
        return invalid("start", "The start field must be a date before end.");
    Poco::Int64 limit = defaultPageSize;
    Poco::Int64 page = 1;
    if (!get("limit").empty() &&
        (!Poco::NumberParser::tryParse64(get("limit"), limit) || limit < 1 || limit > kMaxLimit))
        return invalid("limit", "The limit may not be greater than 131337.");
    if (!get("page").empty() && (!Poco::NumberParser::tryParse64(get("page"), page) || page < 1))
        return invalid("page", "The page must be at least 1.");
    if (pageCap_ > 0)
        limit = std::min<Poco::Int64>(limit, pageCap_);

    std::vector<const FfGroup*> listed;
    for (const auto& group : groups_) {
        const std::string day = group.splits.front().date.substr(0, 10);
        if (touches(group, accountId) && (start.empty() || (day >= start && day <= end)))
            listed.push_back(&group);
    }
    // GroupCollector orders newest first.
    std::stable_sort(listed.begin(), listed.end(), [](const FfGroup* a, const FfGroup* b) {
        const std::string& da = a->splits.front().date;
        const std::string& db = b->splits.front().date;
        return da != db ? da > db : a->id > b->id;
    });
    const long long total = static_cast<long long>(listed.size());
    const long long pages = std::max<long long>(1, (total + limit - 1) / limit);
    const long long first = (page - 1) * limit;
    std::string data;
    for (long long i = first; i < std::min(total, first + limit); ++i)
        data += (data.empty() ? "" : ",") + groupJson(*listed[static_cast<std::size_t>(i)], base);
    const long long count = std::max<long long>(0, std::min(total, first + limit) - first);
    return reply(
        200,
        "{\"data\":[" + data + "],\"meta\":{\"pagination\":{\"total\":" + std::to_string(total) +
            ",\"count\":" + std::to_string(count) + ",\"per_page\":" + std::to_string(limit) +
            ",\"current_page\":" + std::to_string(page) +
            ",\"total_pages\":" + std::to_string(pages) + "}}}",
        "application/vnd.api+json");
}

}  // namespace bank2mqtt::ffsim
