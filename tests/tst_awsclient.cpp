// The REST layer against a local HTTP(S) server started by the test: results, AWS errors,
// retries, timeouts, dropped connections, cancellation and TLS trust.
#include "TestHttpServer.h"
#include "TestPki.h"
#include "aws/AwsClient.h"
#include "aws/AwsConfig.h"
#include "aws/CredentialChain.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

AwsCredentials testCredentials()
{
    AwsCredentials c;
    c.accessKeyId = QStringLiteral("AKIDEXAMPLE");
    c.secretAccessKey = QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    c.source = QStringLiteral("test");
    return c;
}

AwsClientOptions fastOptions()
{
    AwsClientOptions options;
    options.region = QStringLiteral("us-east-1");
    options.timeout = std::chrono::milliseconds(2000);
    options.retry.baseDelay = std::chrono::milliseconds(5);
    return options;
}

} // namespace

class TestAwsClient : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestHttpServer> m_server;
    QNetworkAccessManager m_network;
    std::unique_ptr<CredentialChain> m_credentials;
    std::unique_ptr<AwsClient> m_client;
    std::optional<AwsClient::CallResult> m_result;

    void makeClient(AwsClientOptions options)
    {
        m_client = std::make_unique<AwsClient>(&m_network, m_credentials.get(), std::move(options));
    }

    AwsRequest request(const QUrl &endpoint) const
    {
        AwsRequest r;
        r.endpoint = endpoint;
        r.signingService = QStringLiteral("iot");
        r.pathSegments = {QStringLiteral("things"), QStringLiteral("lamp-1")};
        return r;
    }

    AwsClient::CallId sendAndKeep(const AwsRequest &r)
    {
        m_result.reset();
        return m_client->send(r, this, [this](const AwsClient::CallResult &result) {
            QVERIFY(!m_result.has_value()); // exactly one callback
            m_result = result;
        });
    }

    void scriptReplies(QList<CannedReply> replies)
    {
        m_server->setHandler([replies](const RecordedRequest &) mutable {
            return replies.size() > 1 ? replies.takeFirst() : replies.first();
        });
    }

    const AwsError &awaitError()
    {
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(m_result.has_value(), 15000);
        }();
        if (m_result->ok())
            qFatal("expected an error, got HTTP %d", m_result->value().httpStatus);
        return m_result->error();
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->listen());
        m_credentials = std::make_unique<CredentialChain>(QProcessEnvironment());
        m_credentials->setExplicitCredentials(testCredentials());
        makeClient(fastOptions());
        m_result.reset();
    }

    void cleanup()
    {
        m_client.reset();
        m_credentials.reset();
        m_server.reset();
    }

    void successReturnsJsonAndRequestId()
    {
        scriptReplies({CannedReply::json(200, R"({"thingName":"lamp-1","version":3})",
                                         {{"x-amzn-RequestId", "req-123"}})});
        sendAndKeep(request(m_server->url()));
        QTRY_VERIFY(m_result.has_value());
        QVERIFY(m_result->ok());
        QCOMPARE(m_result->value().json.object().value(QStringLiteral("version")).toInt(), 3);
        QCOMPARE(m_result->value().requestId, QStringLiteral("req-123"));
        QCOMPARE(m_result->value().attempts, 1);
        const RecordedRequest &sent = m_server->requests().constFirst();
        QCOMPARE(sent.method, QByteArray("GET"));
        QCOMPARE(sent.path(), QByteArray("/things/lamp-1"));
        QVERIFY(
            sent.header("authorization").startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
        QVERIFY(sent.header("authorization").contains("/us-east-1/iot/aws4_request"));
        QCOMPARE(sent.header("x-amz-date").size(), 16);
    }

    void postSendsBodyAndContentType()
    {
        AwsRequest r = request(m_server->url());
        r.method = "PATCH";
        r.body = R"({"attributePayload":{"attributes":{"room":"kitchen"}}})";
        r.contentType = "application/json";
        sendAndKeep(r);
        QTRY_VERIFY(m_result.has_value());
        QVERIFY(m_result->ok());
        const RecordedRequest &sent = m_server->requests().constFirst();
        QCOMPARE(sent.method, QByteArray("PATCH"));
        QCOMPARE(sent.body, r.body);
        QCOMPARE(sent.header("content-type"), QByteArray("application/json"));
        QVERIFY(
            sent.header("authorization").contains("SignedHeaders=content-type;host;x-amz-date"));
    }

    void emptySuccessBodyIsEmptyObject()
    {
        scriptReplies({CannedReply::json(200, "")});
        sendAndKeep(request(m_server->url()));
        QTRY_VERIFY(m_result.has_value());
        QVERIFY(m_result->ok());
        QVERIFY(m_result->value().json.isObject());
        QVERIFY(m_result->value().json.object().isEmpty());
    }

    void invalidSuccessBodyIsInvalidResponse()
    {
        scriptReplies({CannedReply::json(200, "{\"thingName\": ")});
        sendAndKeep(request(m_server->url()));
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::InvalidResponse);
        QVERIFY2(error.message.contains(QStringLiteral("not valid JSON")),
                 qPrintable(error.message));
        QCOMPARE(m_server->requests().size(), 1);
    }

    void serviceErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("errorTypeHeader");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");

        const QByteArray sigText =
            "The request signature we calculated does not match the signature "
            "you provided. Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.";
        QTest::newRow("403 header code cut at colon")
            << 403 << QByteArray("InvalidSignatureException:http://internal.amazon.com/coral/")
            << QByteArray("{\"message\":\"" + sigText + "\"}")
            << QStringLiteral("InvalidSignatureException") << QString::fromUtf8(sigText);
        QTest::newRow("404 __type with namespace")
            << 404 << QByteArray()
            << QByteArray("{\"__type\":\"com.amazonaws.iot#ResourceNotFoundException\","
                          "\"message\":\"Thing lamp-9 cannot be found.\"}")
            << QStringLiteral("ResourceNotFoundException")
            << QStringLiteral("Thing lamp-9 cannot be found.");
        QTest::newRow("409 shadow conflict (numeric code in body)")
            << 409 << QByteArray("ConflictException")
            << QByteArray(R"({"code":409,"message":"Version conflict"})")
            << QStringLiteral("ConflictException") << QStringLiteral("Version conflict");
        QTest::newRow("400 code field and Message")
            << 400 << QByteArray()
            << QByteArray(R"({"code":"InvalidRequestException","Message":"Invalid thing name"})")
            << QStringLiteral("InvalidRequestException") << QStringLiteral("Invalid thing name");
        QTest::newRow("401 malformed JSON body")
            << 401 << QByteArray() << QByteArray("<html>Unauthorized</html>") << QString()
            << QStringLiteral(
                   "HTTP 401 with a body that is not an AWS error: <html>Unauthorized</html>");
        QTest::newRow("403 empty body") << 403 << QByteArray("ForbiddenException") << QByteArray()
                                        << QStringLiteral("ForbiddenException")
                                        << QStringLiteral("HTTP 403 with an empty body");
    }

    void serviceErrors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, errorTypeHeader);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QList<HttpHeader> headers{{"x-amzn-RequestId", "rid-1"}};
        if (!errorTypeHeader.isEmpty())
            headers.append(HttpHeader{"x-amzn-ErrorType", errorTypeHeader});
        scriptReplies({CannedReply::json(status, body, headers)});
        sendAndKeep(request(m_server->url()));
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::Service);
        QCOMPARE(error.httpStatus, status);
        QCOMPARE(error.code, code);
        QCOMPARE(error.message, message);
        QCOMPARE(error.requestId, QStringLiteral("rid-1"));
        QCOMPARE(error.operation, QStringLiteral("GET /things/lamp-1"));
        QCOMPARE(m_server->requests().size(), 1); // client errors are never retried
        QCOMPARE(error.attempts, 1);
        QVERIFY(error.toString().contains(QStringLiteral("rid-1")));
    }

    void retriedErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("errorType");
        QTest::addColumn<bool>("throttling");

        QTest::newRow("429 data-plane throttling")
            << 429 << QByteArray("ThrottlingException") << true;
        QTest::newRow("400 control-plane ThrottlingException")
            << 400 << QByteArray("ThrottlingException") << true;
        QTest::newRow("500 internal failure") << 500 << QByteArray("InternalFailure") << false;
        QTest::newRow("503 without code") << 503 << QByteArray() << false;
    }

    void retriedErrors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, errorType);
        QFETCH(bool, throttling);
        QList<HttpHeader> headers;
        if (!errorType.isEmpty())
            headers.append(HttpHeader{"x-amzn-ErrorType", errorType});
        scriptReplies({CannedReply::json(status, R"({"message":"slow down"})", headers)});
        sendAndKeep(request(m_server->url()));
        const AwsError &error = awaitError();
        QCOMPARE(error.httpStatus, status);
        QCOMPARE(error.isThrottling(), throttling);
        QCOMPARE(error.attempts, 3);
        QCOMPARE(m_server->requests().size(), 3);
        QVERIFY(error.toString().contains(QStringLiteral("after 3 attempts")));
    }

    void retryThenSuccessResignsEachAttempt()
    {
        scriptReplies({CannedReply::json(429, "{}", {{"x-amzn-ErrorType", "ThrottlingException"}}),
                       CannedReply::json(500, "{}"), CannedReply::json(200, R"({"ok":true})")});
        sendAndKeep(request(m_server->url()));
        QTRY_VERIFY(m_result.has_value());
        QVERIFY(m_result->ok());
        QCOMPARE(m_result->value().attempts, 3);
        QCOMPARE(m_server->requests().size(), 3);
        for (const RecordedRequest &sent : m_server->requests()) {
            QVERIFY(sent.header("authorization").startsWith("AWS4-HMAC-SHA256"));
            QVERIFY(!sent.header("x-amz-date").isEmpty());
        }
    }

    void timeoutWhenServerNeverAnswers()
    {
        AwsClientOptions options = fastOptions();
        options.timeout = std::chrono::milliseconds(300);
        options.retry.maxAttempts = 2;
        makeClient(options);
        scriptReplies({CannedReply::neverAnswer()});
        sendAndKeep(request(m_server->url()));
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::Timeout);
        QVERIFY2(error.message.contains(QStringLiteral("no answer from 127.0.0.1 within 0.3 s")),
                 qPrintable(error.message));
        QCOMPARE(error.attempts, 2);
        QTRY_COMPARE(m_server->requests().size(), 2);
    }

    void perRequestTimeoutOverridesDefault()
    {
        scriptReplies({CannedReply::neverAnswer()});
        AwsRequest r = request(m_server->url());
        r.timeout = std::chrono::milliseconds(100);
        AwsClientOptions options = fastOptions();
        options.retry.maxAttempts = 1;
        makeClient(options);
        sendAndKeep(r);
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::Timeout);
        QVERIFY(error.message.contains(QStringLiteral("0.1 s")));
    }

    void droppedConnectionIsRetried()
    {
        // Qt's HTTP layer itself resends a request once when a connection closes before any
        // answer, so two drops in a row are needed before our own retry shows.
        scriptReplies({CannedReply::dropConnection(), CannedReply::dropConnection(),
                       CannedReply::json(200, R"({"n":1})")});
        sendAndKeep(request(m_server->url()));
        QTRY_VERIFY(m_result.has_value());
        QVERIFY2(m_result->ok(),
                 qPrintable(m_result->ok() ? QString() : m_result->error().toString()));
        QCOMPARE(m_server->requests().size(), 3);
        QCOMPARE(m_result->value().attempts, 2);
    }

    void droppedConnectionEveryTimeIsNetworkError()
    {
        scriptReplies({CannedReply::dropConnection()});
        sendAndKeep(request(m_server->url()));
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::Network);
        QVERIFY2(error.message.contains(QStringLiteral("closed the connection")),
                 qPrintable(error.message));
        QCOMPARE(error.attempts, 3);
    }

    void connectionRefused()
    {
        AwsRequest r = request(m_server->url());
        m_server.reset(); // nothing listens on the port any more
        sendAndKeep(r);
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::Network);
        QVERIFY2(error.message.contains(QStringLiteral("refused")), qPrintable(error.message));
    }

    void cancelDeliversCancelled()
    {
        scriptReplies({CannedReply::neverAnswer()});
        const auto id = sendAndKeep(request(m_server->url()));
        QTRY_COMPARE(m_server->requests().size(), 1);
        m_client->cancel(id);
        QVERIFY(!m_result.has_value()); // delivered from the event loop, not inside cancel()
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::Cancelled);
        QCOMPARE(m_client->pendingCalls(), 0);
    }

    void destroyedContextGetsNoCallback()
    {
        scriptReplies({CannedReply::neverAnswer()});
        auto context = std::make_unique<QObject>();
        bool called = false;
        m_client->send(request(m_server->url()), context.get(),
                       [&called](const AwsClient::CallResult &) { called = true; });
        QTRY_COMPARE(m_server->requests().size(), 1);
        context.reset();
        QCOMPARE(m_client->pendingCalls(), 0);
        QTest::qWait(100);
        QVERIFY(!called);
    }

    void missingCredentialsIsCredentialsError()
    {
        QTemporaryDir home;
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), home.path());
        m_credentials = std::make_unique<CredentialChain>(env);
        makeClient(fastOptions());
        sendAndKeep(request(m_server->url()));
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::Credentials);
        QVERIFY(!error.message.isEmpty());
        QCOMPARE(m_server->requests().size(), 0);
    }

    void httpsTrustsCaFromAwsCaBundle()
    {
        QTemporaryDir dir;
        TestPki pki(dir.path());
        QVERIFY2(pki.create(), qPrintable(pki.error()));
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->listenTls(TestPki::loadCertificate(pki.serverCertificateFile()),
                                    TestPki::loadKey(pki.serverKeyFile())));
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), dir.path());
        env.insert(QStringLiteral("AWS_CA_BUNDLE"), pki.caFile());
        const auto config = AwsConfig::load(env, {});
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        const auto bundle = AwsClient::loadCaBundle(config.value().caBundle());
        QVERIFY2(bundle.ok(), qPrintable(bundle.ok() ? QString() : bundle.error()));
        AwsClientOptions options = fastOptions();
        options.extraCaCertificates = bundle.value();
        makeClient(options);
        scriptReplies({CannedReply::json(200, R"({"endpointAddress":"localhost"})")});
        sendAndKeep(request(m_server->localhostUrl()));
        QTRY_VERIFY_WITH_TIMEOUT(m_result.has_value(), 10000);
        QVERIFY2(m_result->ok(),
                 qPrintable(m_result->ok() ? QString() : m_result->error().toString()));
        QCOMPARE(m_server->requests().size(), 1);
    }

    void httpsUntrustedCertificateFailsClearly()
    {
        QTemporaryDir dir;
        TestPki pki(dir.path());
        QVERIFY2(pki.create(), qPrintable(pki.error()));
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->listenTls(TestPki::loadCertificate(pki.otherServerCertificateFile()),
                                    TestPki::loadKey(pki.otherServerKeyFile())));
        AwsClientOptions options = fastOptions();
        options.extraCaCertificates = AwsClient::loadCaBundle(pki.caFile()).value();
        makeClient(options);
        sendAndKeep(request(m_server->localhostUrl()));
        const AwsError &error = awaitError();
        QCOMPARE(error.kind, AwsError::Kind::Tls);
        QVERIFY2(error.message.contains(QStringLiteral("is not accepted")),
                 qPrintable(error.message));
        QVERIFY2(error.message.contains(QStringLiteral("AWS_CA_BUNDLE")),
                 qPrintable(error.message));
        QCOMPARE(error.attempts, 1); // TLS failures are not retried
        QCOMPARE(m_server->requests().size(), 0);
    }

    void caBundleErrorsNameTheFile()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("missing.pem"));
        const auto absent = AwsClient::loadCaBundle(missing);
        QVERIFY(!absent.ok());
        QVERIFY(absent.error().contains(missing));
        const QString junk = dir.filePath(QStringLiteral("junk.pem"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a certificate\n");
        f.close();
        const auto bad = AwsClient::loadCaBundle(junk);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().contains(QStringLiteral("contains no PEM certificate")));
    }
};

QTEST_GUILESS_MAIN(TestAwsClient)
#include "tst_awsclient.moc"
