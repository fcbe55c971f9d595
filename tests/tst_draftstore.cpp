// DraftStore: the shadow editor's unapplied edits, kept on disk across switching and restarts.
#include "session/DraftStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

namespace {

const QString kConnection = QStringLiteral("sandbox");

ShadowDraftKey keyOf(const QString &thing, const QString &shadow = QString(),
                     const QString &connection = kConnection)
{
    return ShadowDraftKey{connection, thing, shadow};
}

/// A draft saved `secondsAgo` (to the millisecond, as stored).
ShadowDraft draftOf(const ShadowDraftKey &key, const QString &text, qint64 secondsAgo = 0)
{
    ShadowDraft draft;
    draft.key = key;
    draft.section = QStringLiteral("desired");
    draft.text = text;
    draft.baseVersion = 7;
    draft.baseDocument = QJsonObject{{QStringLiteral("exists"), true},
                                     {QStringLiteral("version"), 7},
                                     {QStringLiteral("state"), QJsonObject()}};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    draft.savedAt = QDateTime::fromMSecsSinceEpoch(now - secondsAgo * 1000);
    return draft;
}

QStringList thingsOf(const QList<ShadowDraft> &drafts)
{
    QStringList things;
    for (const ShadowDraft &draft : drafts)
        things.append(draft.key.thing);
    return things;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

} // namespace

class tst_DraftStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void putGetRemove();
    void survivesARestart();
    void replacing();
    void newestFirst();
    void capDropsTheOldest();
    void oversizeTextIsRefused_data();
    void oversizeTextIsRefused();
    void damagedFileIsMovedAside_data();
    void damagedFileIsMovedAside();
    void filesArePrivate();
    void hasDraft();
    void missingSavedAtIsNow();
};

void tst_DraftStore::putGetRemove()
{
    QTemporaryDir dir;
    DraftStore store(dir.filePath(QStringLiteral("drafts")));
    QVERIFY(store.load().ok()); // no file yet: no error
    QVERIFY(store.drafts().isEmpty());
    QSignalSpy changed(&store, &DraftStore::changed);
    const ShadowDraft draft = draftOf(keyOf(QStringLiteral("lamp-1")), QStringLiteral("{\"a\":"));
    QVERIFY(store.put(draft).ok());
    QCOMPARE(changed.size(), 1);
    QCOMPARE(store.draft(draft.key), draft);
    QVERIFY(!store.draft(keyOf(QStringLiteral("lamp-1"), QStringLiteral("config"))));
    QVERIFY(!store.draft(keyOf(QStringLiteral("lamp-1"), QString(), QStringLiteral("prod"))));
    QVERIFY(store.remove(draft.key).ok());
    QCOMPARE(changed.size(), 2);
    QVERIFY(!store.draft(draft.key));
    QVERIFY(store.drafts().isEmpty());
    QVERIFY(store.remove(draft.key).ok()); // nothing to remove: fine, and nothing changed
    QCOMPARE(changed.size(), 2);
}

void tst_DraftStore::survivesARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("data/thingdeck/drafts"));
    ShadowDraft classic = draftOf(keyOf(QStringLiteral("lamp-1")), QStringLiteral("{ broken"), 30);
    ShadowDraft named = draftOf(keyOf(QStringLiteral("lamp-1"), QStringLiteral("config")),
                                QStringLiteral("{\"mode\":\"eco\"}"), 10);
    named.section = QStringLiteral("reported");
    named.baseVersion = 42;
    {
        DraftStore store(path);
        QVERIFY(store.load().ok());
        QVERIFY(store.put(classic).ok());
        QVERIFY(store.put(named).ok());
    }
    DraftStore again(path);
    QSignalSpy changed(&again, &DraftStore::changed);
    QVERIFY(again.load().ok());
    QCOMPARE(changed.size(), 1);
    QCOMPARE(again.drafts(), QList<ShadowDraft>({named, classic}));
    QCOMPARE(again.draft(named.key)->baseVersion, 42);
    QCOMPARE(again.draft(named.key)->section, QStringLiteral("reported"));
    QCOMPARE(again.draft(classic.key)->text, QStringLiteral("{ broken"));
    QVERIFY(again.hasDraft(kConnection, QStringLiteral("lamp-1")));
    // Removing survives too.
    QVERIFY(again.remove(classic.key).ok());
    DraftStore third(path);
    QVERIFY(third.load().ok());
    QCOMPARE(third.drafts(), QList<ShadowDraft>({named}));
}

