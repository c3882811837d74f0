// SPDX-License-Identifier: MIT
// The HTTPS side of the Enable Banking simulator: the API, the bank's login page, faults.
//
// Every API call needs a valid JWT (eb_sim_jwt.h; else 401 UNAUTHORIZED_ACCESS). An inactive
// application gets 403 "Application is not active" everywhere except GET /application, which
// reports active:false. Data calls count against a rolling 24 h budget per account and
// endpoint (429 ASPSP_RATE_LIMIT_EXCEEDED past it). README.md lists every reply.
#pragma once

#include "eb_sim_http.h"
#include "eb_sim_jwt.h"
#include "eb_sim_options.h"
#include "eb_sim_state.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace bank2mqtt::ebsim {

/// Routes and answers one request. `selfHost` ("127.0.0.1:<port>") names the login page when
/// the request has no Host header. May block for a Slow fault (until shutdown at most).
EbResponse respondToApi(EbSimState& state, const JwtVerifier& verifier, const EbSimOptions& options,
                        const std::string& selfHost, const EbRequest& request);

/// Creates the HTTPS server's handlers; every reference must outlive the server.
class ApiRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    ApiRequestHandlerFactory(EbSimState& state, const JwtVerifier& verifier,
                             const EbSimOptions& options, std::string selfHost)
        : state_(state), verifier_(verifier), options_(options), selfHost_(std::move(selfHost))
    {
    }
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    EbSimState& state_;
    const JwtVerifier& verifier_;
    const EbSimOptions& options_;
    std::string selfHost_;
};

}  // namespace bank2mqtt::ebsim
