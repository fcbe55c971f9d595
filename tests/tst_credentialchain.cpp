#include "aws/CredentialChain.h"
#include "aws/CredentialProcess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace thingdeck;
using namespace std::chrono_literals;

namespace {

using CredentialsResult = CredentialChain::CredentialsResult;

// Values that must never appear in a message.
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
constexpr char kToken[] = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";

QString secret()
{
    return QString::fromLatin1(kSecret);
}

QString token()
{
    return QString::fromLatin1(kToken);
}

QString json(const QString &expiration = QString())
{
    const QString expirationMember =
        expiration.isEmpty() ? QString()
                             : QStringLiteral(", \"Expiration\": \"%1\"").arg(expiration);
    return QStringLiteral(R"({"Version": 1, "AccessKeyId": "ASIAPROCESS", )"
                          R"("SecretAccessKey": "%1", "SessionToken": "%2"%3})")
        .arg(secret(), token(), expirationMember);
}

bool writeFile(const QString &path, const QString &text)
{
    QFile file(path);
    const QByteArray bytes = text.toUtf8();
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

/// A home directory for one test: `.aws/config`, `.aws/credentials`, and scripts.
class Home
{
public:
    Home() { QDir(m_dir.path()).mkpath(QStringLiteral(".aws")); }

    QString path(const QString &relative) const { return m_dir.filePath(relative); }
    QString configPath() const { return path(QStringLiteral(".aws/config")); }
    QString credentialsPath() const { return path(QStringLiteral(".aws/credentials")); }
    void writeConfig(const QString &text) const { writeFile(configPath(), text); }
    void writeCredentials(const QString &text) const { writeFile(credentialsPath(), text); }

    /// An executable /bin/sh script; `body` follows the shebang line.
    QString script(const QString &relative, const QString &body) const
    {
        QString file = path(relative);
        QDir().mkpath(QFileInfo(file).path());
        writeFile(file, QStringLiteral("#!/bin/sh\n") + body + u'\n');
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return file;
    }

    /// A script that records each run in the file `runs` and prints `output`.
    QString countingScript(const QString &output, const QString &extra = QString()) const
    {
        return script(QStringLiteral("count.sh"),
                      QStringLiteral("echo run >> '%1'\n%2\nprintf '%s' '%3'")
                          .arg(path(QStringLiteral("runs")), extra, output));
    }

    int runs() const
    {
        QFile file(path(QStringLiteral("runs")));
        return file.open(QIODevice::ReadOnly) ? static_cast<int>(file.readAll().count('\n')) : 0;
    }

    QProcessEnvironment environment(const QStringList &assignments = {}) const
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HOME"), m_dir.path());
        environment.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
        for (const QString &assignment : assignments) {
            const qsizetype equals = assignment.indexOf(u'=');
            environment.insert(assignment.left(equals), assignment.mid(equals + 1));
        }
        return environment;
    }

private:
    QTemporaryDir m_dir;
};

/// Collects what a fetch() delivers.
class Receiver : public QObject
{
public:
    CredentialChain::Callback callback()
    {
        return [this](const CredentialsResult &result) {
            ++m_calls;
            m_result = result;
        };
    }

    bool done() const { return m_result.has_value(); }
    int calls() const { return m_calls; }
    const CredentialsResult &result() const { return *m_result; }

private:
    std::optional<CredentialsResult> m_result;
    int m_calls = 0;
};

QString describe(const CredentialsResult &result)
{
    return result.ok() ? QStringLiteral("credentials from ") + result.value().source
                       : result.error().message;
}

} // namespace

