// RegistryClient and IotEndpoints against the sandbox's REST control plane over HTTPS on
// loopback: every operation and its result fields, ListThings filters, paging through 600
// things with progress and cancel, DescribeEndpoint caching, and arguments refused before any
// request.
#include "IotClientFixture.h"
#include "aws/AwsConfig.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTimeZone>

using namespace thingdeck;
using namespace thingdeck::test;

Q_DECLARE_METATYPE(thingdeck::ThingQuery)

using Attributes = QMap<QString, QString>;

#define VALUE(result) valueOf((result), __FILE__, __LINE__)

class TestRegistryClient : public IotClientFixture
{
    Q_OBJECT

private:
    void seedAttributes(const QString &name, const QString &type,
                        std::initializer_list<std::pair<const char *, const char *>> attributes)
    {
        QJsonObject values;
        for (const auto &[key, value] : attributes)
            values.insert(QLatin1String(key), QLatin1String(value));
        QJsonObject body{{QStringLiteral("attributePayload"),
                          QJsonObject{{QStringLiteral("attributes"), values}}}};
        if (!type.isEmpty())
            body.insert(QStringLiteral("thingTypeName"), type);
        seedThing(name, body);
    }

    void seedNumbered(int count)
    {
        for (int i = 0; i < count; ++i)
            seedThing(QStringLiteral("thing-%1").arg(i, 3, 10, QLatin1Char('0')));
    }

    static QStringList namesOf(const QList<ThingSummary> &things)
    {
        QStringList out;
        for (const ThingSummary &thing : things)
            out.append(thing.name);
        return out;
    }

    Result<ThingDescription, IotError> describe(const QString &name)
    {
        return await<ThingDescription>([&](auto callback) {
            m_registryClient->describeThing(thingName(name), this, callback);
        });
    }

    Result<std::monostate, IotError> update(const QString &name, const ThingAttributeUpdate &u)
    {
        return await<std::monostate>([&](auto callback) {
            m_registryClient->updateThingAttributes(thingName(name), u, this, callback);
        });
    }

private Q_SLOTS:
    void initTestCase() { setUpPki(); }
    void init() { setUpClients(); }
    void cleanup() { tearDownClients(); }

    // ---- DescribeThing -------------------------------------------------------------------

    void describeThing()
    {
        seedType(QStringLiteral("Lamp"));
        seedAttributes(QStringLiteral("lamp:1"), QStringLiteral("Lamp"),
                       {{"room", "kitchen"}, {"floor", "1"}});
        const ThingDescription thing = VALUE(describe(QStringLiteral("lamp:1")));
        QCOMPARE(thing.name, QStringLiteral("lamp:1"));
        QVERIFY(isUuid(thing.id));
        QCOMPARE(thing.id, m_store->thing(QStringLiteral("lamp:1"))->id);
        QCOMPARE(thing.arn, thingArn(QStringLiteral("lamp:1")));
        QCOMPARE(thing.typeName, QStringLiteral("Lamp"));
        QCOMPARE(thing.defaultClientId, QStringLiteral("lamp:1"));
        QCOMPARE(thing.billingGroupName, QString());
        QCOMPARE(thing.attributes,
                 (QMap<QString, QString>{{QStringLiteral("room"), QStringLiteral("kitchen")},
                                         {QStringLiteral("floor"), QStringLiteral("1")}}));
        QCOMPARE(thing.version, 1);
        QCOMPARE(requestLines(), QStringList{QStringLiteral("GET /things/lamp%3A1")});
        QCOMPARE(m_received.first().service, QStringLiteral("iot"));
    }

    void describeUnknownThing()
    {
        const auto result = describe(QStringLiteral("ghost"));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, IotError::Kind::NotFound);
        QVERIFY(result.error().isNotFound());
        QCOMPARE(result.error().aws.httpStatus, 404);
        QCOMPARE(result.error().aws.code, QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(result.error().message, QStringLiteral("Thing ghost cannot be found."));
        QVERIFY(result.error().toString().contains(QStringLiteral("GET /things/ghost")));
    }

    // ---- ListThings: one page --------------------------------------------------------------

