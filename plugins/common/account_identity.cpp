// SPDX-License-Identifier: MIT
// Account fingerprints (SHA-256 based) and masked account numbers.
#include "account_identity.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace bank2mqtt {

std::string digitsOnly(std::string_view text)
{
    std::string digits;
    for (char c : text) {
        if (c >= '0' && c <= '9')
            digits += c;
    }
    return digits;
}

std::string digestHex(std::string_view data)
{
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(data.data(), data.size());
    return Poco::DigestEngine::digestToHex(engine.digest()).substr(0, 32);
}

std::string accountFingerprint(std::string_view bank, std::string_view accountNumber)
{
    std::string input(bank);
    input += ':';
    input += digitsOnly(accountNumber);
    return digestHex(input);
}

std::string maskAccountNumber(std::string_view number)
{
    std::string masked = digitsOnly(number);
    if (masked.size() > 4)
        masked.replace(0, masked.size() - 4, masked.size() - 4, '*');
    return masked;
}

}  // namespace bank2mqtt
