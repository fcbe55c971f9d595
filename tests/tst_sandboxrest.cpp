// The sandbox's REST control plane and request authentication over real HTTPS on loopback,
// driven by the core AwsClient, by hand-signed QNetworkAccessManager requests for byte-level
// checks, and by the AWS CLIs when installed: every registry operation against AWS's shapes
// and rules, SigV4 refusals with AWS's texts, throttling and persistence.
#include "SandboxRestFixture.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimeZone>
#include <QTimer>

using namespace thingdeck;
using namespace thingdeck::test;

class TestSandboxRest : public SandboxRestFixture
{
    Q_OBJECT

private:
    QJsonObject runCli(const QString &program, QStringList arguments)
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("PATH"),
                   QProcessEnvironment::systemEnvironment().value(QStringLiteral("PATH")));
        env.insert(QStringLiteral("HOME"), m_stateDir->path());
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), sandboxKeys().accessKeyId);
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), sandboxKeys().secretAccessKey);
        env.insert(QStringLiteral("AWS_DEFAULT_REGION"), region());
        env.insert(QStringLiteral("AWS_CA_BUNDLE"), m_pki->caFile());
        env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));
        env.insert(QStringLiteral("AWS_PAGER"), QString());
        arguments << QStringLiteral("--endpoint-url")
                  << QStringLiteral("https://localhost:%1").arg(m_server->port())
                  << QStringLiteral("--output") << QStringLiteral("json");
        QProcess process;
        process.setProcessEnvironment(env);
        // The sandbox runs in this thread, so wait in an event loop, not with waitForFinished().
        QEventLoop loop;
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        connect(&process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
        process.start(program, arguments);
        loop.exec();
        if (process.state() != QProcess::NotRunning)
            qFatal("the AWS CLI did not finish");
        const QByteArray out = process.readAllStandardOutput();
        if (process.exitCode() != 0)
            QTest::qFail(qPrintable(QString::fromUtf8(process.readAllStandardError())), __FILE__,
                         __LINE__);
        return object(out);
    }