// Runs one fetch on `chain` and declares `name`, the CredentialsResult it delivered.
#define FETCH(chain, name)                                                                         \
    Receiver receiver_##name;                                                                      \
    (chain).fetch(&receiver_##name, receiver_##name.callback());                                   \
    QTRY_VERIFY(receiver_##name.done());                                                           \
    const CredentialsResult name = receiver_##name.result()

#define VERIFY_CREDENTIALS(result) QVERIFY2((result).ok(), qPrintable(describe(result)))

#define VERIFY_NO_SECRET(message)                                                                  \
    QVERIFY2(!(message).contains(secret()) && !(message).contains(token()), qPrintable(message))

class TestCredentialChain : public QObject
{
    Q_OBJECT

private:
    static void addOutputFailureRows();

private slots:
    void environmentKeys_data();
    void environmentKeys();
    void environmentWithoutSecretIsMissingKeys();
    void secretWithoutKeyIdIsIgnored();
    void explicitCredentialsWin();
    void explicitProfileSkipsEnvironment();
    void awsProfileDoesNotSkipEnvironment();
    void profileKeys_data();
    void profileKeys();
    void profileWithoutSecretIsMissingKeys_data();
    void profileWithoutSecretIsMissingKeys();
    void configErrorsAreDelivered_data();
    void configErrorsAreDelivered();
    void noCredentialsSaysWhereAndHow();
    void callbackIsNeverSynchronous();
    void destroyedContextGetsNoCallback();
    void processCredentials();
    void processComesBeforeConfigFileKeys();
    void processCachedFarFromExpiry();
    void processRerunNearExpiry();
    void invalidateResolvesAgain();
    void concurrentFetchesShareOneRun();
    void processArgumentsWithoutShell();
    void processFailures_data();
    void processFailures();
    void processTimeout();
    void parseOutputExpiration_data();
    void parseOutputExpiration();
};

void TestCredentialChain::environmentKeys_data()
{
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("expectedToken");
    QTest::addColumn<QDateTime>("expectedExpiration");
    const QStringList keys{QStringLiteral("AWS_ACCESS_KEY_ID=AKIAENV"),
                           QStringLiteral("AWS_SECRET_ACCESS_KEY=") + secret()};
    QTest::newRow("long-term keys") << keys << QString() << QDateTime();
    QTest::newRow("session token") << keys + QStringList{QStringLiteral("AWS_SESSION_TOKEN=tok")}
                                   << QStringLiteral("tok") << QDateTime();
    // botocore looks at the legacy variable first.
    QTest::newRow("legacy AWS_SECURITY_TOKEN first")
        << keys + QStringList{QStringLiteral("AWS_SESSION_TOKEN=tok"),
                              QStringLiteral("AWS_SECURITY_TOKEN=legacy")}
        << QStringLiteral("legacy") << QDateTime();
    QTest::newRow("expiration") << keys + QStringList{QStringLiteral(
                                              "AWS_CREDENTIAL_EXPIRATION=2031-02-03T04:05:06Z")}
                                << QString()
                                << QDateTime(QDate(2031, 2, 3), QTime(4, 5, 6), Qt::UTC);
}

void TestCredentialChain::environmentKeys()
{
    QFETCH(QStringList, environment);
    QFETCH(QString, expectedToken);
    QFETCH(QDateTime, expectedExpiration);
    const Home home;
    CredentialChain chain(home.environment(environment));
    FETCH(chain, result);
    VERIFY_CREDENTIALS(result);
    QCOMPARE(result.value().accessKeyId, QStringLiteral("AKIAENV"));
    QCOMPARE(result.value().secretAccessKey, secret());
    QCOMPARE(result.value().sessionToken, expectedToken);
    QCOMPARE(result.value().expiration, expectedExpiration);
    QCOMPARE(result.value().source, QStringLiteral("environment"));
}

void TestCredentialChain::environmentWithoutSecretIsMissingKeys()
{
    const Home home;
    home.writeCredentials(QStringLiteral("[default]\naws_access_key_id = A\n"
                                         "aws_secret_access_key = B\n"));
    CredentialChain chain(home.environment({QStringLiteral("AWS_ACCESS_KEY_ID=AKIAENV")}));
    FETCH(chain, result);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, ConfigError::Kind::MissingKeys);
    QVERIFY2(result.error().message.contains(QStringLiteral("AWS_SECRET_ACCESS_KEY")),
             qPrintable(result.error().message));
}

// botocore only looks at the environment when AWS_ACCESS_KEY_ID is set, so a lone secret
// neither fails nor hides the profile; when nothing else is found, the message mentions it.
void TestCredentialChain::secretWithoutKeyIdIsIgnored()
{
    const Home home;
    const QStringList lone{QStringLiteral("AWS_SECRET_ACCESS_KEY=") + secret()};
    CredentialChain bare(home.environment(lone));
    FETCH(bare, failed);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().kind, ConfigError::Kind::NoCredentials);
    QVERIFY(failed.error().message.contains(QStringLiteral("without AWS_ACCESS_KEY_ID")));
    VERIFY_NO_SECRET(failed.error().message);
    home.writeCredentials(QStringLiteral("[default]\naws_access_key_id = A\n"
                                         "aws_secret_access_key = B\n"));
    CredentialChain withProfile(home.environment(lone));
    FETCH(withProfile, result);
    VERIFY_CREDENTIALS(result);
    QCOMPARE(result.value().source, QStringLiteral("profile default (credentials file)"));
}

