// The sandbox's persistent state: layout, round trips, atomic writes, and damaged files
// reported instead of crashing or being silently lost.
#include "StateStore.h"
#include "iot/ShadowUpdate.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace thingdeck;

namespace {

ThingRecord thing(const QString &name)
{
    ThingRecord record;
    record.name = name;
    record.id = QStringLiteral("0f6e8a43-8f3c-4ac4-9c57-4b0b3c8e1a11");
    record.typeName = QStringLiteral("Lamp");
    record.attributes = {{QStringLiteral("room"), QStringLiteral("kitchen")}};
    record.version = 3;
    record.groups = {QStringLiteral("floor-1")};
    record.principals = {QStringLiteral("arn:aws:iot:us-east-1:123456789012:cert/abc")};
    return record;
}

ShadowDocument shadowWith(const QByteArray &update, qint64 timestamp = 1700000000)
{
    const auto parsed = ShadowUpdate::parse(update);
    if (!parsed.ok())
        qFatal("bad test update: %s", qPrintable(parsed.error().message));
    return ShadowDocument().updated(parsed.value(), timestamp).value();
}

void addDurabilityRows()
{
    QTest::addColumn<int>("durability");
    QTest::newRow("synced (QSaveFile)") << int(StateStore::Durability::SyncToDisk);
    QTest::newRow("renamed without flush") << int(StateStore::Durability::SurviveProcessCrash);
}

StateStore::Durability durabilityOf(int value)
{
    return static_cast<StateStore::Durability>(value);
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(bytes);
}

} // namespace

class TestStateStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyDirectoryLoadsEmpty()
    {
        QTemporaryDir dir;
        StateStore store(dir.filePath(QStringLiteral("state")));
        QVERIFY(!store.load());
        QVERIFY(store.things().empty());
        QVERIFY(store.problems().isEmpty());
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("state"))).isDir());
        QVERIFY(!store.shadow(QStringLiteral("lamp"), QString()).exists());
    }

    void recordsSurviveReload_data() { addDurabilityRows(); }

    void recordsSurviveReload()
    {
        QFETCH(int, durability);
        QTemporaryDir dir;
        ThingTypeRecord type{QStringLiteral("Lamp"),
                             QStringLiteral("id-1"),
                             QStringLiteral("A lamp"),
                             {QStringLiteral("room")},
                             true,
                             1700000001000,
                             1700000000500};
        ThingGroupRecord group{QStringLiteral("floor-1"),
                               QStringLiteral("id-2"),
                               QStringLiteral("building"),
                               QStringLiteral("first floor"),
                               {{QStringLiteral("k"), QStringLiteral("v")}},
                               2,
                               1700000000000};
        const ShadowDocument classic = shadowWith(R"({"state":{"desired":{"on":true}}})");
        const ShadowDocument named = shadowWith(R"({"state":{"reported":{"t":[1,2]}}})");
        {
            StateStore store(dir.path(), durabilityOf(durability));
            QVERIFY(!store.load());
            QVERIFY(!store.putThing(thing(QStringLiteral("lamp:1"))));
            QVERIFY(!store.putThingType(type));
            QVERIFY(!store.putThingGroup(group));
            QVERIFY(!store.putShadow(QStringLiteral("lamp:1"), QString(), classic));
            QVERIFY(!store.putShadow(QStringLiteral("lamp:1"), QStringLiteral("$cfg"), named));
        }
        StateStore again(dir.path(), durabilityOf(durability));
        QVERIFY(!again.load());
        QVERIFY(again.problems().isEmpty());
        QCOMPARE(*again.thing(QStringLiteral("lamp:1")), thing(QStringLiteral("lamp:1")));
        QCOMPARE(again.thingTypes().at(QStringLiteral("Lamp")), type);
        QCOMPARE(again.thingGroups().at(QStringLiteral("floor-1")), group);
        QCOMPARE(again.shadow(QStringLiteral("lamp:1"), QString()), classic);
        QCOMPARE(again.shadow(QStringLiteral("lamp:1"), QStringLiteral("$cfg")), named);
        QCOMPARE(again.namedShadows(QStringLiteral("lamp:1")), QStringList{QStringLiteral("$cfg")});
    }

    void layoutIsOneSmallFilePerObject_data() { addDurabilityRows(); }

    void layoutIsOneSmallFilePerObject()
    {
        QFETCH(int, durability);
        QTemporaryDir dir;
        StateStore store(dir.path(), durabilityOf(durability));
        QVERIFY(!store.load());
        QVERIFY(!store.putThing(thing(QStringLiteral("lamp:1"))));
        QVERIFY(!store.putShadow(QStringLiteral("lamp:1"), QString(),
                                 shadowWith(R"({"state":{"desired":{"a":1}}})")));
        QVERIFY(!store.putShadow(QStringLiteral("lamp:1"), QStringLiteral("cfg"),
                                 shadowWith(R"({"state":{"desired":{"a":1}}})")));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("things/lamp%3A1.json"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("shadows/lamp%3A1/classic.json"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("shadows/lamp%3A1/named/cfg.json"))));
        // Atomic writes leave nothing but the final files behind, also after a rewrite.
        QVERIFY(!store.putThing(thing(QStringLiteral("lamp:1"))));
        const QStringList files =
            QDir(dir.filePath(QStringLiteral("things"))).entryList(QDir::Files);
        QCOMPARE(files, QStringList{QStringLiteral("lamp%3A1.json")});
    }

    void deletedShadowKeepsVersionAcrossReload()
    {
        QTemporaryDir dir;
        const ShadowDocument gone =
            shadowWith(R"({"state":{"desired":{"a":1}}})").deleted(1700000100, QString()).value();
        {
            StateStore store(dir.path());
            QVERIFY(!store.load());
            QVERIFY(!store.putShadow(QStringLiteral("t"), QStringLiteral("s"), gone));
        }
        StateStore again(dir.path());
        QVERIFY(!again.load());
        QCOMPARE(again.shadow(QStringLiteral("t"), QStringLiteral("s")).version(), 1);
        QVERIFY(!again.shadow(QStringLiteral("t"), QStringLiteral("s")).exists());
        QVERIFY(again.namedShadows(QStringLiteral("t")).isEmpty());
    }

    void removeThingDeletesItsFile()
    {
        QTemporaryDir dir;
        StateStore store(dir.path());
        QVERIFY(!store.load());
        QVERIFY(!store.putThing(thing(QStringLiteral("lamp"))));
        QVERIFY(!store.removeThing(QStringLiteral("lamp")));
        QVERIFY(!store.thing(QStringLiteral("lamp")));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("things/lamp.json"))));
        QVERIFY(!store.removeThing(QStringLiteral("never-existed")));
    }

    void damagedFilesAreReportedAndSkipped_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("problem");

        QTest::newRow("truncated thing")
            << QStringLiteral("things/bad.json") << QByteArray("{\"thingName\":\"bad\",\"vers")
            << QStringLiteral("not valid JSON");
        QTest::newRow("thing not an object")
            << QStringLiteral("things/bad.json") << QByteArray("[1]")
            << QStringLiteral("not a JSON object");
        QTest::newRow("thing with wrong name") << QStringLiteral("things/bad.json")
                                               << QByteArray(R"({"thingName":"other","version":1})")
                                               << QStringLiteral("does not match the file name");
        QTest::newRow("thing with bad attributes")
            << QStringLiteral("things/bad.json")
            << QByteArray(R"({"thingName":"bad","version":1,"attributes":{"a":1}})")
            << QStringLiteral("\"attributes\"");
        QTest::newRow("shadow with bad version")
            << QStringLiteral("shadows/bad/classic.json")
            << QByteArray(R"({"exists":true,"version":-1,"state":{},"metadata":{}})")
            << QStringLiteral("\"version\"");
        QTest::newRow("empty group file") << QStringLiteral("thing-groups/bad.json") << QByteArray()
                                          << QStringLiteral("not valid JSON");
    }

    void damagedFilesAreReportedAndSkipped()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        {
            StateStore store(dir.path());
            QVERIFY(!store.load());
            QVERIFY(!store.putThing(thing(QStringLiteral("good"))));
        }
        writeFile(dir.filePath(file), content);
        StateStore store(dir.path());
        QVERIFY(!store.load());
        QCOMPARE(store.problems().size(), 1);
        QCOMPARE(store.problems().constFirst().file, dir.filePath(file));
        QVERIFY2(store.problems().constFirst().message.contains(problem),
                 qPrintable(store.problems().constFirst().toString()));
        QVERIFY(store.thing(QStringLiteral("good")));
        QVERIFY(!store.thing(QStringLiteral("bad")));
        QVERIFY(QFile::exists(dir.filePath(file))); // left for a person to look at
    }

    void strayTemporaryFilesAreIgnored()
    {
        QTemporaryDir dir;
        {
            StateStore store(dir.path());
            QVERIFY(!store.load());
            QVERIFY(!store.putThing(thing(QStringLiteral("lamp"))));
        }
        // What writes interrupted by kill -9 can leave: temporary files next to the real one.
        writeFile(dir.filePath(QStringLiteral("things/lamp.json.Xa81Qz")), "{\"thingName\":");
        writeFile(dir.filePath(QStringLiteral("things/lamp.json.tmp")), "{\"thingName\":");
        StateStore store(dir.path());
        QVERIFY(!store.load());
        QVERIFY(store.problems().isEmpty());
        QCOMPARE(store.thing(QStringLiteral("lamp"))->version, 3);
    }

    void unusableDirectoryIsAnError()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("file")), "x");
        StateStore store(dir.filePath(QStringLiteral("file/state")));
        const auto error = store.load();
        QVERIFY(error);
        QVERIFY(error->message.contains(QStringLiteral("cannot create")));
    }

    void failedWriteLeavesMemoryUnchanged_data() { addDurabilityRows(); }

    void failedWriteLeavesMemoryUnchanged()
    {
        QFETCH(int, durability);
        QTemporaryDir dir;
        StateStore store(dir.path(), durabilityOf(durability));
        QVERIFY(!store.load());
        QVERIFY(!store.putThing(thing(QStringLiteral("lamp"))));
        // A directory where the file should go makes the write fail.
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("things/blocked.json"))));
        const auto error = store.putThing(thing(QStringLiteral("blocked")));
        QVERIFY(error);
        QVERIFY(!store.thing(QStringLiteral("blocked")));
        QCOMPARE(store.things().size(), size_t(1));
    }

    void killedWriterNeverCorruptsTheStore_data() { addDurabilityRows(); }

    void killedWriterNeverCorruptsTheStore()
    {
        QFETCH(int, durability);
        QTemporaryDir dir;
        for (int round = 0; round < 8; ++round) {
            QProcess writer;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("TST_STATESTORE_WRITER"), dir.path());
            env.insert(QStringLiteral("TST_STATESTORE_DURABILITY"), QString::number(durability));
            writer.setProcessEnvironment(env);
            writer.start(QCoreApplication::applicationFilePath(), QStringList());
            QVERIFY(writer.waitForStarted());
            QByteArray output;
            const auto ready = [&writer, &output] {
                output += writer.readAllStandardOutput();
                return output.contains("ready") || writer.state() == QProcess::NotRunning;
            };
            QTRY_VERIFY2_WITH_TIMEOUT(
                ready(),
                qPrintable(
                    QStringLiteral("round %1: %2").arg(round).arg(QString::fromUtf8(output))),
                20000);
            QVERIFY2(
                writer.state() == QProcess::Running,
                qPrintable(QStringLiteral("round %1: the writer stopped on its own").arg(round)));
            QTest::qWait(5 + 17 * round % 60); // killed somewhere in the middle of a write
            writer.kill();                     // SIGKILL: no chance to clean up
            QVERIFY(writer.waitForFinished());
            StateStore store(dir.path());
            QVERIFY(!store.load());
            QVERIFY2(store.problems().isEmpty(), qPrintable(store.problems().value(0).toString()));
            QCOMPARE(store.things().size(), size_t(5));
            for (const auto &[name, record] : store.things())
                QVERIFY(store.shadow(name, QString()).exists() || record.version < 5);
        }
    }
};

