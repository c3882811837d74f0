// SPDX-License-Identifier: MIT
// The simulator's plain-HTTP control port: counters, faults, token expiry, dataset changes.
//
//   GET  /counters        {"token_requests":n,"tokens_issued":n,"account_requests":n,
//                          "tls_connections":n,"tls_handshakes":n,"tls_resumed":n,
//                          "transaction_requests":n}
//   POST /reset-counters
//   GET  /fault           the active fault
//   POST /fault?mode=none|503|401|429|html|truncated|slow|iserror|empty|invalid_client
//              [&target=api|token][&count=N][&delay_ms=D]
//   POST /expire-tokens
//   POST /balance?account=<number|name|id>&balance=<decimal>[&available=<decimal>]
//   POST /rename?account=<number|name|id>&name=<text>
//   GET  /accounts        {"accounts":[<account objects as the API writes them>]}
//   POST /transaction?account=<number|name|id>&amount=<decimal, signed>&text=<text>
//              [&date=YYYY-MM-DD][&pending=1][&other_account=<11 digits>][&merchant=<name>]
//                         appends an entry (default date: today, UTC; merchant: a card
//                         purchase with cardDetails.merchantName); the balance stays as it is.
//                         -> {"id":"<simulator id>"}
//   POST /book?id=<simulator id>[&date=YYYY-MM-DD][&text=<text>]
//                         the reservation disappears and a booked entry with the same amount
//                         (and the new text, when given) appears -> {"id":"<its new id>"};
//                         404 when no reservation has that id
//   GET  /transactions?account=<number|name|id>
//                         {"transactions":[<entries as the API writes them, newest first>],
//                          "ids":[<their simulator ids, same order>]}
//   GET  /tokens          {"tokens":[<every access token issued since start, oldest first>]}
// Parameters are in the query string. Replies are JSON; errors are {"error":"<message>"} with
// 400 (bad parameter), 404 (unknown path or account) or 405 (wrong method).
#pragma once

#include "sim_http.h"
#include "sim_state.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace bank2mqtt::sim {

/// Answers one control request.
SimResponse respondToControl(SimState& state, const SimRequest& request);

/// Creates the handlers of the control server; `state` must outlive the server.
class ControlRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    ControlRequestHandlerFactory(SimState& state, std::function<void(const std::string&)> log)
        : state_(state), log_(std::move(log))
    {
    }
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    SimState& state_;
    std::function<void(const std::string&)> log_;
};

}  // namespace bank2mqtt::sim
