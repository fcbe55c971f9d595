#include "session/Settings.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <algorithm>
#include <array>

namespace thingdeck {

namespace {

const QString kConnections = QStringLiteral("connections");

// Enums are stored by name, so that the file reads well and survives reordering; an unknown
// name (a newer version's, or a typo) reads back as the default.
template<typename E> struct EnumName
{
    E value;
    QLatin1String name;
};

constexpr auto kKinds = std::to_array<EnumName<ConnectionSettings::Kind>>({
    {ConnectionSettings::Kind::AwsProfile, QLatin1String("awsProfile")},
    {ConnectionSettings::Kind::Sandbox, QLatin1String("sandbox")},
});
constexpr auto kTransports = std::to_array<EnumName<MqttConnectOptions::Transport>>({
    {MqttConnectOptions::Transport::MutualTls, QLatin1String("mutualTls")},
    {MqttConnectOptions::Transport::MutualTlsAlpn, QLatin1String("alpn")},
    {MqttConnectOptions::Transport::WebSocket, QLatin1String("webSocket")},
});
constexpr auto kVersions = std::to_array<EnumName<MqttConnectOptions::Version>>({
    {MqttConnectOptions::Version::Mqtt311, QLatin1String("3.1.1")},
    {MqttConnectOptions::Version::Mqtt5, QLatin1String("5")},
});
constexpr auto kThemes = std::to_array<EnumName<Settings::Theme>>({
    {Settings::Theme::System, QLatin1String("system")},
    {Settings::Theme::Light, QLatin1String("light")},
    {Settings::Theme::Dark, QLatin1String("dark")},
});

template<typename E, size_t N> QString enumName(const std::array<EnumName<E>, N> &names, E value)
{
    for (const auto &entry : names) {
        if (entry.value == value)
            return entry.name;
    }
    return names.front().name;
}

template<typename E, size_t N>
E enumValue(const std::array<EnumName<E>, N> &names, const QVariant &stored)
{
    const QString text = stored.toString();
    for (const auto &entry : names) {
        if (text == entry.name)
            return entry.value;
    }
    return names.front().value;
}

bool sameName(const QString &a, const QString &b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

} // namespace

Settings::Settings(const QString &filePath)
    : m_settings(std::make_unique<QSettings>(filePath, QSettings::IniFormat))
{}

Settings::~Settings() = default;

QString Settings::defaultFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/thingdeck/thingdeck.conf");
}

QList<ConnectionSettings> Settings::connections() const
{
    QList<ConnectionSettings> all = readAll();
    std::sort(all.begin(), all.end(), [](const ConnectionSettings &a, const ConnectionSettings &b) {
        const int order = a.name.compare(b.name, Qt::CaseInsensitive);
        return order != 0 ? order < 0 : a.name < b.name;
    });
    return all;
}

std::optional<ConnectionSettings> Settings::connection(const QString &name) const
{
    for (const ConnectionSettings &settings : readAll()) {
        if (settings.name == name)
            return settings;
    }
    return std::nullopt;
}

Result<bool, QString> Settings::saveConnection(const ConnectionSettings &settings,
                                               const QString &previousName)
{
    if (const QString problem = settings.validate(); !problem.isEmpty())
        return fail(problem);
    QList<ConnectionSettings> all = readAll();
    const QString replaced = previousName.isEmpty() ? settings.name : previousName;
    for (const ConnectionSettings &other : std::as_const(all)) {
        if (other.name != replaced && sameName(other.name, settings.name))
            return fail(QStringLiteral("A connection called \"%1\" already exists: choose "
                                       "another name.")
                            .arg(other.name));
    }
    const auto existing = std::find_if(
        all.begin(), all.end(), [&](const ConnectionSettings &c) { return c.name == replaced; });
    if (existing != all.end())
        *existing = settings;
    else
        all.append(settings);
    writeAll(all);
    if (replaced != settings.name) {
        setSubscriptions(settings.name, subscriptions(replaced));
        m_settings->remove(subscriptionsKey(replaced));
    }
    return true;
}

Result<QString, QString> Settings::duplicateConnection(const QString &name)
{
    const auto original = connection(name);
    if (!original)
        return fail(QStringLiteral("There is no connection called \"%1\" to duplicate.").arg(name));
    ConnectionSettings copy = *original;
    copy.name = uniqueName(name + QStringLiteral(" (copy)"));
    copy.clientId = ConnectionSettings::generateClientId();
    const auto saved = saveConnection(copy);
    if (!saved.ok())
        return fail(saved.error());
    return copy.name;
}

void Settings::removeConnection(const QString &name)
{
    QList<ConnectionSettings> all = readAll();
    all.removeIf([&name](const ConnectionSettings &c) { return c.name == name; });
    writeAll(all);
    m_settings->remove(subscriptionsKey(name));
    if (lastConnection() == name)
        setLastConnection({});
}

// Keyed by the name's UTF-8 in hex: a connection name may hold '/' or a backslash, which QSettings
// reads as group separators.
QString Settings::subscriptionsKey(const QString &connection)
{
    return QStringLiteral("subscriptions/") + QString::fromLatin1(connection.toUtf8().toHex());
}

QList<SavedSubscription> Settings::subscriptions(const QString &connection) const
{
    const QByteArray json = m_settings->value(subscriptionsKey(connection)).toString().toUtf8();
    QList<SavedSubscription> all;
    const QJsonArray array = QJsonDocument::fromJson(json).array();
    for (const auto &value : array) {
        const QJsonObject o = value.toObject();
        SavedSubscription s{
            o.value(QLatin1String("filter")).toString(), o.value(QLatin1String("qos")).toInt(),
            o.value(QLatin1String("paused")).toBool(), o.value(QLatin1String("colour")).toInt()};
        if (!s.filter.isEmpty())
            all.append(s);
    }
    return all;
}

bool Settings::hasSubscriptions(const QString &connection) const
{
    return m_settings->contains(subscriptionsKey(connection));
}

void Settings::setSubscriptions(const QString &connection,
                                const QList<SavedSubscription> &subscriptions)
{
    QJsonArray array;
    for (const SavedSubscription &s : subscriptions) {
        array.append(QJsonObject{{QLatin1String("filter"), s.filter},
                                 {QLatin1String("qos"), s.qos},
                                 {QLatin1String("paused"), s.paused},
                                 {QLatin1String("colour"), s.colour}});
    }
    m_settings->setValue(subscriptionsKey(connection),
                         QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
}

QPair<qint64, qint64> Settings::messageCaps() const
{
    return {m_settings->value(QStringLiteral("messages/capMessages"), 0).toLongLong(),
            m_settings->value(QStringLiteral("messages/capBytes"), 0).toLongLong()};
}

void Settings::setMessageCaps(qint64 messages, qint64 bytes)
{
    m_settings->setValue(QStringLiteral("messages/capMessages"), messages);
    m_settings->setValue(QStringLiteral("messages/capBytes"), bytes);
}

QString Settings::uniqueName(const QString &base) const
{
    const QList<ConnectionSettings> all = readAll();
    const auto taken = [&all](const QString &candidate) {
        return std::any_of(all.begin(), all.end(), [&](const ConnectionSettings &c) {
            return sameName(c.name, candidate);
        });
    };
    if (!taken(base))
        return base;
    // "X (copy)" continues as "X (copy 2)"; anything else as "X 2".
    const bool copy = base.endsWith(QLatin1String(" (copy)"));
    for (int n = 2;; ++n) {
        QString candidate = copy ? base.chopped(1) + QStringLiteral(" %1)").arg(n)
                                 : base + QStringLiteral(" %1").arg(n);
        if (!taken(candidate))
            return candidate;
    }
}

QString Settings::lastConnection() const
{
    return m_settings->value(QStringLiteral("session/lastConnection")).toString();
}

void Settings::setLastConnection(const QString &name)
{
    m_settings->setValue(QStringLiteral("session/lastConnection"), name);
}

Settings::Theme Settings::theme() const
{
    return enumValue(kThemes, m_settings->value(QStringLiteral("appearance/theme")));
}

void Settings::setTheme(Theme theme)
{
    m_settings->setValue(QStringLiteral("appearance/theme"), enumName(kThemes, theme));
}

QByteArray Settings::viewState(const QString &key) const
{
    return m_settings->value(QStringLiteral("views/") + key).toByteArray();
}

void Settings::setViewState(const QString &key, const QByteArray &state)
{
    m_settings->setValue(QStringLiteral("views/") + key, state);
}

QString Settings::filePath() const
{
    return m_settings->fileName();
}

void Settings::sync()
{
    m_settings->sync();
}

QList<ConnectionSettings> Settings::readAll() const
{
    QList<ConnectionSettings> all;
    const int size = m_settings->beginReadArray(kConnections);
    for (int i = 0; i < size; ++i) {
        m_settings->setArrayIndex(i);
        ConnectionSettings settings = readConnection();
        if (!settings.name.isEmpty())
            all.append(settings);
    }
    m_settings->endArray();
    return all;
}

void Settings::writeAll(const QList<ConnectionSettings> &connections)
{
    m_settings->remove(kConnections);
    m_settings->beginWriteArray(kConnections, int(connections.size()));
    for (int i = 0; i < connections.size(); ++i) {
        m_settings->setArrayIndex(i);
        writeConnection(connections.at(i));
    }
    m_settings->endArray();
}

ConnectionSettings Settings::readConnection() const
{
    const QSettings &s = *m_settings;
    const auto text = [&s](const char *key) {
        return s.value(QLatin1String(key)).toString();
    };
    ConnectionSettings c;
    c.name = text("name");
    c.kind = enumValue(kKinds, s.value(QStringLiteral("kind")));
    c.profile = text("profile");
    c.region = text("region");
    c.controlPlaneUrl = text("controlPlaneUrl");
    c.dataPlaneUrl = text("dataPlaneUrl");
    c.mqttHost = text("mqttHost");
    const uint port = s.value(QStringLiteral("mqttPort")).toUInt();
    c.mqttPort = port <= 65535 ? quint16(port) : 0;
    c.transport = enumValue(kTransports, s.value(QStringLiteral("transport")));
    c.mqttVersion = enumValue(kVersions, s.value(QStringLiteral("mqttVersion")));
    c.caFile = text("caFile");
    c.certificateFile = text("certificateFile");
    c.privateKeyFile = text("privateKeyFile");
    c.clientId = text("clientId");
    c.keepAliveSeconds = s.value(QStringLiteral("keepAliveSeconds"), 60).toInt();
    c.rememberPassphrase = s.value(QStringLiteral("rememberPassphrase")).toBool();
    c.telemetryPattern = s.value(QStringLiteral("telemetryPattern"), c.telemetryPattern).toString();
    return c;
}

void Settings::writeConnection(const ConnectionSettings &c)
{
    QSettings &s = *m_settings;
    s.setValue(QStringLiteral("name"), c.name);
    s.setValue(QStringLiteral("kind"), enumName(kKinds, c.kind));
    s.setValue(QStringLiteral("profile"), c.profile);
    s.setValue(QStringLiteral("region"), c.region);
    s.setValue(QStringLiteral("controlPlaneUrl"), c.controlPlaneUrl);
    s.setValue(QStringLiteral("dataPlaneUrl"), c.dataPlaneUrl);
    s.setValue(QStringLiteral("mqttHost"), c.mqttHost);
    s.setValue(QStringLiteral("mqttPort"), c.mqttPort);
    s.setValue(QStringLiteral("transport"), enumName(kTransports, c.transport));
    s.setValue(QStringLiteral("mqttVersion"), enumName(kVersions, c.mqttVersion));
    s.setValue(QStringLiteral("caFile"), c.caFile);
    s.setValue(QStringLiteral("certificateFile"), c.certificateFile);
    s.setValue(QStringLiteral("privateKeyFile"), c.privateKeyFile);
    s.setValue(QStringLiteral("clientId"), c.clientId);
    s.setValue(QStringLiteral("keepAliveSeconds"), c.keepAliveSeconds);
    s.setValue(QStringLiteral("rememberPassphrase"), c.rememberPassphrase);
    s.setValue(QStringLiteral("telemetryPattern"), c.telemetryPattern);
}

} // namespace thingdeck
