// SPDX-License-Identifier: MIT
// Consent expiry on fakes: consent_expiring within consent_warning (at its time, on the fake
// clock, no sleeping; the poll loop wakes for it), auth_failed with the date once it has ended,
// without a call to the bank, and polling stopped.
#include "consent_rig.h"

#include <gtest/gtest.h>

using namespace bank2mqtt;
using namespace bank2mqtt::test;
using namespace std::chrono_literals;

TEST(ConsentWatch, PhasesAroundTheWarningAndTheEnd)
{
    const WallTime now = FakeClock().wallNow();
    ConsentWatch watch("eb", std::chrono::duration_cast<std::chrono::seconds>(14 * kDays));
    EXPECT_EQ(watch.phase(now), ConsentWatch::Phase::Unknown);
    EXPECT_FALSE(watch.nextChange(now));

    watch.setEnd(now + 20 * kDays);
    EXPECT_EQ(watch.phase(now), ConsentWatch::Phase::Valid);
    EXPECT_EQ(watch.nextChange(now), now + 6 * kDays);
    EXPECT_FALSE(watch.renewalDue(now));
    EXPECT_EQ(watch.phase(now + 6 * kDays), ConsentWatch::Phase::Expiring);
    EXPECT_EQ(watch.nextChange(now + 6 * kDays), now + 20 * kDays);
    EXPECT_TRUE(watch.renewalDue(now + 6 * kDays));
    EXPECT_EQ(watch.phase(now + 20 * kDays), ConsentWatch::Phase::Ended);
    EXPECT_FALSE(watch.nextChange(now + 20 * kDays));
    EXPECT_NE(watch.expiringSentence().find("2026-12-17 07:00 UTC"), std::string::npos)
        << watch.expiringSentence();
}

TEST(ConsentExpiry, BeforeTheWarningTheSourceIsOkAndTheStatusCarriesTheEnd)
{
    ConsentRig rig(30 * kDays);
    rig.build();
    rig.poller->poll();
    rig.poller->publishStatus(std::nullopt);

    const std::string status = rig.status();
    EXPECT_EQ(status.rfind("{\"state\":\"ok\"", 0), 0u) << status;
    EXPECT_NE(status.find("\"consent_end\":\"2026-12-27T07:00:00+00:00\""), std::string::npos)
        << status;
    EXPECT_NE(status.find("\"consent_renewal_due\":false"), std::string::npos) << status;
}

TEST(ConsentExpiry, WithinTheWarningThePollSaysConsentExpiringWithTheDateAndGoesOn)
{
    ConsentRig rig(9 * kDays);
    rig.build();
    const FetchResult result = rig.poller->poll();
    rig.poller->publishStatus(std::nullopt);

    EXPECT_EQ(result.status, FetchStatus::Ok);
    EXPECT_EQ(rig.source.fetches, 1);
    const std::string status = rig.status();
    EXPECT_NE(status.find("\"state\":\"consent_expiring\""), std::string::npos) << status;
    EXPECT_NE(status.find("ends on 2026-12-06 07:00 UTC"), std::string::npos) << status;
    EXPECT_NE(status.find("\"consent_renewal_due\":true"), std::string::npos) << status;
    EXPECT_EQ(rig.mqtt.get("bank2mqtt/eb/brukskonto/availability"), "online");
    EXPECT_EQ(rig.mqtt.get("bank2mqtt/eb/brukskonto/balance"), "437.25");
}

TEST(ConsentExpiry, TheWarningStartsAtItsTimeWithoutAPoll)
{
    ConsentRig rig(14 * kDays + 1h);
    rig.build();
    rig.poller->poll();
    ASSERT_EQ(rig.poller->status().state, SourceState::Ok);
    EXPECT_EQ(rig.poller->consentDeadline(), rig.clock.monotonicNow() + 1h);

    rig.clock.advance(1h - 1s);
    EXPECT_EQ(rig.poller->checkConsent(), SourcePoller::ConsentChange::None);
    rig.clock.advance(1s);
    EXPECT_EQ(rig.poller->checkConsent(), SourcePoller::ConsentChange::Changed);
    EXPECT_EQ(rig.poller->status().state, SourceState::ConsentExpiring);
    EXPECT_EQ(rig.source.fetches, 1);
    EXPECT_EQ(rig.poller->consentDeadline(), rig.clock.monotonicNow() + 14 * kDays);
}

TEST(ConsentExpiry, ThePollLoopWakesWhenTheWarningStarts)
{
    ConsentRig rig(14 * kDays + 1h);
    rig.build(24h);  // the next poll is a day away; the warning comes first
    rig.loop->pollAllOnce();

    EXPECT_EQ(rig.loop->wakeAt(), rig.clock.monotonicNow() + 1h);
}

TEST(ConsentExpiry, AnEndedConsentIsAuthFailedWithTheDateAndCostsNoCall)
{
    ConsentRig rig(std::nullopt);
    rig.consent.setEnd(rig.clock.wallNow() - 2 * kDays);
    rig.build();
    const FetchResult result = rig.poller->poll();
    rig.poller->publishStatus(std::nullopt);

    EXPECT_EQ(result.status, FetchStatus::AuthRequired);
    EXPECT_EQ(rig.source.fetches, 0);
    const std::string status = rig.status();
    EXPECT_NE(status.find("\"state\":\"auth_failed\""), std::string::npos) << status;
    EXPECT_NE(status.find("ended on 2026-11-25 07:00 UTC"), std::string::npos) << status;
    EXPECT_TRUE(rig.log.contains("auth_failed: the bank consent ended on 2026-11-25"));
}

TEST(ConsentExpiry, TheEndStopsPollingAsARefusedLoginDoes)
{
    ConsentRig rig(1h);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "consent_expiring"));

    rig.clock.advance(1h);
    rig.loop->requestRepublish();  // any event: the loop re-evaluates the consent on waking
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "\"state\":\"auth_failed\""));
    rig.stop();

    EXPECT_NE(rig.status().find("\"next_poll\":null"), std::string::npos) << rig.status();
    EXPECT_FALSE(rig.scheduler.nextDue("eb"));
    EXPECT_EQ(rig.mqtt.get("bank2mqtt/eb/brukskonto/availability"), "offline");
    EXPECT_EQ(rig.source.fetches, 1);
}

TEST(ConsentExpiry, AConsentEndedWhileTheDaemonWasDownIsNotPolled)
{
    ConsentRig rig(std::nullopt);
    rig.consent.setEnd(rig.clock.wallNow() - 1h);
    rig.build();
    rig.start();
    ASSERT_TRUE(rig.mqtt.waitFor("bank2mqtt/eb/status", "\"state\":\"auth_failed\""));
    rig.stop();

    EXPECT_EQ(rig.source.fetches, 0);
    EXPECT_FALSE(rig.scheduler.nextDue("eb"));
}
