// SPDX-License-Identifier: MIT
// A real mosquitto broker on a free 127.0.0.1 port, one per test.
#pragma once

#include "harness/child_process.h"
#include "harness/temp_dir.h"

#include <memory>
#include <string>

namespace bank2mqtt::itest {

/// Owns a mosquitto process with anonymous access and no persistence, logging to stderr.
/// Not thread-safe: one test thread drives it.
class Mosquitto {
public:
    /// `binary`: path of the mosquitto executable. Does not start anything.
    explicit Mosquitto(std::string binary);
    ~Mosquitto();

    /// Picks a free port, writes the config and starts the broker; returns once mosquitto logged
    /// that it is running. Retries with another port (bounded) if the port was taken meanwhile.
    /// Throws std::runtime_error with the broker's log if it does not come up.
    void start();
    /// SIGTERM and wait for the exit (SIGKILL after a bounded wait). Retained messages are lost.
    void stop();
    /// stop() then start() on the same port.
    void restart();

    bool running() const;
    int port() const { return port_; }
    /// `tcp://127.0.0.1:<port>`.
    std::string uri() const;
    /// The current (or last) broker process's output, for failure messages.
    std::string transcript() const;

private:
    bool startOnPort(int port);

    std::string binary_;
    TempDir dir_;
    int port_ = 0;
    std::string history_;  // transcripts of processes already stopped
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace bank2mqtt::itest
