// SPDX-License-Identifier: MIT
// bank2mqtt-enablebanking-sim: runs the Enable Banking simulator until SIGTERM/SIGINT.
#include "enablebanking_simulator.h"

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

using bank2mqtt::ebsim::EbSimOptions;
using bank2mqtt::ebsim::EnableBankingSimulator;
using Poco::Util::Application;
using Poco::Util::Option;

const char* const kProgram = "bank2mqtt-enablebanking-sim";

sigset_t terminationSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

long long parseNumber(const std::string& name, const std::string& value, long long max)
{
    Poco::Int64 parsed = 0;
    if (!Poco::NumberParser::tryParse64(value, parsed) || parsed < 0 || parsed > max) {
        throw Poco::Util::InvalidArgumentException(
            "--" + name + "=" + value + ": expected an integer from 0 to " + std::to_string(max));
    }
    return parsed;
}

class SimulatorApp : public Application {
protected:
    void defineOptions(Poco::Util::OptionSet& set) override
    {
        Application::defineOptions(set);
        const auto add = [&](const std::string& name, const std::string& description,
                             const std::string& argument, bool repeatable = false) {
            Option option(name, "", description);
            if (!argument.empty()) {
                option.argument(argument);
            }
            option.repeatable(repeatable);
            set.addOption(option);
        };
        add("help", "print this help and exit", "");
        add("cert", "PEM server certificate (required)", "FILE");
        add("key", "PEM private key of the certificate (required)", "FILE");
        add("app-key", "the application's PEM public key or certificate (required)", "FILE");
        add("app-id", "the application id, the JWT kid (default: a fixed test UUID)", "UUID");
        add("bind", "loopback IP to listen on (default 127.0.0.1)", "IP");
        add("port", "HTTPS port, 0 = any free (default 0)", "PORT");
        add("control-port", "plain-HTTP control port, 0 = any free (default 0)", "PORT");
        add("daily-limit", "unattended calls per account and endpoint per 24 h (default 4)", "N");
        add("consent-validity", "the banks' maximum_consent_validity (default 15552000)",
            "SECONDS");
        add("redirect-url", "a registered redirect URL (repeatable; replaces the defaults)", "URL",
            true);
        add("verbose", "log requests to stderr (paths only, never tokens or codes)", "");
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
        } else if (name == "app-key") {
            options_.appKeyFile = value;
        } else if (name == "app-id") {
            options_.appId = value;
        } else if (name == "bind") {
            options_.bindAddress = value;
        } else if (name == "port") {
            options_.httpsPort = static_cast<std::uint16_t>(parseNumber(name, value, 65535));
        } else if (name == "control-port") {
            options_.controlPort = static_cast<std::uint16_t>(parseNumber(name, value, 65535));
        } else if (name == "daily-limit") {
            options_.dailyLimit = static_cast<int>(parseNumber(name, value, 100000));
        } else if (name == "consent-validity") {
            options_.consentValiditySeconds = parseNumber(name, value, 10LL * 365 * 86400);
        } else if (name == "redirect-url") {
            if (!redirectGiven_) {
                options_.redirectUrls.clear();
                redirectGiven_ = true;
            }
            options_.redirectUrls.push_back(value);
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
            help.setUsage("--cert=FILE --key=FILE --app-key=FILE [OPTIONS]");
            help.setHeader("A fake of the Enable Banking API on loopback, for the bank2mqtt "
                           "demo and tests. Prints \"READY https=<port> control=<port>\" when "
                           "ready.");
            help.format(std::cout);
            return EXIT_OK;
        }
        if (!args.empty()) {
            std::cerr << kProgram << ": unexpected argument " << args.front() << " (try --help)\n";
            return EXIT_USAGE;
        }
        if (options_.certFile.empty() || options_.keyFile.empty() || options_.appKeyFile.empty()) {
            std::cerr << kProgram
                      << ": --cert=FILE, --key=FILE and --app-key=FILE are required (try --help)\n";
            return EXIT_USAGE;
        }
        return serve();
    }

private:
    int serve()
    {
        EnableBankingSimulator simulator(options_);
        try {
            simulator.start();
        } catch (const std::invalid_argument& e) {
            std::cerr << kProgram << ": " << e.what() << "\n";
            return EXIT_USAGE;
        } catch (const Poco::Net::SSLException& e) {
            std::cerr << kProgram << ": cannot load certificate " << options_.certFile << " or key "
                      << options_.keyFile << ": " << e.displayText() << "\n";
            return EXIT_CONFIG;
        } catch (const Poco::Net::NetException& e) {
            std::cerr << kProgram << ": cannot listen on " << options_.bindAddress << ": "
                      << e.displayText() << "\n";
            return EXIT_UNAVAILABLE;
        } catch (const Poco::Exception& e) {
            std::cerr << kProgram << ": cannot start (application key " << options_.appKeyFile
                      << "?): " << e.displayText() << "\n";
            return EXIT_CONFIG;
        }
        std::cout << "READY https=" << simulator.httpsPort()
                  << " control=" << simulator.controlPort() << std::endl;
        const sigset_t signals = terminationSignals();
        int signal = 0;
        sigwait(&signals, &signal);
        simulator.stop();
        return EXIT_OK;
    }

    EbSimOptions options_;
    bool helpRequested_ = false;
    bool redirectGiven_ = false;
};

}  // namespace

int main(int argc, char** argv)
{
    // Block before any thread exists so that the signal reaches sigwait() in main.
    const sigset_t signals = terminationSignals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

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
