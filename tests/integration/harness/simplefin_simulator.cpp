// SPDX-License-Identifier: MIT
// Starts the SimpleFIN simulator and drives its control port.
#include "harness/simplefin_simulator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <csignal>
#include <regex>
#include <stdexcept>

namespace bank2mqtt::itest {
namespace {

constexpr Millis kStartTimeout{15000};
constexpr Millis kStopTimeout{5000};

std::string encode(const std::string& value)
{
    std::string out;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]% ", out);
    return out;
}

Poco::JSON::Object::Ptr parse(const std::string& what, const std::string& body)
{
    try {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        throw std::runtime_error("simplefin-sim " + what + " is not a JSON object: " + body);
    }
}

}  // namespace

SimpleFinSimulator::SimpleFinSimulator(std::string binary, std::string certDir)
    : binary_(std::move(binary)), certDir_(std::move(certDir))
{
}

SimpleFinSimulator::~SimpleFinSimulator()
{
    stop();
}

void SimpleFinSimulator::start()
{
    process_ = std::make_unique<ChildProcess>(
        "simplefin-sim", std::vector<std::string>{binary_, "--cert=" + certDir_ + "/server.pem",
                                                  "--key=" + certDir_ + "/server.key", "--port=0",
                                                  "--control-port=0"});
    const auto line = process_->waitForLine(ChildProcess::Stream::Out, "READY ", kStartTimeout);
    if (!line)
        throw std::runtime_error("the SimpleFIN simulator did not print READY\n" +
                                 process_->transcript());
    static const std::regex ready(R"(READY https=(\d+) control=(\d+))");
    std::smatch match;
    const std::string text = process_->lines(ChildProcess::Stream::Out)[*line];
    if (!std::regex_search(text, match, ready))
        throw std::runtime_error("unexpected READY line: " + text);
    httpsPort_ = std::stoi(match[1]);
    controlPort_ = std::stoi(match[2]);
}

void SimpleFinSimulator::stop()
{
    if (process_)
        process_->stop(kStopTimeout);
}

std::string SimpleFinSimulator::newToken()
{
    return parse("/tokens", request("POST", "/tokens"))->getValue<std::string>("token");
}

void SimpleFinSimulator::setBalance(const std::string& account, const std::string& balance,
                                    const std::string& available)
{
    request("POST", "/balance?account=" + encode(account) + "&balance=" + encode(balance) +
                        (available.empty() ? "" : "&available=" + encode(available)));
}

void SimpleFinSimulator::addError(const std::string& code, const std::string& msg,
                                  const std::string& conn, const std::string& account,
                                  bool dropAccounts)
{
    request("POST", "/error?code=" + encode(code) + "&msg=" + encode(msg) +
                        (conn.empty() ? "" : "&conn=" + encode(conn)) +
                        (account.empty() ? "" : "&account=" + encode(account)) +
                        (dropAccounts ? "&drop=1" : ""));
}

void SimpleFinSimulator::clearErrors()
{
    request("POST", "/clear-errors");
}

void SimpleFinSimulator::revoke()
{
    request("POST", "/revoke");
}

void SimpleFinSimulator::fault(const std::string& mode)
{
    request("POST", "/fault?mode=" + encode(mode));
}

void SimpleFinSimulator::setRequestsToday(int n)
{
    request("POST", "/requests-today?n=" + std::to_string(n));
}

std::string SimpleFinSimulator::addTransaction(const std::string& account,
                                               const std::string& amount,
                                               const std::string& description,
                                               const std::string& payee, bool pending,
                                               long long posted)
{
    const std::string reply =
        request("POST", "/transaction?account=" + encode(account) + "&amount=" + encode(amount) +
                            "&description=" + encode(description) +
                            (payee.empty() ? "" : "&payee=" + encode(payee)) +
                            (pending ? "&pending=1" : "") +
                            (posted == 0 ? "" : "&posted=" + std::to_string(posted)));
    return parse("/transaction", reply)->getValue<std::string>("id");
}

std::string SimpleFinSimulator::postTransaction(const std::string& id, bool newId)
{
    const std::string reply =
        request("POST", "/transaction/post?id=" + encode(id) + (newId ? "&new_id=1" : ""));
    return parse("/transaction/post", reply)->getValue<std::string>("id");
}

std::string SimpleFinSimulator::lastQuery()
{
    return parse("/counters", request("GET", "/counters"))->getValue<std::string>("last_query");
}

int SimpleFinSimulator::counter(const std::string& name)
{
    return parse("/counters", request("GET", "/counters"))->getValue<int>(name);
}

std::vector<std::string> SimpleFinSimulator::secrets()
{
    const auto list = parse("/secrets", request("GET", "/secrets"))->getArray("secrets");
    std::vector<std::string> out;
    for (std::size_t i = 0; list && i < list->size(); ++i)
        out.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
    return out;
}

std::string SimpleFinSimulator::request(const std::string& method, const std::string& pathAndQuery)
{
    const std::string what = "simplefin-sim control " + method + " " + pathAndQuery;
    try {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(controlPort_));
        session.setTimeout(Poco::Timespan(5, 0));
        Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentLength(0);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        if (response.getStatus() / 100 != 2)
            throw std::runtime_error(what + ": HTTP " + std::to_string(response.getStatus()) + " " +
                                     body);
        return body;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error(what + ": " + e.displayText());
    }
}

std::string SimpleFinSimulator::transcript() const
{
    return process_ ? process_->transcript() : "===== simplefin-sim: not started\n";
}

}  // namespace bank2mqtt::itest
