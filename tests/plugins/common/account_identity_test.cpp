// SPDX-License-Identifier: MIT
// Tests of account fingerprints and masked account numbers.
#include "account_identity.h"

#include <gtest/gtest.h>

namespace bank2mqtt {
namespace {

TEST(AccountFingerprint, IsTheTruncatedSha256OfBankAndDigits)
{
    // printf 'sbanken:97104133219' | sha256sum | cut -c1-32
    EXPECT_EQ(accountFingerprint("sbanken", "97104133219"), "49337dd68cd34742d2add1727f41d5f2");
    EXPECT_EQ(accountFingerprint("sbanken", "9710.41.33219"),
              accountFingerprint("sbanken", "97104133219"));
    EXPECT_NE(accountFingerprint("sbanken", "97104133219"),
              accountFingerprint("other", "97104133219"));
    EXPECT_EQ(accountFingerprint("sbanken", "97104133219").size(), 32u);
}

TEST(DigestHex, GivesThirtyTwoLowerCaseHexCharacters)
{
    // printf '' | sha256sum
    EXPECT_EQ(digestHex(""), "e3b0c44298fc1c149afbf4c8996fb924");
}

TEST(MaskAccountNumber, KeepsOnlyTheLastFourDigits)
{
    EXPECT_EQ(maskAccountNumber("97104133219"), "*******3219");
    EXPECT_EQ(maskAccountNumber("9710.41.33219"), "*******3219");
    EXPECT_EQ(maskAccountNumber("9710 41 33219"), "*******3219");
    EXPECT_EQ(maskAccountNumber("12345"), "*2345");
    EXPECT_EQ(maskAccountNumber("1234"), "1234");
    EXPECT_EQ(maskAccountNumber("abc"), "");
}

TEST(DigitsOnly, DropsEverythingButDigits)
{
    EXPECT_EQ(digitsOnly("NO93 8601 1117 947"), "9386011117947");
}

}  // namespace
}  // namespace bank2mqtt
