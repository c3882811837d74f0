// SPDX-License-Identifier: MIT
// A bank's own words made fit to show: cleaned, cut, numbers masked, known secrets redacted.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bank2mqtt {

/// Makes a bank-provided text fit for a status message: control characters become spaces,
/// runs of whitespace collapse, invalid UTF-8 and invisible code points (U+200B..U+200D,
/// U+2060, U+FEFF) are dropped, and numbers of 6 or more digits (account numbers, national ids)
/// become "***". A number is digit groups joined by one '.', '-', '/', '_', ',' or stretch of
/// whitespace, with full-width digits (U+FF10..U+FF19) counted as digits, so "9710.41.33219",
/// "9710/41/33219", "9710,41,33219", "010190 12345" and "1\u200B2345678901" are masked whole,
/// while "error 503", "retry in 30 s" and "2.5" stay readable.
/// The price is that other long numbers are masked too: dates ("2026-11-27", "01.01.2024"),
/// amounts with separators ("1 234 567"), most IPv4 addresses, and neighbouring short numbers
/// ("in 2026 42 times"). The result is cut to at most `maxChars` code points, ending in "..."
/// when cut. Returns "" for text with nothing printable.
std::string sanitizeBankMessage(std::string_view text, std::size_t maxChars = 120);

/// Secrets shorter than this are not redacted: they would wreck every text they appear in.
inline constexpr std::size_t kMinRedactedLength = 4;

/// `text` with every occurrence of each of `secrets` (tokens, the client secret, the customer
/// id, account numbers) replaced by "***", longest first. Run it on a bank's text BEFORE
/// sanitizeBankMessage, whose cut at maxChars could otherwise leave half a token to be shown.
/// Secrets shorter than kMinRedactedLength are skipped.
std::string redactSecrets(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace bank2mqtt
