// ThingFilterModel over a ThingListModel filled without network: filter-as-you-type over
// name, type and attribute values, match ranges for highlighting, sorting by every column,
// rows appended and changed while filtered and sorted — all under QAbstractItemModelTester.
#include "models/ThingFilterModel.h"
#include "models/ThingListModel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStringListModel>
#include <QTest>

#include <algorithm>

using namespace thingdeck;

using Ranges = QList<std::pair<int, int>>;

namespace {

ThingSummary thing(const char *name, const char *type, QMap<QString, QString> attributes,
                   qint64 version)
{
    return ThingSummary{QString::fromUtf8(name), QString::fromUtf8(type), QString(),
                        std::move(attributes), version};
}

QList<ThingSummary> fleet()
{
    return {
        thing("lamp-01", "Lamp", {{QStringLiteral("room"), QStringLiteral("Kitchen")}}, 3),
        thing("thermostat-02", "Thermostat", {{QStringLiteral("room"), QStringLiteral("hall")}}, 1),
        thing("sensor-03", "Sensor",
              {{QStringLiteral("room"), QStringLiteral("attic")},
               {QStringLiteral("serial"), QStringLiteral("SN-480007")}},
              12),
        thing("Lamp-04", "", {}, 2),
        thing("gateway", "Gateway", {{QStringLiteral("lampCount"), QStringLiteral("4")}}, 7),
    };
}

/// A source that is not a ThingListModel and can insert, remove, change and move rows: each
/// string is a name, its own sort value and (lowercased) search text.
class NamesModel : public QStringListModel
{
public:
    using QStringListModel::QStringListModel;
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == ThingListModel::SortRole)
            return QStringListModel::data(index, Qt::DisplayRole);
        if (role == ThingListModel::SearchTextRole)
            return QStringListModel::data(index, Qt::DisplayRole).toString().toLower();
        return QStringListModel::data(index, role);
    }
};

/// `names` sorted as the model should: case-insensitively, ties in source order.
QStringList sortedLikeTheModel(QStringList names, Qt::SortOrder order)
{
    std::stable_sort(names.begin(), names.end(), [](const QString &l, const QString &r) {
        return QString::compare(l, r, Qt::CaseInsensitive) < 0;
    });
    if (order == Qt::DescendingOrder)
        std::reverse(names.begin(), names.end());
    return names;
}

QStringList withText(const QStringList &names, const QString &text)
{
    QStringList out;
    for (const QString &name : names) {
        if (name.contains(text, Qt::CaseInsensitive))
            out.append(name);
    }
    return out;
}

} // namespace

class TestThingFilterModel : public QObject
{
    Q_OBJECT

private:
    static QStringList shownNames(const QAbstractItemModel &model)
    {
        QStringList names;
        for (int row = 0; row < model.rowCount(); ++row)
            names.append(model.index(row, 0).data(ThingListModel::ThingNameRole).toString());
        return names;
    }

    ThingListModel m_things{nullptr};
    ThingFilterModel m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_sourceTester;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

private Q_SLOTS:
    void init()
    {
        m_things.clear();
        m_proxy.setFilterText(QString());
        m_proxy.setSourceModel(&m_things);
        m_proxy.sort(-1);
        m_sourceTester = std::make_unique<QAbstractItemModelTester>(
            &m_things, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_tester = std::make_unique<QAbstractItemModelTester>(
            &m_proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_things.appendThings(fleet());
    }

    void cleanup()
    {
        m_tester.reset();
        m_sourceTester.reset();
    }

    void filter_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        const auto list = [](std::initializer_list<const char *> names) {
            QStringList out;
            for (const char *name : names)
                out.append(QString::fromUtf8(name));
            return out;
        };
        QTest::newRow("empty keeps all")
            << QString() << list({"lamp-01", "thermostat-02", "sensor-03", "Lamp-04", "gateway"});
        QTest::newRow("name, any case") << QStringLiteral("LAMP") << list({"lamp-01", "Lamp-04"});
        QTest::newRow("type") << QStringLiteral("gatew") << list({"gateway"});
        QTest::newRow("type only") << QStringLiteral("thermo") << list({"thermostat-02"});
        QTest::newRow("attribute value, any case")
            << QStringLiteral("kitchen") << list({"lamp-01"});
        QTest::newRow("second attribute value") << QStringLiteral("sn-48") << list({"sensor-03"});
        QTest::newRow("attribute names are not searched")
            << QStringLiteral("serial") << QStringList();
        QTest::newRow("digits in names and values")
            << QStringLiteral("4") << list({"sensor-03", "Lamp-04", "gateway"});
        QTest::newRow("nothing") << QStringLiteral("zzz") << QStringList();
        QTest::newRow("does not span fields") << QStringLiteral("01lamp") << QStringList();
    }

    void filter()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        m_proxy.setFilterText(text);
        QCOMPARE(m_proxy.filterText(), text);
        QCOMPARE(shownNames(m_proxy), expected);
    }

