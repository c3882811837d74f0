// SPDX-License-Identifier: MIT
// The [mqtt] section: broker URI, identity, TLS files, topics and Home Assistant discovery.
#include "config_sections.h"
#include "loopback.h"

#include <algorithm>

namespace bank2mqtt::detail {

namespace {

const char* const uriForms = "write scheme://host[:port] with scheme tcp or mqtt (plain), ssl or "
                             "mqtts (TLS), ws or wss (WebSocket, may add a /path), e.g. "
                             "tcp://localhost:1883 or ssl://broker.example:8883";

struct BrokerUri {
    std::string normalised;
    std::string host;
    bool tls = false;
};

bool isHostChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

bool isPort(const std::string& text)
{
    if (text.empty() || text.size() > 5 ||
        text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    const int port = std::stoi(text);
    return port >= 1 && port <= 65535;
}

// Accepts what paho's MQTT client connects to; the scheme is normalised to paho's spelling.
BrokerUri parseBrokerUri(const SectionScope& scope, const IniEntry& entry)
{
    const std::string& text = entry.value;
    // Credentials in the URI would end up in logs; never echo such a value, whatever else is
    // wrong with it.
    if (text.find('@') != std::string::npos)
        scope.fail(entry, "contains a user name or password; write the URI without them and "
                          "set username and password_file instead");
    const std::size_t sep = text.find("://");
    if (sep == std::string::npos)
        scope.badValue(entry, "has no scheme", uriForms);
    BrokerUri uri;
    std::string scheme = toLower(text.substr(0, sep));
    if (scheme == "mqtt")
        scheme = "tcp";
    else if (scheme == "mqtts")
        scheme = "ssl";
    if (scheme != "tcp" && scheme != "ssl" && scheme != "ws" && scheme != "wss")
        scope.badValue(entry, "has the unsupported scheme " + quote(text.substr(0, sep)), uriForms);
    uri.tls = scheme == "ssl" || scheme == "wss";

    const std::string rest = text.substr(sep + 3);
    const std::size_t authorityEnd = rest.find_first_of("/?#");
    const std::string authority = rest.substr(0, authorityEnd);
    const std::string path = authorityEnd == std::string::npos ? "" : rest.substr(authorityEnd);
    std::string port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string::npos)
            scope.badValue(entry, "has an IPv6 address without its closing ]", uriForms);
        uri.host = authority.substr(1, close - 1);
        const std::string after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':')
            scope.badValue(entry, "has text after the IPv6 address", uriForms);
        if (!after.empty())
            port = after.substr(1);
        if (uri.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos)
            scope.badValue(entry, "has an invalid IPv6 address", uriForms);
    } else {
        const std::size_t colon = authority.find(':');
        uri.host = authority.substr(0, colon);
        if (colon != std::string::npos)
            port = authority.substr(colon + 1);
        if (!std::all_of(uri.host.begin(), uri.host.end(), isHostChar))
            scope.badValue(entry, "has an invalid host name " + quote(uri.host), uriForms);
    }
    if (uri.host.empty())
        scope.badValue(entry, "has no host", uriForms);
    const bool portGiven = authority.back() == ':' || !port.empty();
    if (portGiven && !isPort(port))
        scope.badValue(entry, "has an invalid port " + quote(port),
                       "write a port from 1 to 65535, e.g. tcp://localhost:1883");
    if (!path.empty() && path != "/" && !(scheme == "ws" || scheme == "wss"))
        scope.badValue(entry, "has a path, which only ws:// and wss:// URIs may have",
                       "remove " + quote(path));
    uri.normalised = scheme + "://" + authority + (scheme == "ws" || scheme == "wss" ? path : "");
    return uri;
}

void checkClientId(const SectionScope& scope, const IniEntry& entry)
{
    requireValue(scope, entry, "bank2mqtt");
    const bool printable = std::all_of(entry.value.begin(), entry.value.end(),
                                       [](char c) { return c > ' ' && c < 0x7F; });
    if (entry.value.size() > 64 || !printable)
        scope.badValue(entry, "is not 1 to 64 printable characters without spaces",
                       "write a short name unique on the broker, e.g. bank2mqtt-home");
}

void checkTopic(const SectionScope& scope, const IniEntry& entry, const std::string& example)
{
    requireValue(scope, entry, example);
    const std::string& topic = entry.value;
    const std::string fix = "write topic levels separated by single /, e.g. " + example;
    // Brokers keep topics starting with $ for themselves ($SYS/...): clients may not publish
    // there, so mosquitto would drop every message without a word.
    if (topic.front() == '$')
        scope.badValue(entry, "starts with $, which brokers reserve for their own topics ($SYS)",
                       fix);
    if (topic.find_first_of("+#") != std::string::npos)
        scope.badValue(entry, "contains an MQTT wildcard (+ or #)", fix);
    if (topic.find('\0') != std::string::npos)
        scope.badValue(entry, "contains a NUL character", fix);
    if (topic.front() == '/' || topic.back() == '/')
        scope.badValue(entry, "starts or ends with /", fix);
    if (topic.find("//") != std::string::npos)
        scope.badValue(entry, "has an empty topic level (//)", fix);
}

}  // namespace

