#include "aws/AwsConfig.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

namespace {

QProcessEnvironment environmentOf(const QStringList &assignments)
{
    QProcessEnvironment environment;
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(u'=');
        environment.insert(assignment.left(equals), assignment.mid(equals + 1));
    }
    return environment;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

/// A home directory with `.aws/config` and `.aws/credentials` (each only when not null).
class Home
{
public:
    Home(const QString &config, const QString &credentials)
    {
        QDir(m_dir.path()).mkpath(QStringLiteral(".aws"));
        if (!config.isNull())
            writeFile(configPath(), config.toUtf8());
        if (!credentials.isNull())
            writeFile(credentialsPath(), credentials.toUtf8());
    }

    QString path() const { return m_dir.path(); }
    QString configPath() const { return m_dir.filePath(QStringLiteral(".aws/config")); }
    QString credentialsPath() const { return m_dir.filePath(QStringLiteral(".aws/credentials")); }

    /// `assignments` plus HOME pointing here.
    QProcessEnvironment environment(const QStringList &assignments = {}) const
    {
        QProcessEnvironment environment = environmentOf(assignments);
        environment.insert(QStringLiteral("HOME"), path());
        return environment;
    }

private:
    QTemporaryDir m_dir;
};

Result<AwsConfig, ConfigError> loadWith(const QString &config, const QStringList &assignments,
                                        const QString &explicitProfile = {})
{
    const Home home(config, QString());
    return AwsConfig::load(home.environment(assignments), explicitProfile);
}

QJsonArray fileLocationCases()
{
    QFile file(QStringLiteral(THINGDECK_TEST_DATA "/aws-config-tests/file-location-tests.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("tests")).toArray();
}

QStringList assignmentsOf(const QJsonObject &environment)
{
    QStringList assignments;
    for (auto it = environment.constBegin(); it != environment.constEnd(); ++it)
        assignments.append(it.key() + u'=' + it.value().toString());
    return assignments;
}

QString endpointConfig()
{
    return QStringLiteral("[default]\n"
                          "endpoint_url = https://global.example\n"
                          "services = local\n"
                          "[services local]\n"
                          "iot =\n"
                          "  endpoint_url = https://iot.local:4566\n"
                          "iot_data_plane =\n"
                          "  endpoint_url = https://data.local\n");
}

} // namespace

class TestAwsConfig : public QObject
{
    Q_OBJECT

private:
    static void addIgnoreRows();

private slots:
    void fileLocation_data();
    void fileLocation();
    void pathExpansion_data();
    void pathExpansion();
    void profileSelection_data();
    void profileSelection();
    void region_data();
    void region();
    void endpointUrl_data();
    void endpointUrl();
    void endpointErrors_data();
    void endpointErrors();
    void caBundle_data();
    void caBundle();
    void missingDefaultFilesAreEmpty();
    void implicitDefaultProfileMayBeMissing();
    void credentialsFileWinsInMerge();
    void malformedFileNamesFileAndLine_data();
    void malformedFileNamesFileAndLine();
    void unknownProfileListsProfiles_data();
    void unknownProfileListsProfiles();
    void unreadableFile_data();
    void unreadableFile();
    void missingNamedFileIsEmpty();
    void invalidUtf8IsMalformed();
};

void TestAwsConfig::fileLocation_data()
{
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("configLocation");
    QTest::addColumn<QString>("credentialsLocation");
    QTest::addColumn<QString>("profile");
    int linuxCases = 0;
    for (const QJsonValue value : fileLocationCases()) {
        const QJsonObject test = value.toObject();
        if (test.value(QLatin1String("platform")).toString() != QLatin1String("linux"))
            continue; // Thingdeck runs on Linux; the Windows cases need USERPROFILE rules
        ++linuxCases;
        QTest::newRow(test.value(QLatin1String("name")).toString().toUtf8().constData())
            << assignmentsOf(test.value(QLatin1String("environment")).toObject())
            << test.value(QLatin1String("configLocation")).toString()
            << test.value(QLatin1String("credentialsLocation")).toString()
            << test.value(QLatin1String("profile")).toString();
    }
    QCOMPARE(linuxCases, 4);
}

void TestAwsConfig::fileLocation()
{
    QFETCH(QStringList, environment);
    QFETCH(QString, configLocation);
    QFETCH(QString, credentialsLocation);
    QFETCH(QString, profile);
    const QProcessEnvironment env = environmentOf(environment);
    QCOMPARE(AwsConfig::locateConfigFile(env), configLocation);
    QCOMPARE(AwsConfig::locateCredentialsFile(env), credentialsLocation);
    if (!profile.isEmpty())
        QCOMPARE(AwsConfig::selectProfile(env, QString()), profile);
}

void TestAwsConfig::pathExpansion_data()
{
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("configLocation");
    QTest::newRow("tilde") << QStringList{QStringLiteral("HOME=/home/u"),
                                          QStringLiteral("AWS_CONFIG_FILE=~/cfg")}
                           << QStringLiteral("/home/u/cfg");
    QTest::newRow("HOME with a trailing slash")
        << QStringList{QStringLiteral("HOME=/home/u/")} << QStringLiteral("/home/u/.aws/config");
    QTest::newRow("variables") << QStringList{QStringLiteral("HOME=/h"),
                                              QStringLiteral("AWS_CONFIG_FILE=$D/${F}.ini"),
                                              QStringLiteral("D=/etc/aws"),
                                              QStringLiteral("F=main")}
                               << QStringLiteral("/etc/aws/main.ini");
    QTest::newRow("unknown variable stays")
        << QStringList{QStringLiteral("HOME=/h"), QStringLiteral("AWS_CONFIG_FILE=/x/$NOPE/c")}
        << QStringLiteral("/x/$NOPE/c");
    QTest::newRow("empty variable means default")
        << QStringList{QStringLiteral("HOME=/h"), QStringLiteral("AWS_CONFIG_FILE=")}
        << QStringLiteral("/h/.aws/config");
}

void TestAwsConfig::pathExpansion()
{
    QFETCH(QStringList, environment);
    QFETCH(QString, configLocation);
    QCOMPARE(AwsConfig::locateConfigFile(environmentOf(environment)), configLocation);
}

void TestAwsConfig::profileSelection_data()
{
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("explicitProfile");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("explicitFlag");
    const QString profile = QStringLiteral("AWS_PROFILE=b");
    const QString defaultProfile = QStringLiteral("AWS_DEFAULT_PROFILE=a");
    QTest::newRow("explicit beats the environment")
        << QStringList{profile, defaultProfile} << QStringLiteral("c") << QStringLiteral("c")
        << true;
    QTest::newRow("AWS_DEFAULT_PROFILE beats AWS_PROFILE (botocore order)")
        << QStringList{profile, defaultProfile} << QString() << QStringLiteral("a") << false;
    QTest::newRow("AWS_PROFILE") << QStringList{profile} << QString() << QStringLiteral("b")
                                 << false;
    QTest::newRow("default") << QStringList() << QString() << QStringLiteral("default") << false;
}

void TestAwsConfig::profileSelection()
{
    QFETCH(QStringList, environment);
    QFETCH(QString, explicitProfile);
    QFETCH(QString, expected);
    QFETCH(bool, explicitFlag);
    const auto config =
        loadWith(QStringLiteral("[default]\n[profile a]\n[profile b]\n[profile c]\n"), environment,
                 explicitProfile);
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QCOMPARE(config.value().profileName(), expected);
    QCOMPARE(config.value().isProfileExplicit(), explicitFlag);
}

void TestAwsConfig::region_data()
{
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("expected");
    QTest::newRow("AWS_REGION first")
        << QStringList{QStringLiteral("AWS_REGION=r1"), QStringLiteral("AWS_DEFAULT_REGION=r2")}
        << QStringLiteral("r1");
    QTest::newRow("AWS_DEFAULT_REGION second")
        << QStringList{QStringLiteral("AWS_DEFAULT_REGION=r2")} << QStringLiteral("r2");
    QTest::newRow("empty AWS_REGION counts as unset")
        << QStringList{QStringLiteral("AWS_REGION="), QStringLiteral("AWS_DEFAULT_REGION=r2")}
        << QStringLiteral("r2");
    QTest::newRow("profile region") << QStringList() << QStringLiteral("eu-west-1");
    QTest::newRow("region of the selected profile")
        << QStringList{QStringLiteral("AWS_PROFILE=dev")} << QStringLiteral("us-east-2");
    QTest::newRow("no region anywhere")
        << QStringList{QStringLiteral("AWS_PROFILE=bare")} << QString();
}

void TestAwsConfig::region()
{
    QFETCH(QStringList, environment);
    QFETCH(QString, expected);
    const auto config = loadWith(QStringLiteral("[default]\nregion = eu-west-1\n"
                                                "[profile dev]\nregion = us-east-2\n"
                                                "[profile bare]\n"),
                                 environment);
    QVERIFY(config.ok());
    QCOMPARE(config.value().region(), expected);
}

void TestAwsConfig::endpointUrl_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("expected");
    const QString iot = QStringLiteral("iot");
    const QString data = QStringLiteral("iot-data-plane");
    const QString serviceVariable = QStringLiteral("AWS_ENDPOINT_URL_IOT=https://env-iot");
    const QString dataVariable = QStringLiteral("AWS_ENDPOINT_URL_IOT_DATA_PLANE=https://env-data");
    const QString globalVariable = QStringLiteral("AWS_ENDPOINT_URL=https://env-all");
    QTest::newRow("service variable first")
        << endpointConfig() << QStringList{serviceVariable, globalVariable} << iot
        << QStringLiteral("https://env-iot");
    QTest::newRow("data plane variable")
        << endpointConfig() << QStringList{dataVariable, globalVariable} << data
        << QStringLiteral("https://env-data");
    QTest::newRow("data plane variable is not for iot")
        << endpointConfig() << QStringList{dataVariable} << iot
        << QStringLiteral("https://iot.local:4566");
    QTest::newRow("AWS_ENDPOINT_URL second") << endpointConfig() << QStringList{globalVariable}
                                             << data << QStringLiteral("https://env-all");
    QTest::newRow("services section for iot")
        << endpointConfig() << QStringList() << iot << QStringLiteral("https://iot.local:4566");
    QTest::newRow("services section for the data plane")
        << endpointConfig() << QStringList() << data << QStringLiteral("https://data.local");
    QTest::newRow("profile endpoint_url when services has no entry")
        << QStringLiteral("[default]\nendpoint_url = https://global.example\nservices = s\n"
                          "[services s]\niot =\n  endpoint_url = https://iot.s\n")
        << QStringList() << data << QStringLiteral("https://global.example");
    QTest::newRow("profile endpoint_url alone")
        << QStringLiteral("[default]\nendpoint_url = http://127.0.0.1:8080/base\n") << QStringList()
        << iot << QStringLiteral("http://127.0.0.1:8080/base");
    QTest::newRow("nothing configured")
        << QStringLiteral("[default]\n") << QStringList() << iot << QString();
    addIgnoreRows();
}

// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS and ignore_configured_endpoint_urls switch them all off.
void TestAwsConfig::addIgnoreRows()
{
    const QString iot = QStringLiteral("iot");
    const QString serviceVariable = QStringLiteral("AWS_ENDPOINT_URL_IOT=https://env-iot");
    QTest::newRow("ignored by the environment")
        << endpointConfig()
        << QStringList{serviceVariable, QStringLiteral("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=TRUE")}
        << iot << QString();
    QTest::newRow("ignored by the profile")
        << endpointConfig() + QStringLiteral("[profile x]\nignore_configured_endpoint_urls = true\n"
                                             "endpoint_url = https://x\n")
        << QStringList{QStringLiteral("AWS_PROFILE=x")} << iot << QString();
    QTest::newRow("environment false overrides profile true")
        << QStringLiteral("[default]\nignore_configured_endpoint_urls = true\n"
                          "endpoint_url = https://x\n")
        << QStringList{QStringLiteral("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false")} << iot
        << QStringLiteral("https://x");
    QTest::newRow("only 'true' ignores")
        << endpointConfig() << QStringList{QStringLiteral("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=1")}
        << iot << QStringLiteral("https://iot.local:4566");
}

void TestAwsConfig::endpointUrl()
{
    QFETCH(QString, config);
    QFETCH(QStringList, environment);
    QFETCH(QString, service);
    QFETCH(QString, expected);
    const auto loaded = loadWith(config, environment);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().message));
    const auto url = loaded.value().endpointUrl(service);
    QVERIFY2(url.ok(), url.ok() ? "" : qPrintable(url.error().message));
    QCOMPARE(url.value().toString(), expected);
}

