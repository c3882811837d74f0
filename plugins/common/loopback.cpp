// SPDX-License-Identifier: MIT
// isLoopbackHost(): literal addresses are parsed with inet_pton, names other than localhost
// are never trusted.
#include "loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

namespace bank2mqtt {

bool isLoopbackHost(std::string_view host) noexcept
{
    if (host == "localhost")
        return true;
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed)  // only IPv6 literals are written in brackets
        host = host.substr(1, host.size() - 2);
    if (host.empty() || host.size() > INET6_ADDRSTRLEN)
        return false;
    const std::string text(host);
    in_addr v4{};
    // inet_pton accepts only the dotted-quad form, so "127.1" or "0x7f.0.0.1" are not loopback.
    if (!bracketed && ::inet_pton(AF_INET, text.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1)
        return false;
    if (std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0)
        return true;
    static const unsigned char mappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(v6.s6_addr, mappedPrefix, sizeof mappedPrefix) == 0 && v6.s6_addr[12] == 127;
}

}  // namespace bank2mqtt
