#include "session/ConnectionSettings.h"
#include "session/SandboxInfo.h"
#include "session/Settings.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;
using Transport = MqttConnectOptions::Transport;

class tst_ConnectionSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatedClientId();
    void validate_data();
    void validate();
    void transportLabel_data();
    void transportLabel();
    void saveAndReadBack();
    void sortedCaseInsensitive();
    void renameAndRefuseDuplicateName();
    void refusesInvalid();
    void duplicateNames();
    void removeClearsLastConnection();
    void unknownEnumValuesReadAsDefaults();
    void themeAndViewState();
    void defaultFilePathIsStable();
    void sandboxInfoRead();
    void sandboxInfoErrors();

private:
    // QSettings caches files process-wide, so every test function gets its own file.
    QString settingsPath() const
    {
        return m_dir.filePath(QLatin1String(QTest::currentTestFunction()) +
                              QStringLiteral(".conf"));
    }
    static ConnectionSettings valid(const QString &name)
    {
        ConnectionSettings settings = ConnectionSettings::withDefaults(name);
        settings.certificateFile = QStringLiteral("/certs/device.pem");
        settings.privateKeyFile = QStringLiteral("/certs/device.key");
        return settings;
    }

    QTemporaryDir m_dir;
};

void tst_ConnectionSettings::generatedClientId()
{
    const QRegularExpression pattern(QStringLiteral("^thingdeck-[0-9a-f]{8}$"));
    const QString first = ConnectionSettings::generateClientId();
    QVERIFY2(pattern.match(first).hasMatch(), qPrintable(first));
    QVERIFY(first != ConnectionSettings::generateClientId());
    const ConnectionSettings settings = ConnectionSettings::withDefaults(QStringLiteral("a"));
    QCOMPARE(settings.name, QStringLiteral("a"));
    QVERIFY(pattern.match(settings.clientId).hasMatch());
    QCOMPARE(settings.telemetryPattern, QStringLiteral("dt/{thing}/#"));
}

void tst_ConnectionSettings::validate_data()
{
    QTest::addColumn<ConnectionSettings>("settings");
    QTest::addColumn<QString>("expected"); // a word of the sentence, or empty for valid

    const ConnectionSettings good = valid(QStringLiteral("prod"));
    QTest::newRow("valid") << good << QString();
    ConnectionSettings s = good;
    s.name.clear();
    QTest::newRow("empty name") << s << QStringLiteral("name");
    s = good;
    s.name = QStringLiteral(" prod");
    QTest::newRow("space around name") << s << QStringLiteral("space");
    s = good;
    s.controlPlaneUrl = QStringLiteral("not a url");
    QTest::newRow("bad control url") << s << QStringLiteral("control-plane URL");
    s = good;
    s.dataPlaneUrl = QStringLiteral("ftp://host");
    QTest::newRow("bad data url") << s << QStringLiteral("data-plane URL");
    s = good;
    s.controlPlaneUrl = QStringLiteral("https://localhost:8443");
    QTest::newRow("good url") << s << QString();
    s = good;
    s.clientId.clear();
    QTest::newRow("empty client id") << s << QStringLiteral("client id");
    s = good;
    s.clientId = QString(129, QLatin1Char('c'));
    QTest::newRow("long client id") << s << QStringLiteral("client id");
    s = good;
    s.keepAliveSeconds = 4;
    QTest::newRow("keep-alive low") << s << QStringLiteral("keep-alive");
    s.keepAliveSeconds = 1201;
    QTest::newRow("keep-alive high") << s << QStringLiteral("keep-alive");
    s = good;
    s.privateKeyFile.clear();
    QTest::newRow("mutual TLS without key") << s << QStringLiteral("private key");
    s.transport = Transport::MutualTlsAlpn;
    QTest::newRow("ALPN without key") << s << QStringLiteral("private key");
    s.transport = Transport::WebSocket;
    QTest::newRow("WebSocket without key") << s << QString();
    s.transport = Transport::MutualTls;
    s.kind = ConnectionSettings::Kind::Sandbox;
    QTest::newRow("sandbox without key") << s << QString();
    s = good;
    s.certificateFile.clear();
    s.privateKeyFile.clear();
    QTest::newRow("registry only: neither file") << s << QString();
}

