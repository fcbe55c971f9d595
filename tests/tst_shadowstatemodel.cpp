// ShadowStateModel: a shadow document as one Key | Desired | Reported | Updated tree, and the
// form way of editing its desired (or reported) section.
#include "iot/ShadowDocument.h"
#include "iot/ShadowUpdate.h"
#include "models/ShadowStateModel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace thingdeck;

namespace {

constexpr qint64 kT = 1'700'000'000; // when the test documents were written

/// The document after `request` (an UpdateThingShadow body) at `timestamp` on `from`.
ShadowDocument shadowAt(const QByteArray &request, qint64 timestamp,
                        const ShadowDocument &from = ShadowDocument())
{
    const auto update = ShadowUpdate::parse(request);
    if (!update.ok())
        qFatal("bad test update: %s", request.constData());
    const auto document = from.updated(update.value(), timestamp);
    if (!document.ok())
        qFatal("test update refused: %s", request.constData());
    return document.value();
}

/// A nested document: desired and reported differ in places, one key has an object on one
/// side only, and one an object on one side and a scalar on the other.
ShadowDocument nested()
{
    return shadowAt(
        "{\"state\":{"
        "\"desired\":{\"mode\":\"cool\",\"t\":\"21\",\"light\":{\"on\":true,\"level\":3},"
        "\"list\":[1,2],\"mixed\":{\"a\":1}},"
        "\"reported\":{\"mode\":\"cool\",\"t\":21,\"light\":{\"on\":true,\"hue\":200},"
        "\"fw\":\"1.0\",\"mixed\":7}}}",
        kT);
}

QStringList path(const QString &dotted)
{
    return dotted.split(QLatin1Char('.'));
}

QStringList keysUnder(const QAbstractItemModel &model, const QModelIndex &parent = {})
{
    QStringList keys;
    for (int row = 0; row < model.rowCount(parent); ++row)
        keys.append(model.index(row, ShadowStateModel::KeyColumn, parent).data().toString());
    return keys;
}

QJsonValue json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray("[") + text + "]").array().first();
}

bool editable(const QModelIndex &index)
{
    return index.flags().testFlag(Qt::ItemIsEditable);
}

} // namespace

class tst_ShadowStateModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void rowsAreTheSortedUnionOfBothSides();
    void cells_data();
    void cells();
    void deltaMarking_data();
    void deltaMarking();
    void relativeTimes_data();
    void relativeTimes();
    void updatedIsTheNewestTimestamp();
    void toolTipGivesTheExactTimeAndSide();
    void refreshTimesTouchesOnlyTheUpdatedColumn();
    void inPlaceEdit_data();
    void inPlaceEdit();
    void leafEditedToAnObjectGetsChildren();
    void onlyEditableLeavesAcceptEdits();
    void addKey();
    void addKeyRefusals();
    void removeKey();
    void editingReported();
    void setDocumentKeepsTheEditWhenAsked();
    void setEditedSectionKeepsRows();
    void indexForPath_data();
    void indexForPath();

private:
    std::unique_ptr<ShadowStateModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_ShadowStateModel::init()
{
    m_model = std::make_unique<ShadowStateModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setNow([] { return kT + 5; });
}

void tst_ShadowStateModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void tst_ShadowStateModel::rowsAreTheSortedUnionOfBothSides()
{
    QCOMPARE(m_model->rowCount(), 0);
    m_model->setDocument(nested());
    QCOMPARE(m_model->columnCount(), 4);
    QCOMPARE(keysUnder(*m_model),
             QStringList({QStringLiteral("fw"), QStringLiteral("light"), QStringLiteral("list"),
                          QStringLiteral("mixed"), QStringLiteral("mode"), QStringLiteral("t")}));
    // Both sides' keys under an object.
    QCOMPARE(keysUnder(*m_model, m_model->indexForPath(path(QStringLiteral("light")))),
             QStringList({QStringLiteral("hue"), QStringLiteral("level"), QStringLiteral("on")}));
    // An object on one side is enough for children.
    QCOMPARE(keysUnder(*m_model, m_model->indexForPath(path(QStringLiteral("mixed")))),
             QStringList({QStringLiteral("a")}));
    // Arrays and scalars are leaves.
    for (const char *leaf : {"list", "mode", "light.on"})
        QCOMPARE(m_model->rowCount(m_model->indexForPath(path(QString::fromLatin1(leaf)))), 0);
    QCOMPARE(m_model->headerData(ShadowStateModel::UpdatedColumn, Qt::Horizontal).toString(),
             QStringLiteral("Updated"));
}