void TestAwsConfig::endpointErrors_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("services section missing")
        << QStringLiteral("[default]\nservices = nowhere\n") << QStringList()
        << QStringLiteral("no [services nowhere] section");
    QTest::newRow("URL without scheme")
        << QStringLiteral("[default]\nendpoint_url = localhost:4566\n") << QStringList()
        << QStringLiteral("endpoint_url of profile default");
    QTest::newRow("not http") << QStringLiteral("[default]\n")
                              << QStringList{QStringLiteral("AWS_ENDPOINT_URL_IOT=ftp://host")}
                              << QStringLiteral("AWS_ENDPOINT_URL_IOT");
}

void TestAwsConfig::endpointErrors()
{
    QFETCH(QString, config);
    QFETCH(QStringList, environment);
    QFETCH(QString, fragment);
    const auto loaded = loadWith(config, environment);
    QVERIFY(loaded.ok());
    const auto url = loaded.value().endpointUrl(QStringLiteral("iot"));
    QVERIFY(!url.ok());
    QCOMPARE(url.error().kind, ConfigError::Kind::InvalidValue);
    QVERIFY2(url.error().message.contains(fragment), qPrintable(url.error().message));
}

void TestAwsConfig::caBundle_data()
{
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("expected");
    QTest::newRow("AWS_CA_BUNDLE first") << QStringList{QStringLiteral("AWS_CA_BUNDLE=/env/ca.pem")}
                                         << QStringLiteral("/env/ca.pem");
    QTest::newRow("profile ca_bundle") << QStringList() << QStringLiteral("/profile/ca.pem");
    QTest::newRow("none") << QStringList{QStringLiteral("AWS_PROFILE=bare")} << QString();
}

