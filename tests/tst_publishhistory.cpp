// PublishHistory: the recent publishes and payload templates of each connection, on disk.
#include "session/PublishHistory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

namespace {

const QString kConnection = QStringLiteral("sandbox");

PublishRecord recordOf(const QString &topic, const QByteArray &payload = QByteArray("{}"),
                       qint64 timeMs = 1795700000123)
{
    PublishRecord record;
    record.topic = topic;
    record.payload = payload;
    record.qos = 1;
    record.timeMs = timeMs;
    return record;
}

/// A record with every field away from its default.
PublishRecord fullRecord()
{
    PublishRecord record = recordOf(QStringLiteral("设备/température"),
                                    QByteArray("\x00\xff binary\n", 10), 1795700000999);
    record.qos = 2;
    record.retain = true;
    record.via = PublishRecord::Https;
    record.outcome = PublishRecord::Failed;
    record.error = QStringLiteral("Not authorized.");
    record.properties.contentType = QStringLiteral("application/json");
    record.properties.responseTopic = QStringLiteral("replies/1");
    record.properties.correlationData = QByteArray("\x01\x02\x00", 3);
    record.properties.messageExpirySeconds = 3600;
    record.properties.payloadFormatIndicator = 1;
    record.properties.userProperties = {{QStringLiteral("k"), QStringLiteral("v")},
                                        {QStringLiteral("k"), QStringLiteral("second ü")}};
    return record;
}

QStringList topicsOf(const QList<PublishRecord> &records)
{
    QStringList topics;
    for (const PublishRecord &record : records)
        topics.append(record.topic);
    return topics;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

} // namespace

class tst_PublishHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addPutsFirst();
    void capDropsTheOldest();
    void survivesARestart();
    void setOutcome();
    void clearKeepsTemplates();
    void templates();
    void templateCap();
    void filesArePrivate();
    void fileNames_data();
    void fileNames();
    void damagedFileIsMovedAside_data();
    void damagedFileIsMovedAside();
    void connectionsAreKeptApart();
    void saveFailureIsASentence();
    void changedSignal();
};

void tst_PublishHistory::addPutsFirst()
{
    QTemporaryDir dir;
    PublishHistory history(dir.filePath(QStringLiteral("publish")));
    QCOMPARE(history.load(kConnection), std::nullopt); // no file yet: no problem
    QVERIFY(history.records().isEmpty());
    for (const char *topic : {"a", "b", "c"})
        QCOMPARE(history.add(recordOf(QString::fromLatin1(topic))), std::nullopt);
    QCOMPARE(topicsOf(history.records()),
             (QStringList{QStringLiteral("c"), QStringLiteral("b"), QStringLiteral("a")}));
    QCOMPARE(history.records().first(), recordOf(QStringLiteral("c")));
}

void tst_PublishHistory::capDropsTheOldest()
{
    QTemporaryDir dir;
    PublishHistory history(dir.path());
    history.load(kConnection);
    for (int i = 0; i < PublishHistory::kMaxRecords + 5; ++i)
        QCOMPARE(history.add(recordOf(QString::number(i))), std::nullopt);
    QCOMPARE(history.records().size(), PublishHistory::kMaxRecords);
    QCOMPARE(history.records().first().topic, QString::number(PublishHistory::kMaxRecords + 4));
    QCOMPARE(history.records().last().topic, QStringLiteral("5"));
    PublishHistory again(dir.path());
    QCOMPARE(again.load(kConnection), std::nullopt);
    QCOMPARE(again.records(), history.records());
}

