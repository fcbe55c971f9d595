// The sandbox's MQTT-over-WebSocket port as AWS IoT's device gateway: the real
// thingdeck-sandbox process checks the SigV4 presigned URL of every upgrade request. Thingdeck's
// own WSS connection (static and temporary credentials) gets in and can subscribe and publish; a
// URL presigned by botocore (Debian's AWS CLI) gets in; wrong secrets, expired URLs, other
// regions, tampered queries and temporary credentials without their token get 403 and AWS's
// JSON body, as does a token signed into the URL (AWS IoT wants it appended after signing).
// In-process, with small limits: the head deadline, the session limit and an unreachable
// mosquitto.
#include "MqttTestSupport.h"
#include "RequestAuthenticator.h"
#include "SandboxPki.h"
#include "SandboxProcess.h"
#include "WebSocketGate.h"
#include "aws/CredentialChain.h"
#include "aws/SigV4Signer.h"
#include "mqtt/MqttConnection.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

// Debian's python and AWS CLI, not whatever else may be first on PATH.
const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kAws = QStringLiteral("/usr/bin/aws");

// Debian's awscli vendors botocore as awscli.botocore; importing awscli first makes it
// importable as `botocore`, as the CLI itself does. Presigns like the AWS IoT device SDKs:
// service iotdevicegateway, the URL valid for an hour.
const char *const kBotocorePresign = R"(
import sys
import awscli
import botocore.auth, botocore.awsrequest, botocore.credentials
key, secret, region, url = sys.argv[1:5]
request = botocore.awsrequest.AWSRequest(method='GET', url=url)
credentials = botocore.credentials.Credentials(key, secret)
botocore.auth.SigV4QueryAuth(credentials, 'iotdevicegateway', region, expires=3600).add_auth(request)
print(request.url)
)";

struct Answer
{
    QByteArray statusLine;
    QByteArray head; ///< status line and headers
    QByteArray body;
    bool closedByServer = false;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

// The Content-Length of a response head.
qsizetype contentLength(const QByteArray &head)
{
    Answer answer;
    answer.head = head;
    return answer.header("content-length").toLongLong();
}

// An MQTT 3.1.1 CONNECT in one masked binary WebSocket frame (RFC 6455 §5.2; a client must
// mask), small enough for the 7-bit length.
QByteArray connectFrame(const QByteArray &clientId)
{
    QByteArray variable = QByteArray("\x00\x04MQTT\x04\x02\x00\x3c", 10);
    variable += char(clientId.size() >> 8);
    variable += char(clientId.size() & 0xff);
    variable += clientId;
    const QByteArray packet = QByteArray(1, char(0x10)) + char(variable.size()) + variable;
    const QByteArray mask("\x12\x34\x56\x78", 4);
    QByteArray frame;
    frame += char(0x82);
    frame += char(0x80 | packet.size());
    frame += mask;
    for (qsizetype i = 0; i < packet.size(); ++i)
        frame += char(packet.at(i) ^ mask.at(i % 4));
    return frame;
}

QString otherRegion(const QString &region)
{
    return region == QLatin1String("us-east-1") ? QStringLiteral("eu-west-1")
                                                : QStringLiteral("us-east-1");
}

} // namespace