void TestAwsConfig::caBundle()
{
    QFETCH(QStringList, environment);
    QFETCH(QString, expected);
    const auto config = loadWith(
        QStringLiteral("[default]\nca_bundle = /profile/ca.pem\n[profile bare]\n"), environment);
    QVERIFY(config.ok());
    QCOMPARE(config.value().caBundle(), expected);
}

void TestAwsConfig::missingDefaultFilesAreEmpty()
{
    const Home home{QString(), QString()};
    const auto config = AwsConfig::load(home.environment());
    QVERIFY(config.ok());
    QVERIFY(config.value().profileNames().isEmpty());
    QCOMPARE(config.value().configPath(), home.configPath());
    QCOMPARE(config.value().credentialsPath(), home.credentialsPath());
}

void TestAwsConfig::implicitDefaultProfileMayBeMissing()
{
    const auto config = loadWith(QStringLiteral("[profile a]\nregion = x\n"), {});
    QVERIFY(config.ok());
    QCOMPARE(config.value().profileName(), QStringLiteral("default"));
    QVERIFY(config.value().profile().isEmpty());
}

void TestAwsConfig::credentialsFileWinsInMerge()
{
    const Home home(QStringLiteral("[profile dev]\nregion = a\noutput = json\n"),
                    QStringLiteral("[dev]\nregion = b\n"));
    const auto config =
        AwsConfig::load(home.environment({QStringLiteral("AWS_PROFILE=dev")}), QString());
    QVERIFY(config.ok());
    QCOMPARE(config.value().region(), QStringLiteral("b"));
    QCOMPARE(config.value().profileProperty(QStringLiteral("output")), QStringLiteral("json"));
}

