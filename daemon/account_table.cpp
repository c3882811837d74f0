// SPDX-License-Identifier: MIT
// formatAccountTable: a plain-text table with UTF-8-aware column widths.
#include "account_table.h"

#include "money.h"
#include "payloads.h"

#include <algorithm>
#include <array>

namespace bank2mqtt {
namespace {

// Display width of UTF-8 text: count code points, not bytes ("Høyrentekonto" is 13 wide).
std::size_t width(const std::string& s)
{
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w, bool right)
{
    const std::string fill(w > width(s) ? w - width(s) : 0, ' ');
    return right ? fill + s : s + fill;
}

}  // namespace

std::string formatAccountTable(const std::vector<Account>& accounts)
{
    constexpr std::size_t kColumns = 7;
    const std::array<bool, kColumns> rightAligned{false, false, false, false, true, true, false};
    std::vector<std::array<std::string, kColumns>> rows;
    rows.push_back({"KEY", "NAME", "NUMBER", "TYPE", "BALANCE", "AVAILABLE", "CURRENCY"});
    std::vector<std::string> used;
    for (const auto& a : accounts) {
        const std::string key = uniqueKey(slugify(a.name), used);
        rows.push_back({key, a.name, a.maskedNumber, a.type, formatMoney(a.balance),
                        formatMoney(a.available), a.balance.currency});
    }
    std::array<std::size_t, kColumns> widths{};
    for (const auto& row : rows)
        for (std::size_t c = 0; c < kColumns; ++c)
            widths[c] = std::max(widths[c], width(row[c]));
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < kColumns; ++c)
            line += (c ? "  " : "") + pad(row[c], widths[c], rightAligned[c]);
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + "\n";
    }
    return out;
}

}  // namespace bank2mqtt