class TestSandboxWebSocket : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_home;
    std::unique_ptr<SandboxProcess> m_sandbox;
    AwsCredentials m_temporary;
    std::unique_ptr<SandboxPki> m_pki; ///< for in-process gates
    RequestAuthenticator m_authenticator{QStringLiteral("us-east-1")};

    quint16 port() const { return quint16(m_sandbox->port("mqttWebSocketPort")); }
    QString region() const { return m_sandbox->value("region"); }
    QByteArray host() const { return "localhost:" + QByteArray::number(port()); }

    AwsCredentials staticKeys() const
    {
        AwsCredentials keys;
        keys.accessKeyId = m_sandbox->value("accessKeyId");
        keys.secretAccessKey = m_sandbox->value("secretAccessKey");
        return keys;
    }

    // What Thingdeck's MqttConnection sends (core's signer, token after the signature).
    QByteArray
    presign(const AwsCredentials &keys, const QString &signingRegion, const QDateTime &time,
            qint64 expires,
            SigV4Signer::TokenMode mode = SigV4Signer::TokenMode::AppendedAfterSigning) const
    {
        SigV4Request request;
        request.method = "GET";
        request.host = host();
        request.path = "/mqtt";
        return SigV4Signer::presignQuery(request, keys,
                                         {signingRegion, QStringLiteral("iotdevicegateway")}, time,
                                         expires, mode);
    }

    QByteArray presignNow(const AwsCredentials &keys) const
    {
        return presign(keys, region(), QDateTime::currentDateTimeUtc(), 0);
    }

    // Sends the upgrade request as Paho does and reads the answer: the head, then (unless it
    // is 101) the body, and whether the server closed the connection after it.
    Answer upgrade(const QByteArray &query, const QByteArray &then = {}) const
    {
        QSslSocket socket;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(m_sandbox->value("caFile")));
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        socket.setSslConfiguration(tls);
        socket.connectToHostEncrypted(QStringLiteral("localhost"), port());
        if (!socket.waitForEncrypted(10000)) {
            qWarning() << "TLS handshake failed:" << socket.errorString();
            return {};
        }
        socket.write(
            QByteArray("GET /mqtt?" + query + " HTTP/1.1\r\nHost: " + host() +
                       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: "
                       "https://" +
                       host() +
                       "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"));
        QByteArray received;
        QElapsedTimer clock;
        clock.start();
        const auto readUntil = [&](const std::function<bool()> &done) {
            while (!done() && clock.elapsed() < 10000 &&
                   socket.state() == QAbstractSocket::ConnectedState) {
                socket.waitForReadyRead(200);
                received += socket.readAll();
            }
            received += socket.readAll();
        };
        readUntil([&] { return received.contains("\r\n\r\n"); });
        Answer answer;
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return answer;
        answer.head = received.left(headEnd + 2);
        answer.statusLine = answer.head.left(answer.head.indexOf("\r\n"));
        if (answer.statusLine.startsWith("HTTP/1.1 101")) {
            if (then.isEmpty())
                return answer;
            received.remove(0, headEnd + 4);
            socket.write(then);
            readUntil([&] { return received.size() >= 6; });
            answer.body = received;
            return answer;
        }
        const qsizetype length = contentLength(answer.head);
        readUntil([&] { return received.size() >= headEnd + 4 + length; });
        answer.body = received.mid(headEnd + 4, length);
        // The server closes after a refusal: the socket goes without the test closing it.
        readUntil([] { return false; });
        answer.closedByServer = socket.state() != QAbstractSocket::ConnectedState;
        return answer;
    }

    // Temporary credentials from the sandbox's STS, through Debian's AWS CLI.
    AwsCredentials assumeRole()
    {
        QProcess cli;
        cli.setProcessEnvironment(m_sandbox->awsEnvironment(m_home.path()));
        cli.start(kAws, m_sandbox->endpointArguments() +
                            QStringList{QStringLiteral("sts"), QStringLiteral("assume-role"),
                                        QStringLiteral("--role-arn"),
                                        QStringLiteral("arn:aws:iam::%1:role/thingdeck-operator")
                                            .arg(m_sandbox->value("accountId")),
                                        QStringLiteral("--role-session-name"),
                                        QStringLiteral("websocket"), QStringLiteral("--output"),
                                        QStringLiteral("json")});
        if (!cli.waitForFinished(60000) || cli.exitCode() != 0) {
            qWarning() << "aws sts assume-role failed:" << cli.readAllStandardError();
            return {};
        }
        const QJsonObject credentials = QJsonDocument::fromJson(cli.readAllStandardOutput())
                                            .object()
                                            .value(QStringLiteral("Credentials"))
                                            .toObject();
        AwsCredentials keys;
        keys.accessKeyId = credentials.value(QStringLiteral("AccessKeyId")).toString();
        keys.secretAccessKey = credentials.value(QStringLiteral("SecretAccessKey")).toString();
        keys.sessionToken = credentials.value(QStringLiteral("SessionToken")).toString();
        return keys;
    }

    // Connects with Thingdeck's own WSS transport, subscribes, and receives its own message.
    void roundTrip(const AwsCredentials &keys, const QString &topicName)
    {
        CredentialChain credentials{QProcessEnvironment()};
        credentials.setExplicitCredentials(keys);
        MqttConnectOptions options;
        options.transport = MqttConnectOptions::Transport::WebSocket;
        options.host = QStringLiteral("localhost");
        options.port = port();
        options.caFile = m_sandbox->value("caFile");
        options.credentials = &credentials;
        options.region = region();
        MqttConnection connection;
        MqttTestSupport::connectAndWait(connection, options);
        if (QTest::currentTestFailed())
            return;
        QSignalSpy received(&connection, &MqttConnection::messagesReceived);
        MqttSubscription *subscription =
            connection.subscribe(TopicFilter::create(topicName).value(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(subscription->state() != MqttSubscription::State::Pending, 10000);
        QVERIFY2(subscription->state() == MqttSubscription::State::Subscribed,
                 qPrintable(subscription->errorString()));
        QVERIFY(
            connection.publish(TopicName::create(topicName).value(), "{\"t\":21}", 1, false).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), 10000);
        const auto batch = received.first().first().value<MqttMessageBatch>();
        QCOMPARE(batch.first().topic, topicName);
        QCOMPARE(batch.first().payload, QByteArray("{\"t\":21}"));
        connection.disconnectFromHost();
        QTRY_COMPARE(connection.state(), MqttConnection::State::Disconnected);
    }

    std::unique_ptr<WebSocketGate> localGate(const WebSocketGate::Options &options)
    {
        auto gate = std::make_unique<WebSocketGate>(&m_authenticator, options);
        const auto problem = gate->listen(*m_pki);
        if (problem) {
            qWarning() << *problem;
            return {};
        }
        return gate;
    }

    // A TLS client of an in-process gate; the test spins the event loop (QTRY_*) for both.
    std::unique_ptr<QSslSocket> localClient(quint16 gatePort) const
    {
        auto socket = std::make_unique<QSslSocket>();
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(m_pki->caCertificateFile()));
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        socket->setSslConfiguration(tls);
        socket->connectToHostEncrypted(QStringLiteral("localhost"), gatePort);
        return socket;
    }

    static bool isClosed(const QAbstractSocket &socket)
    {
        return socket.state() == QAbstractSocket::UnconnectedState;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid() && m_home.isValid());
        m_sandbox = std::make_unique<SandboxProcess>(m_dir.path());
        QVERIFY2(m_sandbox->start({QStringLiteral("--things"), QStringLiteral("1"),
                                   QStringLiteral("--telemetry-rate"), QStringLiteral("0")}),
                 qPrintable(m_sandbox->error()));
        QVERIFY(port() > 0);
        m_temporary = assumeRole();
        QVERIFY(!m_temporary.sessionToken.isEmpty());
        m_pki = std::make_unique<SandboxPki>(m_dir.filePath(QStringLiteral("local-pki")));
        QVERIFY(m_pki->ensure({}).ok());
        m_authenticator.addCredentials(staticKeys());
    }

    void cleanupTestCase()
    {
        if (m_sandbox)
            QCOMPARE(m_sandbox->stop(), 0);
    }

    void thingdeckConnectsWithStaticKeys() { roundTrip(staticKeys(), QStringLiteral("dt/ws/a")); }

    void thingdeckConnectsWithTemporaryCredentials()
    {
        roundTrip(m_temporary, QStringLiteral("dt/ws/b"));
    }

    void coreSignedUrlIsAccepted_data()
    {
        QTest::addColumn<bool>("temporary");
        QTest::addColumn<qint64>("expires");
        QTest::newRow("static keys") << false << qint64(0);
        QTest::newRow("static keys, X-Amz-Expires") << false << qint64(3600);
        QTest::newRow("temporary credentials") << true << qint64(0);
    }

    void coreSignedUrlIsAccepted()
    {
        QFETCH(bool, temporary);
        QFETCH(qint64, expires);
        const AwsCredentials keys = temporary ? m_temporary : staticKeys();
        const Answer answer =
            upgrade(presign(keys, region(), QDateTime::currentDateTimeUtc(), expires));
        QVERIFY2(answer.statusLine == "HTTP/1.1 101 Switching Protocols", answer.head.constData());
        QCOMPARE(answer.header("sec-websocket-accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("errorType");
        QTest::addColumn<QString>("message");
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QString mismatch = QStringLiteral(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.");
        const QString badToken =
            QStringLiteral("The security token included in the request is invalid.");

        AwsCredentials wrongSecret = staticKeys();
        wrongSecret.secretAccessKey += u'x';
        QTest::newRow("wrong secret")
            << presignNow(wrongSecret) << QByteArray("InvalidSignatureException") << mismatch;

        AwsCredentials unknown = staticKeys();
        unknown.accessKeyId = QStringLiteral("AKIAUNKNOWNKEY000000");
        QTest::newRow("unknown key")
            << presignNow(unknown) << QByteArray("UnrecognizedClientException") << badToken;

        const QDateTime twoMinutesAgo = now.addSecs(-120);
        QTest::newRow("expired (X-Amz-Expires)")
            << presign(staticKeys(), region(), twoMinutesAgo, 60)
            << QByteArray("InvalidSignatureException")
            << QStringLiteral("Signature expired: %1 is now earlier than")
                   .arg(QString::fromLatin1(SigV4Signer::timestamp(twoMinutesAgo)));

        const QDateTime tenMinutesAgo = now.addSecs(-600);
        QTest::newRow("expired (no X-Amz-Expires, older than 5 min)")
            << presign(staticKeys(), region(), tenMinutesAgo, 0)
            << QByteArray("InvalidSignatureException")
            << QStringLiteral("Signature expired: %1 is now earlier than")
                   .arg(QString::fromLatin1(SigV4Signer::timestamp(tenMinutesAgo)));

        QTest::newRow("another region")
            << presign(staticKeys(), otherRegion(region()), now, 0)
            << QByteArray("ForbiddenException")
            << QStringLiteral("Credential should be scoped to a valid region, not '%1'. ")
                   .arg(otherRegion(region()));

        QByteArray longer = presign(staticKeys(), region(), now, 300);
        longer.replace("X-Amz-Expires=300", "X-Amz-Expires=3600");
        QTest::newRow("tampered: X-Amz-Expires changed after signing")
            << longer << QByteArray("InvalidSignatureException") << mismatch;

        QTest::newRow("tampered: parameter added after signing")
            << QByteArray(presignNow(staticKeys()) + "&clientId=other")
            << QByteArray("InvalidSignatureException") << mismatch;

        QByteArray withoutToken = presignNow(m_temporary);
        withoutToken.truncate(withoutToken.indexOf("&X-Amz-Security-Token="));
        QTest::newRow("temporary credentials without X-Amz-Security-Token")
            << withoutToken << QByteArray("UnrecognizedClientException") << badToken;

        QByteArray otherToken = presignNow(m_temporary);
        otherToken.append("x");
        QTest::newRow("temporary credentials, another token")
            << otherToken << QByteArray("UnrecognizedClientException") << badToken;

        QTest::newRow("token signed into the URL (AWS IoT wants it after signing)")
            << presign(m_temporary, region(), now, 0, SigV4Signer::TokenMode::Signed)
            << QByteArray("InvalidSignatureException") << mismatch;

        QTest::newRow("no signature at all")
            << QByteArray() << QByteArray("MissingAuthenticationTokenException")
            << QStringLiteral("Missing Authentication Token");
    }

    void refused()
    {
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, errorType);
        QFETCH(QString, message);
        const Answer answer = upgrade(query);
        QVERIFY2(answer.statusLine == "HTTP/1.1 403 Forbidden", answer.head.constData());
        QCOMPARE(answer.header("content-type"), QByteArray("application/json"));
        QCOMPARE(answer.header("x-amzn-errortype"), errorType);
        QCOMPARE(answer.json().keys(), QStringList{QStringLiteral("message")});
        const QString got = answer.json().value(QStringLiteral("message")).toString();
        QVERIFY2(got.startsWith(message), qPrintable(got));
        QVERIFY(answer.closedByServer);
    }

    void oversizedHeadIsRefused()
    {
        const Answer answer =
            upgrade(QByteArray(presignNow(staticKeys()) + "&pad=" + QByteArray(20000, 'a')));
        QVERIFY2(answer.statusLine.startsWith("HTTP/1.1 431"), answer.head.constData());
        QVERIFY(answer.closedByServer);
    }

    void botocorePresignedUrlIsAccepted()
    {
        QVERIFY2(QFile::exists(kPython) && QFile::exists(kAws),
                 "Debian's awscli (python3 and botocore) is not installed: run scripts/setup");
        QProcess python;
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), m_home.path());
        python.setProcessEnvironment(env);
        const AwsCredentials keys = staticKeys();
        python.start(kPython, {QStringLiteral("-c"), QString::fromLatin1(kBotocorePresign),
                               keys.accessKeyId, keys.secretAccessKey, region(),
                               QStringLiteral("https://%1/mqtt").arg(QString::fromLatin1(host()))});
        QVERIFY(python.waitForFinished(30000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        const QByteArray url = python.readAllStandardOutput().trimmed();
        QVERIFY2(url.contains("X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="),
                 url.constData());
        const QByteArray query = url.mid(url.indexOf('?') + 1);
        // The upgrade, then an MQTT CONNECT over it: mosquitto's CONNACK (accepted) comes
        // back in one unmasked binary frame.
        const Answer answer = upgrade(query, connectFrame("botocore-ws"));
        QVERIFY2(answer.statusLine == "HTTP/1.1 101 Switching Protocols", answer.head.constData());
        QVERIFY2(answer.body.startsWith(QByteArray("\x82\x04\x20\x02\x00\x00", 6)),
                 answer.body.toHex().constData());
    }

    // ---- in-process gates: limits and deadlines ----

    // A client that starts its request head and does not finish it is answered 408 and closed.
    void headDeadlineAnswers408()
    {
        WebSocketGate::Options options;
        options.headTimeout = std::chrono::milliseconds(300);
        auto gate = localGate(options);
        QVERIFY(gate);
        auto client = localClient(gate->port());
        QTRY_VERIFY_WITH_TIMEOUT(client->isEncrypted(), 10000);
        client->write("GET /mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256 HTTP/1.1\r\nHost: localhost\r\n");
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += client->readAll()).contains("\r\n\r\n"), 10000);
        QVERIFY2(answer.startsWith("HTTP/1.1 408 Request Timeout"), answer.constData());
        QTRY_VERIFY_WITH_TIMEOUT(isClosed(*client), 10000);
        QTRY_COMPARE(gate->sessionCount(), 0);
    }

    // Beyond the limit a client is closed after its handshake without an answer; a session
    // that ends frees its slot.
    void sessionLimitTurnsAwayExtraClients()
    {
        WebSocketGate::Options options;
        options.maxSessions = 1;
        auto gate = localGate(options);
        QVERIFY(gate);
        auto first = localClient(gate->port());
        QTRY_VERIFY_WITH_TIMEOUT(first->isEncrypted() && gate->sessionCount() == 1, 10000);
        auto extra = localClient(gate->port());
        QTRY_VERIFY_WITH_TIMEOUT(isClosed(*extra), 10000);
        QCOMPARE(extra->readAll(), QByteArray());
        QCOMPARE(gate->sessionCount(), 1);
        QVERIFY(!isClosed(*first));

        first->abort();
        QTRY_COMPARE_WITH_TIMEOUT(gate->sessionCount(), 0, 10000);
        auto next = localClient(gate->port());
        QTRY_VERIFY_WITH_TIMEOUT(next->isEncrypted() && gate->sessionCount() == 1, 10000);
    }

    // A valid request whose broker cannot be reached is answered 503, not left hanging.
    void unreachableBrokerAnswers503()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        WebSocketGate::Options options;
        options.brokerPort = closed.serverPort();
        closed.close();
        auto gate = localGate(options);
        QVERIFY(gate);
        SigV4Request request;
        request.method = "GET";
        request.host = "localhost:" + QByteArray::number(gate->port());
        request.path = "/mqtt";
        const QByteArray query = SigV4Signer::presignQuery(
            request, staticKeys(),
            {QStringLiteral("us-east-1"), QStringLiteral("iotdevicegateway")},
            QDateTime::currentDateTimeUtc(), 0, SigV4Signer::TokenMode::AppendedAfterSigning);
        auto client = localClient(gate->port());
        QTRY_VERIFY_WITH_TIMEOUT(client->isEncrypted(), 10000);
        client->write(QByteArray("GET /mqtt?" + query + " HTTP/1.1\r\nHost: " + request.host +
                                 "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += client->readAll()).contains("\r\n\r\n"), 10000);
        QVERIFY2(answer.startsWith("HTTP/1.1 503 Service Unavailable"), answer.constData());
        QTRY_VERIFY_WITH_TIMEOUT(isClosed(*client), 10000);
        QTRY_COMPARE(gate->sessionCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSandboxWebSocket)
#include "tst_sandboxwebsocket.moc"
