// SPDX-License-Identifier: MIT
// SimpleFinSource's Authorization: one claim per token, the stored Access URL, clear refusals.
#include "sf_fixtures.h"

#include <gmock/gmock.h>

namespace bank2mqtt::simplefin::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SimpleFinAuthorize : public SfHarness {};

TEST_F(SimpleFinAuthorize, TheTokenIsClaimedOnceAndTheAccessUrlStored)
{
    auto source = makeSource();
    const AuthStep ask = source->start();
    ASSERT_EQ(ask.kind, AuthStep::Kind::Ask);
    EXPECT_TRUE(ask.secretAnswer);
    EXPECT_THAT(ask.prompt, HasSubstr("setup token"));
    http.expect("POST", kClaimUrl, 200, kAccess + "\n", {{"Content-Type", "text/plain"}});
    const AuthStep done = source->answer("  " + base64(kClaimUrl) + "\n");
    ASSERT_EQ(done.kind, AuthStep::Kind::Done) << done.prompt;
    EXPECT_THAT(done.prompt, HasSubstr("bridge.simplefin.org"));
    EXPECT_THAT(done.prompt, Not(HasSubstr(kPass)));
    EXPECT_EQ(state.values[SimpleFinSource::kAccessStateKey], kAccess);
    ASSERT_EQ(http.requests().size(), 1u);
    EXPECT_EQ(http.requests()[0].method, "POST");
    EXPECT_TRUE(logIsClean());
}

TEST_F(SimpleFinAuthorize, AClaimedTokenIsOneSentenceNeverRetriedAndStoresNothing)
{
    auto source = makeSource();
    source->start();
    http.expect("POST", kClaimUrl, 403, "<html>Forbidden</html>", {{"Content-Type", "text/html"}});
    const AuthStep failed = source->answer(base64(kClaimUrl));
    ASSERT_EQ(failed.kind, AuthStep::Kind::Failed);
    EXPECT_FALSE(failed.usageError);
    EXPECT_THAT(failed.prompt, HasSubstr("already claimed"));
    EXPECT_THAT(failed.prompt, HasSubstr("create a new token at the SimpleFIN Bridge"));
    EXPECT_EQ(http.requests().size(), 1u);
    EXPECT_TRUE(state.values.empty());
}

TEST_F(SimpleFinAuthorize, ABadPasteIsAUsageErrorWithoutARequest)
{
    auto source = makeSource();
    source->start();
    const AuthStep failed = source->answer("hello there");
    ASSERT_EQ(failed.kind, AuthStep::Kind::Failed);
    EXPECT_TRUE(failed.usageError);
    EXPECT_THAT(failed.prompt, Not(HasSubstr("hello")));
    source->start();
    EXPECT_TRUE(source->answer(base64("ftp://bridge.simplefin.org/claim/x")).usageError);
    source->start();
    EXPECT_TRUE(source->answer("").usageError);
    EXPECT_TRUE(http.requests().empty());
    EXPECT_TRUE(state.values.empty());
}

TEST_F(SimpleFinAuthorize, APastedAccessUrlIsStoredWithoutAClaim)
{
    auto source = makeSource();
    source->start();
    const AuthStep done = source->answer(kAccess);
    ASSERT_EQ(done.kind, AuthStep::Kind::Done) << done.prompt;
    EXPECT_EQ(state.values[SimpleFinSource::kAccessStateKey], kAccess);
    EXPECT_TRUE(http.requests().empty());
    source->start();
    const AuthStep bad = source->answer("https://bridge.simplefin.org/simplefin");
    EXPECT_TRUE(bad.usageError);
}

TEST_F(SimpleFinAuthorize, AClaimAnswerThatIsNotAnAccessUrlStoresNothing)
{
    auto source = makeSource();
    source->start();
    http.expect("POST", kClaimUrl, 200, "http://u:p@bridge.simplefin.org/x",
                {{"Content-Type", "text/plain"}});
    const AuthStep failed = source->answer(base64(kClaimUrl));
    EXPECT_EQ(failed.kind, AuthStep::Kind::Failed);
    EXPECT_FALSE(failed.usageError);
    EXPECT_TRUE(state.values.empty());
}

TEST_F(SimpleFinAuthorize, AnAnswerWithoutAStartIsRefused)
{
    auto source = makeSource();
    EXPECT_TRUE(source->answer(base64(kClaimUrl)).usageError);
    EXPECT_TRUE(http.requests().empty());
}

}  // namespace
}  // namespace bank2mqtt::simplefin::test
