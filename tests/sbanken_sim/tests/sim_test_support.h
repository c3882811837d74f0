// SPDX-License-Identifier: MIT
// Helpers for the simulator's tests: a verifying HTTPS client, the control port, a fixture.
#pragma once

#include "sbanken_simulator.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/NameValueCollection.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace bank2mqtt::sim::test {

/// The generated certificate directory (compile definition).
std::string certPath(const std::string& file);

/// A client Context that trusts only test-certs/ca.pem and verifies the peer.
Poco::Net::Context::Ptr clientContext();

struct HttpResult {
    int status = 0;
    std::string contentType;
    std::string body;
    Poco::Net::NameValueCollection headers;
};

/// Sends one request on `session` (HTTPS or plain) and reads the whole reply.
HttpResult request(Poco::Net::HTTPClientSession& session, const std::string& method,
                   const std::string& uri, const std::map<std::string, std::string>& headers = {},
                   const std::string& body = "");

/// "Basic " + base64(id ":" secret), with both parts form-URL-encoded when `encode`.
std::string basicAuth(const std::string& id, const std::string& secret, bool encode = true);

/// Parses a JSON object; fails the test (and returns null) if it is not one.
Poco::JSON::Object::Ptr parseObject(const std::string& text);

/// A simulator on 127.0.0.1, ports 0, default credentials; a fresh one for every test.
class SimulatorTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    /// A new HTTPS session to the simulator with the verifying client context.
    std::unique_ptr<Poco::Net::HTTPClientSession> httpsSession();
    /// One request on the control port.
    HttpResult control(const std::string& method, const std::string& uriWithQuery);
    /// Requests a token with correctly encoded credentials; fails the test otherwise.
    std::string token();
    std::string token(Poco::Net::HTTPClientSession& session);
    /// GET on the API with a bearer token (and the customerId header for v1 paths).
    HttpResult apiGet(Poco::Net::HTTPClientSession& session, const std::string& path,
                      const std::string& bearer);

    std::unique_ptr<SbankenSimulator> sim_;
};

inline constexpr std::chrono::milliseconds kWaitTimeout{5000};

}  // namespace bank2mqtt::sim::test
