// SPDX-License-Identifier: MIT
// The simulator's accounts and banks, and their JSON as Enable Banking's OpenAPI names it.
#include "eb_sim_data.h"

#include "eb_sim_http.h"

#include <Poco/Crypto/DigestEngine.h>

#include <map>

namespace bank2mqtt::ebsim {

std::vector<EbAccount> defaultAccounts()
{
    // Valid Norwegian IBANs (mod 97); balance type sets differ on purpose (ITAV+CLBD, CLBD
    // only, ITBD+XPCD), as real banks differ.
    std::vector<EbAccount> accounts = {
        {"lommepenger",
         "NO9297104133219",
         "",
         "Ola Nordmann",
         "Lommepenger",
         "Brukskonto ung",
         "NOK",
         "DNBANOKK",
         {{"CLBD", "437.25"}, {"ITAV", "437.25"}},
         0},
        {"sparekonto",
         "NO7097104133227",
         "",
         "Ola Nordmann",
         "Sparekonto",
         "BSU",
         "NOK",
         "DNBANOKK",
         {{"CLBD", "12500.00"}},
         0},
        {"felleskonto",
         "NO4897104133235",
         "",
         "Kari Nordmann, Ola Nordmann",
         "Felleskonto",
         "Brukskonto",
         "NOK",
         "DNBANOKK",
         {{"ITBD", "-1520.40"}, {"XPCD", "-1490.40"}},
         0},
    };
    for (EbAccount& account : accounts) {
        account.identificationHash = sha256Hex(account.iban);
    }
    return accounts;
}

std::vector<EbAspsp> defaultAspsps()
{
    return {{"DNB", "NO", "DNBANOKK", {}},
            {"SpareBank 1 Sør-Norge", "NO", "SPSONO22", {}},
            {"SpareBank 1 Østlandet", "NO", "SPTRNO22", {}},
            {"Sparebanken Sør", "NO", "SBSRNO22", {"Psu-Ip-Address", "Psu-User-Agent"}},
            {"Nordea", "FI", "NDEAFIHH", {}}};
}

std::string sha256Hex(const std::string& text)
{
    Poco::Crypto::DigestEngine engine("SHA256");
    engine.update(text);
    return Poco::Crypto::DigestEngine::digestToHex(engine.digest());
}

std::string accountResourceJson(const EbAccount& account, const std::string& uid)
{
    return "{\"account_id\":{\"iban\":" + jsonString(account.iban) +
           "},\"all_account_ids\":[{\"identification\":" + jsonString(account.iban) +
           ",\"scheme_name\":\"IBAN\"}],\"account_servicer\":{\"bic_fi\":" +
           jsonString(account.bic) + "},\"name\":" + jsonString(account.holderName) +
           ",\"details\":" + jsonString(account.details) +
           ",\"usage\":\"PRIV\",\"cash_account_type\":\"CACC\",\"product\":" +
           jsonString(account.product) + ",\"currency\":" + jsonString(account.currency) +
           ",\"psu_status\":\"Account Holder\",\"credit_limit\":null,\"legal_age\":null" +
           ",\"postal_address\":null,\"uid\":" + jsonString(uid) +
           ",\"identification_hash\":" + jsonString(account.identificationHash) +
           ",\"identification_hashes\":[" + jsonString(account.identificationHash) + "]}";
}

std::string aspspJson(const EbAspsp& aspsp, long long maximumConsentValidity)
{
    std::string headers;
    for (const std::string& header : aspsp.requiredPsuHeaders) {
        headers += (headers.empty() ? "" : ",") + jsonString(header);
    }
    return "{\"name\":" + jsonString(aspsp.name) + ",\"country\":" + jsonString(aspsp.country) +
           ",\"logo\":\"https://enablebanking.com/brands/" + aspsp.country + "/" + aspsp.bic +
           "/\",\"psu_types\":[\"personal\",\"business\"],\"auth_methods\":[{\"name\":"
           "\"redirect\",\"title\":\"BankID\",\"psu_type\":\"personal\",\"credentials\":[],"
           "\"approach\":\"REDIRECT\",\"hidden_method\":false}],"
           "\"maximum_consent_validity\":" +
           std::to_string(maximumConsentValidity) +
           ",\"sandbox\":null,\"beta\":false,\"bic\":" + jsonString(aspsp.bic) +
           ",\"required_psu_headers\":[" + headers + "]}";
}

std::string balancesJson(const EbAccount& account, long long now)
{
    static const std::map<std::string, std::string> names = {
        {"CLBD", "Closing booked"}, {"ITAV", "Interim available"}, {"ITBD", "Interim booked"},
        {"XPCD", "Expected"},       {"CLAV", "Closing available"}, {"OPBD", "Opening booked"}};
    std::string items;
    for (const EbBalance& balance : account.balances) {
        const auto name = names.find(balance.type);
        items += std::string(items.empty() ? "" : ",") +
                 "{\"name\":" + jsonString(name == names.end() ? balance.type : name->second) +
                 ",\"balance_amount\":{\"currency\":" + jsonString(account.currency) +
                 ",\"amount\":" + jsonString(balance.amount) +
                 "},\"balance_type\":" + jsonString(balance.type) + ",\"last_change_date_time\":" +
                 jsonString(rfc3339(account.lastChange != 0 ? account.lastChange : now)) +
                 ",\"reference_date\":" + jsonString(isoDate(now)) +
                 ",\"last_committed_transaction\":null}";
    }
    return "{\"balances\":[" + items + "]}";
}

}  // namespace bank2mqtt::ebsim
