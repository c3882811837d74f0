// SPDX-License-Identifier: MIT
// A shared library with no bank2mqtt entry points.
extern "C" int not_a_plugin_answer()
{
    return 42;
}
