// The AWS CLI's assume-role cache (~/.aws/cli/cache): keys computed by botocore (copied from
// the reference, aws-credentials.md §3.2/§6), file content, mode, staleness, time formats.
#include "aws/CredentialCache.h"
#include "aws/RolePlan.h"
#include "aws/StsResponse.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

Q_DECLARE_METATYPE(CredentialCache::Arguments)

namespace {

const QString kDev = QStringLiteral("arn:aws:iam::123456789012:role/Dev");
const QString kMfa = QStringLiteral("arn:aws:iam::123456789012:mfa/alice");

StsResponse response(const QDateTime &expiration)
{
    StsResponse r;
    r.credentials = {QStringLiteral("ASIAEXAMPLEKEYID0001"), QStringLiteral("secretEXAMPLE"),
                     QStringLiteral("tokenEXAMPLE"), expiration, QString()};
    r.members = {{QStringLiteral("AssumedRoleUser.AssumedRoleId"), QStringLiteral("AROA:sess")},
                 {QStringLiteral("AssumedRoleUser.Arn"),
                  QStringLiteral("arn:aws:sts::123456789012:assumed-role/Dev/sess")},
                 {QStringLiteral("PackedPolicySize"), QStringLiteral("6")}};
    r.requestId = QStringLiteral("11111111-2222-3333-4444-555555555555");
    return r;
}

} // namespace

class TestCredentialCache : public QObject
{
    Q_OBJECT

private slots:
    void keys_data()
    {
        QTest::addColumn<CredentialCache::Arguments>("arguments");
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("key");
        const QVariant duration = QVariant::fromValue(qint64(3600));
        QTest::newRow("role only") << CredentialCache::Arguments{{QStringLiteral("RoleArn"), kDev}}
                                   << QStringLiteral(R"({"RoleArn": "%1"})").arg(kDev)
                                   << QStringLiteral("2bb38c5db97ed7ea85d819b0a043df7bd7b4363a");
        QTest::newRow("mfa")
            << CredentialCache::Arguments{{QStringLiteral("SerialNumber"), kMfa},
                                          {QStringLiteral("RoleArn"), kDev}}
            << QStringLiteral(R"({"RoleArn": "%1", "SerialNumber": "%2"})").arg(kDev, kMfa)
            << QStringLiteral("bddce06f05976fa6453697386d5a5e375ed1bc1b");
        QTest::newRow("session name")
            << CredentialCache::Arguments{{QStringLiteral("RoleArn"), kDev},
                                          {QStringLiteral("RoleSessionName"),
                                           QStringLiteral("alice-session")}}
            << QString() << QStringLiteral("42e330a25b020a27462be7ad8b83e7e13449b436");
        QTest::newRow("duration is an integer")
            << CredentialCache::Arguments{{QStringLiteral("RoleArn"), kDev},
                                          {QStringLiteral("ExternalId"),
                                           QStringLiteral("ext-1234")},
                                          {QStringLiteral("DurationSeconds"), duration}}
            << QStringLiteral(
                   R"({"DurationSeconds": 3600, "ExternalId": "ext-1234", "RoleArn": "%1"})")
                   .arg(kDev)
            << QStringLiteral("ee1e0532ae06de56402107a2472fa04f100cc2c3");
        QTest::newRow("everything")
            << CredentialCache::Arguments{{QStringLiteral("RoleArn"), kDev},
                                          {QStringLiteral("RoleSessionName"),
                                           QStringLiteral("alice-session")},
                                          {QStringLiteral("ExternalId"),
                                           QStringLiteral("ext-1234")},
                                          {QStringLiteral("SerialNumber"), kMfa},
                                          {QStringLiteral("DurationSeconds"), duration}}
            << QString() << QStringLiteral("60f38a7fe6d788488c4f5e7a34471b3bd0f44fd0");
        QTest::newRow("web identity role")
            << CredentialCache::Arguments{{QStringLiteral("RoleArn"),
                                           QStringLiteral(
                                               "arn:aws:iam::123456789012:role/WebRole")}}
            << QString() << QStringLiteral("e5ca68d76c119993b60d950a5ffabf7445470b19");
    }

