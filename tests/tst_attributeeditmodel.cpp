// AttributeEditModel: a thing's attributes as the user edits them, and the update they make.
#include "models/AttributeEditModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace thingdeck;

namespace {

using Attributes = QMap<QString, QString>;
using Rows = QList<QStringList>; // {name, value} per row, in order

const Attributes kLoaded{{QStringLiteral("colour"), QStringLiteral("teal")},
                         {QStringLiteral("floor"), QStringLiteral("3")},
                         {QStringLiteral("model"), QStringLiteral("t-1000")}};
const Rows kLoadedRows{{QStringLiteral("colour"), QStringLiteral("teal")},
                       {QStringLiteral("floor"), QStringLiteral("3")},
                       {QStringLiteral("model"), QStringLiteral("t-1000")}};

QString text(const QAbstractItemModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}

Rows rowsOf(const AttributeEditModel &model)
{
    Rows rows;
    for (int row = 0; row < model.rowCount(); ++row)
        rows.append({text(model, row, AttributeEditModel::NameColumn),
                     text(model, row, AttributeEditModel::ValueColumn)});
    return rows;
}

// Makes the model's rows `rows`, the way a user would: edits in place, then adds or removes.
void editTo(AttributeEditModel &model, const Rows &rows)
{
    while (model.rowCount() > rows.size())
        model.removeAttribute(model.rowCount() - 1);
    while (model.rowCount() < rows.size())
        model.addAttribute();
    for (int row = 0; row < rows.size(); ++row) {
        for (int column : {0, 1})
            QVERIFY(model.setData(model.index(row, column), rows.at(row).at(column), Qt::EditRole));
    }
}

} // namespace

class tst_AttributeEditModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void empty();
    void loadShowsSortedRows();
    void loadWhileModified();
    void revert();
    void addAndRemove();
    void removeOutOfRange();
    void setData();
    void setDataRefused();
    void editBackIsNotModified();
    void validate_data();
    void validate();
    void update_data();
    void update();

private:
    std::unique_ptr<AttributeEditModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_AttributeEditModel::init()
{
    m_model = std::make_unique<AttributeEditModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void tst_AttributeEditModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void tst_AttributeEditModel::empty()
{
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->columnCount(), 2);
    QVERIFY(!m_model->isModified());
    QVERIFY(m_model->attributes().isEmpty());
    QCOMPARE(m_model->validate(), QString());
    QVERIFY(m_model->update().attributes.isEmpty());
    QCOMPARE(m_model->headerData(0, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("Attribute"));
    QCOMPARE(m_model->headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("Value"));
    QVERIFY(!m_model->headerData(0, Qt::Vertical, Qt::DisplayRole).isValid());
}

void tst_AttributeEditModel::loadShowsSortedRows()
{
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy modified(m_model.get(), &AttributeEditModel::modifiedChanged);
    m_model->load(kLoaded, 7);
    QCOMPARE(reset.size(), 1);
    QVERIFY(modified.isEmpty());
    QCOMPARE(m_model->baseVersion(), 7);
    QVERIFY(!m_model->isModified());
    QCOMPARE(rowsOf(*m_model), kLoadedRows);
    QCOMPARE(m_model->attributes(), kLoaded);
    for (int role : {int(Qt::EditRole), int(Qt::ToolTipRole)})
        QCOMPARE(text(*m_model, 1, AttributeEditModel::ValueColumn, role), QStringLiteral("3"));
    QVERIFY(!m_model->data(m_model->index(0, 0), Qt::DecorationRole).isValid());
    const Qt::ItemFlags flags = m_model->flags(m_model->index(2, 1));
    QVERIFY(flags.testFlag(Qt::ItemIsEditable) && flags.testFlag(Qt::ItemIsEnabled) &&
            flags.testFlag(Qt::ItemIsSelectable));
    QCOMPARE(m_model->flags({}), Qt::NoItemFlags);
}

void tst_AttributeEditModel::loadWhileModified()
{
    m_model->load(kLoaded, 3);
    m_model->addAttribute();
    QVERIFY(m_model->isModified());
    QSignalSpy modified(m_model.get(), &AttributeEditModel::modifiedChanged);
    m_model->load({{QStringLiteral("a"), QStringLiteral("1")}}, 4);
    QCOMPARE(modified.size(), 1);
    QCOMPARE(modified.first().first().toBool(), false);
    QVERIFY(!m_model->isModified());
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->baseVersion(), 4);
}