MqttSettings parseMqtt(const SectionScope& scope, const ConfigFileFacts& facts,
                       std::vector<std::string>& warnings)
{
    scope.rejectUnknownKeys({"uri", "client_id", "username", "password", "password_file", "ca_file",
                             "cert_file", "key_file", "insecure", "base_topic", "discovery",
                             "discovery_prefix", "discovery_mode", "keepalive"});
    MqttSettings mqtt;
    BrokerUri uri{mqtt.uri, "localhost", false};
    if (const IniEntry* entry = scope.find("uri")) {
        requireValue(scope, *entry, mqtt.uri);
        uri = parseBrokerUri(scope, *entry);
        mqtt.uri = uri.normalised;
    }
    if (const IniEntry* entry = scope.find("client_id")) {
        checkClientId(scope, *entry);
        mqtt.clientId = entry->value;
    }
    if (const IniEntry* entry = scope.find("username"))
        mqtt.username = entry->value;

    const IniEntry* passwordFile = scope.findSet("password_file");
    const IniEntry* password = scope.findSet("password");
    if (passwordFile != nullptr && password != nullptr)
        scope.fail(*password, "and password_file (line " + std::to_string(passwordFile->line) +
                                  ") are both set; keep only password_file");
    if (passwordFile != nullptr && facts.brokerSecrets)
        mqtt.password = readSecretFile(scope, *passwordFile, facts, warnings);
    if (password != nullptr) {
        mqtt.password = password->value;
        warnInlineSecret(scope, *password, "password_file", facts, warnings);
    }

    if (const IniEntry* entry = scope.findSet("ca_file"))
        mqtt.caFile = checkReadableFile(scope, *entry, facts);
    const IniEntry* certFile = scope.findSet("cert_file");
    const IniEntry* keyFile = scope.findSet("key_file");
    if ((certFile == nullptr) != (keyFile == nullptr)) {
        const IniEntry& given = certFile != nullptr ? *certFile : *keyFile;
        scope.fail(given, std::string("is set but ") +
                              (certFile != nullptr ? "key_file" : "cert_file") +
                              " is not; a client certificate needs both cert_file and key_file, "
                              "so set both or neither");
    }
    if (certFile != nullptr) {
        mqtt.certFile = checkReadableFile(scope, *certFile, facts);
        // The private key is a secret like a password: same lookup, same permission warning.
        if (facts.brokerSecrets)
            mqtt.keyFile = checkSecretFile(scope, *keyFile, facts, warnings);
    }
    const IniEntry* insecure = scope.findSet("insecure");
    if (insecure != nullptr && boolValue(scope, *insecure)) {
        mqtt.insecure = true;
        if (uri.tls)
            warnings.push_back(scope.at(*insecure) +
                               " = true turns broker certificate verification off, so anyone on "
                               "the network path can pose as the broker; set ca_file instead "
                               "when you can.");
    }
    if (!uri.tls) {
        for (const char* key : {"ca_file", "cert_file", "key_file", "insecure"}) {
            const IniEntry* entry = scope.findSet(key);
            if (entry != nullptr && (entry != insecure || mqtt.insecure))
                warnings.push_back(scope.at(*entry) + " has no effect because uri " +
                                   quote(mqtt.uri) +
                                   " is not TLS; use ssl:// or mqtts:// to encrypt the "
                                   "connection, or remove " +
                                   key + ".");
        }
        if (!mqtt.password.empty() && !isLoopbackHost(uri.host)) {
            const IniEntry& secret = password != nullptr ? *password : *passwordFile;
            warnings.push_back(scope.at(secret) + " is sent unencrypted because uri " +
                               quote(mqtt.uri) +
                               " is not TLS; use ssl:// or mqtts:// for a broker on another "
                               "host.");
        }
    }

    if (const IniEntry* entry = scope.find("base_topic")) {
        checkTopic(scope, *entry, "bank2mqtt");
        mqtt.baseTopic = entry->value;
    }
    if (const IniEntry* entry = scope.find("discovery"))
        mqtt.discovery = boolValue(scope, *entry);
    if (const IniEntry* entry = scope.find("discovery_prefix")) {
        checkTopic(scope, *entry, "homeassistant");
        mqtt.discoveryPrefix = entry->value;
    }
    if (const IniEntry* entry = scope.find("discovery_mode")) {
        requireValue(scope, *entry, "device");
        const std::string mode = toLower(entry->value);
        if (mode != "device" && mode != "component")
            scope.badValue(*entry, "is not a discovery mode",
                           "write device (one discovery message per device, needs a recent Home "
                           "Assistant) or component (one message per entity)");
        mqtt.discoveryMode = mode;
    }
    if (const IniEntry* entry = scope.find("keepalive"))
        mqtt.keepAlive =
            durationValue(scope, *entry, std::chrono::seconds(5), std::chrono::hours(1), "60s");
    return mqtt;
}

}  // namespace bank2mqtt::detail
