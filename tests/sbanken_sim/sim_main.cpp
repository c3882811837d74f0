// SPDX-License-Identifier: MIT
// bank2mqtt-sbanken-sim: runs the Sbanken simulator until SIGTERM/SIGINT (for the demo and tests).
#include "sbanken_simulator.h"

#include <Poco/FileStream.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/NumberParser.h>
#include <Poco/Util/Application.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionSet.h>

#include <csignal>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <stdexcept>
#include <string>

namespace {

using bank2mqtt::sim::SbankenSimulator;
using bank2mqtt::sim::SimulatorOptions;
using Poco::Util::Application;
using Poco::Util::Option;

const char* const kProgram = "bank2mqtt-sbanken-sim";

sigset_t terminationSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

int parsePositive(const std::string& name, const std::string& value, int max)
{
    int parsed = 0;
    if (!Poco::NumberParser::tryParse(value, parsed) || parsed < 0 || parsed > max) {
        throw Poco::Util::InvalidArgumentException(
            "--" + name + "=" + value + ": expected an integer from 0 to " + std::to_string(max));
    }
    return parsed;
}

class SimulatorApp : public Application {
public:
    bool helpRequested() const { return helpRequested_; }

protected:
    void defineOptions(Poco::Util::OptionSet& set) override
    {
        Application::defineOptions(set);
        const auto add = [&](const std::string& name, const std::string& description,
                             const std::string& argument) {
            Option option(name, "", description);
            if (!argument.empty()) {
                option.argument(argument);
            }
            set.addOption(option);
        };
        add("help", "print this help and exit", "");
        add("cert", "PEM server certificate (required)", "FILE");
        add("key", "PEM private key of the certificate (required)", "FILE");
        add("bind", "loopback IP to listen on (default 127.0.0.1)", "IP");
        add("port", "HTTPS port, 0 = any free (default 0)", "PORT");
        add("control-port", "plain-HTTP control port, 0 = any free (default 0)", "PORT");
        add("client-id", "accepted client id (default demo-client)", "ID");
        add("client-secret", "accepted client secret (default: a test secret)", "SECRET");
        add("client-secret-file", "read the accepted client secret from FILE", "FILE");
        add("customer-id", "customer id required in the v1 customerId header", "ID");
        add("token-lifetime", "token lifetime in seconds (default 3600)", "SECONDS");
        add("keep-alive-timeout", "HTTPS keep-alive timeout in seconds (default 15)", "SECONDS");
        add("accounts", "accounts of the customer, 1-1000 (default 4: the default dataset)", "N");
        add("max-threads", "HTTPS server threads = kept-alive connections served (default 64)",
            "N");
        add("verbose", "log requests to stderr", "");
    }

    void handleOption(const std::string& name, const std::string& value) override
    {
        Application::handleOption(name, value);
        if (name == "help") {
            helpRequested_ = true;
            stopOptionsProcessing();
        } else if (name == "cert") {
            options_.certFile = value;
        } else if (name == "key") {
            options_.keyFile = value;
        } else if (name == "bind") {
            options_.bindAddress = value;
        } else if (name == "port") {
            options_.httpsPort = static_cast<std::uint16_t>(parsePositive(name, value, 65535));
        } else if (name == "control-port") {
            options_.controlPort = static_cast<std::uint16_t>(parsePositive(name, value, 65535));
        } else if (name == "client-id") {
            options_.clientId = value;
        } else if (name == "client-secret") {
            options_.clientSecret = value;
        } else if (name == "client-secret-file") {
            options_.clientSecret = readSecretFile(value);
        } else if (name == "customer-id") {
            options_.customerId = value;
        } else if (name == "token-lifetime") {
            options_.tokenLifetimeSeconds = parsePositive(name, value, 365 * 24 * 3600);
        } else if (name == "keep-alive-timeout") {
            options_.keepAliveTimeoutSeconds = parsePositive(name, value, 3600);
        } else if (name == "accounts") {
            options_.accountCount = parsePositive(name, value, 1000);
        } else if (name == "max-threads") {
            options_.maxThreads = parsePositive(name, value, 1000);
        } else if (name == "verbose") {
            options_.log = [](const std::string& line) {
                static std::mutex mutex;
                std::lock_guard<std::mutex> lock(mutex);
                std::cerr << kProgram << ": " << line << std::endl;
            };
        }
    }

