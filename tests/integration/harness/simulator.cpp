// SPDX-License-Identifier: MIT
// Starts the Sbanken simulator and drives its control API (faults, counters, balances).
#include "harness/simulator.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace bank2mqtt::itest {
namespace {

constexpr Millis kStartTimeout{15000};
constexpr Millis kStopTimeout{5000};
const Poco::Timespan kControlTimeout(5, 0);

std::string encode(const std::string& value)
{
    std::string out;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]% ", out);
    return out;
}

int intField(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
    if (!object->has(key)) {
        throw std::runtime_error("simulator /counters has no \"" + key + "\"");
    }
    return object->getValue<int>(key);
}

/// A socket bound to 127.0.0.1:`port` that never listens: connections to the port are still
/// refused while no simulator runs, but the kernel gives the port to no outgoing connection
/// (an ephemeral port could otherwise take it, and a restart would fail to bind for as long as
/// that connection lives). The simulator's sockets set SO_REUSEADDR and SO_REUSEPORT (Poco's
/// ServerSocket does), so it binds the port while this one holds it.
int holdLoopbackPort(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    }
    const int on = 1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        const int e = errno;
        ::close(fd);
        throw std::runtime_error("cannot hold 127.0.0.1:" + std::to_string(port) +
                                 " for simulator restarts: " + std::strerror(e));
    }
    return fd;
}

}  // namespace

Simulator::Simulator(std::string binary, std::string certDir)
    : binary_(std::move(binary)), certDir_(std::move(certDir))
{
}

Simulator::~Simulator()
{
    stop();
    if (httpsPortGuard_ >= 0) {
        ::close(httpsPortGuard_);
    }
}

void Simulator::start(const std::string& cert)
{
    if (process_) {
        pastTranscripts_ += process_->transcript();
    }
    // The control port is the kernel's choice every time (only this object talks to it); the
    // HTTPS port is the first process's again, held meanwhile by httpsPortGuard_.
    std::vector<std::string> argv{binary_, "--cert=" + certDir_ + "/" + cert + ".pem",
                                  "--key=" + certDir_ + "/" + cert + ".key",
                                  "--port=" + std::to_string(httpsPort_), "--control-port=0"};
    argv.insert(argv.end(), extraArguments_.begin(), extraArguments_.end());
    process_ = std::make_unique<ChildProcess>("sbanken-sim", std::move(argv));
    auto line = process_->waitForLine(ChildProcess::Stream::Out, "READY ", kStartTimeout);
    if (!line) {
        throw std::runtime_error("the simulator did not print READY\n" + process_->transcript());
    }
    static const std::regex ready(R"(READY https=(\d+) control=(\d+))");
    std::smatch match;
    const std::string text = process_->lines(ChildProcess::Stream::Out)[*line];
    if (!std::regex_search(text, match, ready)) {
        throw std::runtime_error("unexpected READY line: " + text);
    }
    httpsPort_ = std::stoi(match[1]);
    controlPort_ = std::stoi(match[2]);
    if (httpsPortGuard_ < 0) {
        httpsPortGuard_ = holdLoopbackPort(httpsPort_);
    }
}

void Simulator::stop()
{
    if (process_)
        process_->stop(kStopTimeout);
}

std::string Simulator::authUrl() const
{
    return "https://127.0.0.1:" + std::to_string(httpsPort_) + "/identityserver/connect/token";
}

std::string Simulator::apiUrl() const
{
    return "https://127.0.0.1:" + std::to_string(httpsPort_) + "/bank/api/v1";
}

SimCounters Simulator::counters()
{
    const std::string body = request(Poco::Net::HTTPRequest::HTTP_GET, "/counters");
    Poco::JSON::Object::Ptr object;
    try {
        object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        throw std::runtime_error("simulator /counters is not a JSON object: " + body);
    }
    SimCounters c;
    c.tokenRequests = intField(object, "token_requests");
    c.tokensIssued = intField(object, "tokens_issued");
    c.accountRequests = intField(object, "account_requests");
    c.tlsConnections = intField(object, "tls_connections");
    return c;
}

void Simulator::resetCounters()
{
    post("/reset-counters");
}