    void listThingsPage()
    {
        seedType(QStringLiteral("Lamp"));
        seedAttributes(QStringLiteral("a-lamp"), QStringLiteral("Lamp"), {{"room", "hall"}});
        seedNumbered(4);
        ThingQuery query;
        query.maxResults = 2;
        const auto first = VALUE(await<ThingPage>([&](auto callback) {
            m_registryClient->listThings(query, QString(), this, callback);
        }));
        QCOMPARE(namesOf(first.things),
                 (QStringList{QStringLiteral("a-lamp"), QStringLiteral("thing-000")}));
        QVERIFY(!first.isLast());
        const ThingSummary &lamp = first.things.first();
        QCOMPARE(lamp.typeName, QStringLiteral("Lamp"));
        QCOMPARE(lamp.arn, thingArn(QStringLiteral("a-lamp")));
        QCOMPARE(lamp.attributes,
                 (QMap<QString, QString>{{QStringLiteral("room"), QStringLiteral("hall")}}));
        QCOMPARE(lamp.version, 1);
        QCOMPARE(first.things.last().typeName, QString());
        QVERIFY(first.things.last().attributes.isEmpty());

        const auto second = VALUE(await<ThingPage>([&](auto callback) {
            m_registryClient->listThings(query, first.nextToken, this, callback);
        }));
        QCOMPARE(namesOf(second.things),
                 (QStringList{QStringLiteral("thing-001"), QStringLiteral("thing-002")}));
        const auto third = VALUE(await<ThingPage>([&](auto callback) {
            m_registryClient->listThings(query, second.nextToken, this, callback);
        }));
        QCOMPARE(namesOf(third.things), QStringList{QStringLiteral("thing-003")});
        QVERIFY(third.isLast());
        QCOMPARE(requestCount(), 3);
        QCOMPARE(requestLines().first(), QStringLiteral("GET /things?maxResults=2"));
        QVERIFY(
            requestLines().at(1).startsWith(QStringLiteral("GET /things?maxResults=2&nextToken=")));
    }

    void listThingsFilters_data()
    {
        QTest::addColumn<ThingQuery>("query");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QString>("requestLine");

        const auto query = [](const char *name, const char *value, bool prefix, const char *type) {
            return ThingQuery{QString::fromUtf8(name), QString::fromUtf8(value), prefix,
                              QString::fromUtf8(type), 0};
        };
        const auto list = [](std::initializer_list<const char *> names) {
            QStringList out;
            for (const char *name : names)
                out.append(QString::fromUtf8(name));
            return out;
        };
        QTest::newRow("no filter")
            << query("", "", false, "") << list({"fan-1", "lamp-1", "lamp-2", "lamp-3", "plain"})
            << QStringLiteral("GET /things");
        QTest::newRow("has attribute")
            << query("room", "", false, "") << list({"fan-1", "lamp-1", "lamp-2", "lamp-3"})
            << QStringLiteral("GET /things?attributeName=room");
        QTest::newRow("attribute value")
            << query("room", "kitchen", false, "") << list({"fan-1", "lamp-1"})
            << QStringLiteral("GET /things?attributeName=room&attributeValue=kitchen");
        QTest::newRow("attribute prefix")
            << query("room", "kit", true, "") << list({"fan-1", "lamp-1", "lamp-3"})
            << QStringLiteral(
                   "GET "
                   "/things?attributeName=room&attributeValue=kit&usePrefixAttributeValue=true");
        QTest::newRow("type") << query("", "", false, "Lamp")
                              << list({"lamp-1", "lamp-2", "lamp-3"})
                              << QStringLiteral("GET /things?thingTypeName=Lamp");
        QTest::newRow("type and prefix")
            << query("room", "kit", true, "Lamp") << list({"lamp-1", "lamp-3"})
            << QStringLiteral("GET /things?attributeName=room&attributeValue=kit&"
                              "usePrefixAttributeValue=true&thingTypeName=Lamp");
        QTest::newRow("attribute value with a slash")
            << query("path", "a/b", false, "") << list({"plain"})
            << QStringLiteral("GET /things?attributeName=path&attributeValue=a%2Fb");
        QTest::newRow("nothing matches")
            << query("room", "attic", false, "Fan") << QStringList()
            << QStringLiteral("GET /things?attributeName=room&attributeValue=attic&"
                              "thingTypeName=Fan");
    }

