// JsonDiffModel: two JSON documents side by side as a tree, each row marked with how it differs.
#include "models/JsonDiffModel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace thingdeck;

namespace {

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonObject object = QJsonDocument::fromJson(text, &error).object();
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", text.constData());
    return object;
}

QString kindName(int kind)
{
    switch (JsonDiffModel::Kind(kind)) {
    case JsonDiffModel::Kind::Unchanged:
        return QStringLiteral("unchanged");
    case JsonDiffModel::Kind::Changed:
        return QStringLiteral("changed");
    case JsonDiffModel::Kind::Added:
        return QStringLiteral("added");
    case JsonDiffModel::Kind::Removed:
        return QStringLiteral("removed");
    }
    return QStringLiteral("?");
}

/// Every row, depth first: "path | kind | + when it contains changes | left | right".
void describeRows(const QAbstractItemModel &model, const QModelIndex &parent, QStringList &rows)
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex key = model.index(row, JsonDiffModel::KeyColumn, parent);
        const QStringList path = key.data(JsonDiffModel::PathRole).toStringList();
        rows.append(QStringList{
            path.join(QLatin1Char('.')), kindName(key.data(JsonDiffModel::KindRole).toInt()),
            key.data(JsonDiffModel::ContainsChangesRole).toBool() ? QStringLiteral("+") : QString(),
            key.siblingAtColumn(JsonDiffModel::LeftColumn).data().toString(),
            key.siblingAtColumn(JsonDiffModel::RightColumn).data().toString()}
                        .join(QStringLiteral(" | ")));
        describeRows(model, key, rows);
    }
}

QStringList rowsOf(const QAbstractItemModel &model)
{
    QStringList rows;
    describeRows(model, {}, rows);
    return rows;
}

QStringList path(const char *dotted)
{
    return QString::fromUtf8(dotted).split(QLatin1Char('.'), Qt::SkipEmptyParts);
}

JsonDiffModel::Kind kindAt(const JsonDiffModel &model, const QStringList &at)
{
    return JsonDiffModel::Kind(model.indexForPath(at).data(JsonDiffModel::KindRole).toInt());
}

} // namespace

class tst_JsonDiffModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void empty();
    void rows_data();
    void rows();
    void changesMatchTheRows_data();
    void changesMatchTheRows();
    void indexForPath();
    void titles();
    void toolTips();

private:
    std::unique_ptr<JsonDiffModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_JsonDiffModel::init()
{
    m_model = std::make_unique<JsonDiffModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void tst_JsonDiffModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void tst_JsonDiffModel::empty()
{
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->columnCount(), 3);
    QVERIFY(m_model->changes().isEmpty());
    m_model->setDocuments({}, QStringLiteral("A"), {}, QStringLiteral("B"));
    QCOMPARE(m_model->rowCount(), 0);
    QVERIFY(m_model->changes().isEmpty());
}

