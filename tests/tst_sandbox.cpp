// The sandbox as users meet it: the real thingdeck-sandbox process on free loopback ports in a
// temporary folder, driven by Debian's AWS CLI, mosquitto_pub/mosquitto_sub with device
// certificates, and the core REST client.
#include "SandboxPki.h"
#include "SandboxProcess.h"
#include "aws/SigV4Signer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

// Debian's AWS CLI, not whatever else may be first on PATH.
const QString kAws = QStringLiteral("/usr/bin/aws");

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run run(const QString &program, const QStringList &arguments, const QProcessEnvironment &env,
        int timeoutMs = 60000)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(program, arguments);
    if (!process.waitForFinished(timeoutMs))
        process.kill();
    process.waitForFinished(1000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

// Whether a process is still alive (a zombie no parent reaps counts as gone).
/// A mosquitto_sub on some topics and on a probe topic of its own.
struct Subscriber
{
    std::unique_ptr<QProcess> process;
    QByteArray probe;   ///< its probe topic
    bool ready = false; ///< a probe came back: its SUBSCRIBE has reached the broker
};

bool isRunning(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close > 0 && text.mid(close + 2, 1) != "Z";
}

} // namespace

class TestSandbox : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_home;
    std::unique_ptr<SandboxProcess> m_sandbox;
    static constexpr int kThings = 1005;

    Run aws(const QStringList &arguments, const QProcessEnvironment &env)
    {
        return run(kAws, m_sandbox->endpointArguments() + arguments, env);
    }

    Run aws(const QStringList &arguments)
    {
        return aws(arguments, m_sandbox->awsEnvironment(m_home.path()));
    }

    QStringList mqttArguments(int device) const
    {
        return {QStringLiteral("-h"),       QStringLiteral("localhost"),
                QStringLiteral("-p"),       QString::number(m_sandbox->port("mqttPort")),
                QStringLiteral("--cafile"), m_sandbox->value("caFile"),
                QStringLiteral("--cert"),   m_sandbox->deviceCertificate(device),
                QStringLiteral("--key"),    m_sandbox->deviceKey(device)};
    }

    // Starts mosquitto_sub on `topics` and on a probe topic, and publishes probes until one
    // shows in its output (peeked, so messagesOf() still reads all of it): only then is it
    // subscribed, and what the test publishes next reaches it.
    Subscriber subscribe(const QStringList &topics, int device = 1)
    {
        static int probes = 0;
        Subscriber sub{std::make_unique<QProcess>(),
                       QByteArrayLiteral("probe/tst_sandbox/") + QByteArray::number(++probes)};
        const QString probe = QString::fromLatin1(sub.probe);
        // -W: it goes by itself should a failed test leave it behind.
        QStringList args = mqttArguments(device) + QStringList{QStringLiteral("-v"),
                                                               QStringLiteral("-W"),
                                                               QStringLiteral("60"),
                                                               QStringLiteral("-q"),
                                                               QStringLiteral("1"),
                                                               QStringLiteral("-t"),
                                                               probe};
        for (const QString &topic : topics)
            args << QStringLiteral("-t") << topic;
        sub.process->start(QStringLiteral("mosquitto_sub"), args);
        if (!sub.process->waitForStarted())
            return sub;
        const QByteArray marker = sub.probe + ' ';
        QProcess &p = *sub.process;
        for (int round = 0; round < 50 && !sub.ready && p.state() == QProcess::Running; ++round) {
            if (publish(probe, "probe").exitCode != 0)
                break;
            sub.ready =
                QTest::qWaitFor([&] { return p.peek(p.bytesAvailable()).contains(marker); }, 200);
        }
        return sub;
    }

    Run publish(const QString &topic, const QByteArray &payload, int device = 0)
    {
        return run(QStringLiteral("mosquitto_pub"),
                   mqttArguments(device) +
                       QStringList{QStringLiteral("-q"), QStringLiteral("1"), QStringLiteral("-t"),
                                   topic, QStringLiteral("-m"), QString::fromUtf8(payload)},
                   QProcessEnvironment::systemEnvironment());
    }

    // The subscriber's first `count` messages other than probes (waiting up to 20 s for
    // them), by topic; then it is stopped.
    static QMap<QString, QByteArray> messagesOf(Subscriber &sub, int count)
    {
        QByteArray output;
        QMap<QString, QByteArray> byTopic;
        const auto collect = [&] {
            output += sub.process->readAllStandardOutput();
            byTopic.clear();
            int taken = 0;
            for (const QByteArray &line : output.split('\n')) {
                const qsizetype space = line.indexOf(' ');
                if (space <= 0 || line.left(space) == sub.probe || taken == count)
                    continue;
                byTopic.insert(QString::fromUtf8(line.left(space)), line.mid(space + 1));
                ++taken;
            }
            return taken == count && output.endsWith('\n');
        };
        (void)QTest::qWaitFor(collect, 20000);
        sub.process->terminate();
        sub.process->waitForFinished(5000);
        return byTopic;
    }

    QJsonObject shadow(const QString &thing, const QString &name = {})
    {
        const QString file = m_home.filePath(QStringLiteral("shadow.json"));
        QStringList args{QStringLiteral("iot-data"), QStringLiteral("get-thing-shadow"),
                         QStringLiteral("--thing-name"), thing};
        if (!name.isEmpty())
            args << QStringLiteral("--shadow-name") << name;
        const Run r = aws(args << file);
        if (r.exitCode != 0)
            return QJsonObject{{QStringLiteral("error"), QString::fromUtf8(r.err)}};
        QFile f(file);
        f.open(QIODevice::ReadOnly);
        return QJsonDocument::fromJson(f.readAll()).object();
    }

    // Every thing `sandbox` lists, in the AWS CLI's order, into `things`.
    void listAll(const SandboxProcess &sandbox, QJsonArray &things)
    {
        const Run r = run(kAws,
                          sandbox.endpointArguments() +
                              QStringList{QStringLiteral("iot"), QStringLiteral("list-things"),
                                          QStringLiteral("--page-size"), QStringLiteral("250")},
                          sandbox.awsEnvironment(m_home.path()));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        things = r.json().value(QStringLiteral("things")).toArray();
    }

    static QSet<QString> namesOf(const QJsonArray &things)
    {
        QSet<QString> names;
        for (const QJsonValue &thing : things)
            names.insert(thing.toObject().value(QStringLiteral("thingName")).toString());
        return names;
    }

    void startSandbox(const QStringList &extra = {})
    {
        m_sandbox = std::make_unique<SandboxProcess>(m_dir.filePath(QStringLiteral("state")));
        QVERIFY2(m_sandbox->start(extra), qPrintable(m_sandbox->error()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(kAws));
        QElapsedTimer clock;
        clock.start();
        startSandbox({QStringLiteral("--things"), QString::number(kThings),
                      QStringLiteral("--telemetry-rate"), QStringLiteral("200"),
                      QStringLiteral("--report-delay"), QStringLiteral("200")});
        qInfo() << "sandbox with" << kThings << "things ready in" << clock.elapsed() << "ms";
    }

    void cleanupTestCase()
    {
        if (m_sandbox)
            QCOMPARE(m_sandbox->stop(), 0);
    }

    void infoFileHasEverything()
    {
        for (const char *key :
             {"region", "accessKeyId", "secretAccessKey", "restEndpoint", "caFile", "mqttHost"})
            QVERIFY2(!m_sandbox->value(key).isEmpty(), key);
        QVERIFY(m_sandbox->port("mqttPort") > 0);
        QVERIFY(m_sandbox->port("mqttWebSocketPort") > 0);
        QCOMPARE(m_sandbox->info().value(QStringLiteral("devices")).toArray().size(), kThings);
        QVERIFY(m_sandbox->deviceCertificate(0).endsWith(QLatin1String("-certificate.pem.crt")));
        QVERIFY(QFile::exists(m_sandbox->deviceKey(0)));
        QVERIFY(m_sandbox->value("restEndpoint").startsWith(QLatin1String("https://localhost:")));
    }

    void cliListThingsPaginatesOverAll()
    {
        QElapsedTimer clock;
        clock.start();
        const Run r = aws({QStringLiteral("iot"), QStringLiteral("list-things")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray things = r.json().value(QStringLiteral("things")).toArray();
        QSet<QString> names;
        for (const QJsonValue &thing : things)
            names.insert(thing.toObject().value(QStringLiteral("thingName")).toString());
        QCOMPARE(things.size(), kThings);
        QCOMPARE(names.size(), kThings);
        QVERIFY(names.contains(m_sandbox->deviceThing(0)));
        qInfo() << "aws iot list-things returned" << kThings << "things in" << clock.elapsed()
                << "ms";
    }

    void cliListThingsFilters()
    {
        const Run r = aws({QStringLiteral("iot"), QStringLiteral("list-things"),
                           QStringLiteral("--thing-type-name"), QStringLiteral("Lamp"),
                           QStringLiteral("--attribute-name"), QStringLiteral("room"),
                           QStringLiteral("--attribute-value"), QStringLiteral("room-100")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray things = r.json().value(QStringLiteral("things")).toArray();
        QVERIFY(!things.isEmpty());
        for (const QJsonValue &thing : things) {
            const QJsonObject o = thing.toObject();
            QCOMPARE(o.value(QStringLiteral("thingTypeName")).toString(), QStringLiteral("Lamp"));
            QCOMPARE(o.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("room")),
                     QJsonValue(QStringLiteral("room-100")));
        }
    }

    void cliThingLifecycle()
    {
        const QString thing = QStringLiteral("cli-made-thing");
        Run r = aws({QStringLiteral("iot"), QStringLiteral("create-thing"),
                     QStringLiteral("--thing-name"), thing, QStringLiteral("--thing-type-name"),
                     QStringLiteral("Sensor"), QStringLiteral("--attribute-payload"),
                     QStringLiteral(R"({"attributes":{"room":"lab"}})")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("thingName")).toString(), thing);
        QVERIFY(r.json()
                    .value(QStringLiteral("thingArn"))
                    .toString()
                    .endsWith(QStringLiteral(":thing/") + thing));

        r = aws({QStringLiteral("iot"), QStringLiteral("update-thing"),
                 QStringLiteral("--thing-name"), thing, QStringLiteral("--attribute-payload"),
                 QStringLiteral(R"({"attributes":{"color":"red"},"merge":true})")});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        r = aws({QStringLiteral("iot"), QStringLiteral("describe-thing"),
                 QStringLiteral("--thing-name"), thing});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject attributes = r.json().value(QStringLiteral("attributes")).toObject();
        QCOMPARE(attributes.value(QStringLiteral("room")).toString(), QStringLiteral("lab"));
        QCOMPARE(attributes.value(QStringLiteral("color")).toString(), QStringLiteral("red"));
        QCOMPARE(r.json().value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(r.json().value(QStringLiteral("defaultClientId")).toString(), thing);

        r = aws({QStringLiteral("iot"), QStringLiteral("delete-thing"),
                 QStringLiteral("--thing-name"), thing});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = aws({QStringLiteral("iot"), QStringLiteral("describe-thing"),
                 QStringLiteral("--thing-name"), thing});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("ResourceNotFoundException"), r.err.constData());
    }

    void cliDescribeEndpointAndTypes()
    {
        Run r = aws({QStringLiteral("iot"), QStringLiteral("describe-endpoint"),
                     QStringLiteral("--endpoint-type"), QStringLiteral("iot:Data-ATS")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("endpointAddress")).toString(),
                 m_sandbox->value("mqttHost"));
        r = aws({QStringLiteral("iot"), QStringLiteral("list-thing-types")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("thingTypes")).toArray().size(), 3);
    }

    void cliShadows()
    {
        const QString thing = m_sandbox->deviceThing(0);
        const QString out = m_home.filePath(QStringLiteral("out.json"));
        for (const QString &name : {QString(), QStringLiteral("cli")}) {
            QStringList nameArgs;
            if (!name.isEmpty())
                nameArgs << QStringLiteral("--shadow-name") << name;
            Run r = aws(
                QStringList{QStringLiteral("iot-data"), QStringLiteral("update-thing-shadow"),
                            QStringLiteral("--thing-name"), thing, QStringLiteral("--payload"),
                            QString::fromLatin1(
                                QByteArray(R"({"state":{"reported":{"cliKey":7}}})").toBase64())} +
                nameArgs + QStringList{out});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const QJsonObject got = shadow(thing, name);
            QCOMPARE(got.value(QStringLiteral("state"))
                         .toObject()
                         .value(QStringLiteral("reported"))
                         .toObject()
                         .value(QStringLiteral("cliKey"))
                         .toInt(),
                     7);
            const int version = got.value(QStringLiteral("version")).toInt();
            r = aws(QStringList{QStringLiteral("iot-data"), QStringLiteral("delete-thing-shadow"),
                                QStringLiteral("--thing-name"), thing} +
                    nameArgs + QStringList{out});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(QJsonDocument::fromJson(f.readAll())
                         .object()
                         .value(QStringLiteral("version"))
                         .toInt(),
                     version);
            QVERIFY(shadow(thing, name)
                        .value(QStringLiteral("error"))
                        .toString()
                        .contains(QStringLiteral("ResourceNotFoundException")));
        }
        const Run list =
            aws({QStringLiteral("iot-data"), QStringLiteral("list-named-shadows-for-thing"),
                 QStringLiteral("--thing-name"), thing});
        QVERIFY2(list.exitCode == 0, list.err.constData());
        QCOMPARE(list.json().value(QStringLiteral("results")).toArray(),
                 QJsonArray{QStringLiteral("config")});
    }

    void cliPublishReachesSubscribers()
    {
        auto sub = subscribe({QStringLiteral("cli/published")});
        QVERIFY2(sub.ready, sub.process->readAllStandardError().constData());
        const Run r =
            aws({QStringLiteral("iot-data"), QStringLiteral("publish"), QStringLiteral("--topic"),
                 QStringLiteral("cli/published"), QStringLiteral("--qos"), QStringLiteral("1"),
                 QStringLiteral("--payload"),
                 QString::fromLatin1(QByteArray("{\"hello\":1}").toBase64())});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(messagesOf(sub, 1).value(QStringLiteral("cli/published")),
                 QByteArray("{\"hello\":1}"));
    }

    void refusedSignatures_data()
    {
        QTest::addColumn<QString>("accessKeyId");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("wrong secret")
            << QString() << QStringLiteral("not-the-secret")
            << QByteArray("InvalidSignatureException")
            << QByteArray("The request signature we calculated does not match");
        QTest::newRow("unknown key")
            << QStringLiteral("AKIAUNKNOWNKEY000000") << QString()
            << QByteArray("UnrecognizedClientException")
            << QByteArray("The security token included in the request is invalid");
    }

    void refusedSignatures()
    {
        QFETCH(QString, accessKeyId);
        QFETCH(QString, secret);
        QFETCH(QByteArray, code);
        QFETCH(QByteArray, message);
        QProcessEnvironment env = m_sandbox->awsEnvironment(m_home.path());
        if (!accessKeyId.isEmpty())
            env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), accessKeyId);
        if (!secret.isEmpty())
            env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), secret);
        const Run r = aws({QStringLiteral("iot"), QStringLiteral("list-things")}, env);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(code), r.err.constData());
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

    void skewedClockRefused_data()
    {
        QTest::addColumn<int>("skewSeconds");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("10 minutes late") << -600 << QByteArray("Signature expired");
        QTest::newRow("10 minutes early") << 600 << QByteArray("Signature not yet current");
    }

    // The AWS CLI cannot sign in the past, so this signs by hand with the core signer.
    void skewedClockRefused()
    {
        QFETCH(int, skewSeconds);
        QFETCH(QByteArray, message);
        const QUrl endpoint(m_sandbox->value("restEndpoint"));
        SigV4Request toSign;
        toSign.method = "GET";
        toSign.host = QStringLiteral("localhost:%1").arg(endpoint.port()).toUtf8();
        toSign.path = "/things";
        AwsCredentials keys;
        keys.accessKeyId = m_sandbox->value("accessKeyId");
        keys.secretAccessKey = m_sandbox->value("secretAccessKey");
        QNetworkRequest request(QUrl(endpoint.toString() + QStringLiteral("/things")));
        const auto when = QDateTime::currentDateTimeUtc().addSecs(skewSeconds);
        for (const auto &[name, value] : SigV4Signer::signHeaders(
                 toSign, keys, {m_sandbox->value("region"), QStringLiteral("iot")}, when))
            request.setRawHeader(name, value);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(QSslCertificate::fromPath(m_sandbox->value("caFile")));
        request.setSslConfiguration(tls);
        QNetworkAccessManager network;
        std::unique_ptr<QNetworkReply> reply(network.get(request));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 15000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
        QCOMPARE(reply->rawHeader("x-amzn-ErrorType").left(25),
                 QByteArray("InvalidSignatureException"));
        QVERIFY(reply->readAll().contains(message));
    }

    void shadowTopicsOverMqtt()
    {
        const QString thing = m_sandbox->deviceThing(3);
        const QString prefix = QStringLiteral("$aws/things/%1/shadow").arg(thing);
        auto sub = subscribe({prefix + QStringLiteral("/update/accepted"),
                              prefix + QStringLiteral("/update/delta"),
                              prefix + QStringLiteral("/update/documents")},
                             3);
        QVERIFY2(sub.ready, sub.process->readAllStandardError().constData());
        QVERIFY(publish(prefix + QStringLiteral("/update"),
                        R"({"state":{"desired":{"mqttKey":"x"}},"clientToken":"tok-1"})", 3)
                    .exitCode == 0);
        const auto got = messagesOf(sub, 3);
        const QJsonObject accepted =
            QJsonDocument::fromJson(got.value(prefix + QStringLiteral("/update/accepted")))
                .object();
        QCOMPARE(accepted.value(QStringLiteral("clientToken")).toString(), QStringLiteral("tok-1"));
        QCOMPARE(accepted.value(QStringLiteral("state"))
                     .toObject()
                     .value(QStringLiteral("desired"))
                     .toObject()
                     .value(QStringLiteral("mqttKey"))
                     .toString(),
                 QStringLiteral("x"));
        const QJsonObject delta =
            QJsonDocument::fromJson(got.value(prefix + QStringLiteral("/update/delta"))).object();
        QCOMPARE(delta.value(QStringLiteral("state"))
                     .toObject()
                     .value(QStringLiteral("mqttKey"))
                     .toString(),
                 QStringLiteral("x"));
        const QJsonObject documents =
            QJsonDocument::fromJson(got.value(prefix + QStringLiteral("/update/documents")))
                .object();
        QVERIFY(documents.contains(QStringLiteral("previous")));
        QCOMPARE(documents.value(QStringLiteral("current"))
                     .toObject()
                     .value(QStringLiteral("version"))
                     .toInt(),
                 accepted.value(QStringLiteral("version")).toInt());
    }

    void shadowGetAndRejectOverMqtt()
    {
        const QString thing = m_sandbox->deviceThing(4);
        const QString prefix = QStringLiteral("$aws/things/%1/shadow").arg(thing);
        auto sub = subscribe(
            {prefix + QStringLiteral("/get/accepted"), prefix + QStringLiteral("/update/rejected")},
            4);
        QVERIFY2(sub.ready, sub.process->readAllStandardError().constData());
        QVERIFY(publish(prefix + QStringLiteral("/get"), "{}", 4).exitCode == 0);
        QVERIFY(publish(prefix + QStringLiteral("/update"), "{\"state\": 5}", 4).exitCode == 0);
        const auto got = messagesOf(sub, 2);
        const QJsonObject document =
            QJsonDocument::fromJson(got.value(prefix + QStringLiteral("/get/accepted"))).object();
        QVERIFY(
            document.value(QStringLiteral("state")).toObject().contains(QStringLiteral("desired")));
        const QJsonObject rejected =
            QJsonDocument::fromJson(got.value(prefix + QStringLiteral("/update/rejected")))
                .object();
        QCOMPARE(rejected.value(QStringLiteral("code")).toInt(), 400);
        QCOMPARE(rejected.value(QStringLiteral("message")).toString(),
                 QStringLiteral("State node must be an object"));
    }

    void devicesPublishTelemetry()
    {
        auto sub = subscribe({QStringLiteral("dt/+/telemetry")});
        QVERIFY2(sub.ready, sub.process->readAllStandardError().constData());
        const auto got = messagesOf(sub, 20);
        QVERIFY2(!got.isEmpty(), "no telemetry within 20 s");
        const QJsonObject sample = QJsonDocument::fromJson(got.first()).object();
        QVERIFY(sample.contains(QStringLiteral("temperature")));
        QVERIFY(got.firstKey().startsWith(QLatin1String("dt/")));
    }

    void devicesReportDesiredBack()
    {
        const QString thing = m_sandbox->deviceThing(5);
        const Run r =
            aws({QStringLiteral("iot-data"), QStringLiteral("update-thing-shadow"),
                 QStringLiteral("--thing-name"), thing, QStringLiteral("--payload"),
                 QString::fromLatin1(QByteArray(R"({"state":{"desired":{"loop":42}}})").toBase64()),
                 m_home.filePath(QStringLiteral("o.json"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QTRY_COMPARE_WITH_TIMEOUT(shadow(thing)
                                      .value(QStringLiteral("state"))
                                      .toObject()
                                      .value(QStringLiteral("reported"))
                                      .toObject()
                                      .value(QStringLiteral("loop"))
                                      .toInt(),
                                  42, 15000);
        QVERIFY(!shadow(thing)
                     .value(QStringLiteral("state"))
                     .toObject()
                     .contains(QStringLiteral("delta")));
    }

    void brokerRefusesStrangers_data()
    {
        QTest::addColumn<bool>("withCertificate");
        QTest::newRow("no client certificate") << false;
        QTest::newRow("certificate from another CA") << true;
    }

    void brokerRefusesStrangers()
    {
        QFETCH(bool, withCertificate);
        QTemporaryDir otherDir;
        SandboxPki other(otherDir.path());
        QVERIFY(other.ensure({QStringLiteral("intruder")}).ok());
        QStringList args{QStringLiteral("-h"),       QStringLiteral("localhost"),
                         QStringLiteral("-p"),       QString::number(m_sandbox->port("mqttPort")),
                         QStringLiteral("--cafile"), m_sandbox->value("caFile"),
                         QStringLiteral("-t"),       QStringLiteral("dt/x"),
                         QStringLiteral("-m"),       QStringLiteral("1"),
                         QStringLiteral("-q"),       QStringLiteral("1")};
        if (withCertificate) {
            args << QStringLiteral("--cert")
                 << other.deviceCertificateFile(QStringLiteral("intruder"))
                 << QStringLiteral("--key") << other.deviceKeyFile(QStringLiteral("intruder"));
        }
        const Run r =
            run(QStringLiteral("mosquitto_pub"), args, QProcessEnvironment::systemEnvironment());
        QVERIFY2(r.exitCode != 0, "the broker accepted a client it must refuse");
    }

    void startupErrorsAreOneLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing mosquitto")
            << QStringList{QStringLiteral("--mosquitto"), QStringLiteral("/nonexistent/mosquitto")}
            << QStringLiteral("mosquitto");
        QTest::newRow("busy HTTPS port")
            << QStringList{QStringLiteral("--http-port"), QStringLiteral("BUSY")}
            << QStringLiteral("--http-port");
        QTest::newRow("bad option")
            << QStringList{QStringLiteral("--things"), QStringLiteral("many")}
            << QStringLiteral("--things");
        QTest::newRow("too many registry things")
            << QStringList{QStringLiteral("--registry-things"), QStringLiteral("1000001")}
            << QStringLiteral("--registry-things");
    }

    void startupErrorsAreOneLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const QUrl endpoint(m_sandbox->value("restEndpoint"));
        arguments.replaceInStrings(QStringLiteral("BUSY"), QString::number(endpoint.port()));
        QTemporaryDir dir;
        const Run r = run(SandboxProcess::executable(),
                          QStringList{QStringLiteral("--state-dir"), dir.path(),
                                      QStringLiteral("--things"), QStringLiteral("1")} +
                              arguments,
                          QProcessEnvironment::systemEnvironment());
        QVERIFY(r.exitCode == 1 || r.exitCode == 2);
        const QList<QByteArray> lines = r.err.trimmed().split('\n');
        QVERIFY2(lines.last().contains(expected.toUtf8()), r.err.constData());
        QVERIFY2(lines.last().startsWith("thingdeck-sandbox: "), r.err.constData());
    }

    void unwritableStateDirIsOneLine()
    {
        QFile file(m_home.filePath(QStringLiteral("plain-file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const Run r = run(SandboxProcess::executable(),
                          {QStringLiteral("--state-dir"), file.fileName() + QStringLiteral("/sub")},
                          QProcessEnvironment::systemEnvironment());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--state-dir"), r.err.constData());
    }

    // --registry-things: plain things seeded once per state folder; a restart finds them in
    // the state (a deleted one stays deleted), a larger count seeds only the rest.
    void registryThingsAreSeededOnce()
    {
        QTemporaryDir dir;
        SandboxProcess bulk(dir.filePath(QStringLiteral("state")));
        QStringList args{QStringLiteral("--things"),          QStringLiteral("0"),
                         QStringLiteral("--telemetry-rate"),  QStringLiteral("0"),
                         QStringLiteral("--registry-things"), QStringLiteral("1000")};
        QVERIFY2(bulk.start(args), qPrintable(bulk.error()));
        QVERIFY2(bulk.output().contains("seeded 1000 registry things"), bulk.output().constData());
        QJsonArray things;
        listAll(bulk, things);
        QCOMPARE(things.size(), 1000);
        QCOMPARE(namesOf(things).size(), 1000);
        const QJsonObject first = things.first().toObject();
        QCOMPARE(first.value(QStringLiteral("thingName")).toString(),
                 QStringLiteral("asset-000001"));
        QCOMPARE(first.value(QStringLiteral("thingTypeName")).toString(), QStringLiteral("Asset"));
        QCOMPARE(first.value(QStringLiteral("attributes")).toObject().size(), 3);
        QCOMPARE(things.last().toObject().value(QStringLiteral("thingName")).toString(),
                 QStringLiteral("asset-001000"));
        const Run deleted =
            run(kAws,
                bulk.endpointArguments() +
                    QStringList{QStringLiteral("iot"), QStringLiteral("delete-thing"),
                                QStringLiteral("--thing-name"), QStringLiteral("asset-000500")},
                bulk.awsEnvironment(m_home.path()));
        QVERIFY2(deleted.exitCode == 0, deleted.err.constData());

        QCOMPARE(bulk.stop(), 0);
        QVERIFY2(bulk.start(args), qPrintable(bulk.error()));
        QVERIFY2(!bulk.output().contains("seeded"), bulk.output().constData());
        listAll(bulk, things);
        QCOMPARE(things.size(), 999);
        QVERIFY(!namesOf(things).contains(QStringLiteral("asset-000500")));

        QCOMPARE(bulk.stop(), 0);
        args.last() = QStringLiteral("1200");
        QVERIFY2(bulk.start(args), qPrintable(bulk.error()));
        QVERIFY2(bulk.output().contains("seeded 200 registry things"), bulk.output().constData());
        listAll(bulk, things);
        QCOMPARE(things.size(), 1199);
        QCOMPARE(bulk.stop(), 0);
    }

    // Last: restarts and kills the shared sandbox.
    void restartKeepsState()
    {
        const QString thing = m_sandbox->deviceThing(6);
        const Run r = aws(
            {QStringLiteral("iot-data"), QStringLiteral("update-thing-shadow"),
             QStringLiteral("--thing-name"), thing, QStringLiteral("--payload"),
             QString::fromLatin1(QByteArray(R"({"state":{"reported":{"kept":true}}})").toBase64()),
             m_home.filePath(QStringLiteral("o.json"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const int version = shadow(thing).value(QStringLiteral("version")).toInt();
        const QString key = m_sandbox->value("accessKeyId");
        QCOMPARE(m_sandbox->stop(), 0);
        startSandbox({QStringLiteral("--things"), QString::number(kThings),
                      QStringLiteral("--telemetry-rate"), QStringLiteral("0")});
        QCOMPARE(m_sandbox->value("accessKeyId"), key);
        const QJsonObject again = shadow(thing);
        QCOMPARE(again.value(QStringLiteral("version")).toInt(), version);
        QVERIFY(again.value(QStringLiteral("state"))
                    .toObject()
                    .value(QStringLiteral("reported"))
                    .toObject()
                    .value(QStringLiteral("kept"))
                    .toBool());
    }

    void sigkillLeavesNoBroker()
    {
        const qint64 broker = m_sandbox->info().value(QStringLiteral("brokerPid")).toInteger();
        QVERIFY(broker > 0);
        QVERIFY(isRunning(broker));
        m_sandbox->kill();
        QTRY_VERIFY_WITH_TIMEOUT(!isRunning(broker), 10000);
        m_sandbox.reset();
    }
};

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
