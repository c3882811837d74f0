// SPDX-License-Identifier: MIT
// InstallationKey: HMAC-SHA256 of plugin fingerprints under a per-installation secret.
#include "installation_key.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <random>

namespace bank2mqtt {
namespace {

// HMACEngine needs the block and digest sizes as constants, which SHA2Engine does not declare.
class Sha256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

const char* kStateKey = "installation_key";

std::string randomHex(std::size_t bytes)
{
    std::random_device device;  // /dev/urandom on Linux
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        const unsigned value = device() & 0xFFu;
        out += kHex[value >> 4];
        out += kHex[value & 0xFu];
    }
    return out;
}

}  // namespace

InstallationKey::InstallationKey(StateStore& store)
{
    if (auto saved = store.get(kStateKey); saved && saved->size() == 64)
        key_ = *saved;
    else {
        key_ = randomHex(32);
        store.put(kStateKey, key_);
    }
}

std::string InstallationKey::publicId(const std::string& fingerprint) const
{
    Poco::HMACEngine<Sha256Engine> hmac(key_);
    hmac.update(fingerprint);
    return Poco::DigestEngine::digestToHex(hmac.digest()).substr(0, 32);
}

}  // namespace bank2mqtt