void tst_JsonDiffModel::rows_data()
{
    QTest::addColumn<QByteArray>("left");
    QTest::addColumn<QByteArray>("right");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("identical") << QByteArray(R"({"a":1,"o":{"x":"on"}})")
                               << QByteArray(R"({"a":1,"o":{"x":"on"}})")
                               << QStringList{
                                      QStringLiteral("a | unchanged |  | 1 | 1"),
                                      QStringLiteral("o | unchanged |  |  | "),
                                      QStringLiteral(R"(o.x | unchanged |  | "on" | "on")"),
                                  };
    QTest::newRow("scalars") << QByteArray(R"({"a":1,"gone":true,"s":"x"})")
                             << QByteArray(R"({"a":2,"new":null,"s":"x"})")
                             << QStringList{
                                    QStringLiteral("a | changed |  | 1 | 2"),
                                    QStringLiteral("gone | removed |  | true | "),
                                    QStringLiteral("new | added |  |  | null"),
                                    QStringLiteral(R"(s | unchanged |  | "x" | "x")"),
                                };
    QTest::newRow("nested, arrays whole")
        << QByteArray(R"({"o":{"x":1,"y":[1,2]},"same":{"k":"v"}})")
        << QByteArray(R"({"o":{"x":1,"y":[1,3],"z":{}},"same":{"k":"v"}})")
        << QStringList{
               QStringLiteral("o | unchanged | + |  | "),
               QStringLiteral("o.x | unchanged |  | 1 | 1"),
               QStringLiteral("o.y | changed |  | [1,2] | [1,3]"),
               QStringLiteral("o.z | added |  |  | {}"),
               QStringLiteral("same | unchanged |  |  | "),
               QStringLiteral(R"(same.k | unchanged |  | "v" | "v")"),
           };
    QTest::newRow("added and removed objects open")
        << QByteArray(R"({"old":{"p":1}})") << QByteArray(R"({"new":{"n":{"m":[true]}}})")
        << QStringList{
               QStringLiteral("new | added | + |  | "),
               QStringLiteral("new.n | added | + |  | "),
               QStringLiteral("new.n.m | added |  |  | [true]"),
               QStringLiteral("old | removed | + |  | "),
               QStringLiteral("old.p | removed |  | 1 | "),
           };
    QTest::newRow("type change") << QByteArray(R"({"t":{"x":1},"u":[1]})")
                                 << QByteArray(R"({"t":"flat","u":{"0":1}})")
                                 << QStringList{
                                        QStringLiteral(R"(t | changed | + |  | "flat")"),
                                        QStringLiteral("t.x | removed |  | 1 | "),
                                        QStringLiteral("u | changed | + | [1] | "),
                                        QStringLiteral("u.0 | added |  |  | 1"),
                                    };
    QTest::newRow("change deep inside marks every object above")
        << QByteArray(R"({"a":{"b":{"c":{"d":1}},"e":1}})")
        << QByteArray(R"({"a":{"b":{"c":{"d":2}},"e":1}})")
        << QStringList{
               QStringLiteral("a | unchanged | + |  | "),
               QStringLiteral("a.b | unchanged | + |  | "),
               QStringLiteral("a.b.c | unchanged | + |  | "),
               QStringLiteral("a.b.c.d | changed |  | 1 | 2"),
               QStringLiteral("a.e | unchanged |  | 1 | 1"),
           };
    QTest::newRow("keys sorted") << QByteArray(R"({"b":1,"B":1,"a":1})")
                                 << QByteArray(R"({"c":1,"b":1,"A":1})")
                                 << QStringList{
                                        QStringLiteral("A | added |  |  | 1"),
                                        QStringLiteral("B | removed |  | 1 | "),
                                        QStringLiteral("a | removed |  | 1 | "),
                                        QStringLiteral("b | unchanged |  | 1 | 1"),
                                        QStringLiteral("c | added |  |  | 1"),
                                    };
}

void tst_JsonDiffModel::rows()
{
    QFETCH(QByteArray, left);
    QFETCH(QByteArray, right);
    QFETCH(QStringList, expected);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->setDocuments(json(left), QStringLiteral("Left"), json(right), QStringLiteral("Right"));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(rowsOf(*m_model), expected);
}

void tst_JsonDiffModel::changesMatchTheRows_data()
{
    QTest::addColumn<QByteArray>("left");
    QTest::addColumn<QByteArray>("right");
    QTest::newRow("shadow versions")
        << QByteArray(R"({"state":{"desired":{"a":1,"b":2,"o":{"x":[1]}}},"version":3})")
        << QByteArray(R"({"state":{"desired":{"a":1,"b":5,"c":0,"o":{"x":[2]}}},"version":4})");
    QTest::newRow("all different") << QByteArray(R"({"a":{"b":1}})") << QByteArray(R"({"c":[1]})");
    QTest::newRow("none different")
        << QByteArray(R"({"a":{"b":1}})") << QByteArray(R"({"a":{"b":1}})");
}