void tst_PublishHistory::survivesARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("deep/publish"));
    {
        PublishHistory history(path);
        history.load(kConnection);
        QCOMPARE(history.add(recordOf(QStringLiteral("plain"))), std::nullopt);
        QCOMPARE(history.add(fullRecord()), std::nullopt);
        QCOMPARE(history.saveTemplate(QStringLiteral("full"), fullRecord()), std::nullopt);
        QCOMPARE(history.saveTemplate(QStringLiteral("plain"), recordOf(QStringLiteral("p"))),
                 std::nullopt);
    }
    PublishHistory history(path);
    QCOMPARE(history.load(kConnection), std::nullopt);
    QCOMPARE(history.connectionName(), kConnection);
    QCOMPARE(history.records().size(), 2);
    QCOMPARE(history.records().at(0), fullRecord()); // every field, properties included
    QCOMPARE(history.records().at(1), recordOf(QStringLiteral("plain")));
    QCOMPARE(history.templateNames(),
             (QStringList{QStringLiteral("full"), QStringLiteral("plain")}));
    QCOMPARE(history.templateNamed(QStringLiteral("full")), fullRecord());
}

void tst_PublishHistory::setOutcome()
{
    QTemporaryDir dir;
    PublishHistory history(dir.path());
    history.load(kConnection);
    history.add(recordOf(QStringLiteral("a")));
    history.add(recordOf(QStringLiteral("b")));
    QCOMPARE(history.setOutcome(1, PublishRecord::Acknowledged), std::nullopt);
    QCOMPARE(history.setOutcome(0, PublishRecord::Failed, QStringLiteral("Timed out.")),
             std::nullopt);
    const auto outOfRange = history.setOutcome(2, PublishRecord::Sent);
    QVERIFY(outOfRange.has_value());
    QVERIFY2(outOfRange->contains(QStringLiteral("no publish number 3")), qPrintable(*outOfRange));
    QVERIFY(history.setOutcome(-1, PublishRecord::Sent).has_value());

    PublishHistory again(dir.path());
    again.load(kConnection);
    QCOMPARE(again.records().at(0).outcome, PublishRecord::Failed);
    QCOMPARE(again.records().at(0).error, QStringLiteral("Timed out."));
    QCOMPARE(again.records().at(1).outcome, PublishRecord::Acknowledged);
    QCOMPARE(again.records().at(1).error, QString());
}

void tst_PublishHistory::clearKeepsTemplates()
{
    QTemporaryDir dir;
    PublishHistory history(dir.path());
    history.load(kConnection);
    history.add(recordOf(QStringLiteral("a")));
    history.saveTemplate(QStringLiteral("t"), recordOf(QStringLiteral("x")));
    QCOMPARE(history.clear(), std::nullopt);
    QVERIFY(history.records().isEmpty());
    PublishHistory again(dir.path());
    again.load(kConnection);
    QVERIFY(again.records().isEmpty());
    QCOMPARE(again.templateNames(), QStringList{QStringLiteral("t")});
}

void tst_PublishHistory::templates()
{
    QTemporaryDir dir;
    PublishHistory history(dir.path());
    history.load(kConnection);
    QCOMPARE(history.templateNamed(QStringLiteral("none")), std::nullopt);
    for (const char *name : {"beta", "Alpha", "gamma", "alpha"})
        QCOMPARE(history.saveTemplate(QString::fromLatin1(name), recordOf(QStringLiteral("t"))),
                 std::nullopt);
    QCOMPARE(history.templateNames(),
             (QStringList{QStringLiteral("Alpha"), QStringLiteral("alpha"), QStringLiteral("beta"),
                          QStringLiteral("gamma")}));
    // The same name replaces.
    QCOMPARE(history.saveTemplate(QStringLiteral("beta"), recordOf(QStringLiteral("new"))),
             std::nullopt);
    QCOMPARE(history.templateNames().size(), 4);
    QCOMPARE(history.templateNamed(QStringLiteral("beta"))->topic, QStringLiteral("new"));
    // An empty name is refused.
    const auto unnamed = history.saveTemplate(QStringLiteral("  "), recordOf(QStringLiteral("t")));
    QCOMPARE(unnamed, QStringLiteral("A template needs a name."));
    QCOMPARE(history.removeTemplate(QStringLiteral("gamma")), std::nullopt);
    QCOMPARE(history.removeTemplate(QStringLiteral("gamma")), std::nullopt); // gone: no problem
    PublishHistory again(dir.path());
    again.load(kConnection);
    QCOMPARE(again.templateNames(), (QStringList{QStringLiteral("Alpha"), QStringLiteral("alpha"),
                                                 QStringLiteral("beta")}));
    QCOMPARE(again.templateNamed(QStringLiteral("beta"))->topic, QStringLiteral("new"));
    QVERIFY(again.records().isEmpty()); // templates are not publishes
}

