// SPDX-License-Identifier: MIT
// bank2mqtt-simplefin-sim: runs the SimpleFIN Bridge simulator until SIGTERM/SIGINT.
#include "simplefin_simulator.h"

#include <Poco/Net/SSLManager.h>
#include <Poco/NumberParser.h>

#include <csignal>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <string>

namespace {

const char* const kProgram = "bank2mqtt-simplefin-sim";

void usage(std::ostream& out)
{
    out << "usage: " << kProgram
        << " --cert=FILE --key=FILE [--bind=IP] [--port=N] [--control-port=N] [--tokens=N]"
           " [--verbose]\n"
           "A fake of the SimpleFIN Bridge on loopback for the bank2mqtt demo and tests. Prints\n"
           "\"READY https=<port> control=<port>\", then one \"TOKEN <setup token>\" line per\n"
           "--tokens (default 0; POST /tokens on the control port makes more).\n";
}

}  // namespace

int main(int argc, char** argv)
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    bank2mqtt::sfsim::SimOptions options;
    int tokens = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto eq = arg.find('=');
        const std::string name = arg.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
        unsigned number = 0;
        const bool numeric = Poco::NumberParser::tryParseUnsigned(value, number);
        if (name == "--help") {
            usage(std::cout);
            return 0;
        } else if (name == "--cert") {
            options.certFile = value;
        } else if (name == "--key") {
            options.keyFile = value;
        } else if (name == "--bind") {
            options.bindAddress = value;
        } else if (name == "--port" && numeric && number < 65536) {
            options.httpsPort = static_cast<std::uint16_t>(number);
        } else if (name == "--control-port" && numeric && number < 65536) {
            options.controlPort = static_cast<std::uint16_t>(number);
        } else if (name == "--tokens" && numeric && number <= 100) {
            tokens = static_cast<int>(number);
        } else if (name == "--verbose") {
            options.log = [](const std::string& line) {
                static std::mutex mutex;
                std::lock_guard<std::mutex> lock(mutex);
                std::cerr << kProgram << ": " << line << std::endl;
            };
        } else {
            std::cerr << kProgram << ": unknown or malformed option " << name << "\n";
            usage(std::cerr);
            return 64;
        }
    }
    if (options.certFile.empty() || options.keyFile.empty()) {
        std::cerr << kProgram << ": --cert=FILE and --key=FILE are required\n";
        return 64;
    }
    Poco::Net::initializeSSL();
    int rc = 0;
    {
        bank2mqtt::sfsim::SimpleFinSimulator sim(options);
        try {
            sim.start();
        } catch (const std::exception& e) {
            std::cerr << kProgram << ": cannot start: " << e.what() << "\n";
            rc = 78;
        }
        if (rc == 0) {
            std::cout << "READY https=" << sim.httpsPort() << " control=" << sim.controlPort()
                      << "\n";
            for (int i = 0; i < tokens; ++i)
                std::cout << "TOKEN " << sim.state().newToken(sim.claimBase()) << "\n";
            std::cout << std::flush;
            int signal = 0;
            sigwait(&signals, &signal);
            sim.stop();
        }
    }
    Poco::Net::uninitializeSSL();
    return rc;
}
