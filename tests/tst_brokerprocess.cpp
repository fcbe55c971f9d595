// The sandbox's mosquitto, started for real with certificates from SandboxPki: mutual-TLS round
// trips (also on $aws topics), refusal of clients without a certificate or with one from
// another CA, the internal plain websockets listener, ACL denials, start failures and their
// messages, and a broker that never outlives its parent.
#include "BrokerProcess.h"
#include "SandboxPki.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>
#include <utility>

using namespace thingdeck;

namespace {

using Message = std::pair<QString, QString>; // topic, payload

TopicFilter filter(const QString &text)
{
    return TopicFilter::create(text).value();
}

// A zombie has ended too: only its new parent has not reaped it yet (in a container PID 1 may
// never do so).
bool processGone(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray line = stat.readAll(); // "pid (comm) S ..."
    const qsizetype close = line.lastIndexOf(')');
    return close > 0 && line.mid(close + 2, 1) == "Z";
}

QString processName(qint64 pid)
{
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    return comm.open(QIODevice::ReadOnly) ? QString::fromUtf8(comm.readAll()).trimmed() : QString();
}

// The local addresses of the listening sockets on `port`, as /proc/net/tcp{,6} prints them.
QStringList listeningAddresses(quint16 port)
{
    const QString portHex = QStringLiteral(":%1").arg(port, 4, 16, QLatin1Char('0')).toUpper();
    QStringList addresses;
    for (const char *table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        QFile file(QString::fromLatin1(table));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &row : file.readAll().split('\n')) {
            const QList<QByteArray> fields = row.simplified().split(' ');
            if (fields.size() > 3 && fields.at(3) == "0A" &&
                fields.at(1).endsWith(portHex.toLatin1()))
                addresses.append(QString::fromLatin1(fields.at(1)).section(u':', 0, 0));
        }
    }
    return addresses;
}

} // namespace

