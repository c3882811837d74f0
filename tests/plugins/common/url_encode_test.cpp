// SPDX-License-Identifier: MIT
// Tests of the RFC 3986 percent-encoder used for OAuth2 client credentials.
#include "url_encode.h"

#include <gtest/gtest.h>

namespace bank2mqtt {
namespace {

TEST(FormUrlEncode, LeavesUnreservedCharactersAlone)
{
    EXPECT_EQ(formUrlEncode("AZaz09-._~"), "AZaz09-._~");
    EXPECT_EQ(formUrlEncode("demo-client"), "demo-client");
    EXPECT_EQ(formUrlEncode(""), "");
}

TEST(FormUrlEncode, EncodesEveryReservedCharacterOfTheSecret)
{
    EXPECT_EQ(formUrlEncode("Hemmelig+Passord/2026?=&%"), "Hemmelig%2BPassord%2F2026%3F%3D%26%25");
}

TEST(FormUrlEncode, EncodesSpacesControlAndUtf8BytesInUpperCaseHex)
{
    EXPECT_EQ(formUrlEncode("a b"), "a%20b");
    EXPECT_EQ(formUrlEncode(":@!$'()*,;#[]"), "%3A%40%21%24%27%28%29%2A%2C%3B%23%5B%5D");
    EXPECT_EQ(formUrlEncode("\n\x7f"), "%0A%7F");
    EXPECT_EQ(formUrlEncode("\xc3\xb8"), "%C3%B8");  // "ø"
    EXPECT_EQ(formUrlEncode(std::string_view("\0", 1)), "%00");
}

}  // namespace
}  // namespace bank2mqtt
