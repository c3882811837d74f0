// SPDX-License-Identifier: MIT
// Starts mosquitto from a generated config and waits for its "running" log line.
#include "harness/mosquitto.h"

#include "harness/loopback_port.h"

#include <unistd.h>

#include <csignal>
#include <stdexcept>

namespace bank2mqtt::itest {
namespace {

constexpr int kStartAttempts = 5;
constexpr Millis kStartTimeout{10000};
constexpr Millis kStopTimeout{5000};

/// mosquitto_passwd lives in bin/ while mosquitto lives in sbin/ on Debian.
std::string findPasswdTool(const std::string& mosquitto)
{
    const std::string dir = mosquitto.substr(0, mosquitto.rfind('/') + 1);
    for (const std::string& candidate :
         {dir + "mosquitto_passwd", std::string("/usr/bin/mosquitto_passwd"),
          std::string("/usr/local/bin/mosquitto_passwd")}) {
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    throw std::runtime_error("mosquitto_passwd not found next to " + mosquitto +
                             " nor in /usr/bin or /usr/local/bin");
}

}  // namespace

Mosquitto::Mosquitto(std::string binary) : binary_(std::move(binary)), dir_("mosquitto") {}

Mosquitto::~Mosquitto()
{
    if (running()) {
        stop();
    }
}

void Mosquitto::addDaemonListener(MosquittoListener listener)
{
    listener_ = std::make_unique<MosquittoListener>(std::move(listener));
}

void Mosquitto::start()
{
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
        pickPorts();
        if (startOnPorts()) {
            return;
        }
    }
    throw std::runtime_error("mosquitto did not start after " + std::to_string(kStartAttempts) +
                             " attempts\n" + transcript());
}

void Mosquitto::pickPorts()
{
    port_ = pickFreeLoopbackPort();
    daemonPort_ = 0;
    // Bounded: the kernel hands out ephemeral ports in turn, so a repeat is rare.
    for (int attempt = 0; listener_ && attempt < kStartAttempts && daemonPort_ == 0; ++attempt) {
        const int candidate = pickFreeLoopbackPort();
        daemonPort_ = candidate == port_ ? 0 : candidate;
    }
    if (listener_ && daemonPort_ == 0) {
        throw std::runtime_error("no second free loopback port for mosquitto");
    }
}

void Mosquitto::startAgain()
{
    if (port_ == 0) {
        throw std::runtime_error("Mosquitto::startAgain() before any port was picked");
    }
    if (!startOnPorts()) {
        throw std::runtime_error("mosquitto could not start again on port " +
                                 std::to_string(port_) + "\n" + transcript());
    }
}

std::string Mosquitto::passwordFile()
{
    if (!passwordFile_.empty()) {
        return passwordFile_;
    }
    std::string plain;
    for (const auto& [user, password] : listener_->users) {
        plain += user + ":" + password + "\n";
    }
    const std::string file = dir_.write("passwords", plain, 0600);
    // -U hashes the plain-text passwords in place.
    ChildProcess tool("mosquitto_passwd",
                      std::vector<std::string>{findPasswdTool(binary_), "-U", file});
    if (tool.waitExit(kStartTimeout) != 0) {
        throw std::runtime_error("mosquitto_passwd -U failed\n" + tool.transcript());
    }
    passwordFile_ = file;
    return passwordFile_;
}

std::string Mosquitto::config()
{
    std::string text;
    if (::geteuid() == 0) {
        // As root, mosquitto would switch to the user "mosquitto", which cannot read the test
        // keys or the password file (owner-only, owned by the test's user).
        text += "user root\n";
    }
    if (listener_) {
        text += "per_listener_settings true\n";
    }
    text += "persistence false\n"
            "log_dest stderr\n"
            "log_type all\n"
            "connection_messages true\n"
            "listener " +
            std::to_string(port_) +
            " 127.0.0.1\n"
            "allow_anonymous true\n";
    if (!listener_) {
        return text;
    }
    const MosquittoListener& l = *listener_;
    text += "listener " + std::to_string(daemonPort_) + " 127.0.0.1\n";
    if (l.users.empty()) {
        text += "allow_anonymous true\n";
    } else {
        text += "allow_anonymous false\npassword_file " + passwordFile() + "\n";
    }
    if (!l.certDir.empty()) {
        text += "cafile " + l.certDir + "/ca.pem\n" + "certfile " + l.certDir + "/" + l.serverCert +
                ".pem\n" + "keyfile " + l.certDir + "/" + l.serverCert + ".key\n";
        if (l.requireCertificate) {
            text += "require_certificate true\n";
        }
    }
    return text;
}

bool Mosquitto::startOnPorts()
{
    const std::string conf = dir_.write("mosquitto.conf", config());
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
    throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_) + "\n" +
                             process_->transcript());
}

void Mosquitto::endProcess(int signal)
{
    if (!process_) {
        return;
    }
    process_->signal(signal);
    process_->signal(SIGCONT);  // a frozen broker handles the signal only once thawed
    if (!process_->waitExit(kStopTimeout)) {
        process_->signal(SIGKILL);
        process_->waitExit(kStopTimeout);
    }
    history_ += process_->transcript();
    process_.reset();
}

void Mosquitto::stop()
{
    endProcess(SIGTERM);
}

void Mosquitto::kill()
{
    endProcess(SIGKILL);
}

void Mosquitto::freeze()
{
    if (process_) {
        process_->signal(SIGSTOP);
    }
}

void Mosquitto::thaw()
{
    if (process_) {
        process_->signal(SIGCONT);
    }
}

void Mosquitto::restart()
{
    stop();
    startAgain();
}

bool Mosquitto::running() const
{
    return process_ && !process_->exitStatus();
}

std::string Mosquitto::uri() const
{
    return "tcp://127.0.0.1:" + std::to_string(port_);
}

int Mosquitto::daemonPort() const
{
    return listener_ ? daemonPort_ : port_;
}

std::string Mosquitto::daemonUri() const
{
    const bool tls = listener_ && !listener_->certDir.empty();
    return std::string(tls ? "ssl" : "tcp") + "://127.0.0.1:" + std::to_string(daemonPort());
}

bool Mosquitto::waitForLogCount(const std::string& substring, std::size_t n, Millis timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t from = 0;
    for (std::size_t seen = 0; seen < n; ++seen) {
        const auto left =
            std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (!process_ || left.count() <= 0) {
            return false;
        }
        auto line = process_->waitForLine(ChildProcess::Stream::Err, substring, left, from);
        if (!line) {
            return false;
        }
        from = *line + 1;
    }
    return true;
}

std::string Mosquitto::transcript() const
{
    return history_ + (process_ ? process_->transcript() : std::string());
}

}  // namespace bank2mqtt::itest
