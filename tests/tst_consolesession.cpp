// ConsoleSession against the real thingdeck-sandbox process.
#include "SandboxProcess.h"
#include "aws/AwsClient.h"
#include "iot/IotError.h"
#include "iot/RegistryClient.h"
#include "iot/ThingQuery.h"
#include "models/MessageTableModel.h"
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"
#include "session/ConsoleSession.h"
#include "session/SandboxInfo.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace thingdeck;

namespace {

constexpr int kThings = 3;

} // namespace

class tst_ConsoleSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void openListsThings();
    void restState();
    void restRetryingSaysWhy();
    void connectReceivesMessages();
    void badCertificate();
    void unknownProfile();
    void sandboxWithoutKeys();
    void clientIdOfAThingWarns();
    void closeDisconnects();
    void closeWhenIdleIsImmediate();
    void deleteRightAfterConnect();
    void switchSessions();

private:
    std::unique_ptr<ConsoleSession> openSession(const ConnectionSettings &settings);
    ConnectionSettings sandboxSettings() const
    {
        return m_info.connectionSettings(QStringLiteral("sandbox"));
    }
    QProcessEnvironment cleanEnvironment() const;

    QTemporaryDir m_state;
    QTemporaryDir m_home;
    std::unique_ptr<test::SandboxProcess> m_sandbox;
    SandboxInfo m_info;
};

void tst_ConsoleSession::initTestCase()
{
    m_sandbox = std::make_unique<test::SandboxProcess>(m_state.path());
    QVERIFY2(m_sandbox->start({QStringLiteral("--things"), QString::number(kThings),
                               QStringLiteral("--telemetry-rate"), QStringLiteral("0")}),
             qPrintable(m_sandbox->error()));
    const auto info = SandboxInfo::read(m_state.filePath(QStringLiteral("sandbox.json")));
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error()));
    m_info = info.value();
}

void tst_ConsoleSession::cleanupTestCase()
{
    m_sandbox.reset();
}

QProcessEnvironment tst_ConsoleSession::cleanEnvironment() const
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), m_home.path());
    return environment;
}

std::unique_ptr<ConsoleSession> tst_ConsoleSession::openSession(const ConnectionSettings &settings)
{
    auto session = std::make_unique<ConsoleSession>(settings, cleanEnvironment());
    session->setExplicitCredentials(m_info.credentials());
    const auto opened = session->open();
    if (!opened.ok()) {
        qWarning() << opened.error();
        return nullptr;
    }
    return session;
}

void tst_ConsoleSession::openListsThings()
{
    const auto session = openSession(sandboxSettings());
    QVERIFY(session);
    QVERIFY(session->registry() && session->shadows() && session->endpoints() && session->aws());
    QCOMPARE(session->region(), m_info.region);
    QCOMPARE(session->mqttStatusText(), QStringLiteral("MQTT off"));
    QVERIFY(session->open().ok()); // a second open changes nothing

    std::optional<Result<ThingPage, IotError>> page;
    session->registry()->listThings(ThingQuery{}, QString(), this,
                                    [&page](const Result<ThingPage, IotError> &r) { page = r; });
    QTRY_VERIFY_WITH_TIMEOUT(page.has_value(), 30000);
    QVERIFY2(page->ok(), qPrintable(page->ok() ? QString() : page->error().toString()));
    QCOMPARE(page->value().things.size(), kThings);
}

// The session words AwsClient's retry for the window's status bar: the call, the cause and
// the attempt. (The retries themselves, through real faults, are in tst_faultsrest.)
void tst_ConsoleSession::restRetryingSaysWhy()
{
    const auto session = openSession(sandboxSettings());
    QVERIFY(session);
    QSignalSpy retrying(session.get(), &ConsoleSession::restRetrying);
    AwsError error;
    error.kind = AwsError::Kind::Service;
    error.httpStatus = 400;
    error.code = QStringLiteral("ThrottlingException");
    error.message = QStringLiteral("Rate exceeded");
    error.operation = QStringLiteral("GET /things");
    emit session->aws()->retrying(AwsClient::CallId{7}, 1, 1500, error);
    QCOMPARE(retrying.size(), 1);
    const QString sentence = retrying.first().at(0).toString();
    QVERIFY2(sentence.contains(QLatin1String("ThrottlingException")), qPrintable(sentence));
    QVERIFY2(sentence.contains(QLatin1String("retrying in 1.5 s (attempt 2 of 3)")),
             qPrintable(sentence));
    QCOMPARE(retrying.first().at(1).toInt(), 1500);
}