void TestCredentialChain::explicitCredentialsWin()
{
    const Home home;
    CredentialChain chain(home.environment(
        {QStringLiteral("AWS_ACCESS_KEY_ID=AKIAENV"), QStringLiteral("AWS_SECRET_ACCESS_KEY=x")}));
    chain.setExplicitCredentials({QStringLiteral("AKIAAPP"), secret(), {}, {}, {}});
    FETCH(chain, result);
    VERIFY_CREDENTIALS(result);
    QCOMPARE(result.value().accessKeyId, QStringLiteral("AKIAAPP"));
    QCOMPARE(result.value().source, QStringLiteral("explicit settings"));
    chain.setExplicitCredentials({});
    FETCH(chain, afterReset);
    VERIFY_CREDENTIALS(afterReset);
    QCOMPARE(afterReset.value().source, QStringLiteral("environment"));
}

void TestCredentialChain::explicitProfileSkipsEnvironment()
{
    const Home home;
    home.writeCredentials(QStringLiteral("[dev]\naws_access_key_id = AKIADEV\n"
                                         "aws_secret_access_key = s\n"));
    CredentialChain chain(home.environment({QStringLiteral("AWS_ACCESS_KEY_ID=AKIAENV"),
                                            QStringLiteral("AWS_SECRET_ACCESS_KEY=x")}),
                          QStringLiteral("dev"));
    QCOMPARE(chain.profileName(), QStringLiteral("dev"));
    FETCH(chain, result);
    VERIFY_CREDENTIALS(result);
    QCOMPARE(result.value().accessKeyId, QStringLiteral("AKIADEV"));
    QCOMPARE(result.value().source, QStringLiteral("profile dev (credentials file)"));
}

void TestCredentialChain::awsProfileDoesNotSkipEnvironment()
{
    const Home home;
    home.writeCredentials(QStringLiteral("[dev]\naws_access_key_id = AKIADEV\n"
                                         "aws_secret_access_key = s\n"));
    CredentialChain chain(home.environment({QStringLiteral("AWS_ACCESS_KEY_ID=AKIAENV"),
                                            QStringLiteral("AWS_SECRET_ACCESS_KEY=x"),
                                            QStringLiteral("AWS_PROFILE=dev")}));
    QCOMPARE(chain.profileName(), QStringLiteral("dev"));
    FETCH(chain, result);
    VERIFY_CREDENTIALS(result);
    QCOMPARE(result.value().source, QStringLiteral("environment"));
}

