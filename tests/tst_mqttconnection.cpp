// MqttConnection against a real mosquitto with mutual TLS (the sandbox's broker and PKI):
// transports, subscriptions, batched delivery, errors, reconnect and policy refusals, and
// replacing the Paho client at any moment (connect, disconnect, switch, destroy).
#include "BrokerProcess.h"
#include "MqttPolicyProxy.h"
#include "MqttTestSupport.h"
#include "RequestAuthenticator.h"
#include "SandboxPki.h"
#include "WebSocketGate.h"
#include "aws/CredentialChain.h"
#include "mqtt/MqttConnection.h"

#include "mqtt/MessageStore.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace thingdeck;
using thingdeck::test::MqttTestSupport;

namespace {

const QString kDevice = QStringLiteral("lamp-1");
const QString kOther = QStringLiteral("lamp-2");
constexpr int kCycles = 200;

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

    // Publishes a payload no one else sends to a topic `c` is subscribed to, and checks that
    // it arrives exactly once: the current client is subscribed, and nothing of an earlier
    // client gets through.
    static void receivesOwnMessage(MqttConnection &c, const QString &topicName)
    {
        const QByteArray payload = QByteArray::number(QRandomGenerator::global()->generate64(), 16);
        QList<MqttMessage> got;
        QObject context;
        connect(&c, &MqttConnection::messagesReceived, &context,
                [&](const MqttMessageBatch &batch) { got.append(batch); });
        const auto sent = c.publish(TopicName::create(topicName).value(), payload, 1, false);
        QVERIFY2(sent.ok(), qPrintable(sent.ok() ? QString() : sent.error()));
        QTRY_VERIFY_WITH_TIMEOUT(!got.isEmpty(), 10000);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first().topic, topicName);
        QCOMPARE(got.first().payload, payload);
    }

    static MqttConnectOptions::Version versionOf(bool v5)
    {
        return v5 ? MqttConnectOptions::Version::Mqtt5 : MqttConnectOptions::Version::Mqtt311;
    }

    // Connected and subscribed to `filterText`, or a failed test.
    static MqttSubscription *subscribed(MqttConnection &c, const char *filterText, int qos)
    {
        MqttSubscription *sub = c.subscribe(filter(filterText), qos);
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(sub->state(), MqttSubscription::State::Subscribed, 10000);
        }();
        return sub;
    }

    static quint64 sentId(const Result<quint64, QString> &sent)
    {
        [&] {
            QVERIFY2(sent.ok(), qPrintable(sent.ok() ? QString() : sent.error()));
        }();
        return sent.ok() ? sent.value() : 0;
    }

    // The states a spy saw, in order.
    static QList<MqttConnection::State> statesOf(const QSignalSpy &spy)
    {
        QList<MqttConnection::State> states;
        for (const QList<QVariant> &arguments : spy)
            states.append(arguments.first().value<MqttConnection::State>());
        return states;
    }

    // An AWS-like endpoint in front of the broker that closes a connection on a denied
    // SUBSCRIBE or PUBLISH. One per test: restarting the broker moves its internal port.
    std::unique_ptr<MqttPolicyProxy> startProxy() const
    {
        MqttPolicyProxy::Options options;
        options.brokerPort = m_broker->internalPort();
        options.denials.append({kOther, filter("secret/#")});
        auto proxy = std::make_unique<MqttPolicyProxy>(options);
        if (const auto problem = proxy->listen(*m_pki)) {
            qWarning().noquote() << *problem;
            return nullptr;
        }
        return proxy;
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
        MqttTestSupport::connectAndWait(c, options);
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
        // mosquitto's websockets listener is plain and internal; the sandbox's gate in front
        // of it terminates TLS and checks the signature (and the token after it) as AWS does.
        RequestAuthenticator authenticator(QStringLiteral("us-east-1"));
        authenticator.addCredentials(keys);
        WebSocketGate gate(&authenticator, {m_broker->webSocketPort()});
        const auto problem = gate.listen(*m_pki);
        QVERIFY2(!problem, qPrintable(problem.value_or(QString())));
        QSignalSpy refused(&gate, &WebSocketGate::refused);
        MqttConnectOptions options;
        options.transport = MqttConnectOptions::Transport::WebSocket;
        options.host = QStringLiteral("localhost");
        options.port = gate.port();
        options.caFile = m_pki->caCertificateFile();
        options.credentials = &credentials;
        options.region = QStringLiteral("us-east-1");
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, options);
        roundTrip(c, "dt/ws/telemetry");
        QCOMPARE(refused.size(), 0);
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

    void tlsCauseReachesTheErrorText_data()
    {
        QTest::addColumn<bool>("v5");
        QTest::newRow("MQTT 3.1.1") << false;
        QTest::newRow("MQTT 5") << true;
    }

    // A CA file that does not sign the broker's certificate (with a consistent device from the
    // same other PKI, so the file check passes): only OpenSSL can tell, through Paho's
    // ssl_error_cb. Its reason must reach the text, and only for the attempt that produced it.
    void tlsCauseReachesTheErrorText()
    {
        QFETCH(bool, v5);
        QTemporaryDir otherDir;
        SandboxPki other(otherDir.path());
        QVERIFY(other.ensure({kDevice}).ok());
        MqttConnectOptions untrusted = deviceOptions(kDevice);
        untrusted.version = versionOf(v5);
        untrusted.caFile = other.caCertificateFile();
        untrusted.certificateFile = other.deviceCertificateFile(kDevice);
        untrusted.privateKeyFile = other.deviceKeyFile(kDevice);
        MqttConnection c;
        c.connectToHost(untrusted);
        QTRY_COMPARE_WITH_TIMEOUT(c.error(), MqttConnection::Error::ConnectFailed, 15000);
        const QString refused = c.errorString();
        QVERIFY2(refused.contains(QLatin1String("OpenSSL reported: certificate verify failed")),
                 qPrintable(refused));
        QVERIFY2(refused.contains(QLatin1String("presented a certificate that the CA file does "
                                                "not trust")),
                 qPrintable(refused));

        // Nothing listens there: a failure without TLS lines says nothing of the last one's.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        MqttConnectOptions nowhere = deviceOptions(kDevice);
        nowhere.version = versionOf(v5);
        nowhere.host = QStringLiteral("127.0.0.1");
        nowhere.port = closed.serverPort();
        closed.close();
        c.connectToHost(nowhere);
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Disconnected, 15000);
        QCOMPARE(c.error(), MqttConnection::Error::ConnectFailed);
        QVERIFY2(!c.errorString().contains(QLatin1String("OpenSSL")), qPrintable(c.errorString()));
        QVERIFY2(!c.errorString().contains(QLatin1String("verify failed")),
                 qPrintable(c.errorString()));

        MqttConnectOptions good = deviceOptions(kDevice);
        good.version = versionOf(v5);
        MqttTestSupport::connectAndWait(c, good);
        QCOMPARE(c.error(), MqttConnection::Error::None);
        QVERIFY2(c.errorString().isEmpty(), qPrintable(c.errorString()));
    }

    // mosquitto 2.0 grants a denied SUBSCRIBE (SUBACK 0) and then withholds the messages,
    // where AWS IoT would close the connection: the device simply receives nothing.
    void deniedTopicDeliversNothing()
    {
        MqttConnection denied;
        MqttTestSupport::connectAndWait(denied, deviceOptions(kOther));
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
        MqttTestSupport::connectAndWait(sender, deviceOptions(kDevice));
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
        MqttTestSupport::connectAndWait(c, deviceOptions(kDevice));
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

    // The status bar's countdown: announced when a lost connection schedules a reconnect.
    void reconnectIsAnnounced()
    {
        auto proxy = startProxy();
        QVERIFY(proxy);
        MqttConnectOptions options = deviceOptions(kDevice);
        options.port = proxy->port();
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, options);
        QSignalSpy scheduled(&c, &MqttConnection::reconnectScheduled);
        QCOMPARE(c.reconnectDelayMs(), 0);
        proxy->close(); // drops the connection; the broker behind it stays up
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Reconnecting, 10000);
        QCOMPARE(scheduled.size(), 1);
        const int delay = scheduled.first().first().toInt();
        QVERIFY2(delay >= 500 && delay <= 1500, qPrintable(QString::number(delay)));
        QVERIFY(c.reconnectDelayMs() > 0);
        QVERIFY(c.reconnectDelayMs() <= delay);
        c.disconnectFromHost();
        QCOMPARE(c.state(), MqttConnection::State::Disconnected);
        QCOMPARE(c.reconnectDelayMs(), 0);
    }

    void deniedFilterNamesWhatThePolicyRefused_data()
    {
        QTest::addColumn<bool>("subscribe");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("expected");
        QTest::newRow("SUBSCRIBE")
            << true << QStringLiteral("secret/#") << QStringLiteral("secret/#");
        QTest::newRow("PUBLISH") << false << QStringLiteral("secret/x")
                                 << QStringLiteral("PUBLISH secret/x");
    }

    void deniedFilterNamesWhatThePolicyRefused()
    {
        QFETCH(bool, subscribe);
        QFETCH(QString, target);
        QFETCH(QString, expected);
        auto proxy = startProxy();
        QVERIFY(proxy);
        MqttConnectOptions options = deviceOptions(kOther);
        options.port = proxy->port();
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, options);
        QVERIFY(c.deniedFilter().isEmpty());
        if (subscribe)
            c.subscribe(TopicFilter::create(target).value(), 1);
        else
            QVERIFY(c.publish(TopicName::create(target).value(), "psst", 0, false).ok());
        QTRY_COMPARE_WITH_TIMEOUT(c.error(), MqttConnection::Error::ProbablyDeniedByPolicy, 10000);
        QCOMPARE(c.deniedFilter(), expected);
        // Reconnected (the denied subscription given up): the diagnosis is over.
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Connected, 15000);
        QCOMPARE(c.error(), MqttConnection::Error::None);
        QVERIFY(c.deniedFilter().isEmpty());
    }

    // The issue: Disconnect then Connect, over and over, faster than Paho answers. Results
    // of every replaced client arrive late and must be ignored; the last client ends up
    // connected and subscribed. Every 20th cycle, the last one included, lets a client reach
    // Connected first: its disconnect is then still in flight when the next connect replaces
    // it (only 10 of them, as Paho takes ~1 s to connect a client added while its threads
    // run). Every fourth gives Paho a few random milliseconds, so late results land in every
    // phase of a handshake.
    void rapidReconnectCyclesEndConnected()
    {
        MqttConnection c;
        MqttSubscription *sub = c.subscribe(filter("dt/cycle/#"), 1);
        const MqttConnectOptions options = deviceOptions(kDevice);
        QSignalSpy states(&c, &MqttConnection::stateChanged);
        QElapsedTimer elapsed;
        elapsed.start();
        for (int i = 0; i < kCycles; ++i) {
            c.connectToHost(options);
            if (i % 20 == 19)
                QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Connected, 15000);
            else if (i % 4 == 2)
                QTest::qWait(int(QRandomGenerator::global()->bounded(20)));
            c.disconnectFromHost();
            c.connectToHost(options);
        }
        const qsizetype final = states.size(); // the last connectToHost() said Connecting
        QCOMPARE(c.state(), MqttConnection::State::Connecting);
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Connected, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(sub->state(), MqttSubscription::State::Subscribed, 10000);
        receivesOwnMessage(c, QStringLiteral("dt/cycle/end"));
        if (QTest::currentTestFailed())
            return;
        qInfo() << kCycles << "connect/disconnect/connect cycles in" << elapsed.elapsed() << "ms";
        // Anything an old client still had queued has been delivered (or dropped) by now:
        // since the last connectToHost() the state changed once, to Connected, and stayed.
        QCOMPARE(statesOf(states).mid(final),
                 QList<MqttConnection::State>{MqttConnection::State::Connected});
        QCOMPARE(c.state(), MqttConnection::State::Connected);
        QCOMPARE(c.error(), MqttConnection::Error::None);
        QCOMPARE(c.subscriptions(), QList<MqttSubscription *>{sub});
    }

    void connectAgainSwitchesEndpoint_data()
    {
        QTest::addColumn<MqttConnection::State>("phase");
        QTest::addColumn<bool>("toProxy");
        using State = MqttConnection::State;
        QTest::newRow("while Connecting, broker -> proxy") << State::Connecting << true;
        QTest::newRow("while Connecting, proxy -> broker") << State::Connecting << false;
        QTest::newRow("while Connected, broker -> proxy") << State::Connected << true;
        QTest::newRow("while Connected, proxy -> broker") << State::Connected << false;
        QTest::newRow("while Disconnecting, broker -> proxy") << State::Disconnecting << true;
    }

    // Switching endpoints: two listeners on the same broker, told apart by the proxy's
    // session count. While Disconnecting, the old client's "disconnect done" comes late.
    void connectAgainSwitchesEndpoint()
    {
        QFETCH(MqttConnection::State, phase);
        QFETCH(bool, toProxy);
        auto proxy = startProxy();
        QVERIFY(proxy);
        const MqttConnectOptions direct = deviceOptions(kDevice);
        MqttConnectOptions viaProxy = direct;
        viaProxy.port = proxy->port();
        MqttConnection c;
        MqttSubscription *sub = c.subscribe(filter("dt/switch/#"), 1);
        c.connectToHost(toProxy ? direct : viaProxy);
        if (phase != MqttConnection::State::Connecting)
            QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Connected, 15000);
        if (phase == MqttConnection::State::Disconnecting)
            c.disconnectFromHost();
        QCOMPARE(c.state(), phase);
        QSignalSpy states(&c, &MqttConnection::stateChanged);
        c.connectToHost(toProxy ? viaProxy : direct);
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Connected, 15000);
        QCOMPARE(c.options().port, toProxy ? proxy->port() : direct.port);
        QTRY_COMPARE_WITH_TIMEOUT(proxy->sessionCount(), toProxy ? 1 : 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(sub->state(), MqttSubscription::State::Subscribed, 10000);
        receivesOwnMessage(c, QStringLiteral("dt/switch/x"));
        if (QTest::currentTestFailed())
            return;
        const QList<MqttConnection::State> seen = statesOf(states);
        QVERIFY(!seen.contains(MqttConnection::State::Disconnected));
        QCOMPARE(seen.last(), MqttConnection::State::Connected);
    }

    void destroyedWhileBusyThenAnotherConnects_data()
    {
        QTest::addColumn<bool>("disconnecting");
        QTest::addColumn<bool>("sameClientId");
        QTest::newRow("while Connecting") << false << false;
        QTest::newRow("while Connecting, same client id") << false << true;
        QTest::newRow("while Disconnecting, same client id") << true << true;
    }

    // A session closed and reopened at once: the old object's client is torn down in its
    // destructor, and nothing of it may reach (or, by client id, kick) the new one.
    void destroyedWhileBusyThenAnotherConnects()
    {
        QFETCH(bool, disconnecting);
        QFETCH(bool, sameClientId);
        MqttConnectOptions options = deviceOptions(kDevice);
        if (sameClientId)
            options.clientId = QStringLiteral("thingdeck-tst-same-id");
        auto first = std::make_unique<MqttConnection>();
        first->subscribe(filter("dt/#"), 1);
        first->connectToHost(options);
        if (disconnecting) {
            QTRY_COMPARE_WITH_TIMEOUT(first->state(), MqttConnection::State::Connected, 15000);
            first->disconnectFromHost();
            QCOMPARE(first->state(), MqttConnection::State::Disconnecting);
        } else {
            QCOMPARE(first->state(), MqttConnection::State::Connecting);
        }
        first.reset();
        MqttConnection second;
        QSignalSpy states(&second, &MqttConnection::stateChanged);
        MqttSubscription *sub = second.subscribe(filter("dt/destroyed/#"), 1);
        MqttTestSupport::connectAndWait(second, options);
        QTRY_COMPARE_WITH_TIMEOUT(sub->state(), MqttSubscription::State::Subscribed, 10000);
        receivesOwnMessage(second, QStringLiteral("dt/destroyed/x"));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(statesOf(states),
                 (QList<MqttConnection::State>{MqttConnection::State::Connecting,
                                               MqttConnection::State::Connected}));
    }

    void batchesAreBoundedAndOrdered()
    {
        MqttConnection subscriber;
        MqttTestSupport::connectAndWait(subscriber, deviceOptions(kDevice));
        MqttSubscription *sub = subscriber.subscribe(filter("dt/flood/#"), 0);
        QTRY_COMPARE_WITH_TIMEOUT(sub->state(), MqttSubscription::State::Subscribed, 10000);
        MqttConnection publisher;
        MqttTestSupport::connectAndWait(publisher, deviceOptions(kOther));
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

    void sendReportsPublishFinished_data()
    {
        QTest::addColumn<int>("qos");
        QTest::addColumn<bool>("v5");
        QTest::newRow("QoS 1, MQTT 3.1.1 (PUBACK)") << 1 << false;
        QTest::newRow("QoS 0, MQTT 3.1.1 (written)") << 0 << false;
        QTest::newRow("QoS 1, MQTT 5 (PUBACK)") << 1 << true;
        QTest::newRow("QoS 0, MQTT 5 (written)") << 0 << true;
    }

    void sendReportsPublishFinished()
    {
        QFETCH(int, qos);
        QFETCH(bool, v5);
        MqttConnectOptions options = deviceOptions(kDevice);
        options.version = versionOf(v5);
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, options);
        QSignalSpy finished(&c, &MqttConnection::publishFinished);
        QSignalSpy published(&c, &MqttConnection::messagePublished);
        const quint64 first = sentId(c.send(topic("dt/outcome/a"), "1", qos, false));
        const quint64 second = sentId(c.send(topic("dt/outcome/b"), "2", qos, false));
        QCOMPARE(first, quint64(1));
        QCOMPARE(second, quint64(2));
        QCOMPARE(published.size(), 2);
        QCOMPARE(published.at(1).first().value<MqttMessage>().qos, quint8(qos));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(finished.at(i).at(0).value<quint64>(), quint64(i + 1));
            QVERIFY2(finished.at(i).at(1).toBool(), qPrintable(finished.at(i).at(2).toString()));
            QVERIFY(finished.at(i).at(2).toString().isEmpty());
        }
        // publish() goes through send(): it takes the next id and is reported as well.
        QVERIFY(c.publish(topic("dt/outcome/c"), "3", qos, false).ok());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 10000);
        QCOMPARE(finished.at(2).at(0).value<quint64>(), quint64(3));
        QTest::qWait(200);
        QCOMPARE(finished.size(), 3); // once each
    }

    void sendWhileDisconnectedIsAnErrorWithoutAnId()
    {
        MqttConnection c;
        QSignalSpy finished(&c, &MqttConnection::publishFinished);
        const auto sent = c.send(topic("dt/x"), "1", 1, false);
        QVERIFY(!sent.ok());
        QVERIFY(sent.error().contains(QStringLiteral("Not connected")));
        MqttTestSupport::connectAndWait(c, deviceOptions(kDevice));
        QCOMPARE(sentId(c.send(topic("dt/x"), "1", 1, false)), quint64(1));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    }

    void mqtt5PropertiesRoundTrip()
    {
        MqttConnectOptions options = deviceOptions(kDevice);
        options.version = MqttConnectOptions::Version::Mqtt5;
        MqttConnection subscriber5;
        MqttTestSupport::connectAndWait(subscriber5, options);
        subscribed(subscriber5, "dt/props/#", 1);
        MqttConnection subscriber311;
        MqttTestSupport::connectAndWait(subscriber311, deviceOptions(kDevice));
        subscribed(subscriber311, "dt/props/#", 1);
        MqttConnectOptions publisherOptions = deviceOptions(kOther);
        publisherOptions.version = MqttConnectOptions::Version::Mqtt5;
        MqttConnection publisher;
        MqttTestSupport::connectAndWait(publisher, publisherOptions);
        QSignalSpy got5(&subscriber5, &MqttConnection::messagesReceived);
        QSignalSpy got311(&subscriber311, &MqttConnection::messagesReceived);
        QSignalSpy published(&publisher, &MqttConnection::messagePublished);

        MqttProperties sent;
        sent.contentType = QStringLiteral("application/json; charset=utf-8");
        sent.responseTopic = QStringLiteral("dt/reply/lamp-2");
        sent.correlationData = QByteArray("\x00\x01\xfe\xff corr", 9);
        sent.messageExpirySeconds = 3600;
        sent.payloadFormatIndicator = 1;
        sent.userProperties = {{QStringLiteral("trace"), QStringLiteral("abc-123")},
                               {QStringLiteral("Grüße"), QStringLiteral("ünïcode")},
                               {QStringLiteral("trace"), QStringLiteral("second")}};
        sentId(publisher.send(topic("dt/props/x"), "{\"on\":true}", 1, false, sent));
        QCOMPARE(published.size(), 1);
        const auto own = published.first().first().value<MqttMessage>();
        QVERIFY(own.properties);
        QCOMPARE(*own.properties, sent);

        QTRY_VERIFY_WITH_TIMEOUT(!got5.isEmpty() && !got311.isEmpty(), 10000);
        const MqttMessage m5 = got5.first().first().value<MqttMessageBatch>().first();
        QCOMPARE(m5.payload, QByteArray("{\"on\":true}"));
        QVERIFY(m5.properties);
        MqttProperties received = *m5.properties;
        // The broker forwards the time left, which may have ticked by a second.
        QVERIFY2(received.messageExpirySeconds >= 3590 && received.messageExpirySeconds <= 3600,
                 qPrintable(QString::number(received.messageExpirySeconds)));
        received.messageExpirySeconds = sent.messageExpirySeconds;
        QCOMPARE(received.contentType, sent.contentType);
        QCOMPARE(received.responseTopic, sent.responseTopic);
        QCOMPARE(received.correlationData, sent.correlationData);
        QCOMPARE(received.payloadFormatIndicator, 1);
        QCOMPARE(received.userProperties, sent.userProperties);
        QCOMPARE(received, sent);
        const MqttMessage m311 = got311.first().first().value<MqttMessageBatch>().first();
        QCOMPARE(m311.payload, m5.payload);
        QVERIFY(!m311.properties);
    }

    void propertiesAbsentWithoutThem_data()
    {
        QTest::addColumn<bool>("publisherV5");
        QTest::addColumn<bool>("withProperties");
        QTest::newRow("MQTT 5 publisher, no properties") << true << false;
        QTest::newRow("MQTT 3.1.1 publisher, properties not sent") << false << true;
    }

    void propertiesAbsentWithoutThem()
    {
        QFETCH(bool, publisherV5);
        QFETCH(bool, withProperties);
        MqttConnectOptions options = deviceOptions(kDevice);
        options.version = MqttConnectOptions::Version::Mqtt5;
        MqttConnection subscriber;
        MqttTestSupport::connectAndWait(subscriber, options);
        subscribed(subscriber, "dt/noprops/#", 1);
        MqttConnectOptions publisherOptions = deviceOptions(kOther);
        publisherOptions.version = versionOf(publisherV5);
        MqttConnection publisher;
        MqttTestSupport::connectAndWait(publisher, publisherOptions);
        QSignalSpy got(&subscriber, &MqttConnection::messagesReceived);
        QSignalSpy published(&publisher, &MqttConnection::messagePublished);
        MqttProperties properties;
        if (withProperties)
            properties.contentType = QStringLiteral("text/plain");
        sentId(publisher.send(topic("dt/noprops/x"), "plain", 1, false, properties));
        QVERIFY(!published.first().first().value<MqttMessage>().properties);
        QTRY_VERIFY_WITH_TIMEOUT(!got.isEmpty(), 10000);
        QVERIFY(!got.first().first().value<MqttMessageBatch>().first().properties);
    }

    // The policy proxy closes the connection on a denied PUBLISH, so its PUBACK never comes.
    void pendingPublishFailsWhenTheConnectionDrops()
    {
        auto proxy = startProxy();
        QVERIFY(proxy);
        MqttConnectOptions options = deviceOptions(kOther);
        options.port = proxy->port();
        MqttConnection c;
        MqttTestSupport::connectAndWait(c, options);
        QSignalSpy finished(&c, &MqttConnection::publishFinished);
        const quint64 id = sentId(c.send(topic("secret/x"), "psst", 1, false));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(finished.first().at(0).value<quint64>(), id);
        QVERIFY(!finished.first().at(1).toBool());
        // Paho fails the in-flight publish, or the lost connection does: the same sentence.
        QCOMPARE(finished.first().at(2).toString(),
                 QStringLiteral("The connection dropped before the broker acknowledged the "
                                "message to secret/x."));
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), MqttConnection::State::Connected, 15000);
        QTest::qWait(300);
        QCOMPARE(finished.size(), 1); // nothing more for it after the reconnect
    }

    void pendingPublishFailsWhenTheClientGoes_data()
    {
        QTest::addColumn<bool>("reconnect");
        QTest::newRow("connectToHost() again") << true;
        QTest::newRow("disconnectFromHost(), then the object goes") << false;
    }

    // Replacing the client drops its PUBACKs: every id still pending is reported at once.
    void pendingPublishFailsWhenTheClientGoes()
    {
        QFETCH(bool, reconnect);
        const MqttConnectOptions options = deviceOptions(kDevice);
        auto c = std::make_unique<MqttConnection>();
        MqttTestSupport::connectAndWait(*c, options);
        QSignalSpy finished(c.get(), &MqttConnection::publishFinished);
        QList<quint64> ids;
        for (int i = 0; i < 3; ++i)
            ids.append(sentId(c->send(topic("dt/gone/x"), QByteArray::number(i), 1, false)));
        if (reconnect) {
            c->connectToHost(options); // no event loop in between: no PUBACK was handled
            QCOMPARE(finished.size(), 3);
        } else {
            c->disconnectFromHost(); // Paho may still get the PUBACKs while disconnecting
            QTRY_COMPARE_WITH_TIMEOUT(c->state(), MqttConnection::State::Disconnected, 10000);
            QCOMPARE(finished.size(), 3);
        }
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(finished.at(i).at(0).value<quint64>(), ids.at(i));
            if (reconnect) {
                QVERIFY(!finished.at(i).at(1).toBool());
                QCOMPARE(finished.at(i).at(2).toString(),
                         QStringLiteral("The connection dropped before the broker acknowledged "
                                        "the message to dt/gone/x."));
            }
        }
        if (reconnect)
            QTRY_COMPARE_WITH_TIMEOUT(c->state(), MqttConnection::State::Connected, 15000);
        QTest::qWait(300);
        QCOMPARE(finished.size(), 3);
        c.reset();
    }

    // The subscriber's thread does not run its event loop while a burst of large messages
    // arrives, so its inbox fills: exactly the messages past kInboxByteCapacity are dropped,
    // the newest ones, and the inbox takes messages again once drained.
    void inboxByteCapDropsTheNewest()
    {
        MqttConnection subscriber;
        MqttTestSupport::connectAndWait(subscriber, deviceOptions(kDevice));
        subscribed(subscriber, "dt/big/#", 0);
        MqttConnection publisher;
        MqttTestSupport::connectAndWait(publisher, deviceOptions(kOther));
        QList<QByteArray> got;
        connect(&subscriber, &MqttConnection::messagesReceived, this,
                [&](const MqttMessageBatch &batch) {
                    for (const MqttMessage &m : batch)
                        got.append(m.payload.left(8));
                });
        constexpr qsizetype kPayload = 2 << 20;
        MqttMessage sample;
        sample.topic = QStringLiteral("dt/big/x");
        sample.payload = QByteArray(kPayload, '.');
        const qint64 fit = MqttConnection::kInboxByteCapacity / MessageStore::messageBytes(sample);
        const int count = int(fit) + 9;
        for (int i = 0; i < count; ++i) {
            const QByteArray payload = QByteArray::number(i).leftJustified(kPayload, '.');
            sentId(publisher.send(topic("dt/big/x"), payload, 0, false));
        }
        QElapsedTimer waited;
        waited.start();
        while (subscriber.droppedMessages() < quint64(count - fit) && waited.elapsed() < 60000)
            QThread::msleep(20); // no events: nothing drains the inbox
        QCOMPARE(subscriber.droppedMessages(), quint64(count - fit));
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), int(fit), 10000);
        for (int i = 0; i < fit; ++i)
            QCOMPARE(got.at(i), QByteArray::number(i).leftJustified(8, '.'));
        sentId(publisher.send(topic("dt/big/x"), "after", 0, false));
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), int(fit) + 1, 10000);
        QCOMPARE(got.last(), QByteArray("after"));
        QCOMPARE(subscriber.droppedMessages(), quint64(count - fit));
    }
};

QTEST_GUILESS_MAIN(TestMqttConnection)
#include "tst_mqttconnection.moc"
