// SPDX-License-Identifier: MIT
// A good plugin whose library constructor leaves a mark, to see whether it was ever opened.
#include "test_source.h"

#include <cstdlib>
#include <fstream>

namespace {

// Runs inside dlopen(), before the loader could look at any symbol: what a foreign .so would
// abuse. Writes the file named by $BANK2MQTT_LOADER_TEST_MARKER, if set.
__attribute__((constructor)) void markLoaded()
{
    if (const char* marker = std::getenv("BANK2MQTT_LOADER_TEST_MARKER"))
        std::ofstream(marker) << "constructor ran\n";
}

}  // namespace

BANK2MQTT_DECLARE_PLUGIN(TestSource, "constructor", "1.0.0", "loader test: marks its loading")
