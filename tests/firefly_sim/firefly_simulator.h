// SPDX-License-Identifier: MIT
// FireflySimulator: Firefly III's /api/v1/accounts on loopback over HTTPS and plain HTTP, with a
// control port. Behaviour in ff_sim_bank.h; routes in README.md.
//
// Usage in a test (Poco::Net::initializeSSL() must have been called once):
//   FfSimOptions options;
//   options.certFile = certDir + "/server.pem";
//   options.keyFile = certDir + "/server.key";
//   FireflySimulator sim(options);
//   sim.start();   // ports chosen by the OS when 0
//   ... GET https://127.0.0.1:<sim.httpsPort()>/api/v1/accounts?type=asset ...
#pragma once

#include "ff_sim_bank.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <vector>

namespace bank2mqtt::ffsim {

class FireflySimulator {
public:
    explicit FireflySimulator(FfSimOptions options);
    ~FireflySimulator();

    FireflySimulator(const FireflySimulator&) = delete;
    FireflySimulator& operator=(const FireflySimulator&) = delete;

    /// Binds the three ports and serves. Throws std::invalid_argument for a bind address that is
    /// not loopback or a missing certificate, Poco exceptions for a port that is taken.
    void start();
    /// Stops every server and joins their threads. Idempotent.
    void stop();

    unsigned short httpsPort() const { return httpsPort_; }
    unsigned short httpPort() const { return httpPort_; }
    unsigned short controlPort() const { return controlPort_; }
    FfBank& bank() { return bank_; }

private:
    FfSimOptions options_;
    FfBank bank_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::vector<std::unique_ptr<Poco::Net::HTTPServer>> servers_;
    unsigned short httpsPort_ = 0;
    unsigned short httpPort_ = 0;
    unsigned short controlPort_ = 0;
};

}  // namespace bank2mqtt::ffsim