void TestCredentialChain::profileKeys_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("credentials");
    QTest::addColumn<QString>("accessKeyId");
    QTest::addColumn<QString>("sessionToken");
    QTest::addColumn<QString>("source");
    const QString configKeys =
        QStringLiteral("[profile dev]\naws_access_key_id = AKIACFG\naws_secret_access_key = c\n");
    QTest::newRow("credentials file over config file")
        << configKeys
        << QStringLiteral("[dev]\naws_access_key_id = AKIACRED\naws_secret_access_key = k\n"
                          "aws_session_token = t\n")
        << QStringLiteral("AKIACRED") << QStringLiteral("t")
        << QStringLiteral("profile dev (credentials file)");
    QTest::newRow("config file alone") << configKeys << QString() << QStringLiteral("AKIACFG")
                                       << QString() << QStringLiteral("profile dev (config file)");
    // Like botocore, each file is read on its own: a secret in the credentials file does not
    // make the config file's key id count there.
    QTest::newRow("a lone secret in the credentials file is ignored")
        << configKeys << QStringLiteral("[dev]\naws_secret_access_key = other\n")
        << QStringLiteral("AKIACFG") << QString() << QStringLiteral("profile dev (config file)");
}

void TestCredentialChain::profileKeys()
{
    QFETCH(QString, config);
    QFETCH(QString, credentials);
    QFETCH(QString, accessKeyId);
    QFETCH(QString, sessionToken);
    QFETCH(QString, source);
    const Home home;
    home.writeConfig(config);
    if (!credentials.isEmpty())
        home.writeCredentials(credentials);
    CredentialChain chain(home.environment({QStringLiteral("AWS_PROFILE=dev")}));
    FETCH(chain, result);
    VERIFY_CREDENTIALS(result);
    QCOMPARE(result.value().accessKeyId, accessKeyId);
    QCOMPARE(result.value().sessionToken, sessionToken);
    QCOMPARE(result.value().source, source);
    QVERIFY(!result.value().expiration.isValid());
}

void TestCredentialChain::profileWithoutSecretIsMissingKeys_data()
{
    QTest::addColumn<bool>("inCredentialsFile");
    QTest::newRow("credentials file") << true;
    QTest::newRow("config file") << false;
}

void TestCredentialChain::profileWithoutSecretIsMissingKeys()
{
    QFETCH(bool, inCredentialsFile);
    const Home home;
    if (inCredentialsFile)
        home.writeCredentials(QStringLiteral("[dev]\naws_access_key_id = AKIADEV\n"));
    else
        home.writeConfig(QStringLiteral("[profile dev]\naws_access_key_id = AKIADEV\n"));
    CredentialChain chain(home.environment(), QStringLiteral("dev"));
    FETCH(chain, result);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, ConfigError::Kind::MissingKeys);
    const QString file = inCredentialsFile ? home.credentialsPath() : home.configPath();
    QCOMPARE(result.error().file, file);
    QVERIFY2(result.error().message.contains(QStringLiteral("aws_secret_access_key")),
             qPrintable(result.error().message));
}

void TestCredentialChain::configErrorsAreDelivered_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("unknown profile lists the profiles")
        << QStringLiteral("[profile a]\n[profile b]\n")
        << QStringList{QStringLiteral("AWS_PROFILE=c")}
        << static_cast<int>(ConfigError::Kind::UnknownProfile)
        << QStringLiteral("Profiles there: a, b");
    QTest::newRow("malformed line names file and line")
        << QStringLiteral("[default]\nregion = x\ngarbage\n") << QStringList()
        << static_cast<int>(ConfigError::Kind::MalformedFile) << QStringLiteral("config, line 3:");
    // A missing file reads as empty (as for the AWS CLI); a directory cannot be read.
    QTest::newRow("unreadable file named explicitly")
        << QString() << QStringList{QStringLiteral("AWS_SHARED_CREDENTIALS_FILE=/")}
        << static_cast<int>(ConfigError::Kind::UnreadableFile) << QStringLiteral("Cannot read /");
    QTest::newRow("missing file named explicitly is empty")
        << QString() << QStringList{QStringLiteral("AWS_SHARED_CREDENTIALS_FILE=/nonexistent/c")}
        << static_cast<int>(ConfigError::Kind::NoCredentials) << QStringLiteral("/nonexistent/c");
}