void tst_PublishHistory::templateCap()
{
    QTemporaryDir dir;
    PublishHistory history(dir.path());
    history.load(kConnection);
    for (int i = 0; i < PublishHistory::kMaxTemplates; ++i)
        QCOMPARE(history.saveTemplate(QString::number(i), recordOf(QStringLiteral("t"))),
                 std::nullopt);
    const auto refused =
        history.saveTemplate(QStringLiteral("one more"), recordOf(QStringLiteral("t")));
    QVERIFY(refused.has_value());
    QVERIFY2(refused->contains(QStringLiteral("200 templates")), qPrintable(*refused));
    QCOMPARE(history.templateNames().size(), PublishHistory::kMaxTemplates);
    QCOMPARE(history.templateNamed(QStringLiteral("one more")), std::nullopt);
    // Replacing one is still allowed.
    QCOMPARE(history.saveTemplate(QStringLiteral("7"), recordOf(QStringLiteral("u"))),
             std::nullopt);
}

void tst_PublishHistory::filesArePrivate()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("publish"));
    PublishHistory history(path);
    history.load(kConnection);
    QCOMPARE(history.add(recordOf(QStringLiteral("a"))), std::nullopt);
    const auto owner = QFile::ReadOwner | QFile::WriteOwner;
    const auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther |
                        QFile::WriteOther | QFile::ExeOther;
    const QFileInfo folder(path);
    QVERIFY(folder.isDir());
    QCOMPARE(folder.permissions() & (owner | QFile::ExeOwner | others), owner | QFile::ExeOwner);
    const QFileInfo file(history.filePath());
    QVERIFY(file.isFile());
    QCOMPARE(file.absolutePath(), folder.absoluteFilePath());
    QCOMPARE(file.permissions() & (owner | QFile::ExeOwner | others), owner);
}

void tst_PublishHistory::fileNames_data()
{
    QTest::addColumn<QString>("connection");
    QTest::newRow("plain") << QStringLiteral("sandbox");
    QTest::newRow("path-like") << QStringLiteral("../../etc/passwd");
    QTest::newRow("unicode and spaces") << QStringLiteral("Prod – eu-west-1 ☁");
    QTest::newRow("reserved characters") << QStringLiteral("a:b*c?\"<>|\\");
}

void tst_PublishHistory::fileNames()
{
    QFETCH(QString, connection);
    const QString name = PublishHistory::fileNameFor(connection);
    static const QRegularExpression kHexJson(QStringLiteral("^[0-9a-f]{40}\\.json$"));
    QVERIFY2(kHexJson.match(name).hasMatch(), qPrintable(name));
    QTemporaryDir dir;
    PublishHistory history(dir.path());
    history.load(connection);
    QCOMPARE(history.add(recordOf(QStringLiteral("a"))), std::nullopt);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{name});
}

void tst_PublishHistory::damagedFileIsMovedAside_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("why");
    QTest::newRow("not json") << QByteArray("{\"format\":1,") << QString();
    QTest::newRow("other format") << QByteArray("{\"format\":2,\"records\":[],\"templates\":[]}")
                                  << QStringLiteral("not a publish history of format 1");
    QTest::newRow("no records") << QByteArray("{\"format\":1,\"templates\":[]}")
                                << QStringLiteral("not a publish history of format 1");
    QTest::newRow("an array") << QByteArray("[]")
                              << QStringLiteral("not a publish history of format 1");
}

