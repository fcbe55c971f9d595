#include "session/ProfileCatalog.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

namespace {

const char kConfig[] =
    "[default]\nregion = eu-west-1\n"
    "[profile keys]\nregion = us-east-1\n"
    "[profile process]\nregion = eu-central-1\ncredential_process = /bin/true\n"
    "[profile role]\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/x\n"
    "source_profile = keys\n"
    "[profile sso]\nregion = eu-west-1\nsso_session = corp\nsso_account_id = 111122223333\n"
    "sso_role_name = ReadOnly\n"
    "[sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n"
    "[profile ssopartial]\nregion = eu-west-1\nsso_account_id = 111122223333\n"
    "[profile ssosessiononly]\nregion = eu-west-1\nsso_session = corp\n"
    "[profile web]\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/w\n"
    "web_identity_token_file = /tmp/token\n"
    "[profile envrole]\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/x\n"
    "credential_source = Environment\n"
    "[profile loop]\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/x\n"
    "source_profile = loop\n"
    "[profile empty]\nregion = eu-west-1\n"
    "[profile local]\nregion = eu-west-1\nendpoint_url = https://127.0.0.1:4443\n"
    "ca_bundle = /tmp/ca.pem\n";
const char kCredentials[] = "[default]\naws_access_key_id = AKID1\naws_secret_access_key = s1\n"
                            "[keys]\naws_access_key_id = AKID2\naws_secret_access_key = s2\n"
                            "[local]\naws_access_key_id = AKID3\naws_secret_access_key = s3\n"
                            "[noregion]\naws_access_key_id = AKID4\naws_secret_access_key = s4\n";

} // namespace

class tst_ProfileCatalog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsEveryProfile();
    void describe_data();
    void describe();
    void unknownProfile();
    void malformedFile();
    void hasAwsConfiguration_data();
    void hasAwsConfiguration();

private:
    QProcessEnvironment environment(const QString &home) const;
    void write(const QString &path, const QByteArray &text) const;

    QTemporaryDir m_home;
    QTemporaryDir m_emptyHome;
};

QProcessEnvironment tst_ProfileCatalog::environment(const QString &home) const
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home);
    return environment;
}

void tst_ProfileCatalog::write(const QString &path, const QByteArray &text) const
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

void tst_ProfileCatalog::initTestCase()
{
    write(m_home.filePath(QStringLiteral(".aws/config")), kConfig);
    write(m_home.filePath(QStringLiteral(".aws/credentials")), kCredentials);
}

void tst_ProfileCatalog::listsEveryProfile()
{
    // AWS_PROFILE naming a missing profile must not hide the others.
    QProcessEnvironment env = environment(m_home.path());
    env.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("gone"));
    const auto profiles = ProfileCatalog::list(env);
    QVERIFY2(profiles.ok(), qPrintable(profiles.ok() ? QString() : profiles.error()));
    QStringList names;
    for (const ProfileInfo &info : profiles.value())
        names.append(info.name);
    const QStringList expected{
        QStringLiteral("default"),  QStringLiteral("empty"),      QStringLiteral("envrole"),
        QStringLiteral("keys"),     QStringLiteral("local"),      QStringLiteral("loop"),
        QStringLiteral("noregion"), QStringLiteral("process"),    QStringLiteral("role"),
        QStringLiteral("sso"),      QStringLiteral("ssopartial"), QStringLiteral("ssosessiononly"),
        QStringLiteral("web")};
    QCOMPARE(names, expected);
    QVERIFY(ProfileCatalog::list(environment(m_emptyHome.path())).value().isEmpty());
}

