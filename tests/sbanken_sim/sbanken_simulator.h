// SPDX-License-Identifier: MIT
// SbankenSimulator: an HTTPS fake of the Sbanken open API on loopback, with a control port.
//
// Usage in a test (Poco::Net::initializeSSL() must have been called once):
//   SimulatorOptions options;
//   options.certFile = certDir + "/server.pem";
//   options.keyFile = certDir + "/server.key";
//   SbankenSimulator sim(options);
//   sim.start();                       // ports chosen by the OS when 0
//   ... https://127.0.0.1:<sim.httpsPort()>/identityserver/connect/token ...
//   sim.state().setFault({FaultMode::Http503, FaultTarget::Api, 1});
//   sim.stop();                        // or let the destructor do it
// The HTTP behaviour is described in sim_api_handler.h, the control port in
// sim_control_handler.h; the in-process state() offers the same operations.
#pragma once

#include "sim_options.h"
#include "sim_state.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <string>

namespace bank2mqtt::sim {

class SbankenSimulator {
public:
    /// Validates nothing yet; start() does.
    explicit SbankenSimulator(SimulatorOptions options);
    /// Stops the servers if they run.
    ~SbankenSimulator();

    SbankenSimulator(const SbankenSimulator&) = delete;
    SbankenSimulator& operator=(const SbankenSimulator&) = delete;

    /// Binds both ports and starts serving. Throws std::invalid_argument for bad options (a
    /// non-loopback bind address, a missing certificate file, a non-positive lifetime) and
    /// Poco exceptions for a certificate OpenSSL refuses or a port that is taken.
    /// Not thread-safe against stop(); call both from the owning thread.
    void start();
    /// Stops accepting, aborts open connections (a slow reply in progress ends at once, with
    /// no reply) and waits for every server thread. Idempotent; prompt (well under a second).
    void stop();
    bool running() const { return httpsServer_ != nullptr; }

    /// The bound ports; valid after start().
    std::uint16_t httpsPort() const { return httpsPort_; }
    std::uint16_t controlPort() const { return controlPort_; }

    /// "https://127.0.0.1:<port>" (IPv6 in brackets); valid after start().
    std::string httpsBaseUrl() const;
    /// The token endpoint URL, as the plugin's auth_url.
    std::string authUrl() const { return httpsBaseUrl() + "/identityserver/connect/token"; }
    /// The API base URL as the plugin's api_url: version 1 -> .../bank/api/v1,
    /// version 2 -> .../apibeta/api/v2.
    std::string apiUrl(int version) const;
    /// "http://127.0.0.1:<control port>".
    std::string controlBaseUrl() const;

    const SimulatorOptions& options() const { return options_; }
    /// The live state: counters, faults, tokens, accounts. Thread-safe.
    SimState& state() { return state_; }

private:
    std::string hostForUrl() const;

    SimulatorOptions options_;
    SimState state_;
    // Pools before servers: the servers' dispatchers use the pools, so they must go first.
    std::unique_ptr<Poco::ThreadPool> httpsPool_;
    std::unique_ptr<Poco::ThreadPool> controlPool_;
    std::unique_ptr<Poco::Net::HTTPServer> httpsServer_;
    std::unique_ptr<Poco::Net::HTTPServer> controlServer_;
    std::uint16_t httpsPort_ = 0;
    std::uint16_t controlPort_ = 0;
};

/// True when `address` is an IP literal in 127.0.0.0/8 or ::1.
bool isLoopbackAddress(const std::string& address);

}  // namespace bank2mqtt::sim