void TestCredentialChain::configErrorsAreDelivered()
{
    QFETCH(QString, config);
    QFETCH(QStringList, environment);
    QFETCH(int, kind);
    QFETCH(QString, fragment);
    const Home home;
    if (!config.isEmpty())
        home.writeConfig(config);
    CredentialChain chain(home.environment(environment));
    FETCH(chain, result);
    QVERIFY(!result.ok());
    QCOMPARE(static_cast<int>(result.error().kind), kind);
    QVERIFY2(result.error().message.contains(fragment), qPrintable(result.error().message));
}

void TestCredentialChain::noCredentialsSaysWhereAndHow()
{
    const Home home;
    home.writeConfig(QStringLiteral("[profile dev]\nregion = x\nsso_session = corp\n"));
    CredentialChain chain(home.environment(), QStringLiteral("dev"));
    FETCH(chain, result);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, ConfigError::Kind::NoCredentials);
    const QString message = result.error().message;
    for (const QString &part : {QStringLiteral("'dev'"), home.configPath(), home.credentialsPath(),
                                QStringLiteral("aws configure --profile dev"),
                                QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("sso_session")})
        QVERIFY2(message.contains(part), qPrintable(message));
}

void TestCredentialChain::callbackIsNeverSynchronous()
{
    const Home home;
    CredentialChain chain(home.environment(
        {QStringLiteral("AWS_ACCESS_KEY_ID=A"), QStringLiteral("AWS_SECRET_ACCESS_KEY=B")}));
    for (int round = 0; round < 2; ++round) { // the second round is served from the cache
        Receiver receiver;
        chain.fetch(&receiver, receiver.callback());
        QCOMPARE(receiver.calls(), 0);
        QTRY_COMPARE(receiver.calls(), 1);
    }
}

void TestCredentialChain::destroyedContextGetsNoCallback()
{
    const Home home;
    CredentialChain chain(home.environment(
        {QStringLiteral("AWS_ACCESS_KEY_ID=A"), QStringLiteral("AWS_SECRET_ACCESS_KEY=B")}));
    bool called = false;
    auto context = std::make_unique<QObject>();
    chain.fetch(context.get(), [&called](const CredentialsResult &) { called = true; });
    context.reset();
    Receiver witness;
    chain.fetch(&witness, witness.callback());
    QTRY_VERIFY(witness.done());
    QTest::qWait(20);
    QVERIFY(!called);
}

void TestCredentialChain::processCredentials()
{
    const Home home;
    const QString script = home.countingScript(json(QStringLiteral("2031-05-26T12:34:56.789Z")));
    home.writeConfig(QStringLiteral("[profile dev]\ncredential_process = %1\n").arg(script));
    CredentialChain chain(home.environment(), QStringLiteral("dev"));
    FETCH(chain, result);
    VERIFY_CREDENTIALS(result);
    QCOMPARE(result.value().accessKeyId, QStringLiteral("ASIAPROCESS"));
    QCOMPARE(result.value().secretAccessKey, secret());
    QCOMPARE(result.value().sessionToken, token());
    QCOMPARE(result.value().expiration,
             QDateTime(QDate(2031, 5, 26), QTime(12, 34, 56, 789), Qt::UTC));
    QCOMPARE(result.value().source, QStringLiteral("profile dev (credential_process)"));
    QCOMPARE(home.runs(), 1);
}

// botocore's order: credentials file keys > credential_process > config file keys.
void TestCredentialChain::processComesBeforeConfigFileKeys()
{
    const Home home;
    const QString script = home.countingScript(json());
    home.writeConfig(QStringLiteral("[default]\naws_access_key_id = AKIACFG\n"
                                    "aws_secret_access_key = c\ncredential_process = %1\n")
                         .arg(script));
    CredentialChain chain(home.environment());
    FETCH(chain, fromProcess);
    VERIFY_CREDENTIALS(fromProcess);
    QCOMPARE(fromProcess.value().source, QStringLiteral("profile default (credential_process)"));
    home.writeCredentials(QStringLiteral("[default]\naws_access_key_id = AKIACRED\n"
                                         "aws_secret_access_key = k\n"));
    chain.invalidate();
    FETCH(chain, fromCredentials);
    VERIFY_CREDENTIALS(fromCredentials);
    QCOMPARE(fromCredentials.value().source, QStringLiteral("profile default (credentials file)"));
    QCOMPARE(home.runs(), 1);
}

