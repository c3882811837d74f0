// SPDX-License-Identifier: MIT
// Tests of the generated test certificates and the simulator's TLS: trust, host name, resumption.
#include "sim_test_support.h"

#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SecureStreamSocket.h>

namespace bank2mqtt::sim::test {
namespace {

std::unique_ptr<SbankenSimulator> startWith(const std::string& certName)
{
    SimulatorOptions options;
    options.certFile = certPath(certName + ".pem");
    options.keyFile = certPath(certName + ".key");
    auto sim = std::make_unique<SbankenSimulator>(options);
    sim->start();
    return sim;
}

HttpResult tokenRequest(Poco::Net::HTTPSClientSession& session)
{
    return request(session, "POST", "/identityserver/connect/token",
                   {{"Authorization", basicAuth("demo-client", "Hemmelig+Passord/2026?=&%")}},
                   "grant_type=client_credentials");
}

/// Poco 1.11 skips the host-name check for loopback peers unless the mode is VERIFY_STRICT.
Poco::Net::Context::Ptr strictContext()
{
    using Poco::Net::Context;
    Context::Ptr context =
        new Context(Context::TLS_CLIENT_USE, certPath("ca.pem"), Context::VERIFY_STRICT);
    context->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
    return context;
}

TEST(SimTls, ServerCertificateVerifiesAgainstTheTestCa)
{
    const auto sim = startWith("server");
    for (const char* host : {"127.0.0.1", "localhost"}) {
        Poco::Net::HTTPSClientSession relaxed(host, sim->httpsPort(), clientContext());
        EXPECT_EQ(tokenRequest(relaxed).status, 200) << host;
        Poco::Net::HTTPSClientSession strict(host, sim->httpsPort(), strictContext());
        EXPECT_EQ(tokenRequest(strict).status, 200) << host;
    }
}

TEST(SimTls, UntrustedCertificateFailsVerification)
{
    const auto sim = startWith("untrusted");
    Poco::Net::HTTPSClientSession session("127.0.0.1", sim->httpsPort(), clientContext());
    EXPECT_THROW(tokenRequest(session), Poco::Exception);
    EXPECT_EQ(sim->state().counters().tokenRequests, 0u);
}

TEST(SimTls, WrongHostCertificateFailsHostCheck)
{
    const auto sim = startWith("wronghost");
    Poco::Net::HTTPSClientSession session("127.0.0.1", sim->httpsPort(), strictContext());
    EXPECT_THROW(tokenRequest(session), Poco::Exception);
    EXPECT_EQ(sim->state().counters().tokenRequests, 0u);
}

TEST(SimTls, RefusesTlsBelow12)
{
    const auto sim = startWith("server");
    auto context = clientContext();
    context->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 |
                              Poco::Net::Context::PROTO_TLSV1_3);
    Poco::Net::HTTPSClientSession session("127.0.0.1", sim->httpsPort(), context);
    EXPECT_THROW(tokenRequest(session), Poco::Exception);
}

TEST(SimTls, ClientCanResumeItsSession)
{
    const auto sim = startWith("server");
    const auto context = clientContext();
    Poco::Net::HTTPSClientSession first("127.0.0.1", sim->httpsPort(), context);
    ASSERT_EQ(tokenRequest(first).status, 200);
    // Taken after a reply, not via sslSession(): Poco 1.11 grabs that right after the
    // handshake, before a TLS 1.3 server has sent its session ticket.
    const Poco::Net::Session::Ptr tlsSession =
        Poco::Net::SecureStreamSocket(first.socket()).currentSession();
    ASSERT_TRUE(tlsSession);
    first.reset();

    Poco::Net::HTTPSClientSession second("127.0.0.1", sim->httpsPort(), context, tlsSession);
    ASSERT_EQ(tokenRequest(second).status, 200);
    Poco::Net::SecureStreamSocket socket(second.socket());
    EXPECT_TRUE(socket.sessionWasReused());
    EXPECT_EQ(sim->state().counters().tlsConnections, 2u);
    // The server's own view, as GET /counters reports it (bench/compare relies on it).
    EXPECT_EQ(sim->state().counters().tlsHandshakes, 2u);
    EXPECT_EQ(sim->state().counters().tlsResumed, 1u);
}

}  // namespace
}  // namespace bank2mqtt::sim::test
