// thingdeck-cli as users run it: the real executable against the real sandbox process, every
// command, each MQTT transport, usage errors and certificate problems, output into a file or a
// pipe and ended by a signal.
#include "SandboxProcess.h"
#include "UnixSignalWatcher.h"
#include "mqtt/MessageLineFormatter.h"
#include "mqtt/MqttConnection.h"

#include <thingdeck/Version.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <functional>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QList<QByteArray> lines() const { return out.trimmed().split('\n'); }
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

QString cli()
{
    return QStringLiteral(THINGDECK_CLI_EXECUTABLE);
}

QByteArray contentsOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QList<QJsonObject> messagesOn(const QByteArray &output, const QString &topicPrefix)
{
    QList<QJsonObject> found;
    for (const QByteArray &line : output.split('\n')) {
        const QJsonObject message = QJsonDocument::fromJson(line).object();
        if (message.value(QStringLiteral("topic")).toString().startsWith(topicPrefix))
            found.append(message);
    }
    return found;
}

QList<QByteArray> payloadsOf(const QList<QJsonObject> &messages)
{
    QList<QByteArray> payloads;
    for (const QJsonObject &message : messages)
        payloads.append(message.value(QStringLiteral("payload")).toString().toUtf8());
    return payloads;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_home;
    std::unique_ptr<SandboxProcess> m_sandbox;
    std::unique_ptr<MqttConnection> m_publisher; ///< in-process, for exact publish times
    static constexpr int kThings = 30;

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = m_sandbox->awsEnvironment(m_home.path());
        e.remove(QStringLiteral("AWS_ENDPOINT_URL")); // the commands pass --endpoint-url
        return e;
    }

    QStringList rest() const
    {
        return {QStringLiteral("--endpoint-url"), m_sandbox->value("restEndpoint")};
    }

    QStringList mqtt(int device = 0, const QString &portKey = QStringLiteral("mqttPort")) const
    {
        return {QStringLiteral("--mqtt-endpoint"),
                QStringLiteral("localhost:%1").arg(m_sandbox->port(portKey.toLatin1().constData())),
                QStringLiteral("--ca"),
                m_sandbox->value("caFile"),
                QStringLiteral("--cert"),
                m_sandbox->deviceCertificate(device),
                QStringLiteral("--key"),
                m_sandbox->deviceKey(device)};
    }

    Run run(const QStringList &arguments, int timeoutMs = 30000, const QByteArray &input = {}) const
    {
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(cli(), arguments);
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs))
            p.kill();
        p.waitForFinished(1000);
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    }

    std::unique_ptr<QProcess> startSub(const QStringList &arguments) const
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env());
        p->start(cli(), QStringList{QStringLiteral("sub")} + arguments);
        return p;
    }

    // A `sub --count 1` may not have subscribed yet when a message goes out, so `pub` runs
    // again (a whole connect, publish, disconnect each time) until the subscriber has had its
    // one message and exited. Returns the last run; a failing `pub` ends the loop.
    Run pubUntilSubExits(QProcess &sub, const QStringList &pubArguments,
                         const QByteArray &input = {}) const
    {
        Run last;
        for (int round = 0; round < 50 && sub.state() != QProcess::NotRunning; ++round) {
            last = run(pubArguments, 30000, input);
            if (last.exitCode != 0)
                break;
            sub.waitForFinished(200);
        }
        sub.waitForFinished(15000); // no-op once it has exited
        return last;
    }

    std::unique_ptr<QProcess> startStreamingSub(const QStringList &filters,
                                                const QString &outputFile = {}) const
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env());
        if (!outputFile.isEmpty())
            p->setStandardOutputFile(outputFile);
        p->start(cli(), QStringList{QStringLiteral("sub")} + filters + mqtt(1));
        return p;
    }

    static void addSignalRows()
    {
        QTest::addColumn<int>("signalNumber");
        QTest::addColumn<int>("exitCode"); // 128 + N, as documented in --help and the README
        QTest::newRow("SIGINT") << int(SIGINT) << 130;
        QTest::newRow("SIGTERM") << int(SIGTERM) << 143;
        QTest::newRow("SIGHUP") << int(SIGHUP) << 129;
    }

    bool connectPublisher()
    {
        if (m_publisher && m_publisher->state() == MqttConnection::State::Connected)
            return true;
        m_publisher = std::make_unique<MqttConnection>();
        MqttConnectOptions options;
        options.host = QStringLiteral("localhost");
        options.port = quint16(m_sandbox->port("mqttPort"));
        options.caFile = m_sandbox->value("caFile");
        options.certificateFile = m_sandbox->deviceCertificate(2);
        options.privateKeyFile = m_sandbox->deviceKey(2);
        m_publisher->connectToHost(options);
        return QTest::qWaitFor(
            [this] { return m_publisher->state() == MqttConnection::State::Connected; }, 15000);
    }

    bool publish(const QString &topic, const QByteArray &payload)
    {
        const auto name = TopicName::create(topic);
        return name.ok() && m_publisher->publish(name.value(), payload, 1, false).ok();
    }

    // Publishes probes until the subscriber prints one, then a fence: the broker keeps one
    // publisher's messages in order, so once the fence is out no probe is still on its way.
    // Replaces a fixed wait for "connected and subscribed".
    bool waitUntilSubscribed(const QString &prefix, const std::function<QByteArray()> &output)
    {
        const QByteArray probeTopic = (prefix + QStringLiteral("/probe")).toUtf8();
        for (int attempt = 0; attempt < 150 && !output().contains(probeTopic); ++attempt) {
            if (!publish(prefix + QStringLiteral("/probe"), "probe"))
                return false;
            (void)QTest::qWaitFor([&] { return output().contains(probeTopic); }, 200);
        }
        const QByteArray fenceTopic = (prefix + QStringLiteral("/fence")).toUtf8();
        return publish(prefix + QStringLiteral("/fence"), "fence") &&
               QTest::qWaitFor([&] { return output().contains(fenceTopic); }, 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sandbox = std::make_unique<SandboxProcess>(m_dir.filePath(QStringLiteral("state")));
        QVERIFY2(m_sandbox->start({QStringLiteral("--things"), QString::number(kThings),
                                   QStringLiteral("--telemetry-rate"), QStringLiteral("100")}),
                 qPrintable(m_sandbox->error()));
    }

    void cleanupTestCase()
    {
        m_publisher.reset();
        m_sandbox.reset();
    }

    void thingsList()
    {
        const Run r = run(QStringList{QStringLiteral("things"), QStringLiteral("list")} + rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.lines().size(), kThings);
        QVERIFY(r.lines().contains(m_sandbox->deviceThing(0).toUtf8()));
        QVERIFY(r.err.isEmpty());
    }

    void thingsListFilters_data()
    {
        QTest::addColumn<QStringList>("filters");
        QTest::addColumn<QString>("attribute");
        QTest::addColumn<QString>("expected");
        QTest::newRow("type") << QStringList{QStringLiteral("--type"), QStringLiteral("Lamp")}
                              << QStringLiteral("thingTypeName") << QStringLiteral("Lamp");
        QTest::newRow("attribute")
            << QStringList{QStringLiteral("--attribute"), QStringLiteral("room=room-101")}
            << QStringLiteral("room") << QStringLiteral("room-101");
        QTest::newRow("prefix") << QStringList{QStringLiteral("--attribute"),
                                               QStringLiteral("firmware=1.3"),
                                               QStringLiteral("--prefix")}
                                << QStringLiteral("firmware") << QStringLiteral("1.3.0");
    }

    void thingsListFilters()
    {
        QFETCH(QStringList, filters);
        QFETCH(QString, attribute);
        QFETCH(QString, expected);
        const Run r = run(QStringList{QStringLiteral("things"), QStringLiteral("list"),
                                      QStringLiteral("--json")} +
                          filters + rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.out.isEmpty());
        for (const QByteArray &line : r.lines()) {
            const QJsonObject thing = QJsonDocument::fromJson(line).object();
            const QJsonValue value =
                attribute == QLatin1String("thingTypeName")
                    ? thing.value(attribute)
                    : thing.value(QStringLiteral("attributes")).toObject().value(attribute);
            QCOMPARE(value.toString(), expected);
        }
    }

    void thingsDescribe()
    {
        const QString thing = m_sandbox->deviceThing(1);
        Run r =
            run(QStringList{QStringLiteral("things"), QStringLiteral("describe"), thing} + rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("thingName")).toString(), thing);
        QVERIFY(r.json().value(QStringLiteral("thingArn")).toString().endsWith(thing));
        r = run(QStringList{QStringLiteral("things"), QStringLiteral("describe"),
                            QStringLiteral("no-such-thing")} +
                rest());
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains("cannot be found"), r.err.constData());
    }

    void endpoint()
    {
        const Run r = run(QStringList{QStringLiteral("endpoint")} + rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.trimmed(), m_sandbox->value("mqttHost").toUtf8());
    }

    void shadowCommands()
    {
        const QString thing = m_sandbox->deviceThing(2);
        const QStringList base{QStringLiteral("shadow")};
        Run r = run(base + QStringList{QStringLiteral("get"), thing} + rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const int version = r.json().value(QStringLiteral("version")).toInt();
        r = run(base +
                QStringList{QStringLiteral("update"), thing,
                            QStringLiteral(R"({"state":{"desired":{"cli":1}}})"),
                            QStringLiteral("--version"), QString::number(version)} +
                rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("version")).toInt(), version + 1);
        // The same base version again is stale now: a conflict, reported as one line.
        r = run(base +
                QStringList{QStringLiteral("update"), thing,
                            QStringLiteral(R"({"state":{"desired":{"cli":2}}})"),
                            QStringLiteral("--version"), QString::number(version)} +
                rest());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("onflict"), r.err.constData());
        r = run(base +
                QStringList{QStringLiteral("update"), thing,
                            QStringLiteral(R"({"state":{"reported":{"n":1}}})"),
                            QStringLiteral("--name"), QStringLiteral("extra")} +
                rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run(base + QStringList{QStringLiteral("list"), thing} + rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.lines().contains("extra"));
        r = run(base +
                QStringList{QStringLiteral("delete"), thing, QStringLiteral("--name"),
                            QStringLiteral("extra")} +
                rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run(base +
                QStringList{QStringLiteral("get"), thing, QStringLiteral("--name"),
                            QStringLiteral("extra")} +
                rest());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("No shadow exists"), r.err.constData());
    }

    void subPrintsJsonLines_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<QString>("portKey");
        QTest::newRow("mtls") << QStringLiteral("mtls") << QStringLiteral("mqttPort");
        QTest::newRow("alpn") << QStringLiteral("alpn") << QStringLiteral("mqttPort");
        QTest::newRow("wss") << QStringLiteral("wss") << QStringLiteral("mqttWebSocketPort");
    }

    void subPrintsJsonLines()
    {
        QFETCH(QString, transport);
        QFETCH(QString, portKey);
        const Run r = run(QStringList{QStringLiteral("sub"), QStringLiteral("dt/+/telemetry"),
                                      QStringLiteral("--count"), QStringLiteral("5"),
                                      QStringLiteral("--transport"), transport} +
                          mqtt(0, portKey));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.lines().size(), 5);
        for (const QByteArray &line : r.lines()) {
            const QJsonObject message = QJsonDocument::fromJson(line).object();
            QVERIFY(
                message.value(QStringLiteral("topic")).toString().startsWith(QLatin1String("dt/")));
            QVERIFY(message.value(QStringLiteral("time")).toString().endsWith(QLatin1Char('Z')));
            QVERIFY(message.contains(QStringLiteral("qos")) &&
                    message.contains(QStringLiteral("retain")));
            QVERIFY(QJsonDocument::fromJson(
                        message.value(QStringLiteral("payload")).toString().toUtf8())
                        .isObject());
        }
    }

    void pubReachesSub_data()
    {
        QTest::addColumn<QStringList>("how");
        QTest::newRow("MQTT QoS 1") << QStringList{QStringLiteral("--qos"), QStringLiteral("1")};
        QTest::newRow("MQTT QoS 0 MQTT 5")
            << QStringList{QStringLiteral("--mqtt-version"), QStringLiteral("5")};
        QTest::newRow("HTTPS") << QStringList{QStringLiteral("--http")};
    }

    void pubReachesSub()
    {
        QFETCH(QStringList, how);
        auto sub = startSub(QStringList{QStringLiteral("cli/pub/#"), QStringLiteral("--count"),
                                        QStringLiteral("1"), QStringLiteral("--qos"),
                                        QStringLiteral("1")} +
                            mqtt(1));
        QVERIFY(sub->waitForStarted());
        const Run r =
            pubUntilSubExits(*sub, QStringList{QStringLiteral("pub"), QStringLiteral("cli/pub/x"),
                                               QStringLiteral("héllo")} +
                                       how + mqtt(0) + rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(sub->state(), QProcess::NotRunning);
        const QJsonObject got = QJsonDocument::fromJson(sub->readAllStandardOutput()).object();
        QCOMPARE(got.value(QStringLiteral("payload")).toString(), QStringLiteral("héllo"));
        QVERIFY2(sub->exitCode() == 0, sub->readAllStandardError().constData());
    }

    void clientIdOfAThingIsWarnedAbout()
    {
        const Run r = run(QStringList{QStringLiteral("sub"), QStringLiteral("dt/+/telemetry"),
                                      QStringLiteral("--count"), QStringLiteral("2"),
                                      QStringLiteral("--client-id"), m_sandbox->deviceThing(3)} +
                          mqtt(0) + rest());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("is the name of a thing"), r.err.constData());
        const Run unique =
            run(QStringList{QStringLiteral("sub"), QStringLiteral("dt/+/telemetry"),
                            QStringLiteral("--count"), QStringLiteral("2"),
                            QStringLiteral("--client-id"), QStringLiteral("my-console")} +
                mqtt(0) + rest());
        QVERIFY2(unique.exitCode == 0, unique.err.constData());
        QVERIFY(unique.err.isEmpty());
    }

    void binaryPayloadIsBase64()
    {
        auto sub = startSub(
            QStringList{QStringLiteral("cli/bin"), QStringLiteral("--count"), QStringLiteral("1")} +
            mqtt(1));
        QVERIFY(sub->waitForStarted());
        const Run pub = pubUntilSubExits(
            *sub,
            QStringList{QStringLiteral("pub"), QStringLiteral("cli/bin"), QStringLiteral("-")} +
                mqtt(0),
            QByteArray("\xff\x00\x01", 3));
        QVERIFY2(pub.exitCode == 0, pub.err.constData());
        QCOMPARE(sub->state(), QProcess::NotRunning);
        const QJsonObject got = QJsonDocument::fromJson(sub->readAllStandardOutput()).object();
        QCOMPARE(got.value(QStringLiteral("payloadBase64")).toString(), QStringLiteral("/wAB"));
        QVERIFY(!got.contains(QStringLiteral("payload")));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("fragment");
        QTest::newRow("no command") << QStringList{} << QByteArray("no command");
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("things"), QStringLiteral("explode")}
            << QByteArray("unknown command");
        QTest::newRow("missing argument")
            << QStringList{QStringLiteral("shadow"), QStringLiteral("get")}
            << QByteArray("missing arguments");
        QTest::newRow("bad qos") << QStringList{QStringLiteral("sub"), QStringLiteral("a/b"),
                                                QStringLiteral("--qos"), QStringLiteral("2")}
                                 << QByteArray("--qos must be 0 or 1");
        QTest::newRow("wildcard publish")
            << QStringList{QStringLiteral("pub"), QStringLiteral("a/#"), QStringLiteral("x")}
            << QByteArray("wildcard");
        QTest::newRow("invalid thing name")
            << QStringList{QStringLiteral("things"), QStringLiteral("describe"),
                           QStringLiteral("bad name!")}
            << QByteArray("bad name!");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("endpoint"), QStringLiteral("--colour")}
            << QByteArray("colour");
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, fragment);
        const Run r = run(arguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(fragment), r.err.constData());
        QVERIFY2(r.err.startsWith("thingdeck-cli: ") && r.err.trimmed().count('\n') == 0,
                 r.err.constData());
    }

    void helpForEveryCommand_data()
    {
        QTest::addColumn<QStringList>("command");
        for (const char *c : {"", "things list", "things describe", "endpoint", "shadow get",
                              "shadow update", "shadow delete", "shadow list", "sub", "pub"})
            QTest::newRow(*c ? c : "general")
                << QString::fromLatin1(c).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }

    void helpForEveryCommand()
    {
        QFETCH(QStringList, command);
        const Run r = run(command + QStringList{QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("Usage: thingdeck-cli"));
        if (!command.isEmpty())
            QVERIFY(r.out.contains(command.join(QLatin1Char(' ')).toUtf8()));
    }

    // The project's one version. After a command, --version stays that command's option
    // (shadow update's expected shadow version).
    void versionIsTheProjects()
    {
        const Run r = run({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("thingdeck-cli ") + kVersion + '\n');
        QVERIFY(r.err.isEmpty());
        const Run get =
            run({QStringLiteral("shadow"), QStringLiteral("get"), QStringLiteral("--version")});
        QCOMPARE(get.exitCode, 2);
        QVERIFY(get.out.isEmpty());
    }

    void certificateProblemsAreNamed()
    {
        QStringList args = mqtt(0);
        args[args.indexOf(QStringLiteral("--key")) + 1] =
            m_sandbox->deviceKey(1); // another device's key
        const Run r = run(QStringList{QStringLiteral("sub"), QStringLiteral("dt/#"),
                                      QStringLiteral("--count"), QStringLiteral("1")} +
                          args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("does not belong to the certificate"), r.err.constData());
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }

    void subStopsCleanlyOnSignal_data() { addSignalRows(); }

    // `thingdeck-cli sub ... > traffic.ndjson`, three messages arrive, then a signal: the
    // three lines are in the file while it runs and after it ends, every line whole, with
    // telemetry flowing until the end.
    void subStopsCleanlyOnSignal()
    {
        QFETCH(int, signalNumber);
        QFETCH(int, exitCode);
        QVERIFY(connectPublisher());
        // Twice at most: two full-suite runs under ASan on a loaded machine saw one SIGTERM
        // run end badly (once no exit within 15 s, once exit 1 with its stderr unread) and
        // neither reproduced in 90 runs since. A second failure fails the test; the first
        // one's reason is printed either way.
        QString why = stopOnSignal(signalNumber, exitCode, 1);
        if (!why.isEmpty()) {
            qWarning("first attempt failed: %s", qPrintable(why));
            why = stopOnSignal(signalNumber, exitCode, 2);
        }
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    /// One run of subStopsCleanlyOnSignal: why it failed, or an empty string.
    QString stopOnSignal(int signalNumber, int exitCode, int attempt)
    {
        const QString prefix = QStringLiteral("cli/signal/%1/%2")
                                   .arg(QString::fromLatin1(QTest::currentDataTag()))
                                   .arg(attempt);
        const QString file =
            m_dir.filePath(QStringLiteral("traffic-%1-%2.ndjson").arg(signalNumber).arg(attempt));
        auto sub = startStreamingSub(
            {prefix + QStringLiteral("/#"), QStringLiteral("dt/+/telemetry")}, file);
        if (!sub->waitForStarted())
            return QStringLiteral("sub did not start");
        if (!waitUntilSubscribed(prefix, [&] { return contentsOf(file); }))
            return QStringLiteral("not subscribed: ") +
                   QString::fromUtf8(sub->readAllStandardError());
        const QString published = prefix + QStringLiteral("/m");
        for (const char *payload : {"m1", "m2", "m3"}) {
            if (!publish(published, payload))
                return QStringLiteral("publish failed");
        }
        if (!QTest::qWaitFor([&] { return messagesOn(contentsOf(file), published).size() == 3; },
                             10000))
            return QStringLiteral("the three messages did not arrive");
        if (sub->state() != QProcess::Running)
            return QStringLiteral("sub ended before the signal");

        if (::kill(pid_t(sub->processId()), signalNumber) != 0)
            return QStringLiteral("kill failed");
        if (!sub->waitForFinished(30000)) {
            sub->kill();
            sub->waitForFinished(5000);
            return QStringLiteral("no exit within 30 s; stderr: ") +
                   QString::fromUtf8(sub->readAllStandardError());
        }
        const QByteArray errors = sub->readAllStandardError();
        if (sub->exitStatus() != QProcess::NormalExit || sub->exitCode() != exitCode ||
            !errors.isEmpty())
            return QStringLiteral("exit %1 (expected %2), stderr: %3")
                .arg(sub->exitCode())
                .arg(exitCode)
                .arg(QString::fromUtf8(errors));
        const QByteArray output = contentsOf(file);
        if (!output.endsWith('\n'))
            return QStringLiteral("the output does not end with a whole line");
        const QList<QByteArray> lines = output.trimmed().split('\n');
        for (const QByteArray &line : lines) {
            if (!QJsonDocument::fromJson(line).isObject()) // none torn
                return QStringLiteral("a torn line: ") + QString::fromUtf8(line);
        }
        if (payloadsOf(messagesOn(output, published)) != QList<QByteArray>{"m1", "m2", "m3"})
            return QStringLiteral("the three messages are not all in the file");
        qInfo("%s: exit %d, %lld lines in the file (3 of 3 published), all whole",
              QTest::currentDataTag(), sub->exitCode(), qlonglong(lines.size()));
        return QString();
    }

    // Piped into jq or tee, each message is readable as soon as it arrives, not once 4 KB
    // have gathered. No timed assertion (the machine may be busy); the latency is printed.
    void subWritesEachMessageAtOnceIntoAPipe()
    {
        QVERIFY(connectPublisher());
        const QString prefix = QStringLiteral("cli/pipe");
        auto sub = startStreamingSub({prefix + QStringLiteral("/#")});
        QVERIFY(sub->waitForStarted());
        QByteArray out;
        const auto output = [&] {
            out += sub->readAllStandardOutput();
            return out;
        };
        QVERIFY2(waitUntilSubscribed(prefix, output), sub->readAllStandardError().constData());
        QList<double> fromPublishMs;
        QList<qint64> fromArrivalMs;
        constexpr int kMessages = 20;
        constexpr int kMessageSpacingMs = 50;
        for (int i = 0; i < kMessages; ++i) {
            // Spaced as live traffic is: while messages flow closer than its drain interval
            // (5 ms), MqttConnection hands them over on that timer, by design.
            QTest::qWait(kMessageSpacingMs);
            out = sub->readAllStandardOutput(); // nothing: the fence was the last line
            QVERIFY2(out.isEmpty(), out.constData());
            const QByteArray payload = "latency-" + QByteArray::number(i);
            QSignalSpy readable(sub.get(), &QProcess::readyReadStandardOutput);
            QElapsedTimer clock;
            clock.start();
            QVERIFY(publish(prefix + QStringLiteral("/m"), payload));
            while (!output().contains('\n'))
                QVERIFY2(readable.wait(10000), "no line while the process runs");
            fromPublishMs.append(double(clock.nsecsElapsed()) / 1e6);
            const qint64 readAt = QDateTime::currentMSecsSinceEpoch();
            QCOMPARE(sub->state(), QProcess::Running);
            QCOMPARE(out.count('\n'), 1); // this message's line and nothing before it
            const QList<QJsonObject> got = messagesOn(out, prefix + QStringLiteral("/m"));
            QCOMPARE(payloadsOf(got), QList<QByteArray>{payload});
            const QDateTime arrived = QDateTime::fromString(
                got.first().value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
            QVERIFY(arrived.isValid());
            fromArrivalMs.append(readAt - arrived.toMSecsSinceEpoch());
        }
        ::kill(pid_t(sub->processId()), SIGTERM);
        QVERIFY(sub->waitForFinished(15000));
        QCOMPARE(sub->exitCode(), 143);
        std::sort(fromPublishMs.begin(), fromPublishMs.end());
        std::sort(fromArrivalMs.begin(), fromArrivalMs.end());
        qInfo("pipe latency over %d messages: publish -> readable median %.2f ms, max %.2f ms; "
              "arrival (the line's time) -> readable median %lld ms, max %lld ms",
              kMessages, fromPublishMs.at(kMessages / 2), fromPublishMs.last(),
              fromArrivalMs.at(kMessages / 2), fromArrivalMs.last());
    }

    void signalWatcherReportsEachSignal_data() { addSignalRows(); }

    void signalWatcherReportsEachSignal()
    {
        QFETCH(int, signalNumber);
        UnixSignalWatcher watcher;
        QVERIFY(watcher.isValid());
        QSignalSpy spy(&watcher, &UnixSignalWatcher::terminationRequested);
        QCOMPARE(::raise(signalNumber), 0);
        QVERIFY(spy.wait(5000));
        QCOMPARE(spy.takeFirst().at(0).toInt(), signalNumber);
    }

    // As `nohup` or a script's background job start it: an ignored signal stays ignored.
    void signalWatcherLeavesIgnoredSignalsIgnored()
    {
        struct sigaction ignore = {};
        ignore.sa_handler = SIG_IGN;
        struct sigaction before = {};
        QCOMPARE(::sigaction(SIGHUP, &ignore, &before), 0);
        {
            UnixSignalWatcher watcher;
            QSignalSpy spy(&watcher, &UnixSignalWatcher::terminationRequested);
            QCOMPARE(::raise(SIGHUP), 0); // delivered before raise() returns: ignored
            QCOMPARE(::raise(SIGINT), 0);
            QVERIFY(spy.wait(5000));
            QCOMPARE(spy.takeFirst().at(0).toInt(), int(SIGINT));
        }
        struct sigaction after = {};
        QCOMPARE(::sigaction(SIGHUP, &before, &after), 0);
        QVERIFY(after.sa_handler == SIG_IGN);
    }

    void formatterEscapesAndValidates_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<bool>("utf8");
        QTest::newRow("ascii") << QByteArray("{\"a\":1}") << true;
        QTest::newRow("two-byte") << QByteArray("caf\xc3\xa9") << true;
        QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << true;
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("truncated") << QByteArray("\xe2\x82") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("control characters") << QByteArray("a\nb\t\"c\"\\\x01") << true;
    }

    void formatterEscapesAndValidates()
    {
        QFETCH(QByteArray, payload);
        QFETCH(bool, utf8);
        QCOMPARE(MessageLineFormatter::isValidUtf8(payload), utf8);
        MqttMessage m{0, QStringLiteral("t/\"q\""), payload, 1795700000123, 1, true, false, {}};
        QByteArray line;
        MessageLineFormatter::append(m, line);
        QVERIFY(line.endsWith('\n'));
        const QJsonObject parsed = QJsonDocument::fromJson(line).object();
        QCOMPARE(parsed.value(QStringLiteral("topic")).toString(), m.topic);
        QCOMPARE(parsed.value(QStringLiteral("time")).toString(),
                 QStringLiteral("2026-11-26T13:33:20.123Z"));
        QCOMPARE(parsed.value(QStringLiteral("retain")).toBool(), true);
        if (utf8)
            QCOMPARE(parsed.value(QStringLiteral("payload")).toString().toUtf8(), payload);
        else
            QCOMPARE(QByteArray::fromBase64(
                         parsed.value(QStringLiteral("payloadBase64")).toString().toLatin1()),
                     payload);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
