// SPDX-License-Identifier: MIT
// isLoopbackHost(): the rule that lets http:// and insecure TLS reach only this machine.
#include "loopback.h"

#include <gtest/gtest.h>

namespace bank2mqtt {
namespace {

TEST(LoopbackHost, AcceptsLocalhostAndLoopbackLiterals)
{
    for (const char* host : {"localhost", "127.0.0.1", "127.255.3.4", "::1", "[::1]",
                             "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
        EXPECT_TRUE(isLoopbackHost(host)) << host;
}

TEST(LoopbackHost, RefusesNamesThatOnlyLookLocal)
{
    for (const char* host : {"", "127.evil.example", "127.0.0.1.example", "localhost.example",
                             "LOCALHOST.", "127.1", "0x7f.0.0.1", "128.0.0.1", "10.0.0.1", "::",
                             "::2", "[::1", "::ffff:10.0.0.1", "api.sbanken.no", "[127.0.0.1]"})
        EXPECT_FALSE(isLoopbackHost(host)) << host;
}

}  // namespace
}  // namespace bank2mqtt
