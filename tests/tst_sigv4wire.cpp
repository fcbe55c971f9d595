// Proves that the signer signs exactly the bytes QNetworkAccessManager puts on the wire: each
// request goes through AwsClient to a local server, which recomputes the signature from what
// arrived (request line, Host and the signed headers, body) the way AWS would.
#include "TestHttpServer.h"
#include "aws/AwsClient.h"
#include "aws/CredentialChain.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace thingdeck;
using namespace thingdeck::test;

using QueryItems = QList<std::pair<QString, QString>>;
Q_DECLARE_METATYPE(QueryItems)

namespace {

const QString kSecret = QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

// What a server does: rebuild the canonical request from the received bytes.
QByteArray recomputeSignature(const RecordedRequest &received, const SigV4Authorization &auth)
{
    SigV4Request request;
    request.method = received.method;
    request.host = received.header("host");
    request.path = received.path();
    request.query = received.query();
    request.body = received.body;
    for (const QByteArray &name : auth.signedHeaders) {
        if (name != "host")
            request.headers.append(HttpHeader{name, received.header(name)});
    }
    const SigV4Scope scope{QString::fromUtf8(auth.region), QString::fromUtf8(auth.service)};
    const QByteArray creq = SigV4Signer::canonicalRequest(request);
    const QByteArray sts = SigV4Signer::stringToSign(creq, received.header("x-amz-date"), scope);
    return SigV4Signer::signature(sts, SigV4Signer::signingKey(kSecret, auth.date, scope));
}

} // namespace

class TestSigV4Wire : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signedBytesMatchWire_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QStringList>("segments");
        QTest::addColumn<QueryItems>("query");
        QTest::addColumn<QByteArray>("expectedPath");
        QTest::addColumn<QString>("service");

        QTest::newRow("space") << QByteArray("POST")
                               << (QStringList{QStringLiteral("topics"),
                                               QStringLiteral("sensors/room 1")})
                               << QueryItems{{QStringLiteral("qos"), QStringLiteral("1")}}
                               << QByteArray("/topics/sensors%2Froom%201")
                               << QStringLiteral("iotdata");
        QTest::newRow("encoded slash %2F")
            << QByteArray("POST") << (QStringList{QStringLiteral("topics"), QStringLiteral("a/b")})
            << QueryItems{} << QByteArray("/topics/a%2Fb") << QStringLiteral("iotdata");
        QTest::newRow("colon") << QByteArray("GET")
                               << QStringList{QStringLiteral("things"),
                                              QStringLiteral("thing:with:colon")}
                               << QueryItems{} << QByteArray("/things/thing%3Awith%3Acolon")
                               << QStringLiteral("iot");
        QTest::newRow("dollar topic")
            << QByteArray("POST")
            << (QStringList{QStringLiteral("topics"),
                            QStringLiteral("$aws/things/lamp-1/shadow/update")})
            << QueryItems{{QStringLiteral("qos"), QStringLiteral("0")}}
            << QByteArray("/topics/%24aws%2Fthings%2Flamp-1%2Fshadow%2Fupdate")
            << QStringLiteral("iotdata");
        QTest::newRow("at sign") << QByteArray("GET")
                                 << QStringList{QStringLiteral("things"),
                                                QStringLiteral("user@example")}
                                 << QueryItems{} << QByteArray("/things/user%40example")
                                 << QStringLiteral("iot");
        QTest::newRow("non-ASCII")
            << QByteArray("POST")
            << (QStringList{QStringLiteral("topics"), QStringLiteral("température/温度")})
            << QueryItems{} << QByteArray("/topics/temp%C3%A9rature%2F%E6%B8%A9%E5%BA%A6")
            << QStringLiteral("iotdata");
        QTest::newRow("sub-delimiters")
            << QByteArray("POST")
            << (QStringList{QStringLiteral("topics"), QStringLiteral("!'()*+,;=&~")})
            << QueryItems{} << QByteArray("/topics/%21%27%28%29%2A%2B%2C%3B%3D%26~")
            << QStringLiteral("iotdata");
        QTest::newRow("reserved characters in query")
            << QByteArray("GET") << QStringList{QStringLiteral("things")}
            << QueryItems{{QStringLiteral("attributeName"), QStringLiteral("a+b=c&d e/f?#")},
                          {QStringLiteral("nextToken"), QStringLiteral("AB/cd+ef==")},
                          {QStringLiteral("endpointType"), QStringLiteral("iot:Data-ATS")},
                          {QStringLiteral("attributeValue"), QStringLiteral("ü@$")},
                          {QStringLiteral("empty"), QString()}}
            << QByteArray("/things") << QStringLiteral("iot");
        QTest::newRow("percent literal")
            << QByteArray("GET") << QStringList{QStringLiteral("things"), QStringLiteral("100%")}
            << QueryItems{{QStringLiteral("q"), QStringLiteral("5%")}}
            << QByteArray("/things/100%25") << QStringLiteral("iot");
    }

    void signedBytesMatchWire()
    {
        QFETCH(QByteArray, method);
        QFETCH(QStringList, segments);
        QFETCH(QueryItems, query);
        QFETCH(QByteArray, expectedPath);
        QFETCH(QString, service);

        TestHttpServer server;
        QVERIFY(server.listen());
        QNetworkAccessManager network;
        CredentialChain credentials{QProcessEnvironment()};
        AwsCredentials keys;
        keys.accessKeyId = QStringLiteral("AKIDEXAMPLE");
        keys.secretAccessKey = kSecret;
        keys.sessionToken = QStringLiteral("FQoGZXIvYXdzEXAMPLE+/=token");
        credentials.setExplicitCredentials(keys);
        AwsClientOptions options;
        options.region = QStringLiteral("eu-central-1");
        AwsClient client(&network, &credentials, options);

        AwsRequest request;
        request.method = method;
        request.endpoint = server.url();
        request.signingService = service;
        request.pathSegments = segments;
        request.query = query;
        if (method == "POST") {
            request.body = R"({"t":21})";
            request.contentType = "application/json";
        }
        bool done = false;
        client.send(request, &server, [&done](const AwsClient::CallResult &) { done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(server.requests().size(), 1);
        const RecordedRequest &received = server.requests().constFirst();

        // The bytes on the wire are the ones the request says it sends.
        QCOMPARE(received.path(), request.wirePath());
        QCOMPARE(received.query(), request.wireQuery());
        QCOMPARE(received.header("host"), request.hostHeader());
        QCOMPARE(received.path(), expectedPath);

        // And the server, starting from those bytes only, gets the same signature.
        const auto auth = SigV4Signer::parseAuthorization(received.header("authorization"));
        QVERIFY(auth.has_value());
        QCOMPARE(auth->service, service.toUtf8());
        QVERIFY(auth->signedHeaders.contains("x-amz-security-token"));
        QCOMPARE(recomputeSignature(received, *auth), auth->signature);
    }
};

QTEST_GUILESS_MAIN(TestSigV4Wire)
#include "tst_sigv4wire.moc"
