#pragma once

#include "mqtt/MqttConnectOptions.h"

#include <QString>

namespace thingdeck {

/// What the user saves for one connection: which AWS profile (or the local sandbox), endpoint
/// overrides and how to reach MQTT. Holds no secret at all: a private key's passphrase lives in
/// the SecretStore, keyed by the connection's name.
struct ConnectionSettings
{
    enum class Kind {
        AwsProfile, ///< an AWS profile of ~/.aws/config and credentials
        Sandbox,    ///< the local sandbox; its sandbox.json fills everything at open time
    };

    QString name;
    Kind kind = Kind::AwsProfile;
    QString profile;         ///< empty: the default chain (AWS_PROFILE, else "default")
    QString region;          ///< override; empty: the profile's
    QString controlPlaneUrl; ///< override; empty: none
    QString dataPlaneUrl;    ///< override; empty: none
    QString mqttHost;        ///< empty: DescribeEndpoint iot:Data-ATS
    quint16 mqttPort = 0;    ///< 0: the transport's default (8883 mutual TLS, 443 otherwise)
    MqttConnectOptions::Transport transport = MqttConnectOptions::Transport::MutualTls;
    MqttConnectOptions::Version mqttVersion = MqttConnectOptions::Version::Mqtt311;
    QString caFile;
    QString certificateFile;
    QString privateKeyFile;
    QString clientId;
    int keepAliveSeconds = 60;
    bool rememberPassphrase = false; ///< only the wish; the passphrase goes to the keyring
    QString telemetryPattern = QStringLiteral("dt/{thing}/#");

    static constexpr int kMinKeepAlive = 5;
    static constexpr int kMaxKeepAlive = 1200;

    /// "thingdeck-" and 8 random lowercase hex digits.
    static QString generateClientId();
    /// A connection called `name` with the defaults and a generated client id.
    static ConnectionSettings withDefaults(const QString &name);

    /// The first problem, as a sentence naming the field and the fix; empty when usable.
    QString validate() const;
    /// mqttPort, or the transport's default when it is 0.
    quint16 effectivePort() const;
    /// "mutual TLS, 8883", "ALPN, 443" or "WebSockets, 443", with the effective port.
    QString transportLabel() const;

    bool operator==(const ConnectionSettings &other) const = default;

private:
    QString validateUrls() const;
    QString validateMqtt() const;
};

} // namespace thingdeck
