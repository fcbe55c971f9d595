// ThingFilterModel over a ThingListModel filled without network: filter-as-you-type over
// name, type and attribute values, match ranges for highlighting, sorting by every column,
// rows appended and changed while filtered and sorted — all under QAbstractItemModelTester.
#include "models/ThingFilterModel.h"
#include "models/ThingListModel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QTest>

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
