// SPDX-License-Identifier: MIT
// Why a connect to the MQTT broker failed, in one sentence naming the [mqtt] key to fix.
//
// What Paho C++ 1.2 (on paho.mqtt.c 1.3.12) reports when a connect fails:
//  - a CONNACK refusal: return code 1..5 (MQTT 3.1.1, 3.2.2.3); mosquitto answers a wrong user
//    name or password with 5 (not authorised), not 4;
//  - everything else: -1 with "TCP/TLS connect failure", "socket error" or "TCP connect
//    completion failure", the same for no listener, an untrusted broker certificate, a
//    certificate for another host and a refused client certificate. OpenSSL's reason goes only
//    to the SSL options' error handler, which Paho C++ 1.2 cannot use safely: its context
//    pointer names the connect_options copy that async_client::connect() destroys on return.
// So a failed TLS connect is diagnosed by one handshake of our own with the same files
// (diagnoseTls below), which names the cause.
#include "mqtt_connect_failure.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>

namespace bank2mqtt {
namespace {

std::string quoted(const std::string& text)
{
    return "\"" + text + "\"";
}

/// "host:port" of a URI (scheme://host:port[/path]); IPv6 keeps its brackets.
std::string authorityOf(const std::string& uri)
{
    const std::size_t start = uri.find("://");
    const std::string rest = start == std::string::npos ? uri : uri.substr(start + 3);
    return rest.substr(0, rest.find('/'));
}

std::string hostOf(const std::string& uri)
{
    const std::string authority = authorityOf(uri);
    if (!authority.empty() && authority.front() == '[')
        return authority.substr(1, authority.find(']') - 1);
    return authority.substr(0, authority.rfind(':'));
}

bool contains(const std::string& text, const char* part)
{
    return text.find(part) != std::string::npos;
}

std::string clientCertificate(const PahoMqttClient::Options& o)
{
    return "the client certificate (cert_file " + quoted(o.certFile) + ", key_file " +
           quoted(o.keyFile) + ")";
}

std::string describeRefusal(int code, const PahoMqttClient::Options& o)
{
    const std::string where = "the MQTT broker at " + o.uri;
    switch (code) {
    case 1:
        return where + " refused the protocol version MQTT 3.1.1";
    case 2:
        return where + " refused the client id " + quoted(o.clientId) +
               ": set a unique client_id in [mqtt]";
    case 3:
        return where + " answered that the MQTT service is unavailable: it is retried later";
    default:
        break;
    }
    // Mosquitto and most brokers answer a wrong password with 5 (not authorised), not 4.
    if (code == 4 || !o.username.empty())
        return where + " refused user name " + quoted(o.username) +
               " or its password: check username and password_file in [mqtt]";
    if (!o.certFile.empty())
        return where + " refused the connection as not authorised for " + clientCertificate(o) +
               " without a user name: set username and password_file in [mqtt] if it needs them";
    return where +
           " refused the connection as not authorised: it needs a user name, so set username "
           "and password_file in [mqtt]";
}

std::string authorityWithPort(const std::string& uri)
{
    std::string authority = authorityOf(uri);
    const bool hasPort = authority.find(']') == std::string::npos
                             ? authority.find(':') != std::string::npos
                             : authority.back() != ']';
    // Paho's defaults: 1883 (tcp), 8883 (ssl, mqtts), 80 (ws), 443 (wss).
    const char* port = uri.rfind("wss://", 0) == 0  ? ":443"
                       : uri.rfind("ws://", 0) == 0 ? ":80"
                       : isTlsUri(uri)              ? ":8883"
                                                    : ":1883";
    return hasPort ? authority : authority + port;
}

/// The reason of OpenSSL's most recent error on this thread, or `fallback`.
std::string opensslReason(const char* fallback)
{
    const unsigned long code = ERR_peek_last_error();
    const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
    ERR_clear_error();
    return reason != nullptr ? reason : fallback;
}

struct TlsDiagnosis {
    enum Kind { Unreachable, Untrusted, WrongHost, PeerRefused, Failed, Fine } kind = Fine;
    std::string reason;  ///< OpenSSL's words, when it has some
};

bool isIpAddress(const std::string& host)
{
    std::unique_ptr<ASN1_OCTET_STRING, decltype(&ASN1_OCTET_STRING_free)> ip(
        a2i_IPADDRESS(host.c_str()), ASN1_OCTET_STRING_free);
    ERR_clear_error();
    return ip != nullptr;
}

/// One TLS handshake with the broker using the client's files, checked the way Paho checks it
/// (the chain, then the host name), plus one read: a TLS 1.3 broker sends its refusal of the
/// client certificate only after the client's side of the handshake is complete. At most
/// about 3 s. A write to a broker that already hung up cannot kill the process: paho.mqtt.c
/// ignores SIGPIPE from MQTTAsync_create() on.
TlsDiagnosis diagnoseTls(const PahoMqttClient::Options& o)
{
    Poco::Net::StreamSocket socket;
    try {
        socket.connect(Poco::Net::SocketAddress(authorityWithPort(o.uri)), Poco::Timespan(2, 0));
        socket.setReceiveTimeout(Poco::Timespan(1, 0));
        socket.setSendTimeout(Poco::Timespan(1, 0));
    } catch (const Poco::Exception&) {
        return {TlsDiagnosis::Unreachable, ""};
    }
    ERR_clear_error();
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                          SSL_CTX_free);
    if (!ctx)
        return {TlsDiagnosis::Failed, opensslReason("no TLS context")};
    // With insecure = true Paho does not verify the broker, so neither does the diagnosis.
    SSL_CTX_set_verify(ctx.get(), o.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
    const int trustLoaded =
        o.caFile.empty() ? SSL_CTX_load_verify_locations(ctx.get(), nullptr, "/etc/ssl/certs")
                         : SSL_CTX_load_verify_locations(ctx.get(), o.caFile.c_str(), nullptr);
    if (trustLoaded != 1)
        return {TlsDiagnosis::Failed, "cannot load ca_file: " + opensslReason("unreadable")};
    if (!o.certFile.empty() &&
        (SSL_CTX_use_certificate_chain_file(ctx.get(), o.certFile.c_str()) != 1 ||
         SSL_CTX_use_PrivateKey_file(ctx.get(), o.keyFile.c_str(), SSL_FILETYPE_PEM) != 1))
        return {TlsDiagnosis::Failed,
                "cannot load cert_file or key_file: " + opensslReason("unreadable")};
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
    if (!ssl || SSL_set_fd(ssl.get(), static_cast<int>(socket.impl()->sockfd())) != 1)
        return {TlsDiagnosis::Failed, opensslReason("no TLS session")};
    const std::string host = hostOf(o.uri);
    const bool isIp = isIpAddress(host);
    if (!isIp)
        SSL_set_tlsext_host_name(ssl.get(), host.c_str());
    if (SSL_connect(ssl.get()) != 1) {
        const long verify = SSL_get_verify_result(ssl.get());
        if (verify != X509_V_OK) {
            ERR_clear_error();
            return {TlsDiagnosis::Untrusted, X509_verify_cert_error_string(verify)};
        }
        const std::string reason = opensslReason("the broker closed the connection");
        return {contains(reason, "alert") ? TlsDiagnosis::PeerRefused : TlsDiagnosis::Failed,
                reason};
    }
    std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl.get()),
                                                     X509_free);
    const int named = !cert  ? 0
                      : isIp ? X509_check_ip_asc(cert.get(), host.c_str(), 0)
                             : X509_check_host(cert.get(), host.data(), host.size(), 0, nullptr);
    if (named != 1 && !o.insecure)
        return {TlsDiagnosis::WrongHost, ""};
    char byte = 0;
    if (SSL_read(ssl.get(), &byte, 1) <= 0) {
        const std::string reason = opensslReason("");
        if (contains(reason, "alert"))
            return {TlsDiagnosis::PeerRefused, reason};
    }
    ERR_clear_error();
    return {TlsDiagnosis::Fine, ""};
}