class TestBrokerProcess : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::optional<SandboxPki> m_pki;
    std::optional<SandboxPki> m_otherPki;
    std::unique_ptr<BrokerProcess> m_broker;

    BrokerProcess::Options optionsIn(const QString &name) const
    {
        BrokerProcess::Options options;
        options.configDirectory = m_dir.filePath(name);
        return options;
    }

    // Connection options of mosquitto_pub/_sub for the mutual-TLS listener. An empty thing
    // connects without a client certificate; `certificates` is where the thing's files are.
    QStringList tlsConnection(const QString &thing, const SandboxPki &certificates) const
    {
        QStringList arguments{QStringLiteral("-h"),       QStringLiteral("127.0.0.1"),
                              QStringLiteral("-p"),       QString::number(m_broker->mqttPort()),
                              QStringLiteral("--cafile"), m_pki->caCertificateFile()};
        if (!thing.isEmpty())
            arguments << QStringLiteral("--cert") << certificates.deviceCertificateFile(thing)
                      << QStringLiteral("--key") << certificates.deviceKeyFile(thing);
        return arguments;
    }

    QStringList deviceConnection(const QString &thing) const
    {
        return tlsConnection(thing, *m_pki);
    }

    // mosquitto_sub exits after `count` messages, or after 10 s.
    static std::unique_ptr<QProcess> subscribe(const QStringList &connection,
                                               const QStringList &filters, int count)
    {
        QStringList arguments = connection;
        for (const QString &topicFilter : filters)
            arguments << QStringLiteral("-t") << topicFilter;
        arguments << QStringLiteral("-v") << QStringLiteral("-d") << QStringLiteral("-C")
                  << QString::number(count) << QStringLiteral("-W") << QStringLiteral("10");
        auto subscriber = std::make_unique<QProcess>();
        subscriber->setProcessChannelMode(QProcess::MergedChannels);
        subscriber->start(QStringLiteral("mosquitto_sub"), arguments);
        return subscriber;
    }

    static int publish(const QStringList &connection, const Message &message)
    {
        QProcess publisher;
        publisher.setProcessChannelMode(QProcess::MergedChannels);
        publisher.start(QStringLiteral("mosquitto_pub"),
                        connection + QStringList{QStringLiteral("-t"), message.first,
                                                 QStringLiteral("-m"), message.second,
                                                 QStringLiteral("-q"), QStringLiteral("1")});
        return publisher.waitForFinished(10000) ? publisher.exitCode() : -1;
    }

    // The subscriber may not have subscribed yet when the first message goes out, so the
    // messages go out again until it has what it waited for. Returns its output.
    static QString publishUntilReceived(QProcess &subscriber, const QStringList &connection,
                                        const QList<Message> &messages)
    {
        for (int round = 0; round < 50 && subscriber.state() != QProcess::NotRunning; ++round) {
            for (const Message &message : messages)
                publish(connection, message);
            subscriber.waitForFinished(200);
        }
        subscriber.waitForFinished(1000);
        return QString::fromUtf8(subscriber.readAll());
    }

    bool logContains(const QString &text) const
    {
        return m_broker->recentLog().join(u'\n').contains(text);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("mosquitto_sub")).isEmpty(),
                 "mosquitto-clients is not installed: run scripts/setup");
        m_pki.emplace(m_dir.filePath(QStringLiteral("pki")));
        QVERIFY(m_pki->ensure({QStringLiteral("dev-a"), QStringLiteral("dev-b")}));
        m_otherPki.emplace(m_dir.filePath(QStringLiteral("other-pki")));
        QVERIFY(m_otherPki->ensure({QStringLiteral("dev-a")}));

        BrokerProcess::Options options;
        options.denials = {{QStringLiteral("dev-b"), filter(QStringLiteral("dt/dev-b/secret/#"))}};
        m_broker = std::make_unique<BrokerProcess>(*m_pki, options);
        QSignalSpy ready(m_broker.get(), &BrokerProcess::ready);
        QSignalSpy failed(m_broker.get(), &BrokerProcess::failed);
        QElapsedTimer timer;
        timer.start();
        m_broker->start();
        QCOMPARE(m_broker->state(), BrokerProcess::State::Starting);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size() + failed.size(), 1, 10000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        qInfo("mosquitto ready in %lld ms", timer.elapsed());
        QCOMPARE(m_broker->state(), BrokerProcess::State::Running);
    }

    void cleanupTestCase()
    {
        if (!m_broker)
            return;
        QSignalSpy exited(m_broker.get(), &BrokerProcess::exited);
        const qint64 pid = m_broker->processId();
        m_broker->stop();
        QTRY_COMPARE(exited.size(), 1);
        QVERIFY(processGone(pid));
    }

    void configHasTheThreeListeners()
    {
        QFile file(m_broker->configFile());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString config = QString::fromUtf8(file.readAll());
        const auto has = [&](const QString &line) {
            return config.split(u'\n').contains(line);
        };
        QVERIFY(has(QStringLiteral("listener %1 127.0.0.1").arg(m_broker->internalPort())));
        QVERIFY(has(QStringLiteral("listener %1 127.0.0.1").arg(m_broker->mqttPort())));
        QVERIFY(has(QStringLiteral("listener %1 lo").arg(m_broker->webSocketPort())));
        QVERIFY(has(QStringLiteral("require_certificate true")));
        QVERIFY(has(QStringLiteral("use_identity_as_username true")));
        QVERIFY(has(QStringLiteral("protocol websockets")));
        QVERIFY(has(QStringLiteral("log_dest stderr")));
        QVERIFY(has(QStringLiteral("acl_file ") + m_broker->aclFile()));
        QVERIFY(has(QStringLiteral("keyfile ") + m_pki->serverKeyFile()));
        QFile acl(m_broker->aclFile());
        QVERIFY(acl.open(QIODevice::ReadOnly));
        QVERIFY(acl.readAll().contains("user dev-b\ntopic deny dt/dev-b/secret/#\n"));
    }

    void listenersAreOnLoopbackOnly_data()
    {
        QTest::addColumn<QString>("which");
        QTest::newRow("internal") << QStringLiteral("internal");
        QTest::newRow("mqtt") << QStringLiteral("mqtt");
        QTest::newRow("websockets") << QStringLiteral("websockets");
    }

    void listenersAreOnLoopbackOnly()
    {
        QFETCH(QString, which);
        const quint16 port = which == QLatin1String("internal") ? m_broker->internalPort()
                             : which == QLatin1String("mqtt")   ? m_broker->mqttPort()
                                                                : m_broker->webSocketPort();
        const QStringList addresses = listeningAddresses(port);
        QVERIFY2(!addresses.isEmpty(), qPrintable(QString::number(port)));
        for (const QString &address : addresses) {
            // 127.0.0.1 as /proc/net/tcp prints it, and as ::ffff:127.0.0.1 in tcp6.
            QVERIFY2(address == QLatin1String("0100007F") ||
                         address == QLatin1String("0000000000000000FFFF00000100007F"),
                     qPrintable(address));
        }
    }

    void mutualTlsRoundTrip_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::newRow("telemetry") << QStringLiteral("dt/dev-a/telemetry");
        QTest::newRow("shadow update") << QStringLiteral("$aws/things/dev-a/shadow/update");
    }

    void mutualTlsRoundTrip()
    {
        QFETCH(QString, topic);
        const QStringList connection = deviceConnection(QStringLiteral("dev-a"));
        auto subscriber = subscribe(connection, {topic}, 1);
        const QString payload = QStringLiteral("{\"state\":{\"reported\":{\"t\":21}}}");
        const QString output = publishUntilReceived(*subscriber, connection, {{topic, payload}});
        QVERIFY2(output.contains(topic + u' ' + payload), qPrintable(output));
        QCOMPARE(subscriber->exitCode(), 0);
        // use_identity_as_username: the certificate's CN is the user name.
        QTRY_VERIFY(logContains(QStringLiteral("u'dev-a'")));
    }

    void internalListenerIsPlainAndSeesDeviceTraffic()
    {
        const QStringList internal{QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
                                   QStringLiteral("-p"), QString::number(m_broker->internalPort())};
        const QString topic = QStringLiteral("$aws/things/dev-a/shadow/get");
        auto subscriber = subscribe(internal, {QStringLiteral("$aws/things/+/shadow/#")}, 1);
        const QString output =
            publishUntilReceived(*subscriber, deviceConnection(QStringLiteral("dev-a")),
                                 {{topic, QStringLiteral("{}")}});
        QVERIFY2(output.contains(topic + QStringLiteral(" {}")), qPrintable(output));
    }

    void clientWithoutCertificateIsRefused()
    {
        auto subscriber = subscribe(deviceConnection(QString()), {QStringLiteral("dt/#")}, 1);
        QVERIFY(subscriber->waitForFinished(15000));
        const QString output = QString::fromUtf8(subscriber->readAll());
        QVERIFY2(subscriber->exitCode() != 0, qPrintable(output));
        QVERIFY2(!output.contains(QLatin1String("CONNACK (0)")), qPrintable(output));
        QTRY_VERIFY(logContains(QStringLiteral("peer did not return a certificate")));
    }

    void clientFromAnotherCaIsRefused()
    {
        const QStringList connection = tlsConnection(QStringLiteral("dev-a"), *m_otherPki);
        auto subscriber = subscribe(connection, {QStringLiteral("dt/#")}, 1);
        QVERIFY(subscriber->waitForFinished(15000));
        const QString output = QString::fromUtf8(subscriber->readAll());
        QVERIFY2(subscriber->exitCode() != 0, qPrintable(output));
        QVERIFY2(!output.contains(QLatin1String("CONNACK (0)")), qPrintable(output));
        QTRY_VERIFY(logContains(QStringLiteral("certificate verify failed")));
    }

    void webSocketListenerUpgrades()
    {
        // Plain and internal: the sandbox's WebSocketGate terminates TLS and checks SigV4.
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_broker->webSocketPort());
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        socket.write(QByteArrayLiteral("GET /mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256 HTTP/1.1\r\n"
                                       "Host: 127.0.0.1\r\n"
                                       "Upgrade: websocket\r\n"
                                       "Connection: Upgrade\r\n"
                                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                       "Sec-WebSocket-Version: 13\r\n"
                                       "Sec-WebSocket-Protocol: mqtt\r\n\r\n"));
        QByteArray response;
        QTRY_VERIFY((response += socket.readAll()).contains("\r\n\r\n"));
        QVERIFY2(response.startsWith("HTTP/1.1 101"), response.constData());
        // RFC 6455's example key and the answer it must produce.
        QVERIFY2(response.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), response.constData());
    }

    void denialHidesTopicsFromTheDevice()
    {
        const QString secret = QStringLiteral("dt/dev-b/secret/x");
        const QString open = QStringLiteral("dt/dev-b/ok");
        auto subscriber = subscribe(deviceConnection(QStringLiteral("dev-b")), {secret, open}, 2);
        const QString output = publishUntilReceived(
            *subscriber, deviceConnection(QStringLiteral("dev-a")),
            {{secret, QStringLiteral("hidden")}, {open, QStringLiteral("seen")}});
        QVERIFY2(output.contains(open + QStringLiteral(" seen")), qPrintable(output));
        QVERIFY2(!output.contains(QLatin1String("hidden")), qPrintable(output));
        // mosquitto 2.0.11 grants the SUBSCRIBE (see BrokerProcess::writeAcl); AWS would close
        // the connection instead. If this changes, update the comment there.
        QVERIFY2(output.contains(QLatin1String("Subscribed (mid: 1): 0, 0")), qPrintable(output));
    }

    void denialDropsPublishesOfTheDevice()
    {
        const QString secret = QStringLiteral("dt/dev-b/secret/x");
        const QString open = QStringLiteral("dt/dev-b/ok");
        auto subscriber = subscribe(deviceConnection(QStringLiteral("dev-a")), {secret, open}, 2);
        const QString output = publishUntilReceived(
            *subscriber, deviceConnection(QStringLiteral("dev-b")),
            {{secret, QStringLiteral("dropped")}, {open, QStringLiteral("passed")}});
        QVERIFY2(output.contains(open + QStringLiteral(" passed")), qPrintable(output));
        QVERIFY2(!output.contains(QLatin1String("dropped")), qPrintable(output));
    }

    void otherDevicesMayUseDeniedTopics()
    {
        const QString secret = QStringLiteral("dt/dev-b/secret/x");
        const QStringList connection = deviceConnection(QStringLiteral("dev-a"));
        auto subscriber = subscribe(connection, {secret}, 1);
        const QString output =
            publishUntilReceived(*subscriber, connection, {{secret, QStringLiteral("for-a")}});
        QVERIFY2(output.contains(secret + QStringLiteral(" for-a")), qPrintable(output));
    }

    void recentLogIsBounded()
    {
        // The tests above made far more than logCapacity lines (three per connection); they
        // arrive once the event loop runs.
        QTRY_COMPARE(m_broker->recentLog().size(), BrokerProcess::logCapacity);
        QVERIFY(!m_broker->recentLog().join(u'\n').contains(QLatin1String(" running")));
    }

    void busyPortFails_data()
    {
        QTest::addColumn<bool>("webSocket");
        QTest::addColumn<QString>("option");
        QTest::newRow("mqtt") << false << QStringLiteral("--mqtt-port");
        QTest::newRow("websockets") << true << QStringLiteral("--ws-port");
    }

    void busyPortFails()
    {
        QFETCH(bool, webSocket);
        QFETCH(QString, option);
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        BrokerProcess::Options options = optionsIn(QStringLiteral("busy"));
        (webSocket ? options.webSocketPort : options.mqttPort) = blocker.serverPort();
        BrokerProcess broker(*m_pki, options);
        QSignalSpy failed(&broker, &BrokerProcess::failed);
        QSignalSpy ready(&broker, &BrokerProcess::ready);
        broker.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        const QString message = failed.first().first().toString();
        QCOMPARE(message, QStringLiteral("port %1 is already in use: pass another %2 or omit it")
                              .arg(QString::number(blocker.serverPort()), option));
        QCOMPARE(ready.size(), 0);
        QCOMPARE(broker.state(), BrokerProcess::State::NotRunning);
    }

    void missingProgramFails()
    {
        BrokerProcess::Options options = optionsIn(QStringLiteral("missing"));
        options.program = QStringLiteral("/nonexistent/bin/mosquitto");
        BrokerProcess broker(*m_pki, options);
        QSignalSpy failed(&broker, &BrokerProcess::failed);
        broker.start();
        QCOMPARE(failed.size(), 0); // never from inside start()
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().toString(),
                 QStringLiteral("mosquitto is not installed (/nonexistent/bin/mosquitto not "
                                "found): install it with \"sudo apt install mosquitto\", or "
                                "name it with --mosquitto"));
        QCOMPARE(broker.state(), BrokerProcess::State::NotRunning);
    }

    void stopEndsTheBroker()
    {
        BrokerProcess broker(*m_pki, optionsIn(QStringLiteral("stop")));
        QSignalSpy states(&broker, &BrokerProcess::stateChanged);
        QSignalSpy ready(&broker, &BrokerProcess::ready);
        QSignalSpy exited(&broker, &BrokerProcess::exited);
        QSignalSpy failed(&broker, &BrokerProcess::failed);
        broker.start();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        const qint64 pid = broker.processId();
        QVERIFY(pid > 0);
        broker.stop();
        QCOMPARE(broker.state(), BrokerProcess::State::Stopping);
        QTRY_COMPARE(exited.size(), 1);
        QVERIFY(processGone(pid));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(states.size(), 4);
        QCOMPARE(states.at(3).first().value<BrokerProcess::State>(),
                 BrokerProcess::State::NotRunning);
    }

    void destructorKillsTheBroker()
    {
        auto broker = std::make_unique<BrokerProcess>(*m_pki, optionsIn(QStringLiteral("dtor")));
        QSignalSpy ready(broker.get(), &BrokerProcess::ready);
        broker->start();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        const qint64 pid = broker->processId();
        broker.reset();
        QVERIFY(processGone(pid));
    }

    void brokerDiesWithKilledParent()
    {
        QProcess host;
        host.start(QCoreApplication::applicationDirPath() + QStringLiteral("/brokerhost"),
                   {m_dir.filePath(QStringLiteral("host"))});
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += host.readAllStandardOutput()).contains('\n'), 10000);
        QVERIFY2(output.startsWith("ready "), output.constData());
        const qint64 pid = output.mid(6).trimmed().toLongLong();
        QCOMPARE(processName(pid), QStringLiteral("mosquitto"));
        QVERIFY(!processGone(pid));
        host.kill(); // SIGKILL: no destructor runs, only the kernel's parent-death signal
        QVERIFY(host.waitForFinished(5000));
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 5000);
    }
};

QTEST_GUILESS_MAIN(TestBrokerProcess)
#include "tst_brokerprocess.moc"
