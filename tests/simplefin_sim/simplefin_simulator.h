// SPDX-License-Identifier: MIT
// SimpleFinSimulator: an HTTPS fake of the SimpleFIN Bridge on loopback, with a control port.
//
// HTTPS routes (as the Bridge): POST /simplefin/claim/<token> (once; again: 403),
// GET /simplefin/accounts (HTTP Basic from the Access URL; ?version=2 for the v2 shape),
// GET /simplefin/info. Control routes (plain HTTP, POST with parameters in the query) are
// listed in README.md. Usage in a test (Poco::Net::initializeSSL() called once):
//   SimpleFinSimulator sim({certDir + "/server.pem", certDir + "/server.key"});
//   sim.start();
//   std::string token = sim.state().newToken(sim.claimBase());
#pragma once

#include "sf_sim_state.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace bank2mqtt::sfsim {

struct SimOptions {
    std::string certFile;  ///< PEM server certificate (test-certs/server.pem); required
    std::string keyFile;   ///< its PEM private key; required
    std::string bindAddress = "127.0.0.1";  ///< loopback IP literals only
    std::uint16_t httpsPort = 0;            ///< 0: any free port
    std::uint16_t controlPort = 0;
    /// One line per request when set (paths without tokens); thread-safe.
    std::function<void(const std::string&)> log;
};

class SimpleFinSimulator {
public:
    explicit SimpleFinSimulator(SimOptions options);
    ~SimpleFinSimulator();
    SimpleFinSimulator(const SimpleFinSimulator&) = delete;
    SimpleFinSimulator& operator=(const SimpleFinSimulator&) = delete;

    /// Binds and serves. Throws std::invalid_argument for a bind address that is not loopback
    /// or a missing file, Poco exceptions for a bad certificate or a taken port.
    void start();
    void stop();

    std::uint16_t httpsPort() const { return httpsPort_; }
    std::uint16_t controlPort() const { return controlPort_; }
    /// "https://127.0.0.1:<port>/simplefin/claim/": what setup tokens encode.
    std::string claimBase() const;
    /// "127.0.0.1:<port>/simplefin": the Access URL without scheme and credentials.
    std::string accessBase() const;
    SimState& state() { return state_; }

private:
    SimOptions options_;
    SimState state_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> https_;
    std::unique_ptr<Poco::Net::HTTPServer> control_;
    std::uint16_t httpsPort_ = 0;
    std::uint16_t controlPort_ = 0;
};

}  // namespace bank2mqtt::sfsim