void tst_AttributeEditModel::revert()
{
    m_model->load(kLoaded, 9);
    QSignalSpy modified(m_model.get(), &AttributeEditModel::modifiedChanged);
    m_model->removeAttribute(0);
    QVERIFY(m_model->setData(m_model->index(0, 1), QStringLiteral("4"), Qt::EditRole));
    const int added = m_model->addAttribute();
    QVERIFY(m_model->setData(m_model->index(added, 0), QStringLiteral("new"), Qt::EditRole));
    QCOMPARE(modified.size(), 1);
    QVERIFY(m_model->isModified());

    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->revert();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(modified.size(), 2);
    QCOMPARE(modified.last().first().toBool(), false);
    QCOMPARE(m_model->attributes(), kLoaded);
    QCOMPARE(m_model->baseVersion(), 9);
    QVERIFY(m_model->update().attributes.isEmpty());
}

void tst_AttributeEditModel::addAndRemove()
{
    m_model->load(kLoaded, 1);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy modified(m_model.get(), &AttributeEditModel::modifiedChanged);

    QCOMPARE(m_model->addAttribute(), 3);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 3);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(text(*m_model, 3, 0), QString());
    QVERIFY(m_model->isModified()); // an empty row is a change, if not yet an attribute
    QCOMPARE(m_model->attributes(), kLoaded);
    QCOMPARE(modified.size(), 1);

    m_model->removeAttribute(3);
    QCOMPARE(removed.size(), 1);
    QVERIFY(!m_model->isModified());
    QCOMPARE(modified.size(), 2);

    m_model->removeAttribute(1); // "floor"
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(text(*m_model, 1, 0), QStringLiteral("model"));
    QVERIFY(m_model->isModified());
    QVERIFY(!m_model->attributes().contains(QStringLiteral("floor")));
}

void tst_AttributeEditModel::removeOutOfRange()
{
    m_model->load(kLoaded, 1);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsAboutToBeRemoved);
    m_model->removeAttribute(-1);
    m_model->removeAttribute(3);
    QVERIFY(removed.isEmpty());
    QCOMPARE(m_model->rowCount(), 3);
    QVERIFY(!m_model->isModified());
}

void tst_AttributeEditModel::setData()
{
    m_model->load(kLoaded, 1);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy modified(m_model.get(), &AttributeEditModel::modifiedChanged);

    const QModelIndex value = m_model->index(0, AttributeEditModel::ValueColumn);
    QVERIFY(m_model->setData(value, QStringLiteral("red"), Qt::EditRole));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex(), value);
    QCOMPARE(changed.first().at(1).toModelIndex(), value);
    QCOMPARE(modified.size(), 1);
    QCOMPARE(modified.first().first().toBool(), true);
    QCOMPARE(text(*m_model, 0, 1), QStringLiteral("red"));

    // The same text again: accepted, nothing changes.
    QVERIFY(m_model->setData(value, QStringLiteral("red"), Qt::EditRole));
    QCOMPARE(changed.size(), 1);

    // Names are trimmed, values kept as typed (AWS's rules judge them).
    const QModelIndex name = m_model->index(1, AttributeEditModel::NameColumn);
    QVERIFY(m_model->setData(name, QStringLiteral("  level\t"), Qt::EditRole));
    QCOMPARE(text(*m_model, 1, 0), QStringLiteral("level"));
    QVERIFY(m_model->setData(value, QStringLiteral(" red "), Qt::EditRole));
    QCOMPARE(text(*m_model, 0, 1), QStringLiteral(" red "));
    QCOMPARE(changed.size(), 3);
    QCOMPARE(modified.size(), 1);
}

void tst_AttributeEditModel::setDataRefused()
{
    m_model->load(kLoaded, 1);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QVERIFY(!m_model->setData(m_model->index(0, 1), QStringLiteral("x"), Qt::DisplayRole));
    QVERIFY(!m_model->setData(QModelIndex(), QStringLiteral("x"), Qt::EditRole));
    QVERIFY(changed.isEmpty());
    QVERIFY(!m_model->isModified());
    QCOMPARE(text(*m_model, 0, 1), QStringLiteral("teal"));
}

void tst_AttributeEditModel::editBackIsNotModified()
{
    m_model->load(kLoaded, 1);
    QSignalSpy modified(m_model.get(), &AttributeEditModel::modifiedChanged);
    const QModelIndex value = m_model->index(2, 1);
    QVERIFY(m_model->setData(value, QStringLiteral("t-800"), Qt::EditRole));
    QVERIFY(m_model->setData(value, QStringLiteral("t-1000"), Qt::EditRole));
    QCOMPARE(modified.size(), 2);
    QCOMPARE(modified.at(0).first().toBool(), true);
    QCOMPARE(modified.at(1).first().toBool(), false);

    // Removing an attribute and typing it in again is no change either.
    m_model->removeAttribute(0);
    const int row = m_model->addAttribute();
    QVERIFY(m_model->setData(m_model->index(row, 0), QStringLiteral("colour"), Qt::EditRole));
    QVERIFY(m_model->isModified());
    QVERIFY(m_model->setData(m_model->index(row, 1), QStringLiteral("teal"), Qt::EditRole));
    QVERIFY(!m_model->isModified());
    QCOMPARE(modified.size(), 4);
    QVERIFY(m_model->update().attributes.isEmpty());
}

