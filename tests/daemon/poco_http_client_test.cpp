// SPDX-License-Identifier: MIT
// PocoHttpClient against the Sbanken simulator on loopback: which certificates are trusted, and
// which hosts plain http:// and `insecure` may reach. The simulator serves the test CA's cert.
#include "poco_http_client.h"
#include "sbanken_simulator.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <stdlib.h>

namespace bank2mqtt {
namespace {

const std::string certDir = BANK2MQTT_TEST_CERT_DIR;

// A directory laid out like /etc/ssl/certs: the CA under "<subject hash>.0", as c_rehash does.
// Each one has a fresh name (mkdtemp): the client shares one TLS context per cert directory
// path, so two tests reusing a path would get each other's trust, whatever their order.
class HashedCertDir {
public:
    explicit HashedCertDir(bool withTestCa) : path_(makeUniqueDir())
    {
        if (!withTestCa)
            return;
        std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen((certDir + "/ca.pem").c_str(), "r"),
                                                 &std::fclose);
        if (!in)
            throw std::runtime_error("cannot read " + certDir + "/ca.pem");
        std::unique_ptr<X509, void (*)(X509*)> ca(
            PEM_read_X509(in.get(), nullptr, nullptr, nullptr), &X509_free);
        if (!ca)
            throw std::runtime_error(certDir + "/ca.pem holds no PEM certificate");
        char name[16];
        std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(ca.get()));
        std::filesystem::copy_file(certDir + "/ca.pem", path_ / name);
    }
    ~HashedCertDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    HashedCertDir(const HashedCertDir&) = delete;
    HashedCertDir& operator=(const HashedCertDir&) = delete;

    std::string path() const { return path_.string(); }

private:
    static std::filesystem::path makeUniqueDir()
    {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "bank2mqtt-certdir-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
        return pattern;
    }

    std::filesystem::path path_;
};

// Sets SSL_CERT_DIR for its lifetime and restores what was there before (set or not), so a
// failing assertion cannot leak the setting into the next test.
class ScopedCertDirEnv {
public:
    explicit ScopedCertDirEnv(const std::string& value)
    {
        if (const char* old = std::getenv(kName))
            previous_ = old;
        ::setenv(kName, value.c_str(), 1);
    }
    ~ScopedCertDirEnv()
    {
        if (previous_)
            ::setenv(kName, previous_->c_str(), 1);
        else
            ::unsetenv(kName);
    }
    ScopedCertDirEnv(const ScopedCertDirEnv&) = delete;
    ScopedCertDirEnv& operator=(const ScopedCertDirEnv&) = delete;

private:
    static constexpr const char* kName = "SSL_CERT_DIR";
    std::optional<std::string> previous_;
};

class PocoHttpClientTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        sim::SimulatorOptions options;
        options.certFile = certDir + "/server.pem";
        options.keyFile = certDir + "/server.key";
        sim_ = std::make_unique<sim::SbankenSimulator>(options);
        sim_->start();
    }

    // Any HTTP status means the TLS handshake, certificate check included, succeeded.
    HttpResponse get(PocoHttpClient& client, const std::string& url)
    {
        HttpRequest request;
        request.url = url;
        request.timeout = std::chrono::seconds(5);
        return client.send(request);
    }

    std::unique_ptr<sim::SbankenSimulator> sim_;
};

TEST_F(PocoHttpClientTest, TrustsTheSystemCertificateDirectoryWithoutLoadingABundle)
{
    HashedCertDir dir(true);
    ScopedCertDirEnv env(dir.path());
    PocoHttpClient client({});
    const HttpResponse response = get(client, sim_->apiUrl(1) + "/accounts/");
    EXPECT_EQ(response.transportError, TransportError::None) << response.errorText;
    EXPECT_EQ(response.status, 401);  // no token: the API answered, so TLS was verified
}

TEST_F(PocoHttpClientTest, RefusesACertificateNoTrustedCaSigned)
{
    HashedCertDir dir(false);
    ScopedCertDirEnv env(dir.path());
    PocoHttpClient client({});
    const HttpResponse response = get(client, sim_->apiUrl(1) + "/accounts/");
    EXPECT_EQ(response.transportError, TransportError::TlsFailed) << response.errorText;
}

TEST_F(PocoHttpClientTest, TrustsTheConfiguredCaFile)
{
    PocoHttpClient::Options options;
    options.caFile = certDir + "/ca.pem";
    PocoHttpClient client(options);
    const HttpResponse response = get(client, sim_->apiUrl(1) + "/accounts/");
    EXPECT_EQ(response.transportError, TransportError::None) << response.errorText;
}

TEST_F(PocoHttpClientTest, InsecureSkipsVerificationOnLoopback)
{
    HashedCertDir dir(false);
    ScopedCertDirEnv env(dir.path());
    PocoHttpClient::Options options;
    options.insecure = true;
    PocoHttpClient client(options);
    const HttpResponse response = get(client, sim_->apiUrl(1) + "/accounts/");
    EXPECT_EQ(response.transportError, TransportError::None) << response.errorText;
}

TEST_F(PocoHttpClientTest, InsecureNeverLeavesTheMachine)
{
    PocoHttpClient::Options options;
    options.insecure = true;
    PocoHttpClient client(options);
    // Refused before any DNS lookup or connection, so the reserved name is never resolved.
    const HttpResponse response = get(client, "https://bank.invalid/api");
    EXPECT_EQ(response.transportError, TransportError::BadUrl);
    EXPECT_NE(response.errorText.find("insecure = true is allowed only for loopback"),
              std::string::npos)
        << response.errorText;
}

TEST_F(PocoHttpClientTest, PlainHttpOnlyToLoopback)
{
    PocoHttpClient client({});
    const HttpResponse response = get(client, "http://bank.invalid/api");
    EXPECT_EQ(response.transportError, TransportError::BadUrl);
    EXPECT_NE(response.errorText.find("only https://"), std::string::npos) << response.errorText;
}

TEST_F(PocoHttpClientTest, PlainHttpReachesOnlyTheHostsAllowHttpNamed)
{
    PocoHttpClient::Options options;
    options.plainHttpHosts = {"firefly.lan"};
    PocoHttpClient client(options);
    // Another host is refused before any DNS lookup; the named one goes on to the network
    // (tested through the binary in a network namespace, tests/integration/allow_http_test).
    const HttpResponse other = get(client, "http://bank.invalid/api");
    EXPECT_EQ(other.transportError, TransportError::BadUrl);
    EXPECT_NE(other.errorText.find("the hosts of allow_http"), std::string::npos)
        << other.errorText;
}

}  // namespace
}  // namespace bank2mqtt