void Simulator::fault(const std::string& mode, const std::string& target, int count, int delayMs)
{
    post("/fault?mode=" + encode(mode) + "&target=" + encode(target) +
         "&count=" + std::to_string(count) + "&delay_ms=" + std::to_string(delayMs));
}

void Simulator::expireTokens()
{
    post("/expire-tokens");
}

void Simulator::setBalance(const std::string& account, const std::string& balance)
{
    post("/balance?account=" + encode(account) + "&balance=" + encode(balance));
}

void Simulator::rename(const std::string& account, const std::string& name)
{
    post("/rename?account=" + encode(account) + "&name=" + encode(name));
}

std::string Simulator::addTransaction(const std::string& account, const std::string& amount,
                                      const std::string& text, bool pending,
                                      const std::string& date, const std::string& otherAccount)
{
    std::string query = "/transaction?account=" + encode(account) + "&amount=" + encode(amount) +
                        "&text=" + encode(text);
    query += pending ? "&pending=1" : "";
    query += date.empty() ? "" : "&date=" + encode(date);
    query += otherAccount.empty() ? "" : "&other_account=" + encode(otherAccount);
    const std::string body = post(query);
    try {
        return Poco::JSON::Parser()
            .parse(body)
            .extract<Poco::JSON::Object::Ptr>()
            ->getValue<std::string>("id");
    } catch (const Poco::Exception&) {
        throw std::runtime_error("simulator /transaction did not answer {\"id\":...}: " + body);
    }
}

void Simulator::bookTransaction(const std::string& id, const std::string& text)
{
    post("/book?id=" + encode(id) + (text.empty() ? "" : "&text=" + encode(text)));
}

std::uint64_t Simulator::transactionRequests()
{
    const std::string body = request(Poco::Net::HTTPRequest::HTTP_GET, "/counters");
    try {
        return Poco::JSON::Parser()
            .parse(body)
            .extract<Poco::JSON::Object::Ptr>()
            ->getValue<std::uint64_t>("transaction_requests");
    } catch (const Poco::Exception&) {
        throw std::runtime_error("simulator /counters has no transaction_requests: " + body);
    }
}

std::vector<std::string> Simulator::issuedTokens()
{
    const std::string body = request(Poco::Net::HTTPRequest::HTTP_GET, "/tokens");
    std::vector<std::string> tokens;
    try {
        auto object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        auto list = object->getArray("tokens");
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            tokens.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
        }
    } catch (const Poco::Exception&) {
        throw std::runtime_error("simulator /tokens is not {\"tokens\":[...]}: " + body);
    }
    return tokens;
}

std::vector<std::string> Simulator::accountNumbers()
{
    const std::string body = request(Poco::Net::HTTPRequest::HTTP_GET, "/accounts");
    std::vector<std::string> numbers;
    try {
        auto object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        auto list = object->getArray("accounts");
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            numbers.push_back(
                list->getObject(static_cast<unsigned>(i))->getValue<std::string>("accountNumber"));
        }
    } catch (const Poco::Exception&) {
        throw std::runtime_error("simulator /accounts is not {\"accounts\":[...]}: " + body);
    }
    return numbers;
}

std::string Simulator::post(const std::string& pathAndQuery)
{
    return request(Poco::Net::HTTPRequest::HTTP_POST, pathAndQuery);
}

std::string Simulator::request(const std::string& method, const std::string& pathAndQuery)
{
    const std::string what = "simulator control " + method + " " + pathAndQuery;
    try {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(controlPort_));
        session.setTimeout(kControlTimeout);
        Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentLength(0);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        std::ostringstream body;
        Poco::StreamCopier::copyStream(in, body);
        if (response.getStatus() / 100 != 2) {
            throw std::runtime_error(what + ": HTTP " + std::to_string(response.getStatus()) + " " +
                                     body.str());
        }
        return body.str();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error(what + ": " + e.displayText());
    }
}

std::string Simulator::transcript() const
{
    return pastTranscripts_ +
           (process_ ? process_->transcript() : "===== sbanken-sim: not started\n");
}

}  // namespace bank2mqtt::itest
