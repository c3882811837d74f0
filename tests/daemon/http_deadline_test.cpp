// SPDX-License-Identifier: MIT
// PocoHttpClient's limits against loopback servers that misbehave: a reply dripped one byte at a
// time ends at the request's deadline, a reply over the size limit says so, and an expired
// certificate reads "expired".
#include "json_reply.h"
#include "poco_http_client.h"
#include "sbanken_simulator.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace bank2mqtt {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

const std::string certDir = BANK2MQTT_TEST_CERT_DIR;

// Plain HTTP on 127.0.0.1 that answers every connection with `reply`: the bytes from `dripFrom`
// on are sent one at a time, `gap` apart (a bank that is alive but hopelessly slow). Stops at
// once when destroyed.
class DrippingServer {
public:
    DrippingServer(std::string reply, std::size_t dripFrom, std::chrono::milliseconds gap)
        : reply_(std::move(reply)), dripFrom_(dripFrom), gap_(gap),
          socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), thread_([this] { serve(); })
    {
    }
    ~DrippingServer()
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        stop_.notify_all();
        socket_.close();  // wakes accept()
        thread_.join();
    }

    std::string url() const
    {
        return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/accounts/";
    }

    /// Waits until a whole request has arrived; false after `timeout`.
    bool waitForRequest(std::chrono::milliseconds timeout)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        return stop_.wait_for(lock, timeout, [this] { return requestSeen_; });
    }

private:
    void serve()
    {
        try {
            Poco::Net::StreamSocket client = socket_.acceptConnection();
            std::string request;
            char buffer[1024];
            while (request.find("\r\n\r\n") == std::string::npos) {
                const int n = client.receiveBytes(buffer, sizeof buffer);
                if (n <= 0)
                    return;
                request.append(buffer, static_cast<std::size_t>(n));
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                requestSeen_ = true;
            }
            stop_.notify_all();
            client.sendBytes(reply_.data(), static_cast<int>(dripFrom_));
            for (std::size_t i = dripFrom_; i < reply_.size(); ++i) {
                std::unique_lock<std::mutex> lock(mutex_);
                if (stop_.wait_for(lock, gap_, [this] { return stopping_; }))
                    return;
                lock.unlock();
                client.sendBytes(reply_.data() + i, 1);
            }
        } catch (const std::exception&) {
            // The client hung up (as it should at its deadline) or the server is stopping.
        }
    }

    std::string reply_;
    std::size_t dripFrom_;
    std::chrono::milliseconds gap_;
    std::mutex mutex_;
    std::condition_variable stop_;
    bool stopping_ = false;
    bool requestSeen_ = false;
    Poco::Net::ServerSocket socket_;
    std::thread thread_;
};

std::string okReply(std::size_t bodyBytes)
{
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(bodyBytes) + "\r\n\r\n" + std::string(bodyBytes, ' ');
}

HttpRequest getRequest(const std::string& url, std::chrono::milliseconds timeout)
{
    HttpRequest request;
    request.url = url;
    request.timeout = timeout;
    return request;
}

struct Drip {
    const char* name;
    bool headersToo;  ///< drip from the first byte of the status line, else only the body
};

class DrippedReply : public ::testing::TestWithParam<Drip> {};

// Each byte comes well within the timeout, so a per-read timeout never fires: only a deadline
// for the whole request ends it (the reply would take 6 s).
TEST_P(DrippedReply, EndsAtTheRequestsDeadline)
{
    const std::string reply = okReply(40);
    DrippingServer server(reply, GetParam().headersToo ? 0 : reply.size() - 40, 150ms);
    PocoHttpClient client({});
    const auto start = SteadyClock::now();
    const HttpResponse response = client.send(getRequest(server.url(), 1s));
    const auto took = SteadyClock::now() - start;
    EXPECT_EQ(response.transportError, TransportError::Timeout) << response.errorText;
    EXPECT_EQ(response.errorText, "no complete reply within 1 s");
    EXPECT_GE(took, 900ms);
    EXPECT_LT(took, 1500ms);
    EXPECT_EQ(describeTransportError(response, 1s), "the bank did not answer within 1 s");
}

INSTANTIATE_TEST_SUITE_P(Drips, DrippedReply,
                         ::testing::Values(Drip{"HeadersAndBody", true}, Drip{"BodyOnly", false}),
                         [](const ::testing::TestParamInfo<Drip>& info) {
                             return std::string(info.param.name);
                         });

TEST(HttpDeadline, TheSourcesTimeoutCapsTheRequestsDeadline)
{
    DrippingServer server(okReply(40), 0, 150ms);
    PocoHttpClient::Options options;
    options.timeout = 1s;
    PocoHttpClient client(options);
    const auto start = SteadyClock::now();
    const HttpResponse response = client.send(getRequest(server.url(), 20s));
    EXPECT_EQ(response.transportError, TransportError::Timeout) << response.errorText;
    EXPECT_LT(SteadyClock::now() - start, 1500ms);
}

TEST(HttpDeadline, AFastReplyIsUnaffected)
{
    DrippingServer server(okReply(40), okReply(40).size(), 1ms);
    PocoHttpClient client({});
    const HttpResponse response = client.send(getRequest(server.url(), 1s));
    EXPECT_EQ(response.transportError, TransportError::None) << response.errorText;
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body.size(), 40u);
}

