// ShadowClient against the sandbox's REST data plane over HTTPS on loopback: get, update and
// delete of classic and named shadows with their result fields, updates based on a version and
// the 409 conflict, named shadow listing through pages, publish, the data endpoint found through
// DescribeEndpoint, and arguments refused before any request.
#include "IotClientFixture.h"
#include "mqtt/TopicFilter.h"

#include <QSignalSpy>

using namespace thingdeck;
using namespace thingdeck::test;

#define VALUE(result) valueOf((result), __FILE__, __LINE__)

class TestShadowClient : public IotClientFixture
{
    Q_OBJECT

private:
    Result<ShadowSnapshot, IotError> get(const QString &thing, const QString &shadow = {})
    {
        return await<ShadowSnapshot>([&](auto callback) {
            m_shadowClient->getShadow(thingName(thing), shadowName(shadow), this, callback);
        });
    }

    Result<ShadowAccepted, IotError> update(const QString &thing, const QString &shadow,
                                            const char *document,
                                            std::optional<qint64> basedOn = std::nullopt)
    {
        return await<ShadowAccepted>([&](auto callback) {
            m_shadowClient->updateShadow(thingName(thing), shadowName(shadow), object(document),
                                         basedOn, this, callback);
        });
    }

    Result<ShadowAccepted, IotError> remove(const QString &thing, const QString &shadow = {})
    {
        return await<ShadowAccepted>([&](auto callback) {
            m_shadowClient->deleteShadow(thingName(thing), shadowName(shadow), this, callback);
        });
    }

    Result<QStringList, IotError> listNamed(const QString &thing)
    {
        return await<QStringList>([&](auto callback) {
            m_shadowClient->listNamedShadows(thingName(thing), this, callback);
        });
    }

    Result<std::monostate, IotError> publish(const QString &topic, const QByteArray &payload,
                                             int qos, bool retain)
    {
        return await<std::monostate>([&](auto callback) {
            m_shadowClient->publish(TopicName::create(topic).value(), payload, qos, retain, this,
                                    callback);
        });
    }

    /// Makes the sandbox's DescribeEndpoint answer its own HTTPS address, and the client find
    /// the data plane through it rather than through an override.
    void discoverDataPlane()
    {
        RegistryOptions options;
        options.endpointAddress = QStringLiteral("localhost:%1").arg(m_server->port());
        m_registry = std::make_unique<RegistryService>(m_store.get(), options);
        m_api = std::make_unique<RestApi>(m_auth.get(), m_registry.get(), m_shadows.get());
        auto target = sandboxTarget();
        target.dataPlane = QUrl();
        m_endpoints->setTarget(m_client.get(), target);
    }

private Q_SLOTS:
    void initTestCase() { setUpPki(); }
    void init() { setUpClients(); }
    void cleanup() { tearDownClients(); }

    // ---- get -------------------------------------------------------------------------------

    void getShadow_data()
    {
        QTest::addColumn<QString>("shadow");
        QTest::addColumn<QString>("requestLine");
        QTest::newRow("classic") << QString() << QStringLiteral("GET /things/lamp-1/shadow");
        QTest::newRow("named") << QStringLiteral("cfg")
                               << QStringLiteral("GET /things/lamp-1/shadow?name=cfg");
        QTest::newRow("named with $ and :")
            << QStringLiteral("$c:f") << QStringLiteral("GET /things/lamp-1/shadow?name=%24c%3Af");
    }

    void getShadow()
    {
        QFETCH(QString, shadow);
        QFETCH(QString, requestLine);
        const qint64 t = freezeClock();
        QVERIFY(
            update(
                QStringLiteral("lamp-1"), shadow,
                R"({"state":{"desired":{"on":true,"level":{"r":1,"g":2}},"reported":{"on":false,"level":{"r":1,"g":2}}}})")
                .ok());
        m_received.clear();
        const ShadowSnapshot snapshot = VALUE(get(QStringLiteral("lamp-1"), shadow));
        QCOMPARE(snapshot.thingName, QStringLiteral("lamp-1"));
        QCOMPARE(snapshot.shadowName, shadow);
        QCOMPARE(snapshot.timestamp, t);
        const ShadowDocument &document = snapshot.document;
        QVERIFY(document.exists());
        QCOMPARE(document.version(), 1);
        QCOMPARE(document.desired(), object(R"({"on":true,"level":{"r":1,"g":2}})"));
        QCOMPARE(document.reported(), object(R"({"on":false,"level":{"r":1,"g":2}})"));
        QCOMPARE(document.delta(), object(R"({"on":true})"));
        QCOMPARE(
            document.desiredMetadata(),
            objectAt(
                R"({"on":{"timestamp":@T},"level":{"r":{"timestamp":@T},"g":{"timestamp":@T}}})",
                t));
        QCOMPARE(document.reportedMetadata().value(QStringLiteral("on")).toObject(),
                 objectAt(R"({"timestamp":@T})", t));
        QCOMPARE(
            snapshot.json.value(QStringLiteral("state")).toObject().value(QStringLiteral("delta")),
            QJsonValue(object(R"({"on":true})")));
        QCOMPARE(requestLines(), QStringList{requestLine});
        QCOMPARE(m_received.first().service, QStringLiteral("iotdata"));
    }

