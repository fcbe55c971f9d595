#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"
#include "session/ConnectionSettings.h"

#include <QList>
#include <QString>

namespace thingdeck {

/// What a running thingdeck-sandbox writes to its sandbox.json: its AWS identity, REST and
/// MQTT endpoints, CA and the simulated devices' certificates. Holds the sandbox's secret key:
/// never log or persist it.
struct SandboxInfo
{
    struct Device
    {
        QString thingName;
        QString certificateId;
        QString certificateFile;
        QString privateKeyFile;

        bool operator==(const Device &other) const = default;
    };

    QString path; ///< the sandbox.json it was read from
    QString region;
    QString accountId;
    QString accessKeyId;
    QString secretAccessKey;
    QString restEndpoint; ///< "https://127.0.0.1:<port>", both REST planes
    QString caFile;
    QString mqttHost;
    quint16 mqttPort = 0;
    quint16 mqttWebSocketPort = 0;
    qint64 pid = 0;
    qint64 brokerPid = 0;
    QList<Device> devices;

    /// Reads and checks a sandbox.json; the error names the file and what is wrong.
    static Result<SandboxInfo, QString> read(const QString &path);

    /// A connection to this sandbox called `name`: kind Sandbox, both REST URLs on
    /// restEndpoint, its MQTT host and port over mutual TLS with the first device's
    /// certificate and key, its CA and a generated client id.
    ConnectionSettings connectionSettings(const QString &name) const;
    /// The sandbox's access keys (source "local sandbox").
    AwsCredentials credentials() const;

    bool operator==(const SandboxInfo &other) const = default;
};

} // namespace thingdeck