void tst_AttributeEditModel::validate_data()
{
    QTest::addColumn<Attributes>("loaded");
    QTest::addColumn<qint64>("version");
    QTest::addColumn<Rows>("rows");
    QTest::addColumn<QString>("problem");

    const Attributes none;
    const Attributes one{{QStringLiteral("a"), QStringLiteral("1")}};
    QTest::newRow("unchanged") << kLoaded << qint64(2) << kLoadedRows << QString();
    QTest::newRow("fine edit") << one << qint64(2)
                               << Rows{{QStringLiteral("a"), QStringLiteral("2")},
                                       {QStringLiteral("b/c:d#e@f,g.h_i-j"),
                                        QStringLiteral("[x=y]")}}
                               << QString();
    QTest::newRow("all removed") << kLoaded << qint64(2) << Rows{} << QString();
    QTest::newRow("empty name") << none << qint64(1) << Rows{{QString(), QStringLiteral("1")}}
                                << QStringLiteral(
                                       "An attribute has no name: type one, or remove the row.");
    QTest::newRow("blank name") << none << qint64(1)
                                << Rows{{QStringLiteral("   "), QStringLiteral("1")}}
                                << QStringLiteral(
                                       "An attribute has no name: type one, or remove the row.");
    QTest::newRow("new empty row")
        << one << qint64(1)
        << Rows{{QStringLiteral("a"), QStringLiteral("1")}, {QString(), QString()}}
        << QStringLiteral("An attribute has no name: type one, or remove the row.");
    QTest::newRow("duplicate name")
        << one << qint64(1)
        << Rows{{QStringLiteral("a"), QStringLiteral("1")},
                {QStringLiteral("a"), QStringLiteral("2")}}
        << QStringLiteral("The attribute \"a\" appears twice: rename or remove one.");
    QTest::newRow("duplicate after trimming")
        << none << qint64(1)
        << Rows{{QStringLiteral("b"), QStringLiteral("1")},
                {QStringLiteral(" b "), QStringLiteral("1")}}
        << QStringLiteral("The attribute \"b\" appears twice: rename or remove one.");
    QTest::newRow("empty value")
        << one << qint64(1) << Rows{{QStringLiteral("a"), QString()}}
        << QStringLiteral("The attribute \"a\" has no value: AWS removes attributes with an empty "
                          "value, so type a value or remove the row.");
    QTest::newRow("space in a name")
        << none << qint64(1) << Rows{{QStringLiteral("a b"), QStringLiteral("1")}}
        << QStringLiteral("The attribute name \"a b\" contains U+0020; AWS IoT allows only "
                          "[a-zA-Z0-9_.,@/:#-]+.");
    QTest::newRow("equals sign in a name")
        << none << qint64(1) << Rows{{QStringLiteral("a=b"), QStringLiteral("1")}}
        << QStringLiteral("The attribute name \"a=b\" contains '='; AWS IoT allows only "
                          "[a-zA-Z0-9_.,@/:#-]+.");
    QTest::newRow("space in a value")
        << one << qint64(1) << Rows{{QStringLiteral("a"), QStringLiteral("hello world")}}
        << QStringLiteral("The attribute value \"hello world\" contains U+0020; AWS IoT allows "
                          "only [a-zA-Z0-9_.,@/:#=\\[\\]-]*.");
    QTest::newRow("name too long")
        << none << qint64(1) << Rows{{QString(129, QLatin1Char('n')), QStringLiteral("1")}}
        << QStringLiteral("The attribute name is 129 characters long; AWS IoT allows at most 128.");
    QTest::newRow("name of 128") << none << qint64(1)
                                 << Rows{{QString(128, QLatin1Char('n')), QStringLiteral("1")}}
                                 << QString();
    QTest::newRow("value too long")
        << none << qint64(1) << Rows{{QStringLiteral("v"), QString(801, QLatin1Char('v'))}}
        << QStringLiteral(
               "The attribute value is 801 characters long; AWS IoT allows at most 800.");
    QTest::newRow("negative version")
        << one << qint64(-1) << Rows{{QStringLiteral("a"), QStringLiteral("2")}}
        << QStringLiteral("The expected version cannot be negative.");
    // What AWS already holds is not judged again; only what the update sends.
    const Attributes legacy{{QStringLiteral("note"), QStringLiteral("x y")}};
    QTest::newRow("untouched legacy value") << legacy << qint64(1)
                                            << Rows{{QStringLiteral("note"), QStringLiteral("x y")},
                                                    {QStringLiteral("b"), QStringLiteral("1")}}
                                            << QString();
}