void tst_ProfileCatalog::describe_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("problem"); // a word of the sentence, or empty

    QTest::newRow("default") << QStringLiteral("default") << QStringLiteral("eu-west-1")
                             << QStringLiteral("access keys") << QString();
    QTest::newRow("keys") << QStringLiteral("keys") << QStringLiteral("us-east-1")
                          << QStringLiteral("access keys") << QString();
    QTest::newRow("process") << QStringLiteral("process") << QStringLiteral("eu-central-1")
                             << QStringLiteral("credential_process") << QString();
    QTest::newRow("role") << QStringLiteral("role") << QStringLiteral("eu-west-1")
                          << QStringLiteral("assume role from keys") << QString();
    QTest::newRow("role from environment")
        << QStringLiteral("envrole") << QStringLiteral("eu-west-1")
        << QStringLiteral("assume role from Environment") << QString();
    QTest::newRow("role loop") << QStringLiteral("loop") << QStringLiteral("eu-west-1")
                               << QStringLiteral("assume role from loop")
                               << QStringLiteral("Infinite loop");
    QTest::newRow("web identity") << QStringLiteral("web") << QStringLiteral("eu-west-1")
                                  << QStringLiteral("web identity") << QString();
    QTest::newRow("sso") << QStringLiteral("sso") << QStringLiteral("eu-west-1")
                         << QStringLiteral("SSO") << QString();
    QTest::newRow("sso incomplete")
        << QStringLiteral("ssopartial") << QStringLiteral("eu-west-1") << QStringLiteral("SSO")
        << QStringLiteral("missing required configuration: sso_role_name, sso_start_url, "
                          "sso_region");
    QTest::newRow("sso-session only")
        << QStringLiteral("ssosessiononly") << QStringLiteral("eu-west-1") << QStringLiteral("none")
        << QStringLiteral("no credentials");
    QTest::newRow("no credentials") << QStringLiteral("empty") << QStringLiteral("eu-west-1")
                                    << QStringLiteral("none") << QStringLiteral("no credentials");
    QTest::newRow("no region") << QStringLiteral("noregion") << QStringLiteral("")
                               << QStringLiteral("access keys") << QStringLiteral("no region");
}

void tst_ProfileCatalog::describe()
{
    QFETCH(QString, profile);
    QFETCH(QString, region);
    QFETCH(QString, source);
    QFETCH(QString, problem);
    const ProfileInfo info = ProfileCatalog::describe(environment(m_home.path()), profile);
    QCOMPARE(info.name, profile);
    QCOMPARE(info.region, region);
    QCOMPARE(info.credentialSource, source);
    if (problem.isEmpty())
        QVERIFY2(info.problem.isEmpty(), qPrintable(info.problem));
    else
        QVERIFY2(info.problem.contains(problem) && info.problem.contains(profile),
                 qPrintable(info.problem));
}

void tst_ProfileCatalog::unknownProfile()
{
    const ProfileInfo info =
        ProfileCatalog::describe(environment(m_home.path()), QStringLiteral("missing"));
    QCOMPARE(info.credentialSource, QStringLiteral("none"));
    QVERIFY2(info.problem.contains(QLatin1String("missing")), qPrintable(info.problem));
    QVERIFY2(info.problem.contains(m_home.filePath(QStringLiteral(".aws/config"))),
             qPrintable(info.problem));

    const ProfileInfo local =
        ProfileCatalog::describe(environment(m_home.path()), QStringLiteral("local"));
    QCOMPARE(local.controlPlaneUrl, QStringLiteral("https://127.0.0.1:4443"));
    QCOMPARE(local.dataPlaneUrl, QStringLiteral("https://127.0.0.1:4443"));
    QCOMPARE(local.caBundle, QStringLiteral("/tmp/ca.pem"));
}

void tst_ProfileCatalog::malformedFile()
{
    QTemporaryDir home;
    write(home.filePath(QStringLiteral(".aws/config")), "[default\nregion = x\n");
    const auto profiles = ProfileCatalog::list(environment(home.path()));
    QVERIFY(!profiles.ok());
    QVERIFY2(profiles.error().contains(home.filePath(QStringLiteral(".aws/config"))),
             qPrintable(profiles.error()));
    QVERIFY(!ProfileCatalog::hasAwsConfiguration(environment(home.path())));
}

void tst_ProfileCatalog::hasAwsConfiguration_data()
{
    QTest::addColumn<bool>("withFiles");
    QTest::addColumn<bool>("withKeys");
    QTest::addColumn<bool>("expected");
    QTest::newRow("nothing") << false << false << false;
    QTest::newRow("files") << true << false << true;
    QTest::newRow("keys only") << false << true << true;
}

void tst_ProfileCatalog::hasAwsConfiguration()
{
    QFETCH(bool, withFiles);
    QFETCH(bool, withKeys);
    QFETCH(bool, expected);
    QProcessEnvironment env = environment(withFiles ? m_home.path() : m_emptyHome.path());
    if (withKeys)
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDENV"));
    QCOMPARE(ProfileCatalog::hasAwsConfiguration(env), expected);
}

QTEST_GUILESS_MAIN(tst_ProfileCatalog)
#include "tst_profilecatalog.moc"