// The child side of killedWriterNeverCorruptsTheStore(): rewrites things and shadows as fast
// as it can until it is killed.
int writeUntilKilled(const QString &directory, StateStore::Durability durability)
{
    StateStore store(directory, durability);
    if (store.load())
        return 2;
    for (qint64 i = 0;; ++i) {
        ThingRecord record = thing(QStringLiteral("lamp-%1").arg(i % 5));
        record.version = i + 1;
        record.attributes.insert(QStringLiteral("counter"), QString::number(i));
        const QByteArray update = "{\"state\":{\"reported\":{\"n\":" + QByteArray::number(i) +
                                  ",\"pad\":\"" + QByteArray(2000, 'p') + "\"}}}";
        if (store.putThing(record) ||
            store.putShadow(record.name, QString(), shadowWith(update, 1700000000 + i)))
            return 3;
        if (i == 20) {
            std::fputs("ready\n", stdout);
            std::fflush(stdout);
        }
    }
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString writerDirectory = qEnvironmentVariable("TST_STATESTORE_WRITER");
    if (!writerDirectory.isEmpty())
        return writeUntilKilled(writerDirectory, durabilityOf(qEnvironmentVariableIntValue(
                                                     "TST_STATESTORE_DURABILITY")));
    TestStateStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_statestore.moc"