void tst_ShadowStateModel::cells_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QJsonValue>("value");
    const int d = ShadowStateModel::DesiredColumn;
    const int r = ShadowStateModel::ReportedColumn;
    const QJsonValue absent = QJsonValue::Undefined;
    QTest::newRow("key") << "light.level" << int(ShadowStateModel::KeyColumn) << "level" << absent;
    QTest::newRow("string keeps its quotes")
        << "t" << d << "\"21\"" << QJsonValue(QStringLiteral("21"));
    QTest::newRow("number") << "t" << r << "21" << QJsonValue(21);
    QTest::newRow("nested") << "light.hue" << r << "200" << QJsonValue(200);
    QTest::newRow("bool") << "light.on" << d << "true" << QJsonValue(true);
    QTest::newRow("array compact") << "list" << d << "[1,2]" << json("[1,2]");
    QTest::newRow("absent side") << "fw" << d << "" << absent;
    QTest::newRow("absent nested") << "light.hue" << d << "" << absent;
    QTest::newRow("object: its keys are rows")
        << "light" << d << "" << json("{\"on\":true,\"level\":3}");
    QTest::newRow("scalar beside an object") << "mixed" << r << "7" << QJsonValue(7);
    QTest::newRow("under a scalar") << "mixed.a" << r << "" << absent;
}

void tst_ShadowStateModel::cells()
{
    QFETCH(QString, key);
    QFETCH(int, column);
    QFETCH(QString, text);
    QFETCH(QJsonValue, value);
    m_model->setDocument(nested());
    const QModelIndex index = m_model->indexForPath(path(key), column);
    QVERIFY(index.isValid());
    QCOMPARE(index.data().toString(), text);
    if (column != ShadowStateModel::KeyColumn)
        QCOMPARE(index.data(ShadowStateModel::ValueRole).toJsonValue(), value);
    QCOMPARE(index.data(ShadowStateModel::PathRole).toStringList(), path(key));
}

void tst_ShadowStateModel::deltaMarking_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("inDelta");
    QTest::newRow("same on both sides") << "mode" << false;
    QTest::newRow("\"21\" is not 21") << "t" << true;
    QTest::newRow("reported only") << "fw" << false;
    QTest::newRow("parent of a difference") << "light" << true;
    QTest::newRow("the difference") << "light.level" << true;
    QTest::newRow("same under a different parent") << "light.on" << false;
    QTest::newRow("reported only, nested") << "light.hue" << false;
    QTest::newRow("array desired only") << "list" << true;
}

void tst_ShadowStateModel::deltaMarking()
{
    QFETCH(QString, key);
    QFETCH(bool, inDelta);
    m_model->setDocument(nested());
    for (int column = 0; column < ShadowStateModel::ColumnCount; ++column)
        QCOMPARE(
            m_model->indexForPath(path(key), column).data(ShadowStateModel::InDeltaRole).toBool(),
            inDelta);
}

void tst_ShadowStateModel::relativeTimes_data()
{
    QTest::addColumn<qint64>("age");
    QTest::addColumn<QString>("expected");
    QTest::newRow("5 s") << qint64(5) << QStringLiteral("5 s ago");
    QTest::newRow("90 s") << qint64(90) << QStringLiteral("1 min ago");
    QTest::newRow("2 h") << qint64(2 * 60 * 60) << QStringLiteral("2 h ago");
    QTest::newRow("3 d") << qint64(3 * 24 * 60 * 60 + 17) << QStringLiteral("3 d ago");
    QTest::newRow("clock behind") << qint64(-4) << QStringLiteral("0 s ago");
}

void tst_ShadowStateModel::relativeTimes()
{
    QFETCH(qint64, age);
    QFETCH(QString, expected);
    m_model->setNow([age] { return kT + age; });
    m_model->setDocument(shadowAt("{\"state\":{\"desired\":{\"a\":1}}}", kT));
    QCOMPARE(m_model->indexForPath({QStringLiteral("a")}, ShadowStateModel::UpdatedColumn)
                 .data()
                 .toString(),
             expected);
}

