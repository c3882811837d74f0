// SPDX-License-Identifier: MIT
// Small builders of Enable Banking replies for the unit tests.
#pragma once

#include "eb_errors.h"

#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt::enablebanking::test {

inline HttpResponse reply(int status, std::string body,
                          std::vector<HttpHeader> headers = {{"Content-Type", "application/json"}})
{
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

inline HttpResponse transportFailure(TransportError error, std::string text = {})
{
    HttpResponse r;
    r.transportError = error;
    r.errorText = std::move(text);
    return r;
}

/// 2026-11-27T07:00:00Z, as FakeClock starts.
inline ReplyContext context()
{
    ReplyContext c;
    c.now = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    return c;
}

}  // namespace bank2mqtt::enablebanking::test
