// SPDX-License-Identifier: MIT
// Process exit codes (sysexits.h values), as promised in the man page.
#pragma once

namespace bank2mqtt::exitcode {

constexpr int kOk = 0;
constexpr int kUsage = 64;         ///< bad command line
constexpr int kUnavailable = 69;   ///< a bank or the broker could not be reached (--once)
constexpr int kSoftware = 70;      ///< internal error
constexpr int kNoPermission = 77;  ///< the bank rejected the credentials
constexpr int kConfig = 78;        ///< configuration error

}  // namespace bank2mqtt::exitcode
