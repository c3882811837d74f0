// SPDX-License-Identifier: MIT
// Micro-benchmarks of the pure functions on a poll's path: Sbanken reply parsing, token reply
// parsing, state payloads and Home Assistant discovery. Inputs are the simulator's replies.
#include "discovery.h"
#include "oauth2_token.h"
#include "payloads.h"
#include "sbanken_api.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

namespace {

using namespace bank2mqtt;

std::string accountObject(int n)
{
    const std::string id = std::to_string(1000000 + n);
    return "{\"accountId\":\"0BE0000000000000000000" + id + "\",\"accountNumber\":\"9710420" +
           id.substr(3) + "\",\"ownerCustomerId\":\"12345678901\",\"name\":\"Konto " +
           std::to_string(n) +
           "\",\"accountType\":\"Standard account\",\"available\":1061.70,\"balance\":1061.70,"
           "\"creditLimit\":0.00}";
}

HttpResponse jsonReply(std::string body)
{
    HttpResponse response;
    response.status = 200;
    response.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    response.body = std::move(body);
    return response;
}

HttpResponse listReply(int accounts)
{
    std::string items;
    for (int n = 1; n <= accounts; ++n) {
        items += (n == 1 ? "" : ",") + accountObject(n);
    }
    return jsonReply("{\"availableItems\":" + std::to_string(accounts) + ",\"items\":[" + items +
                     "],\"errorType\":null,\"isError\":false,\"errorMessage\":null,"
                     "\"traceId\":null}");
}

const char* const kTokenBody =
    "{\"access_token\":\"q3Zt0p6w1yTq8b0mVY3y1l0cXz6bKq3vJ9eKx2aP4sM\",\"expires_in\":3600,"
    "\"token_type\":\"Bearer\",\"scope\":\"Exec.Bank.Accounts.read_only\"}";

Account sampleAccount()
{
    Account account;
    account.fingerprint = "3f2a9c0d1e7b4a6f8c5d2e1f0a9b8c7d";
    account.name = "Lommepenger";
    account.type = "Standard account";
    account.maskedNumber = "*******3219";
    account.balance = {43725, "NOK"};
    account.available = {43725, "NOK"};
    account.creditLimit = Money{0, "NOK"};
    return account;
}

void SbankenParseAccountList(benchmark::State& state)
{
    const HttpResponse response = listReply(static_cast<int>(state.range(0)));
    const sbanken::ReplyContext context;
    for (auto _ : state) {
        auto reply = sbanken::parseAccountsReply(response, sbanken::ReplyShape::List, context);
        benchmark::DoNotOptimize(reply);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * response.body.size()));
}
BENCHMARK(SbankenParseAccountList)->Arg(4)->Arg(10);

void SbankenParseSingleAccount(benchmark::State& state)
{
    const HttpResponse response =
        jsonReply("{\"item\":" + accountObject(1) +
                  ",\"errorType\":null,\"isError\":false,\"errorMessage\":null,\"traceId\":null}");
    const sbanken::ReplyContext context;
    for (auto _ : state) {
        auto reply = sbanken::parseAccountsReply(response, sbanken::ReplyShape::Single, context);
        benchmark::DoNotOptimize(reply);
    }
}
BENCHMARK(SbankenParseSingleAccount);

void SbankenParseTokenReply(benchmark::State& state)
{
    const HttpResponse response = jsonReply(kTokenBody);
    const sbanken::ReplyContext context;
    for (auto _ : state) {
        auto reply = sbanken::parseTokenReply(response, context);
        benchmark::DoNotOptimize(reply);
    }
}
BENCHMARK(SbankenParseTokenReply);

void OAuth2ParseTokenResponse(benchmark::State& state)
{
    const std::string body = kTokenBody;
    for (auto _ : state) {
        auto reply = parseTokenResponse(body);
        benchmark::DoNotOptimize(reply);
    }
}
BENCHMARK(OAuth2ParseTokenResponse);

void PayloadAccountJson(benchmark::State& state)
{
    const Account account = sampleAccount();
    const auto now = std::chrono::system_clock::now();
    for (auto _ : state) {
        auto json = accountJson(account, now, false);
        benchmark::DoNotOptimize(json);
    }
}
BENCHMARK(PayloadAccountJson);

void PayloadSourceStatusJson(benchmark::State& state)
{
    SourceStatus status;
    status.state = SourceState::Ok;
    status.lastSuccess = status.lastAttempt = std::chrono::system_clock::now();
    status.nextPoll = *status.lastSuccess + std::chrono::minutes(15);
    for (auto _ : state) {
        auto json = sourceStatusJson(status);
        benchmark::DoNotOptimize(json);
    }
}
BENCHMARK(PayloadSourceStatusJson);

void PayloadSlugify(benchmark::State& state)
{
    const std::string name = "Sparekonto for Åse og Bjørn";
    for (auto _ : state) {
        auto slug = slugify(name);
        benchmark::DoNotOptimize(slug);
    }
}
BENCHMARK(PayloadSlugify);

DiscoverySettings discoverySettings()
{
    DiscoverySettings settings;
    settings.bridgeId = "bank2mqtt_bench";
    settings.version = "0.1.0";
    return settings;
}

void DiscoveryAccountDevice(benchmark::State& state)
{
    const DiscoverySettings settings = discoverySettings();
    AccountEntity entity;
    entity.sourceId = "kid";
    entity.key = "lommepenger";
    entity.bank = "Sbanken";
    entity.account = sampleAccount();
    entity.hasLowBalance = true;
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto messages = accountDiscovery(settings, entity);
        bytes = messages.front().payload.size();
        benchmark::DoNotOptimize(messages);
    }
    state.counters["payload_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(DiscoveryAccountDevice);

void DiscoveryBridgeDevice(benchmark::State& state)
{
    const DiscoverySettings settings = discoverySettings();
    const std::vector<std::string> sources = {"kid", "parent"};
    for (auto _ : state) {
        auto messages = bridgeDiscovery(settings, sources);
        benchmark::DoNotOptimize(messages);
    }
}
BENCHMARK(DiscoveryBridgeDevice);

}  // namespace

BENCHMARK_MAIN();