void tst_ConsoleSession::restState()
{
    ConsoleSession session(sandboxSettings(), cleanEnvironment());
    QSignalSpy changed(&session, &ConsoleSession::restStateChanged);
    QCOMPARE(session.restState(), ConsoleSession::RestState::Idle);
    session.reportRestResult(nullptr);
    QCOMPARE(session.restState(), ConsoleSession::RestState::Ok);
    session.reportRestResult(nullptr);
    QCOMPARE(changed.size(), 1);
    const IotError error = IotError::invalidArgument(QStringLiteral("throttled, try again"));
    session.reportRestResult(&error);
    QCOMPARE(session.restState(), ConsoleSession::RestState::Failed);
    QVERIFY2(session.restError().contains(QLatin1String("throttled")),
             qPrintable(session.restError()));
    QCOMPARE(changed.size(), 2);
}

void tst_ConsoleSession::connectReceivesMessages()
{
    const auto session = openSession(sandboxSettings());
    QVERIFY(session);
    QAbstractItemModelTester tester(session->messageModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy status(session.get(), &ConsoleSession::mqttStatusChanged);
    session->connectMqtt();
    QCOMPARE(session->mqttStatusText(), QStringLiteral("MQTT connecting…"));
    QTRY_COMPARE_WITH_TIMEOUT(session->mqtt()->state(), MqttConnection::State::Connected, 20000);
    QCOMPARE(session->mqttStatusText(),
             QStringLiteral("MQTT connected (mutual TLS, %1)").arg(m_info.mqttPort));
    QVERIFY(!status.isEmpty());

    session->mqtt()->subscribe(TopicFilter::create(QStringLiteral("tst/#")).value(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(session->mqtt()->subscriptions().first()->state() ==
                                 MqttSubscription::State::Subscribed,
                             10000);
    // A device publishes with its own certificate through mosquitto_pub.
    QProcess pub;
    pub.start(QStringLiteral("mosquitto_pub"),
              {QStringLiteral("-h"), m_info.mqttHost, QStringLiteral("-p"),
               QString::number(m_info.mqttPort), QStringLiteral("--cafile"), m_info.caFile,
               QStringLiteral("--cert"), m_info.devices.at(1).certificateFile,
               QStringLiteral("--key"), m_info.devices.at(1).privateKeyFile, QStringLiteral("-q"),
               QStringLiteral("1"), QStringLiteral("-t"), QStringLiteral("tst/hello"),
               QStringLiteral("-m"), QStringLiteral("{\"n\":1}")});
    QVERIFY(pub.waitForFinished(20000));
    QCOMPARE(pub.exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(session->messages()->size(), 1, 10000);
    QCOMPARE(session->messages()->at(0).topic, QStringLiteral("tst/hello"));
    QCOMPARE(session->messages()->at(0).payload, QByteArray("{\"n\":1}"));
    QTRY_COMPARE(session->messageModel()->rowCount(), 1);

    session->disconnectMqtt();
    QTRY_COMPARE(session->mqtt()->state(), MqttConnection::State::Disconnected);
    QCOMPARE(session->mqttStatusText(), QStringLiteral("MQTT off"));
}

void tst_ConsoleSession::badCertificate()
{
    ConnectionSettings settings = sandboxSettings();
    settings.certificateFile = m_state.filePath(QStringLiteral("no-such-cert.pem"));
    const auto session = openSession(settings);
    QVERIFY(session);
    QSignalSpy states(session->mqtt(), &MqttConnection::stateChanged);
    session->connectMqtt();
    QTRY_VERIFY(session->mqttStatusText().startsWith(QLatin1String("MQTT certificate problem: ")));
    QVERIFY2(session->mqttStatusText().contains(QLatin1String("no-such-cert.pem")),
             qPrintable(session->mqttStatusText()));
    QCOMPARE(session->mqtt()->state(), MqttConnection::State::Disconnected);
    QVERIFY(states.isEmpty());
}

void tst_ConsoleSession::unknownProfile()
{
    QTemporaryDir home;
    QDir(home.path()).mkpath(QStringLiteral(".aws"));
    QFile config(home.filePath(QStringLiteral(".aws/config")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("[default]\nregion = eu-west-1\n");
    config.close();
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home.path());

    ConnectionSettings settings = ConnectionSettings::withDefaults(QStringLiteral("prod"));
    settings.profile = QStringLiteral("nope");
    ConsoleSession session(settings, environment);
    const auto opened = session.open();
    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().contains(QLatin1String("'nope'")) &&
                 opened.error().contains(config.fileName()),
             qPrintable(opened.error()));
    QVERIFY(!session.registry());
    session.connectMqtt();
    QVERIFY(session.mqttStatusText().startsWith(QLatin1String("MQTT error: ")));
}

void tst_ConsoleSession::sandboxWithoutKeys()
{
    ConsoleSession session(sandboxSettings(), cleanEnvironment());
    const auto opened = session.open();
    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().contains(QLatin1String("sandbox")), qPrintable(opened.error()));
}

void tst_ConsoleSession::clientIdOfAThingWarns()
{
    ConnectionSettings settings = sandboxSettings();
    settings.clientId = m_info.devices.at(2).thingName;
    const auto session = openSession(settings);
    QVERIFY(session);
    QSignalSpy warning(session.get(), &ConsoleSession::clientIdWarning);
    session->connectMqtt();
    QTRY_COMPARE_WITH_TIMEOUT(warning.size(), 1, 20000);
    QVERIFY(warning.first().first().toString().contains(settings.clientId));
    QTRY_COMPARE_WITH_TIMEOUT(session->mqtt()->state(), MqttConnection::State::Connected, 20000);
}

void tst_ConsoleSession::closeDisconnects()
{
    const auto session = openSession(sandboxSettings());
    QVERIFY(session);
    session->connectMqtt();
    QTRY_COMPARE_WITH_TIMEOUT(session->mqtt()->state(), MqttConnection::State::Connected, 20000);
    QSignalSpy closed(session.get(), &ConsoleSession::closed);
    session->close();
    session->close();
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, ConsoleSession::kCloseTimeoutMs + 1000);
    QCOMPARE(session->mqtt()->state(), MqttConnection::State::Disconnected);
    QVERIFY(session->isClosed());
    session->connectMqtt(); // refused once closed
    QCOMPARE(session->mqtt()->state(), MqttConnection::State::Disconnected);
    QCOMPARE(closed.size(), 1);
}

void tst_ConsoleSession::closeWhenIdleIsImmediate()
{
    ConsoleSession session(sandboxSettings(), cleanEnvironment());
    QSignalSpy closed(&session, &ConsoleSession::closed);
    session.close();
    QCOMPARE(closed.size(), 1);
}

void tst_ConsoleSession::deleteRightAfterConnect()
{
    for (int i = 0; i < 3; ++i) {
        auto session = openSession(sandboxSettings());
        QVERIFY(session);
        session->connectMqtt();
        session.reset();
    }
    // Whatever the deleted sessions' clients still report must go nowhere.
    ConsoleSession witness(sandboxSettings(), cleanEnvironment());
    QSignalSpy closed(&witness, &ConsoleSession::closed);
    witness.close();
    QCOMPARE(closed.size(), 1);
}

void tst_ConsoleSession::switchSessions()
{
    ConnectionSettings first = sandboxSettings();
    ConnectionSettings second = sandboxSettings();
    second.clientId = first.clientId; // the same id, as when switching back and forth
    auto a = openSession(first);
    QVERIFY(a);
    a->connectMqtt();
    QTRY_VERIFY(a->mqtt()->state() != MqttConnection::State::Disconnected);
    a.reset();
    const auto b = openSession(second);
    QVERIFY(b);
    b->connectMqtt();
    QTRY_COMPARE_WITH_TIMEOUT(b->mqtt()->state(), MqttConnection::State::Connected, 20000);
    QCOMPARE(b->mqttStatusText(),
             QStringLiteral("MQTT connected (mutual TLS, %1)").arg(m_info.mqttPort));
}

QTEST_GUILESS_MAIN(tst_ConsoleSession)
#include "tst_consolesession.moc"
