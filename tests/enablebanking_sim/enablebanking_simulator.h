// SPDX-License-Identifier: MIT
// EnableBankingSimulator: an HTTPS fake of api.enablebanking.com on loopback, with a control port.
//
// Usage in a test (Poco::Net::initializeSSL() must have been called once):
//   EbSimOptions options;
//   options.certFile = certDir + "/server.pem";
//   options.keyFile = certDir + "/server.key";
//   options.appKeyFile = certDir + "/eb-app.pub";
//   EnableBankingSimulator sim(options);
//   sim.start();                 // ports chosen by the OS when 0
//   ... https://127.0.0.1:<sim.httpsPort()>/aspsps?country=NO with a signed JWT ...
//   sim.state().advanceClock(86400);
// The HTTPS behaviour is in eb_sim_api.h, the control port in eb_sim_control.h.
#pragma once

#include "eb_sim_jwt.h"
#include "eb_sim_options.h"
#include "eb_sim_state.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <string>

namespace bank2mqtt::ebsim {

class EnableBankingSimulator {
public:
    explicit EnableBankingSimulator(EbSimOptions options);
    ~EnableBankingSimulator();

    EnableBankingSimulator(const EnableBankingSimulator&) = delete;
    EnableBankingSimulator& operator=(const EnableBankingSimulator&) = delete;

    /// Binds both ports and serves. Throws std::invalid_argument for bad options (not
    /// loopback, a missing file, a limit out of range), Poco exceptions for a key or
    /// certificate that cannot be loaded or a port that is taken.
    void start();
    /// Stops both servers; a slow reply in progress ends at once without a reply. Idempotent.
    void stop();
    bool running() const { return httpsServer_ != nullptr; }

    std::uint16_t httpsPort() const { return httpsPort_; }
    std::uint16_t controlPort() const { return controlPort_; }
    /// "https://127.0.0.1:<port>": the plugin's api_url.
    std::string httpsBaseUrl() const;
    std::string controlBaseUrl() const;

    const EbSimOptions& options() const { return options_; }
    EbSimState& state() { return state_; }

private:
    std::string hostForUrl() const;

    EbSimOptions options_;
    EbSimState state_;
    std::unique_ptr<JwtVerifier> verifier_;
    std::unique_ptr<Poco::ThreadPool> httpsPool_;
    std::unique_ptr<Poco::ThreadPool> controlPool_;
    std::unique_ptr<Poco::Net::HTTPServer> httpsServer_;
    std::unique_ptr<Poco::Net::HTTPServer> controlServer_;
    std::uint16_t httpsPort_ = 0;
    std::uint16_t controlPort_ = 0;
};

}  // namespace bank2mqtt::ebsim
