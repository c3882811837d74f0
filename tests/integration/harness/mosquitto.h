// SPDX-License-Identifier: MIT
// A real mosquitto broker on free 127.0.0.1 ports, one per test.
#pragma once

#include "harness/child_process.h"
#include "harness/temp_dir.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt::itest {

/// A second listener for the daemon under test, beside the plain anonymous one the probes use.
struct MosquittoListener {
    /// Non-empty: TLS, with `<certDir>/ca.pem` as the CA that verifies client certificates and
    /// `<certDir>/<serverCert>.{pem,key}` as the broker's certificate. Empty: plain TCP.
    std::string certDir;
    std::string serverCert = "server";
    bool requireCertificate = false;  ///< TLS: refuse clients without a certificate of the CA
    /// (user, password) pairs. Non-empty: a password_file made with mosquitto_passwd and no
    /// anonymous access on this listener.
    std::vector<std::pair<std::string, std::string>> users;
};

/// Owns a mosquitto process without persistence, logging everything to stderr. Its first
/// listener (port(), uri()) is plain TCP with anonymous access; an optional second listener
/// (daemonPort(), daemonUri()) has TLS and/or passwords. Not thread-safe: one test thread
/// drives it.
class Mosquitto {
public:
    /// `binary`: path of the mosquitto executable. Does not start anything.
    explicit Mosquitto(std::string binary);
    ~Mosquitto();

    /// Adds the daemon's listener; call before the ports are picked (start() or pickPorts()).
    void addDaemonListener(MosquittoListener listener);

    /// Picks free ports, writes the config and starts the broker; returns once mosquitto logged
    /// that it is running. Retries with other ports (bounded) if a port was taken meanwhile.
    /// Throws std::runtime_error with the broker's log if it does not come up.
    void start();
    /// Picks the ports without starting, so that a client can be pointed at a broker that
    /// appears later with startAgain().
    void pickPorts();
    /// Starts (again) on the ports already picked; throws std::runtime_error if it cannot.
    void startAgain();
    /// SIGTERM and wait for the exit (SIGKILL after a bounded wait). Retained messages are lost.
    void stop();
    /// SIGKILL and wait for the exit: no clean disconnects, no last wills sent.
    void kill();
    /// stop() then startAgain().
    void restart();
    /// SIGSTOP / SIGCONT: a broker that keeps its connections open but answers nothing.
    void freeze();
    void thaw();

    bool running() const;
    int port() const { return port_; }
    /// `tcp://127.0.0.1:<port>`.
    std::string uri() const;
    /// The daemon listener's port, or port() when there is none.
    int daemonPort() const;
    /// `ssl://127.0.0.1:<daemonPort>` for a TLS listener, else `tcp://...`.
    std::string daemonUri() const;

    /// Waits until the current broker process has logged `n` lines containing `substring`.
    bool waitForLogCount(const std::string& substring, std::size_t n, Millis timeout);
    /// The current (or last) broker process's output, for failure messages.
    std::string transcript() const;

private:
    bool startOnPorts();
    std::string config();
    std::string passwordFile();
    void endProcess(int signal);

    std::string binary_;
    TempDir dir_;
    int port_ = 0;
    int daemonPort_ = 0;
    std::unique_ptr<MosquittoListener> listener_;
    std::string passwordFile_;  // made once, on first use
    std::string history_;       // transcripts of processes already ended
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace bank2mqtt::itest
