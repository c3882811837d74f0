// SPDX-License-Identifier: MIT
// Fuzz target: the configuration loader (daemon/config/config.h) on an arbitrary file, then
// resolvePluginConfig with the Sbanken plugin's own key declarations and its configure().
//
// The input is written to bank2mqtt.ini in a private temporary directory that also holds
// kid.secret and kid.customer (mode 0600), so that realistic seeds get past the secret files.
// Invariants: only ConfigError escapes; every message is one line naming the file, without
// Poco class names and without the secrets' content (unless the file itself has them); a loaded
// configuration has at least one source with a valid id, a positive interval, max_age >= interval
// and a timeout of 1 s..2 min.
#include "config.h"
#include "fuzz_support.h"
#include "sbanken_source.h"
#include "support/capturing_logger.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"
#include "support/memory_state_store.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace bank2mqtt;
using bank2mqtt::fuzz::check;

namespace {

constexpr const char* kSecret = "fuzz-s3cret-Zq8";
constexpr const char* kCustomerId = "01020312345";

// The directory is made once per process and left behind only if the process crashes.
struct Scratch {
    std::filesystem::path dir;
    std::string ini;

    Scratch()
    {
        ::unsetenv("CREDENTIALS_DIRECTORY");
        char pattern[] = "/tmp/bank2mqtt-fuzz-config-XXXXXX";
        dir = ::mkdtemp(pattern);
        ini = (dir / "bank2mqtt.ini").string();
        write("kid.secret", kSecret);
        write("kid.customer", kCustomerId);
        std::filesystem::create_directory(dir / "dir");
    }
    ~Scratch()
    {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
    void write(const std::string& name, std::string_view content) const
    {
        const auto path = dir / name;
        std::ofstream(path, std::ios::binary | std::ios::trunc)
            .write(content.data(), static_cast<std::streamsize>(content.size()));
        std::filesystem::permissions(path, std::filesystem::perms(0600));
    }
};

// The input of the current run. A message about a line of the file may quote that line, so a
// forbidden word counts only when the file itself does not contain it.
std::string_view currentInput;

void checkAbsent(const std::string& message, std::string_view word, const char* what)
{
    check(currentInput.find(word) != std::string_view::npos ||
              message.find(word) == std::string::npos,
          what, message);
}

void checkMessage(const std::string& message, const std::string& file)
{
    check(message.find(file) != std::string::npos, "a message without the file name", message);
    check(message.find('\n') == std::string::npos, "a message with a newline", message);
    checkAbsent(message, "Poco", "a message naming a Poco class");
    checkAbsent(message, "Exception", "a message naming an exception class");
    checkAbsent(message, kSecret, "a message with the secret");
    checkAbsent(message, kCustomerId, "a message with the customer id");
}

bool validSourceId(const std::string& id)
{
    return !id.empty() && id.size() <= 32 &&
           id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const Scratch scratch;
    currentInput = fuzz::asText(data, size);
    scratch.write("bank2mqtt.ini", currentInput);
    Config config;
    try {
        config = loadConfig(scratch.ini);
    } catch (const ConfigError& e) {
        checkMessage(e.what(), scratch.ini);
        return 0;
    }
    check(!config.sources.empty(), "a configuration without sources");
    for (const auto& warning : config.warnings)
        checkMessage(warning, scratch.ini);
    for (const auto& source : config.sources) {
        check(validSourceId(source.id), "an invalid source id", source.id);
        check(source.interval.count() > 0, "interval is not positive");
        check(source.maxAge >= source.interval, "max_age below interval");
        check(source.timeout.count() >= 1 && source.timeout.count() <= 120, "timeout range");

        test::FakeClock clock;
        test::FakeHttpClient http;
        test::MemoryStateStore state;
        test::CapturingLogger log;
        sbanken::SbankenSource plugin(Services{sizeof(Services), clock, http, state, log});
        std::vector<std::string> warnings;
        SourceConfig resolved;
        try {
            resolved = resolvePluginConfig(config, source, plugin.configKeys(), warnings);
        } catch (const ConfigError& e) {
            checkMessage(e.what(), scratch.ini);
            continue;
        }
        for (const auto& warning : warnings)
            checkMessage(warning, scratch.ini);
        check(resolved.selectors.size() == source.accounts.size(), "selectors lost");
        const ConfigResult result = plugin.configure(resolved);
        checkAbsent(result.message, kSecret, "configure's message has the secret");
        checkAbsent(result.message, kCustomerId, "configure's message has the customer id");
        check(http.requests().empty(), "configure sent a request");
    }
    return 0;
}
