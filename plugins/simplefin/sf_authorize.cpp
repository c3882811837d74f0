// SPDX-License-Identifier: MIT
// SimpleFinSource's Authorization: the setup token, its one claim, and the stored Access URL.
#include "sf_source.h"

#include <exception>

namespace bank2mqtt::simplefin {

AuthStep SimpleFinSource::start() noexcept
{
    asking_ = false;
    if (!configured_)
        return AuthStep::failed("the source is not configured");
    asking_ = true;
    return AuthStep::ask(
        "Paste the SimpleFIN setup token (create one for a new app at the SimpleFIN "
        "Bridge); an Access URL works too",
        {}, {}, true);
}

// A reply with "://" is an Access URL pasted instead of a token (HA core's integration takes
// both in one field); anything else must be a setup token. The claim is POSTed exactly once:
// a token works once, and a second POST of a claimed token is the Bridge's 403 "compromised".
AuthStep SimpleFinSource::answer(const std::string& reply) noexcept
{
    try {
        if (!asking_)
            return AuthStep::failed("no authorization is in progress; start it again", true);
        asking_ = false;
        const auto begin = reply.find_first_not_of(" \t\r\n");
        if (begin == std::string::npos)
            return AuthStep::failed("no setup token was given; nothing was stored", true);
        const std::string text = reply.substr(begin, reply.find_last_not_of(" \t\r\n") - begin + 1);
        std::string error;
        if (text.find("://") != std::string::npos) {
            const std::optional<AccessUrl> access = parseAccessUrl(text, error);
            if (!access)
                return AuthStep::failed(error + "; paste the setup token from the SimpleFIN "
                                                "Bridge instead",
                                        true);
            return store(*access, "the pasted Access URL");
        }
        const std::optional<std::string> claimUrl = decodeSetupToken(text, error);
        if (!claimUrl)
            return AuthStep::failed(error, true);
        const HttpResponse response = http_.send(claimRequest(*claimUrl, timeout_));
        // The claim URL holds the token: the log names the call, never the URL.
        log_.debug("POST claim -> " + (response.transportError == TransportError::None
                                           ? std::to_string(response.status)
                                           : std::string("no answer")));
        const ClaimReply claim = parseClaimReply(response, timeout_);
        if (claim.kind != ClaimReply::Kind::Ok) {
            log_.warning(claim.message);
            return AuthStep::failed(claim.message);
        }
        return store(*claim.access, "the setup token");
    } catch (const std::exception&) {
        return AuthStep::failed("the simplefin plugin hit an unexpected internal error");
    }
}

AuthStep SimpleFinSource::store(const AccessUrl& access, const std::string& how)
{
    state_.put(kAccessStateKey, access.full());
    lastWarning_.clear();
    const std::string sentence = "connected to the SimpleFIN Bridge at " + access.host + " with " +
                                 how + "; the Access URL is kept in state_dir";
    log_.info(sentence);
    return AuthStep::done(sentence);
}

}  // namespace bank2mqtt::simplefin
