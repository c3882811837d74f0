// SPDX-License-Identifier: MIT
// The project's Enable Banking simulator as a child process, plus a client for its control port.
#pragma once

#include "harness/child_process.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bank2mqtt::itest {

/// The simulator's defaults (tests/enablebanking_sim).
namespace ebsim {
inline const std::string kAppId = "3f0c6a2e-8d41-4b7a-9c55-2e7b1d9a4f60";
inline const std::string kRedirectUrl = "https://enablebanking.com/";
inline const std::string kBank = "DNB";
inline const std::string kCountry = "NO";
/// Account keys on the control port, and their IBANs (never published in full).
inline const std::string kLommepenger = "lommepenger";
inline const std::string kSparekonto = "sparekonto";
inline const std::string kFelleskonto = "felleskonto";
inline const std::string kLommepengerIban = "NO9297104133219";
}  // namespace ebsim

/// GET /counters, the parts tests look at.
struct EbSimCounters {
    std::map<std::string, int> requests;      ///< per endpoint: application, aspsps, auth, login,
                                              ///< sessions, session, details, balances, ...
    std::map<std::string, int> balanceCalls;  ///< per account key, since reset
    std::map<std::string, int> transactionCalls;  ///< listings (first pages) per account key
    int transactionRequests = 0;  ///< GET /accounts/{uid}/transactions, every page, since reset
    int jwtsAccepted = 0;
    int jwtsRejected = 0;
    int distinctJwts = 0;
    int rateLimited = 0;
};

/// A transaction to add to an account (POST /transactions on the control port).
struct EbSimTransaction {
    std::string amount;  ///< signed: "-49.00" is a debit (DBIT), "250.00" a credit (CRDT)
    std::string text;    ///< the counterpart's name: the creditor of a debit, debtor of a credit
    std::string status = "BOOK";          ///< BOOK, PDNG, HOLD, CNCL, ...
    std::string date;                     ///< "YYYY-MM-DD"; "" = the simulator's today
    std::string entryReference = "auto";  ///< "auto": a new one; "": none
    std::string counterpartIban;  ///< creditor_account of a debit, debtor_account of a credit
    std::string remittance;       ///< one remittance_information line; "" = none
};

/// GET /accounts: one account of the dataset, with what must never be published.
struct EbSimAccount {
    std::string key;
    std::string iban;
    std::string identificationHash;
    std::vector<std::string> uids;  ///< every uid issued for it, one per consent
};

/// Owns a bank2mqtt-enablebanking-sim process with ports chosen by the kernel. Control calls
/// are plain HTTP to 127.0.0.1 and throw std::runtime_error on any failure with the reply's
/// body. Not thread-safe.
class EnableBankingSimulator {
public:
    /// `binary`: the simulator; `certDir`: server.pem/.key and eb-app.pub (build/test-certs).
    EnableBankingSimulator(std::string binary, std::string certDir);
    ~EnableBankingSimulator();

    EnableBankingSimulator(const EnableBankingSimulator&) = delete;
    EnableBankingSimulator& operator=(const EnableBankingSimulator&) = delete;

    /// Starts it (extra command-line options, e.g. "--daily-limit=2") and waits for READY.
    /// After a stop() the new process listens on the same HTTPS port; its state is new.
    void start(const std::vector<std::string>& extraArgs = {});
    /// SIGTERM and wait for the exit.
    void stop();

    int httpsPort() const { return httpsPort_; }
    int controlPort() const { return controlPort_; }
    /// "https://127.0.0.1:<port>": the plugin's API base URL.
    std::string apiUrl() const;
    /// The application's private key (PKCS#8 PEM) that signs valid JWTs.
    std::string appKeyFile() const { return certDir_ + "/eb-app.key"; }

    /// What the PSU's browser does with the login URL from /auth: GETs it (trusting the test
    /// CA) and returns the Location it redirects to (redirect_url?code=...&state=...).
    std::string login(const std::string& authUrl);

    EbSimCounters counters();
    void resetCounters();
    /// Replaces an account's balances, e.g. {{"CLBD","437.25"},{"ITAV","400.00"}}.
    void setBalances(const std::string& account, const std::map<std::string, std::string>& byType);
    /// Adds an entry to an account's statement; returns its entry_reference ("" for none).
    std::string addTransaction(const std::string& account, const EbSimTransaction& entry);
    /// Books a pending entry today, keeping its entry_reference or giving it a new one (as some
    /// banks do); returns the reference it has now.
    std::string bookTransaction(const std::string& account, const std::string& entryReference,
                                bool keepReference = true);
    /// GET /accounts/{uid}/transactions requests since the last reset, every page counted.
    int transactionRequests();
    /// Entries per page of the transaction listing (1..1000; the simulator starts with 50).
    void setTransactionPageSize(int entries);
    /// Expires every session (or the one given): data calls answer 401 EXPIRED_SESSION.
    void expireSessions(const std::string& sessionId = "");
    /// false: every call but GET /application answers 403 "Application is not active".
    void setApplicationActive(bool active);
    /// Adds a fault: mode 503|500|html|truncated|slow|429|psu_header|wrong_parameters|
    /// aspsp_error|expired_session; endpoint "any" or one counter name; account a key or "";
    /// count 0 = until clearFaults(); status 0 = the mode's own.
    void fault(const std::string& mode, const std::string& endpoint = "any",
               const std::string& account = "", int count = 0, int delayMs = 0, int status = 0);
    void clearFaults();
    /// The next login redirects with error=access_denied.
    void denyNextLogin();
    /// Moves the simulator's clock (JWT expiry, sessions, 24 h windows); returns its new now.
    long long advanceClock(long long seconds);
    long long now();
    /// Every distinct accepted JWT (for secret sweeps).
    std::vector<std::string> jwts();
    /// The dataset with full IBANs, hashes and every uid issued (for secret sweeps).
    std::vector<EbSimAccount> accounts();
    /// The id of every session created so far.
    std::vector<std::string> sessionIds();

    std::string transcript() const;

private:
    std::string post(const std::string& pathAndQuery);
    std::string request(const std::string& method, const std::string& pathAndQuery);

    std::string binary_;
    std::string certDir_;
    int httpsPort_ = 0;
    int controlPort_ = 0;
    int httpsPortGuard_ = -1;  // bound, never listening: keeps httpsPort_ free for a restart
    std::unique_ptr<ChildProcess> process_;
    std::string pastTranscripts_;
};

}  // namespace bank2mqtt::itest
