// SPDX-License-Identifier: MIT
// Starts mosquitto from a generated config and waits for its "running" log line.
#include "harness/mosquitto.h"

#include "harness/loopback_port.h"

#include <csignal>
#include <stdexcept>

namespace bank2mqtt::itest {
namespace {

constexpr int kStartAttempts = 5;
constexpr Millis kStartTimeout{10000};
constexpr Millis kStopTimeout{5000};

}  // namespace

Mosquitto::Mosquitto(std::string binary) : binary_(std::move(binary)), dir_("mosquitto") {}

Mosquitto::~Mosquitto()
{
    if (running()) {
        stop();
    }
}

void Mosquitto::start()
{
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
        if (startOnPort(pickFreeLoopbackPort())) {
            return;
        }
    }
    throw std::runtime_error("mosquitto did not start after " + std::to_string(kStartAttempts) +
                             " attempts\n" + transcript());
}

bool Mosquitto::startOnPort(int port)
{
    port_ = port;
    const std::string conf = dir_.write("mosquitto.conf", "listener " + std::to_string(port) +
                                                              " 127.0.0.1\n"
                                                              "allow_anonymous true\n"
                                                              "persistence false\n"
                                                              "log_dest stderr\n"
                                                              "log_type all\n"
                                                              "connection_messages true\n");
    process_ =
        std::make_unique<ChildProcess>("mosquitto", std::vector<std::string>{binary_, "-c", conf});
    auto line = process_->waitForLine(
        ChildProcess::Stream::Err,
        [](const std::string& l) {
            return l.find(" running") != std::string::npos || l.find("Error") != std::string::npos;
        },
        kStartTimeout);
    if (line &&
        process_->lines(ChildProcess::Stream::Err)[*line].find(" running") != std::string::npos) {
        return true;
    }
    const std::string log = process_->text(ChildProcess::Stream::Err);
    if (log.find("Address already in use") != std::string::npos) {
        process_->waitExit(kStopTimeout);
        history_ += process_->transcript();
        process_.reset();
        return false;
    }
    throw std::runtime_error("mosquitto did not start on port " + std::to_string(port) + "\n" +
                             process_->transcript());
}

void Mosquitto::stop()
{
    if (!process_) {
        return;
    }
    process_->signal(SIGTERM);
    if (!process_->waitExit(kStopTimeout)) {
        process_->signal(SIGKILL);
        process_->waitExit(kStopTimeout);
    }
    history_ += process_->transcript();
    process_.reset();
}

void Mosquitto::restart()
{
    stop();
    if (!startOnPort(port_)) {
        throw std::runtime_error("mosquitto could not restart on port " + std::to_string(port_) +
                                 "\n" + transcript());
    }
}

bool Mosquitto::running() const
{
    return process_ && !process_->exitStatus();
}

std::string Mosquitto::uri() const
{
    return "tcp://127.0.0.1:" + std::to_string(port_);
}

std::string Mosquitto::transcript() const
{
    return history_ + (process_ ? process_->transcript() : std::string());
}

}  // namespace bank2mqtt::itest
