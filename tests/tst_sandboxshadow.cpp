// The sandbox's Device Shadow data plane and Publish over real HTTPS on loopback, driven by
// the core AwsClient: every shadow rule through REST (merge, nulls, arrays, delta, versions,
// limits, clientToken, named shadows and their list), the error documents on the wire, the
// messages the shadow service publishes for MQTT subscribers, and Publish to the broker.
#include "SandboxRestFixture.h"

#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace thingdeck;
using namespace thingdeck::test;

class TestSandboxShadow : public SandboxRestFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpPki(); }
    void init() { setUp(); }
    void cleanup() { tearDown(); }

    // ---- shadows ----------------------------------------------------------------------------

    void shadowRules_data()
    {
        QTest::addColumn<QByteArrayList>("setup");
        QTest::addColumn<QByteArray>("update");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("expected"); ///< GET's "state" after, or the error message
        QTest::addColumn<int>("version");

        QTest::newRow("nested objects merge")
            << QByteArrayList{R"({"state":{"desired":{"light":{"color":"red","level":1}}}})"}
            << QByteArray(R"({"state":{"desired":{"light":{"level":2}}}})") << 200
            << QByteArray(
                   R"({"desired":{"light":{"color":"red","level":2}},"delta":{"light":{"color":"red","level":2}}})")
            << 2;
        QTest::newRow("null deletes a key")
            << QByteArrayList{R"({"state":{"desired":{"a":1,"b":2}}})"}
            << QByteArray(R"({"state":{"desired":{"a":null}}})") << 200
            << QByteArray(R"({"desired":{"b":2},"delta":{"b":2}})") << 2;
        QTest::newRow("null section removes it")
            << QByteArrayList{R"({"state":{"desired":{"a":1},"reported":{"a":1}}})"}
            << QByteArray(R"({"state":{"desired":null}})") << 200
            << QByteArray(R"({"reported":{"a":1}})") << 2;
        QTest::newRow("arrays replace whole")
            << QByteArrayList{R"({"state":{"reported":{"list":[1,2,3]}}})"}
            << QByteArray(R"({"state":{"reported":{"list":[4]}}})") << 200
            << QByteArray(R"({"reported":{"list":[4]}})") << 2;
        QTest::newRow("delta keeps only differing leaves")
            << QByteArrayList{R"({"state":{"desired":{"a":1,"b":{"c":1,"d":2}}}})"}
            << QByteArray(R"({"state":{"reported":{"a":1,"b":{"c":1,"d":3},"x":0}}})") << 200
            << QByteArray(
                   R"({"desired":{"a":1,"b":{"c":1,"d":2}},"reported":{"a":1,"b":{"c":1,"d":3},"x":0},"delta":{"b":{"d":2}}})")
            << 2;
        QTest::newRow("state null clears but keeps the shadow")
            << QByteArrayList{R"({"state":{"desired":{"a":1}}})"} << QByteArray(R"({"state":null})")
            << 200 << QByteArray("{}") << 2;
        QTest::newRow("matching version")
            << QByteArrayList{R"({"state":{"reported":{"a":1}}})"}
            << QByteArray(R"({"state":{"reported":{"a":2}},"version":1})") << 200
            << QByteArray(R"({"reported":{"a":2}})") << 2;
        QTest::newRow("version conflict")
            << QByteArrayList{R"({"state":{"reported":{"a":1}}})"}
            << QByteArray(R"({"state":{"reported":{"a":2}},"version":7})") << 409
            << QByteArray("Version conflict") << 1;
        QTest::newRow("merged document over 8 KB")
            << QByteArrayList{"{\"state\":{\"reported\":{\"a\":\"" + QByteArray(5000, 'x') +
                              "\"}}}"}
            << QByteArray("{\"state\":{\"reported\":{\"b\":\"" + QByteArray(4000, 'y') + "\"}}}")
            << 413 << QByteArray("The payload exceeds the maximum size allowed") << 1;
        QTest::newRow("seven levels deep")
            << QByteArrayList()
            << QByteArray(R"({"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":{"7":1}}}}}}}}})")
            << 400 << QByteArray("JSON contains too many levels of nesting; maximum is 6") << 0;
        QTest::newRow("invalid JSON") << QByteArrayList() << QByteArray("{\"state\":") << 400
                                      << QByteArray("Invalid JSON") << 0;
        QTest::newRow("missing state") << QByteArrayList() << QByteArray(R"({"desired":{"a":1}})")
                                       << 400 << QByteArray("Missing required node: state") << 0;
        QTest::newRow("null inside an array")
            << QByteArrayList() << QByteArray(R"({"state":{"desired":{"a":[1,null]}}})") << 400
            << QByteArray("State contains an invalid node") << 0;
        QTest::newRow("clientToken over 64 bytes")
            << QByteArrayList()
            << QByteArray("{\"state\":{\"desired\":{\"a\":1}},\"clientToken\":\"" +
                          QByteArray(65, 't') + "\"}")
            << 400 << QByteArray("Invalid clientToken") << 0;
    }

    void shadowRules()
    {
        QFETCH(QByteArrayList, setup);
        QFETCH(QByteArray, update);
        QFETCH(int, status);
        QFETCH(QByteArray, expected);
        QFETCH(int, version);
        const QString thing = QStringLiteral("lamp-1");
        for (const QByteArray &step : setup)
            QVERIFY(updateShadow(thing, step).ok());
        const auto result = updateShadow(thing, update);
        if (status == 200) {
            QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
            const QJsonObject shadow = getShadow(thing);
            QCOMPARE(shadow.value(QStringLiteral("state")).toObject(), object(expected));
            QCOMPARE(shadow.value(QStringLiteral("version")).toInteger(), version);
            return;
        }
        QVERIFY(!result.ok());
        QCOMPARE(result.error().httpStatus, status);
        QCOMPARE(result.error().message, QString::fromUtf8(expected));
        const QString code = status == 409   ? QStringLiteral("ConflictException")
                             : status == 413 ? QStringLiteral("RequestEntityTooLargeException")
                                             : QStringLiteral("InvalidRequestException");
        QCOMPARE(result.error().code, code);
        QCOMPARE(m_store->shadow(thing, QString()).version(), version);
    }

    void updateAnswersWithTheAcceptedDocument()
    {
        const qint64 t = freezeClock();
        QVERIFY(
            updateShadow(QStringLiteral("lamp-1"), R"({"state":{"reported":{"on":false}}})").ok());
        const auto result = updateShadow(
            QStringLiteral("lamp-1"),
            R"({"state":{"desired":{"on":true,"color":{"r":1}},"reported":null},"clientToken":"tok-1","extra":1})");
        QVERIFY(result.ok());
        const QJsonObject accepted = result.value().json.object();
        QCOMPARE(accepted,
                 objectAt(R"({"state":{"desired":{"on":true,"color":{"r":1}},"reported":null},
            "metadata":{"desired":{"on":{"timestamp":@T},"color":{"r":{"timestamp":@T}}},
                        "reported":{"timestamp":@T}},
            "version":2,"timestamp":@T,"clientToken":"tok-1"})",
                          t));
        const QJsonObject shadow = getShadow(QStringLiteral("lamp-1"));
        QCOMPARE(sortedKeys(shadow),
                 (QStringList{QStringLiteral("metadata"), QStringLiteral("state"),
                              QStringLiteral("timestamp"), QStringLiteral("version")}));
        QCOMPARE(
            shadow.value(QStringLiteral("metadata")).toObject(),
            objectAt(R"({"desired":{"on":{"timestamp":@T},"color":{"r":{"timestamp":@T}}}})", t));
    }

    void errorDocumentsOverTheWire()
    {
        const qint64 t = freezeClock();
        QVERIFY(updateShadow(QStringLiteral("lamp-1"), R"({"state":{"reported":{"a":1}}})").ok());
        Signing signing;
        signing.service = QStringLiteral("iotdata");
        const RawReply conflict = sendRaw(
            data("POST",
                 {QStringLiteral("things"), QStringLiteral("lamp-1"), QStringLiteral("shadow")}, {},
                 R"({"state":{"reported":{"a":2}},"version":9,"clientToken":"c-9"})"),
            signing);
        QCOMPARE(conflict.status, 409);
        QCOMPARE(conflict.header("x-amzn-ErrorType"), QByteArray("ConflictException"));
        QCOMPARE(conflict.header("content-type"), QByteArray("application/json"));
        QVERIFY(isUuid(QString::fromLatin1(conflict.header("x-amzn-RequestId"))));
        QCOMPARE(
            conflict.json(),
            objectAt(
                R"({"code":409,"message":"Version conflict","timestamp":@T,"clientToken":"c-9"})",
                t));
        const RawReply missing =
            sendRaw(data("GET", {QStringLiteral("things"), QStringLiteral("ghost"),
                                 QStringLiteral("shadow")}),
                    signing);
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.header("x-amzn-ErrorType"), QByteArray("ResourceNotFoundException"));
        QCOMPARE(
            missing.json(),
            objectAt(R"({"code":404,"message":"No shadow exists with name: ","timestamp":@T})", t));
        const RawReply control =
            sendRaw(this->control("GET", {QStringLiteral("things"), QStringLiteral("ghost")}));
        QCOMPARE(control.status, 404);
        QCOMPARE(
            control.header("x-amzn-ErrorType"),
            QByteArray(
                "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.iot/"));
        QCOMPARE(control.json(), object(R"({"message":"Thing ghost cannot be found."})"));
        QCOMPARE(control.header("date"),
                 QLocale::c()
                     .toString(*m_fixedNow, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                     .toLatin1());
    }

    void unregisteredThingMayHaveAShadow()
    {
        QVERIFY(updateShadow(QStringLiteral("not-registered"), R"({"state":{"reported":{"a":1}}})")
                    .ok());
        QCOMPARE(getShadow(QStringLiteral("not-registered"))
                     .value(QStringLiteral("version"))
                     .toInteger(),
                 1);
        QCOMPARE(
            refused(control("GET", {QStringLiteral("things"), QStringLiteral("not-registered")}))
                .httpStatus,
            404);
    }

    void deleteKeepsTheVersion()
    {
        const qint64 t = freezeClock();
        const QStringList path{QStringLiteral("things"), QStringLiteral("lamp-1"),
                               QStringLiteral("shadow")};
        QVERIFY(updateShadow(QStringLiteral("lamp-1"), R"({"state":{"reported":{"a":1}}})").ok());
        QVERIFY(updateShadow(QStringLiteral("lamp-1"), R"({"state":{"reported":{"a":2}}})").ok());
        QCOMPARE(succeed(data("DELETE", path)), objectAt(R"({"version":2,"timestamp":@T})", t));
        const AwsError gone = refused(data("GET", path));
        QCOMPARE(gone.httpStatus, 404);
        QCOMPARE(gone.message, QStringLiteral("No shadow exists with name: "));
        QCOMPARE(refused(data("DELETE", path)).httpStatus, 404);
        const auto again =
            updateShadow(QStringLiteral("lamp-1"), R"({"state":{"reported":{"b":1}}})");
        QVERIFY(again.ok());
        QCOMPARE(again.value().json.object().value(QStringLiteral("version")).toInteger(), 3);
        QCOMPARE(getShadow(QStringLiteral("lamp-1")).value(QStringLiteral("state")).toObject(),
                 object(R"({"reported":{"b":1}})"));
    }

    void namedShadowsAndTheirList()
    {
        const QString thing = QStringLiteral("lamp-1");
        QVERIFY(updateShadow(thing, R"({"state":{"reported":{"classic":true}}})").ok());
        for (const char *name : {"s3", "s1", "$cfg", "s2", "s:4"})
            QVERIFY(updateShadow(thing,
                                 "{\"state\":{\"reported\":{\"n\":\"" + QByteArray(name) + "\"}}}",
                                 QLatin1String(name))
                        .ok());
        QCOMPARE(getShadow(thing, QStringLiteral("s1")).value(QStringLiteral("state")).toObject(),
                 object(R"({"reported":{"n":"s1"}})"));
        QCOMPARE(getShadow(thing).value(QStringLiteral("state")).toObject(),
                 object(R"({"reported":{"classic":true}})"));
        QCOMPARE(succeed(data("DELETE", {QStringLiteral("things"), thing, QStringLiteral("shadow")},
                              {{QStringLiteral("name"), QStringLiteral("s2")}}))
                     .value(QStringLiteral("version"))
                     .toInteger(),
                 1);
        const AwsError gone =
            refused(data("GET", {QStringLiteral("things"), thing, QStringLiteral("shadow")},
                         {{QStringLiteral("name"), QStringLiteral("s2")}}));
        QCOMPARE(gone.message, QStringLiteral("No shadow exists with name: 's2'"));

        const QStringList listPath{QStringLiteral("api"), QStringLiteral("things"),
                                   QStringLiteral("shadow"),
                                   QStringLiteral("ListNamedShadowsForThing"), thing};
        QStringList all;
        QString token;
        int pages = 0;
        do {
            Query query{{QStringLiteral("pageSize"), QStringLiteral("2")}};
            if (!token.isEmpty())
                query.append({QStringLiteral("nextToken"), token});
            const QJsonObject page = succeed(data("GET", listPath, query));
            QVERIFY(page.value(QStringLiteral("timestamp")).isDouble());
            for (const QJsonValue &name : page.value(QStringLiteral("results")).toArray())
                all.append(name.toString());
            token = page.value(QStringLiteral("nextToken")).toString();
            ++pages;
        } while (!token.isEmpty());
        QCOMPARE(all, (QStringList{QStringLiteral("$cfg"), QStringLiteral("s1"),
                                   QStringLiteral("s3"), QStringLiteral("s:4")}));
        QCOMPARE(pages, 2);
        QCOMPARE(
            succeed(data("GET",
                         {QStringLiteral("api"), QStringLiteral("things"), QStringLiteral("shadow"),
                          QStringLiteral("ListNamedShadowsForThing"), QStringLiteral("ghost")}))
                .value(QStringLiteral("results"))
                .toArray(),
            QJsonArray());
        const AwsError badName =
            refused(data("GET", {QStringLiteral("things"), thing, QStringLiteral("shadow")},
                         {{QStringLiteral("name"), QStringLiteral("bad name")}}));
        QCOMPARE(badName.httpStatus, 400);
    }

    void publishedMessagesFollowUpdates()
    {
        const qint64 t = freezeClock();
        QSignalSpy spy(m_shadows.get(), &ShadowService::published);
        const auto direct =
            m_shadows->updateShadow(QStringLiteral("lamp-1"), QString(),
                                    R"({"state":{"desired":{"on":true}},"clientToken":"t1"})");
        QVERIFY(direct.ok());
        QCOMPARE(spy.count(), 0); // after the caller's own /accepted, from the event loop
        QTRY_COMPARE(spy.count(), 2);
        QCOMPARE(spy.at(0).at(0).toString(),
                 QStringLiteral("$aws/things/lamp-1/shadow/update/delta"));
        QCOMPARE(
            object(spy.at(0).at(1).toByteArray()),
            objectAt(
                R"({"state":{"on":true},"metadata":{"on":{"timestamp":@T}},"version":1,"timestamp":@T,"clientToken":"t1"})",
                t));
        QCOMPARE(spy.at(1).at(0).toString(),
                 QStringLiteral("$aws/things/lamp-1/shadow/update/documents"));
        QCOMPARE(
            object(spy.at(1).at(1).toByteArray()),
            objectAt(
                R"({"current":{"state":{"desired":{"on":true}},"metadata":{"desired":{"on":{"timestamp":@T}}},"version":1},"timestamp":@T,"clientToken":"t1"})",
                t));

        spy.clear();
        QVERIFY(updateShadow(QStringLiteral("lamp-1"), R"({"state":{"reported":{"on":true}}})",
                             QStringLiteral("cfg"))
                    .ok());
        QVERIFY(
            updateShadow(QStringLiteral("lamp-1"), R"({"state":{"reported":{"on":true}}})").ok());
        QTRY_COMPARE(spy.count(), 2); // desired and reported agree: no delta
        QCOMPARE(spy.at(0).at(0).toString(),
                 QStringLiteral("$aws/things/lamp-1/shadow/name/cfg/update/documents"));
        QCOMPARE(spy.at(1).at(0).toString(),
                 QStringLiteral("$aws/things/lamp-1/shadow/update/documents"));
        const QJsonObject documents = object(spy.at(1).at(1).toByteArray());
        QCOMPARE(documents.value(QStringLiteral("previous"))
                     .toObject()
                     .value(QStringLiteral("version"))
                     .toInteger(),
                 1);
        QCOMPARE(documents.value(QStringLiteral("current"))
                     .toObject()
                     .value(QStringLiteral("state"))
                     .toObject(),
                 object(R"({"desired":{"on":true},"reported":{"on":true}})"));

        spy.clear();
        QVERIFY(call(data("DELETE", {QStringLiteral("things"), QStringLiteral("lamp-1"),
                                     QStringLiteral("shadow")}))
                    .ok());
        QVERIFY(!updateShadow(QStringLiteral("lamp-1"),
                              R"({"state":{"reported":{"on":true}},"version":99})")
                     .ok());
        QTest::qWait(50);
        QCOMPARE(spy.count(), 0); // deletes and rejected updates publish nothing
    }

    void publishForwardsToTheBroker_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::addColumn<Query>("query");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("qos");
        QTest::addColumn<bool>("retain");
        const auto q = [](const char *k, const char *v) {
            return std::pair(QString::fromLatin1(k), QString::fromLatin1(v));
        };
        QTest::newRow("slash in topic, qos 1, retained")
            << QStringLiteral("sensors/room 1") << Query{q("qos", "1"), q("retain", "true")} << 200
            << 1 << true;
        QTest::newRow("defaults") << QStringLiteral("a") << Query() << 200 << 0 << false;
        QTest::newRow("shadow topic") << QStringLiteral("$aws/things/t/shadow/update")
                                      << Query{q("qos", "1")} << 200 << 1 << false;
        QTest::newRow("rules prefix not counted")
            << QStringLiteral("$aws/rules/r/1/2/3/4/5/6/7/8") << Query() << 200 << 0 << false;
        QTest::newRow("wildcard") << QStringLiteral("a/+") << Query() << 400 << 0 << false;
        QTest::newRow("qos 2") << QStringLiteral("a") << Query{q("qos", "2")} << 400 << 0 << false;
        QTest::newRow("eight slashes")
            << QStringLiteral("1/2/3/4/5/6/7/8/9") << Query() << 400 << 0 << false;
        QTest::newRow("bad retain")
            << QStringLiteral("a") << Query{q("retain", "maybe")} << 400 << 0 << false;
    }

    void publishForwardsToTheBroker()
    {
        QFETCH(QString, topic);
        QFETCH(Query, query);
        QFETCH(int, status);
        QFETCH(int, qos);
        QFETCH(bool, retain);
        QSignalSpy spy(m_shadows.get(), &ShadowService::publishRequested);
        const QByteArray payload("{\"t\":21}\n\0binary", 16);
        AwsRequest publish = data("POST", {QStringLiteral("topics"), topic}, query, payload);
        publish.contentType.clear();
        const auto result = call(publish);
        if (status != 200) {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().httpStatus, status);
            QCOMPARE(result.error().code, QStringLiteral("InvalidRequestException"));
            QCOMPARE(spy.count(), 0);
            return;
        }
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
        QCOMPARE(result.value().json.object().value(QStringLiteral("message")).toString(),
                 QStringLiteral("OK"));
        QVERIFY(isUuid(result.value().json.object().value(QStringLiteral("traceId")).toString()));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), topic);
        QCOMPARE(spy.at(0).at(1).toByteArray(), payload);
        QCOMPARE(spy.at(0).at(2).toInt(), qos);
        QCOMPARE(spy.at(0).at(3).toBool(), retain);
    }
};

QTEST_GUILESS_MAIN(TestSandboxShadow)
#include "tst_sandboxshadow.moc"