std::string describeTlsFailure(const std::string& pahoMessage, const PahoMqttClient::Options& o)
{
    const std::string where = "the MQTT broker at " + o.uri;
    const TlsDiagnosis d = diagnoseTls(o);
    switch (d.kind) {
    case TlsDiagnosis::Unreachable:
        return where + " cannot be reached (nothing accepts connections at " +
               authorityWithPort(o.uri) + "): check that the broker runs and listens there";
    case TlsDiagnosis::Untrusted:
        return "the certificate of " + where + " is not trusted by " +
               (o.caFile.empty() ? "the system's CA certificates (ca_file is not set)"
                                 : "ca_file " + quoted(o.caFile)) +
               " (OpenSSL: " + d.reason +
               "): set ca_file to the CA that signed the broker's certificate";
    case TlsDiagnosis::WrongHost:
        return "the certificate of " + where + " does not name the host " + quoted(hostOf(o.uri)) +
               ": connect with a host name the certificate lists, or give the broker a "
               "certificate for this one";
    case TlsDiagnosis::PeerRefused:
        if (o.certFile.empty())
            return where + " requires a client certificate (OpenSSL: " + d.reason +
                   "): set cert_file and key_file in [mqtt]";
        return where + " refused " + clientCertificate(o) + " (OpenSSL: " + d.reason +
               "): use a certificate signed by a CA the broker trusts";
    case TlsDiagnosis::Failed:
        return "the TLS handshake with " + where + " failed (OpenSSL: " + d.reason +
               "): check that the port is a TLS listener, and ca_file, cert_file and key_file "
               "in [mqtt]";
    case TlsDiagnosis::Fine:
        break;
    }
    return "could not connect to " + where + " over TLS (" + pahoMessage +
           "), although a test handshake with the same files succeeded; it is retried";
}

}  // namespace

bool isTlsUri(const std::string& uri)
{
    return uri.rfind("ssl://", 0) == 0 || uri.rfind("wss://", 0) == 0 ||
           uri.rfind("mqtts://", 0) == 0;
}

std::string describeConnectFailure(int code, const std::string& message,
                                   const PahoMqttClient::Options& o)
{
    if (code > 0)
        return describeRefusal(code, o);
    if (isTlsUri(o.uri))
        return describeTlsFailure(message, o);
    if (message == "TCP/TLS connect failure")
        return "the MQTT broker at " + o.uri + " cannot be reached (nothing accepts " +
               "connections at " + authorityWithPort(o.uri) +
               "): check that the broker runs and listens there";
    std::string text = "could not connect to the MQTT broker at " + o.uri + ": " + message;
    if (text.back() == ' ' || text.back() == ':')
        text += "connection failed";
    return text;
}

}  // namespace bank2mqtt
