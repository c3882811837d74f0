// SPDX-License-Identifier: MIT
// Tests of reply classification: HTML detection, safe JSON parsing, message sanitising.
#include "json_reply.h"

#include <gtest/gtest.h>

namespace bank2mqtt {
namespace {

HttpResponse reply(std::string body, std::string contentType = "application/json")
{
    HttpResponse r;
    r.status = 200;
    r.body = std::move(body);
    if (!contentType.empty())
        r.headers.emplace_back("content-type", contentType);
    return r;
}

TEST(IsHtmlReply, RecognisesHtmlByContentTypeOrFirstCharacter)
{
    EXPECT_TRUE(isHtmlReply(reply("{}", "text/html; charset=utf-8")));
    EXPECT_TRUE(isHtmlReply(reply("  \n<!DOCTYPE html><html></html>", "application/json")));
    EXPECT_TRUE(isHtmlReply(reply("<html>", "")));
    EXPECT_FALSE(isHtmlReply(reply("{\"a\":\"<b>\"}")));
    EXPECT_FALSE(isHtmlReply(reply("")));
}

TEST(ParseJsonObject, ReturnsTheObjectOrAnErrorWithoutThrowing)
{
    const auto good = parseJsonObject(R"({"items":[],"isError":false})");
    ASSERT_TRUE(good.ok());
    EXPECT_TRUE(good.object->has("items"));

    EXPECT_EQ(parseJsonObject("").error, "the reply is empty");
    EXPECT_EQ(parseJsonObject(" \r\n").error, "the reply is empty");
    EXPECT_EQ(parseJsonObject(R"({"items":[{"balance":437.2)").error,
              "the reply is not valid JSON (it may have been cut off)");
    EXPECT_EQ(parseJsonObject("{} trailing").error,
              "the reply is not valid JSON (it may have been cut off)");
    EXPECT_EQ(parseJsonObject("{\"n\":99999999999999999999999}").error,
              "the reply is not valid JSON (it may have been cut off)");
    EXPECT_EQ(parseJsonObject("[1,2]").error, "the reply is JSON but not an object");
    EXPECT_FALSE(parseJsonObject("42").ok());
    EXPECT_FALSE(parseJsonObject("null").ok());
}

TEST(StringMember, ReadsOnlyStrings)
{
    const auto parsed = parseJsonObject(R"({"a":"x","b":1,"c":null})");
    EXPECT_EQ(stringMember(parsed.object, "a"), "x");
    EXPECT_EQ(stringMember(parsed.object, "b"), std::nullopt);
    EXPECT_EQ(stringMember(parsed.object, "c"), std::nullopt);
    EXPECT_EQ(stringMember(parsed.object, "d"), std::nullopt);
    EXPECT_EQ(stringMember(nullptr, "a"), std::nullopt);
}

TEST(SanitizeBankMessage, CollapsesControlCharactersAndMasksLongNumbers)
{
    EXPECT_EQ(sanitizeBankMessage("  Could not\r\n\tcomplete  the request.  "),
              "Could not complete the request.");
    EXPECT_EQ(sanitizeBankMessage("customer 12345678901 has no account 97104133219"),
              "customer *** has no account ***");
    EXPECT_EQ(sanitizeBankMessage("error 503 in 2026"), "error 503 in 2026");
    EXPECT_EQ(sanitizeBankMessage("Kontoen er sperret \xc3\xa6\xc3\xb8\xc3\xa5"),
              "Kontoen er sperret \xc3\xa6\xc3\xb8\xc3\xa5");
    EXPECT_EQ(sanitizeBankMessage("bad \xff\xfe bytes"), "bad bytes");
    EXPECT_EQ(sanitizeBankMessage("\x01\x02"), "");
}

TEST(SanitizeBankMessage, CutsLongTextToTheLimitWithAnEllipsis)
{
    const std::string cut = sanitizeBankMessage(std::string(500, 'x'));
    EXPECT_EQ(cut.size(), 120u);
    EXPECT_EQ(cut.substr(117), "...");
    EXPECT_EQ(sanitizeBankMessage("one two three four", 12), "one two t...");
    EXPECT_EQ(sanitizeBankMessage(std::string(200, 'x'), 200), std::string(200, 'x'));
    // Cut at a code point boundary: 10 x "ø" to at most 6 code points.
    std::string oslash;
    for (int i = 0; i < 10; ++i)
        oslash += "\xc3\xb8";
    EXPECT_EQ(sanitizeBankMessage(oslash, 6), "\xc3\xb8\xc3\xb8\xc3\xb8...");
}

TEST(HttpStatusText, UsesTheReasonOrTheStandardPhrase)
{
    EXPECT_EQ(httpStatusText(503, ""), "503 Service Unavailable");
    EXPECT_EQ(httpStatusText(503, "Down For Maintenance"), "503 Down For Maintenance");
    EXPECT_EQ(httpStatusText(429), "429 Too Many Requests");
    EXPECT_EQ(httpStatusText(599), "599");
}

TEST(ParseRetryAfter, ReadsSecondsAndHttpDates)
{
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795762800));
    EXPECT_EQ(parseRetryAfter("120", now), std::chrono::seconds(120));
    EXPECT_EQ(parseRetryAfter(" 0 ", now), std::chrono::seconds(0));
    // 1795762800 is Fri, 27 Nov 2026 07:00:00 GMT.
    EXPECT_EQ(parseRetryAfter("Fri, 27 Nov 2026 07:01:30 GMT", now), std::chrono::seconds(90));
    EXPECT_EQ(parseRetryAfter("Fri, 27 Nov 2026 06:00:00 GMT", now), std::chrono::seconds(0));
    EXPECT_EQ(parseRetryAfter("soon", now), std::nullopt);
    EXPECT_EQ(parseRetryAfter("-5", now), std::nullopt);
    EXPECT_EQ(parseRetryAfter("", now), std::nullopt);
    EXPECT_EQ(parseRetryAfter("Fri, 27 Nov 2026 07:01:30", now), std::nullopt);
}

TEST(DescribeTransportError, NamesWhatWentWrongInPlainWords)
{
    HttpResponse r;
    r.transportError = TransportError::Timeout;
    EXPECT_EQ(describeTransportError(r, std::chrono::seconds(20)),
              "the bank did not answer within 20 s");
    r.transportError = TransportError::ConnectFailed;
    r.errorText = "Connection refused";
    EXPECT_EQ(describeTransportError(r, std::chrono::seconds(20)),
              "could not reach the bank: Connection refused");
    r.transportError = TransportError::TlsFailed;
    r.errorText = "certificate verify failed";
    EXPECT_EQ(describeTransportError(r, std::chrono::seconds(20)),
              "the secure connection to the bank failed (TLS certificate or handshake): "
              "certificate verify failed");
}

}  // namespace
}  // namespace bank2mqtt