void tst_ConnectionSettings::validate()
{
    QFETCH(ConnectionSettings, settings);
    QFETCH(QString, expected);
    const QString problem = settings.validate();
    if (expected.isEmpty()) {
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        return;
    }
    QVERIFY2(problem.contains(expected), qPrintable(problem));
    QVERIFY2(problem.endsWith(QLatin1Char('.')), qPrintable(problem));
}

void tst_ConnectionSettings::transportLabel_data()
{
    QTest::addColumn<Transport>("transport");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("label");
    QTest::addColumn<int>("effective");
    QTest::newRow("mutual default")
        << Transport::MutualTls << 0 << QStringLiteral("mutual TLS, 8883") << 8883;
    QTest::newRow("alpn default") << Transport::MutualTlsAlpn << 0 << QStringLiteral("ALPN, 443")
                                  << 443;
    QTest::newRow("wss default") << Transport::WebSocket << 0 << QStringLiteral("WebSockets, 443")
                                 << 443;
    QTest::newRow("mutual custom")
        << Transport::MutualTls << 18883 << QStringLiteral("mutual TLS, 18883") << 18883;
}

void tst_ConnectionSettings::transportLabel()
{
    QFETCH(Transport, transport);
    QFETCH(int, port);
    QFETCH(QString, label);
    QFETCH(int, effective);
    ConnectionSettings settings;
    settings.transport = transport;
    settings.mqttPort = quint16(port);
    QCOMPARE(settings.transportLabel(), label);
    QCOMPARE(int(settings.effectivePort()), effective);
}

void tst_ConnectionSettings::saveAndReadBack()
{
    ConnectionSettings settings = valid(QStringLiteral("prod/eu: \"main\""));
    settings.profile = QStringLiteral("dev");
    settings.region = QStringLiteral("eu-west-1");
    settings.controlPlaneUrl = QStringLiteral("https://iot.example:8443");
    settings.dataPlaneUrl = QStringLiteral("https://data.example:8443");
    settings.mqttHost = QStringLiteral("mqtt.example");
    settings.mqttPort = 443;
    settings.transport = Transport::MutualTlsAlpn;
    settings.mqttVersion = MqttConnectOptions::Version::Mqtt5;
    settings.caFile = QStringLiteral("/certs/ca.pem");
    settings.keepAliveSeconds = 300;
    settings.rememberPassphrase = true;
    settings.telemetryPattern = QStringLiteral("telemetry/{thing}");
    {
        Settings store(settingsPath());
        const auto saved = store.saveConnection(settings);
        QVERIFY2(saved.ok(), qPrintable(saved.ok() ? QString() : saved.error()));
        store.setLastConnection(settings.name);
    }
    Settings reread(settingsPath());
    QCOMPARE(reread.connections().size(), 1);
    QCOMPARE(reread.connections().first(), settings);
    QCOMPARE(reread.connection(settings.name), std::optional<ConnectionSettings>(settings));
    QVERIFY(!reread.connection(QStringLiteral("other")));
    QCOMPARE(reread.lastConnection(), settings.name);
    QCOMPARE(reread.filePath(), settingsPath());
}

void tst_ConnectionSettings::sortedCaseInsensitive()
{
    Settings store(settingsPath());
    for (const char *name : {"beta", "Alpha", "gamma", "alpha2"})
        QVERIFY(store.saveConnection(valid(QLatin1String(name))).ok());
    QStringList names;
    for (const ConnectionSettings &c : store.connections())
        names.append(c.name);
    QCOMPARE(names, QStringList({QStringLiteral("Alpha"), QStringLiteral("alpha2"),
                                 QStringLiteral("beta"), QStringLiteral("gamma")}));
}

void tst_ConnectionSettings::renameAndRefuseDuplicateName()
{
    Settings store(settingsPath());
    QVERIFY(store.saveConnection(valid(QStringLiteral("one"))).ok());
    QVERIFY(store.saveConnection(valid(QStringLiteral("two"))).ok());
    ConnectionSettings renamed = valid(QStringLiteral("three"));
    QVERIFY(store.saveConnection(renamed, QStringLiteral("one")).ok());
    QVERIFY(!store.connection(QStringLiteral("one")));
    QVERIFY(store.connection(QStringLiteral("three")));
    QCOMPARE(store.connections().size(), 2);

    const auto clash = store.saveConnection(valid(QStringLiteral("TWO")), QStringLiteral("three"));
    QVERIFY(!clash.ok());
    QVERIFY2(clash.error().contains(QLatin1String("\"two\" already exists")),
             qPrintable(clash.error()));
    // Saving a connection again under its own name replaces it.
    renamed.region = QStringLiteral("us-east-1");
    QVERIFY(store.saveConnection(renamed, QStringLiteral("three")).ok());
    QCOMPARE(store.connection(QStringLiteral("three"))->region, QStringLiteral("us-east-1"));
    QCOMPARE(store.connections().size(), 2);
}

