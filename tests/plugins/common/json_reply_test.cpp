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

TEST(SanitizeBankMessage, MasksNumbersWrittenInGroups)
{
    EXPECT_EQ(sanitizeBankMessage("account 9710.41.33219 is closed"), "account *** is closed");
    EXPECT_EQ(sanitizeBankMessage("account 9710 41 33219 is closed"), "account *** is closed");
    EXPECT_EQ(sanitizeBankMessage("national id 010190 12345 is invalid"),
              "national id *** is invalid");
    EXPECT_EQ(sanitizeBankMessage("customer 12345-678901 not found"), "customer *** not found");
    EXPECT_EQ(sanitizeBankMessage("account 9710-41 33219."), "account ***.");
    // Six digits in all are enough, however they are grouped.
    EXPECT_EQ(sanitizeBankMessage("ref 1.2.3.4.5.6 end"), "ref *** end");
    EXPECT_EQ(sanitizeBankMessage("ref 1.2.3.4.5 end"), "ref 1.2.3.4.5 end");
    // Dates are masked too (accepted: they are long numbers in the same form).
    EXPECT_EQ(sanitizeBankMessage("closed since 2026-11-27."), "closed since ***.");
    EXPECT_EQ(sanitizeBankMessage("sperret fra 01.01.2024 kl 12"), "sperret fra *** kl 12");
}

TEST(SanitizeBankMessage, MasksNumbersJoinedBySlashesUnderscoresAndCommas)
{
    EXPECT_EQ(sanitizeBankMessage("account 9710/41/33219 is closed"), "account *** is closed");
    EXPECT_EQ(sanitizeBankMessage("account 9710_41_33219 is closed"), "account *** is closed");
    EXPECT_EQ(sanitizeBankMessage("account 9710,41,33219 is closed"), "account *** is closed");
    EXPECT_EQ(sanitizeBankMessage("page 1/2, retry in 2,5 s"), "page 1/2, retry in 2,5 s");
}

TEST(SanitizeBankMessage, MasksDigitsHiddenByInvisibleOrFullWidthCharacters)
{
    // U+200B, U+200C, U+200D, U+2060 and U+FEFF between the digits.
    EXPECT_EQ(sanitizeBankMessage("id 9\xE2\x80\x8B"
                                  "7\xE2\x80\x8C"
                                  "1\xE2\x80\x8D"
                                  "0\xE2\x81\xA0"
                                  "41\xEF\xBB\xBF"
                                  "33219 end"),
              "id *** end");
    // U+FF19 U+FF17 U+FF11 U+FF10 ... : full-width digits.
    EXPECT_EQ(sanitizeBankMessage("id \xEF\xBC\x99\xEF\xBC\x97\xEF\xBC\x91\xEF\xBC\x90"
                                  "41\xEF\xBC\x93\xEF\xBC\x93\xEF\xBC\x92\xEF\xBC\x91"
                                  "\xEF\xBC\x99 end"),
              "id *** end");
    EXPECT_EQ(sanitizeBankMessage("\xEF\xBC\x95\xEF\xBC\x90\xEF\xBC\x93 error"), "503 error");
    EXPECT_EQ(sanitizeBankMessage("a\xE2\x80\x8B"
                                  "b"),
              "ab");
}

TEST(RedactSecrets, ReplacesEveryOccurrenceLongestFirst)
{
    EXPECT_EQ(redactSecrets("Bearer abcdef and abcdef", {"abcdef", "Bearer abcdef"}),
              "*** and ***");
    EXPECT_EQ(redactSecrets("pin 123 stays", {"123"}), "pin 123 stays");  // too short to redact
    EXPECT_EQ(redactSecrets("nothing", {}), "nothing");
}

TEST(SanitizeBankMessage, JudgesNumbersAsTheyWillBeShown)
{
    // Whitespace collapses to one space, so a stretch of it joins groups like one space does.
    EXPECT_EQ(sanitizeBankMessage("id 9710\t\r\n 41  33219 end"), "id *** end");
    // Dropped invalid bytes neither split a number nor keep its groups apart.
    EXPECT_EQ(sanitizeBankMessage("xid 12345\xff"
                                  "67890 end"),
              "xid *** end");
    EXPECT_EQ(sanitizeBankMessage("id 9710\xff.\xfe"
                                  "41\xff \xff"
                                  "33219 end"),
              "id *** end");
    // A short number keeps its separators as shown: the blank stretch becomes one space.
    EXPECT_EQ(sanitizeBankMessage("page 12\t\t34"), "page 12 34");
}

TEST(SanitizeBankMessage, KeepsShortNumbersReadable)
{
    EXPECT_EQ(sanitizeBankMessage("error 503"), "error 503");
    EXPECT_EQ(sanitizeBankMessage("HTTP 401"), "HTTP 401");
    EXPECT_EQ(sanitizeBankMessage("retry in 30 s"), "retry in 30 s");
    EXPECT_EQ(sanitizeBankMessage("2 accounts"), "2 accounts");
    EXPECT_EQ(sanitizeBankMessage("12345 kroner reserved."), "12345 kroner reserved.");
    EXPECT_EQ(sanitizeBankMessage("limit 12345, used 2.5"), "limit 12345, used 2.5");
    // Groups joined by more than one separator character stay apart.
    EXPECT_EQ(sanitizeBankMessage("page 12 of 3456"), "page 12 of 3456");
    EXPECT_EQ(sanitizeBankMessage("in 2024. 1234 left"), "in 2024. 1234 left");
    EXPECT_EQ(sanitizeBankMessage("error 503 - 1234"), "error 503 - 1234");
    EXPECT_EQ(sanitizeBankMessage("ends 12--3456"), "ends 12--3456");
    // A trailing separator is not part of the number.
    EXPECT_EQ(sanitizeBankMessage("code 503-"), "code 503-");
    EXPECT_EQ(sanitizeBankMessage("code 503 "), "code 503");
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
    // The bank was reached; its reply was refused. Not "could not reach the bank".
    r.transportError = TransportError::Other;
    r.errorText = "the reply was larger than 4 MB";
    EXPECT_EQ(describeTransportError(r, std::chrono::seconds(20)),
              "the request to the bank failed: the reply was larger than 4 MB");
}

}  // namespace
}  // namespace bank2mqtt
