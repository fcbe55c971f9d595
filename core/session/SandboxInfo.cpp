#include "session/SandboxInfo.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace thingdeck {

namespace {

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

quint16 port(const QJsonObject &object, const char *key)
{
    const int value = object.value(QLatin1String(key)).toInt();
    return value > 0 && value <= 65535 ? quint16(value) : 0;
}

QList<SandboxInfo::Device> devicesOf(const QJsonArray &array)
{
    QList<SandboxInfo::Device> devices;
    for (const auto &value : array) {
        const QJsonObject object = value.toObject();
        devices.append({text(object, "thingName"), text(object, "certificateId"),
                        text(object, "certificateFile"), text(object, "privateKeyFile")});
    }
    return devices;
}

SandboxInfo fromJson(const QJsonObject &object, const QString &path)
{
    SandboxInfo info;
    info.path = path;
    info.region = text(object, "region");
    info.accountId = text(object, "accountId");
    info.accessKeyId = text(object, "accessKeyId");
    info.secretAccessKey = text(object, "secretAccessKey");
    info.restEndpoint = text(object, "restEndpoint");
    info.caFile = text(object, "caFile");
    info.mqttHost = text(object, "mqttHost");
    info.mqttPort = port(object, "mqttPort");
    info.mqttWebSocketPort = port(object, "mqttWebSocketPort");
    info.pid = object.value(QLatin1String("pid")).toInteger();
    info.brokerPid = object.value(QLatin1String("brokerPid")).toInteger();
    info.devices = devicesOf(object.value(QLatin1String("devices")).toArray());
    return info;
}

} // namespace

Result<SandboxInfo, QString> SandboxInfo::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read the sandbox's %1 (%2): start the sandbox again.")
                        .arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (!document.isObject())
        return fail(QStringLiteral("The sandbox's %1 is not a JSON object (%2): start the "
                                   "sandbox again.")
                        .arg(path, error.errorString()));
    SandboxInfo info = fromJson(document.object(), path);
    if (info.restEndpoint.isEmpty() || info.accessKeyId.isEmpty() || info.mqttPort == 0 ||
        info.mqttHost.isEmpty())
        return fail(QStringLiteral("The sandbox's %1 lacks its endpoints or keys: start the "
                                   "sandbox again.")
                        .arg(path));
    return info;
}

ConnectionSettings SandboxInfo::connectionSettings(const QString &name) const
{
    ConnectionSettings settings = ConnectionSettings::withDefaults(name);
    settings.kind = ConnectionSettings::Kind::Sandbox;
    settings.region = region;
    settings.controlPlaneUrl = restEndpoint;
    settings.dataPlaneUrl = restEndpoint;
    settings.mqttHost = mqttHost;
    settings.mqttPort = mqttPort;
    settings.transport = MqttConnectOptions::Transport::MutualTls;
    settings.caFile = caFile;
    if (!devices.isEmpty()) {
        settings.certificateFile = devices.first().certificateFile;
        settings.privateKeyFile = devices.first().privateKeyFile;
    }
    return settings;
}

AwsCredentials SandboxInfo::credentials() const
{
    AwsCredentials credentials;
    credentials.accessKeyId = accessKeyId;
    credentials.secretAccessKey = secretAccessKey;
    credentials.source = QStringLiteral("local sandbox");
    return credentials;
}

} // namespace thingdeck