void TestCredentialChain::processCachedFarFromExpiry()
{
    const Home home;
    const QDateTime expiry = QDateTime::currentDateTimeUtc().addSecs(3600);
    const QString script = home.countingScript(json(expiry.toString(Qt::ISODate)));
    home.writeConfig(QStringLiteral("[default]\ncredential_process = %1\n").arg(script));
    CredentialChain chain(home.environment());
    FETCH(chain, first);
    VERIFY_CREDENTIALS(first);
    FETCH(chain, second);
    VERIFY_CREDENTIALS(second);
    QCOMPARE(home.runs(), 1);
}

void TestCredentialChain::processRerunNearExpiry()
{
    const Home home;
    // Inside the five-minute refresh window from the start: every fetch runs the process.
    const QDateTime expiry = QDateTime::currentDateTimeUtc().addSecs(120);
    const QString script = home.countingScript(json(expiry.toString(Qt::ISODate)));
    home.writeConfig(QStringLiteral("[default]\ncredential_process = %1\n").arg(script));
    CredentialChain chain(home.environment());
    FETCH(chain, first);
    VERIFY_CREDENTIALS(first);
    QCOMPARE(home.runs(), 1);
    FETCH(chain, second);
    VERIFY_CREDENTIALS(second);
    QCOMPARE(home.runs(), 2);
}

void TestCredentialChain::invalidateResolvesAgain()
{
    const Home home;
    const QString script = home.countingScript(json());
    home.writeConfig(QStringLiteral("[default]\ncredential_process = %1\n").arg(script));
    CredentialChain chain(home.environment());
    FETCH(chain, first);
    VERIFY_CREDENTIALS(first);
    chain.invalidate();
    FETCH(chain, second);
    VERIFY_CREDENTIALS(second);
    QCOMPARE(home.runs(), 2);
}

void TestCredentialChain::concurrentFetchesShareOneRun()
{
    const Home home;
    // The process answers only once the test lets it, so the third fetch surely comes while
    // it runs.
    const QString release = home.path(QStringLiteral("release"));
    const QString script = home.countingScript(
        json(), QStringLiteral("while [ ! -e '%1' ]; do sleep 0.05; done").arg(release));
    home.writeConfig(QStringLiteral("[default]\ncredential_process = %1\n").arg(script));
    CredentialChain chain(home.environment());
    Receiver first;
    Receiver second;
    Receiver third;
    chain.fetch(&first, first.callback());
    chain.fetch(&second, second.callback());
    QTRY_COMPARE(home.runs(), 1); // the process is running now
    chain.fetch(&third, third.callback());
    QVERIFY(!first.done() && !second.done() && !third.done());
    QFile released(release);
    QVERIFY(released.open(QIODevice::WriteOnly));
    released.close();
    QTRY_VERIFY(first.done() && second.done() && third.done());
    for (const Receiver *receiver : {&first, &second, &third}) {
        QCOMPARE(receiver->calls(), 1);
        QVERIFY(receiver->result().ok());
        QCOMPARE(receiver->result().value().accessKeyId, QStringLiteral("ASIAPROCESS"));
    }
    QCOMPARE(home.runs(), 1);
}

