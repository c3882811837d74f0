// SPDX-License-Identifier: MIT
// Free TCP ports on 127.0.0.1 for servers the tests start.
#pragma once

namespace bank2mqtt::itest {

/// Binds 127.0.0.1:0, reads the port the kernel chose and closes the socket. Another process
/// may take the port before the caller binds it, so callers retry on "address in use".
int pickFreeLoopbackPort();

}  // namespace bank2mqtt::itest