    void getMissingShadow_data()
    {
        QTest::addColumn<QString>("shadow");
        QTest::addColumn<QString>("message");
        QTest::newRow("classic") << QString() << QStringLiteral("No shadow exists with name: ");
        QTest::newRow("named") << QStringLiteral("cfg")
                               << QStringLiteral("No shadow exists with name: 'cfg'");
    }

    void getMissingShadow()
    {
        QFETCH(QString, shadow);
        QFETCH(QString, message);
        const auto result = get(QStringLiteral("ghost"), shadow);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, IotError::Kind::NotFound);
        QCOMPARE(result.error().aws.httpStatus, 404);
        QCOMPARE(result.error().aws.code, QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(result.error().message, message);
    }

    // ---- update ----------------------------------------------------------------------------

    void updateShadow_data()
    {
        QTest::addColumn<QString>("shadow");
        QTest::newRow("classic") << QString();
        QTest::newRow("named") << QStringLiteral("cfg");
    }

    void updateShadow()
    {
        QFETCH(QString, shadow);
        const qint64 t = freezeClock();
        const ShadowAccepted first =
            VALUE(update(QStringLiteral("lamp-1"), shadow,
                         R"({"state":{"desired":{"on":true}},"clientToken":"tok-1"})"));
        QCOMPARE(first.thingName, QStringLiteral("lamp-1"));
        QCOMPARE(first.shadowName, shadow);
        QCOMPARE(first.version, 1);
        QCOMPARE(first.timestamp, t);
        QCOMPARE(first.clientToken, QStringLiteral("tok-1"));
        QCOMPARE(
            first.json,
            objectAt(
                R"({"state":{"desired":{"on":true}},"metadata":{"desired":{"on":{"timestamp":@T}}},"version":1,"timestamp":@T,"clientToken":"tok-1"})",
                t));
        const ShadowAccepted second = VALUE(
            update(QStringLiteral("lamp-1"), shadow, R"({"state":{"reported":{"on":true}}})"));
        QCOMPARE(second.version, 2);
        QCOMPARE(second.clientToken, QString());
        const ShadowSnapshot now = VALUE(get(QStringLiteral("lamp-1"), shadow));
        QCOMPARE(now.document.version(), 2);
        QVERIFY(now.document.delta().isEmpty());
        QCOMPARE(m_received.first().line,
                 shadow.isEmpty() ? QStringLiteral("POST /things/lamp-1/shadow")
                                  : QStringLiteral("POST /things/lamp-1/shadow?name=cfg"));
        QCOMPARE(m_received.first().service, QStringLiteral("iotdata"));
        // The classic and the named shadow are separate.
        const QString other = shadow.isEmpty() ? QStringLiteral("cfg") : QString();
        QCOMPARE(get(QStringLiteral("lamp-1"), other).error().kind, IotError::Kind::NotFound);
    }

    void updateBasedOnAVersion_data()
    {
        QTest::addColumn<QString>("shadow");
        QTest::newRow("classic") << QString();
        QTest::newRow("named") << QStringLiteral("cfg");
    }