    void listThingsFilters()
    {
        QFETCH(ThingQuery, query);
        QFETCH(QStringList, expected);
        QFETCH(QString, requestLine);
        seedType(QStringLiteral("Lamp"));
        seedType(QStringLiteral("Fan"));
        seedAttributes(QStringLiteral("lamp-1"), QStringLiteral("Lamp"), {{"room", "kitchen"}});
        seedAttributes(QStringLiteral("lamp-2"), QStringLiteral("Lamp"), {{"room", "hall"}});
        seedAttributes(QStringLiteral("lamp-3"), QStringLiteral("Lamp"), {{"room", "kitchenette"}});
        seedAttributes(QStringLiteral("fan-1"), QStringLiteral("Fan"), {{"room", "kitchen"}});
        seedAttributes(QStringLiteral("plain"), QString(), {{"path", "a/b"}});

        const auto page = VALUE(await<ThingPage>([&](auto callback) {
            m_registryClient->listThings(query, QString(), this, callback);
        }));
        QCOMPARE(namesOf(page.things), expected);
        QCOMPARE(requestLines(), QStringList{requestLine});

        // The same filter through every page, one thing per page.
        ThingQuery paged = query;
        paged.maxResults = 1;
        const auto all = VALUE(await<QList<ThingSummary>>(
            [&](auto callback) { m_registryClient->listAllThings(paged, this, {}, callback); }));
        QCOMPARE(namesOf(all), expected);
    }

    void invalidQueryIsRefusedBeforeAnyRequest_data()
    {
        QTest::addColumn<ThingQuery>("query");
        QTest::addColumn<QString>("problem");
        QTest::newRow("maxResults 251")
            << ThingQuery{{}, {}, false, {}, 251} << QStringLiteral("maxResults is 251");
        QTest::newRow("space in attribute name")
            << ThingQuery{QStringLiteral("my room"), {}, false, {}, 0}
            << QStringLiteral("attribute name");
        QTest::newRow("space in attribute value")
            << ThingQuery{QStringLiteral("room"), QStringLiteral("a b"), false, {}, 0}
            << QStringLiteral("attribute value");
        QTest::newRow("prefix without a name")
            << ThingQuery{{}, {}, true, {}, 0} << QStringLiteral("needs an attribute name");
        QTest::newRow("bad type name") << ThingQuery{{}, {}, false, QStringLiteral("a b"), 0}
                                       << QStringLiteral("thing type name");
    }

    void invalidQueryIsRefusedBeforeAnyRequest()
    {
        QFETCH(ThingQuery, query);
        QFETCH(QString, problem);
        const auto page = await<ThingPage>(
            [&](auto callback) { m_registryClient->listThings(query, QString(), this, callback); });
        QVERIFY(!page.ok());
        QCOMPARE(page.error().kind, IotError::Kind::InvalidArgument);
        QVERIFY2(page.error().message.contains(problem), qPrintable(page.error().message));
        QCOMPARE(page.error().toString(), page.error().message);

        RegistryClient::ListId id = 1;
        const auto all = await<QList<ThingSummary>>([&](auto callback) {
            id = m_registryClient->listAllThings(query, this, {}, callback);
        });
        QCOMPARE(id, RegistryClient::ListId(0));
        QCOMPARE(all.error().kind, IotError::Kind::InvalidArgument);
        QCOMPARE(requestCount(), 0);
    }

    void resultsAreNeverReportedInsideTheCall()
    {
        bool reported = false;
        m_registryClient->listThings(ThingQuery{{}, {}, false, {}, 999}, QString(), this,
                                     [&reported](const auto &) { reported = true; });
        QVERIFY(!reported);
        QTRY_VERIFY(reported);
    }

    // ---- ListThings: every page --------------------------------------------------------------

    void listAllThingsWithProgress()
    {
        seedNumbered(600);
        QList<std::pair<int, int>> progress;
        ThingQuery query;
        query.maxResults = 50;
        const auto all = VALUE(await<QList<ThingSummary>>([&](auto callback) {
            m_registryClient->listAllThings(
                query, this,
                [&progress](int things, int pages) {
                    progress.append({things, pages});
                },
                callback);
        }));
        QCOMPARE(all.size(), 600);
        QCOMPARE(all.first().name, QStringLiteral("thing-000"));
        QCOMPARE(all.last().name, QStringLiteral("thing-599"));
        for (int i = 0; i < all.size(); ++i)
            QCOMPARE(all.at(i).name, QStringLiteral("thing-%1").arg(i, 3, 10, QLatin1Char('0')));
        QCOMPARE(progress.size(), 12);
        for (int page = 1; page <= 12; ++page)
            QCOMPARE(progress.at(page - 1), std::make_pair(page * 50, page));
        QCOMPARE(requestCount(), 12);
        QCOMPARE(requestLines().first(), QStringLiteral("GET /things?maxResults=50"));
        for (const QString &line : requestLines().mid(1))
            QVERIFY2(line.startsWith(QStringLiteral("GET /things?maxResults=50&nextToken=")),
                     qPrintable(line));
    }