    int main(const std::vector<std::string>& args) override
    {
        if (helpRequested_) {
            Poco::Util::HelpFormatter help(options());
            help.setUnixStyle(true);
            help.setCommand(kProgram);
            help.setUsage("--cert=FILE --key=FILE [OPTIONS]");
            help.setHeader("A fake of the Sbanken open API on loopback, for the bank2mqtt demo "
                           "and tests. Prints \"READY https=<port> control=<port>\" when ready.");
            help.format(std::cout);
            return EXIT_OK;
        }
        if (!args.empty()) {
            std::cerr << kProgram << ": unexpected argument " << args.front() << " (try --help)\n";
            return EXIT_USAGE;
        }
        if (options_.certFile.empty() || options_.keyFile.empty()) {
            std::cerr << kProgram << ": --cert=FILE and --key=FILE are required (try --help)\n";
            return EXIT_USAGE;
        }
        return serve();
    }

private:
    static std::string readSecretFile(const std::string& path)
    {
        std::string secret;
        try {
            Poco::FileInputStream in(path);
            secret.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        } catch (const Poco::Exception& e) {
            throw Poco::Util::InvalidArgumentException("--client-secret-file=" + path +
                                                       ": cannot read: " + e.displayText());
        }
        while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
            secret.pop_back();
        }
        return secret;
    }

    int serve()
    {
        SbankenSimulator simulator(options_);
        try {
            simulator.start();
        } catch (const std::invalid_argument& e) {
            std::cerr << kProgram << ": " << e.what() << "\n";
            return EXIT_USAGE;
        } catch (const Poco::Net::SSLException& e) {
            std::cerr << kProgram << ": cannot load certificate " << options_.certFile << " or key "
                      << options_.keyFile << ": " << e.displayText() << "\n";
            return EXIT_CONFIG;
        } catch (const Poco::Exception& e) {
            std::cerr << kProgram << ": cannot listen on " << options_.bindAddress << ": "
                      << e.displayText() << "\n";
            return EXIT_UNAVAILABLE;
        }
        std::cout << "READY https=" << simulator.httpsPort()
                  << " control=" << simulator.controlPort() << std::endl;

        // The signals were blocked in every thread before any started; take them here.
        const sigset_t signals = terminationSignals();
        int signal = 0;
        sigwait(&signals, &signal);
        if (options_.log) {
            options_.log(std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
        }
        simulator.stop();
        return EXIT_OK;
    }

    SimulatorOptions options_;
    bool helpRequested_ = false;
};

}  // namespace

int main(int argc, char** argv)
{
    // Block before any thread exists so that every thread inherits the mask and the signal
    // reaches sigwait() instead of killing the process mid-reply.
    const sigset_t signals = terminationSignals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a client hanging up mid-reply is not fatal

    Poco::Net::initializeSSL();
    int rc = Application::EXIT_OK;
    {
        SimulatorApp app;
        try {
            app.setUnixOptions(true);
            app.init(argc, argv);
            rc = app.run();
        } catch (const Poco::Exception& e) {
            std::cerr << kProgram << ": " << e.displayText() << " (try --help)\n";
            rc = Application::EXIT_USAGE;
        } catch (const std::exception& e) {
            std::cerr << kProgram << ": " << e.what() << "\n";
            rc = Application::EXIT_SOFTWARE;
        }
    }
    Poco::Net::uninitializeSSL();
    return rc;
}
