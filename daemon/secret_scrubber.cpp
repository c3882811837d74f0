// SPDX-License-Identifier: MIT
// SecretScrubber: the forms of a secret a bank may echo, and their removal.
#include "secret_scrubber.h"

#include "json_reply.h"
#include "url_encode.h"

#include <Poco/Base64Encoder.h>

#include <cctype>
#include <sstream>

namespace bank2mqtt {
namespace {

constexpr const char* kFileSuffix = "_file";

std::string base64(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

// "%2b" as well as "%2B": percent-encoding may use either case (RFC 3986 2.1).
std::string lowerHexEscapes(std::string text)
{
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        if (text[i] != '%')
            continue;
        text[i + 1] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i + 1])));
        text[i + 2] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i + 2])));
    }
    return text;
}

std::string valueName(const std::string& keyName)
{
    const std::string suffix = kFileSuffix;
    if (keyName.size() > suffix.size() &&
        keyName.compare(keyName.size() - suffix.size(), suffix.size(), suffix) == 0)
        return keyName.substr(0, keyName.size() - suffix.size());
    return keyName;
}

}  // namespace

void SecretScrubber::learn(const SourceConfig& config, const std::vector<ConfigKey>& keys)
{
    std::vector<std::string> secrets;
    std::vector<std::string> secretNames;
    for (const ConfigKey& key : keys) {
        if (key.kind != ConfigKey::Kind::SecretFile)
            continue;
        secretNames.push_back(valueName(key.name));
        const auto value = config.values.find(secretNames.back());
        if (value != config.values.end() && value->second.size() >= kMinRedactedLength)
            secrets.push_back(value->second);
    }
    std::vector<std::string> needles;
    for (const std::string& secret : secrets) {
        const std::string encoded = formUrlEncode(secret);
        needles.insert(needles.end(), {secret, encoded, lowerHexEscapes(encoded)});
        for (const auto& [name, user] : config.values) {
            bool isSecret = false;
            for (const auto& secretName : secretNames)
                isSecret = isSecret || secretName == name;
            if (isSecret || user.empty() || user.size() > 256)
                continue;
            needles.push_back(base64(user + ":" + secret));
            needles.push_back(base64(formUrlEncode(user) + ":" + encoded));
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    needles_ = std::move(needles);
}

void SecretScrubber::learnAnswer(const std::string& answer)
{
    if (answer.size() < kMinRedactedLength)
        return;
    const std::string encoded = formUrlEncode(answer);
    std::vector<std::string> found{answer, encoded, lowerHexEscapes(encoded)};
    // "...?code=XYZ&state=..." -> XYZ, ...: every value after '=' up to '&' or '#'.
    const std::size_t query = answer.find('?');
    for (std::size_t at = answer.find('=', query == std::string::npos ? 0 : query);
         at != std::string::npos; at = answer.find('=', at + 1)) {
        const std::size_t end = answer.find_first_of("&#", at + 1);
        const std::string value = answer.substr(at + 1, end - at - 1);
        if (value.size() >= kMinRedactedLength)
            found.push_back(value);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    answers_.insert(answers_.end(), found.begin(), found.end());
}

std::string SecretScrubber::scrub(const std::string& text) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (needles_.empty() && answers_.empty())
        return text;
    std::vector<std::string> all = needles_;
    all.insert(all.end(), answers_.begin(), answers_.end());
    return redactSecrets(text, all);
}

}  // namespace bank2mqtt