    void listAllThingsUsesLargestPagesByDefault()
    {
        seedNumbered(600);
        int pages = 0;
        const auto all = VALUE(await<QList<ThingSummary>>([&](auto callback) {
            m_registryClient->listAllThings(
                ThingQuery(), this, [&pages](int, int soFar) { pages = soFar; }, callback);
        }));
        QCOMPARE(all.size(), 600);
        QCOMPARE(pages, 3);
        QCOMPARE(requestCount(), 3);
        QCOMPARE(requestLines().first(), QStringLiteral("GET /things?maxResults=250"));
    }

    void listAllThingsOneRequestAtATime()
    {
        seedNumbered(600);
        // Hold every answer back until the test releases it: a second request before the
        // first is answered would show up here.
        QList<std::pair<HttpRequest, HttpResponder>> held;
        m_server->setHandler([&held](const HttpRequest &request, HttpResponder responder) {
            held.append({request, responder});
        });
        std::optional<Result<QList<ThingSummary>, IotError>> result;
        ThingQuery query;
        query.maxResults = 100;
        m_registryClient->listAllThings(query, this, {}, [&result](const auto &r) { result = r; });
        for (int page = 1; page <= 6; ++page) {
            QTRY_COMPARE(held.size(), 1);
            QTest::qWait(20);
            QCOMPARE(held.size(), 1);
            const auto [request, responder] = held.takeFirst();
            responder.respond(m_api->respond(request));
        }
        QTRY_VERIFY(result.has_value());
        QCOMPARE(VALUE(*result).size(), 600);
    }

    void cancelFromProgress()
    {
        seedNumbered(600);
        ThingQuery query;
        query.maxResults = 50;
        RegistryClient::ListId id = 0;
        QList<int> progress;
        const auto all = await<QList<ThingSummary>>([&](auto callback) {
            id = m_registryClient->listAllThings(
                query, this,
                [&](int things, int pages) {
                    progress.append(things);
                    if (pages == 3)
                        m_registryClient->cancel(id);
                },
                callback);
        });
        QVERIFY(id != 0);
        QVERIFY(!all.ok());
        QCOMPARE(all.error().kind, IotError::Kind::Cancelled);
        QCOMPARE(progress, (QList<int>{50, 100, 150}));
        QTest::qWait(100);
        QCOMPARE(requestCount(), 3);
        QCOMPARE(progress.size(), 3);
        m_registryClient->cancel(id); // a finished listing: ignored
    }