void TestCredentialChain::processArgumentsWithoutShell()
{
    const Home home;
    const QString argsFile = home.path(QStringLiteral("args"));
    const QString script = home.script(
        QStringLiteral("with space/args.sh"),
        QStringLiteral("for a in \"$@\"; do printf '%s\\n' \"$a\" >> '%1'; done\nprintf '%s' '%2'")
            .arg(argsFile, json()));
    home.writeConfig(
        QStringLiteral("[default]\ncredential_process = \"%1\" 'a b' \"c \\\"d\\\"\" e\\ f "
                       "'$HOME' ';|&' '' `x`\n")
            .arg(script));
    CredentialChain chain(home.environment());
    FETCH(chain, result);
    VERIFY_CREDENTIALS(result);
    QFile file(argsFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString recorded = QString::fromUtf8(file.readAll());
    recorded.chop(1);
    const QStringList expected{QStringLiteral("a b"), QStringLiteral("c \"d\""),
                               QStringLiteral("e f"), QStringLiteral("$HOME"),
                               QStringLiteral(";|&"), QString(),
                               QStringLiteral("`x`")};
    QCOMPARE(recorded.split(u'\n'), expected);
}

void TestCredentialChain::processFailures_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("fragment");
    const QString script = QStringLiteral("%SCRIPT%");
    const int failed = static_cast<int>(ConfigError::Kind::ProcessFailed);
    QTest::newRow("exit 3 with stderr")
        << QStringLiteral("printf '%s' '%1'\necho 'SSO token expired' >&2\necho 'run aws sso "
                          "login' >&2\nexit 3")
               .arg(json())
        << script << failed
        << QStringLiteral("exited with code 3: SSO token expired / run aws sso login");
    QTest::newRow("exit 1 silently")
        << QStringLiteral("exit 1") << script << failed << QStringLiteral("printed no error");
    QTest::newRow("killed") << QStringLiteral("kill -9 $$") << script << failed
                            << QStringLiteral("crashed");
    addOutputFailureRows();
    QTest::newRow("program missing")
        << QString() << QStringLiteral("/nonexistent/tool --flag") << failed
        << QStringLiteral("(/nonexistent/tool) could not be started");
    QTest::newRow("unclosed quote")
        << QString() << QStringLiteral("'/usr/bin/tool")
        << static_cast<int>(ConfigError::Kind::InvalidValue) << QStringLiteral("unclosed quote");
}

// Rows for a process that exits 0 but prints something unusable; the secret is in most of it.
void TestCredentialChain::addOutputFailureRows()
{
    const QString script = QStringLiteral("%SCRIPT%");
    const int invalid = static_cast<int>(ConfigError::Kind::ProcessOutputInvalid);
    const QString keys =
        QStringLiteral(R"("AccessKeyId": "ASIA", "SecretAccessKey": "%1")").arg(secret());
    QTest::newRow("junk output") << QStringLiteral("echo 'password: %1'").arg(secret()) << script
                                 << invalid << QStringLiteral("not a JSON object");
    QTest::newRow("truncated JSON") << QStringLiteral("printf '%s' '{\"Version\": 1, %1'").arg(keys)
                                    << script << invalid << QStringLiteral("not a JSON object");
    QTest::newRow("Version 2") << QStringLiteral("printf '%s' '{\"Version\": 2, %1}'").arg(keys)
                               << script << invalid << QStringLiteral("Version 2");
    QTest::newRow("Version as a string")
        << QStringLiteral("printf '%s' '{\"Version\": \"1\", %1}'").arg(keys) << script << invalid
        << QStringLiteral("not the number 1");
    QTest::newRow("no Version") << QStringLiteral("printf '%s' '{%1}'").arg(keys) << script
                                << invalid << QStringLiteral("without a Version");
    QTest::newRow("no AccessKeyId")
        << QStringLiteral("printf '%s' '{\"Version\": 1, \"SecretAccessKey\": \"%1\"}'")
               .arg(secret())
        << script << invalid << QStringLiteral("without AccessKeyId");
    QTest::newRow("no SecretAccessKey")
        << QStringLiteral("printf '%s' '{\"Version\": 1, \"AccessKeyId\": \"A\"}'") << script
        << invalid << QStringLiteral("without SecretAccessKey");
    QTest::newRow("bad Expiration")
        << QStringLiteral("printf '%s' '%1'").arg(json(QStringLiteral("soon"))) << script << invalid
        << QStringLiteral("not an ISO 8601 time");
    QTest::newRow("already expired")
        << QStringLiteral("printf '%s' '%1'").arg(json(QStringLiteral("2001-01-01T00:00:00Z")))
        << script << invalid << QStringLiteral("expired at 2001-01-01T00:00:00Z");
}

