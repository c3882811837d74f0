// SPDX-License-Identifier: MIT
// Starts the Firefly III simulator and drives its control port (faults, proxy, balances).
#include "harness/firefly_simulator.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <csignal>
#include <regex>
#include <stdexcept>

namespace bank2mqtt::itest {
namespace {

constexpr Millis kStartTimeout{15000};
constexpr Millis kStopTimeout{5000};

}  // namespace

FireflySimulator::FireflySimulator(std::string binary, std::string certDir)
    : binary_(std::move(binary)), certDir_(std::move(certDir))
{
}

FireflySimulator::~FireflySimulator()
{
    stop();
}

void FireflySimulator::start(const std::vector<std::string>& extraArgs)
{
    std::vector<std::string> argv = {binary_, "--cert=" + certDir_ + "/server.pem",
                                     "--key=" + certDir_ + "/server.key"};
    argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
    process_ = std::make_unique<ChildProcess>("firefly-sim", argv);
    const auto line = process_->waitForLine(ChildProcess::Stream::Out, "READY ", kStartTimeout);
    if (!line)
        throw std::runtime_error("the Firefly III simulator did not print READY\n" +
                                 process_->transcript());
    static const std::regex ready(R"(READY https=(\d+) http=(\d+) control=(\d+))");
    std::smatch match;
    const std::string text = process_->lines(ChildProcess::Stream::Out)[*line];
    if (!std::regex_search(text, match, ready))
        throw std::runtime_error("unexpected READY line: " + text);
    httpsPort_ = std::stoi(match[1]);
    httpPort_ = std::stoi(match[2]);
    controlPort_ = std::stoi(match[3]);
}

void FireflySimulator::stop()
{
    if (process_)
        process_->stop(kStopTimeout);
}

std::string FireflySimulator::httpsUrl() const
{
    return "https://127.0.0.1:" + std::to_string(httpsPort_);
}

std::string FireflySimulator::httpUrl() const
{
    return "http://127.0.0.1:" + std::to_string(httpPort_);
}

std::map<std::string, int> FireflySimulator::counters()
{
    const std::string body = request("GET", "/counters");
    std::map<std::string, int> out;
    try {
        const auto object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        for (const auto& [name, value] : *object)
            out[name] = value.convert<int>();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("firefly-sim /counters: " + e.displayText() + ": " + body);
    }
    return out;
}

void FireflySimulator::resetCounters()
{
    request("POST", "/counters/reset");
}

void FireflySimulator::fault(const std::string& mode, int count)
{
    request("POST", "/fault?mode=" + mode + "&count=" + std::to_string(count));
}

void FireflySimulator::setProxy(bool on)
{
    request("POST", std::string("/proxy?on=") + (on ? "1" : "0"));
}

void FireflySimulator::setBalance(int id, const std::string& amount)
{
    request("POST", "/balance?id=" + std::to_string(id) + "&amount=" + amount);
}

std::string FireflySimulator::addTransaction(const Transaction& t)
{
    const auto param = [](const std::string& name, const std::string& value) {
        std::string encoded;
        Poco::URI::encode(value, "&=+?#%/ ", encoded);
        return value.empty() ? std::string() : "&" + name + "=" + encoded;
    };
    const std::string body =
        request("POST", "/transactions?type=" + t.type + param("source", t.source) +
                            param("destination", t.destination) + param("amount", t.amount) +
                            param("description", t.description) + param("date", t.date) +
                            param("source_iban", t.sourceIban) +
                            param("destination_iban", t.destinationIban));
    try {
        return Poco::JSON::Parser()
            .parse(body)
            .extract<Poco::JSON::Object::Ptr>()
            ->getValue<std::string>("transaction_journal_id");
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("firefly-sim /transactions: " + e.displayText() + ": " + body);
    }
}

void FireflySimulator::clearTransactions()
{
    request("DELETE", "/transactions");
}

void FireflySimulator::setTransactionPageSize(int size)
{
    request("POST", "/transaction_page_size?value=" + std::to_string(size));
}

int FireflySimulator::transactionRequests()
{
    const auto all = counters();
    const auto it = all.find("transaction_requests");
    return it == all.end() ? 0 : it->second;
}

std::string FireflySimulator::transcript() const
{
    return process_ ? process_->transcript() : std::string();
}

std::string FireflySimulator::request(const std::string& method, const std::string& pathAndQuery)
{
    try {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(controlPort_));
        session.setTimeout(Poco::Timespan(5, 0));
        Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentLength(0);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
            throw std::runtime_error("firefly-sim " + method + " " + pathAndQuery + ": HTTP " +
                                     std::to_string(response.getStatus()) + " " + body);
        return body;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("firefly-sim " + method + " " + pathAndQuery + ": " +
                                 e.displayText());
    }
}

}  // namespace bank2mqtt::itest