void tst_ShadowStateModel::updatedIsTheNewestTimestamp()
{
    ShadowDocument document = shadowAt(
        "{\"state\":{\"desired\":{\"a\":1,\"o\":{\"x\":1,\"y\":2}},\"reported\":{\"a\":1}}}", kT);
    document = shadowAt("{\"state\":{\"reported\":{\"a\":2}}}", kT + 60, document);
    document = shadowAt("{\"state\":{\"desired\":{\"o\":{\"y\":3}}}}", kT + 120, document);
    // An array's metadata is an array of per-element metadata: the newest inside counts.
    QJsonObject json = document.toJson();
    QJsonObject state = json.value(QStringLiteral("state")).toObject();
    QJsonObject desired = state.value(QStringLiteral("desired")).toObject();
    desired.insert(QStringLiteral("arr"), QJsonArray{1, 2});
    state.insert(QStringLiteral("desired"), desired);
    json.insert(QStringLiteral("state"), state);
    QJsonObject metadata = json.value(QStringLiteral("metadata")).toObject();
    QJsonObject desiredMetadata = metadata.value(QStringLiteral("desired")).toObject();
    desiredMetadata.insert(QStringLiteral("arr"),
                           QJsonArray{QJsonObject{{QStringLiteral("timestamp"), kT + 180}},
                                      QJsonObject{{QStringLiteral("timestamp"), kT + 30}}});
    metadata.insert(QStringLiteral("desired"), desiredMetadata);
    json.insert(QStringLiteral("metadata"), metadata);
    const auto withArray = ShadowDocument::fromJson(json);
    QVERIFY2(withArray.ok(), withArray.ok() ? "" : qPrintable(withArray.error()));

    m_model->setNow([] { return kT + 3600; });
    m_model->setDocument(withArray.value());
    const auto updated = [this](const char *key) {
        return m_model
            ->indexForPath(path(QString::fromLatin1(key)), ShadowStateModel::UpdatedColumn)
            .data()
            .toString();
    };
    QCOMPARE(updated("a"), QStringLiteral("59 min ago")); // reported is newer than desired
    QCOMPARE(updated("o"), QStringLiteral("58 min ago")); // its newest child
    QCOMPARE(updated("o.x"), QStringLiteral("1 h ago"));
    QCOMPARE(updated("arr"), QStringLiteral("57 min ago")); // the newest element
}

void tst_ShadowStateModel::toolTipGivesTheExactTimeAndSide()
{
    const qint64 desiredAt =
        QDateTime(QDate(2026, 3, 14), QTime(9, 26, 53), Qt::LocalTime).toSecsSinceEpoch();
    const qint64 reportedAt =
        QDateTime(QDate(2026, 3, 14), QTime(10, 0, 2), Qt::LocalTime).toSecsSinceEpoch();
    ShadowDocument document = shadowAt("{\"state\":{\"desired\":{\"a\":1,\"b\":1}}}", desiredAt);
    document = shadowAt("{\"state\":{\"reported\":{\"a\":1}}}", reportedAt, document);
    m_model->setDocument(document);
    const QString a = m_model->indexForPath({QStringLiteral("a")}, ShadowStateModel::UpdatedColumn)
                          .data(Qt::ToolTipRole)
                          .toString();
    // The newest side first: it is the one the relative time is about.
    QCOMPARE(a.split(QLatin1Char('\n')),
             QStringList({QStringLiteral("Reported updated 2026-03-14 10:00:02"),
                          QStringLiteral("Desired updated 2026-03-14 09:26:53")}));
    QCOMPARE(m_model->indexForPath({QStringLiteral("b")}, ShadowStateModel::UpdatedColumn)
                 .data(Qt::ToolTipRole)
                 .toString(),
             QStringLiteral("Desired updated 2026-03-14 09:26:53"));
}