    void keys()
    {
        QFETCH(CredentialCache::Arguments, arguments);
        QFETCH(QString, json);
        QFETCH(QString, key);
        if (!json.isEmpty())
            QCOMPARE(QString::fromLatin1(CredentialCache::canonicalJson(arguments)), json);
        QCOMPARE(CredentialCache::key(arguments), key);
    }

    // A generated session name is not part of the key; a configured one is.
    void hopArguments()
    {
        AssumeRoleHop hop{QStringLiteral("dev"), kDev, QString(), QString(), kMfa, std::nullopt};
        QCOMPARE(CredentialCache::key(hop.cacheArguments()),
                 QStringLiteral("bddce06f05976fa6453697386d5a5e375ed1bc1b"));
        hop = {QStringLiteral("dev"),      kDev, QStringLiteral("alice-session"),
               QStringLiteral("ext-1234"), kMfa, 3600};
        QCOMPARE(CredentialCache::key(hop.cacheArguments()),
                 QStringLiteral("60f38a7fe6d788488c4f5e7a34471b3bd0f44fd0"));
    }

    void nonAsciiIsEscaped()
    {
        const CredentialCache::Arguments arguments{
            {QStringLiteral("RoleArn"), QStringLiteral("r\u00e9\"\\")}};
        QCOMPARE(CredentialCache::canonicalJson(arguments),
                 QByteArray(R"({"RoleArn": "r\u00e9\"\\"})"));
    }