private Q_SLOTS:
    void initTestCase() { setUpPki(); }
    void init() { setUp(); }
    void cleanup() { tearDown(); }

    // ---- registry ---------------------------------------------------------------------------

    void createAndDescribeThing()
    {
        succeed(control("POST", {QStringLiteral("thing-types"), QStringLiteral("Lamp")}, {},
                        R"({"thingTypeProperties":{"thingTypeDescription":"A lamp"}})"));
        const QJsonObject created = succeed(control(
            "POST", {QStringLiteral("things"), QStringLiteral("lamp:1")}, {},
            R"({"thingTypeName":"Lamp","attributePayload":{"attributes":{"room":"kitchen"}}})"));
        QCOMPARE(sortedKeys(created),
                 (QStringList{QStringLiteral("thingArn"), QStringLiteral("thingId"),
                              QStringLiteral("thingName")}));
        QCOMPARE(created.value(QStringLiteral("thingName")).toString(), QStringLiteral("lamp:1"));
        QCOMPARE(created.value(QStringLiteral("thingArn")).toString(),
                 thingArn(QStringLiteral("lamp:1")));
        QVERIFY(isUuid(created.value(QStringLiteral("thingId")).toString()));

        const QJsonObject thing =
            succeed(control("GET", {QStringLiteral("things"), QStringLiteral("lamp:1")}));
        QCOMPARE(sortedKeys(thing),
                 (QStringList{QStringLiteral("attributes"), QStringLiteral("defaultClientId"),
                              QStringLiteral("thingArn"), QStringLiteral("thingId"),
                              QStringLiteral("thingName"), QStringLiteral("thingTypeName"),
                              QStringLiteral("version")}));
        QCOMPARE(thing.value(QStringLiteral("defaultClientId")).toString(),
                 QStringLiteral("lamp:1"));
        QCOMPARE(thing.value(QStringLiteral("thingName")).toString(), QStringLiteral("lamp:1"));
        QCOMPARE(thing.value(QStringLiteral("thingId")), created.value(QStringLiteral("thingId")));
        QCOMPARE(thing.value(QStringLiteral("thingArn")).toString(),
                 thingArn(QStringLiteral("lamp:1")));
        QCOMPARE(thing.value(QStringLiteral("thingTypeName")).toString(), QStringLiteral("Lamp"));
        QCOMPARE(thing.value(QStringLiteral("attributes")).toObject(),
                 (QJsonObject{{QStringLiteral("room"), QStringLiteral("kitchen")}}));
        QCOMPARE(thing.value(QStringLiteral("version")).toInteger(), 1);
    }

    void createThingIsIdempotent()
    {
        const QByteArray body = R"({"attributePayload":{"attributes":{"room":"hall"}}})";
        const AwsRequest create =
            control("POST", {QStringLiteral("things"), QStringLiteral("lamp-1")}, {}, body);
        const QJsonObject first = succeed(create);
        const QJsonObject again = succeed(create);
        QCOMPARE(again, first);
        const AwsError conflict =
            refused(control("POST", {QStringLiteral("things"), QStringLiteral("lamp-1")}, {},
                            R"({"attributePayload":{"attributes":{"room":"attic"}}})"));
        QCOMPARE(conflict.httpStatus, 409);
        QCOMPARE(conflict.code, QStringLiteral("ResourceAlreadyExistsException"));
        QCOMPARE(
            conflict.message,
            QStringLiteral("Thing lamp-1 already exists in account with different attributes"));
    }

    void createThingRefusals_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");

        const QString pattern = QStringLiteral("1 validation error detected: Value '%1' at "
                                               "'thingName' failed to satisfy constraint: %2");
        QTest::newRow("space in name")
            << QStringLiteral("bad name") << QByteArray() << 400
            << QStringLiteral("InvalidRequestException")
            << pattern.arg(QStringLiteral("bad name"),
                           QStringLiteral(
                               "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+"));
        QTest::newRow("name too long")
            << QString(129, QLatin1Char('a')) << QByteArray() << 400
            << QStringLiteral("InvalidRequestException")
            << pattern.arg(QString(129, QLatin1Char('a')),
                           QStringLiteral("Member must have length less than or equal to 128"));
        QTest::newRow("unknown thing type")
            << QStringLiteral("lamp") << QByteArray(R"({"thingTypeName":"Nope"})") << 404
            << QStringLiteral("ResourceNotFoundException")
            << QStringLiteral("Thing Type Nope cannot be found.");
        QTest::newRow("four attributes without a type")
            << QStringLiteral("lamp")
            << QByteArray(
                   R"({"attributePayload":{"attributes":{"a":"1","b":"2","c":"3","d":"4"}}})")
            << 400 << QStringLiteral("InvalidRequestException")
            << QStringLiteral("A thing without a thing type can have at most 3 attributes, not 4");
        QTest::newRow("attribute value with a space")
            << QStringLiteral("lamp")
            << QByteArray(R"({"attributePayload":{"attributes":{"a":"x y"}}})") << 400
            << QStringLiteral("InvalidRequestException")
            << QStringLiteral(
                   "1 validation error detected: Value 'x y' at 'attributePayload.attributes' "
                   "failed to satisfy constraint: Member must satisfy regular expression "
                   "pattern: [a-zA-Z0-9_.,@/:#=\\[\\]-]*");
        QTest::newRow("body not JSON")
            << QStringLiteral("lamp") << QByteArray("{nope") << 400
            << QStringLiteral("InvalidRequestException")
            << QStringLiteral("The request body is not a JSON object: unterminated object");
    }

    void createThingRefusals()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, message);
        const AwsError error = refused(control("POST", {QStringLiteral("things"), name}, {}, body));
        QCOMPARE(error.httpStatus, status);
        QCOMPARE(error.code, code);
        QCOMPARE(error.message, message);
        QVERIFY(m_store->things().empty());
    }

    void updateThing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QJsonObject>("attributes");
        QTest::addColumn<QString>("typeName");

        const auto attrs = [](std::initializer_list<std::pair<const char *, const char *>> pairs) {
            QJsonObject json;
            for (const auto &[k, v] : pairs)
                json.insert(QLatin1String(k), QLatin1String(v));
            return json;
        };
        const QJsonObject start = attrs({{"room", "kitchen"}, {"floor", "1"}});
        const QString lamp = QStringLiteral("Lamp");
        QTest::newRow("merge adds")
            << QByteArray(R"({"attributePayload":{"attributes":{"color":"red"},"merge":true}})")
            << 200 << QString() << attrs({{"room", "kitchen"}, {"floor", "1"}, {"color", "red"}})
            << lamp;
        QTest::newRow("merge with empty value removes")
            << QByteArray(R"({"attributePayload":{"attributes":{"floor":""},"merge":true}})") << 200
            << QString() << attrs({{"room", "kitchen"}}) << lamp;
        QTest::newRow("without merge replaces")
            << QByteArray(R"({"attributePayload":{"attributes":{"color":"red","gone":""}}})") << 200
            << QString() << attrs({{"color", "red"}}) << lamp;
        QTest::newRow("expected version matches")
            << QByteArray(
                   R"({"expectedVersion":1,"attributePayload":{"attributes":{"floor":"2"},"merge":true}})")
            << 200 << QString() << attrs({{"room", "kitchen"}, {"floor", "2"}}) << lamp;
        QTest::newRow("expected version differs")
            << QByteArray(
                   R"({"expectedVersion":5,"attributePayload":{"attributes":{"floor":"2"},"merge":true}})")
            << 409
            << QStringLiteral("The version for thing lamp-1 does not match the expected version.")
            << start << lamp;
        QTest::newRow("remove thing type")
            << QByteArray(R"({"removeThingType":true})") << 200 << QString() << start << QString();
        QTest::newRow("change thing type") << QByteArray(R"({"thingTypeName":"Switch"})") << 200
                                           << QString() << start << QStringLiteral("Switch");
        QTest::newRow("unknown thing type")
            << QByteArray(R"({"thingTypeName":"Nope"})") << 404
            << QStringLiteral("Thing Type Nope cannot be found.") << start << lamp;
        QTest::newRow("empty update") << QByteArray("{}") << 200 << QString() << start << lamp;
    }

    void updateThing()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, message);
        QFETCH(QJsonObject, attributes);
        QFETCH(QString, typeName);
        seedType(QStringLiteral("Lamp"));
        seedType(QStringLiteral("Switch"));
        seedThing(
            QStringLiteral("lamp-1"),
            object(
                R"({"thingTypeName":"Lamp","attributePayload":{"attributes":{"room":"kitchen","floor":"1"}}})"));
        const auto result =
            call(control("PATCH", {QStringLiteral("things"), QStringLiteral("lamp-1")}, {}, body));
        if (status == 200) {
            QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
            QCOMPARE(result.value().json.object(), QJsonObject());
        } else {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().httpStatus, status);
            QCOMPARE(result.error().message, message);
        }
        const QJsonObject thing =
            succeed(control("GET", {QStringLiteral("things"), QStringLiteral("lamp-1")}));
        QCOMPARE(thing.value(QStringLiteral("attributes")).toObject(), attributes);
        QCOMPARE(thing.value(QStringLiteral("thingTypeName")).toString(), typeName);
        QCOMPARE(thing.value(QStringLiteral("version")).toInteger(), status == 200 ? 2 : 1);
    }

    void unknownThingIsNotFound_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QStringList>("path");
        QTest::addColumn<QByteArray>("body");
        const QString ghost = QStringLiteral("ghost");
        const QString things = QStringLiteral("things");
        QTest::newRow("DescribeThing")
            << QByteArray("GET") << QStringList{things, ghost} << QByteArray();
        QTest::newRow("UpdateThing")
            << QByteArray("PATCH") << QStringList{things, ghost} << QByteArray("{}");
        QTest::newRow("ListThingPrincipals")
            << QByteArray("GET") << QStringList{things, ghost, QStringLiteral("principals")}
            << QByteArray();
        QTest::newRow("ListThingGroupsForThing")
            << QByteArray("GET") << QStringList{things, ghost, QStringLiteral("thing-groups")}
            << QByteArray();
    }

    void unknownThingIsNotFound()
    {
        QFETCH(QByteArray, method);
        QFETCH(QStringList, path);
        QFETCH(QByteArray, body);
        const AwsError error = refused(control(method, path, {}, body));
        QCOMPARE(error.httpStatus, 404);
        QCOMPARE(error.code, QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(error.message, QStringLiteral("Thing ghost cannot be found."));
    }

    void deleteThing()
    {
        seedThing(QStringLiteral("lamp-1"));
        const QStringList path{QStringLiteral("things"), QStringLiteral("lamp-1")};
        const AwsError conflict = refused(
            control("DELETE", path, {{QStringLiteral("expectedVersion"), QStringLiteral("4")}}));
        QCOMPARE(conflict.httpStatus, 409);
        QCOMPARE(conflict.code, QStringLiteral("VersionConflictException"));

        const QString principal = QStringLiteral("arn:aws:iot:us-east-1:123456789012:cert/abc123");
        AwsRequest attach = control("PUT", {QStringLiteral("things"), QStringLiteral("lamp-1"),
                                            QStringLiteral("principals")});
        attach.headers.append({"x-amzn-principal", principal.toUtf8()});
        QCOMPARE(succeed(attach), QJsonObject());
        const AwsError attached = refused(control("DELETE", path));
        QCOMPARE(attached.httpStatus, 400);
        QCOMPARE(attached.message,
                 QStringLiteral(
                     "Cannot delete. Thing lamp-1 is still attached to one or more principals"));
        AwsRequest detach = attach;
        detach.method = "DELETE";
        QCOMPARE(succeed(detach), QJsonObject());

        QCOMPARE(succeed(control("DELETE", path,
                                 {{QStringLiteral("expectedVersion"), QStringLiteral("1")}})),
                 QJsonObject());
        QCOMPARE(refused(control("GET", path)).httpStatus, 404);
        // "Returns successfully with no error if … you specify a thing that doesn't exist."
        QCOMPARE(succeed(control("DELETE", path)), QJsonObject());
    }

    void listThingsReturnsEveryThingOnce_data()
    {
        QTest::addColumn<int>("maxResults");
        QTest::addColumn<int>("pages");
        QTest::newRow("default page size") << 0 << 20;
        QTest::newRow("250 per page") << 250 << 4;
        QTest::newRow("7 per page") << 7 << 143;
    }

    void listThingsReturnsEveryThingOnce()
    {
        QFETCH(int, maxResults);
        QFETCH(int, pages);
        QStringList expected;
        for (int i = 0; i < 1000; ++i) {
            expected.append(QStringLiteral("thing-%1").arg(i, 4, 10, QLatin1Char('0')));
            seedThing(expected.constLast());
        }
        const Query query = maxResults
                                ? Query{{QStringLiteral("maxResults"), QString::number(maxResults)}}
                                : Query();
        int pageCount = 0;
        const QStringList listed =
            listAll({QStringLiteral("things")}, "things", "thingName", query, &pageCount);
        QCOMPARE(listed.size(), 1000);
        QCOMPARE(QSet<QString>(listed.begin(), listed.end()).size(), 1000);
        QCOMPARE(listed, expected);
        QCOMPARE(pageCount, pages);
    }

    void listingContinuesWhileThingsChange()
    {
        for (int i = 0; i < 10; ++i)
            seedThing(QStringLiteral("t%1").arg(i));
        const QJsonObject first =
            succeed(control("GET", {QStringLiteral("things")},
                            {{QStringLiteral("maxResults"), QStringLiteral("5")}}));
        QCOMPARE(names(first.value(QStringLiteral("things")).toArray(), "thingName").constLast(),
                 QStringLiteral("t4"));
        seedThing(QStringLiteral("t0a")); // sorts before the token: not in the next page
        QVERIFY(!m_store->removeThing(QStringLiteral("t5")));
        const QJsonObject second = succeed(control(
            "GET", {QStringLiteral("things")},
            {{QStringLiteral("nextToken"), first.value(QStringLiteral("nextToken")).toString()}}));
        QCOMPARE(names(second.value(QStringLiteral("things")).toArray(), "thingName"),
                 (QStringList{QStringLiteral("t6"), QStringLiteral("t7"), QStringLiteral("t8"),
                              QStringLiteral("t9")}));
        QVERIFY(!second.contains(QStringLiteral("nextToken")));
    }

    void listThingsFilters_data()
    {
        QTest::addColumn<Query>("query");
        QTest::addColumn<QStringList>("expected");
        const auto q = [](const char *k, const char *v) {
            return std::pair(QString::fromLatin1(k), QString::fromLatin1(v));
        };
        QTest::newRow("attribute value")
            << Query{q("attributeName", "color"), q("attributeValue", "red")}
            << QStringList{QStringLiteral("t1")};
        QTest::newRow("attribute value prefix")
            << Query{q("attributeName", "color"), q("attributeValue", "red"),
                     q("usePrefixAttributeValue", "true")}
            << QStringList{QStringLiteral("t1"), QStringLiteral("t2")};
        QTest::newRow("thing type") << Query{q("thingTypeName", "Lamp")}
                                    << QStringList{QStringLiteral("t1"), QStringLiteral("t2")};
        QTest::newRow("type and attribute")
            << Query{q("thingTypeName", "Lamp"), q("attributeName", "size"),
                     q("attributeValue", "big")}
            << QStringList{QStringLiteral("t1")};
        QTest::newRow("attribute name only")
            << Query{q("attributeName", "color")}
            << QStringList{QStringLiteral("t1"), QStringLiteral("t2"), QStringLiteral("t3")};
        QTest::newRow("no match") << Query{q("attributeName", "color"),
                                           q("attributeValue", "green")}
                                  << QStringList();
        QTest::newRow("unknown type") << Query{q("thingTypeName", "Nope")} << QStringList();
    }

    void listThingsFilters()
    {
        QFETCH(Query, query);
        QFETCH(QStringList, expected);
        seedType(QStringLiteral("Lamp"));
        seedThing(
            QStringLiteral("t1"),
            object(
                R"({"thingTypeName":"Lamp","attributePayload":{"attributes":{"color":"red","size":"big"}}})"));
        seedThing(
            QStringLiteral("t2"),
            object(
                R"({"thingTypeName":"Lamp","attributePayload":{"attributes":{"color":"reddish"}}})"));
        seedThing(QStringLiteral("t3"),
                  object(R"({"attributePayload":{"attributes":{"color":"blue"}}})"));
        seedThing(QStringLiteral("t4"));
        QCOMPARE(listAll({QStringLiteral("things")}, "things", "thingName", query), expected);
    }

    void listThingsItemShape()
    {
        seedType(QStringLiteral("Lamp"));
        seedThing(
            QStringLiteral("t1"),
            object(
                R"({"thingTypeName":"Lamp","attributePayload":{"attributes":{"color":"red"}}})"));
        seedThing(QStringLiteral("t2"));
        const QJsonArray things = succeed(control("GET", {QStringLiteral("things")}))
                                      .value(QStringLiteral("things"))
                                      .toArray();
        QCOMPARE(things.size(), 2);
        const QJsonObject typed = things.at(0).toObject();
        QCOMPARE(typed,
                 (QJsonObject{{QStringLiteral("thingName"), QStringLiteral("t1")},
                              {QStringLiteral("thingTypeName"), QStringLiteral("Lamp")},
                              {QStringLiteral("thingArn"), thingArn(QStringLiteral("t1"))},
                              {QStringLiteral("attributes"),
                               QJsonObject{{QStringLiteral("color"), QStringLiteral("red")}}},
                              {QStringLiteral("version"), 1}}));
        QCOMPARE(sortedKeys(things.at(1).toObject()),
                 (QStringList{QStringLiteral("attributes"), QStringLiteral("thingArn"),
                              QStringLiteral("thingName"), QStringLiteral("version")}));
    }

    void listRequestRefusals_data()
    {
        QTest::addColumn<Query>("query");
        QTest::addColumn<QString>("message");
        QTest::newRow("maxResults 0")
            << Query{{QStringLiteral("maxResults"), QStringLiteral("0")}}
            << QStringLiteral(
                   "1 validation error detected: Value '0' at 'maxResults' failed to satisfy "
                   "constraint: Member must have value greater than or equal to 1");
        QTest::newRow("maxResults 251")
            << Query{{QStringLiteral("maxResults"), QStringLiteral("251")}}
            << QStringLiteral(
                   "1 validation error detected: Value '251' at 'maxResults' failed to satisfy "
                   "constraint: Member must have value less than or equal to 250");
        QTest::newRow("forged nextToken")
            << Query{{QStringLiteral("nextToken"), QStringLiteral("abc")}}
            << QStringLiteral("The nextToken is not valid: abc");
        QTest::newRow("bad attribute name")
            << Query{{QStringLiteral("attributeName"), QStringLiteral("a b")}}
            << QStringLiteral("1 validation error detected: Value 'a b' at 'attributeName' failed "
                              "to satisfy constraint: Member must satisfy regular expression "
                              "pattern: [a-zA-Z0-9_.,@/:#-]+");
        QTest::newRow("bad boolean")
            << Query{{QStringLiteral("usePrefixAttributeValue"), QStringLiteral("yes")}}
            << QStringLiteral(
                   "1 validation error detected: Value 'yes' at 'usePrefixAttributeValue' failed "
                   "to satisfy constraint: Member must be true or false");
    }

    void listRequestRefusals()
    {
        QFETCH(Query, query);
        QFETCH(QString, message);
        const AwsError error = refused(control("GET", {QStringLiteral("things")}, query));
        QCOMPARE(error.httpStatus, 400);
        QCOMPARE(error.code, QStringLiteral("InvalidRequestException"));
        QCOMPARE(error.message, message);
    }

    void describeEndpoint_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("status");
        QTest::newRow("iot:Data-ATS") << QStringLiteral("iot:Data-ATS") << 200;
        QTest::newRow("iot:Data") << QStringLiteral("iot:Data") << 200;
        QTest::newRow("lower case") << QStringLiteral("iot:data-ats") << 200;
        QTest::newRow("no type") << QString() << 200;
        QTest::newRow("unknown type") << QStringLiteral("iot:Bogus") << 400;
    }

    void describeEndpoint()
    {
        QFETCH(QString, type);
        QFETCH(int, status);
        const Query query =
            type.isEmpty() ? Query() : Query{{QStringLiteral("endpointType"), type}};
        const auto result = call(control("GET", {QStringLiteral("endpoint")}, query));
        if (status != 200) {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().httpStatus, status);
            QCOMPARE(result.error().message,
                     QStringLiteral("Endpoint type iot:Bogus is not valid."));
            return;
        }
        QVERIFY(result.ok());
        QCOMPARE(result.value().json.object(),
                 (QJsonObject{{QStringLiteral("endpointAddress"), endpointAddress()}}));
    }

    void thingTypes()
    {
        const qint64 t = freezeClock(250);
        const QJsonObject created = succeed(control(
            "POST", {QStringLiteral("thing-types"), QStringLiteral("Lamp")}, {},
            R"({"thingTypeProperties":{"thingTypeDescription":"A lamp","searchableAttributes":["room"]}})"));
        QCOMPARE(created.value(QStringLiteral("thingTypeArn")).toString(),
                 QStringLiteral("arn:aws:iot:us-east-1:123456789012:thingtype/Lamp"));
        QVERIFY(isUuid(created.value(QStringLiteral("thingTypeId")).toString()));
        seedType(QStringLiteral("Switch"));
        const QJsonArray types = succeed(control("GET", {QStringLiteral("thing-types")}))
                                     .value(QStringLiteral("thingTypes"))
                                     .toArray();
        QCOMPARE(names(types, "thingTypeName"),
                 (QStringList{QStringLiteral("Lamp"), QStringLiteral("Switch")}));
        const QJsonObject lamp = types.at(0).toObject();
        QCOMPARE(
            sortedKeys(lamp),
            (QStringList{QStringLiteral("thingTypeArn"), QStringLiteral("thingTypeMetadata"),
                         QStringLiteral("thingTypeName"), QStringLiteral("thingTypeProperties")}));
        QCOMPARE(lamp.value(QStringLiteral("thingTypeProperties")).toObject(),
                 (QJsonObject{{QStringLiteral("thingTypeDescription"), QStringLiteral("A lamp")},
                              {QStringLiteral("searchableAttributes"),
                               QJsonArray{QStringLiteral("room")}}}));
        QCOMPARE(lamp.value(QStringLiteral("thingTypeMetadata")).toObject(),
                 (QJsonObject{{QStringLiteral("deprecated"), false},
                              {QStringLiteral("creationDate"), double(t) + 0.25}}));
        const QJsonArray filtered =
            succeed(control("GET", {QStringLiteral("thing-types")},
                            {{QStringLiteral("thingTypeName"), QStringLiteral("Switch")}}))
                .value(QStringLiteral("thingTypes"))
                .toArray();
        QCOMPARE(names(filtered, "thingTypeName"), QStringList{QStringLiteral("Switch")});
        const QJsonObject described =
            succeed(control("GET", {QStringLiteral("thing-types"), QStringLiteral("Lamp")}));
        QCOMPARE(described.value(QStringLiteral("thingTypeId")),
                 created.value(QStringLiteral("thingTypeId")));
        const AwsError conflict =
            refused(control("POST", {QStringLiteral("thing-types"), QStringLiteral("Lamp")}, {},
                            R"({"thingTypeProperties":{"thingTypeDescription":"other"}})"));
        QCOMPARE(conflict.httpStatus, 409);
        QCOMPARE(conflict.code, QStringLiteral("ResourceAlreadyExistsException"));
    }

    void thingGroups_data()
    {
        QTest::addColumn<Query>("query");
        QTest::addColumn<QStringList>("expected");
        const auto q = [](const char *k, const char *v) {
            return std::pair(QString::fromLatin1(k), QString::fromLatin1(v));
        };
        QTest::newRow("all") << Query()
                             << QStringList{QStringLiteral("building"), QStringLiteral("floor-1"),
                                            QStringLiteral("room-101"), QStringLiteral("site")};
        QTest::newRow("roots only")
            << Query{q("recursive", "false")}
            << QStringList{QStringLiteral("building"), QStringLiteral("site")};
        QTest::newRow("children") << Query{q("parentGroup", "building")}
                                  << QStringList{QStringLiteral("floor-1")};
        QTest::newRow("descendants")
            << Query{q("parentGroup", "building"), q("recursive", "true")}
            << QStringList{QStringLiteral("floor-1"), QStringLiteral("room-101")};
        QTest::newRow("name prefix")
            << Query{q("namePrefixFilter", "room")} << QStringList{QStringLiteral("room-101")};
    }

    void thingGroups()
    {
        QFETCH(Query, query);
        QFETCH(QStringList, expected);
        const QJsonObject created =
            succeed(control("POST", {QStringLiteral("thing-groups"), QStringLiteral("building")}));
        QCOMPARE(created.value(QStringLiteral("thingGroupArn")).toString(),
                 QStringLiteral("arn:aws:iot:us-east-1:123456789012:thinggroup/building"));
        QVERIFY(isUuid(created.value(QStringLiteral("thingGroupId")).toString()));
        succeed(control("POST", {QStringLiteral("thing-groups"), QStringLiteral("floor-1")}, {},
                        R"({"parentGroupName":"building"})"));
        seedGroup(QStringLiteral("room-101"), QStringLiteral("floor-1"));
        seedGroup(QStringLiteral("site"));
        QCOMPARE(listAll({QStringLiteral("thing-groups")}, "thingGroups", "groupName", query),
                 expected);
    }

    void thingGroupMembership()
    {
        seedGroup(QStringLiteral("building"));
        seedGroup(QStringLiteral("floor-1"), QStringLiteral("building"));
        seedThing(QStringLiteral("lamp-1"));
        succeed(control("PUT",
                        {QStringLiteral("thing-groups"), QStringLiteral("addThingToThingGroup")},
                        {}, R"({"thingGroupName":"floor-1","thingName":"lamp-1"})"));
        succeed(control(
            "PUT", {QStringLiteral("thing-groups"), QStringLiteral("addThingToThingGroup")}, {},
            R"({"thingGroupArn":"arn:aws:iot:us-east-1:123456789012:thinggroup/building","thingArn":"arn:aws:iot:us-east-1:123456789012:thing/lamp-1"})"));
        const QJsonArray groups =
            succeed(control("GET", {QStringLiteral("things"), QStringLiteral("lamp-1"),
                                    QStringLiteral("thing-groups")}))
                .value(QStringLiteral("thingGroups"))
                .toArray();
        QCOMPARE(groups.size(), 2);
        QCOMPARE(groups.at(0).toObject(),
                 (QJsonObject{
                     {QStringLiteral("groupName"), QStringLiteral("building")},
                     {QStringLiteral("groupArn"),
                      QStringLiteral("arn:aws:iot:us-east-1:123456789012:thinggroup/building")}}));
        QCOMPARE(groups.at(1).toObject().value(QStringLiteral("groupName")).toString(),
                 QStringLiteral("floor-1"));
        const AwsError missing = refused(
            control("PUT", {QStringLiteral("thing-groups"), QStringLiteral("addThingToThingGroup")},
                    {}, R"({"thingGroupName":"nope","thingName":"lamp-1"})"));
        QCOMPARE(missing.httpStatus, 404);
        QCOMPARE(refused(control("GET", {QStringLiteral("thing-groups")},
                                 {{QStringLiteral("parentGroup"), QStringLiteral("nope")}}))
                     .httpStatus,
                 404);
    }

    void thingPrincipals()
    {
        seedThing(QStringLiteral("lamp-1"));
        const QStringList path{QStringLiteral("things"), QStringLiteral("lamp-1"),
                               QStringLiteral("principals")};
        for (const char *id : {"cert/bbb", "cert/aaa"}) {
            AwsRequest attach = control("PUT", path);
            attach.headers.append(
                {"x-amzn-principal", "arn:aws:iot:us-east-1:123456789012:" + QByteArray(id)});
            QCOMPARE(succeed(attach), QJsonObject());
        }
        QCOMPARE(succeed(control("GET", path)).value(QStringLiteral("principals")).toArray(),
                 (QJsonArray{QStringLiteral("arn:aws:iot:us-east-1:123456789012:cert/aaa"),
                             QStringLiteral("arn:aws:iot:us-east-1:123456789012:cert/bbb")}));
        QCOMPARE(listAll(path, "principals", nullptr,
                         {{QStringLiteral("maxResults"), QStringLiteral("1")}})
                     .size(),
                 2);
        const AwsError noPrincipal = refused(control("PUT", path));
        QCOMPARE(noPrincipal.httpStatus, 400);
    }

    // ---- authentication ---------------------------------------------------------------------

    void signingRefusals_data()
    {
        QTest::addColumn<AwsCredentials>("keys");
        QTest::addColumn<QString>("clientRegion");
        QTest::addColumn<QString>("service");
        QTest::addColumn<bool>("dataPlane");
        QTest::addColumn<qint64>("skew");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message"); ///< a regular expression for the whole message

        const AwsCredentials good = sandboxKeys();
        const QString us = region();
        const QString iot = QStringLiteral("iot");
        const QString iotdata = QStringLiteral("iotdata");
        const auto exact = [](const QString &text) {
            return QRegularExpression::escape(text);
        };
        const QString stamp = QStringLiteral("(\\d{8}T\\d{6}Z)");
        QTest::newRow("control plane signed as iot")
            << good << us << iot << false << qint64(0) << 200 << QString() << QString();
        QTest::newRow("control plane signed as execute-api (AWS CLI 2.9)")
            << good << us << QStringLiteral("execute-api") << false << qint64(0) << 200 << QString()
            << QString();
        QTest::newRow("data plane signed as iotdata")
            << good << us << iotdata << true << qint64(0) << 200 << QString() << QString();
        QTest::newRow("unknown access key")
            << keysWith(QStringLiteral("AKIDUNKNOWN"), good.secretAccessKey) << us << iot << false
            << qint64(0) << 403 << QStringLiteral("UnrecognizedClientException")
            << exact(QStringLiteral("The security token included in the request is invalid."));
        QTest::newRow("wrong secret")
            << keysWith(good.accessKeyId, QStringLiteral("not-the-secret")) << us << iot << false
            << qint64(0) << 403 << QStringLiteral("InvalidSignatureException")
            << exact(signatureMismatch());
        QTest::newRow("wrong secret, data plane")
            << keysWith(good.accessKeyId, QStringLiteral("not-the-secret")) << us << iotdata << true
            << qint64(0) << 403 << QStringLiteral("InvalidSignatureException")
            << exact(signatureMismatch());
        QTest::newRow("session token the keys do not have")
            << keysWith(good.accessKeyId, good.secretAccessKey, QStringLiteral("token")) << us
            << iot << false << qint64(0) << 403 << QStringLiteral("UnrecognizedClientException")
            << exact(QStringLiteral("The security token included in the request is invalid."));
        QTest::newRow("data plane signed as iot")
            << good << us << iot << true << qint64(0) << 403
            << QStringLiteral("InvalidSignatureException")
            << exact(QStringLiteral("Credential should be scoped to correct service: 'iotdata'."));
        QTest::newRow("control plane signed as iotdata")
            << good << us << iotdata << false << qint64(0) << 403
            << QStringLiteral("InvalidSignatureException")
            << exact(QStringLiteral("Credential should be scoped to correct service: 'iot'."));
        QTest::newRow("control plane, other region")
            << good << QStringLiteral("eu-west-1") << iot << false << qint64(0) << 403
            << QStringLiteral("InvalidSignatureException")
            << exact(QStringLiteral(
                   "Credential should be scoped to a valid region, not 'eu-west-1'. "));
        QTest::newRow("data plane, other region")
            << good << QStringLiteral("eu-west-1") << iotdata << true << qint64(0) << 403
            << QStringLiteral("ForbiddenException")
            << exact(QStringLiteral(
                   "Credential should be scoped to a valid region, not 'eu-west-1'. "));
        QTest::newRow("client clock 6 minutes slow")
            << good << us << iot << false << qint64(360) << 403
            << QStringLiteral("InvalidSignatureException")
            << QStringLiteral("Signature expired: %1 is now earlier than %1 \\(%1 - 5 min\\.\\)")
                   .arg(stamp);
        QTest::newRow("client clock 6 minutes fast")
            << good << us << iotdata << true << qint64(-360) << 403
            << QStringLiteral("InvalidSignatureException")
            << QStringLiteral(
                   "Signature not yet current: %1 is still later than %1 \\(%1 \\+ 5 min\\.\\)")
                   .arg(stamp);
        QTest::newRow("client clock 4 minutes slow is fine")
            << good << us << iot << false << qint64(240) << 200 << QString() << QString();
    }

    void signingRefusals()
    {
        QFETCH(AwsCredentials, keys);
        QFETCH(QString, clientRegion);
        QFETCH(QString, service);
        QFETCH(bool, dataPlane);
        QFETCH(qint64, skew);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, message);
        m_skewSeconds = skew;
        useClient(keys, clientRegion);
        seedThing(QStringLiteral("lamp-1"));
        QVERIFY(
            m_shadows->updateShadow(QStringLiteral("lamp-1"), QString(), R"({"state":{}})").ok());
        const QStringList path =
            dataPlane ? QStringList{QStringLiteral("things"), QStringLiteral("lamp-1"),
                                    QStringLiteral("shadow")}
                      : QStringList{QStringLiteral("things"), QStringLiteral("lamp-1")};
        const auto result = call(request(service, "GET", path));
        if (status == 200) {
            QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
            return;
        }
        QVERIFY(!result.ok());
        QCOMPARE(result.error().httpStatus, status);
        QCOMPARE(result.error().code, code);
        const auto match = QRegularExpression(QRegularExpression::anchoredPattern(message))
                               .match(result.error().message);
        QVERIFY2(match.hasMatch(), qPrintable(result.error().message));
        if (match.lastCapturedIndex() == 3) { // the skew texts: the bound is "now" ∓ 5 minutes
            const auto time = [&match](int i) {
                return QDateTime::fromString(match.captured(i),
                                             QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
            };
            QCOMPARE(time(2).secsTo(time(3)), skew > 0 ? 300 : -300);
        }
    }

    void skewTextsAreExact_data()
    {
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("message");
        QTest::newRow("just expired")
            << -301
            << QStringLiteral("Signature expired: 20240501T115459Z is now earlier than "
                              "20240501T115500Z (20240501T120000Z - 5 min.)");
        QTest::newRow("not yet current")
            << 301
            << QStringLiteral("Signature not yet current: 20240501T120501Z is still later than "
                              "20240501T120500Z (20240501T120000Z + 5 min.)");
        QTest::newRow("five minutes early is accepted") << -300 << QString();
        QTest::newRow("five minutes late is accepted") << 300 << QString();
    }

    void skewTextsAreExact()
    {
        QFETCH(int, offset);
        QFETCH(QString, message);
        m_fixedNow = QDateTime(QDate(2024, 5, 1), QTime(12, 0), QTimeZone::utc());
        seedThing(QStringLiteral("lamp-1"));
        Signing signing;
        signing.time = m_fixedNow->addSecs(offset);
        const RawReply reply =
            sendRaw(control("GET", {QStringLiteral("things"), QStringLiteral("lamp-1")}), signing);
        if (message.isEmpty()) {
            QCOMPARE(reply.status, 200);
            return;
        }
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.header("x-amzn-ErrorType"), QByteArray("InvalidSignatureException"));
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("message"), message}}));
    }

    void malformedRequestsAreRefused_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("errorType");
        QTest::addColumn<QString>("message");
        QTest::newRow("unsigned") << 0 << 403 << QByteArray("MissingAuthenticationTokenException")
                                  << QStringLiteral("Missing Authentication Token");
        QTest::newRow("body changed after signing")
            << 1 << 403 << QByteArray("InvalidSignatureException") << signatureMismatch();
        QTest::newRow("host not signed")
            << 2 << 403 << QByteArray("IncompleteSignatureException")
            << QStringLiteral(
                   "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        QTest::newRow("scope date differs from X-Amz-Date")
            << 3 << 403 << QByteArray("InvalidSignatureException")
            << QStringLiteral(
                   "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                   "from HTTP: '20240430' != '20240501', from '20240501T120000Z'.");
        QTest::newRow("not SigV4")
            << 4 << 403 << QByteArray("IncompleteSignatureException")
            << QStringLiteral(
                   "Authorization header requires 'Credential' parameter. Authorization header "
                   "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
                   "parameter. Authorization=Basic dXNlcjpwdw==");
        QTest::newRow("unsigned unknown path")
            << 5 << 403 << QByteArray("MissingAuthenticationTokenException")
            << QStringLiteral("Missing Authentication Token");
        QTest::newRow("signed unknown path")
            << 6 << 404 << QByteArray("UnknownOperationException")
            << QStringLiteral("No operation of the sandbox matches GET /nowhere");
        QTest::newRow("data-plane path, other method")
            << 7 << 405 << QByteArray("MethodNotAllowedException")
            << QStringLiteral("The specified combination of HTTP verb and URI is not supported.");
    }

    void malformedRequestsAreRefused()
    {
        QFETCH(int, kind);
        QFETCH(int, status);
        QFETCH(QByteArray, errorType);
        QFETCH(QString, message);
        m_fixedNow = QDateTime(QDate(2024, 5, 1), QTime(12, 0), QTimeZone::utc());
        seedThing(QStringLiteral("lamp-1"));
        AwsRequest r =
            control("PATCH", {QStringLiteral("things"), QStringLiteral("lamp-1")}, {}, "{}");
        Signing signing;
        std::function<void(QList<HttpHeader> &)> tamper;
        std::optional<QByteArray> sentBody;
        const auto replaceAuthorization = [](QList<HttpHeader> &headers,
                                             const std::function<QByteArray(QByteArray)> &edit) {
            for (auto &[name, value] : headers) {
                if (name == "Authorization")
                    value = edit(value);
            }
        };
        switch (kind) {
        case 0:
            signing.sign = false;
            break;
        case 1:
            sentBody = QByteArray(R"({"thingTypeName":"x"})").left(2);
            break;
        case 2:
            tamper = [&](QList<HttpHeader> &h) {
                replaceAuthorization(h, [](QByteArray v) {
                    return v.replace("SignedHeaders=content-type;host;",
                                     "SignedHeaders=content-type;");
                });
            };
            break;
        case 3:
            tamper = [&](QList<HttpHeader> &h) {
                replaceAuthorization(
                    h, [](QByteArray v) { return v.replace("/20240501/", "/20240430/"); });
            };
            break;
        case 4:
            tamper = [&](QList<HttpHeader> &h) {
                replaceAuthorization(h,
                                     [](QByteArray) { return QByteArray("Basic dXNlcjpwdw=="); });
            };
            break;
        case 5:
            signing.sign = false;
            r = control("GET", {QStringLiteral("nowhere")});
            break;
        case 6:
            r = control("GET", {QStringLiteral("nowhere")});
            break;
        case 7:
            r = data("PUT", {QStringLiteral("things"), QStringLiteral("lamp-1"),
                             QStringLiteral("shadow")});
            signing.service = QStringLiteral("iotdata");
            break;
        }
        const RawReply reply = sendRaw(r, signing, tamper, sentBody);
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.header("x-amzn-ErrorType"), errorType);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("message"), message}}));
        QVERIFY(isUuid(QString::fromLatin1(reply.header("x-amzn-RequestId"))));
        QCOMPARE(m_store->thing(QStringLiteral("lamp-1"))->version, 1);
    }

    void temporaryCredentialsNeedTheirToken()
    {
        const AwsCredentials temporary =
            keysWith(QStringLiteral("ASIATEMPORARY"), QStringLiteral("temp-secret"),
                     QStringLiteral("FwoGZXIvYXdzEXAMPLE+/="));
        m_auth->addCredentials(temporary);
        useClient(temporary);
        QVERIFY(call(control("GET", {QStringLiteral("things")})).ok());
        useClient(keysWith(temporary.accessKeyId, temporary.secretAccessKey,
                           QStringLiteral("other-token")));
        QCOMPARE(refused(control("GET", {QStringLiteral("things")})).code,
                 QStringLiteral("UnrecognizedClientException"));
        useClient(keysWith(temporary.accessKeyId, temporary.secretAccessKey));
        QCOMPARE(refused(control("GET", {QStringLiteral("things")})).code,
                 QStringLiteral("UnrecognizedClientException"));
    }

    // ---- throttling ---------------------------------------------------------------------------

    void throttlePolicyParses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("everyNth");
        QTest::addColumn<double>("perSecond");
        QTest::newRow("every 3rd") << QStringLiteral("3") << true << 3 << 0.0;
        QTest::newRow("rate") << QStringLiteral("2.5/s") << true << 0 << 2.5;
        QTest::newRow("zero") << QStringLiteral("0") << false << 0 << 0.0;
        QTest::newRow("negative rate") << QStringLiteral("-1/s") << false << 0 << 0.0;
        QTest::newRow("text") << QStringLiteral("often") << false << 0 << 0.0;
    }

    void throttlePolicyParses()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(int, everyNth);
        QFETCH(double, perSecond);
        const auto policy = ThrottlePolicy::parse(text);
        QCOMPARE(policy.has_value(), valid);
        if (!valid)
            return;
        QCOMPARE(policy->everyNth, everyNth);
        QCOMPARE(policy->maxPerSecond, perSecond);
    }

    void throttling_data()
    {
        QTest::addColumn<bool>("dataPlane");
        QTest::addColumn<int>("status");
        QTest::newRow("control plane") << false << 400;
        QTest::newRow("data plane") << true << 429;
    }

    void throttling()
    {
        QFETCH(bool, dataPlane);
        QFETCH(int, status);
        m_api->setThrottle(ThrottlePolicy{2, 0});
        const AwsRequest r =
            dataPlane
                ? data("GET",
                       {QStringLiteral("api"), QStringLiteral("things"), QStringLiteral("shadow"),
                        QStringLiteral("ListNamedShadowsForThing"), QStringLiteral("t")})
                : control("GET", {QStringLiteral("things")});
        QVERIFY(call(r).ok());
        const AwsError throttled = refused(r);
        QCOMPARE(throttled.httpStatus, status);
        QCOMPARE(throttled.code, QStringLiteral("ThrottlingException"));
        QCOMPARE(throttled.message, QStringLiteral("Rate exceeded"));
        QVERIFY(throttled.isThrottling());
        QVERIFY(call(r).ok());

        AwsClientOptions retrying;
        retrying.region = region();
        retrying.extraCaCertificates = m_ca;
        retrying.retry.baseDelay = std::chrono::milliseconds(5);
        m_client = std::make_unique<AwsClient>(&m_network, m_credentials.get(), retrying);
        const auto retried = call(r); // the 4th request is throttled, the retry is the 5th
        QVERIFY(retried.ok());
        QCOMPARE(retried.value().attempts, 2);

        m_api->setThrottle(ThrottlePolicy{0, 1000.0});
        QVERIFY(call(r).ok());
    }

    // ---- persistence --------------------------------------------------------------------------

    void stateSurvivesARestart()
    {
        seedType(QStringLiteral("Lamp"));
        seedThing(
            QStringLiteral("lamp-1"),
            object(
                R"({"thingTypeName":"Lamp","attributePayload":{"attributes":{"room":"hall"}}})"));
        QVERIFY(
            updateShadow(QStringLiteral("lamp-1"), R"({"state":{"desired":{"on":true}}})").ok());
        QVERIFY(updateShadow(QStringLiteral("lamp-1"), R"({"state":{"reported":{"v":1}}})",
                             QStringLiteral("cfg"))
                    .ok());
        QVERIFY(call(data("DELETE",
                          {QStringLiteral("things"), QStringLiteral("lamp-1"),
                           QStringLiteral("shadow")},
                          {{QStringLiteral("name"), QStringLiteral("cfg")}}))
                    .ok());
        const QJsonObject thingBefore =
            succeed(control("GET", {QStringLiteral("things"), QStringLiteral("lamp-1")}));
        const QJsonObject shadowBefore = getShadow(QStringLiteral("lamp-1"));

        stopSandbox();
        QVERIFY(startSandbox());
        QVERIFY(m_store->problems().isEmpty());
        QCOMPARE(succeed(control("GET", {QStringLiteral("things"), QStringLiteral("lamp-1")})),
                 thingBefore);
        QJsonObject shadowAfter = getShadow(QStringLiteral("lamp-1"));
        shadowAfter.insert(QStringLiteral("timestamp"),
                           shadowBefore.value(QStringLiteral("timestamp")));
        QCOMPARE(shadowAfter, shadowBefore);
        const auto recreated = updateShadow(
            QStringLiteral("lamp-1"), R"({"state":{"reported":{"v":2}}})", QStringLiteral("cfg"));
        QVERIFY(recreated.ok());
        QCOMPARE(recreated.value().json.object().value(QStringLiteral("version")).toInteger(), 2);
    }

    void corruptStateFileIsReported()
    {
        seedThing(QStringLiteral("good"));
        seedThing(QStringLiteral("broken"));
        stopSandbox();
        const QString file = m_stateDir->filePath(QStringLiteral("state/things/broken.json"));
        QFile damaged(file);
        QVERIFY(damaged.open(QIODevice::WriteOnly | QIODevice::Truncate));
        damaged.write("{\"thingName\":\"bro");
        damaged.close();
        QVERIFY(startSandbox());
        QCOMPARE(m_store->problems().size(), 1);
        QCOMPARE(m_store->problems().constFirst().file, file);
        QCOMPARE(listAll({QStringLiteral("things")}, "things", "thingName"),
                 QStringList{QStringLiteral("good")});
    }

    // ---- measurements and other clients -------------------------------------------------------

    void listThingsThroughput()
    {
        for (int i = 0; i < 1000; ++i)
            seedThing(QStringLiteral("thing-%1").arg(i, 4, 10, QLatin1Char('0')));
        const Query query{{QStringLiteral("maxResults"), QStringLiteral("250")}};
        listAll({QStringLiteral("things")}, "things", "thingName", query); // warm up the connection
        QElapsedTimer timer;
        timer.start();
        int pages = 0;
        for (int round = 0; round < 50; ++round) {
            int count = 0;
            QCOMPARE(
                listAll({QStringLiteral("things")}, "things", "thingName", query, &count).size(),
                1000);
            pages += count;
        }
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        qInfo("ListThings through AwsClient over HTTPS: %.0f pages/s (%d pages of 250 things in "
              "%.2f s)",
              pages / seconds, pages, seconds);
    }

    void awsCliInterop_data()
    {
        QTest::addColumn<QString>("program");
        QTest::newRow("aws from PATH") << QStandardPaths::findExecutable(QStringLiteral("aws"));
        QTest::newRow("Debian awscli 2 (signs execute-api)") << QStringLiteral("/usr/bin/aws");
    }

    void awsCliInterop()
    {
        QFETCH(QString, program);
        if (program.isEmpty() || !QFileInfo(program).isExecutable())
            QSKIP("this AWS CLI is not installed");
        for (int i = 0; i < 120; ++i)
            seedThing(QStringLiteral("cli-%1").arg(i, 3, 10, QLatin1Char('0')));
        const QJsonObject things =
            runCli(program, {QStringLiteral("iot"), QStringLiteral("list-things")});
        QCOMPARE(things.value(QStringLiteral("things")).toArray().size(),
                 120); // the CLI pages itself
        const QJsonObject endpoint =
            runCli(program, {QStringLiteral("iot"), QStringLiteral("describe-endpoint"),
                             QStringLiteral("--endpoint-type"), QStringLiteral("iot:Data-ATS")});
        QCOMPARE(endpoint.value(QStringLiteral("endpointAddress")).toString(), endpointAddress());
        const QJsonObject created =
            runCli(program, {QStringLiteral("iot"), QStringLiteral("create-thing"),
                             QStringLiteral("--thing-name"), QStringLiteral("cli:new"),
                             QStringLiteral("--attribute-payload"),
                             QStringLiteral(R"({"attributes":{"room":"lab"}})")});
        QCOMPARE(created.value(QStringLiteral("thingArn")).toString(),
                 thingArn(QStringLiteral("cli:new")));
        QVERIFY(
            updateShadow(QStringLiteral("cli:new"), R"({"state":{"reported":{"on":true}}})").ok());
        const QString outfile = m_stateDir->filePath(QStringLiteral("shadow.json"));
        runCli(program, {QStringLiteral("iot-data"), QStringLiteral("get-thing-shadow"),
                         QStringLiteral("--thing-name"), QStringLiteral("cli:new"), outfile});
        QFile shadow(outfile);
        QVERIFY(shadow.open(QIODevice::ReadOnly));
        QCOMPARE(object(shadow.readAll()).value(QStringLiteral("state")).toObject(),
                 object(R"({"reported":{"on":true}})"));
        QSignalSpy published(m_shadows.get(), &ShadowService::publishRequested);
        runCli(program,
               {QStringLiteral("iot-data"), QStringLiteral("publish"), QStringLiteral("--topic"),
                QStringLiteral("cli/a b"), QStringLiteral("--qos"), QStringLiteral("1")});
        QCOMPARE(published.count(), 1);
        QCOMPARE(published.at(0).at(0).toString(), QStringLiteral("cli/a b"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxRest)
#include "tst_sandboxrest.moc"