    void typingNarrowsAndWidens()
    {
        m_proxy.sort(ThingListModel::NameColumn);
        QStringList seen;
        for (const char *text :
             {"l", "la", "lam", "lamp", "lamp-", "lamp-0", "lamp-04", "lamp-0", "lamp", "la", ""}) {
            m_proxy.setFilterText(QString::fromUtf8(text));
            seen.append(QString::number(m_proxy.rowCount()));
        }
        QCOMPARE(seen.join(QLatin1Char(',')), QStringLiteral("3,2,2,2,2,2,1,2,2,2,5"));
        QCOMPARE(shownNames(m_proxy),
                 (QStringList{QStringLiteral("gateway"), QStringLiteral("lamp-01"),
                              QStringLiteral("Lamp-04"), QStringLiteral("sensor-03"),
                              QStringLiteral("thermostat-02")}));
    }

    void matchRanges_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("filter");
        QTest::addColumn<Ranges>("expected");
        QTest::newRow("none") << QStringLiteral("lamp-01") << QStringLiteral("x") << Ranges();
        QTest::newRow("empty filter") << QStringLiteral("lamp-01") << QString() << Ranges();
        QTest::newRow("one") << QStringLiteral("lamp-01") << QStringLiteral("mp") << Ranges{{2, 2}};
        QTest::newRow("case-insensitive")
            << QStringLiteral("Lamp LAMP lamp") << QStringLiteral("lAmP")
            << Ranges{{0, 4}, {5, 4}, {10, 4}};
        QTest::newRow("not overlapping")
            << QStringLiteral("aaaa") << QStringLiteral("aa") << Ranges{{0, 2}, {2, 2}};
        QTest::newRow("whole") << QStringLiteral("abc") << QStringLiteral("ABC") << Ranges{{0, 3}};
        QTest::newRow("longer than text")
            << QStringLiteral("ab") << QStringLiteral("abc") << Ranges();
    }

    void matchRanges()
    {
        QFETCH(QString, text);
        QFETCH(QString, filter);
        QFETCH(Ranges, expected);
        QCOMPARE(ThingFilterModel::matchRanges(text, filter), expected);
    }

    void sortByColumn_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("order");
        QTest::addColumn<QStringList>("expected");
        const auto list = [](std::initializer_list<const char *> names) {
            QStringList out;
            for (const char *name : names)
                out.append(QString::fromUtf8(name));
            return out;
        };
        QTest::newRow("name") << int(ThingListModel::NameColumn) << int(Qt::AscendingOrder)
                              << list({"gateway", "lamp-01", "Lamp-04", "sensor-03",
                                       "thermostat-02"});
        QTest::newRow("name, descending")
            << int(ThingListModel::NameColumn) << int(Qt::DescendingOrder)
            << list({"thermostat-02", "sensor-03", "Lamp-04", "lamp-01", "gateway"});
        QTest::newRow("type (no type first)")
            << int(ThingListModel::TypeColumn) << int(Qt::AscendingOrder)
            << list({"Lamp-04", "gateway", "lamp-01", "sensor-03", "thermostat-02"});
        QTest::newRow("attributes")
            << int(ThingListModel::AttributesColumn) << int(Qt::AscendingOrder)
            << list({"Lamp-04", "gateway", "sensor-03", "thermostat-02", "lamp-01"});
        QTest::newRow("version as a number")
            << int(ThingListModel::VersionColumn) << int(Qt::AscendingOrder)
            << list({"thermostat-02", "Lamp-04", "lamp-01", "gateway", "sensor-03"});
        QTest::newRow("version, descending")
            << int(ThingListModel::VersionColumn) << int(Qt::DescendingOrder)
            << list({"sensor-03", "gateway", "lamp-01", "Lamp-04", "thermostat-02"});
    }

    void sortByColumn()
    {
        QFETCH(int, column);
        QFETCH(int, order);
        QFETCH(QStringList, expected);
        m_proxy.sort(column, Qt::SortOrder(order));
        QCOMPARE(shownNames(m_proxy), expected);
        // The same order through a new filter text (the rebuilt mapping uses the ranks)...
        m_proxy.setFilterText(QStringLiteral("-"));
        QStringList dashed = expected;
        dashed.removeAll(QStringLiteral("gateway"));
        QCOMPARE(shownNames(m_proxy), dashed);
        // ...and with rows appended since (ranks out of date: compared directly).
        m_things.appendThings({thing("lamp-00", "Lamp", {}, 5)});
        QVERIFY(shownNames(m_proxy).contains(QStringLiteral("lamp-00")));
        QCOMPARE(shownNames(m_proxy).size(), dashed.size() + 1);
    }

    void appendedAndChangedRowsWhileFilteredAndSorted()
    {
        m_proxy.sort(ThingListModel::VersionColumn);
        m_proxy.setFilterText(QStringLiteral("lamp"));
        QCOMPARE(shownNames(m_proxy),
                 (QStringList{QStringLiteral("Lamp-04"), QStringLiteral("lamp-01")}));
        m_things.appendThings({thing("lamp-05", "Lamp", {}, 1), thing("fan-06", "Fan", {}, 1)});
        QCOMPARE(shownNames(m_proxy),
                 (QStringList{QStringLiteral("lamp-05"), QStringLiteral("Lamp-04"),
                              QStringLiteral("lamp-01")}));
        m_things.updateThing(thing("lamp-01", "Lamp", {}, 0));
        QCOMPARE(shownNames(m_proxy).first(), QStringLiteral("lamp-01"));
        m_things.updateThing(thing("Lamp-04", "", {}, 99));
        QCOMPARE(shownNames(m_proxy).last(), QStringLiteral("Lamp-04"));
        m_things.updateThing(thing("lamp-05", "Fan", {}, 1)); // still "lamp" in its name
        QCOMPARE(m_proxy.rowCount(), 3);
    }

    void selectionFollowsAFilterChange()
    {
        m_proxy.sort(ThingListModel::NameColumn);
        QItemSelectionModel selection(&m_proxy);
        const int sensorRow = int(shownNames(m_proxy).indexOf(QStringLiteral("sensor-03")));
        selection.select(m_proxy.index(sensorRow, 0),
                         QItemSelectionModel::Select | QItemSelectionModel::Rows);
        m_proxy.setFilterText(QStringLiteral("s"));
        QCOMPARE(selection.selectedRows().size(), 1);
        QCOMPARE(selection.selectedRows().first().data(ThingListModel::ThingNameRole).toString(),
                 QStringLiteral("sensor-03"));
        m_proxy.setFilterText(QStringLiteral("lamp"));
        QVERIFY(selection.selectedRows().isEmpty());
    }

    void sortsLongAndTiedNames_data()
    {
        QTest::addColumn<int>("order");
        QTest::newRow("ascending") << int(Qt::AscendingOrder);
        QTest::newRow("descending") << int(Qt::DescendingOrder);
    }

    // Names that agree in their first 4, 8 or 12 characters, differ only in case or length,
    // or hold a character beyond ASCII: the order is QString::compare(…, CaseInsensitive).
    void sortsLongAndTiedNames()
    {
        QFETCH(int, order);
        const QStringList names{QStringLiteral("sensor-000012"), QStringLiteral("Sensor-000011"),
                                QStringLiteral("sensor-00001"),  QStringLiteral("sens"),
                                QStringLiteral("SENSOR-000012"), QStringLiteral("sensor-000012-b"),
                                QStringLiteral("sen"),           QStringLiteral("sensor-0000121"),
                                QStringLiteral("abc"),           QStringLiteral("ABC"),
                                QStringLiteral("zone"),          QString::fromUtf8("\u00c9clair-1"),
                                QStringLiteral("lamp-10"),       QStringLiteral("lamp-9"),
                                QStringLiteral("lamp-100"),      QStringLiteral("lampe")};
        QList<ThingSummary> things;
        for (const QString &name : names)
            things.append(ThingSummary{name, QString(), QString(), {}, 1});
        m_things.clear();
        m_things.appendThings(things);
        m_proxy.sort(ThingListModel::NameColumn, Qt::SortOrder(order));
        QCOMPARE(shownNames(m_proxy), sortedLikeTheModel(names, Qt::SortOrder(order)));
        // Added later, in pages: each sorted and merged in.
        m_things.clear();
        m_things.appendThings(things.mid(0, 5));
        m_things.appendThings(things.mid(5, 1));
        m_things.appendThings(things.mid(6));
        QCOMPARE(shownNames(m_proxy), sortedLikeTheModel(names, Qt::SortOrder(order)));
        m_proxy.setFilterText(QStringLiteral("SENSOR-0000"));
        QCOMPARE(shownNames(m_proxy), withText(sortedLikeTheModel(names, Qt::SortOrder(order)),
                                               QStringLiteral("sensor-0000")));
    }

    void headerClickKeepsTheSelection()
    {
        m_proxy.sort(ThingListModel::NameColumn);
        QItemSelectionModel selection(&m_proxy);
        const int lampRow = int(shownNames(m_proxy).indexOf(QStringLiteral("Lamp-04")));
        selection.setCurrentIndex(m_proxy.index(lampRow, 0),
                                  QItemSelectionModel::SelectCurrent | QItemSelectionModel::Rows);
        QSignalSpy layouts(&m_proxy, &QAbstractItemModel::layoutChanged);
        m_proxy.sort(ThingListModel::VersionColumn, Qt::DescendingOrder);
        QCOMPARE(layouts.count(), 1);
        QCOMPARE(m_proxy.sortColumn(), int(ThingListModel::VersionColumn));
        QCOMPARE(m_proxy.sortOrder(), Qt::DescendingOrder);
        QCOMPARE(selection.currentIndex().data(ThingListModel::ThingNameRole).toString(),
                 QStringLiteral("Lamp-04"));
        QCOMPARE(selection.selectedRows().size(), 1);
        // Versions 12, 7, 3, 2, 1: Lamp-04 (2) is fourth.
        QCOMPARE(selection.currentIndex().row(), 3);
        m_proxy.sort(ThingListModel::VersionColumn, Qt::DescendingOrder); // nothing to do
        QCOMPARE(layouts.count(), 1);
    }

    void aFilterChangeIsOneLayoutChange()
    {
        QSignalSpy layouts(&m_proxy, &QAbstractItemModel::layoutChanged);
        QSignalSpy removals(&m_proxy, &QAbstractItemModel::rowsRemoved);
        QSignalSpy resets(&m_proxy, &QAbstractItemModel::modelReset);
        m_proxy.setFilterText(QStringLiteral("lamp"));
        m_proxy.setFilterText(QStringLiteral("lamp-0"));
        m_proxy.setFilterText(QString());
        QCOMPARE(layouts.count(), 3);
        QCOMPARE(removals.count(), 0);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(m_proxy.rowCount(), 5);
        QCOMPARE(m_proxy.headerData(ThingListModel::VersionColumn, Qt::Horizontal),
                 m_things.headerData(ThingListModel::VersionColumn, Qt::Horizontal));
        m_proxy.setFilterText(QStringLiteral("zzz")); // no rows: the header still reads
        QCOMPARE(m_proxy.headerData(ThingListModel::NameColumn, Qt::Horizontal),
                 m_things.headerData(ThingListModel::NameColumn, Qt::Horizontal));
        QVERIFY(!m_proxy.hasChildren());
    }

    void sourceRowsInsertedRemovedChangedAndMoved_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("order");
        QTest::newRow("source order") << -1 << int(Qt::AscendingOrder);
        QTest::newRow("sorted") << 0 << int(Qt::AscendingOrder);
        QTest::newRow("sorted, descending") << 0 << int(Qt::DescendingOrder);
    }

    // Over a model that is not a ThingListModel, through every kind of source change, the
    // shown rows are always the source's rows filtered and sorted afresh.
    void sourceRowsInsertedRemovedChangedAndMoved()
    {
        QFETCH(int, column);
        QFETCH(int, order);
        NamesModel names({QStringLiteral("delta"), QStringLiteral("Alpha"), QStringLiteral("echo"),
                          QStringLiteral("bravo"), QStringLiteral("charlie"),
                          QStringLiteral("alpine")});
        QAbstractItemModelTester sourceTester(
            &names, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ThingFilterModel proxy;
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&names);
        proxy.sort(column, Qt::SortOrder(order));
        proxy.setFilterText(QStringLiteral("L"));
        const auto expected = [&] {
            const QStringList all = names.stringList();
            return withText(column < 0 ? all : sortedLikeTheModel(all, Qt::SortOrder(order)),
                            QStringLiteral("l"));
        };
        const auto shown = [&proxy] {
            QStringList out;
            for (int row = 0; row < proxy.rowCount(); ++row)
                out.append(proxy.index(row, 0).data().toString());
            return out;
        };
        QCOMPARE(shown(), expected());
        QItemSelectionModel selection(&proxy);
        const QModelIndex charlie = proxy.mapFromSource(names.index(4, 0));
        selection.setCurrentIndex(charlie, QItemSelectionModel::SelectCurrent);

        QVERIFY(names.insertRows(1, 2));
        names.setData(names.index(1, 0), QStringLiteral("lima"));
        names.setData(names.index(2, 0), QStringLiteral("kilo"));
        QCOMPARE(shown(), expected());
        QVERIFY(names.removeRows(3, 2)); // Alpha, echo
        QCOMPARE(shown(), expected());
        names.setData(names.index(0, 0), QStringLiteral("Golf")); // delta: now shown
        QCOMPARE(shown(), expected());
        names.setData(names.index(1, 0), QStringLiteral("mike")); // lima: now hidden
        QCOMPARE(shown(), expected());
        QVERIFY(names.moveRows({}, 0, 2, {}, names.rowCount()));
        QCOMPARE(shown(), expected());
        QCOMPARE(selection.currentIndex().data().toString(), QStringLiteral("charlie"));
        QCOMPARE(proxy.mapToSource(selection.currentIndex()).data().toString(),
                 QStringLiteral("charlie"));
        names.setStringList({QStringLiteral("hotel"), QStringLiteral("lima")});
        QCOMPARE(shown(), expected());
        QVERIFY(!selection.currentIndex().isValid());
    }

    void sourceDestroyed()
    {
        ThingFilterModel proxy;
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        {
            ThingListModel things(nullptr);
            things.appendThings(fleet());
            proxy.setSourceModel(&things);
            proxy.sort(ThingListModel::NameColumn);
            QCOMPARE(proxy.rowCount(), 5);
        }
        QCOMPARE(proxy.rowCount(), 0);
        QCOMPARE(proxy.sourceModel(), nullptr);
        proxy.setFilterText(QStringLiteral("lamp"));
        QCOMPARE(proxy.rowCount(), 0);
    }

    void otherSourceModelsUseTheRoles()
    {
        ThingListModel things(nullptr);
        things.appendThings(fleet());
        QSortFilterProxyModel middle; // not a ThingListModel: no direct reads
        middle.setSourceModel(&things);
        ThingFilterModel proxy;
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&middle);
        proxy.sort(ThingListModel::VersionColumn);
        proxy.setFilterText(QStringLiteral("LAMP"));
        QCOMPARE(shownNames(proxy),
                 (QStringList{QStringLiteral("Lamp-04"), QStringLiteral("lamp-01")}));
    }
};

QTEST_GUILESS_MAIN(TestThingFilterModel)
#include "tst_thingfiltermodel.moc"