// Every change diffJson() finds is a row of that kind; rows below an added or removed object
// aside, every other row is unchanged, and ContainsChangesRole leads down to each change.
void tst_JsonDiffModel::changesMatchTheRows()
{
    QFETCH(QByteArray, left);
    QFETCH(QByteArray, right);
    m_model->setDocuments(json(left), QStringLiteral("L"), json(right), QStringLiteral("R"));
    const QList<JsonChange> changes = m_model->changes();
    QCOMPARE(changes, diffJson(json(left), json(right)));
    for (const JsonChange &change : changes) {
        const QModelIndex row = m_model->indexForPath(change.path);
        QVERIFY(row.isValid());
        const auto expected = change.kind == JsonChange::Kind::Added ? JsonDiffModel::Kind::Added
                              : change.kind == JsonChange::Kind::Removed
                                  ? JsonDiffModel::Kind::Removed
                                  : JsonDiffModel::Kind::Changed;
        QCOMPARE(JsonDiffModel::Kind(row.data(JsonDiffModel::KindRole).toInt()), expected);
        for (QModelIndex above = row.parent(); above.isValid(); above = above.parent())
            QVERIFY(above.data(JsonDiffModel::ContainsChangesRole).toBool());
    }
    int changedRows = 0;
    const QStringList rows = rowsOf(*m_model);
    for (const QString &row : rows) {
        if (!row.contains(QStringLiteral(" | unchanged | ")))
            ++changedRows;
    }
    int insideWholeChanges = 0;
    for (const JsonChange &change : changes) {
        const QModelIndex row = m_model->indexForPath(change.path);
        QStringList below;
        describeRows(*m_model, row, below);
        insideWholeChanges += int(below.size());
    }
    QCOMPARE(changedRows, changes.size() + insideWholeChanges);
}