void tst_DraftStore::replacing()
{
    QTemporaryDir dir;
    DraftStore store(dir.path());
    QVERIFY(store.put(draftOf(keyOf(QStringLiteral("a")), QStringLiteral("{\"v\":1}"), 20)).ok());
    QVERIFY(store.put(draftOf(keyOf(QStringLiteral("b")), QStringLiteral("{}"), 10)).ok());
    const ShadowDraft newer = draftOf(keyOf(QStringLiteral("a")), QStringLiteral("{\"v\":2}"));
    QVERIFY(store.put(newer).ok());
    QCOMPARE(store.drafts().size(), 2);
    QCOMPARE(store.draft(newer.key)->text, QStringLiteral("{\"v\":2}"));
    QCOMPARE(thingsOf(store.drafts()), QStringList({QStringLiteral("a"), QStringLiteral("b")}));
    DraftStore again(dir.path());
    QVERIFY(again.load().ok());
    QCOMPARE(again.drafts().size(), 2);
    QCOMPARE(again.draft(newer.key), newer);
}

void tst_DraftStore::newestFirst()
{
    QTemporaryDir dir;
    DraftStore store(dir.path());
    QVERIFY(store.put(draftOf(keyOf(QStringLiteral("old")), QStringLiteral("{}"), 300)).ok());
    QVERIFY(store.put(draftOf(keyOf(QStringLiteral("new")), QStringLiteral("{}"), 1)).ok());
    QVERIFY(store.put(draftOf(keyOf(QStringLiteral("mid")), QStringLiteral("{}"), 60)).ok());
    // The order of saving makes "newest" in a running store ...
    QCOMPARE(thingsOf(store.drafts()),
             QStringList({QStringLiteral("mid"), QStringLiteral("new"), QStringLiteral("old")}));
    // ... and the saved times after a restart.
    DraftStore again(dir.path());
    QVERIFY(again.load().ok());
    QCOMPARE(thingsOf(again.drafts()),
             QStringList({QStringLiteral("new"), QStringLiteral("mid"), QStringLiteral("old")}));
}

void tst_DraftStore::capDropsTheOldest()
{
    QTemporaryDir dir;
    DraftStore store(dir.path());
    const int count = DraftStore::kMaxDrafts + 3;
    for (int i = 0; i < count; ++i) {
        const auto put = store.put(
            draftOf(keyOf(QStringLiteral("t%1").arg(i)), QStringLiteral("{}"), count - i));
        QVERIFY(put.ok());
    }
    QCOMPARE(store.drafts().size(), DraftStore::kMaxDrafts);
    for (int i = 0; i < 3; ++i)
        QVERIFY(!store.hasDraft(kConnection, QStringLiteral("t%1").arg(i)));
    QVERIFY(store.hasDraft(kConnection, QStringLiteral("t3")));
    QCOMPARE(store.drafts().first().key.thing, QStringLiteral("t%1").arg(count - 1));
    DraftStore again(dir.path());
    QVERIFY(again.load().ok());
    QCOMPARE(again.drafts().size(), DraftStore::kMaxDrafts);
    QCOMPARE(again.drafts().last().key.thing, QStringLiteral("t3"));
}

void tst_DraftStore::oversizeTextIsRefused_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("kept");
    const qsizetype limit = DraftStore::kMaxTextBytes;
    QTest::newRow("at the limit") << QString(limit, QLatin1Char('x')) << true;
    QTest::newRow("a byte over") << QString(limit + 1, QLatin1Char('x')) << false;
    // Bytes count, not characters: "é" is two bytes in UTF-8.
    QTest::newRow("multi-byte over") << QString(limit / 2 + 1, QChar(0x00e9)) << false;
}

void tst_DraftStore::oversizeTextIsRefused()
{
    QFETCH(QString, text);
    QFETCH(bool, kept);
    QTemporaryDir dir;
    DraftStore store(dir.path());
    const ShadowDraft small = draftOf(keyOf(QStringLiteral("big")), QStringLiteral("{}"), 5);
    QVERIFY(store.put(small).ok());
    QSignalSpy changed(&store, &DraftStore::changed);
    const auto put = store.put(draftOf(small.key, text));
    QCOMPARE(put.ok(), kept);
    QCOMPARE(store.draft(small.key)->text == small.text, !kept);
    QCOMPARE(changed.size(), kept ? 1 : 0);
    if (!kept) {
        QVERIFY2(put.error().contains(QStringLiteral("1 MB")), qPrintable(put.error()));
        QVERIFY(put.error().endsWith(QLatin1Char('.')));
    }
}

void tst_DraftStore::damagedFileIsMovedAside_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("cut off") << QByteArray("{\"format\":1,\"drafts\":[{\"thing\":\"t");
    QTest::newRow("not JSON") << QByteArray("\x00\x01 drafts", 9);
    QTest::newRow("an array") << QByteArray("[1,2,3]");
    QTest::newRow("no drafts list") << QByteArray("{\"format\":1,\"drafts\":{}}");
    QTest::newRow("another format") << QByteArray("{\"format\":2,\"drafts\":[]}");
}

