// SPDX-License-Identifier: MIT
// The HTTPS side of the simulator: Sbanken's token endpoint and account API, plus faults.
//
// Facts reproduced (see /work/shared/reference/bank-apis.md section 1):
// - POST /identityserver/connect/token, client credentials in HTTP Basic where id and secret are
//   each form-URL-encoded *before* base64 (RFC 6749 2.3.1); failure is 400 invalid_client.
// - v1 under /bank/api/v1: `customerId` header required; list and single item wrapped in an
//   envelope with errorType (an integer on the wire), isError, errorMessage, traceId.
// - v2 under /apibeta/api/v2: no customerId; list {availableItems, items}; single account bare;
//   errors as RFC 7807 problem details.
// - Path case does not matter and a trailing slash is optional; amounts are JSON numbers.
#pragma once

#include "sim_http.h"
#include "sim_options.h"
#include "sim_state.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/TCPServer.h>

namespace bank2mqtt::sim {

/// Routes one request: token endpoint, v1/v2 accounts, or 404; applies the active fault.
/// Counts token and account requests. May block for a Slow fault (until shutdown at most).
SimResponse respondToApi(SimState& state, const SimulatorOptions& options,
                         const SimRequest& request);

/// Creates the handlers of the HTTPS server; `state` and `options` must outlive the server.
class ApiRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    ApiRequestHandlerFactory(SimState& state, const SimulatorOptions& options)
        : state_(state), options_(options)
    {
    }
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    SimState& state_;
    const SimulatorOptions& options_;
};

/// Counts every accepted HTTPS connection (before its TLS handshake) and lets it through.
class TlsConnectionCounter : public Poco::Net::TCPServerConnectionFilter {
public:
    explicit TlsConnectionCounter(SimState& state) : state_(state) {}
    bool accept(const Poco::Net::StreamSocket&) override
    {
        state_.countTlsConnection();
        return true;
    }

private:
    SimState& state_;
};

}  // namespace bank2mqtt::sim