void tst_ConnectionSettings::refusesInvalid()
{
    Settings store(settingsPath());
    const auto refused = store.saveConnection(valid(QString()));
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().contains(QLatin1String("name")));
    QVERIFY(store.connections().isEmpty());
}

void tst_ConnectionSettings::duplicateNames()
{
    Settings store(settingsPath());
    const ConnectionSettings original = valid(QStringLiteral("X"));
    QVERIFY(store.saveConnection(original).ok());
    const auto first = store.duplicateConnection(QStringLiteral("X"));
    QVERIFY(first.ok());
    QCOMPARE(first.value(), QStringLiteral("X (copy)"));
    const auto second = store.duplicateConnection(QStringLiteral("X"));
    QCOMPARE(second.value(), QStringLiteral("X (copy 2)"));
    const auto third = store.duplicateConnection(QStringLiteral("X"));
    QCOMPARE(third.value(), QStringLiteral("X (copy 3)"));
    const auto copy = store.connection(QStringLiteral("X (copy)"));
    QVERIFY(copy);
    QCOMPARE(copy->certificateFile, original.certificateFile);
    QVERIFY(copy->clientId != original.clientId);
    QVERIFY(!store.duplicateConnection(QStringLiteral("missing")).ok());
    QCOMPARE(store.uniqueName(QStringLiteral("new")), QStringLiteral("new"));
    QCOMPARE(store.uniqueName(QStringLiteral("x")), QStringLiteral("x 2"));
}

void tst_ConnectionSettings::removeClearsLastConnection()
{
    Settings store(settingsPath());
    QVERIFY(store.saveConnection(valid(QStringLiteral("a"))).ok());
    QVERIFY(store.saveConnection(valid(QStringLiteral("b"))).ok());
    store.setLastConnection(QStringLiteral("a"));
    store.removeConnection(QStringLiteral("a"));
    QCOMPARE(store.connections().size(), 1);
    QCOMPARE(store.connections().first().name, QStringLiteral("b"));
    QVERIFY(store.lastConnection().isEmpty());
}

void tst_ConnectionSettings::unknownEnumValuesReadAsDefaults()
{
    {
        QFile file(settingsPath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[connections]\n1\\name=old\n1\\kind=satellite\n1\\transport=carrier-pigeon\n"
                   "1\\mqttVersion=7\n1\\mqttPort=99999\nsize=1\n[appearance]\ntheme=neon\n");
    }
    Settings store(settingsPath());
    const auto read = store.connection(QStringLiteral("old"));
    QVERIFY(read);
    QCOMPARE(read->kind, ConnectionSettings::Kind::AwsProfile);
    QCOMPARE(read->transport, Transport::MutualTls);
    QCOMPARE(read->mqttVersion, MqttConnectOptions::Version::Mqtt311);
    QCOMPARE(read->mqttPort, quint16(0));
    QCOMPARE(read->keepAliveSeconds, 60);
    QCOMPARE(store.theme(), Settings::Theme::System);
}

void tst_ConnectionSettings::themeAndViewState()
{
    const QByteArray geometry("\x01\x02\x00\xff geometry", 13);
    {
        Settings store(settingsPath());
        QCOMPARE(store.theme(), Settings::Theme::System);
        store.setTheme(Settings::Theme::Dark);
        store.setViewState(QStringLiteral("mainWindow/geometry"), geometry);
        store.sync();
    }
    Settings store(settingsPath());
    QCOMPARE(store.theme(), Settings::Theme::Dark);
    QCOMPARE(store.viewState(QStringLiteral("mainWindow/geometry")), geometry);
    QVERIFY(store.viewState(QStringLiteral("unknown")).isEmpty());
}

void tst_ConnectionSettings::defaultFilePathIsStable()
{
    const QString path = Settings::defaultFilePath();
    QVERIFY2(path.endsWith(QLatin1String("/thingdeck/thingdeck.conf")), qPrintable(path));
    QCoreApplication::setApplicationName(QStringLiteral("something-else"));
    QCOMPARE(Settings::defaultFilePath(), path);
}

