// MqttConnection against a real mosquitto with mutual TLS (the sandbox's broker and PKI):
// transports, subscriptions, batched delivery, errors, reconnect and policy refusals.
#include "BrokerProcess.h"
#include "SandboxPki.h"
#include "aws/CredentialChain.h"
#include "mqtt/MqttConnection.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

namespace {

const QString kDevice = QStringLiteral("lamp-1");
const QString kOther = QStringLiteral("lamp-2");

TopicFilter filter(const char *text)
{
    return TopicFilter::create(QString::fromLatin1(text)).value();
}

TopicName topic(const char *text)
{
    return TopicName::create(QString::fromLatin1(text)).value();
}

} // namespace

class TestMqttConnection : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SandboxPki> m_pki;
    std::unique_ptr<BrokerProcess> m_broker;

    bool startBroker(BrokerProcess::Options options)
    {
        m_broker = std::make_unique<BrokerProcess>(*m_pki, std::move(options));
        QSignalSpy ready(m_broker.get(), &BrokerProcess::ready);
        QSignalSpy failed(m_broker.get(), &BrokerProcess::failed);
        m_broker->start();
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), 15000);
        }();
        if (!failed.isEmpty())
            qWarning() << failed.first().first().toString();
        return !ready.isEmpty();
    }

    MqttConnectOptions deviceOptions(const QString &thing) const
    {
        MqttConnectOptions o;
        o.host = QStringLiteral("localhost");
        o.port = m_broker->mqttPort();
        o.caFile = m_pki->caCertificateFile();
        o.certificateFile = m_pki->deviceCertificateFile(thing);
        o.privateKeyFile = m_pki->deviceKeyFile(thing);
        o.keepAliveSeconds = 30;
        return o;
    }

    static void connectAndWait(MqttConnection &c, const MqttConnectOptions &options)
    {
        c.connectToHost(options);
        QTRY_VERIFY2_WITH_TIMEOUT(c.state() == MqttConnection::State::Connected ||
                                      c.state() == MqttConnection::State::Disconnected,
                                  qPrintable(c.errorString()), 15000);
        QVERIFY2(c.state() == MqttConnection::State::Connected, qPrintable(c.errorString()));
    }

    // Subscribes, publishes to itself and checks the message arrives in a batch.
    static void roundTrip(MqttConnection &c, const char *topicName)
    {
        QSignalSpy received(&c, &MqttConnection::messagesReceived);
        MqttSubscription *sub = c.subscribe(filter("dt/#"), 1);
        QTRY_VERIFY_WITH_TIMEOUT(sub->state() != MqttSubscription::State::Pending, 10000);
        QVERIFY2(sub->state() == MqttSubscription::State::Subscribed,
                 qPrintable(sub->errorString()));
        QVERIFY(c.publish(topic(topicName), "{\"t\":21}", 1, false).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), 10000);
        const auto batch = received.first().first().value<MqttMessageBatch>();
        QCOMPARE(batch.first().topic, QString::fromLatin1(topicName));
        QCOMPARE(batch.first().payload, QByteArray("{\"t\":21}"));
        QCOMPARE(batch.first().qos, quint8(1));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pki = std::make_unique<SandboxPki>(m_dir.path());
        const auto made = m_pki->ensure({kDevice, kOther});
        QVERIFY2(made.ok(), qPrintable(made.ok() ? QString() : made.error()));
        BrokerProcess::Options options;
        options.configDirectory = m_dir.filePath(QStringLiteral("broker"));
        options.denials.append({kOther, filter("secret/#")});
        QVERIFY(QDir().mkpath(options.configDirectory));
        QVERIFY(startBroker(options));
    }

    void cleanupTestCase() { m_broker.reset(); }

    void mutualTlsRoundTrip_data()
    {
        QTest::addColumn<int>("transport");
        QTest::addColumn<int>("version");
        QTest::newRow("8883 mutual TLS, MQTT 3.1.1")
            << int(MqttConnectOptions::Transport::MutualTls)
            << int(MqttConnectOptions::Version::Mqtt311);
        QTest::newRow("ALPN x-amzn-mqtt-ca, MQTT 3.1.1")
            << int(MqttConnectOptions::Transport::MutualTlsAlpn)
            << int(MqttConnectOptions::Version::Mqtt311);
        QTest::newRow("8883 mutual TLS, MQTT 5") << int(MqttConnectOptions::Transport::MutualTls)
                                                 << int(MqttConnectOptions::Version::Mqtt5);
    }

    void mutualTlsRoundTrip()
    {
        QFETCH(int, transport);
        QFETCH(int, version);
        MqttConnection c;
        MqttConnectOptions options = deviceOptions(kDevice);
        options.transport = MqttConnectOptions::Transport(transport);
        options.version = MqttConnectOptions::Version(version);
        connectAndWait(c, options);
        QVERIFY(c.options().clientId.startsWith(QLatin1String("thingdeck-")));
        QSignalSpy published(&c, &MqttConnection::messagePublished);
        roundTrip(c, "dt/lamp-1/telemetry");
        QCOMPARE(published.size(), 1);
        QVERIFY(published.first().first().value<MqttMessage>().outgoing);
        c.disconnectFromHost();
        QTRY_COMPARE(c.state(), MqttConnection::State::Disconnected);
    }

    void webSocketSignedUrl()
    {
        QProcessEnvironment env;
        CredentialChain credentials(env);
        AwsCredentials keys;
        keys.accessKeyId = QStringLiteral("AKIDEXAMPLE");
        keys.secretAccessKey = QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        keys.sessionToken = QStringLiteral("token/with+chars=");
        credentials.setExplicitCredentials(keys);
        MqttConnectOptions options;
        options.transport = MqttConnectOptions::Transport::WebSocket;
        options.host = QStringLiteral("localhost");
        options.port = m_broker->webSocketPort();
        options.caFile = m_pki->caCertificateFile();
        options.credentials = &credentials;
        options.region = QStringLiteral("us-east-1");
        MqttConnection c;
        connectAndWait(c, options);
        roundTrip(c, "dt/ws/telemetry");
    }

    void refusedBeforeOrAtConnect_data()
    {
        QTest::addColumn<bool>("otherCa");
        QTest::addColumn<bool>("otherDevice");
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("fragment");
        // Caught by the certificate check before Paho is asked to connect.
        QTest::newRow("device certificate not signed by the CA file")
            << true << false << int(MqttConnection::Error::InvalidOptions)
            << QStringLiteral("is not signed by a CA in the CA file");
        // Consistent files from another PKI: only the TLS handshake can tell.
        QTest::newRow("broker not trusted, device unknown to the broker")
            << true << true << int(MqttConnection::Error::ConnectFailed)
            << QStringLiteral("localhost:");
    }

    void refusedBeforeOrAtConnect()
    {
        QFETCH(bool, otherCa);
        QFETCH(bool, otherDevice);
        QFETCH(int, error);
        QFETCH(QString, fragment);
        QTemporaryDir otherDir;
        SandboxPki other(otherDir.path());
        QVERIFY(other.ensure({kDevice}).ok());
        MqttConnectOptions options = deviceOptions(kDevice);
        if (otherCa)
            options.caFile = other.caCertificateFile();
        if (otherDevice) {
            options.certificateFile = other.deviceCertificateFile(kDevice);
            options.privateKeyFile = other.deviceKeyFile(kDevice);
        }
        MqttConnection c;
        c.connectToHost(options);
        QTRY_COMPARE_WITH_TIMEOUT(c.error(), MqttConnection::Error(error), 15000);
        QCOMPARE(c.state(), MqttConnection::State::Disconnected);
        QVERIFY2(c.errorString().contains(fragment), qPrintable(c.errorString()));
    }

    // mosquitto 2.0 grants a denied SUBSCRIBE (SUBACK 0) and then withholds the messages,
    // where AWS IoT would close the connection: the device simply receives nothing.
    void deniedTopicDeliversNothing()
    {
        MqttConnection denied;
        connectAndWait(denied, deviceOptions(kOther));
        MqttSubscription *sub = denied.subscribe(filter("secret/#"), 1);
        MqttSubscription *open = denied.subscribe(filter("public/#"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(open->state(), MqttSubscription::State::Subscribed, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(sub->state() != MqttSubscription::State::Pending, 10000);
        QList<QString> topics;
        connect(&denied, &MqttConnection::messagesReceived, this, [&](const MqttMessageBatch &b) {
            for (const MqttMessage &m : b)
                topics << m.topic;
        });
        MqttConnection sender;
        connectAndWait(sender, deviceOptions(kDevice));
        QVERIFY(sender.publish(topic("secret/plans"), "x", 1, false).ok());
        QVERIFY(sender.publish(topic("public/news"), "y", 1, false).ok());
        QTRY_COMPARE_WITH_TIMEOUT(topics, QList<QString>{QStringLiteral("public/news")}, 10000);
    }

    void publishWhileDisconnectedIsAnError()
    {
        MqttConnection c;
        const auto sent = c.publish(topic("dt/x"), "1", 0, false);
        QVERIFY(!sent.ok());
        QVERIFY(sent.error().contains(QStringLiteral("Not connected")));
    }

    void reconnectRestoresSubscriptions()
    {
        MqttConnection c;
        connectAndWait(c, deviceOptions(kDevice));
        MqttSubscription *sub = c.subscribe(filter("dt/#"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(sub->state(), MqttSubscription::State::Subscribed, 10000);
        QSignalSpy restored(&c, &MqttConnection::subscriptionsRestored);

        BrokerProcess::Options options;
        options.configDirectory = m_dir.filePath(QStringLiteral("broker"));
        options.mqttPort = m_broker->mqttPort();
        options.webSocketPort = m_broker->webSocketPort();
        options.denials.append({kOther, filter("secret/#")});
        QSignalSpy exited(m_broker.get(), &BrokerProcess::exited);
        m_broker->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!exited.isEmpty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Reconnecting, 10000);
        QCOMPARE(c.error(), MqttConnection::Error::ConnectionLost);
        QVERIFY(startBroker(options));

        QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Connected, 30000);
        QTRY_COMPARE(restored.size(), 1);
        QCOMPARE(restored.first().first().toInt(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(sub->state(), MqttSubscription::State::Subscribed, 10000);
        QSignalSpy received(&c, &MqttConnection::messagesReceived);
        QVERIFY(c.publish(topic("dt/after/reconnect"), "x", 1, false).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), 10000);
    }

    void batchesAreBoundedAndOrdered()
    {
        MqttConnection subscriber;
        connectAndWait(subscriber, deviceOptions(kDevice));
        MqttSubscription *sub = subscriber.subscribe(filter("dt/flood/#"), 0);
        QTRY_COMPARE_WITH_TIMEOUT(sub->state(), MqttSubscription::State::Subscribed, 10000);
        MqttConnection publisher;
        connectAndWait(publisher, deviceOptions(kOther));
        QList<QByteArray> got;
        int batches = 0;
        connect(&subscriber, &MqttConnection::messagesReceived, this,
                [&](const MqttMessageBatch &batch) {
                    ++batches;
                    for (const MqttMessage &m : batch)
                        got.append(m.payload);
                });
        constexpr int kCount = 2000;
        for (int i = 0; i < kCount; ++i) {
            const auto sent =
                publisher.publish(topic("dt/flood/x"), QByteArray::number(i), 1, false);
            QVERIFY2(sent.ok(), qPrintable(sent.ok() ? QString() : sent.error()));
        }
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), kCount, 30000);
        for (int i = 0; i < kCount; ++i)
            QCOMPARE(got[i], QByteArray::number(i));
        QVERIFY2(batches < kCount, "messages must arrive in batches, not one call each");
        QCOMPARE(subscriber.droppedMessages(), quint64(0));
        qInfo() << kCount << "messages in" << batches << "batches";
    }
};

QTEST_GUILESS_MAIN(TestMqttConnection)
#include "tst_mqttconnection.moc"
