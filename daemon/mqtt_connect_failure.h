// SPDX-License-Identifier: MIT
// Why a connect to the MQTT broker failed, in one sentence naming the [mqtt] key to fix.
// Paho-free, so the one .cpp that includes Paho stays the one place that speaks MQTT.
#pragma once

#include "paho_mqtt_client.h"

#include <string>

namespace bank2mqtt {

/// ssl://, wss:// or mqtts://.
bool isTlsUri(const std::string& uri);

/// The sentence to log for a failed connect, from Paho's return code (> 0: the broker's CONNACK
/// refusal, MQTT 3.1.1 3.2.2.3) and message. For a TLS URI whose failure Paho does not explain,
/// it makes one TLS handshake of its own with the same files to find the cause (blocks for at
/// most about 3 s). Never contains the password.
std::string describeConnectFailure(int code, const std::string& message,
                                   const PahoMqttClient::Options& options);

}  // namespace bank2mqtt
