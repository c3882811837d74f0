// SPDX-License-Identifier: MIT
// Helpers for the Enable Banking simulator's tests: JWT signing, HTTPS client, fixture.
#pragma once

#include "eb_sim_http.h"
#include "enablebanking_simulator.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/NameValueCollection.h>

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace bank2mqtt::ebsim::test {

std::string certPath(const std::string& file);
Poco::Net::Context::Ptr clientContext();

struct HttpResult {
    int status = 0;
    std::string contentType;
    std::string body;
    Poco::Net::NameValueCollection headers;
};

HttpResult request(Poco::Net::HTTPClientSession& session, const std::string& method,
                   const std::string& uri, const std::map<std::string, std::string>& headers = {},
                   const std::string& body = "", bool contentLength = true);

Poco::JSON::Object::Ptr parseObject(const std::string& text);

/// What a JWT says; the defaults make a valid one at `iat`.
struct JwtSpec {
    std::string keyFile = "eb-app.key";
    std::string algorithm = "RS256";
    std::string typ = "JWT";  ///< empty: no typ
    std::string kid = kDefaultAppId;
    std::string iss = "enablebanking.com";
    std::string aud = "api.enablebanking.com";
    long long iat = 0;
    long long lifetime = 3600;
};
/// Signs `spec` with Poco::JWT (RS256 with the key file, HS256 with a fixed secret).
std::string signJwt(const JwtSpec& spec);

/// A simulator on 127.0.0.1, ports 0, test key and default limits; fresh per test.
class EbSimTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    /// Options SetUp() starts the simulator with; override to change them.
    virtual void adjust(EbSimOptions&) {}

    std::unique_ptr<Poco::Net::HTTPClientSession> httpsSession();
    /// A valid JWT at the simulator's now.
    std::string jwt();
    /// One API call with a valid JWT (or `bearer` when given).
    HttpResult api(const std::string& method, const std::string& uri, const std::string& body = "",
                   const std::string& bearer = "",
                   const std::map<std::string, std::string>& extra = {});
    HttpResult control(const std::string& method, const std::string& uriWithQuery);

    /// POST /auth for `aspsp` in NO with valid_until now + `validity`; the reply.
    HttpResult startAuth(long long validity, const std::string& aspsp = "DNB",
                         const std::string& state = "st-1");
    /// Follows the login URL; returns the Location header.
    std::string followLogin(const std::string& url);
    /// /auth, login and /sessions: the AuthorizeSessionResponse.
    Poco::JSON::Object::Ptr consent();
    /// The uid of account number `index` in an AuthorizeSessionResponse.
    static std::string uidAt(const Poco::JSON::Object::Ptr& session, unsigned index);

    std::unique_ptr<EnableBankingSimulator> sim_;
};

/// The `code` query parameter of a redirect location ("" when absent).
std::string queryParam(const std::string& location, const std::string& name);

}  // namespace bank2mqtt::ebsim::test