void TestAwsConfig::malformedFileNamesFileAndLine_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("credentials");
    QTest::addColumn<bool>("inCredentials");
    QTest::newRow("config file") << QStringLiteral("[default]\nregion = x\nbogus line\n")
                                 << QString() << false;
    QTest::newRow("credentials file") << QStringLiteral("[default]\n")
                                      << QStringLiteral("# keys\n[default]\n\nno equals\n") << true;
}

void TestAwsConfig::malformedFileNamesFileAndLine()
{
    QFETCH(QString, config);
    QFETCH(QString, credentials);
    QFETCH(bool, inCredentials);
    const Home home(config, credentials);
    const auto loaded = AwsConfig::load(home.environment());
    QVERIFY(!loaded.ok());
    const QString file = inCredentials ? home.credentialsPath() : home.configPath();
    const int line = inCredentials ? 4 : 3;
    QCOMPARE(loaded.error().kind, ConfigError::Kind::MalformedFile);
    QCOMPARE(loaded.error().file, file);
    QCOMPARE(loaded.error().line, line);
    QVERIFY2(loaded.error().message.contains(QStringLiteral("%1, line %2").arg(file).arg(line)),
             qPrintable(loaded.error().message));
}

void TestAwsConfig::unknownProfileListsProfiles_data()
{
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("explicitProfile");
    QTest::addColumn<QString>("origin");
    QTest::newRow("explicit") << QStringList() << QStringLiteral("nope")
                              << QStringLiteral("chosen explicitly");
    QTest::newRow("AWS_PROFILE") << QStringList{QStringLiteral("AWS_PROFILE=nope")} << QString()
                                 << QStringLiteral("from AWS_PROFILE");
    QTest::newRow("AWS_DEFAULT_PROFILE") << QStringList{QStringLiteral("AWS_DEFAULT_PROFILE=nope")}
                                         << QString() << QStringLiteral("from AWS_DEFAULT_PROFILE");
    // botocore: a variable that is set selects its value, even an empty one.
    QTest::newRow("empty AWS_PROFILE") << QStringList{QStringLiteral("AWS_PROFILE=")} << QString()
                                       << QStringLiteral("from AWS_PROFILE");
}

