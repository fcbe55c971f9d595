// IoT policy denials in the real thingdeck-sandbox process: started with --deny, its MQTT
// endpoint (the policy proxy) closes a device's connection on a denied SUBSCRIBE or PUBLISH,
// as AWS IoT does, and the core MqttConnection diagnoses it; everything else still works,
// the shadow service included. Without --deny the proxy is not started at all.
#include "MqttTestSupport.h"
#include "SandboxProcess.h"
#include "SandboxSeeder.h"
#include "mqtt/MqttConnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

constexpr int kDenied = 0; // device index with secret/# denied
constexpr int kFree = 1;   // device index without denials

TopicFilter filter(const QString &text)
{
    return TopicFilter::create(text).value();
}

TopicName topic(const QString &text)
{
    return TopicName::create(text).value();
}

quint16 freePort()
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

} // namespace

class TestSandboxPolicy : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SandboxProcess> m_sandbox;
    quint16 m_requestedPort = 0;

    MqttConnectOptions deviceOptions(int device) const
    {
        MqttConnectOptions o;
        o.host = m_sandbox->value("mqttHost");
        o.port = quint16(m_sandbox->port("mqttPort"));
        o.caFile = m_sandbox->value("caFile");
        o.certificateFile = m_sandbox->deviceCertificate(device);
        o.privateKeyFile = m_sandbox->deviceKey(device);
        o.keepAliveSeconds = 30;
        return o;
    }

    static void subscribeAndWait(MqttConnection &c, const QString &filterText)
    {
        MqttSubscription *sub = c.subscribe(filter(filterText), 1);
        QTRY_VERIFY_WITH_TIMEOUT(sub->state() != MqttSubscription::State::Pending, 10000);
        QVERIFY2(sub->state() == MqttSubscription::State::Subscribed,
                 qPrintable(sub->errorString()));
    }

    // Publishes once and returns the first message on `topicName` (or a filter) that arrives.
    static MqttMessage publishAndReceive(MqttConnection &c, const QString &topicName,
                                         const QByteArray &payload)
    {
        MqttMessage first;
        QObject context;
        connect(&c, &MqttConnection::messagesReceived, &context,
                [&](const MqttMessageBatch &batch) {
                    if (first.topic.isEmpty())
                        first = batch.first();
                });
        if (!c.publish(topic(topicName), payload, 1, false).ok())
            return first;
        if (!QTest::qWaitFor([&] { return !first.topic.isEmpty(); }, 10000))
            qWarning("nothing arrived after a PUBLISH to %s", qPrintable(topicName));
        return first;
    }

    static void expectPolicyClose(MqttConnection &c, const QString &what)
    {
        QTRY_COMPARE_WITH_TIMEOUT(c.error(), MqttConnection::Error::ProbablyDeniedByPolicy, 10000);
        QVERIFY2(c.errorString().contains(what), qPrintable(c.errorString()));
        QVERIFY(c.state() != MqttConnection::State::Connected);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_requestedPort = freePort();
        QVERIFY(m_requestedPort > 0);
        const QString deniedThing = SandboxSeeder::thingNames(2).at(kDenied);
        m_sandbox = std::make_unique<SandboxProcess>(m_dir.filePath(QStringLiteral("state")));
        QVERIFY2(
            m_sandbox->start({QStringLiteral("--things"), QStringLiteral("2"),
                              QStringLiteral("--telemetry-rate"), QStringLiteral("0"),
                              QStringLiteral("--mqtt-port"), QString::number(m_requestedPort),
                              QStringLiteral("--deny"), deniedThing + QStringLiteral("=secret/#")}),
            qPrintable(m_sandbox->error()));
        QCOMPARE(m_sandbox->deviceThing(kDenied), deniedThing);
    }

    void cleanupTestCase()
    {
        if (m_sandbox)
            QCOMPARE(m_sandbox->stop(), 0);
    }

    // --mqtt-port goes to the proxy, the devices' endpoint, and mosquitto takes a free port.
    void mqttPortIsTheProxy()
    {
        QCOMPARE(m_sandbox->port("mqttPort"), int(m_requestedPort));
        QVERIFY(m_sandbox->output().contains(
            QStringLiteral("MQTT policy proxy on port %1").arg(m_requestedPort).toUtf8()));
    }

    void deniedSubscribeClosesTheConnection()
    {
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, deviceOptions(kDenied));
        c.subscribe(filter(QStringLiteral("secret/#")), 1);
        expectPolicyClose(c, QStringLiteral("SUBSCRIBE secret/#"));
        c.disconnectFromHost();
        const QString thing = m_sandbox->deviceThing(kDenied);
        QTRY_VERIFY(m_sandbox->output().contains(
            QStringLiteral("closing the connection of %1 as AWS IoT would: SUBSCRIBE secret/# "
                           "overlaps the denied filter secret/#")
                .arg(thing)
                .toUtf8()));
    }

    void deniedPublishClosesTheConnection()
    {
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, deviceOptions(kDenied));
        QVERIFY(c.publish(topic(QStringLiteral("secret/x")), "psst", 1, false).ok());
        expectPolicyClose(c, QStringLiteral("PUBLISH secret/x"));
        c.disconnectFromHost();
    }

    void otherDevicesMayUseTheTopic()
    {
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, deviceOptions(kFree));
        subscribeAndWait(c, QStringLiteral("secret/#"));
        const MqttMessage got = publishAndReceive(c, QStringLiteral("secret/x"), "mine");
        QCOMPARE(got.topic, QStringLiteral("secret/x"));
        QCOMPARE(got.payload, QByteArray("mine"));
        QCOMPARE(c.state(), MqttConnection::State::Connected);
    }

    // The device talks through the proxy, the shadow service straight to mosquitto.
    void shadowServiceAnswersThroughTheProxy()
    {
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, deviceOptions(kDenied));
        const QString shadow =
            QStringLiteral("$aws/things/%1/shadow").arg(m_sandbox->deviceThing(kDenied));
        subscribeAndWait(c, shadow + QStringLiteral("/get/+"));
        const MqttMessage got = publishAndReceive(c, shadow + QStringLiteral("/get"), "{}");
        QCOMPARE(got.topic, shadow + QStringLiteral("/get/accepted"));
        QVERIFY2(QJsonDocument::fromJson(got.payload).object().contains(QStringLiteral("state")),
                 got.payload.constData());
        QCOMPARE(c.state(), MqttConnection::State::Connected);
    }

    // Full speed without denials: devices reach mosquitto directly.
    void withoutDenialsThereIsNoProxy()
    {
        SandboxProcess plain(m_dir.filePath(QStringLiteral("plain")));
        QVERIFY2(plain.start({QStringLiteral("--things"), QStringLiteral("1"),
                              QStringLiteral("--telemetry-rate"), QStringLiteral("0")}),
                 qPrintable(plain.error()));
        QVERIFY(plain.port("mqttPort") > 0);
        QVERIFY(!plain.output().contains("MQTT policy proxy"));
        QVERIFY(plain.output().contains(
            QStringLiteral("MQTT/TLS port %1,").arg(plain.port("mqttPort")).toUtf8()));
        QCOMPARE(plain.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSandboxPolicy)
#include "tst_sandboxpolicy.moc"