void tst_ConnectionSettings::sandboxInfoRead()
{
    const QJsonObject device{
        {QStringLiteral("thingName"), QStringLiteral("sensor-001")},
        {QStringLiteral("certificateId"), QStringLiteral("abc")},
        {QStringLiteral("certificateFile"), QStringLiteral("/s/sensor-001.pem")},
        {QStringLiteral("privateKeyFile"), QStringLiteral("/s/sensor-001.key")}};
    const QJsonObject json{
        {QStringLiteral("region"), QStringLiteral("eu-central-1")},
        {QStringLiteral("accountId"), QStringLiteral("123456789012")},
        {QStringLiteral("accessKeyId"), QStringLiteral("AKIDSANDBOX")},
        {QStringLiteral("secretAccessKey"), QStringLiteral("sandbox-secret")},
        {QStringLiteral("restEndpoint"), QStringLiteral("https://127.0.0.1:4443")},
        {QStringLiteral("caFile"), QStringLiteral("/s/ca.pem")},
        {QStringLiteral("mqttHost"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("mqttPort"), 18883},
        {QStringLiteral("mqttWebSocketPort"), 18443},
        {QStringLiteral("pid"), 42},
        {QStringLiteral("brokerPid"), 43},
        {QStringLiteral("devices"), QJsonArray{device}}};
    const QString path = m_dir.filePath(QStringLiteral("sandbox.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(json).toJson());
    file.close();

    const auto info = SandboxInfo::read(path);
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error()));
    QCOMPARE(info.value().mqttPort, quint16(18883));
    QCOMPARE(info.value().brokerPid, 43);
    QCOMPARE(info.value().devices.size(), 1);
    QCOMPARE(info.value().devices.first().thingName, QStringLiteral("sensor-001"));

    const ConnectionSettings settings = info.value().connectionSettings(QStringLiteral("sandbox"));
    QCOMPARE(settings.kind, ConnectionSettings::Kind::Sandbox);
    QCOMPARE(settings.controlPlaneUrl, QStringLiteral("https://127.0.0.1:4443"));
    QCOMPARE(settings.dataPlaneUrl, settings.controlPlaneUrl);
    QCOMPARE(settings.mqttHost, QStringLiteral("127.0.0.1"));
    QCOMPARE(settings.effectivePort(), quint16(18883));
    QCOMPARE(settings.certificateFile, QStringLiteral("/s/sensor-001.pem"));
    QCOMPARE(settings.privateKeyFile, QStringLiteral("/s/sensor-001.key"));
    QCOMPARE(settings.caFile, QStringLiteral("/s/ca.pem"));
    QCOMPARE(settings.transport, Transport::MutualTls);
    QVERIFY(settings.clientId.startsWith(QLatin1String("thingdeck-")));
    QVERIFY2(settings.validate().isEmpty(), qPrintable(settings.validate()));

    const AwsCredentials credentials = info.value().credentials();
    QCOMPARE(credentials.accessKeyId, QStringLiteral("AKIDSANDBOX"));
    QCOMPARE(credentials.secretAccessKey, QStringLiteral("sandbox-secret"));
    QVERIFY(credentials.isValid());
}

void tst_ConnectionSettings::sandboxInfoErrors()
{
    const QString missing = m_dir.filePath(QStringLiteral("nothing.json"));
    const auto notThere = SandboxInfo::read(missing);
    QVERIFY(!notThere.ok());
    QVERIFY2(notThere.error().contains(missing), qPrintable(notThere.error()));

    const QString broken = m_dir.filePath(QStringLiteral("broken.json"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"region\": ");
    file.close();
    const auto notJson = SandboxInfo::read(broken);
    QVERIFY(!notJson.ok());
    QVERIFY2(notJson.error().contains(QLatin1String("not a JSON object")),
             qPrintable(notJson.error()));

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("{\"region\": \"x\"}");
    file.close();
    const auto incomplete = SandboxInfo::read(broken);
    QVERIFY(!incomplete.ok());
    QVERIFY2(incomplete.error().contains(QLatin1String("lacks")), qPrintable(incomplete.error()));
}

QTEST_GUILESS_MAIN(tst_ConnectionSettings)
#include "tst_connectionsettings.moc"
