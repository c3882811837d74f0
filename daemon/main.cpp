// SPDX-License-Identifier: MIT
// Entry point: everything else is in App.
#include "app.h"

int main(int argc, char** argv)
{
    bank2mqtt::App app;
    return app.runFromCommandLine(argc, argv);
}