    void cancelWhileAPageIsInFlight()
    {
        seedNumbered(600);
        QList<std::pair<HttpRequest, HttpResponder>> held;
        m_server->setHandler([&held](const HttpRequest &request, HttpResponder responder) {
            held.append({request, responder});
        });
        ThingQuery query;
        query.maxResults = 50;
        int calls = 0;
        std::optional<Result<QList<ThingSummary>, IotError>> result;
        const RegistryClient::ListId id =
            m_registryClient->listAllThings(query, this, {}, [&](const auto &r) {
                ++calls;
                result = r;
            });
        QTRY_COMPARE(held.size(), 1); // the first page is on its way, unanswered
        m_registryClient->cancel(id);
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->error().kind, IotError::Kind::Cancelled);
        const auto [request, responder] = held.takeFirst();
        responder.respond(m_api->respond(request)); // too late: the call was aborted
        QTest::qWait(100);
        QVERIFY(held.isEmpty());
        QCOMPARE(calls, 1);
    }

    void listingStopsWhenItsContextIsDestroyed()
    {
        seedNumbered(600);
        auto context = std::make_unique<QObject>();
        ThingQuery query;
        query.maxResults = 50;
        int pages = 0;
        bool finished = false;
        m_registryClient->listAllThings(
            query, context.get(),
            [&](int, int soFar) {
                pages = soFar;
                if (soFar == 2)
                    context.reset();
            },
            [&finished](const auto &) { finished = true; });
        QTRY_COMPARE(pages, 2);
        QTest::qWait(100);
        QCOMPARE(requestCount(), 2);
        QVERIFY(!finished);
    }

    void listAllThingsReportsAFailedPage()
    {
        seedNumbered(120);
        ThingQuery query;
        query.maxResults = 50;
        int pages = 0;
        const auto all = await<QList<ThingSummary>>([&](auto callback) {
            m_registryClient->listAllThings(
                query, this,
                [&](int, int soFar) {
                    pages = soFar;
                    m_api->setThrottle(ThrottlePolicy{1, 0}); // refuse everything from now
                },
                callback);
        });
        QVERIFY(!all.ok());
        QCOMPARE(all.error().kind, IotError::Kind::Failed);
        QCOMPARE(all.error().aws.code, QStringLiteral("ThrottlingException"));
        QCOMPARE(pages, 1);
        QCOMPARE(requestCount(), 2);
    }

    // ---- thing types, groups, principals ---------------------------------------------------

    void listThingTypes()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        succeed(control("POST", {QStringLiteral("thing-types"), QStringLiteral("Lamp")}, {},
                        R"({"thingTypeProperties":{"thingTypeDescription":"A lamp",)"
                        R"("searchableAttributes":["room","floor"]}})"));
        seedType(QStringLiteral("Fan"));
        m_received.clear();
        const auto types = VALUE(await<QList<ThingTypeSummary>>(
            [&](auto callback) { m_registryClient->listThingTypes(this, callback); }));
        QCOMPARE(types.size(), 2);
        const ThingTypeSummary &fan = types.at(0);
        const ThingTypeSummary &lamp = types.at(1);
        QCOMPARE(fan.name, QStringLiteral("Fan"));
        QCOMPARE(fan.description, QString());
        QVERIFY(fan.searchableAttributes.isEmpty());
        QCOMPARE(lamp.name, QStringLiteral("Lamp"));
        QCOMPARE(lamp.arn, QStringLiteral("arn:aws:iot:us-east-1:123456789012:thingtype/Lamp"));
        QCOMPARE(lamp.description, QStringLiteral("A lamp"));
        QCOMPARE(lamp.searchableAttributes,
                 (QStringList{QStringLiteral("room"), QStringLiteral("floor")}));
        QVERIFY(!lamp.deprecated);
        QVERIFY(!lamp.deprecationDate.isValid());
        QCOMPARE(lamp.creationDate.timeZone(), QTimeZone::utc());
        QVERIFY(lamp.creationDate.toMSecsSinceEpoch() >= before - 1000);
        QVERIFY(lamp.creationDate.toMSecsSinceEpoch() <= QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(requestLines(), QStringList{QStringLiteral("GET /thing-types?maxResults=250")});
    }

    void listThingTypesThroughPages()
    {
        for (int i = 0; i < 260; ++i)
            seedType(QStringLiteral("type-%1").arg(i, 3, 10, QLatin1Char('0')));
        const auto types = VALUE(await<QList<ThingTypeSummary>>(
            [&](auto callback) { m_registryClient->listThingTypes(this, callback); }));
        QCOMPARE(types.size(), 260);
        QCOMPARE(types.last().name, QStringLiteral("type-259"));
        QCOMPARE(requestCount(), 2);
    }

    void listThingGroupsForThing()
    {
        seedThing(QStringLiteral("lamp-1"));
        seedThing(QStringLiteral("lamp-2"));
        seedGroup(QStringLiteral("building"));
        seedGroup(QStringLiteral("floor-1"), QStringLiteral("building"));
        seedGroup(QStringLiteral("lights"));
        for (const char *group : {"floor-1", "lights"}) {
            RegistryCall add;
            add.body = QJsonObject{{QStringLiteral("thingGroupName"), QLatin1String(group)},
                                   {QStringLiteral("thingName"), QStringLiteral("lamp-1")}};
            QVERIFY(m_registry->addThingToThingGroup(add).ok());
        }
        const auto groups = VALUE(await<QList<ThingGroupSummary>>([&](auto callback) {
            m_registryClient->listThingGroupsForThing(thingName(QStringLiteral("lamp-1")), this,
                                                      callback);
        }));
        const QString arnBase = QStringLiteral("arn:aws:iot:us-east-1:123456789012:thinggroup/");
        QCOMPARE(groups, (QList<ThingGroupSummary>{
                             {QStringLiteral("floor-1"), arnBase + QStringLiteral("floor-1")},
                             {QStringLiteral("lights"), arnBase + QStringLiteral("lights")}}));
        const auto none = VALUE(await<QList<ThingGroupSummary>>([&](auto callback) {
            m_registryClient->listThingGroupsForThing(thingName(QStringLiteral("lamp-2")), this,
                                                      callback);
        }));
        QVERIFY(none.isEmpty());
        const auto ghost = await<QList<ThingGroupSummary>>([&](auto callback) {
            m_registryClient->listThingGroupsForThing(thingName(QStringLiteral("ghost")), this,
                                                      callback);
        });
        QCOMPARE(ghost.error().kind, IotError::Kind::NotFound);
        QCOMPARE(requestLines().first(),
                 QStringLiteral("GET /things/lamp-1/thing-groups?maxResults=250"));
    }

    void listThingPrincipals()
    {
        seedThing(QStringLiteral("lamp-1"));
        const QStringList principals{
            QStringLiteral("arn:aws:iot:us-east-1:123456789012:cert/aaa111"),
            QStringLiteral("arn:aws:iot:us-east-1:123456789012:cert/bbb222")};
        for (const QString &principal : principals) {
            RegistryCall attach;
            attach.name = QStringLiteral("lamp-1");
            attach.principal = principal;
            QVERIFY(m_registry->attachThingPrincipal(attach).ok());
        }
        const auto listed = VALUE(await<QStringList>([&](auto callback) {
            m_registryClient->listThingPrincipals(thingName(QStringLiteral("lamp-1")), this,
                                                  callback);
        }));
        QCOMPARE(listed, principals);
        QCOMPARE(requestLines(),
                 QStringList{QStringLiteral("GET /things/lamp-1/principals?maxResults=250")});
        const auto ghost = await<QStringList>([&](auto callback) {
            m_registryClient->listThingPrincipals(thingName(QStringLiteral("ghost")), this,
                                                  callback);
        });
        QCOMPARE(ghost.error().kind, IotError::Kind::NotFound);
    }

    // ---- UpdateThing ------------------------------------------------------------------------

    void updateThingAttributes_data()
    {
        QTest::addColumn<Attributes>("attributes");
        QTest::addColumn<bool>("merge");
        QTest::addColumn<Attributes>("expected");

        using Map = QMap<QString, QString>;
        const QString room = QStringLiteral("room");
        const QString floor = QStringLiteral("floor");
        const QString color = QStringLiteral("color");
        const QString kitchen = QStringLiteral("kitchen");
        QTest::newRow("merge adds")
            << Map{{color, QStringLiteral("red")}} << true
            << Map{{room, kitchen}, {floor, QStringLiteral("1")}, {color, QStringLiteral("red")}};
        QTest::newRow("merge changes") << Map{{floor, QStringLiteral("2")}} << true
                                       << Map{{room, kitchen}, {floor, QStringLiteral("2")}};
        QTest::newRow("empty value removes")
            << Map{{floor, QString()}} << true << Map{{room, kitchen}};
        QTest::newRow("without merge replaces")
            << Map{{color, QStringLiteral("red")}} << false << Map{{color, QStringLiteral("red")}};
        QTest::newRow("without merge, nothing clears") << Map() << false << Map();
    }

    void updateThingAttributes()
    {
        QFETCH(Attributes, attributes);
        QFETCH(bool, merge);
        QFETCH(Attributes, expected);
        seedAttributes(QStringLiteral("lamp-1"), QString(), {{"room", "kitchen"}, {"floor", "1"}});
        ThingAttributeUpdate change;
        change.attributes = attributes;
        change.merge = merge;
        QVERIFY(VALUE(update(QStringLiteral("lamp-1"), change)) == std::monostate());
        const ThingDescription thing = VALUE(describe(QStringLiteral("lamp-1")));
        QCOMPARE(thing.attributes, expected);
        QCOMPARE(thing.version, 2);
        QCOMPARE(requestLines().first(), QStringLiteral("PATCH /things/lamp-1"));
    }

    void updateWithExpectedVersion()
    {
        seedAttributes(QStringLiteral("lamp-1"), QString(), {{"room", "kitchen"}});
        ThingAttributeUpdate change;
        change.attributes = {{QStringLiteral("room"), QStringLiteral("hall")}};
        change.expectedVersion = 1;
        QVERIFY(update(QStringLiteral("lamp-1"), change).ok());

        // Based on version 1 again, which is no longer current: a conflict to re-fetch after.
        change.attributes = {{QStringLiteral("room"), QStringLiteral("attic")}};
        const auto stale = update(QStringLiteral("lamp-1"), change);
        QVERIFY(!stale.ok());
        QCOMPARE(stale.error().kind, IotError::Kind::Conflict);
        QVERIFY(stale.error().isConflict());
        QCOMPARE(stale.error().aws.httpStatus, 409);
        QCOMPARE(stale.error().aws.code, QStringLiteral("VersionConflictException"));

        const ThingDescription current = VALUE(describe(QStringLiteral("lamp-1")));
        QCOMPARE(current.attributes.value(QStringLiteral("room")), QStringLiteral("hall"));
        change.expectedVersion = current.version;
        QVERIFY(update(QStringLiteral("lamp-1"), change).ok());
        QCOMPARE(VALUE(describe(QStringLiteral("lamp-1"))).version, 3);
    }

    void updateUnknownThing()
    {
        const auto result = update(QStringLiteral("ghost"), ThingAttributeUpdate());
        QCOMPARE(result.error().kind, IotError::Kind::NotFound);
    }

    void invalidAttributesAreRefusedBeforeAnyRequest()
    {
        seedThing(QStringLiteral("lamp-1"));
        ThingAttributeUpdate change;
        change.attributes = {{QStringLiteral("my room"), QStringLiteral("x")}};
        const auto result = update(QStringLiteral("lamp-1"), change);
        QCOMPARE(result.error().kind, IotError::Kind::InvalidArgument);
        QVERIFY(result.error().message.contains(QStringLiteral("attribute name")));
        QCOMPARE(requestCount(), 0);
    }

    // ---- endpoints -------------------------------------------------------------------------

    void describeEndpointIsCached()
    {
        const auto ask = [this] {
            return await<QString>(
                [&](auto callback) { m_registryClient->describeDataEndpoint(this, callback); });
        };
        QCOMPARE(VALUE(ask()), endpointAddress());
        QCOMPARE(requestLines(),
                 QStringList{QStringLiteral("GET /endpoint?endpointType=iot%3AData-ATS")});
        QCOMPARE(m_received.first().service, QStringLiteral("iot"));
        QCOMPARE(VALUE(ask()), endpointAddress());
        QCOMPARE(requestCount(), 1);
    }

    void concurrentDescribeEndpointsShareOneRequest()
    {
        std::optional<Result<QString, IotError>> first;
        std::optional<Result<QUrl, IotError>> second;
        m_endpoints->describeDataEndpoint(this, [&first](const auto &r) { first = r; });
        auto target = sandboxTarget();
        target.dataPlane = QUrl();
        m_endpoints->setTarget(m_client.get(), target);
        m_endpoints->resolveDataPlane(this, [&second](const auto &r) { second = r; });
        QTRY_VERIFY(first.has_value() && second.has_value());
        QCOMPARE(VALUE(*first), endpointAddress());
        QCOMPARE(VALUE(*second), QUrl(QStringLiteral("https://") + endpointAddress()));
        QCOMPARE(requestCount(), 1);
    }

    void describeEndpointIsCachedPerProfileAndRegion()
    {
        const auto resolve = [this](const QString &profile, const QString &clientRegion) {
            auto target = sandboxTarget(profile);
            target.region = clientRegion;
            target.dataPlane = QUrl();
            m_endpoints->setTarget(m_client.get(), target);
            return await<QUrl>(
                [&](auto callback) { m_endpoints->resolveDataPlane(this, callback); });
        };
        const QUrl expected(QStringLiteral("https://") + endpointAddress());
        QCOMPARE(VALUE(resolve(QStringLiteral("a"), region())), expected);
        QCOMPARE(requestCount(), 1);
        QCOMPARE(VALUE(resolve(QStringLiteral("b"), region())), expected);
        QCOMPARE(requestCount(), 2);
        // Another region of profile b: the client still signs for us-east-1, which the sandbox
        // accepts; what matters is that the cache asks again.
        QCOMPARE(VALUE(resolve(QStringLiteral("b"), QStringLiteral("eu-west-1"))), expected);
        QCOMPARE(requestCount(), 3);
        QCOMPARE(VALUE(resolve(QStringLiteral("a"), region())), expected);
        QCOMPARE(VALUE(resolve(QStringLiteral("b"), region())), expected);
        QCOMPARE(VALUE(resolve(QStringLiteral("b"), QStringLiteral("eu-west-1"))), expected);
        QCOMPARE(requestCount(), 3);
    }

    void dataPlaneOverrideAsksNothing()
    {
        const auto url = VALUE(
            await<QUrl>([&](auto callback) { m_endpoints->resolveDataPlane(this, callback); }));
        QCOMPARE(url, m_server->url());
        QCOMPARE(requestCount(), 0);
    }

    void failedDescribeEndpointIsNotCached()
    {
        m_api->setThrottle(ThrottlePolicy{1, 0});
        auto target = sandboxTarget();
        target.dataPlane = QUrl();
        m_endpoints->setTarget(m_client.get(), target);
        const auto refused =
            await<QUrl>([&](auto callback) { m_endpoints->resolveDataPlane(this, callback); });
        QCOMPARE(refused.error().aws.code, QStringLiteral("ThrottlingException"));
        m_api->setThrottle(ThrottlePolicy());
        const auto url = VALUE(
            await<QUrl>([&](auto callback) { m_endpoints->resolveDataPlane(this, callback); }));
        QCOMPARE(url, QUrl(QStringLiteral("https://") + endpointAddress()));
        QCOMPARE(requestCount(), 2);
    }

    void controlPlaneUrl_data()
    {
        QTest::addColumn<QString>("region");
        QTest::addColumn<QUrl>("override");
        QTest::addColumn<QString>("expected"); // empty: refused
        QTest::newRow("region") << QStringLiteral("eu-west-1") << QUrl()
                                << QStringLiteral("https://iot.eu-west-1.amazonaws.com");
        QTest::newRow("China") << QStringLiteral("cn-north-1") << QUrl()
                               << QStringLiteral("https://iot.cn-north-1.amazonaws.com.cn");
        QTest::newRow("override wins")
            << QStringLiteral("eu-west-1") << QUrl(QStringLiteral("https://localhost:4443"))
            << QStringLiteral("https://localhost:4443");
        QTest::newRow("override without region")
            << QString() << QUrl(QStringLiteral("https://localhost:4443"))
            << QStringLiteral("https://localhost:4443");
        QTest::newRow("no region") << QString() << QUrl() << QString();
    }

    void controlPlaneUrl()
    {
        QFETCH(QString, region);
        QFETCH(QUrl, override);
        QFETCH(QString, expected);
        const IotEndpoints endpoints(m_client.get(),
                                     {QStringLiteral("default"), region, override, QUrl()});
        const auto url = endpoints.controlPlaneUrl();
        QCOMPARE(url.ok(), !expected.isEmpty());
        if (url.ok())
            QCOMPARE(url.value(), QUrl(expected));
        else
            QCOMPARE(url.error().kind, IotError::Kind::InvalidArgument);
    }

    void noRegionIsRefusedBeforeAnyRequest()
    {
        m_endpoints->setTarget(m_client.get(), {QStringLiteral("p"), QString(), QUrl(), QUrl()});
        const auto thing = describe(QStringLiteral("lamp-1"));
        QCOMPARE(thing.error().kind, IotError::Kind::InvalidArgument);
        QVERIFY(thing.error().message.contains(QStringLiteral("No AWS region")));
        const auto address = await<QString>(
            [&](auto callback) { m_endpoints->describeDataEndpoint(this, callback); });
        QCOMPARE(address.error().kind, IotError::Kind::InvalidArgument);
        const auto types = await<QList<ThingTypeSummary>>(
            [&](auto callback) { m_registryClient->listThingTypes(this, callback); });
        QCOMPARE(types.error().kind, IotError::Kind::InvalidArgument);
        QCOMPARE(requestCount(), 0);
    }

    void targetFromConfig()
    {
        QTemporaryDir home;
        QDir(home.path()).mkpath(QStringLiteral(".aws"));
        QFile config(home.filePath(QStringLiteral(".aws/config")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(
            "[profile lab]\nregion = eu-central-1\nendpoint_url = https://localhost:9443\n");
        config.close();
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("AWS_ENDPOINT_URL_IOT_DATA_PLANE"),
                   QStringLiteral("https://data.localhost:8443"));
        const auto loaded = AwsConfig::load(env, QStringLiteral("lab"));
        QVERIFY(loaded.ok());
        const auto target = IotEndpoints::Target::fromConfig(loaded.value());
        QVERIFY(target.ok());
        QCOMPARE(target.value().profile, QStringLiteral("lab"));
        QCOMPARE(target.value().region, QStringLiteral("eu-central-1"));
        QCOMPARE(target.value().controlPlane, QUrl(QStringLiteral("https://localhost:9443")));
        QCOMPARE(target.value().dataPlane, QUrl(QStringLiteral("https://data.localhost:8443")));
    }
};

QTEST_GUILESS_MAIN(TestRegistryClient)
#include "tst_registryclient.moc"
