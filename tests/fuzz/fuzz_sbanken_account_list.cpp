// SPDX-License-Identifier: MIT
// Fuzz target: Sbanken's account-list reply, v1 {"items":[...], error fields} and v2
// {"availableItems","items"}, through parseAccountsReply (checks: sbanken_reply_checks.h).
#include "sbanken_reply_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bank2mqtt::fuzz::checkAccountsReply(bank2mqtt::fuzz::asText(data, size),
                                        bank2mqtt::sbanken::ReplyShape::List);
    return 0;
}
