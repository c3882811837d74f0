// SPDX-License-Identifier: MIT
// Recorded Sbanken replies in cases/<case>/ run through the reply parsers (Telegraf style).
//
// Each case folder holds:
//   request.txt    "POST <auth url>", "GET <api>/accounts/" or "GET <api>/accounts/<id>": which
//                  parser the reply goes to (token, list or single account)
//   response.http  the reply as recorded: "HTTP/1.1 <status> <reason>", headers, a blank line,
//                  the body (anonymised); or one line "TRANSPORT <Timeout|ConnectFailed|TlsFailed>
//                  <text>" for a request that got no reply
//   expected.txt   the classified result, rendered by render() below
// Set SBANKEN_UPDATE_CASES=1 to rewrite expected.txt from the current code (then review the diff).
#include "sbanken_api.h"

#include "money.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace bank2mqtt::sbanken::test {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> caseNames()
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(SBANKEN_CASES_DIR)) {
        if (entry.is_directory())
            names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

TransportError transportErrorNamed(const std::string& name)
{
    if (name == "Timeout")
        return TransportError::Timeout;
    if (name == "ConnectFailed")
        return TransportError::ConnectFailed;
    if (name == "TlsFailed")
        return TransportError::TlsFailed;
    return TransportError::Other;
}

HttpResponse recordedResponse(const std::string& text)
{
    HttpResponse r;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    std::istringstream first(line);
    std::string protocol;
    first >> protocol;
    if (protocol == "TRANSPORT") {
        std::string kind;
        first >> kind;
        r.transportError = transportErrorNamed(kind);
        std::getline(first >> std::ws, r.errorText);
        return r;
    }
    first >> r.status;
    std::getline(first >> std::ws, r.reason);
    while (std::getline(in, line) && !line.empty()) {
        const auto colon = line.find(':');
        r.headers.emplace_back(line.substr(0, colon),
                               line.substr(line.find_first_not_of(' ', colon + 1)));
    }
    const auto blank = text.find("\n\n");
    r.body = blank == std::string::npos ? "" : text.substr(blank + 2);
    return r;
}

std::string money(const Money& m)
{
    return formatMoney(m) + " " + m.currency;
}

void renderOutcome(std::ostringstream& out, const FetchResult& outcome)
{
    out << "status: " << toString(outcome.status) << "\n";
    if (!outcome.message.empty())
        out << "message: " << outcome.message << "\n";
    if (outcome.retryAfter)
        out << "retry_after: " << outcome.retryAfter->count() << "\n";
}

std::string render(const std::string& request, const HttpResponse& response, std::string& message)
{
    ReplyContext context;
    context.timeout = std::chrono::seconds(20);
    context.now = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    std::ostringstream out;
    if (request.rfind("POST ", 0) == 0) {
        const TokenReply reply = parseTokenReply(response, context);
        renderOutcome(out, reply.outcome);
        message = reply.outcome.message;
        if (reply.ok())
            out << "access_token: " << reply.accessToken
                << "\nexpires_in: " << reply.expiresIn.count() << "\n";
        return out.str();
    }
    const bool list = request.size() >= 10 && request.substr(request.size() - 10) == "/accounts/";
    const AccountsReply reply =
        parseAccountsReply(response, list ? ReplyShape::List : ReplyShape::Single, context);
    renderOutcome(out, reply.outcome);
    message = reply.outcome.message;
    if (reply.unauthorized)
        out << "unauthorized: true\n";
    if (reply.notFound)
        out << "not_found: true\n";
    for (const auto& a : reply.accounts) {
        out << "account " << a.accountId << "\n  number: " << a.accountNumber
            << "\n  masked: " << a.account.maskedNumber
            << "\n  fingerprint: " << a.account.fingerprint << "\n  name: " << a.account.name
            << "\n  type: " << a.account.type << "\n  balance: " << money(a.account.balance)
            << "\n  available: " << money(a.account.available) << "\n  credit_limit: "
            << (a.account.creditLimit ? money(*a.account.creditLimit) : "none") << "\n";
    }
    return out.str();
}

class SbankenReplyCase : public ::testing::TestWithParam<std::string> {};

TEST_P(SbankenReplyCase, MatchesExpectedOutput)
{
    const fs::path dir = fs::path(SBANKEN_CASES_DIR) / GetParam();
    std::string request = readFile(dir / "request.txt");
    request.erase(request.find_last_not_of("\r\n") + 1);
    std::string message;
    const std::string actual =
        render(request, recordedResponse(readFile(dir / "response.http")), message);
    if (const char* update = std::getenv("SBANKEN_UPDATE_CASES"); update && *update == '1')
        std::ofstream(dir / "expected.txt", std::ios::binary) << actual;
    EXPECT_EQ(actual, readFile(dir / "expected.txt"));
    // Messages never carry a full account number or national id (any run of 9+ digits).
    EXPECT_FALSE(std::regex_search(message, std::regex("[0-9]{9}"))) << message;
}

std::string caseTestName(const ::testing::TestParamInfo<std::string>& info)
{
    std::string name;
    bool upper = true;
    for (char c : info.param) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            upper = true;
            continue;
        }
        name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Recorded, SbankenReplyCase, ::testing::ValuesIn(caseNames()),
                         caseTestName);

}  // namespace
}  // namespace bank2mqtt::sbanken::test
