// SPDX-License-Identifier: MIT
// The TLS side of PocoHttpClient: shared client contexts, and why a handshake failed, in words.
#include "tls_context.h"

#include <Poco/Net/SSLException.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <mutex>

namespace bank2mqtt {
namespace {

// Why OpenSSL refused the bank's certificate chain, recorded by recordVerifyResult() on the
// thread that runs the handshake (X509_V_OK when nothing was refused). OpenSSL's own text says
// only "certificate verify failed", whatever the cause.
thread_local int lastVerifyError = X509_V_OK;

int recordVerifyResult(int ok, X509_STORE_CTX* store)
{
    if (!ok && lastVerifyError == X509_V_OK)
        lastVerifyError = X509_STORE_CTX_get_error(store);
    return ok;
}

// The system's CA directory: $SSL_CERT_DIR, or OpenSSL's default (/usr/lib/ssl/certs, a link to
// /etc/ssl/certs on Debian).
std::string systemCertificateDirectory()
{
    const char* fromEnvironment = std::getenv(X509_get_default_cert_dir_env());
    return fromEnvironment != nullptr && *fromEnvironment != '\0' ? fromEnvironment
                                                                  : X509_get_default_cert_dir();
}

// The system's CAs are looked up lazily, by subject hash, in the hashed certificate directory
// rather than loaded from the bundle: Poco's loadDefaultCAs parses all ~140 certificates of the
// bundle into the context at start-up (~0.8 MB of heap and most of the start-up CPU). Only the
// CA a bank's chain needs is ever read. Without such a directory, the bundle is loaded.
void trustSystemCertificates(SSL_CTX* context, const std::string& directory)
{
    struct stat info {};
    if (::stat(directory.c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
        SSL_CTX_load_verify_dir(context, directory.c_str()) == 1)
        return;
    SSL_CTX_set_default_verify_paths(context);
}

Poco::Net::Context::Ptr makeContext(const std::string& caFile, bool insecure,
                                    const std::string& certificateDirectory)
{
    Poco::Net::Context::Params params;
    params.caLocation = caFile;
    params.loadDefaultCAs = false;  // see trustSystemCertificates(); caFile is added to them
    // STRICT: Poco skips the host-name check for loopback servers in RELAXED mode. NONE only
    // for `insecure = true`, which send() confines to loopback hosts.
    params.verificationMode =
        insecure ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    trustSystemCertificates(context->sslContext(), certificateDirectory);
    context->enableSessionCache(true);
    // Sessions are kept per origin by the client (rememberTlsSession()), not also in OpenSSL's
    // cache of the shared context, which would grow with every session of every source.
    SSL_CTX_set_session_cache_mode(context->sslContext(),
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    // An idle kept-alive connection gives its ~34 kB of record buffers back between polls.
    SSL_CTX_set_mode(context->sslContext(), SSL_MODE_RELEASE_BUFFERS);
    if (!insecure)  // same checks as Poco's callback, plus the reason for tlsFailureText()
        SSL_CTX_set_verify(context->sslContext(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                           &recordVerifyResult);
    return context;
}

}  // namespace

// Sources with the same trust settings share one TLS context: its CA store and session cache
// are the bulk of a context's memory, and with 100 sources one context each cost ~2.5 MB.
// Contexts live until the process ends; there are as many as distinct (ca_file, insecure).
Poco::Net::Context::Ptr sharedTlsContext(const std::string& caFile, bool insecure)
{
    static std::mutex mutex;
    static std::map<std::string, Poco::Net::Context::Ptr> contexts;
    const std::string directory = systemCertificateDirectory();
    const std::string key = caFile + '\n' + directory + (insecure ? "\n!" : "\n");
    std::lock_guard<std::mutex> lock(mutex);
    Poco::Net::Context::Ptr& context = contexts[key];
    if (!context)
        context = makeContext(caFile, insecure, directory);
    return context;
}

void forgetTlsVerifyError()
{
    lastVerifyError = X509_V_OK;
}

// OpenSSL's and Poco's texts ("error:0A000086:SSL routines::certificate verify failed",
// "Unacceptable certificate from ...") in words a user can act on. Kept short: plugins cut
// transport texts at 120 characters.
std::string tlsFailureText(const Poco::Net::SSLException& e, const std::string& host)
{
    const std::string text = e.message().empty() ? std::string(e.what()) : e.message();
    if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) != nullptr)
        return "the bank's certificate is not valid for the host name " + host;
    switch (lastVerifyError) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return "the bank's certificate has expired; the bank must renew it (or this machine's "
               "clock is wrong)";
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return "the bank's certificate is not valid yet; check this machine's clock";
    default:
        break;
    }
    if (text.find("certificate verify failed") != std::string::npos)
        return "the bank's certificate is not trusted; if the bank uses a private CA, name it in "
               "ca_file";
    return text;
}

}  // namespace bank2mqtt
