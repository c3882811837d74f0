// SPDX-License-Identifier: MIT
// The SimpleFIN simulator's two servers: the Bridge's routes over TLS, and the control port.
#include "simplefin_simulator.h"

#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>

#include <istream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

namespace bank2mqtt::sfsim {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

void send(HTTPServerResponse& out, int status, const std::string& type, const std::string& body)
{
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    if (!type.empty())
        out.setContentType(type);
    out.setContentLength(static_cast<std::streamsize>(body.size()));
    out.send() << body;
}

std::optional<long long> epochParameter(const std::string& value)
{
    Poco::Int64 seconds = 0;
    if (!Poco::NumberParser::tryParse64(value, seconds))
        return std::nullopt;
    return seconds;
}

SimQuery queryOf(const Poco::URI& uri)
{
    SimQuery query;
    query.text = uri.getRawQuery();
    for (const auto& [name, value] : uri.getQueryParameters()) {
        if (name == "version")
            query.version2 = value == "2";
        else if (name == "balances-only")
            query.balancesOnly = value == "1";
        else if (name == "pending")
            query.pending = value == "1";
        else if (name == "start-date")
            query.startDate = epochParameter(value);
        else if (name == "end-date")
            query.endDate = epochParameter(value);
    }
    return query;
}

// POST /transaction's parameters; `why` says what is wrong.
std::optional<SimTransaction> transactionOf(std::map<std::string, std::string>& q, std::string& why)
{
    SimTransaction t;
    t.id = q["id"];
    t.amount = q["amount"];
    t.description = q["description"];
    t.payee = q["payee"];
    t.memo = q["memo"];
    t.pending = q["pending"] == "1";
    if (t.amount.empty()) {
        why = "amount is required";
        return std::nullopt;
    }
    for (const auto& [key, field] : {std::pair<const char*, long long*>{"posted", &t.posted},
                                     {"transacted_at", &t.transactedAt}}) {
        if (q[key].empty())
            continue;
        const auto seconds = epochParameter(q[key]);
        if (!seconds || *seconds < 0) {
            why = std::string(key) + " must be a UNIX time";
            return std::nullopt;
        }
        *field = *seconds;
    }
    return t;
}

void drain(HTTPServerRequest& request)
{
    std::istream& in = request.stream();
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    }
}

class BridgeHandler : public Poco::Net::HTTPRequestHandler {
public:
    BridgeHandler(SimpleFinSimulator& sim, const SimOptions& options) : sim_(sim), options_(options)
    {
    }
    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& out) override
    {
        drain(request);
        const Poco::URI uri(request.getURI());
        const std::string path = uri.getPath();
        const std::string claimPrefix = "/simplefin/claim/";
        if (options_.log)
            options_.log(request.getMethod() + " " +
                         (path.rfind(claimPrefix, 0) == 0 ? claimPrefix + "..." : path));
        if (request.getMethod() == "POST" && path.rfind(claimPrefix, 0) == 0) {
            const auto access =
                sim_.state().claim(path.substr(claimPrefix.size()), sim_.accessBase());
            if (!access)
                return send(out, 403, "text/html", "<html><h1>Forbidden</h1></html>");
            return send(out, 200, "text/plain", *access + "\n");
        }
        if (request.getMethod() == "GET" && path == "/simplefin/accounts") {
            const SimReply reply =
                sim_.state().accounts(request.get("Authorization", ""), queryOf(uri));
            return send(out, reply.status, reply.contentType, reply.body);
        }
        if (request.getMethod() == "GET" && path == "/simplefin/info")
            return send(out, 200, "application/json", R"({"versions":["1.0","2.0"]})");
        send(out, 404, "text/plain", "Not Found");
    }

private:
    SimpleFinSimulator& sim_;
    const SimOptions& options_;
};

class ControlHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ControlHandler(SimpleFinSimulator& sim) : sim_(sim) {}
    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& out) override
    {
        drain(request);
        const Poco::URI uri(request.getURI());
        std::map<std::string, std::string> q;
        for (const auto& [name, value] : uri.getQueryParameters())
            q[name] = value;
        const std::string path = uri.getPath();
        SimState& s = sim_.state();
        const bool post = request.getMethod() == "POST";
        auto ok = [&](const std::string& body = "{}") { send(out, 200, "application/json", body); };
        auto bad = [&](const std::string& why) {
            send(out, 400, "application/json", "{\"error\":" + jsonString(why) + "}");
        };
        if (post && path == "/tokens")
            return ok("{\"token\":" + jsonString(s.newToken(sim_.claimBase())) + "}");
        if (post && path == "/balance") {
            const auto available =
                q.count("available") ? std::optional<std::string>(q["available"]) : std::nullopt;
            return s.setBalance(q["account"], q["balance"], available) ? ok()
                                                                       : bad("unknown account");
        }
        if (post && path == "/error") {
            SimError e;
            e.code = q["code"];
            e.msg = q["msg"];
            e.connId = q["conn"];
            e.accountId = q["account"];
            e.useMessageKey = q.count("message_key") > 0;
            e.dropAccounts = q.count("drop") > 0;
            if (e.code.empty())
                return bad("code is required");
            s.addError(e);
            return ok();
        }
        if (post && path == "/transaction") {
            std::string why;
            const auto t = transactionOf(q, why);
            if (!t)
                return bad(why);
            const std::string id = s.addTransaction(q["account"], *t);
            return id.empty() ? bad("unknown account") : ok("{\"id\":" + jsonString(id) + "}");
        }
        if (post && path == "/transaction/post") {
            const std::string id = s.postTransaction(q["id"], q["new_id"] == "1");
            return id.empty() ? bad("no pending transaction has that id")
                              : ok("{\"id\":" + jsonString(id) + "}");
        }
        if (post && path == "/clear-errors") {
            s.clearErrors();
            return ok();
        }
        if (post && path == "/revoke") {
            s.revokeAll();
            return ok();
        }
        if (post && path == "/fault") {
            static const std::set<std::string> kFaults = {"none", "402",       "html",
                                                          "500",  "truncated", "v1"};
            if (!kFaults.count(q["mode"]))
                return bad("mode must be none, 402, html, 500, truncated or v1");
            s.setFault(q["mode"]);
            return ok();
        }
        if (post && path == "/requests-today") {
            int n = 0;
            if (!Poco::NumberParser::tryParse(q["n"], n) || n < 0)
                return bad("n must be a count");
            s.setRequestsToday(n);
            return ok();
        }
        if (post && path == "/clock/advance") {
            Poco::Int64 seconds = 0;
            if (!Poco::NumberParser::tryParse64(q["seconds"], seconds))
                return bad("seconds must be a number");
            s.advanceClock(seconds);
            return ok("{\"now\":" + std::to_string(s.now()) + "}");
        }
        if (!post && path == "/counters")
            return ok(s.countersJson());
        if (!post && path == "/secrets")
            return ok(s.secretsJson());
        send(out, 404, "application/json", "{\"error\":\"no such control route\"}");
    }

private:
    SimpleFinSimulator& sim_;
};

class BridgeFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    BridgeFactory(SimpleFinSimulator& sim, const SimOptions& options) : sim_(sim), options_(options)
    {
    }
    Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override
    {
        return new BridgeHandler(sim_, options_);
    }

private:
    SimpleFinSimulator& sim_;
    const SimOptions& options_;
};

class ControlFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit ControlFactory(SimpleFinSimulator& sim) : sim_(sim) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override
    {
        return new ControlHandler(sim_);
    }

private:
    SimpleFinSimulator& sim_;
};

void requireFile(const std::string& what, const std::string& path)
{
    const Poco::File file(path);
    if (path.empty() || !file.exists() || !file.canRead())
        throw std::invalid_argument(what + " " + path + " does not exist or is not readable");
}

}  // namespace

SimpleFinSimulator::SimpleFinSimulator(SimOptions options) : options_(std::move(options)) {}

SimpleFinSimulator::~SimpleFinSimulator()
{
    stop();
}

void SimpleFinSimulator::start()
{
    Poco::Net::IPAddress ip;
    if (!Poco::Net::IPAddress::tryParse(options_.bindAddress, ip) || !ip.isLoopback())
        throw std::invalid_argument("bind address " + options_.bindAddress +
                                    " is not a loopback IP literal");
    requireFile("certificate file", options_.certFile);
    requireFile("key file", options_.keyFile);
    using Poco::Net::Context;
    Context::Ptr context = new Context(Context::TLS_SERVER_USE, options_.keyFile, options_.certFile,
                                       "", Context::VERIFY_NONE);
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    Poco::Net::SecureServerSocket httpsSocket(Poco::Net::SocketAddress(ip, options_.httpsPort), 64,
                                              context);
    Poco::Net::ServerSocket controlSocket(Poco::Net::SocketAddress(ip, options_.controlPort), 16);
    httpsPort_ = httpsSocket.address().port();
    controlPort_ = controlSocket.address().port();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(true);
    params->setThreadIdleTime(Poco::Timespan(1, 0));
    Poco::Net::HTTPServerParams::Ptr controlParams = new Poco::Net::HTTPServerParams;
    controlParams->setKeepAlive(false);
    pool_ = std::make_unique<Poco::ThreadPool>("sf-sim", 2, 16);
    https_ = std::make_unique<Poco::Net::HTTPServer>(new BridgeFactory(*this, options_), *pool_,
                                                     httpsSocket, params);
    control_ = std::make_unique<Poco::Net::HTTPServer>(new ControlFactory(*this), *pool_,
                                                       controlSocket, controlParams);
    https_->start();
    control_->start();
}

void SimpleFinSimulator::stop()
{
    if (!https_)
        return;
    https_->stopAll(true);
    control_->stopAll(true);
    pool_->joinAll();
    https_.reset();
    control_.reset();
    pool_.reset();
}

std::string SimpleFinSimulator::claimBase() const
{
    return "https://127.0.0.1:" + std::to_string(httpsPort_) + "/simplefin/claim/";
}

std::string SimpleFinSimulator::accessBase() const
{
    return "127.0.0.1:" + std::to_string(httpsPort_) + "/simplefin";
}

}  // namespace bank2mqtt::sfsim