    void writeThenRead()
    {
        QTemporaryDir home;
        const QString directory = CredentialCache::defaultDirectory(home.path());
        QCOMPARE(directory, home.path() + QStringLiteral("/.aws/cli/cache"));
        const CredentialCache cache(directory);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime expiration = now.addSecs(3600).addMSecs(-now.time().msec());
        QVERIFY(!cache.write(QStringLiteral("k1"), response(expiration)).has_value());
        const QString path = cache.filePath(QStringLiteral("k1"));
        QCOMPARE(path, directory + QStringLiteral("/k1.json"));
        QCOMPARE(QFileInfo(path).permissions() & 0x0FFF,
                 QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
        const QFile::Permissions dirMode = QFileInfo(directory).permissions();
        QVERIFY(!(dirMode & (QFile::ReadGroup | QFile::ReadOther | QFile::ExeOther)));
        const auto read = cache.read(QStringLiteral("k1"), now);
        QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
        QVERIFY(read.value().has_value());
        QCOMPARE(read.value()->accessKeyId, QStringLiteral("ASIAEXAMPLEKEYID0001"));
        QCOMPARE(read.value()->sessionToken, QStringLiteral("tokenEXAMPLE"));
        QCOMPARE(read.value()->expiration, expiration);
    }

    void contentIsTheCliV2Form()
    {
        const QDateTime expiration(QDate(2026, 12, 6), QTime(5, 11, 45), Qt::UTC);
        QCOMPARE(QString::fromLatin1(CredentialCache::fileContent(response(expiration))),
                 QStringLiteral(
                     R"({"Credentials": {"AccessKeyId": "ASIAEXAMPLEKEYID0001", )"
                     R"("SecretAccessKey": "secretEXAMPLE", "SessionToken": "tokenEXAMPLE", )"
                     R"("Expiration": "2026-12-06T05:11:45+00:00"}, "AssumedRoleUser": )"
                     R"({"AssumedRoleId": "AROA:sess", "Arn": )"
                     R"("arn:aws:sts::123456789012:assumed-role/Dev/sess"}, "PackedPolicySize": )"
                     R"(6, "ResponseMetadata": {"RequestId": )"
                     R"("11111111-2222-3333-4444-555555555555", "HTTPStatusCode": 200, )"
                     R"("HTTPHeaders": {}, "RetryAttempts": 0}})"));
        QCOMPARE(CredentialCache::formatExpiration(
                     QDateTime(QDate(2011, 7, 15), QTime(23, 28, 33, 359), Qt::UTC)),
                 QStringLiteral("2011-07-15T23:28:33.359000+00:00"));
    }

    // Only entries with at least 900 s left are used (16 min: used, 14 min: stale).
    void staleness_data()
    {
        QTest::addColumn<qint64>("secondsLeft");
        QTest::addColumn<bool>("used");
        QTest::newRow("16 min") << qint64(16 * 60) << true;
        QTest::newRow("900 s") << qint64(900) << true;
        QTest::newRow("899 s") << qint64(899) << false;
        QTest::newRow("14 min") << qint64(14 * 60) << false;
        QTest::newRow("expired") << qint64(-60) << false;
    }

    void staleness()
    {
        QFETCH(qint64, secondsLeft);
        QFETCH(bool, used);
        QTemporaryDir dir;
        const CredentialCache cache(dir.path());
        const QDateTime now(QDate(2030, 1, 1), QTime(12, 0), Qt::UTC);
        QVERIFY(!cache.write(QStringLiteral("k"), response(now.addSecs(secondsLeft))));
        const auto read = cache.read(QStringLiteral("k"), now);
        QVERIFY(read.ok());
        QCOMPARE(read.value().has_value(), used);
    }

    // Files written by other writers: the Credentials alone, botocore's "UTC", the wire's "Z".
    void readsOtherWriters_data()
    {
        QTest::addColumn<QString>("expiration");
        QTest::newRow("CLI v2") << QStringLiteral("2030-01-01T12:16:00+00:00");
        QTest::newRow("fraction") << QStringLiteral("2030-01-01T12:16:00.359000+00:00");
        QTest::newRow("botocore UTC") << QStringLiteral("2030-01-01T12:16:00UTC");
        QTest::newRow("wire Z") << QStringLiteral("2030-01-01T12:16:00Z");
        QTest::newRow("offset") << QStringLiteral("2030-01-01T13:16:00+01:00");
    }

    void readsOtherWriters()
    {
        QFETCH(QString, expiration);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("k.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral(R"({"Credentials":{"AccessKeyId":"A","SecretAccessKey":"S",)"
                                  R"("SessionToken":"T","Expiration":"%1"}})")
                       .arg(expiration)
                       .toUtf8());
        file.close();
        const CredentialCache cache(dir.path());
        const QDateTime now(QDate(2030, 1, 1), QTime(12, 0), Qt::UTC);
        const auto read = cache.read(QStringLiteral("k"), now);
        QVERIFY(read.ok());
        QVERIFY(read.value().has_value()); // 16 minutes left
        QCOMPARE(read.value()->expiration.toSecsSinceEpoch(),
                 QDateTime(QDate(2030, 1, 1), QTime(12, 16), Qt::UTC).toSecsSinceEpoch());
        QVERIFY(!cache.read(QStringLiteral("k"), now.addSecs(2 * 60)).value().has_value());
    }

    void missingIsAMissCorruptIsAnError()
    {
        QTemporaryDir dir;
        const CredentialCache cache(dir.path());
        const auto missing = cache.read(QStringLiteral("none"), QDateTime::currentDateTimeUtc());
        QVERIFY(missing.ok());
        QVERIFY(!missing.value().has_value());
        QFile file(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"Credentials\": ");
        file.close();
        const auto corrupt = cache.read(QStringLiteral("bad"), QDateTime::currentDateTimeUtc());
        QVERIFY(!corrupt.ok());
        QVERIFY(corrupt.error().message.contains(file.fileName()));
        QVERIFY(corrupt.error().message.contains(QStringLiteral("Delete the file")));
    }
};

QTEST_GUILESS_MAIN(TestCredentialCache)
#include "tst_credentialcache.moc"
