#pragma once

#include "Result.h"

#include <QString>
#include <QStringList>

namespace thingdeck {

/// The command line of thingdeck-sandbox. Ports 0 mean "pick a free one at start".
struct SandboxOptions
{
    QString stateDir;
    int things = 12;
    /// Plain registry things (asset-000001, …) seeded besides the devices: no certificate, no
    /// shadow, no device; for browsing a large fleet.
    int registryThings = 0;
    double telemetryRate = 12.0; ///< messages per second over all devices; 0 turns it off
    quint16 httpPort = 0;
    quint16 mqttPort = 0;
    quint16 wsPort = 0;
    QString region = QStringLiteral("us-east-1");
    int reportDelayMs = 500; ///< how long a device takes to report desired values back
    int throttleEvery = 0;   ///< answer every Nth REST request with ThrottlingException
    QStringList denyRules;   ///< "<thing>=<topic filter>": the broker refuses it for that device
    QString mosquittoProgram = QStringLiteral("mosquitto");
    /// --credential-lifetime: seconds the temporary credentials and SSO access tokens the
    /// sandbox issues live; 0 = as on AWS (DurationSeconds, else 3600). See helpText().
    int credentialLifetime = 0;
    static constexpr int kMaxCredentialLifetime = 43200;

    /// Parses the arguments (argv[0] included); the error is one line for stderr.
    static Result<SandboxOptions, QString> parse(const QStringList &arguments);
    static QString helpText();
};

} // namespace thingdeck
