// SPDX-License-Identifier: MIT
// Starts the Enable Banking simulator and drives its control API (clock, faults, sessions).
#include "harness/enablebanking_simulator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
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
const Poco::Timespan kTimeout(5, 0);

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
        throw std::runtime_error("enablebanking-sim " + what + " is not a JSON object: " + body);
    }
}

/// Keeps 127.0.0.1:`port` from being handed out as an ephemeral port while the simulator is
/// stopped, so a restart can bind it again (see harness/simulator.cpp, which does the same).
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

EnableBankingSimulator::EnableBankingSimulator(std::string binary, std::string certDir)
    : binary_(std::move(binary)), certDir_(std::move(certDir))
{
}

EnableBankingSimulator::~EnableBankingSimulator()
{
    stop();
    if (httpsPortGuard_ >= 0) {
        ::close(httpsPortGuard_);
    }
}

void EnableBankingSimulator::start(const std::vector<std::string>& extraArgs)
{
    if (process_) {
        pastTranscripts_ += process_->transcript();
    }
    std::vector<std::string> argv = {binary_,
                                     "--cert=" + certDir_ + "/server.pem",
                                     "--key=" + certDir_ + "/server.key",
                                     "--app-key=" + certDir_ + "/eb-app.pub",
                                     "--port=" + std::to_string(httpsPort_),
                                     "--control-port=0"};
    argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
    process_ = std::make_unique<ChildProcess>("enablebanking-sim", argv);
    const auto line = process_->waitForLine(ChildProcess::Stream::Out, "READY ", kStartTimeout);
    if (!line) {
        throw std::runtime_error("the Enable Banking simulator did not print READY\n" +
                                 process_->transcript());
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

void EnableBankingSimulator::stop()
{
    if (process_)
        process_->stop(kStopTimeout);
}

std::string EnableBankingSimulator::apiUrl() const
{
    return "https://127.0.0.1:" + std::to_string(httpsPort_);
}

std::string EnableBankingSimulator::login(const std::string& authUrl)
{
    Poco::Net::initializeSSL();  // reference-counted; balanced below
    try {
        const Poco::URI uri(authUrl);
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, certDir_ + "/ca.pem",
                                   Poco::Net::Context::VERIFY_RELAXED);
        context->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
        Poco::Net::HTTPSClientSession session(uri.getHost(), uri.getPort(), context);
        session.setTimeout(kTimeout);
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathEtc(),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_FOUND ||
            !response.has("Location")) {
            throw std::runtime_error("the login page answered HTTP " +
                                     std::to_string(response.getStatus()) + " " + body);
        }
        const std::string location = response.get("Location");
        Poco::Net::uninitializeSSL();
        return location;
    } catch (const Poco::Exception& e) {
        Poco::Net::uninitializeSSL();
        throw std::runtime_error("enablebanking-sim login: " + e.displayText());
    } catch (...) {
        Poco::Net::uninitializeSSL();
        throw;
    }
}

EbSimCounters EnableBankingSimulator::counters()
{
    const auto object = parse("/counters", request(Poco::Net::HTTPRequest::HTTP_GET, "/counters"));
    EbSimCounters c;
    try {
        const auto requests = object->getObject("requests");
        for (const auto& [name, value] : *requests) {
            c.requests[name] = value.convert<int>();
        }
        const auto accounts = object->getObject("accounts");
        for (const auto& [name, value] : *accounts) {
            c.balanceCalls[name] = accounts->getObject(name)->getValue<int>("balances");
            c.transactionCalls[name] = accounts->getObject(name)->getValue<int>("transactions");
        }
        c.transactionRequests = object->getValue<int>("transaction_requests");
        c.jwtsAccepted = object->getValue<int>("jwts_accepted");
        c.jwtsRejected = object->getValue<int>("jwts_rejected");
        c.distinctJwts = object->getValue<int>("distinct_jwts");
        c.rateLimited = object->getValue<int>("rate_limited");
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("enablebanking-sim /counters: " + e.displayText());
    }
    return c;
}

void EnableBankingSimulator::resetCounters()
{
    post("/reset-counters");
}

void EnableBankingSimulator::setBalances(const std::string& account,
                                         const std::map<std::string, std::string>& byType)
{
    std::string query = "/balances?account=" + encode(account);
    for (const auto& [type, amount] : byType) {
        query += "&" + encode(type) + "=" + encode(amount);
    }
    post(query);
}

std::string EnableBankingSimulator::addTransaction(const std::string& account,
                                                   const EbSimTransaction& entry)
{
    const bool debit = !entry.amount.empty() && entry.amount[0] == '-';
    std::string query = "/transactions?account=" + encode(account) +
                        "&amount=" + encode(entry.amount) + "&text=" + encode(entry.text) +
                        "&status=" + encode(entry.status) +
                        "&entry_reference=" + encode(entry.entryReference);
    if (!entry.date.empty())
        query += "&date=" + encode(entry.date);
    if (!entry.counterpartIban.empty())
        query +=
            (debit ? "&creditor_account=" : "&debtor_account=") + encode(entry.counterpartIban);
    if (!entry.remittance.empty())
        query += "&remittance=" + encode(entry.remittance);
    return parse("/transactions", post(query))->getValue<std::string>("entry_reference");
}

