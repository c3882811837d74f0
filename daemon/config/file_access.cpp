// SPDX-License-Identifier: MIT
// otherAccess(): judging exposure of a secret by its mode bits or its POSIX access ACL.
#include "file_access.h"

#include <cstdio>
#include <sys/stat.h>
#include <sys/xattr.h>

namespace bank2mqtt::detail {

namespace {

constexpr std::uint32_t kAclVersion = 2;  // POSIX_ACL_XATTR_VERSION in <linux/posix_acl_xattr.h>
constexpr std::size_t kHeaderSize = 4;
constexpr std::size_t kEntrySize = 8;

std::uint32_t littleEndian(const std::string& bytes, std::size_t at, std::size_t size)
{
    std::uint32_t value = 0;
    for (std::size_t i = size; i-- > 0;)
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

std::string modeText(mode_t mode)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// "a", "a and b", "a, b and c"
std::string joined(const std::vector<std::string>& words)
{
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            out += i + 1 == words.size() ? " and " : ", ";
        out += words[i];
    }
    return out;
}

std::optional<std::string> readAccessAcl(const std::string& path)
{
    // Access ACLs are a few entries; 4 KiB holds hundreds. No ACL: ENODATA (or ENOTSUP on a
    // file system without ACLs), and the mode bits are the whole truth.
    std::string bytes(4096, '\0');
    const ssize_t got =
        ::getxattr(path.c_str(), "system.posix_acl_access", bytes.data(), bytes.size());
    if (got <= 0)
        return std::nullopt;
    bytes.resize(static_cast<std::size_t>(got));
    return bytes;
}

}  // namespace

std::optional<std::vector<AclEntry>> parsePosixAcl(const std::string& bytes)
{
    if (bytes.size() < kHeaderSize || (bytes.size() - kHeaderSize) % kEntrySize != 0 ||
        littleEndian(bytes, 0, 4) != kAclVersion)
        return std::nullopt;
    std::vector<AclEntry> entries;
    for (std::size_t at = kHeaderSize; at < bytes.size(); at += kEntrySize) {
        AclEntry entry;
        entry.tag = static_cast<std::uint16_t>(littleEndian(bytes, at, 2));
        entry.perm = static_cast<std::uint16_t>(littleEndian(bytes, at + 2, 2));
        entry.id = littleEndian(bytes, at + 4, 4);
        entries.push_back(entry);
    }
    return entries;
}

Exposure otherAccess(const std::string& path, uid_t self)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return {};
    const std::string mode = "mode " + modeText(st.st_mode);
    std::optional<std::vector<AclEntry>> acl;
    if (const auto bytes = readAccessAcl(path))
        acl = parsePosixAcl(*bytes);
    if (!acl)
        return {(st.st_mode & 077) != 0 ? "group or others (" + mode + ")" : std::string()};

    std::uint16_t mask = 07;
    for (const AclEntry& entry : *acl) {
        if (entry.tag == AclEntry::Mask)
            mask = entry.perm & 07;
    }
    std::vector<std::string> who;
    for (const AclEntry& entry : *acl) {
        const std::uint16_t perm = entry.perm & 07;
        switch (entry.tag) {
        case AclEntry::User:
            // The service user's own entry is the point of the ACL; the owner has access anyway.
            if ((perm & mask) != 0 && entry.id != self && entry.id != st.st_uid)
                who.push_back("user " + std::to_string(entry.id));
            break;
        case AclEntry::GroupObj:
            if ((perm & mask) != 0)
                who.push_back("its group " + std::to_string(st.st_gid));
            break;
        case AclEntry::Group:
            if ((perm & mask) != 0)
                who.push_back("group " + std::to_string(entry.id));
            break;
        case AclEntry::Other:
            if (perm != 0)
                who.push_back("others");
            break;
        default:
            break;
        }
    }
    return {who.empty() ? std::string() : joined(who) + " (through its ACL; " + mode + ")", true};
}

}  // namespace bank2mqtt::detail