void tst_PublishHistory::damagedFileIsMovedAside()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, why);
    QTemporaryDir dir;
    const QString file = QDir(dir.path()).filePath(PublishHistory::fileNameFor(kConnection));
    writeFile(file, bytes);
    PublishHistory history(dir.path());
    const auto problem = history.load(kConnection);
    QVERIFY(problem.has_value());
    QVERIFY2(problem->startsWith(QStringLiteral("The publish history was damaged (")),
             qPrintable(*problem));
    QVERIFY2(problem->contains(why), qPrintable(*problem));
    QVERIFY(history.records().isEmpty());
    QVERIFY(!QFile::exists(file));
    const QStringList aside =
        QDir(dir.path())
            .entryList({PublishHistory::fileNameFor(kConnection) + QStringLiteral(".damaged-*")},
                       QDir::Files);
    QCOMPARE(aside.size(), 1);
    QVERIFY2(problem->contains(aside.first()), qPrintable(*problem));
    // The damaged bytes are kept, and the history works again.
    QFile kept(QDir(dir.path()).filePath(aside.first()));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), bytes);
    QCOMPARE(history.add(recordOf(QStringLiteral("a"))), std::nullopt);
    PublishHistory again(dir.path());
    QCOMPARE(again.load(kConnection), std::nullopt);
    QCOMPARE(again.records().size(), 1);
}

void tst_PublishHistory::connectionsAreKeptApart()
{
    QTemporaryDir dir;
    PublishHistory history(dir.path());
    history.load(QStringLiteral("one"));
    history.add(recordOf(QStringLiteral("for one")));
    history.saveTemplate(QStringLiteral("t1"), recordOf(QStringLiteral("x")));
    const QString firstFile = history.filePath();
    history.load(QStringLiteral("two")); // switching starts from the other file
    QVERIFY(history.records().isEmpty());
    QVERIFY(history.templateNames().isEmpty());
    history.add(recordOf(QStringLiteral("for two")));
    QVERIFY(history.filePath() != firstFile);

    PublishHistory one(dir.path());
    one.load(QStringLiteral("one"));
    QCOMPARE(topicsOf(one.records()), QStringList{QStringLiteral("for one")});
    QCOMPARE(one.templateNames(), QStringList{QStringLiteral("t1")});
    history.load(QStringLiteral("two"));
    QCOMPARE(topicsOf(history.records()), QStringList{QStringLiteral("for two")});
    QVERIFY(history.templateNames().isEmpty());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 2);
}

void tst_PublishHistory::saveFailureIsASentence()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("publish"));
    writeFile(path, "a file where the folder should be");
    PublishHistory history(path);
    QCOMPARE(history.load(kConnection), std::nullopt);
    const auto problem = history.add(recordOf(QStringLiteral("a")));
    QVERIFY(problem.has_value());
    QVERIFY2(problem->contains(QDir::toNativeSeparators(path)), qPrintable(*problem));
    QCOMPARE(history.records().size(), 1); // kept in memory all the same

    // Before any connection is chosen nothing can be saved, and that is said too.
    PublishHistory unchosen(dir.path());
    const auto unsaved = unchosen.add(recordOf(QStringLiteral("a")));
    QVERIFY(unsaved.has_value());
    QVERIFY(unsaved->contains(QStringLiteral("No connection")));
}

void tst_PublishHistory::changedSignal()
{
    QTemporaryDir dir;
    PublishHistory history(dir.path());
    QSignalSpy changed(&history, &PublishHistory::changed);
    history.load(kConnection);
    history.add(recordOf(QStringLiteral("a")));
    history.setOutcome(0, PublishRecord::Sent);
    history.saveTemplate(QStringLiteral("t"), recordOf(QStringLiteral("a")));
    history.removeTemplate(QStringLiteral("t"));
    history.removeTemplate(QStringLiteral("t")); // nothing to remove: no signal
    history.clear();
    QCOMPARE(changed.size(), 6);
}

QTEST_GUILESS_MAIN(tst_PublishHistory)
#include "tst_publishhistory.moc"