// abort() (shutdown) ends a request that waits for a reply at once, and every later one.
TEST(HttpDeadline, AbortEndsARequestInFlight)
{
    DrippingServer server(okReply(40), 0, 60s);  // accepts, reads, then says nothing
    PocoHttpClient client({});
    HttpResponse response;
    std::thread requester([&] { response = client.send(getRequest(server.url(), 20s)); });
    ASSERT_TRUE(server.waitForRequest(5s));
    const auto start = SteadyClock::now();
    client.abort();
    requester.join();
    EXPECT_LT(SteadyClock::now() - start, 1s);
    EXPECT_EQ(response.transportError, TransportError::Aborted) << response.errorText;
    EXPECT_EQ(client.send(getRequest(server.url(), 1s)).transportError, TransportError::Aborted);
}

struct Oversize {
    const char* name;
    bool announced;  ///< Content-Length given, else the body runs until the connection closes
};

class OversizedReply : public ::testing::TestWithParam<Oversize> {};

TEST_P(OversizedReply, NamesTheLimitInsteadOfAnUnreachableBank)
{
    const std::size_t bodyBytes = 1024 * 1024 + 100;
    const std::string head =
        GetParam().announced
            ? "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(bodyBytes) + "\r\n\r\n"
            : std::string("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    const std::string reply = head + std::string(bodyBytes, 'x');
    DrippingServer server(reply, reply.size(), 1ms);
    PocoHttpClient::Options options;
    options.maxBodyBytes = 1024 * 1024;
    PocoHttpClient client(options);
    const HttpResponse response = client.send(getRequest(server.url(), 5s));
    EXPECT_EQ(response.transportError, TransportError::Other);
    EXPECT_EQ(response.errorText, "the reply was larger than 1 MB");
    EXPECT_EQ(describeTransportError(response, 5s),
              "the request to the bank failed: the reply was larger than 1 MB");
}

INSTANTIATE_TEST_SUITE_P(Bodies, OversizedReply,
                         ::testing::Values(Oversize{"WithContentLength", true},
                                           Oversize{"UntilClose", false}),
                         [](const ::testing::TestParamInfo<Oversize>& info) {
                             return std::string(info.param.name);
                         });

// OpenSSL objects freed by unique_ptr.
template <typename T, void (*Free)(T*)> struct Freer {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)> using Owned = std::unique_ptr<T, Freer<T, Free>>;

template <typename T>
T* readPem(const std::string& path, T* (*read)(FILE*, T**, pem_password_cb*, void*))
{
    std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(path.c_str(), "r"), &std::fclose);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    T* object = read(in.get(), nullptr, nullptr, nullptr);
    if (object == nullptr)
        throw std::runtime_error(path + " holds no PEM object");
    return object;
}

// A server certificate for 127.0.0.1 signed by the test CA whose validity ended yesterday, as
// expired.pem/expired.key in `dir`.
void writeExpiredCertificate(const std::filesystem::path& dir)
{
    Owned<X509, X509_free> ca(readPem<X509>(certDir + "/ca.pem", PEM_read_X509));
    Owned<EVP_PKEY, EVP_PKEY_free> caKey(
        readPem<EVP_PKEY>(certDir + "/ca.key", PEM_read_PrivateKey));
    Owned<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
    Owned<X509, X509_free> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -30L * 24 * 3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), -24L * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
    X509V3_CTX context;
    X509V3_set_ctx(&context, ca.get(), cert.get(), nullptr, nullptr, 0);
    Owned<X509_EXTENSION, X509_EXTENSION_free> san(X509V3_EXT_conf_nid(
        nullptr, &context, NID_subject_alt_name, "IP:127.0.0.1, DNS:localhost"));
    X509_add_ext(cert.get(), san.get(), -1);
    if (X509_sign(cert.get(), caKey.get(), EVP_sha256()) == 0)
        throw std::runtime_error("cannot sign the expired certificate");
    std::unique_ptr<FILE, int (*)(FILE*)> certOut(std::fopen((dir / "expired.pem").c_str(), "w"),
                                                  &std::fclose);
    std::unique_ptr<FILE, int (*)(FILE*)> keyOut(std::fopen((dir / "expired.key").c_str(), "w"),
                                                 &std::fclose);
    if (!certOut || !keyOut || PEM_write_X509(certOut.get(), cert.get()) != 1 ||
        PEM_write_PrivateKey(keyOut.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("cannot write the expired certificate");
}

TEST(HttpCertificate, AnExpiredCertificateReadsExpiredNotUntrusted)
{
    const auto dir = std::filesystem::temp_directory_path() /
                     ("bank2mqtt-expired-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    writeExpiredCertificate(dir);
    sim::SimulatorOptions simOptions;
    simOptions.certFile = (dir / "expired.pem").string();
    simOptions.keyFile = (dir / "expired.key").string();
    sim::SbankenSimulator sim(simOptions);
    sim.start();

    PocoHttpClient::Options options;
    options.caFile = certDir + "/ca.pem";
    PocoHttpClient client(options);
    const HttpResponse response = client.send(getRequest(sim.apiUrl(1) + "/accounts/", 5s));
    std::filesystem::remove_all(dir);
    EXPECT_EQ(response.transportError, TransportError::TlsFailed);
    EXPECT_NE(response.errorText.find("certificate has expired"), std::string::npos)
        << response.errorText;
    EXPECT_EQ(response.errorText.find("not trusted"), std::string::npos) << response.errorText;
    EXPECT_NE(describeTransportError(response, 5s).find("expired"), std::string::npos);
}

}  // namespace
}  // namespace bank2mqtt