void tst_ShadowStateModel::refreshTimesTouchesOnlyTheUpdatedColumn()
{
    qint64 now = kT + 5;
    m_model->setNow([&now] { return now; });
    m_model->setDocument(nested());
    const QModelIndex level =
        m_model->indexForPath(path(QStringLiteral("light.level")), ShadowStateModel::UpdatedColumn);
    QCOMPARE(level.data().toString(), QStringLiteral("5 s ago"));
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    now = kT + 125;
    m_model->refreshTimes();
    QVERIFY(!changed.isEmpty());
    QCOMPARE(reset.size(), 0);
    bool sawLevel = false;
    for (const QList<QVariant> &signal : std::as_const(changed)) {
        const auto topLeft = signal.at(0).toModelIndex();
        const auto bottomRight = signal.at(1).toModelIndex();
        QCOMPARE(topLeft.column(), int(ShadowStateModel::UpdatedColumn));
        QCOMPARE(bottomRight.column(), int(ShadowStateModel::UpdatedColumn));
        sawLevel = sawLevel || (topLeft.parent() == level.parent() &&
                                topLeft.row() <= level.row() && level.row() <= bottomRight.row());
    }
    QVERIFY(sawLevel); // nested rows too
    QCOMPARE(level.data().toString(), QStringLiteral("2 min ago"));
}

void tst_ShadowStateModel::inPlaceEdit_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("shown");
    QTest::newRow("number") << "21" << QJsonValue(21) << "21";
    QTest::newRow("quoted string")
        << "\"teal\"" << QJsonValue(QStringLiteral("teal")) << "\"teal\"";
    QTest::newRow("true") << "true" << QJsonValue(true) << "true";
    QTest::newRow("null") << "null" << QJsonValue(QJsonValue::Null) << "null";
    QTest::newRow("array") << "[1, 2]" << json("[1,2]") << "[1,2]";
    QTest::newRow("empty object: shown, no children") << "{ }" << json("{}") << "{}";
    QTest::newRow("not JSON: a string")
        << "teal" << QJsonValue(QStringLiteral("teal")) << "\"teal\"";
    QTest::newRow("two values: a string")
        << "21 22" << QJsonValue(QStringLiteral("21 22")) << "\"21 22\"";
    QTest::newRow("empty: an empty string") << "" << QJsonValue(QString()) << "\"\"";
}

void tst_ShadowStateModel::inPlaceEdit()
{
    QFETCH(QString, typed);
    QFETCH(QJsonValue, value);
    QFETCH(QString, shown);
    m_model->setDocument(nested());
    QSignalSpy edited(m_model.get(), &ShadowStateModel::editedSectionChanged);
    const QModelIndex mode =
        m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn);
    QVERIFY(editable(mode));
    QVERIFY(!mode.data(ShadowStateModel::EditedRole).toBool());
    QVERIFY(m_model->setData(mode, typed));
    QCOMPARE(m_model->editedSection().value(QStringLiteral("mode")), value);
    QCOMPARE(edited.size(), 1);
    QCOMPARE(edited.first().first().toJsonObject(), m_model->editedSection());
    QCOMPARE(mode.data().toString(), shown);
    QCOMPARE(mode.data(ShadowStateModel::ValueRole).toJsonValue(), value);
    QVERIFY(mode.data(ShadowStateModel::EditedRole).toBool());
    QCOMPARE(m_model->rowCount(mode.siblingAtColumn(ShadowStateModel::KeyColumn)), 0);
    QVERIFY(mode.data(Qt::ToolTipRole).toString().contains(QStringLiteral("\"cool\"")));
    // The document and the other column stay as they were.
    QCOMPARE(m_model->document().desired().value(QStringLiteral("mode")).toString(),
             QStringLiteral("cool"));
    QCOMPARE(m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::ReportedColumn)
                 .data()
                 .toString(),
             QStringLiteral("\"cool\""));
}

void tst_ShadowStateModel::leafEditedToAnObjectGetsChildren()
{
    m_model->setDocument(nested());
    const QPersistentModelIndex light = m_model->indexForPath({QStringLiteral("light")});
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QVERIFY(m_model->setData(
        m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn),
        QStringLiteral("{\"speed\": 2, \"fan\": true}")));
    const QModelIndex mode = m_model->indexForPath({QStringLiteral("mode")});
    QCOMPARE(keysUnder(*m_model, mode),
             QStringList({QStringLiteral("fan"), QStringLiteral("speed")}));
    QCOMPARE(
        m_model->indexForPath(path(QStringLiteral("mode.speed")), ShadowStateModel::DesiredColumn)
            .data()
            .toString(),
        QStringLiteral("2"));
    // The object is edited through its keys now.
    QVERIFY(!editable(mode.siblingAtColumn(ShadowStateModel::DesiredColumn)));
    QCOMPARE(reset.size(), 0);
    QVERIFY(light.isValid()); // other rows (and their expansion) survive
}

