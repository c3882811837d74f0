// SPDX-License-Identifier: MIT
// bank2mqtt-firefly-sim: runs the Firefly III simulator until SIGTERM/SIGINT.
#include "firefly_simulator.h"

#include <Poco/Net/SSLManager.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <pthread.h>
#include <stdexcept>
#include <string>

namespace {

using bank2mqtt::ffsim::FfSimOptions;
using bank2mqtt::ffsim::FireflySimulator;

const char* const kProgram = "bank2mqtt-firefly-sim";
const char* const kUsage =
    "usage: bank2mqtt-firefly-sim --cert=FILE --key=FILE [--bind=IP] [--port=N]\n"
    "         [--http-port=N] [--control-port=N] [--token=PAT] [--page-size=N]\n"
    "         [--extra-accounts=N] [--version=6.3|6.2] [--transaction-page-size=N]\n"
    "A fake of Firefly III's /api/v1/accounts and accounts/{id}/transactions on loopback\n"
    "(HTTPS and plain HTTP) for the\n"
    "bank2mqtt demo and tests. Prints \"READY https=<port> http=<port> control=<port>\".\n";

sigset_t terminationSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

int number(const std::string& option, const std::string& value, int max)
{
    int parsed = 0;
    if (!Poco::NumberParser::tryParse(value, parsed) || parsed < 0 || parsed > max)
        throw std::invalid_argument(option + "=" + value + ": expected 0 to " +
                                    std::to_string(max));
    return parsed;
}

FfSimOptions parse(int argc, char** argv)
{
    FfSimOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto eq = arg.find('=');
        const std::string name = arg.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
        if (name == "--cert")
            options.certFile = value;
        else if (name == "--key")
            options.keyFile = value;
        else if (name == "--bind")
            options.bindAddress = value;
        else if (name == "--port")
            options.httpsPort = static_cast<unsigned short>(number(name, value, 65535));
        else if (name == "--http-port")
            options.httpPort = static_cast<unsigned short>(number(name, value, 65535));
        else if (name == "--control-port")
            options.controlPort = static_cast<unsigned short>(number(name, value, 65535));
        else if (name == "--token" && !value.empty())
            options.token = value;
        else if (name == "--page-size")
            options.defaultPageSize = std::max(1, number(name, value, 131337));
        else if (name == "--transaction-page-size")
            options.transactionPageSize = number(name, value, 131337);
        else if (name == "--extra-accounts")
            options.extraAccounts = number(name, value, 100000);
        else if (name == "--version" && (value == "6.3" || value == "6.2"))
            options.version = value;
        else
            throw std::invalid_argument("unknown or malformed option " + arg);
    }
    if (options.certFile.empty() || options.keyFile.empty())
        throw std::invalid_argument("--cert=FILE and --key=FILE are required");
    return options;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc == 2 && std::string(argv[1]) == "--help") {
        std::cout << kUsage;
        return 0;
    }
    // Block before any thread exists so that the signal reaches sigwait() in main.
    const sigset_t signals = terminationSignals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    FfSimOptions options;
    try {
        options = parse(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << kProgram << ": " << e.what() << "\n" << kUsage;
        return 64;
    }
    Poco::Net::initializeSSL();
    int rc = 0;
    {
        FireflySimulator simulator(options);
        try {
            simulator.start();
            std::cout << "READY https=" << simulator.httpsPort() << " http=" << simulator.httpPort()
                      << " control=" << simulator.controlPort() << std::endl;
            int signal = 0;
            sigwait(&signals, &signal);
            simulator.stop();
        } catch (const std::invalid_argument& e) {
            std::cerr << kProgram << ": " << e.what() << "\n";
            rc = 64;
        } catch (const Poco::Exception& e) {
            std::cerr << kProgram << ": cannot start: " << e.displayText() << "\n";
            rc = 69;
        }
    }
    Poco::Net::uninitializeSSL();
    return rc;
}