void tst_AttributeEditModel::validate()
{
    QFETCH(Attributes, loaded);
    QFETCH(qint64, version);
    QFETCH(Rows, rows);
    QFETCH(QString, problem);

    m_model->load(loaded, version);
    editTo(*m_model, rows);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(m_model->validate(), problem);
}

void tst_AttributeEditModel::update_data()
{
    QTest::addColumn<Attributes>("loaded");
    QTest::addColumn<qint64>("version");
    QTest::addColumn<Rows>("rows");
    QTest::addColumn<Attributes>("sent");

    const Rows &loadedRows = kLoadedRows;
    QTest::newRow("unchanged") << kLoaded << qint64(5) << loadedRows << Attributes{};
    Rows changed = loadedRows;
    changed[1][1] = QStringLiteral("4");
    QTest::newRow("one value changed")
        << kLoaded << qint64(5) << changed
        << Attributes{{QStringLiteral("floor"), QStringLiteral("4")}};
    QTest::newRow("one added") << kLoaded << qint64(6)
                               << (loadedRows + Rows{{QStringLiteral("zone"), QStringLiteral("b")}})
                               << Attributes{{QStringLiteral("zone"), QStringLiteral("b")}};
    QTest::newRow("one removed") << kLoaded << qint64(7) << loadedRows.mid(0, 2)
                                 << Attributes{{QStringLiteral("model"), QString()}};
    QTest::newRow("all removed") << kLoaded << qint64(8) << Rows{}
                                 << Attributes{{QStringLiteral("colour"), QString()},
                                               {QStringLiteral("floor"), QString()},
                                               {QStringLiteral("model"), QString()}};
    Rows renamed = loadedRows;
    renamed[0][0] = QStringLiteral("color");
    QTest::newRow("renamed") << kLoaded << qint64(2) << renamed
                             << Attributes{{QStringLiteral("colour"), QString()},
                                           {QStringLiteral("color"), QStringLiteral("teal")}};
    QTest::newRow("reordered") << kLoaded << qint64(2)
                               << Rows{loadedRows.at(2), loadedRows.at(0), loadedRows.at(1)}
                               << Attributes{};
    QTest::newRow("from nothing") << Attributes{} << qint64(0)
                                  << Rows{{QStringLiteral("a"), QStringLiteral("1")}}
                                  << Attributes{{QStringLiteral("a"), QStringLiteral("1")}};
    QTest::newRow("a nameless row is not sent")
        << kLoaded << qint64(3) << (changed + Rows{{QString(), QStringLiteral("x")}})
        << Attributes{{QStringLiteral("floor"), QStringLiteral("4")}};
    QTest::newRow("mixed") << kLoaded << qint64(42)
                           << Rows{{QStringLiteral("floor"), QStringLiteral("3")},
                                   {QStringLiteral("model"), QStringLiteral("t-800")},
                                   {QStringLiteral("owner"), QStringLiteral("ops")}}
                           << Attributes{{QStringLiteral("colour"), QString()},
                                         {QStringLiteral("model"), QStringLiteral("t-800")},
                                         {QStringLiteral("owner"), QStringLiteral("ops")}};
}

void tst_AttributeEditModel::update()
{
    QFETCH(Attributes, loaded);
    QFETCH(qint64, version);
    QFETCH(Rows, rows);
    QFETCH(Attributes, sent);

    m_model->load(loaded, version);
    editTo(*m_model, rows);
    if (QTest::currentTestFailed())
        return;
    const ThingAttributeUpdate update = m_model->update();
    QCOMPARE(update.attributes, sent);
    QVERIFY(update.merge);
    QCOMPARE(update.expectedVersion, std::optional<qint64>(version));
    QCOMPARE(m_model->isModified(), !sent.isEmpty() || m_model->rowCount() != loaded.size());
    // The same again after a revert: nothing to send, the version kept.
    m_model->revert();
    QVERIFY(m_model->update().attributes.isEmpty());
    QCOMPARE(m_model->update().expectedVersion, std::optional<qint64>(version));
}

QTEST_GUILESS_MAIN(tst_AttributeEditModel)
#include "tst_attributeeditmodel.moc"
