// ThingListModel against the sandbox's REST control plane (in process, HTTPS on loopback):
// paging with canFetchMore/fetchMore and one request in flight, load all with progress and
// cancel, server-side filters starting a new listing, refresh merging changes in place while
// a selection stays, an error then retry, updateThing and the display roles — all under
// QAbstractItemModelTester.
#include "IotClientFixture.h"
#include "models/ThingListModel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>

using namespace thingdeck;
using namespace thingdeck::test;

class TestThingListModel : public IotClientFixture
{
    Q_OBJECT

private:
    std::unique_ptr<ThingListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

    void seedNumbered(int count)
    {
        for (int i = 0; i < count; ++i)
            seedThing(QStringLiteral("thing-%1").arg(i, 3, 10, QLatin1Char('0')));
    }

    void seedWithType(const QString &name, const QString &type, const QString &room)
    {
        seedThing(name, QJsonObject{{QStringLiteral("thingTypeName"), type},
                                    {QStringLiteral("attributePayload"),
                                     QJsonObject{{QStringLiteral("attributes"),
                                                  QJsonObject{{QStringLiteral("room"), room}}}}}});
    }

    static ThingQuery pagesOf(int size)
    {
        ThingQuery query;
        query.maxResults = size;
        return query;
    }

    QStringList names() const
    {
        QStringList out;
        for (int row = 0; row < m_model->rowCount(); ++row)
            out.append(m_model->thingAt(row).name);
        return out;
    }

private Q_SLOTS:
    void initTestCase() { setUpPki(); }

