#pragma once

#include <QByteArray>
#include <QString>

namespace thingdeck {

class CredentialChain;

/// How to reach an MQTT broker the way AWS IoT Core is reached. TLS peer and host-name
/// verification are always on.
struct MqttConnectOptions
{
    enum class Transport {
        MutualTls,     ///< X.509 client certificate, port 8883
        MutualTlsAlpn, ///< X.509 client certificate on port 443 with ALPN "x-amzn-mqtt-ca"
        WebSocket,     ///< wss://host/mqtt signed with SigV4 (service iotdevicegateway)
    };
    enum class Version { Mqtt311, Mqtt5 };

    Transport transport = Transport::MutualTls;
    Version version = Version::Mqtt311;
    QString host;
    quint16 port = 8883;
    QString clientId;
    QString caFile;                  ///< trusted CA(s) for the server certificate
    QString certificateFile;         ///< client certificate (mutual TLS)
    QString privateKeyFile;          ///< client key (mutual TLS)
    QByteArray privateKeyPassphrase; ///< for an encrypted PEM key; never logged
    int keepAliveSeconds = 60;
    bool cleanSession = true;
    int connectTimeoutSeconds = 10;
    /// WebSocket only: where the signing keys come from, and the region to sign for.
    CredentialChain *credentials = nullptr;
    QString region;
};

} // namespace thingdeck
