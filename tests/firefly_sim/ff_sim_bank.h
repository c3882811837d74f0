// SPDX-License-Identifier: MIT
// The Firefly III simulator's behaviour, free of sockets: the dataset, /api/v1/accounts as
// Firefly 6.x answers it, the error forms, and the control routes that switch them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bank2mqtt::ffsim {

/// The personal access token the simulator accepts unless told otherwise (not a real JWT).
inline const std::string kDefaultToken =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.ZmlyZWZseS1zaW0tdGVzdC10b2tlbg.c2ltLXNpZ25hdHVyZQ";

struct FfSimOptions {
    std::string certFile;  ///< PEM server certificate (test-certs/server.pem); required
    std::string keyFile;   ///< its private key; required
    std::string bindAddress = "127.0.0.1";  ///< a loopback IP literal
    unsigned short httpsPort = 0;           ///< 0: any free port
    unsigned short httpPort = 0;            ///< plain-HTTP API (allow_http tests); 0: any
    unsigned short controlPort = 0;         ///< 0: any free port
    std::string token = kDefaultToken;
    /// Page size when a request has no `limit` (Firefly's listPageSize preference).
    int defaultPageSize = 50;
    /// Filler asset accounts (NOK) after the fixed ones, for paging tests.
    int extraAccounts = 0;
    /// Largest page of transactions whatever `limit` asks (0: none), so that paging shows
    /// with a few transactions.
    int transactionPageSize = 0;
    /// "6.3" (JPY "150000") or "6.2" (late 6.2.x: dp 0 forced to 2, JPY "150000.00").
    std::string version = "6.3";
    int keepAliveTimeoutSeconds = 15;
};

struct FfRequest {
    std::string method = "GET";
    std::string path;   ///< without the query
    std::string query;  ///< raw, without '?'
    std::string authorization;
    std::optional<std::string> accept;
    std::string listener;  ///< "https" or "http"
    std::string host;      ///< the Host header, for links
};

struct FfResponse {
    int status = 200;
    std::string contentType;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// One account of the dataset; amounts are decimal strings with `places` decimals.
struct FfAccount {
    int id = 0;
    std::string name;
    std::string type = "asset";
    std::string role = "defaultAsset";
    bool active = true;
    std::string currency;  ///< "" = no currency setting (pre-6.3 null)
    int places = 2;
    std::string balance;
    std::string iban;
    std::string accountNumber;
    std::string lastActivity;  ///< "" = null
};

class FfTransactionBook;

/// Thread-safe: the HTTPS, HTTP and control servers call it from their own threads.
class FfBank {
public:
    explicit FfBank(FfSimOptions options);
    ~FfBank();

    FfResponse api(const FfRequest& request);
    FfResponse control(const FfRequest& request);

private:
    FfResponse serve(const FfRequest& request);
    FfResponse transactionsControl(const FfRequest& request,
                                   const std::map<std::string, std::string>& query);
    FfResponse accounts(const FfRequest& request, const std::map<std::string, std::string>& query);
    std::optional<FfResponse> fault(const FfRequest& request);
    std::string itemJson(const FfAccount& account, const std::string& base) const;

    FfSimOptions options_;
    std::mutex mutex_;
    std::vector<FfAccount> accounts_;
    std::string fault_;       ///< "" or 401|302|406|422|429|500|html|login_html|
                              ///< basic_auth|truncated
    int faultRemaining_ = 0;  ///< 0 = until cleared
    bool proxy_ = false;      ///< a proxy that drops Authorization and Accept
    bool mixTypes_ = true;    ///< expense/revenue accounts on type=asset pages too
    std::map<std::string, int> counters_;
    std::unique_ptr<FfTransactionBook> book_;
};

/// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}} (malformed escapes give an empty map).
std::map<std::string, std::string> parseQuery(const std::string& query);
/// A JSON string literal of `text`.
std::string jsonString(const std::string& text);

}  // namespace bank2mqtt::ffsim
