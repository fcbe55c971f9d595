// DraftStore and ShadowStateModel: the shadow editor's unapplied edits on disk, and its tree.
#include "iot/ShadowDocument.h"
#include "iot/ShadowUpdate.h"
#include "models/ShadowStateModel.h"
#include "session/DraftStore.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

namespace {

ShadowDraft draftOf(const QString &thing, const QString &shadow, const QString &text,
                    qint64 secondsAgo = 0)
{
    ShadowDraft draft;
    draft.key = ShadowDraftKey{QStringLiteral("sandbox"), thing, shadow};
    draft.section = QStringLiteral("desired");
    draft.text = text;
    draft.baseVersion = 7;
    draft.baseDocument =
        QJsonObject{{QStringLiteral("exists"), true}, {QStringLiteral("version"), 7}};
    draft.savedAt = QDateTime::currentDateTime().addSecs(-secondsAgo);
    // Stored to the millisecond.
    draft.savedAt = QDateTime::fromMSecsSinceEpoch(draft.savedAt.toMSecsSinceEpoch());
    return draft;
}

ShadowDocument shadowAt(const QByteArray &request, qint64 timestamp,
                        const ShadowDocument &from = ShadowDocument())
{
    const auto update = ShadowUpdate::parse(request);
    if (!update.ok())
        qFatal("bad test update");
    const auto document = from.updated(update.value(), timestamp);
    if (!document.ok())
        qFatal("test update refused");
    return document.value();
}

QString text(const QModelIndex &index)
{
    return index.data().toString();
}

} // namespace

class TestDraftStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void putGetRemoveAndRestart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("data/drafts"));
        {
            DraftStore store(path);
            QVERIFY(store.load().ok()); // nothing yet: no error
            QSignalSpy changed(&store, &DraftStore::changed);
            QVERIFY(store.put(draftOf(QStringLiteral("lamp-1"), QString(), QStringLiteral("{"), 10))
                        .ok());
            QVERIFY(store
                        .put(draftOf(QStringLiteral("lamp-1"), QStringLiteral("config"),
                                     QStringLiteral("{\"a\":1}"), 5))
                        .ok());
            QVERIFY(
                store.put(draftOf(QStringLiteral("lamp-2"), QString(), QStringLiteral("{}"))).ok());
            QCOMPARE(changed.size(), 3);
            QVERIFY(store.hasDraft(QStringLiteral("sandbox"), QStringLiteral("lamp-1")));
            QVERIFY(!store.hasDraft(QStringLiteral("other"), QStringLiteral("lamp-1")));
            QCOMPARE(store.draftsFor(QStringLiteral("sandbox"), QStringLiteral("lamp-1")).size(),
                     2);
            // Replacing keeps one per key, newest first.
            QVERIFY(store.put(draftOf(QStringLiteral("lamp-1"), QString(), QStringLiteral("{ }")))
                        .ok());
            QCOMPARE(store.drafts().size(), 3);
            QCOMPARE(store.drafts().first().text, QStringLiteral("{ }"));
            QVERIFY(store.remove({QStringLiteral("sandbox"), QStringLiteral("lamp-2"), QString()})
                        .ok());
            QVERIFY(!store.hasDraft(QStringLiteral("sandbox"), QStringLiteral("lamp-2")));
            // Private: the device configuration in drafts is the user's alone.
            QCOMPARE(QFile::permissions(store.filePath()) & 0x0077, QFile::Permissions());
            QCOMPARE(QFile::permissions(path) & (QFile::ReadGroup | QFile::ReadOther),
                     QFile::Permissions());
        }
        DraftStore again(path); // the next start
        QVERIFY(again.load().ok());
        QCOMPARE(again.drafts().size(), 2);
        const auto restored =
            again.draft({QStringLiteral("sandbox"), QStringLiteral("lamp-1"), QString()});
        QVERIFY(restored);
        QCOMPARE(restored->text, QStringLiteral("{ }"));
        QCOMPARE(restored->baseVersion, 7);
        QCOMPARE(restored->section, QStringLiteral("desired"));
        QCOMPARE(restored->baseDocument.value(QStringLiteral("version")).toInt(), 7);
        QCOMPARE(again.drafts().first().key.shadow, QString()); // newest first survives
    }

    void capAndSizeLimit()
    {
        QTemporaryDir dir;
        DraftStore store(dir.path());
        for (int i = 0; i < DraftStore::kMaxDrafts + 3; ++i)
            QVERIFY(
                store.put(draftOf(QStringLiteral("t%1").arg(i), QString(), QStringLiteral("{}")))
                    .ok());
        QCOMPARE(store.drafts().size(), DraftStore::kMaxDrafts);
        QVERIFY(!store.hasDraft(QStringLiteral("sandbox"), QStringLiteral("t0"))); // oldest gone
        QVERIFY(store.hasDraft(QStringLiteral("sandbox"),
                               QStringLiteral("t%1").arg(DraftStore::kMaxDrafts + 2)));
        const auto tooBig =
            store.put(draftOf(QStringLiteral("big"), QString(),
                              QString(DraftStore::kMaxTextBytes + 1, QLatin1Char('x'))));
        QVERIFY(!tooBig.ok());
        QVERIFY(tooBig.error().contains(QStringLiteral("MB")));
    }

    void damagedFileIsMovedAside()
    {
        QTemporaryDir dir;
        QFile file(QDir(dir.path()).filePath(QStringLiteral("drafts.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"drafts\": [tor");
        file.close();
        DraftStore store(dir.path());
        const auto loaded = store.load();
        QVERIFY(!loaded.ok());
        QVERIFY2(loaded.error().contains(QStringLiteral("drafts.json.damaged-")),
                 qPrintable(loaded.error()));
        QVERIFY(store.drafts().isEmpty());
        QVERIFY(!QFile::exists(file.fileName()));
        QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("drafts.json.damaged-*")}).size(), 1);
        QVERIFY(store.put(draftOf(QStringLiteral("x"), QString(), QStringLiteral("{}"))).ok());
    }

    void stateTree()
    {
        const ShadowDocument first = shadowAt(
            R"({"state":{"desired":{"mode":"cool","t":21,"color":{"r":1,"g":2}},"reported":{"mode":"heat","t":21,"fw":"1.0"}}})",
            1000);
        const ShadowDocument document =
            shadowAt(R"({"state":{"desired":{"t":"21"}}})", 1090, first);
        ShadowStateModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNow([] { return qint64(1095); });
        model.setDocument(document);
        QCOMPARE(model.rowCount(), 4); // color, fw, mode, t: the union, sorted
        QCOMPARE(text(model.index(0, 0)), QStringLiteral("color"));
        QCOMPARE(model.rowCount(model.index(0, 0)), 2);
        const auto cell = [&](const char *key, int column) {
            return model.indexForPath({QString::fromLatin1(key)}, column);
        };
        QCOMPARE(text(cell("mode", ShadowStateModel::DesiredColumn)), QStringLiteral("\"cool\""));
        QCOMPARE(text(cell("mode", ShadowStateModel::ReportedColumn)), QStringLiteral("\"heat\""));
        QCOMPARE(text(cell("fw", ShadowStateModel::DesiredColumn)), QString());
        // "21" and 21 differ, and show so.
        QCOMPARE(text(cell("t", ShadowStateModel::DesiredColumn)), QStringLiteral("\"21\""));
        QCOMPARE(text(cell("t", ShadowStateModel::ReportedColumn)), QStringLiteral("21"));
        QVERIFY(cell("mode", 0).data(ShadowStateModel::InDeltaRole).toBool());
        QVERIFY(cell("t", 0).data(ShadowStateModel::InDeltaRole).toBool());
        QVERIFY(cell("color", 0).data(ShadowStateModel::InDeltaRole).toBool());
        QVERIFY(!cell("fw", 0).data(ShadowStateModel::InDeltaRole).toBool());
        QCOMPARE(text(cell("t", ShadowStateModel::UpdatedColumn)), QStringLiteral("5 s ago"));
        QCOMPARE(text(cell("mode", ShadowStateModel::UpdatedColumn)), QStringLiteral("1 min ago"));
        QVERIFY(cell("t", ShadowStateModel::UpdatedColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("desired:")));
    }

    void relativeTimes_data()
    {
        QTest::addColumn<qint64>("age");
        QTest::addColumn<QString>("expected");
        QTest::newRow("5 s") << qint64(5) << QStringLiteral("5 s ago");
        QTest::newRow("90 s") << qint64(90) << QStringLiteral("1 min ago");
        QTest::newRow("2 h") << qint64(7200) << QStringLiteral("2 h ago");
        QTest::newRow("3 d") << qint64(3 * 86400 + 5) << QStringLiteral("3 d ago");
    }

    void relativeTimes()
    {
        QFETCH(qint64, age);
        QFETCH(QString, expected);
        QCOMPARE(ShadowStateModel::relativeText(age), expected);
    }

    void editingInPlace()
    {
        ShadowStateModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDocument(shadowAt(
            R"({"state":{"desired":{"mode":"cool","o":{"x":1}},"reported":{"mode":"cool"}}})",
            1000));
        QSignalSpy edited(&model, &ShadowStateModel::editedSectionChanged);
        const QModelIndex mode =
            model.indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn);
        QVERIFY(mode.flags() & Qt::ItemIsEditable);
        QVERIFY(!(
            model.indexForPath({QStringLiteral("mode")}, ShadowStateModel::ReportedColumn).flags() &
            Qt::ItemIsEditable));
        QVERIFY(
            !(model.indexForPath({QStringLiteral("o")}, ShadowStateModel::DesiredColumn).flags() &
              Qt::ItemIsEditable)); // an object is edited through its keys
        QVERIFY(model.setData(mode, QStringLiteral("21")));
        QCOMPARE(model.editedSection().value(QStringLiteral("mode")).toInt(), 21);
        QVERIFY(model.setData(mode, QStringLiteral("warm please")));
        QCOMPARE(model.editedSection().value(QStringLiteral("mode")).toString(),
                 QStringLiteral("warm please"));
        QVERIFY(model.setData(mode, QStringLiteral("[1,2]")));
        QVERIFY(model.editedSection().value(QStringLiteral("mode")).isArray());
        QCOMPARE(edited.size(), 3);
        QVERIFY(model.indexForPath({QStringLiteral("mode")})
                    .data(ShadowStateModel::EditedRole)
                    .toBool());

        QVERIFY(model.addKey(model.indexForPath({QStringLiteral("o")}), QStringLiteral("y"),
                             QJsonValue(true)));
        QCOMPARE(
            model.editedSection().value(QStringLiteral("o")).toObject().value(QStringLiteral("y")),
            QJsonValue(true));
        QVERIFY(!model.addKey({}, QStringLiteral("mode"), 1)); // exists
        QVERIFY(!model.addKey({}, QString(), 1));
        QVERIFY(model.removeKey(model.indexForPath({QStringLiteral("mode")})));
        QVERIFY(!model.editedSection().contains(QStringLiteral("mode")));
        // The removed key keeps its row, struck out, with the old value.
        const QModelIndex removed =
            model.indexForPath({QStringLiteral("mode")}, ShadowStateModel::DesiredColumn);
        QVERIFY(removed.data(ShadowStateModel::RemovedRole).toBool());
        QCOMPARE(text(removed), QStringLiteral("\"cool\""));

        // A newer document keeps the edit when asked to.
        const ShadowDocument newer = shadowAt(
            R"({"state":{"desired":{"mode":"cool","o":{"x":1}},"reported":{"mode":"dry"}}})", 1100);
        model.setDocument(newer, true);
        QVERIFY(!model.editedSection().contains(QStringLiteral("mode")));
        QCOMPARE(
            text(model.indexForPath({QStringLiteral("mode")}, ShadowStateModel::ReportedColumn)),
            QStringLiteral("\"dry\""));
        model.setDocument(newer);
        QVERIFY(model.editedSection().contains(QStringLiteral("mode")));

        // Reported editing, for testing devices.
        model.setEditableSection(ShadowSection::Reported);
        QVERIFY(
            model.indexForPath({QStringLiteral("mode")}, ShadowStateModel::ReportedColumn).flags() &
            Qt::ItemIsEditable);
        QVERIFY(model.setData(
            model.indexForPath({QStringLiteral("mode")}, ShadowStateModel::ReportedColumn),
            QStringLiteral("\"fan\"")));
        QCOMPARE(model.editedSection(),
                 QJsonObject({{QStringLiteral("mode"), QStringLiteral("fan")}}));
    }
};

QTEST_GUILESS_MAIN(TestDraftStore)
#include "tst_draftstore.moc"