void tst_JsonDiffModel::indexForPath()
{
    m_model->setDocuments(json(R"({"state":{"desired":{"a":1,"b":2}},"version":3})"),
                          QStringLiteral("Version 3"),
                          json(R"({"state":{"desired":{"a":1,"b":5,"c":0}},"version":4})"),
                          QStringLiteral("Version 4"));
    QCOMPARE(m_model->rowCount(), 2); // state, version
    const QModelIndex state = m_model->indexForPath(path("state"));
    QVERIFY(state.isValid());
    QCOMPARE(state.column(), int(JsonDiffModel::KeyColumn));
    QCOMPARE(state, m_model->index(0, 0));
    QVERIFY(state.data(JsonDiffModel::ContainsChangesRole).toBool());
    QCOMPARE(kindAt(*m_model, path("state")), JsonDiffModel::Kind::Unchanged);
    QCOMPARE(kindAt(*m_model, path("state.desired.a")), JsonDiffModel::Kind::Unchanged);
    QCOMPARE(kindAt(*m_model, path("state.desired.b")), JsonDiffModel::Kind::Changed);
    QCOMPARE(kindAt(*m_model, path("state.desired.c")), JsonDiffModel::Kind::Added);
    QCOMPARE(kindAt(*m_model, path("version")), JsonDiffModel::Kind::Changed);

    const QModelIndex b = m_model->indexForPath(path("state.desired.b"));
    QCOMPARE(b.data().toString(), QStringLiteral("b"));
    QCOMPARE(b.data(JsonDiffModel::PathRole).toStringList(), path("state.desired.b"));
    QCOMPARE(b.parent(), m_model->indexForPath(path("state.desired")));
    QCOMPARE(b.parent().parent(), state);
    QCOMPARE(b.siblingAtColumn(JsonDiffModel::LeftColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(b.siblingAtColumn(JsonDiffModel::RightColumn).data().toString(), QStringLiteral("5"));

    QVERIFY(!m_model->indexForPath({}).isValid());
    QVERIFY(!m_model->indexForPath(path("nothing")).isValid());
    QVERIFY(!m_model->indexForPath(path("state.desired.b.deeper")).isValid());
    QVERIFY(!m_model->indexForPath(path("version.x")).isValid());

    // A new pair of documents: the old paths are gone, the new ones found.
    m_model->setDocuments(json(R"({"x":{"y":1}})"), QStringLiteral("A"), json("{}"),
                          QStringLiteral("B"));
    QVERIFY(!m_model->indexForPath(path("state")).isValid());
    QCOMPARE(kindAt(*m_model, path("x")), JsonDiffModel::Kind::Removed);
    QCOMPARE(kindAt(*m_model, path("x.y")), JsonDiffModel::Kind::Removed);
}

void tst_JsonDiffModel::titles()
{
    QCOMPARE(m_model->headerData(JsonDiffModel::KeyColumn, Qt::Horizontal).toString(),
             QStringLiteral("Key"));
    m_model->setDocuments(json(R"({"a":1})"), QStringLiteral("Version 3"), json(R"({"a":2})"),
                          QStringLiteral("Your edit"));
    QCOMPARE(m_model->headerData(JsonDiffModel::KeyColumn, Qt::Horizontal).toString(),
             QStringLiteral("Key"));
    QCOMPARE(m_model->headerData(JsonDiffModel::LeftColumn, Qt::Horizontal).toString(),
             QStringLiteral("Version 3"));
    QCOMPARE(m_model->headerData(JsonDiffModel::RightColumn, Qt::Horizontal).toString(),
             QStringLiteral("Your edit"));
    QVERIFY(!m_model->headerData(JsonDiffModel::LeftColumn, Qt::Vertical).isValid());
    QVERIFY(
        !m_model->headerData(JsonDiffModel::LeftColumn, Qt::Horizontal, Qt::ToolTipRole).isValid());
    m_model->setDocuments(json(R"({"a":1})"), QStringLiteral("Version 4"), json(R"({"a":1})"),
                          QStringLiteral("Version 5"));
    QCOMPARE(m_model->headerData(JsonDiffModel::LeftColumn, Qt::Horizontal).toString(),
             QStringLiteral("Version 4"));
    QCOMPARE(m_model->headerData(JsonDiffModel::RightColumn, Qt::Horizontal).toString(),
             QStringLiteral("Version 5"));
}

void tst_JsonDiffModel::toolTips()
{
    m_model->setDocuments(json(R"({"o":{"a":1,"b":{"c":[1,2]}},"t":"x"})"), QStringLiteral("Mine"),
                          json(R"({"o":{"a":2,"b":{"c":[1,2]}},"n":true})"),
                          QStringLiteral("Theirs"));
    const auto tip = [&](const char *at, int column) {
        return m_model->indexForPath(path(at))
            .siblingAtColumn(column)
            .data(Qt::ToolTipRole)
            .toString();
    };
    // A changed value: the whole value, then from what to what.
    QCOMPARE(tip("o.a", JsonDiffModel::LeftColumn), QStringLiteral("1\nchanged: 1 → 2"));
    QCOMPARE(tip("o.a", JsonDiffModel::RightColumn), QStringLiteral("2\nchanged: 1 → 2"));
    QVERIFY(tip("o.a", JsonDiffModel::KeyColumn).contains(QStringLiteral("changed: 1 → 2")));
    // An object shows no text of its own (its keys are rows), but its tooltip has all of it.
    QCOMPARE(m_model->indexForPath(path("o.b")).siblingAtColumn(JsonDiffModel::LeftColumn).data(),
             QVariant(QString()));
    QCOMPARE(tip("o.b", JsonDiffModel::LeftColumn), QStringLiteral(R"({"c":[1,2]})"));
    // One side only: the other side says where it is missing.
    QCOMPARE(tip("n", JsonDiffModel::LeftColumn), QStringLiteral("Not in Mine."));
    QCOMPARE(tip("n", JsonDiffModel::RightColumn), QStringLiteral("true"));
    QCOMPARE(tip("t", JsonDiffModel::RightColumn), QStringLiteral("Not in Theirs."));
    QVERIFY(tip("n", JsonDiffModel::KeyColumn).contains(QStringLiteral("Theirs")));
    QVERIFY(tip("t", JsonDiffModel::KeyColumn).contains(QStringLiteral("Mine")));
    QVERIFY(tip("o", JsonDiffModel::KeyColumn).startsWith(QStringLiteral("o\n")));
}

QTEST_GUILESS_MAIN(tst_JsonDiffModel)
#include "tst_jsondiffmodel.moc"