void tst_ShadowStateModel::onlyEditableLeavesAcceptEdits()
{
    m_model->setDocument(nested());
    QSignalSpy edited(m_model.get(), &ShadowStateModel::editedSectionChanged);
    const QJsonObject before = m_model->editedSection();
    const QList<QModelIndex> refused{
        m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::KeyColumn),
        m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::ReportedColumn),
        m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::UpdatedColumn),
        m_model->indexForPath({QStringLiteral("light")}, ShadowStateModel::DesiredColumn),
        // Under a reported object whose desired side is a number.
        m_model->indexForPath(path(QStringLiteral("mixed.a")), ShadowStateModel::ReportedColumn),
        QModelIndex(),
    };
    for (const QModelIndex &index : refused) {
        QVERIFY(!editable(index));
        QVERIFY(!m_model->setData(index, QStringLiteral("5")));
    }
    QCOMPARE(edited.size(), 0);
    QCOMPARE(m_model->editedSection(), before);
    // An absent desired value of a reported key is editable: it adds the key.
    const QModelIndex fw =
        m_model->indexForPath({QStringLiteral("fw")}, ShadowStateModel::DesiredColumn);
    QVERIFY(editable(fw));
    QVERIFY(m_model->setData(fw, QStringLiteral("\"2.0\"")));
    QCOMPARE(m_model->editedSection().value(QStringLiteral("fw")).toString(),
             QStringLiteral("2.0"));
}

void tst_ShadowStateModel::addKey()
{
    m_model->setDocument(nested());
    QSignalSpy edited(m_model.get(), &ShadowStateModel::editedSectionChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    const QPersistentModelIndex level = m_model->indexForPath(path(QStringLiteral("light.level")));

    QVERIFY(m_model->addKey({}, QStringLiteral("colour"), QStringLiteral("teal")));
    QCOMPARE(m_model->editedSection().value(QStringLiteral("colour")).toString(),
             QStringLiteral("teal"));
    const QModelIndex colour =
        m_model->indexForPath({QStringLiteral("colour")}, ShadowStateModel::DesiredColumn);
    QCOMPARE(colour.row(), 0); // sorted in
    QCOMPARE(colour.data().toString(), QStringLiteral("\"teal\""));
    QVERIFY(colour.data(ShadowStateModel::EditedRole).toBool());
    QCOMPARE(colour.siblingAtColumn(ShadowStateModel::ReportedColumn).data().toString(), QString());

    QVERIFY(m_model->addKey(m_model->indexForPath({QStringLiteral("light")}), QStringLiteral("dim"),
                            QJsonValue(false)));
    QCOMPARE(m_model->editedSection()
                 .value(QStringLiteral("light"))
                 .toObject()
                 .value(QStringLiteral("dim")),
             QJsonValue(false));
    QCOMPARE(keysUnder(*m_model, m_model->indexForPath({QStringLiteral("light")})),
             QStringList({QStringLiteral("dim"), QStringLiteral("hue"), QStringLiteral("level"),
                          QStringLiteral("on")}));
    QCOMPARE(edited.size(), 2);
    QCOMPARE(edited.last().first().toJsonObject(), m_model->editedSection());
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(reset.size(), 0);
    QVERIFY(level.isValid()); // no reset: the view keeps its expansion
    QCOMPARE(level.data().toString(), QStringLiteral("level"));

    // Under an object that only reported has, the desired object is created.
    m_model->setDocument(shadowAt("{\"state\":{\"reported\":{\"cfg\":{\"x\":1}}}}", kT));
    QVERIFY(
        m_model->addKey(m_model->indexForPath({QStringLiteral("cfg")}), QStringLiteral("y"), 2));
    QCOMPARE(m_model->editedSection(),
             QJsonObject({{QStringLiteral("cfg"), QJsonObject{{QStringLiteral("y"), 2}}}}));
    QCOMPARE(keysUnder(*m_model, m_model->indexForPath({QStringLiteral("cfg")})),
             QStringList({QStringLiteral("x"), QStringLiteral("y")}));
}

void tst_ShadowStateModel::addKeyRefusals()
{
    m_model->setDocument(nested());
    QSignalSpy edited(m_model.get(), &ShadowStateModel::editedSectionChanged);
    QVERIFY(!m_model->addKey({}, QString(), 1));
    QVERIFY(!m_model->addKey({}, QStringLiteral("mode"), 1)); // exists
    QVERIFY(!m_model->addKey(m_model->indexForPath({QStringLiteral("light")}), QStringLiteral("on"),
                             1));
    QVERIFY(!m_model->addKey(m_model->indexForPath({QStringLiteral("t")}), QStringLiteral("x"),
                             1)); // a string cannot hold keys
    QCOMPARE(edited.size(), 0);
    // A key that only reported has is not in the edit: desired may get it.
    QVERIFY(m_model->addKey({}, QStringLiteral("fw"), QStringLiteral("2.0")));
    QCOMPARE(edited.size(), 1);
}

void tst_ShadowStateModel::removeKey()
{
    m_model->setDocument(nested());
    QSignalSpy edited(m_model.get(), &ShadowStateModel::editedSectionChanged);
    QVERIFY(m_model->removeKey(m_model->indexForPath({QStringLiteral("mode")})));
    QVERIFY(!m_model->editedSection().contains(QStringLiteral("mode")));
    QCOMPARE(edited.size(), 1);
    // The row stays with the old value, marked removed (the view strikes it out).
    const QModelIndex mode =
        m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn);
    QVERIFY(mode.isValid());
    QVERIFY(mode.data(ShadowStateModel::RemovedRole).toBool());
    QVERIFY(mode.data(ShadowStateModel::EditedRole).toBool());
    QCOMPARE(mode.data().toString(), QStringLiteral("\"cool\""));
    QCOMPARE(mode.data(ShadowStateModel::ValueRole).toJsonValue(),
             QJsonValue(QJsonValue::Undefined));
    QVERIFY(!m_model->removeKey(mode));                                          // already gone
    QVERIFY(!m_model->removeKey(m_model->indexForPath({QStringLiteral("fw")}))); // not in desired
    QVERIFY(!m_model->removeKey({}));
    QCOMPARE(edited.size(), 1);

    // A removed object: its children are removed with it.
    QVERIFY(m_model->removeKey(m_model->indexForPath({QStringLiteral("light")})));
    QVERIFY(m_model->indexForPath(path(QStringLiteral("light.level")))
                .data(ShadowStateModel::RemovedRole)
                .toBool());

    // A key added in the edit goes with its row.
    QVERIFY(m_model->addKey({}, QStringLiteral("new"), 1));
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QVERIFY(m_model->removeKey(m_model->indexForPath({QStringLiteral("new")})));
    QCOMPARE(removed.size(), 1);
    QVERIFY(!m_model->indexForPath({QStringLiteral("new")}).isValid());
}

