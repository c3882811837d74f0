// SPDX-License-Identifier: MIT
// Who besides a file's owner and this process can use it: permission bits and POSIX ACLs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace bank2mqtt::detail {

/// One entry of a POSIX access ACL (the tags and permission bits of <sys/acl.h>).
struct AclEntry {
    enum Tag : std::uint16_t {
        UserObj = 0x01,   ///< the file's owner
        User = 0x02,      ///< a named user (`id`)
        GroupObj = 0x04,  ///< the file's group
        Group = 0x08,     ///< a named group (`id`)
        Mask = 0x10,      ///< upper bound for User, GroupObj and Group
        Other = 0x20,
    };
    std::uint16_t tag = 0;
    std::uint16_t perm = 0;  ///< 4 read, 2 write, 1 execute
    std::uint32_t id = 0;    ///< uid or gid for User and Group, else unused
};

/// Parses the value of the extended attribute "system.posix_acl_access" as Linux stores it
/// (a little-endian version 2 header, then 8-byte entries). nullopt when it is not that, so
/// that no libacl is needed for a read-only judgement.
std::optional<std::vector<AclEntry>> parsePosixAcl(const std::string& bytes);

/// Who other than a file's owner and one user may read, write or execute it.
struct Exposure {
    /// Empty when nobody, else a phrase for a message: "group or others (mode 0644)",
    /// "user 1001 and others (through its ACL; mode 0440)".
    std::string who;
    bool byAcl = false;  ///< the file has an access ACL, so chmod alone may not fix it
    bool exposed() const { return !who.empty(); }
};

/// The Exposure of `path` to anyone but its owner and the user `self`. With an access ACL the
/// ACL decides (systemd 257 hands credentials over as root 0440 with an ACL entry for the
/// service user, the group bits being the ACL mask); without one, the group and other bits.
/// A file that cannot be examined counts as not exposed: the caller's own open reports it.
Exposure otherAccess(const std::string& path, uid_t self);

}  // namespace bank2mqtt::detail