std::string EnableBankingSimulator::bookTransaction(const std::string& account,
                                                    const std::string& entryReference,
                                                    bool keepReference)
{
    return parse("/transactions/book", post("/transactions/book?account=" + encode(account) +
                                            "&entry_reference=" + encode(entryReference) +
                                            "&keep_reference=" + (keepReference ? "1" : "0")))
        ->getValue<std::string>("entry_reference");
}

int EnableBankingSimulator::transactionRequests()
{
    return counters().transactionRequests;
}

void EnableBankingSimulator::setTransactionPageSize(int entries)
{
    post("/page-size?n=" + std::to_string(entries));
}

void EnableBankingSimulator::expireSessions(const std::string& sessionId)
{
    post(sessionId.empty() ? "/expire-sessions" : "/expire-sessions?session=" + encode(sessionId));
}

void EnableBankingSimulator::setApplicationActive(bool active)
{
    post(std::string("/application?active=") + (active ? "1" : "0"));
}

void EnableBankingSimulator::fault(const std::string& mode, const std::string& endpoint,
                                   const std::string& account, int count, int delayMs, int status)
{
    post("/fault?mode=" + encode(mode) + "&endpoint=" + encode(endpoint) +
         (account.empty() ? "" : "&account=" + encode(account)) +
         "&count=" + std::to_string(count) + "&delay_ms=" + std::to_string(delayMs) +
         "&status=" + std::to_string(status));
}

void EnableBankingSimulator::clearFaults()
{
    post("/fault?mode=none");
}

void EnableBankingSimulator::denyNextLogin()
{
    post("/deny-next-login");
}

long long EnableBankingSimulator::advanceClock(long long seconds)
{
    return parse("/clock/advance", post("/clock/advance?seconds=" + std::to_string(seconds)))
        ->getValue<long long>("now");
}

long long EnableBankingSimulator::now()
{
    return parse("/clock", request(Poco::Net::HTTPRequest::HTTP_GET, "/clock"))
        ->getValue<long long>("now");
}

std::vector<EbSimAccount> EnableBankingSimulator::accounts()
{
    const auto object = parse("/accounts", request(Poco::Net::HTTPRequest::HTTP_GET, "/accounts"));
    std::vector<EbSimAccount> out;
    try {
        const auto list = object->getArray("accounts");
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            const auto item = list->getObject(static_cast<unsigned>(i));
            EbSimAccount a;
            a.key = item->getValue<std::string>("key");
            a.iban = item->getValue<std::string>("iban");
            a.identificationHash = item->getValue<std::string>("identification_hash");
            const auto uids = item->getArray("uids");
            for (std::size_t j = 0; uids && j < uids->size(); ++j)
                a.uids.push_back(uids->getElement<std::string>(static_cast<unsigned>(j)));
            out.push_back(std::move(a));
        }
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("enablebanking-sim /accounts: " + e.displayText());
    }
    return out;
}

std::vector<std::string> EnableBankingSimulator::sessionIds()
{
    const auto object = parse("/sessions", request(Poco::Net::HTTPRequest::HTTP_GET, "/sessions"));
    std::vector<std::string> out;
    try {
        const auto list = object->getArray("sessions");
        for (std::size_t i = 0; list && i < list->size(); ++i)
            out.push_back(
                list->getObject(static_cast<unsigned>(i))->getValue<std::string>("session_id"));
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("enablebanking-sim /sessions: " + e.displayText());
    }
    return out;
}

std::vector<std::string> EnableBankingSimulator::jwts()
{
    const auto object = parse("/jwts", request(Poco::Net::HTTPRequest::HTTP_GET, "/jwts"));
    std::vector<std::string> out;
    const auto list = object->getArray("jwts");
    for (std::size_t i = 0; list && i < list->size(); ++i) {
        out.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
    }
    return out;
}

std::string EnableBankingSimulator::post(const std::string& pathAndQuery)
{
    return request(Poco::Net::HTTPRequest::HTTP_POST, pathAndQuery);
}

std::string EnableBankingSimulator::request(const std::string& method,
                                            const std::string& pathAndQuery)
{
    const std::string what = "enablebanking-sim control " + method + " " + pathAndQuery;
    try {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(controlPort_));
        session.setTimeout(kTimeout);
        Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentLength(0);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        if (response.getStatus() / 100 != 2) {
            throw std::runtime_error(what + ": HTTP " + std::to_string(response.getStatus()) + " " +
                                     body);
        }
        return body;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error(what + ": " + e.displayText());
    }
}

std::string EnableBankingSimulator::transcript() const
{
    return pastTranscripts_ +
           (process_ ? process_->transcript() : "===== enablebanking-sim: not started\n");
}

}  // namespace bank2mqtt::itest
