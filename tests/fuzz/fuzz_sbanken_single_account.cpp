// SPDX-License-Identifier: MIT
// Fuzz target: Sbanken's single-account reply, v1 {"item":{...}, error fields} and v2 a bare
// Account object, through parseAccountsReply (checks: sbanken_reply_checks.h).
#include "sbanken_reply_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bank2mqtt::fuzz::checkAccountsReply(bank2mqtt::fuzz::asText(data, size),
                                        bank2mqtt::sbanken::ReplyShape::Single);
    return 0;
}