void TestAwsConfig::unknownProfileListsProfiles()
{
    QFETCH(QStringList, environment);
    QFETCH(QString, explicitProfile);
    QFETCH(QString, origin);
    const Home home(QStringLiteral("[profile b]\n[profile a]\n"), QStringLiteral("[ci]\n"));
    const auto loaded = AwsConfig::load(home.environment(environment), explicitProfile);
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().kind, ConfigError::Kind::UnknownProfile);
    const QString message = loaded.error().message;
    QVERIFY2(message.contains(QStringLiteral("Profiles there: a, b, ci")), qPrintable(message));
    QVERIFY2(message.contains(origin), qPrintable(message));
    QVERIFY2(message.contains(home.configPath()), qPrintable(message));
}

void TestAwsConfig::unreadableFile_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("relativePath");
    QTest::addColumn<QString>("fragment");
    // Tests may run as root, who can read any file: a directory is what cannot be read.
    QTest::newRow("AWS_CONFIG_FILE names a directory")
        << QStringLiteral("AWS_CONFIG_FILE") << QStringLiteral(".aws")
        << QStringLiteral("Cannot read");
    QTest::newRow("default credentials path is a directory")
        << QString() << QStringLiteral(".aws/credentials") << QStringLiteral("Cannot read");
}

void TestAwsConfig::unreadableFile()
{
    QFETCH(QString, variable);
    QFETCH(QString, relativePath);
    QFETCH(QString, fragment);
    const Home home(QStringLiteral("[default]\n"), QString());
    const QString path = home.path() + u'/' + relativePath;
    QStringList assignments;
    if (variable.isEmpty())
        QVERIFY(QDir().mkpath(path));
    else
        assignments.append(variable + u'=' + path);
    const auto loaded = AwsConfig::load(home.environment(assignments));
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().kind, ConfigError::Kind::UnreadableFile);
    QCOMPARE(loaded.error().file, path);
    QVERIFY2(loaded.error().message.contains(fragment), qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(path), qPrintable(loaded.error().message));
}

// Like the AWS CLI: a file named by the variables that does not exist reads as empty; only a
// profile asked for by name and then not found is an error, and it names the files.
void TestAwsConfig::missingNamedFileIsEmpty()
{
    const Home home(QStringLiteral("[default]\n"), QString());
    const QString config = home.path() + QStringLiteral("/missing/config");
    const QString credentials = home.path() + QStringLiteral("/missing/creds");
    const QStringList assignments{QStringLiteral("AWS_CONFIG_FILE=") + config,
                                  QStringLiteral("AWS_SHARED_CREDENTIALS_FILE=") + credentials};
    const auto loaded = AwsConfig::load(home.environment(assignments));
    QVERIFY(loaded.ok());
    QVERIFY(loaded.value().profileNames().isEmpty());
    QVERIFY(!loaded.value().configFileExists());
    const auto named = AwsConfig::load(home.environment(assignments), QStringLiteral("dev"));
    QVERIFY(!named.ok());
    QCOMPARE(named.error().kind, ConfigError::Kind::UnknownProfile);
    const QString message = named.error().message;
    QVERIFY2(message.contains(config + QStringLiteral(" (which does not exist)")),
             qPrintable(message));
    QVERIFY2(message.contains(credentials + QStringLiteral(" (which does not exist)")),
             qPrintable(message));
}

void TestAwsConfig::invalidUtf8IsMalformed()
{
    const Home home{QString(), QString()};
    QVERIFY(writeFile(home.configPath(), QByteArray("[default]\nregion = \xff\xfe\n")));
    const auto loaded = AwsConfig::load(home.environment());
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().kind, ConfigError::Kind::MalformedFile);
    QCOMPARE(loaded.error().file, home.configPath());
}

QTEST_GUILESS_MAIN(TestAwsConfig)
#include "tst_awsconfig.moc"