void tst_ShadowStateModel::editingReported()
{
    m_model->setDocument(nested());
    QCOMPARE(m_model->editableSection(), ShadowSection::Desired);
    QVERIFY(m_model->addKey({}, QStringLiteral("dropped"), 1));
    m_model->setEditableSection(ShadowSection::Reported);
    QCOMPARE(m_model->editableSection(), ShadowSection::Reported);
    QCOMPARE(m_model->editedSection(), nested().reported()); // the desired edit is gone
    const QModelIndex t =
        m_model->indexForPath({QStringLiteral("t")}, ShadowStateModel::DesiredColumn);
    QVERIFY(!editable(t));
    const QModelIndex reportedT = t.siblingAtColumn(ShadowStateModel::ReportedColumn);
    QVERIFY(editable(reportedT));
    QVERIFY(m_model->setData(reportedT, QStringLiteral("\"21\"")));
    QCOMPARE(m_model->editedSection().value(QStringLiteral("t")).toString(), QStringLiteral("21"));
    QVERIFY(reportedT.data(ShadowStateModel::EditedRole).toBool());
    QCOMPARE(t.data().toString(), QStringLiteral("\"21\"")); // desired shown from the document
    QVERIFY(m_model->removeKey(m_model->indexForPath({QStringLiteral("fw")})));
    QVERIFY(!m_model->editedSection().contains(QStringLiteral("fw")));
    QVERIFY(m_model->indexForPath({QStringLiteral("fw")}, ShadowStateModel::ReportedColumn)
                .data(ShadowStateModel::RemovedRole)
                .toBool());
}