    void init()
    {
        setUpClients();
        m_model = std::make_unique<ThingListModel>(m_registryClient.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        // The tester, like a view, asked for the first page of the empty registry already.
        QTRY_VERIFY(!m_model->isLoading());
        QCOMPARE(m_model->rowCount(), 0);
        m_received.clear();
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        tearDownClients();
    }

    void withoutARegistryNothingIsFetched()
    {
        ThingListModel model(nullptr);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(!model.canFetchMore());
        QVERIFY(!model.hasMore());
        model.fetchMore();
        model.loadAll();
        model.refresh();
        QVERIFY(!model.isLoading());
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(ThingListModel::ColumnCount));
        QCOMPARE(model.headerData(ThingListModel::VersionColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Version"));
    }

    // Asking for more while a page is held back must not send a second request.
    void pagesWithFetchMoreOneRequestInFlight()
    {
        seedNumbered(7);
        QList<std::pair<HttpRequest, HttpResponder>> held;
        m_server->setHandler([&](const HttpRequest &request, HttpResponder responder) {
            m_received.append({QString::fromLatin1(request.method + ' ' + request.target), {}, {}});
            held.append({request, responder});
        });
        QSignalSpy loading(m_model.get(), &ThingListModel::loadingChanged);
        m_model->setQuery(pagesOf(3));
        for (int page = 1; page <= 3; ++page) {
            QTRY_COMPARE(held.size(), 1);
            QVERIFY2(m_model->isLoading(), qPrintable(QString::number(page)));
            QVERIFY(!m_model->canFetchMore());
            m_model->fetchMore(); // ignored: a page is in flight
            QTest::qWait(20);
            QCOMPARE(held.size(), 1);
            const auto [request, responder] = held.takeFirst();
            responder.respond(m_api->respond(request));
            QTRY_COMPARE(m_model->rowCount(), qMin(page * 3, 7));
            QCOMPARE(m_model->canFetchMore(), page < 3);
            m_model->fetchMore();
        }
        QTRY_VERIFY(!m_model->isLoading());
        QVERIFY(!m_model->hasMore());
        QVERIFY(!m_model->canFetchMore());
        QCOMPARE(m_model->pagesLoaded(), 3);
        QCOMPARE(requestCount(), 3);
        QCOMPARE(requestLines().first(), QStringLiteral("GET /things?maxResults=3"));
        QVERIFY(requestLines().at(2).contains(QStringLiteral("nextToken=")));
        QVERIFY(!loading.isEmpty());
        QCOMPARE(loading.last().first().toBool(), false);
        QCOMPARE(names().last(), QStringLiteral("thing-006"));
        QCOMPARE(m_model->rowOfThing(QStringLiteral("thing-004")), 4);
        QCOMPARE(m_model->rowOfThing(QStringLiteral("ghost")), -1);
    }

    void defaultPageSizeIsTheLargest()
    {
        seedNumbered(3);
        m_model->setQuery(ThingQuery());
        QTRY_COMPARE(m_model->rowCount(), 3);
        QCOMPARE(requestLines(), QStringList{QStringLiteral("GET /things?maxResults=250")});
    }

    void pageInsertsRowsOnce()
    {
        seedNumbered(5);
        m_model->setQuery(ThingQuery()); // the one reset, before any row
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QTRY_COMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(inserted.first().at(2).toInt(), 4);
        QCOMPARE(reset.size(), 0);
    }

    void loadAllWithProgress()
    {
        seedNumbered(12);
        m_model->setQuery(pagesOf(5));
        QSignalSpy progress(m_model.get(), &ThingListModel::loadAllProgress);
        QSignalSpy finished(m_model.get(), &ThingListModel::loadAllFinished);
        m_model->loadAll();
        QVERIFY(m_model->isLoadingAll());
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(!m_model->isLoadingAll());
        QCOMPARE(m_model->rowCount(), 12);
        QCOMPARE(progress.size(), 3);
        QCOMPARE(progress.at(0), (QList<QVariant>{5, 1}));
        QCOMPARE(progress.at(2), (QList<QVariant>{12, 3}));
        QCOMPARE(requestCount(), 3);
    }

    void cancelLoadAllInTheMiddle()
    {
        seedNumbered(30);
        // The tester fetches more after every insert (a view at the end would): without it,
        // what stops the paging after the cancel is the model alone.
        m_tester.reset();
        m_model->setQuery(pagesOf(5));
        QTRY_COMPARE(m_model->rowCount(), 5);
        QList<int> pages;
        connect(m_model.get(), &ThingListModel::loadAllProgress, this, [&](int, int soFar) {
            pages.append(soFar);
            if (soFar == 3)
                m_model->cancelLoadAll();
        });
        QSignalSpy finished(m_model.get(), &ThingListModel::loadAllFinished);
        m_model->loadAll();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(pages, (QList<int>{2, 3}));
        QTest::qWait(100);
        QCOMPARE(m_model->rowCount(), 15);
        QCOMPARE(requestCount(), 3);
        QVERIFY(m_model->canFetchMore());
    }

    void serverSideFiltersStartANewListing()
    {
        seedType(QStringLiteral("Lamp"));
        seedType(QStringLiteral("Fan"));
        seedWithType(QStringLiteral("lamp-1"), QStringLiteral("Lamp"), QStringLiteral("hall"));
        seedWithType(QStringLiteral("lamp-2"), QStringLiteral("Lamp"), QStringLiteral("kitchen"));
        seedWithType(QStringLiteral("fan-1"), QStringLiteral("Fan"), QStringLiteral("kitchen"));
        m_model->setQuery(ThingQuery());
        QTRY_COMPARE(m_model->rowCount(), 3);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

        ThingQuery byType;
        byType.thingTypeName = QStringLiteral("Lamp");
        m_model->setQuery(byType);
        QCOMPARE(reset.size(), 1);
        QTRY_COMPARE(names(), (QStringList{QStringLiteral("lamp-1"), QStringLiteral("lamp-2")}));
        QCOMPARE(m_model->query(), byType);
        QCOMPARE(requestLines().last(),
                 QStringLiteral("GET /things?maxResults=250&thingTypeName=Lamp"));

        ThingQuery byAttribute;
        byAttribute.attributeName = QStringLiteral("room");
        byAttribute.attributeValue = QStringLiteral("kitchen");
        m_model->setQuery(byAttribute);
        QTRY_COMPARE(names(), (QStringList{QStringLiteral("fan-1"), QStringLiteral("lamp-2")}));
        QCOMPARE(requestLines().last(),
                 QStringLiteral("GET /things?maxResults=250&"
                                "attributeName=room&attributeValue=kitchen"));
        QCOMPARE(m_model->pagesLoaded(), 1);
    }

    void answersOfAnOldListingAreDropped()
    {
        seedNumbered(4);
        m_model->setQuery(pagesOf(2));
        ThingQuery other = pagesOf(3);
        m_model->setQuery(other); // the first request is still in flight: the second waits
        QTRY_COMPARE(m_model->rowCount(), 3);
        QTest::qWait(50);
        QCOMPARE(names(), (QStringList{QStringLiteral("thing-000"), QStringLiteral("thing-001"),
                                       QStringLiteral("thing-002")}));
        QCOMPARE(m_model->pagesLoaded(), 1);
        QCOMPARE(requestCount(), 2);
    }

    void refreshMergesChangesAndKeepsTheSelection()
    {
        seedNumbered(6);
        m_model->setQuery(pagesOf(4));
        QTRY_COMPARE(m_model->rowCount(), 4);
        QItemSelectionModel selection(m_model.get());
        selection.select(m_model->index(3, 0),
                         QItemSelectionModel::Select | QItemSelectionModel::Rows);

        RegistryCall change;
        change.name = QStringLiteral("thing-001");
        change.body = QJsonObject{
            {QStringLiteral("attributePayload"),
             QJsonObject{{QStringLiteral("attributes"),
                          QJsonObject{{QStringLiteral("colour"), QStringLiteral("red")}}}}}};
        QVERIFY(m_registry->updateThing(change).ok());
        RegistryCall remove;
        remove.name = QStringLiteral("thing-002");
        QVERIFY(m_registry->deleteThing(remove).ok());
        seedThing(QStringLiteral("thing-000a"));

        QSignalSpy refreshed(m_model.get(), &ThingListModel::refreshed);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->refresh();
        QVERIFY(m_model->isRefreshing());
        QVERIFY(!m_model->canFetchMore());
        QTRY_COMPARE(refreshed.size(), 1);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(names(), (QStringList{QStringLiteral("thing-000"), QStringLiteral("thing-000a"),
                                       QStringLiteral("thing-001"), QStringLiteral("thing-003")}));
        const ThingSummary &edited =
            m_model->thingAt(m_model->rowOfThing(QStringLiteral("thing-001")));
        QCOMPARE(edited.version, 2);
        QCOMPARE(edited.attributes.value(QStringLiteral("colour")), QStringLiteral("red"));
        QCOMPARE(selection.selectedRows().size(), 1);
        QCOMPARE(selection.selectedRows().first().data(ThingListModel::ThingNameRole).toString(),
                 QStringLiteral("thing-003"));
        QCOMPARE(m_model->rowOfThing(QStringLiteral("thing-003")), 3);
        QVERIFY(m_model->canFetchMore()); // and the listing goes on after the refreshed rows
        m_model->fetchMore();
        QTRY_COMPARE(m_model->rowCount(), 6);
        QCOMPARE(names().last(), QStringLiteral("thing-005"));
    }

    void refreshAfterLoadingAllListsAll()
    {
        seedNumbered(7);
        m_model->setQuery(pagesOf(3));
        QSignalSpy finished(m_model.get(), &ThingListModel::loadAllFinished);
        m_model->loadAll();
        QTRY_COMPARE(finished.size(), 1);
        seedThing(QStringLiteral("thing-100"));
        QSignalSpy refreshed(m_model.get(), &ThingListModel::refreshed);
        m_model->refresh();
        QTRY_COMPARE(refreshed.size(), 1);
        QCOMPARE(m_model->rowCount(), 8);
        QVERIFY(!m_model->hasMore());
    }

    void errorThenRetry()
    {
        seedNumbered(3);
        m_api->setThrottle(ThrottlePolicy{1, 0}); // refuse everything
        QSignalSpy errors(m_model.get(), &ThingListModel::errorOccurred);
        m_model->setQuery(ThingQuery());
        QTRY_COMPARE(errors.size(), 1);
        QCOMPARE(errors.first().first().value<IotError>().aws.code,
                 QStringLiteral("ThrottlingException"));
        QVERIFY(m_model->lastError().has_value());
        QVERIFY(!m_model->isLoading());
        QVERIFY(!m_model->canFetchMore()); // a view does not hammer a failing service
        QCOMPARE(m_model->rowCount(), 0);
        m_api->setThrottle(ThrottlePolicy{});
        m_model->retry();
        QTRY_COMPARE(m_model->rowCount(), 3);
        QVERIFY(!m_model->lastError().has_value());
        QCOMPARE(requestCount(), 2);
    }

    void updateThingChangesTheRowInPlace()
    {
        ThingListModel model(nullptr);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ThingSummary lamp{QStringLiteral("lamp"),
                          QStringLiteral("Lamp"),
                          QString(),
                          {{QStringLiteral("room"), QStringLiteral("hall")}},
                          1};
        model.appendThings({ThingSummary{QStringLiteral("fan"), {}, {}, {}, 4}, lamp});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        lamp.attributes.insert(QStringLiteral("colour"), QStringLiteral("red"));
        lamp.version = 2;
        model.updateThing(lamp);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex(), model.index(1, 0));
        QCOMPARE(changed.first().at(1).toModelIndex(), model.index(1, 3));
        QCOMPARE(model.index(1, ThingListModel::VersionColumn).data(ThingListModel::SortRole),
                 QVariant::fromValue(qint64(2)));
        QCOMPARE(model.index(1, ThingListModel::AttributesColumn).data().toString(),
                 QStringLiteral("colour=red, room=hall"));
        QCOMPARE(model.index(1, 0).data(ThingListModel::SearchTextRole).toString(),
                 QStringLiteral("lamp\nlamp\nred\nhall"));
        model.updateThing(lamp); // unchanged
        model.updateThing(ThingSummary{QStringLiteral("ghost"), {}, {}, {}, 1});
        QCOMPARE(changed.size(), 1);
    }

    void displayRoles()
    {
        QMap<QString, QString> many;
        for (int i = 0; i < 10; ++i)
            many.insert(QStringLiteral("key%1").arg(i), QStringLiteral("value-%1").arg(i));
        ThingListModel model(nullptr);
        model.appendThings(
            {ThingSummary{QStringLiteral("big"), QStringLiteral("Sensor"), {}, many, 42}});
        const QString shown = model.index(0, ThingListModel::AttributesColumn).data().toString();
        QVERIFY(shown.startsWith(QStringLiteral("key0=value-0, key1=value-1")));
        QCOMPARE(shown.size(), ThingListModel::kAttributesDisplayLength + 1);
        QVERIFY(shown.endsWith(QChar(0x2026)));
        const QString tip =
            model.index(0, ThingListModel::AttributesColumn).data(Qt::ToolTipRole).toString();
        QCOMPARE(tip.split(QLatin1Char('\n')).size(), 10);
        QCOMPARE(tip.split(QLatin1Char('\n')).last(), QStringLiteral("key9=value-9"));
        QCOMPARE(model.index(0, ThingListModel::VersionColumn).data().toLongLong(), 42);
        QCOMPARE(model.index(0, ThingListModel::TypeColumn)
                     .data(ThingListModel::ThingNameRole)
                     .toString(),
                 QStringLiteral("big"));
        QVERIFY(!model.index(0, ThingListModel::NameColumn).data(Qt::ToolTipRole).isValid());
    }

    void clearStopsListing()
    {
        seedNumbered(3);
        m_model->setQuery(ThingQuery());
        QTRY_COMPARE(m_model->rowCount(), 3);
        m_model->clear();
        QCOMPARE(m_model->rowCount(), 0);
        QVERIFY(!m_model->canFetchMore());
        m_model->setQuery(ThingQuery());
        QTRY_COMPARE(m_model->rowCount(), 3);
    }
};

QTEST_GUILESS_MAIN(TestThingListModel)
#include "tst_thinglistmodel.moc"