void tst_DraftStore::damagedFileIsMovedAside()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString file = QDir(dir.path()).filePath(QStringLiteral("drafts.json"));
    writeFile(file, content);
    DraftStore store(dir.path());
    QCOMPARE(store.filePath(), file);
    const auto loaded = store.load();
    QVERIFY(!loaded.ok());
    QVERIFY(store.drafts().isEmpty());
    QVERIFY(!QFile::exists(file));
    const QStringList aside =
        QDir(dir.path()).entryList({QStringLiteral("drafts.json.*")}, QDir::Files);
    QCOMPARE(aside.size(), 1);
    QVERIFY2(loaded.error().contains(QDir(dir.path()).filePath(aside.first())),
             qPrintable(loaded.error()));
    QFile moved(QDir(dir.path()).filePath(aside.first()));
    QVERIFY(moved.open(QIODevice::ReadOnly));
    QCOMPARE(moved.readAll(), content); // kept as it was, for the user to look at
    // The store works on.
    QVERIFY(store.put(draftOf(keyOf(QStringLiteral("x")), QStringLiteral("{}"))).ok());
    DraftStore again(dir.path());
    QVERIFY(again.load().ok());
    QCOMPARE(again.drafts().size(), 1);
}

void tst_DraftStore::filesArePrivate()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("data/drafts"));
    DraftStore store(path);
    QVERIFY(store.load().ok());
    QVERIFY(!QFileInfo::exists(path)); // created on the first write, not before
    QVERIFY(store.put(draftOf(keyOf(QStringLiteral("lamp")), QStringLiteral("{}"))).ok());
    const auto owner = QFile::ReadOwner | QFile::WriteOwner;
    const auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther |
                        QFile::WriteOther | QFile::ExeOther;
    QCOMPARE(QFile::permissions(path) & (owner | QFile::ExeOwner | others),
             owner | QFile::ExeOwner);
    QCOMPARE(QFile::permissions(store.filePath()) & (owner | QFile::ExeOwner | others), owner);
    // A file someone opened up becomes private again with the next write.
    QVERIFY(QFile::setPermissions(store.filePath(), owner | QFile::ReadGroup | QFile::ReadOther));
    QVERIFY(store.put(draftOf(keyOf(QStringLiteral("lamp2")), QStringLiteral("{}"))).ok());
    QCOMPARE(QFile::permissions(store.filePath()) & (owner | QFile::ExeOwner | others), owner);
    // No temporary files left behind.
    QCOMPARE(QDir(path).entryList(QDir::Files), QStringList({QStringLiteral("drafts.json")}));
}

void tst_DraftStore::hasDraft()
{
    QTemporaryDir dir;
    DraftStore store(dir.path());
    QVERIFY(!store.hasDraft(kConnection, QStringLiteral("lamp")));
    const ShadowDraftKey classic = keyOf(QStringLiteral("lamp"));
    const ShadowDraftKey named = keyOf(QStringLiteral("lamp"), QStringLiteral("config"));
    QVERIFY(store.put(draftOf(classic, QStringLiteral("{}"), 5)).ok());
    QVERIFY(store.put(draftOf(named, QStringLiteral("{}"))).ok());
    QVERIFY(store
                .put(draftOf(keyOf(QStringLiteral("fan"), QString(), QStringLiteral("prod")),
                             QStringLiteral("{}")))
                .ok());
    QVERIFY(store.hasDraft(kConnection, QStringLiteral("lamp")));
    QVERIFY(!store.hasDraft(QStringLiteral("prod"), QStringLiteral("lamp")));
    QVERIFY(store.hasDraft(QStringLiteral("prod"), QStringLiteral("fan")));
    QVERIFY(!store.hasDraft(kConnection, QStringLiteral("fan")));
    QVERIFY(!store.hasDraft(kConnection, QStringLiteral("lam")));
    const auto lamp = store.draftsFor(kConnection, QStringLiteral("lamp"));
    QCOMPARE(lamp.size(), 2);
    QCOMPARE(lamp.first().key, named); // newest first
    QVERIFY(store.draftsFor(QStringLiteral("prod"), QStringLiteral("lamp")).isEmpty());
    // One shadow's draft gone, the other's keeps the thing marked.
    QVERIFY(store.remove(classic).ok());
    QVERIFY(store.hasDraft(kConnection, QStringLiteral("lamp")));
    QVERIFY(store.remove(named).ok());
    QVERIFY(!store.hasDraft(kConnection, QStringLiteral("lamp")));
    QVERIFY(store.hasDraft(QStringLiteral("prod"), QStringLiteral("fan")));
}

void tst_DraftStore::missingSavedAtIsNow()
{
    QTemporaryDir dir;
    DraftStore store(dir.path());
    ShadowDraft draft = draftOf(keyOf(QStringLiteral("lamp")), QStringLiteral("{}"));
    draft.savedAt = QDateTime();
    const QDateTime before = QDateTime::currentDateTime();
    QVERIFY(store.put(draft).ok());
    const QDateTime savedAt = store.draft(draft.key)->savedAt;
    QVERIFY(savedAt.isValid());
    QVERIFY(savedAt >= before && savedAt <= QDateTime::currentDateTime());
}

QTEST_GUILESS_MAIN(tst_DraftStore)
#include "tst_draftstore.moc"
