// SPDX-License-Identifier: MIT
// The Enable Banking simulator's control port: plain HTTP on loopback, for tests and the demo.
//
// Parameters go in the query string; every POST must carry Content-Length (411 otherwise) and
// a body of at most 64 KiB (413). Replies are JSON; errors are {"error": "..."}. The routes
// (an optional "/control" prefix is accepted) are listed in README.md.
#pragma once

#include "eb_sim_http.h"
#include "eb_sim_state.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <functional>

namespace bank2mqtt::ebsim {

EbResponse respondToControl(EbSimState& state, const EbRequest& request);

class ControlRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    ControlRequestHandlerFactory(EbSimState& state,
                                 const std::function<void(const std::string&)>& log)
        : state_(state), log_(log)
    {
    }
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    EbSimState& state_;
    const std::function<void(const std::string&)>& log_;
};

}  // namespace bank2mqtt::ebsim