    void updateBasedOnAVersion()
    {
        QFETCH(QString, shadow);
        const QString thing = QStringLiteral("lamp-1");
        QVERIFY(update(thing, shadow, R"({"state":{"desired":{"level":1}}})").ok());
        QVERIFY(update(thing, shadow, R"({"state":{"reported":{"level":1}}})").ok());
        const ShadowSnapshot seen = VALUE(get(thing, shadow));
        QCOMPARE(seen.document.version(), 2);

        const ShadowAccepted accepted =
            VALUE(update(thing, shadow, R"({"state":{"desired":{"level":2}}})", 2));
        QCOMPARE(accepted.version, 3);

        // Someone else's edit was also based on version 2: refused as a conflict, shadow kept.
        const auto stale = update(thing, shadow, R"({"state":{"desired":{"level":9}}})", 2);
        QVERIFY(!stale.ok());
        QCOMPARE(stale.error().kind, IotError::Kind::Conflict);
        QVERIFY(stale.error().isConflict());
        QCOMPARE(stale.error().aws.httpStatus, 409);
        QCOMPARE(stale.error().aws.code, QStringLiteral("ConflictException"));
        QCOMPARE(stale.error().message, QStringLiteral("Version conflict"));
        const ShadowSnapshot current = VALUE(get(thing, shadow));
        QCOMPARE(current.document.version(), 3);
        QCOMPARE(current.document.desired(), object(R"({"level":2})"));

        // Re-fetched, the edit goes through on the current version.
        const ShadowAccepted redone = VALUE(update(
            thing, shadow, R"({"state":{"desired":{"level":9}}})", current.document.version()));
        QCOMPARE(redone.version, 4);
        QCOMPARE(m_received.last().body,
                 QByteArray(R"({"state":{"desired":{"level":9}},"version":3})"));
    }

    void basedOnVersionReplacesTheDocumentsVersion()
    {
        QCOMPARE(
            ShadowClient::updateBody(object(R"({"state":{"desired":{"a":1}},"version":7})"), 3),
            QByteArray(R"({"state":{"desired":{"a":1}},"version":3})"));
        QCOMPARE(ShadowClient::updateBody(object(R"({"state":{"desired":{"a":1}},"version":7})"),
                                          std::nullopt),
                 QByteArray(R"({"state":{"desired":{"a":1}},"version":7})"));
        // A version inside the document is sent as is, and checked by the service.
        QVERIFY(update(QStringLiteral("lamp-1"), {}, R"({"state":{"desired":{"a":1}}})").ok());
        const auto stale =
            update(QStringLiteral("lamp-1"), {}, R"({"state":{"desired":{"a":2}},"version":7})");
        QCOMPARE(stale.error().kind, IotError::Kind::Conflict);
    }

    void invalidUpdateIsRefusedBeforeAnyRequest_data()
    {
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<QString>("message");
        QTest::newRow("no state") << QByteArray(R"({"desired":{"a":1}})")
                                  << QStringLiteral("Missing required node: state");
        QTest::newRow("state not an object")
            << QByteArray(R"({"state":[1]})") << QStringLiteral("State node must be an object");
        QTest::newRow("desired not an object") << QByteArray(R"({"state":{"desired":3}})")
                                               << QStringLiteral("Desired node must be an object");
        QTest::newRow("null in an array") << QByteArray(R"({"state":{"desired":{"a":[1,null]}}})")
                                          << QStringLiteral("State contains an invalid node");
        QTest::newRow("seven levels")
            << QByteArray(R"({"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":{"7":1}}}}}}}}})")
            << QStringLiteral("JSON contains too many levels of nesting; maximum is 6");
        QTest::newRow("clientToken over 64 bytes")
            << QByteArray(R"({"state":{"desired":{"a":1}},"clientToken":"@"})")
                   .replace("@", QByteArray(65, 't'))
            << QStringLiteral("Invalid clientToken");
    }

