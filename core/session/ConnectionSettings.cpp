#include "session/ConnectionSettings.h"

#include "mqtt/ClientId.h"

#include <QRandomGenerator>
#include <QUrl>

namespace thingdeck {

namespace {

QString urlProblem(const QString &text, const QString &field)
{
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
        return QStringLiteral("The %1 \"%2\" is not a URL: enter one such as "
                              "https://host:port, or leave it empty.")
            .arg(field, text);
    return {};
}

} // namespace

QString ConnectionSettings::generateClientId()
{
    const quint32 value = QRandomGenerator::global()->generate();
    return QStringLiteral("thingdeck-") + QStringLiteral("%1").arg(value, 8, 16, QLatin1Char('0'));
}

ConnectionSettings ConnectionSettings::withDefaults(const QString &name)
{
    ConnectionSettings settings;
    settings.name = name;
    settings.clientId = generateClientId();
    return settings;
}

QString ConnectionSettings::validate() const
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("The connection needs a name: enter one.");
    if (name != name.trimmed())
        return QStringLiteral("The connection name starts or ends with a space: remove it.");
    if (QString problem = validateUrls(); !problem.isEmpty())
        return problem;
    return validateMqtt();
}

QString ConnectionSettings::validateUrls() const
{
    if (QString problem = urlProblem(controlPlaneUrl, QStringLiteral("control-plane URL"));
        !problem.isEmpty())
        return problem;
    return urlProblem(dataPlaneUrl, QStringLiteral("data-plane URL"));
}

QString ConnectionSettings::validateMqtt() const
{
    if (const QString problem = ClientId::validate(clientId); !problem.isEmpty())
        return QStringLiteral("The MQTT client id is not valid (%1): enter another one.")
            .arg(problem);
    if (keepAliveSeconds < kMinKeepAlive || keepAliveSeconds > kMaxKeepAlive)
        return QStringLiteral("The MQTT keep-alive must be between %1 and %2 seconds: "
                              "change it (AWS IoT allows 30 to 1200).")
            .arg(kMinKeepAlive)
            .arg(kMaxKeepAlive);
    const bool mutual = transport != MqttConnectOptions::Transport::WebSocket;
    // Neither file is fine (the registry needs none; MQTT stays off); one without the other is
    // a half-finished choice.
    if (mutual && kind != Kind::Sandbox && certificateFile.isEmpty() != privateKeyFile.isEmpty())
        return QStringLiteral("Mutual TLS needs the device certificate file and its private "
                              "key file together: choose both, or neither to use the registry "
                              "without MQTT.");
    return {};
}

quint16 ConnectionSettings::effectivePort() const
{
    if (mqttPort != 0)
        return mqttPort;
    return transport == MqttConnectOptions::Transport::MutualTls ? 8883 : 443;
}

QString ConnectionSettings::transportLabel() const
{
    QString label;
    switch (transport) {
    case MqttConnectOptions::Transport::MutualTls:
        label = QStringLiteral("mutual TLS");
        break;
    case MqttConnectOptions::Transport::MutualTlsAlpn:
        label = QStringLiteral("ALPN");
        break;
    case MqttConnectOptions::Transport::WebSocket:
        label = QStringLiteral("WebSockets");
        break;
    }
    return label + QStringLiteral(", ") + QString::number(effectivePort());
}

} // namespace thingdeck