void TestCredentialChain::processFailures()
{
    QFETCH(QString, body);
    QFETCH(QString, command);
    QFETCH(int, kind);
    QFETCH(QString, fragment);
    const Home home;
    const QString script = home.script(QStringLiteral("fail.sh"), body);
    home.writeConfig(QStringLiteral("[profile ci]\ncredential_process = %1\n")
                         .arg(QString(command).replace(QStringLiteral("%SCRIPT%"), script)));
    CredentialChain chain(home.environment(), QStringLiteral("ci"));
    FETCH(chain, result);
    QVERIFY(!result.ok());
    QCOMPARE(static_cast<int>(result.error().kind), kind);
    QVERIFY2(result.error().message.contains(fragment), qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(QStringLiteral("profile 'ci'")),
             qPrintable(result.error().message));
    VERIFY_NO_SECRET(result.error().message);
}

void TestCredentialChain::processTimeout()
{
    const Home home;
    // The script outlives the wait below by far: an outcome within it came from the timeout,
    // not from the script ending. How soon it came is a figure, not a pass mark.
    const QString script = home.script(QStringLiteral("slow.sh"), QStringLiteral("exec sleep 120"));
    CredentialProcess process(script, QStringLiteral("slow"));
    process.setEnvironment(home.environment());
    process.setTimeout(300ms);
    std::optional<CredentialProcess::Outcome> outcome;
    QElapsedTimer elapsed;
    elapsed.start();
    process.start([&outcome](const CredentialProcess::Outcome &result) { outcome = result; });
    QVERIFY(!outcome);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 60000);
    qInfo("a 0.3 s credential_process timeout reported after %lld ms",
          qlonglong(elapsed.elapsed()));
    QVERIFY(!outcome->ok());
    QCOMPARE(outcome->error().kind, ConfigError::Kind::ProcessTimeout);
    QVERIFY2(outcome->error().message.contains(QStringLiteral("within 0.3 s")),
             qPrintable(outcome->error().message));
}

void TestCredentialChain::parseOutputExpiration_data()
{
    QTest::addColumn<QString>("expiration");
    QTest::addColumn<QDateTime>("expected");
    const QDate date(2030, 1, 2);
    QTest::newRow("Z") << QStringLiteral("2030-01-02T03:04:05Z")
                       << QDateTime(date, QTime(3, 4, 5), Qt::UTC);
    QTest::newRow("milliseconds") << QStringLiteral("2030-01-02T03:04:05.678Z")
                                  << QDateTime(date, QTime(3, 4, 5, 678), Qt::UTC);
    QTest::newRow("microseconds") << QStringLiteral("2030-01-02T03:04:05.678901Z")
                                  << QDateTime(date, QTime(3, 4, 5, 679), Qt::UTC);
    QTest::newRow("offset") << QStringLiteral("2030-01-02T05:04:05+02:00")
                            << QDateTime(date, QTime(3, 4, 5), Qt::UTC);
    QTest::newRow("no zone means UTC")
        << QStringLiteral("2030-01-02T03:04:05") << QDateTime(date, QTime(3, 4, 5), Qt::UTC);
    QTest::newRow("absent") << QString() << QDateTime();
}

void TestCredentialChain::parseOutputExpiration()
{
    QFETCH(QString, expiration);
    QFETCH(QDateTime, expected);
    const auto parsed =
        CredentialProcess::parseOutput(json(expiration).toUtf8(), QStringLiteral("p"));
    VERIFY_CREDENTIALS(parsed);
    QCOMPARE(parsed.value().expiration, expected);
    QCOMPARE(parsed.value().expiration.timeSpec(), expected.isValid() ? Qt::UTC : Qt::LocalTime);
}

QTEST_GUILESS_MAIN(TestCredentialChain)
#include "tst_credentialchain.moc"