void tst_ShadowStateModel::setDocumentKeepsTheEditWhenAsked()
{
    const ShadowDocument first = nested();
    m_model->setDocument(first);
    QVERIFY(m_model->setData(
        m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn),
        QStringLiteral("\"heat\"")));
    const QJsonObject edit = m_model->editedSection();
    const ShadowDocument newer =
        shadowAt("{\"state\":{\"reported\":{\"mode\":\"dry\"}}}", kT + 10, first);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->setDocument(newer, true);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->document(), newer);
    QCOMPARE(m_model->editedSection(), edit);
    const QModelIndex mode =
        m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn);
    QCOMPARE(mode.data().toString(), QStringLiteral("\"heat\""));
    QCOMPARE(mode.siblingAtColumn(ShadowStateModel::ReportedColumn).data().toString(),
             QStringLiteral("\"dry\""));
    QVERIFY(mode.data(ShadowStateModel::InDeltaRole).toBool()); // cool (desired) vs dry
    // Without keepEdit the edit starts afresh from the document.
    m_model->setDocument(newer);
    QCOMPARE(m_model->editedSection(), newer.desired());
    QVERIFY(!m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn)
                 .data(ShadowStateModel::EditedRole)
                 .toBool());
}

void tst_ShadowStateModel::setEditedSectionKeepsRows()
{
    m_model->setDocument(nested());
    QSignalSpy edited(m_model.get(), &ShadowStateModel::editedSectionChanged);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    const QPersistentModelIndex hue = m_model->indexForPath(path(QStringLiteral("light.hue")));
    QJsonObject section = m_model->editedSection();
    section.remove(QStringLiteral("list")); // the document has it: the row stays, removed
    section.insert(QStringLiteral("added"), QJsonObject{{QStringLiteral("deep"), 1}});
    section.insert(QStringLiteral("mode"), QStringLiteral("auto"));
    m_model->setEditedSection(section);
    QCOMPARE(m_model->editedSection(), section);
    QCOMPARE(edited.size(), 0); // the caller has the section already
    QCOMPARE(reset.size(), 0);
    QVERIFY(m_model->indexForPath({QStringLiteral("list")})
                .data(ShadowStateModel::RemovedRole)
                .toBool());
    QCOMPARE(
        m_model->indexForPath(path(QStringLiteral("added.deep")), ShadowStateModel::DesiredColumn)
            .data()
            .toString(),
        QStringLiteral("1"));
    QCOMPARE(m_model->indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn)
                 .data()
                 .toString(),
             QStringLiteral("\"auto\""));
    QVERIFY(hue.isValid());
    QCOMPARE(hue.data(ShadowStateModel::PathRole).toStringList(),
             path(QStringLiteral("light.hue")));
    // A key only the edit had goes with its row; the others stay.
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    section.remove(QStringLiteral("added"));
    m_model->setEditedSection(section);
    QCOMPARE(removed.size(), 1);
    QVERIFY(!m_model->indexForPath({QStringLiteral("added")}).isValid());
    QVERIFY(hue.isValid());
    QCOMPARE(reset.size(), 0);
}

void tst_ShadowStateModel::indexForPath_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("found");
    QTest::newRow("top level") << "mode" << int(ShadowStateModel::KeyColumn) << true;
    QTest::newRow("nested, a column")
        << "light.hue" << int(ShadowStateModel::ReportedColumn) << true;
    QTest::newRow("under an object on one side")
        << "mixed.a" << int(ShadowStateModel::UpdatedColumn) << true;
    QTest::newRow("missing") << "nope" << int(ShadowStateModel::KeyColumn) << false;
    QTest::newRow("missing under a leaf") << "mode.x" << int(ShadowStateModel::KeyColumn) << false;
    QTest::newRow("no such column") << "mode" << int(ShadowStateModel::ColumnCount) << false;
}

void tst_ShadowStateModel::indexForPath()
{
    QFETCH(QString, key);
    QFETCH(int, column);
    QFETCH(bool, found);
    m_model->setDocument(nested());
    const QModelIndex index = m_model->indexForPath(path(key), column);
    QCOMPARE(index.isValid(), found);
    if (!found)
        return;
    QCOMPARE(index.column(), column);
    QCOMPARE(index.data(ShadowStateModel::PathRole).toStringList(), path(key));
    QCOMPARE(index.siblingAtColumn(ShadowStateModel::KeyColumn).data().toString(),
             path(key).last());
}

QTEST_GUILESS_MAIN(tst_ShadowStateModel)
#include "tst_shadowstatemodel.moc"