    void invalidUpdateIsRefusedBeforeAnyRequest()
    {
        QFETCH(QByteArray, document);
        QFETCH(QString, message);
        const auto result = update(QStringLiteral("lamp-1"), {}, document.constData());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, IotError::Kind::InvalidArgument);
        QCOMPARE(result.error().message, message);
        QCOMPARE(requestCount(), 0);
    }

    void negativeBasedOnVersionIsRefused()
    {
        const auto result =
            update(QStringLiteral("lamp-1"), {}, R"({"state":{"desired":{"a":1}}})", -1);
        QCOMPARE(result.error().kind, IotError::Kind::InvalidArgument);
        QCOMPARE(result.error().message, QStringLiteral("Invalid version"));
        QCOMPARE(requestCount(), 0);
    }

    // ---- delete ----------------------------------------------------------------------------

    void deleteShadow_data()
    {
        QTest::addColumn<QString>("shadow");
        QTest::addColumn<QString>("requestLine");
        QTest::newRow("classic") << QString() << QStringLiteral("DELETE /things/lamp-1/shadow");
        QTest::newRow("named") << QStringLiteral("cfg")
                               << QStringLiteral("DELETE /things/lamp-1/shadow?name=cfg");
    }

    void deleteShadow()
    {
        QFETCH(QString, shadow);
        QFETCH(QString, requestLine);
        const QString thing = QStringLiteral("lamp-1");
        QVERIFY(update(thing, shadow, R"({"state":{"desired":{"a":1}}})").ok());
        QVERIFY(update(thing, shadow, R"({"state":{"desired":{"a":2}}})").ok());
        const qint64 t = freezeClock();
        m_received.clear();
        const ShadowAccepted deleted = VALUE(remove(thing, shadow));
        QCOMPARE(deleted.thingName, thing);
        QCOMPARE(deleted.shadowName, shadow);
        QCOMPARE(deleted.version, 2);
        QCOMPARE(deleted.timestamp, t);
        QCOMPARE(deleted.json, objectAt(R"({"version":2,"timestamp":@T})", t));
        QCOMPARE(requestLines(), QStringList{requestLine});
        QCOMPARE(get(thing, shadow).error().kind, IotError::Kind::NotFound);
        const auto again = remove(thing, shadow);
        QCOMPARE(again.error().kind, IotError::Kind::NotFound);
        // The version carries on when the shadow is created again (aws-iot.md §4).
        QCOMPARE(VALUE(update(thing, shadow, R"({"state":{"desired":{"a":3}}})")).version, 3);
    }

    // ---- list named shadows ----------------------------------------------------------------

    void listNamedShadows()
    {
        const QString thing = QStringLiteral("lamp-1");
        for (const char *name : {"zeta", "$cfg", "alpha"})
            QVERIFY(update(thing, QLatin1String(name), R"({"state":{"reported":{"a":1}}})").ok());
        QVERIFY(update(thing, {}, R"({"state":{"reported":{"a":1}}})").ok());
        QVERIFY(update(QStringLiteral("lamp-2"), QStringLiteral("other"),
                       R"({"state":{"reported":{"a":1}}})")
                    .ok());
        m_received.clear();
        QCOMPARE(
            VALUE(listNamed(thing)),
            (QStringList{QStringLiteral("$cfg"), QStringLiteral("alpha"), QStringLiteral("zeta")}));
        QCOMPARE(requestLines(),
                 QStringList{QStringLiteral(
                     "GET /api/things/shadow/ListNamedShadowsForThing/lamp-1?pageSize=100")});
        QCOMPARE(m_received.first().service, QStringLiteral("iotdata"));
        QCOMPARE(VALUE(listNamed(QStringLiteral("ghost"))), QStringList());
    }

    void listNamedShadowsThroughPages()
    {
        QStringList expected;
        for (int i = 0; i < 230; ++i) {
            const QString name = QStringLiteral("s%1").arg(i, 3, 10, QLatin1Char('0'));
            QVERIFY(m_shadows
                        ->updateShadow(QStringLiteral("lamp-1"), name,
                                       R"({"state":{"reported":{"a":1}}})")
                        .ok());
            expected.append(name);
        }
        m_received.clear();
        QCOMPARE(VALUE(listNamed(QStringLiteral("lamp-1"))), expected);
        QCOMPARE(requestCount(), 3);
        QVERIFY(requestLines().at(1).contains(QStringLiteral("pageSize=100&nextToken=")));
    }

    // ---- publish ---------------------------------------------------------------------------

    void publish_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("qos");
        QTest::addColumn<bool>("retain");
        QTest::addColumn<QString>("requestLine");
        QTest::newRow("levels") << QStringLiteral("dt/lamp-1/telemetry")
                                << QByteArray(R"({"t":21.5})") << 1 << false
                                << QStringLiteral(
                                       "POST /topics/dt%2Flamp-1%2Ftelemetry?qos=1&retain=false");
        QTest::newRow("retained QoS 0") << QStringLiteral("status") << QByteArray("on") << 0 << true
                                        << QStringLiteral("POST /topics/status?qos=0&retain=true");
        QTest::newRow("reserved shadow topic")
            << QStringLiteral("$aws/things/lamp-1/shadow/get") << QByteArray() << 0 << false
            << QStringLiteral("POST /topics/%24aws%2Fthings%2Flamp-1%2Fshadow%2Fget?qos=0&"
                              "retain=false");
        QTest::newRow("binary payload, spaces and unicode")
            << QStringLiteral("a b/é") << QByteArray("\x00\xff\x01", 3) << 1 << false
            << QStringLiteral("POST /topics/a%20b%2F%C3%A9?qos=1&retain=false");
    }

    void publish()
    {
        QFETCH(QString, topic);
        QFETCH(QByteArray, payload);
        QFETCH(int, qos);
        QFETCH(bool, retain);
        QFETCH(QString, requestLine);
        QSignalSpy published(m_shadows.get(), &ShadowService::publishRequested);
        QVERIFY(VALUE(publish(topic, payload, qos, retain)) == std::monostate());
        QCOMPARE(published.size(), 1);
        QCOMPARE(published.first().at(0).toString(), topic);
        QCOMPARE(published.first().at(1).toByteArray(), payload);
        QCOMPARE(published.first().at(2).toInt(), qos);
        QCOMPARE(published.first().at(3).toBool(), retain);
        QCOMPARE(requestLines(), QStringList{requestLine});
        QCOMPARE(m_received.first().service, QStringLiteral("iotdata"));
    }

    void wildcardTopicCannotBePublished_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::newRow("plus") << QStringLiteral("dt/+/telemetry");
        QTest::newRow("hash") << QStringLiteral("dt/#");
        QTest::newRow("only hash") << QStringLiteral("#");
    }

    void wildcardTopicCannotBePublished()
    {
        QFETCH(QString, topic);
        QSignalSpy published(m_shadows.get(), &ShadowService::publishRequested);
        // publish() takes a TopicName, and a TopicName cannot hold a wildcard: the refusal
        // happens where the text becomes a topic, and nothing reaches the network.
        const auto name = TopicName::create(topic);
        QVERIFY(!name.ok());
        QVERIFY(name.error().contains(QStringLiteral("wildcard")));
        QVERIFY(TopicFilter::create(topic).ok()); // fine to subscribe to
        QTest::qWait(50);
        QCOMPARE(requestCount(), 0);
        QCOMPARE(published.size(), 0);
    }

    void invalidPublishIsRefusedBeforeAnyRequest_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("qos");
        QTest::addColumn<QString>("message");
        QTest::newRow("QoS 2") << QByteArray("x") << 2
                               << QStringLiteral("QoS 2 is not supported; AWS IoT accepts 0 or 1.");
        QTest::newRow("QoS -1") << QByteArray("x") << -1 << QStringLiteral("QoS -1");
        QTest::newRow("over 128 KB")
            << QByteArray(128 * 1024 + 1, 'x') << 0
            << QStringLiteral("The payload is 131073 bytes; AWS IoT accepts at most 131072.");
    }

    void invalidPublishIsRefusedBeforeAnyRequest()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, qos);
        QFETCH(QString, message);
        const auto result = publish(QStringLiteral("dt/x"), payload, qos, false);
        QCOMPARE(result.error().kind, IotError::Kind::InvalidArgument);
        QVERIFY2(result.error().message.contains(message), qPrintable(result.error().message));
        QCOMPARE(requestCount(), 0);
    }

    void largestPayloadIsPublished()
    {
        QSignalSpy published(m_shadows.get(), &ShadowService::publishRequested);
        QVERIFY(publish(QStringLiteral("dt/x"), QByteArray(128 * 1024, 'x'), 0, false).ok());
        QCOMPARE(published.size(), 1);
    }

    // ---- data endpoint ---------------------------------------------------------------------

    void dataPlaneFoundThroughDescribeEndpoint()
    {
        discoverDataPlane();
        QVERIFY(update(QStringLiteral("lamp-1"), {}, R"({"state":{"desired":{"a":1}}})").ok());
        QCOMPARE(VALUE(get(QStringLiteral("lamp-1"))).document.version(), 1);
        QVERIFY(publish(QStringLiteral("dt/x"), "1", 0, false).ok());
        QCOMPARE(VALUE(listNamed(QStringLiteral("lamp-1"))), QStringList());
        QCOMPARE(requestLines(),
                 (QStringList{QStringLiteral("GET /endpoint?endpointType=iot%3AData-ATS"),
                              QStringLiteral("POST /things/lamp-1/shadow"),
                              QStringLiteral("GET /things/lamp-1/shadow"),
                              QStringLiteral("POST /topics/dt%2Fx?qos=0&retain=false"),
                              QStringLiteral("GET /api/things/shadow/"
                                             "ListNamedShadowsForThing/lamp-1?pageSize=100")}));
    }

    void concurrentCallsShareOneDescribeEndpoint()
    {
        discoverDataPlane();
        int answers = 0;
        for (int i = 0; i < 3; ++i)
            m_shadowClient->getShadow(thingName(QStringLiteral("lamp-1")), ShadowName::classic(),
                                      this, [&answers](const auto &) { ++answers; });
        QTRY_COMPARE(answers, 3);
        QCOMPARE(requestLines().count(QStringLiteral("GET /endpoint?endpointType=iot%3AData-ATS")),
                 1);
        QCOMPARE(requestCount(), 4);
    }

    void failedDescribeEndpointFailsTheCall()
    {
        discoverDataPlane();
        m_api->setThrottle(ThrottlePolicy{1, 0});
        const auto result = get(QStringLiteral("lamp-1"));
        QCOMPARE(result.error().kind, IotError::Kind::Failed);
        QCOMPARE(result.error().aws.code, QStringLiteral("ThrottlingException"));
        QCOMPARE(result.error().aws.operation, QStringLiteral("GET /endpoint"));
        QCOMPARE(requestCount(), 1);
    }

    void nothingIsReportedToADestroyedContext()
    {
        auto context = std::make_unique<QObject>();
        bool reported = false;
        m_shadowClient->getShadow(thingName(QStringLiteral("lamp-1")), ShadowName::classic(),
                                  context.get(), [&reported](const auto &) { reported = true; });
        m_shadowClient->updateShadow(thingName(QStringLiteral("lamp-1")), ShadowName::classic(),
                                     QJsonObject(), std::nullopt, context.get(),
                                     [&reported](const auto &) { reported = true; });
        context.reset();
        QTest::qWait(100);
        QVERIFY(!reported);
        QCOMPARE(requestCount(), 0);
    }

    // ---- error kinds -----------------------------------------------------------------------

    void errorKinds_data()
    {
        QTest::addColumn<int>("awsKind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("kind");
        const auto service = int(AwsError::Kind::Service);
        QTest::newRow("shadow version conflict")
            << service << 409 << QStringLiteral("ConflictException")
            << int(IotError::Kind::Conflict);
        QTest::newRow("thing version conflict")
            << service << 409 << QStringLiteral("VersionConflictException")
            << int(IotError::Kind::Conflict);
        QTest::newRow("409 without a code")
            << service << 409 << QString() << int(IotError::Kind::Conflict);
        QTest::newRow("already exists is no version conflict")
            << service << 409 << QStringLiteral("ResourceAlreadyExistsException")
            << int(IotError::Kind::Failed);
        QTest::newRow("not found") << service << 404 << QStringLiteral("ResourceNotFoundException")
                                   << int(IotError::Kind::NotFound);
        QTest::newRow("404 without a code")
            << service << 404 << QString() << int(IotError::Kind::NotFound);
        QTest::newRow("unknown operation")
            << service << 404 << QStringLiteral("UnknownOperationException")
            << int(IotError::Kind::Failed);
        QTest::newRow("throttled") << service << 429 << QStringLiteral("ThrottlingException")
                                   << int(IotError::Kind::Failed);
        QTest::newRow("cancelled")
            << int(AwsError::Kind::Cancelled) << 0 << QString() << int(IotError::Kind::Cancelled);
        QTest::newRow("network") << int(AwsError::Kind::Network) << 0 << QString()
                                 << int(IotError::Kind::Failed);
    }

    void errorKinds()
    {
        QFETCH(int, awsKind);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(int, kind);
        AwsError aws;
        aws.kind = AwsError::Kind(awsKind);
        aws.httpStatus = status;
        aws.code = code;
        aws.message = QStringLiteral("why");
        aws.operation = QStringLiteral("POST /things/x/shadow");
        const IotError error = IotError::fromAws(aws);
        QCOMPARE(int(error.kind), kind);
        QCOMPARE(error.isConflict(), kind == int(IotError::Kind::Conflict));
        QCOMPARE(error.message, QStringLiteral("why"));
        QCOMPARE(error.toString(), aws.toString());
    }
};

QTEST_GUILESS_MAIN(TestShadowClient)
#include "tst_shadowclient.moc"
