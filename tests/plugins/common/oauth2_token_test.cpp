// SPDX-License-Identifier: MIT
// Tests of the token reply parser and the token cache (expiry, margin, persistence).
#include "oauth2_token.h"

#include "support/fake_clock.h"
#include "support/memory_state_store.h"

#include <gtest/gtest.h>

namespace bank2mqtt {
namespace {

using namespace std::chrono_literals;
using test::FakeClock;
using test::MemoryStateStore;

TEST(ParseTokenResponse, ReadsAccessTokenAndLifetime)
{
    const auto r =
        parseTokenResponse(R"({"access_token":"tok-1","expires_in":3600,"token_type":"Bearer"})");
    ASSERT_EQ(r.kind, TokenResponse::Kind::Ok);
    EXPECT_EQ(r.accessToken, "tok-1");
    EXPECT_EQ(r.expiresIn, 3600s);
}

TEST(ParseTokenResponse, AcceptsQuotedOrMissingLifetime)
{
    EXPECT_EQ(parseTokenResponse(R"({"access_token":"t","expires_in":"900"})").expiresIn, 900s);
    const auto r = parseTokenResponse(R"({"access_token":"t","token_type":"bearer"})");
    ASSERT_EQ(r.kind, TokenResponse::Kind::Ok);
    EXPECT_EQ(r.expiresIn, TokenResponse::kAssumedLifetime);
}

TEST(ParseTokenResponse, ReportsOAuthErrors)
{
    const auto r = parseTokenResponse(R"({"error":"invalid_client"})");
    EXPECT_EQ(r.kind, TokenResponse::Kind::OAuthError);
    EXPECT_EQ(r.error, "invalid_client");
    EXPECT_TRUE(r.accessToken.empty());

    const auto d =
        parseTokenResponse(R"({"error":"invalid_scope","error_description":"scope\nnot granted"})");
    EXPECT_EQ(d.kind, TokenResponse::Kind::OAuthError);
    EXPECT_EQ(d.errorDescription, "scope not granted");
}

TEST(ParseTokenResponse, RefusesMalformedReplies)
{
    for (const char* body :
         {"", "{", "[]", "<html></html>", R"({"expires_in":3600})", R"({"access_token":""})",
          R"({"access_token":42})", R"({"access_token":"t","expires_in":-1})",
          R"({"access_token":"t","expires_in":"soon"})",
          R"({"access_token":"t","token_type":"mac"})"})
        EXPECT_EQ(parseTokenResponse(body).kind, TokenResponse::Kind::Malformed) << body;
    EXPECT_EQ(parseTokenResponse("{").error,
              "the reply is not valid JSON (it may have been cut off)");
}

TEST(TokenCache, RefreshMarginIsSixtySecondsOrATenthOfTheLifetime)
{
    EXPECT_EQ(TokenCache::refreshMargin(3600s), 60s);
    EXPECT_EQ(TokenCache::refreshMargin(600s), 60s);
    EXPECT_EQ(TokenCache::refreshMargin(300s), 30s);
    EXPECT_EQ(TokenCache::refreshMargin(30s), 3s);
    EXPECT_EQ(TokenCache::refreshMargin(0s), 0s);
}

TEST(TokenCache, ReusesTokenUntilShortlyBeforeExpiry)
{
    FakeClock clock;
    TokenCache cache;
    EXPECT_TRUE(cache.needsRefresh(clock.monotonicNow()));
    cache.set("tok-1", 3600s, clock.monotonicNow());
    EXPECT_FALSE(cache.needsRefresh(clock.monotonicNow()));
    clock.advance(3539s);
    EXPECT_FALSE(cache.needsRefresh(clock.monotonicNow()));
    clock.advance(1s);
    EXPECT_TRUE(cache.needsRefresh(clock.monotonicNow()));
    EXPECT_EQ(cache.accessToken(), "tok-1");
}

TEST(TokenCache, ShortLivedTokensUseATenthAsMargin)
{
    FakeClock clock;
    TokenCache cache;
    cache.set("tok", 30s, clock.monotonicNow());
    clock.advance(26s);
    EXPECT_FALSE(cache.needsRefresh(clock.monotonicNow()));
    clock.advance(1s);
    EXPECT_TRUE(cache.needsRefresh(clock.monotonicNow()));
}

TEST(TokenCache, InvalidateDropsTheToken)
{
    FakeClock clock;
    TokenCache cache;
    cache.set("tok", 3600s, clock.monotonicNow());
    cache.invalidate();
    EXPECT_TRUE(cache.empty());
    EXPECT_TRUE(cache.needsRefresh(clock.monotonicNow()));
}

TEST(TokenCache, PersistsWithWallClockExpiryForTheNextProcess)
{
    FakeClock clock;
    MemoryStateStore store;
    TokenCache first;
    first.set("tok-1", 3600s, clock.monotonicNow());
    first.save(store, "token", clock, "binding-a");
    ASSERT_EQ(store.values.count("token"), 1u);
    EXPECT_NE(store.values["token"].find("\"expires_at_ms\":1795766400000"), std::string::npos);

    // A new process starts 10 minutes later with an unrelated monotonic origin.
    FakeClock later;
    later.advance(600s);
    TokenCache second;
    ASSERT_TRUE(second.restore(store, "token", later, "binding-a"));
    EXPECT_EQ(second.accessToken(), "tok-1");
    EXPECT_EQ(second.lifetime(), 3600s);
    EXPECT_EQ(second.expiry(), later.monotonicNow() + 3000s);
    later.advance(2939s);
    EXPECT_FALSE(second.needsRefresh(later.monotonicNow()));
    later.advance(1s);
    EXPECT_TRUE(second.needsRefresh(later.monotonicNow()));
}

TEST(TokenCache, RestoreIgnoresExpiredForeignAndDamagedTokens)
{
    FakeClock clock;
    MemoryStateStore store;
    TokenCache saved;
    saved.set("tok-1", 3600s, clock.monotonicNow());
    saved.save(store, "token", clock, "binding-a");

    TokenCache cache;
    EXPECT_FALSE(cache.restore(store, "token", clock, "binding-b"));
    FakeClock nearExpiry;
    nearExpiry.advance(3541s);
    EXPECT_FALSE(cache.restore(store, "token", nearExpiry, "binding-a"));
    EXPECT_FALSE(cache.restore(store, "missing", clock, "binding-a"));
    store.values["token"] = "{\"access_token\":";
    EXPECT_FALSE(cache.restore(store, "token", clock, "binding-a"));
    EXPECT_TRUE(cache.empty());
}

TEST(TokenCache, RestoreRefusesATokenThatWouldInjectHeaders)
{
    FakeClock clock;
    MemoryStateStore store;
    TokenCache saved;
    saved.set("tok-1", 3600s, clock.monotonicNow());
    saved.save(store, "token", clock, "binding-a");
    const std::string good = store.values["token"];
    const std::size_t at = good.find("tok-1");
    ASSERT_NE(at, std::string::npos) << good;

    // Written back with CR LF (JSON escapes), a TAB, a NUL and DEL: none is token text.
    for (const std::string bad :
         {"tok-1\\r\\nX-Injected: 1", "tok\\n1", "tok\\t1", "tok\\u00001", "tok\\u007f1"}) {
        store.values["token"] = std::string(good).replace(at, 5, bad);
        TokenCache cache;
        EXPECT_FALSE(cache.restore(store, "token", clock, "binding-a")) << store.values["token"];
        EXPECT_TRUE(cache.empty());
    }
    store.values["token"] = good;
    TokenCache cache;
    EXPECT_TRUE(cache.restore(store, "token", clock, "binding-a"));
}

TEST(TokenCache, SavingAnEmptyCacheErasesTheStoredToken)
{
    FakeClock clock;
    MemoryStateStore store;
    store.values["token"] = "old";
    TokenCache cache;
    cache.save(store, "token", clock, "b");
    EXPECT_EQ(store.values.count("token"), 0u);
}

}  // namespace
}  // namespace bank2mqtt
