// thingdeck-cli's credential sources end to end: the real executable against the real sandbox
// process (its STS, SSO portal and example config files), each run with a fresh HOME and an
// environment built from scratch. Static keys, assume-role, ExternalId, role chains, web identity
// (profile and environment), credential_source = Environment, SSO; source_profile loops and
// botocore's allowed self-reference; MFA asked on a pseudo-terminal once, then served from
// ~/.aws/cli/cache to a run without any terminal; wrong codes; expiry and refresh; the web
// identity token file read again; and the cache shared with Debian's AWS CLI both ways.
#include "CredentialTestSupport.h"
#include "SandboxProcess.h"
#include "aws/SigV4Signer.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QXmlStreamReader>

#include <cerrno>
#include <csignal>
#include <functional>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

// Debian's AWS CLI, not whatever else may be first on PATH.
const QString kAws = test::CredentialTestSupport::awsProgram();
constexpr int kRunTimeoutMs = 60000;

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

QString cli()
{
    return QStringLiteral(THINGDECK_CLI_EXECUTABLE);
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString describe() const
    {
        return QStringLiteral("exit %1, stdout: %2, stderr: %3")
            .arg(exitCode)
            .arg(QString::fromUtf8(out), QString::fromUtf8(err));
    }
};

// A process with no controlling terminal (its own session) and stdin from /dev/null: anything
// that tries to ask on /dev/tty fails instead of waiting for a person.
Run runWithoutTerminal(const QString &program, const QStringList &arguments,
                       const QProcessEnvironment &env)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setChildProcessModifier([] { ::setsid(); });
    process.start(program, arguments);
    if (!process.waitForFinished(kRunTimeoutMs))
        process.kill();
    process.waitForFinished(1000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

struct TerminalRun
{
    int exitCode = -1;
    QByteArray out;      ///< stdout (a file, not the terminal)
    QByteArray terminal; ///< everything written to the terminal: prompts, echo, stderr
    int answers = 0;     ///< how often the prompt was answered
    QString describe() const
    {
        return QStringLiteral("exit %1, stdout: %2, terminal: %3")
            .arg(exitCode)
            .arg(QString::fromUtf8(out), QString::fromUtf8(terminal));
    }
};

struct CStrings
{
    std::vector<QByteArray> storage;
    std::vector<char *> pointers;
    explicit CStrings(const QStringList &list)
    {
        for (const QString &item : list)
            storage.push_back(item.toLocal8Bit());
        for (QByteArray &item : storage)
            pointers.push_back(item.data());
        pointers.push_back(nullptr);
    }
};

// Runs `program` on a new pseudo-terminal (its controlling terminal, stdin and stderr) with
// stdout to a file. Each time the terminal shows `prompt`, `answer()` is typed followed by
// Enter.
TerminalRun runOnTerminal(const QString &program, const QStringList &arguments,
                          const QProcessEnvironment &env, const QByteArray &prompt,
                          const std::function<QByteArray()> &answer)
{
    TerminalRun result;
    QTemporaryFile outFile;
    if (!outFile.open())
        return result;
    // Everything the child needs is built before fork().
    const CStrings argv(QStringList{program} + arguments);
    const CStrings envp(env.toStringList());
    const QByteArray path = QFile::encodeName(program);
    const int outFd = outFile.handle();
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0)
        return result;
    if (pid == 0) {
        ::dup2(outFd, STDOUT_FILENO);
        ::execve(path.constData(), argv.pointers.data(), envp.pointers.data());
        ::_exit(127);
    }
    QDeadlineTimer deadline(kRunTimeoutMs);
    qsizetype searchFrom = 0;
    for (;;) {
        pollfd fd{master, POLLIN, 0};
        const int ready = ::poll(&fd, 1, 200);
        if (ready > 0) {
            char buffer[4096];
            const ssize_t n = ::read(master, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break; // EIO: the last holder of the terminal's other side is gone
            result.terminal.append(buffer, n);
        }
        const qsizetype at = result.terminal.indexOf(prompt, searchFrom);
        if (at >= 0) {
            searchFrom = at + prompt.size();
            const QByteArray line = answer() + '\n';
            if (::write(master, line.constData(), size_t(line.size())) == line.size())
                ++result.answers;
        }
        if (deadline.hasExpired()) {
            ::kill(pid, SIGKILL);
            break;
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outFile.seek(0);
    result.out = outFile.readAll();
    return result;
}

QByteArray contentsOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &content,
               QFile::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.setPermissions(permissions);
    return file.write(content) == content.size();
}

QStringList sortedLines(const QByteArray &output)
{
    QStringList lines;
    for (const QByteArray &line : output.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QString::fromUtf8(line.trimmed()));
    }
    lines.sort();
    return lines;
}

// botocore's cache key (aws-credentials.md §3.2): SHA-1 of json.dumps(args, sort_keys=True).
QString botocoreKey(const QString &sortedJson)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(sortedJson.toUtf8(), QCryptographicHash::Sha1).toHex());
}

QString roleKeyJson(const QString &roleArn, const QString &sessionName = {})
{
    if (sessionName.isEmpty())
        return QStringLiteral("{\"RoleArn\": \"%1\"}").arg(roleArn);
    return QStringLiteral("{\"RoleArn\": \"%1\", \"RoleSessionName\": \"%2\"}")
        .arg(roleArn, sessionName);
}

QString cacheDirectory(const QString &home)
{
    return home + QStringLiteral("/.aws/cli/cache");
}

QStringList cacheFiles(const QString &home)
{
    return QDir(cacheDirectory(home))
        .entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
}

QString cacheFile(const QString &home, const QString &key)
{
    return cacheDirectory(home) + QLatin1Char('/') + key + QStringLiteral(".json");
}

QJsonObject cachedCredentials(const QString &path)
{
    return QJsonDocument::fromJson(contentsOf(path))
        .object()
        .value(QStringLiteral("Credentials"))
        .toObject();
}

QDateTime expirationOf(const QJsonObject &credentials)
{
    return QDateTime::fromString(credentials.value(QStringLiteral("Expiration")).toString(),
                                 Qt::ISODateWithMs)
        .toUTC();
}

int modeOf(const QString &path)
{
    struct stat info
    {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 07777) : -1;
}

QByteArray base32Decode(const QString &text)
{
    return test::CredentialTestSupport::base32Decode(text);
}

QByteArray freshTotp(const QByteArray &secret)
{
    return test::CredentialTestSupport::freshTotp(secret).toLatin1();
}

QString xmlValue(const QByteArray &xml, const QString &name)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == name)
            return reader.readElementText();
    }
    return {};
}

// A port nothing listens on (bound, then released).
int closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    const int port = server.serverPort();
    server.close();
    return port;
}

} // namespace

class TestCliCredentials : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_mfaHome; ///< mfaPromptedOnceThenCached's HOME, reused with the AWS CLI
    std::unique_ptr<SandboxProcess> m_sandbox;
    QStringList m_things; ///< sorted
    QNetworkAccessManager m_network;

    QJsonObject examples(const SandboxProcess &sandbox) const
    {
        return sandbox.info().value(str("examples")).toObject();
    }
    QString exampleFile(const SandboxProcess &sandbox, const QString &way, const char *file) const
    {
        return examples(sandbox)
            .value(str("ways"))
            .toObject()
            .value(way)
            .toObject()
            .value(QLatin1String(file))
            .toString();
    }
    QString roleArn(const char *role) const
    {
        return QStringLiteral("arn:aws:iam::%1:role/%2")
            .arg(m_sandbox->value("accountId"), QLatin1String(role));
    }
    QString mfaSerial() const
    {
        return examples(*m_sandbox)
            .value(str("mfa"))
            .toObject()
            .value(str("serialNumber"))
            .toString();
    }
    QByteArray mfaSecret() const
    {
        return base32Decode(examples(*m_sandbox)
                                .value(str("mfa"))
                                .toObject()
                                .value(str("secretBase32"))
                                .toString());
    }
    QString webIdentity(const char *key) const
    {
        return examples(*m_sandbox)
            .value(str("webIdentity"))
            .toObject()
            .value(QLatin1String(key))
            .toString();
    }

    // Only what a program needs to run: no AWS_* at all (the machine exports AWS_CA_BUNDLE).
    static QProcessEnvironment baseEnvironment(const QString &home)
    {
        QProcessEnvironment env;
        env.insert(str("PATH"), qEnvironmentVariable("PATH"));
        env.insert(str("HOME"), home);
        env.insert(str("LANG"), str("C.UTF-8"));
        for (const char *name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"}) {
            if (qEnvironmentVariableIsSet(name))
                env.insert(QLatin1String(name), qEnvironmentVariable(name));
        }
        return env;
    }
    static QProcessEnvironment filesEnvironment(const QString &home, const QString &config,
                                                const QString &credentials)
    {
        QProcessEnvironment env = baseEnvironment(home);
        env.insert(str("AWS_CONFIG_FILE"), config);
        env.insert(str("AWS_SHARED_CREDENTIALS_FILE"), credentials);
        return env;
    }
    QProcessEnvironment wayEnvironment(const SandboxProcess &sandbox, const QString &way,
                                       const QString &home) const
    {
        return filesEnvironment(home, exampleFile(sandbox, way, "configFile"),
                                exampleFile(sandbox, way, "credentialsFile"));
    }
    QProcessEnvironment wayEnvironment(const QString &way, const QString &home) const
    {
        return wayEnvironment(*m_sandbox, way, home);
    }

    // region, endpoint_url and ca_bundle of the sandbox, as every example profile has them.
    QString endpointLines() const
    {
        return QStringLiteral("region = %1\nendpoint_url = %2\nca_bundle = %3\n")
            .arg(m_sandbox->value("region"), m_sandbox->value("restEndpoint"),
                 m_sandbox->value("caFile"));
    }
    QByteArray staticKeysSection(const QString &name) const
    {
        return QStringLiteral("[%1]\naws_access_key_id = %2\naws_secret_access_key = %3\n")
            .arg(name, m_sandbox->value("accessKeyId"), m_sandbox->value("secretAccessKey"))
            .toUtf8();
    }

    static Run thingsList(const QProcessEnvironment &env, const QStringList &extra = {})
    {
        return runWithoutTerminal(cli(), QStringList{str("things"), str("list")} + extra, env);
    }

    // The MFA example on a terminal; `answer` is typed at the prompt (default: the right code).
    TerminalRun mfaRunOnTerminal(const QString &home,
                                 const std::function<QByteArray(const QByteArray &)> &answer = {})
    {
        const QByteArray prompt = "Enter MFA code for " + mfaSerial().toUtf8() + ": ";
        const QByteArray secret = mfaSecret();
        return runOnTerminal(cli(), {str("things"), str("list")}, wayEnvironment(str("mfa"), home),
                             prompt, [secret, answer] {
                                 const QByteArray code = freshTotp(secret);
                                 return answer ? answer(code) : code;
                             });
    }

    // AssumeRole signed by hand with the sandbox's static keys: what the AWS CLI would have got.
    QByteArray assumeRoleDirectly(const QString &role, const QString &sessionName)
    {
        const QUrl endpoint(m_sandbox->value("restEndpoint"));
        const QByteArray body =
            "Action=AssumeRole&Version=2011-06-15&RoleArn=" + QUrl::toPercentEncoding(role) +
            "&RoleSessionName=" + QUrl::toPercentEncoding(sessionName);
        const QList<HttpHeader> headers{
            {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
        SigV4Request toSign;
        toSign.method = "POST";
        toSign.host = QStringLiteral("localhost:%1").arg(endpoint.port()).toUtf8();
        toSign.path = "/";
        toSign.headers = headers;
        toSign.body = body;
        AwsCredentials keys;
        keys.accessKeyId = m_sandbox->value("accessKeyId");
        keys.secretAccessKey = m_sandbox->value("secretAccessKey");
        QNetworkRequest request(QUrl(endpoint.toString() + QLatin1Char('/')));
        for (const auto &[name, value] :
             headers + SigV4Signer::signHeaders(toSign, keys,
                                                {m_sandbox->value("region"), str("sts")},
                                                QDateTime::currentDateTimeUtc()))
            request.setRawHeader(name, value);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(QSslCertificate::fromPath(m_sandbox->value("caFile")));
        request.setSslConfiguration(tls);
        std::unique_ptr<QNetworkReply> reply(m_network.post(request, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(30000);
        return reply->readAll();
    }

    // `aws iot list-things` (JSON) with an example's files, the sandbox CA and no terminal.
    Run awsListThings(const QString &way, const QString &home) const
    {
        QProcessEnvironment env = wayEnvironment(way, home);
        env.insert(str("AWS_CA_BUNDLE"), m_sandbox->value("caFile"));
        env.insert(str("AWS_PAGER"), QString());
        return runWithoutTerminal(kAws,
                                  {str("iot"), str("list-things"), str("--profile"), str("default"),
                                   str("--endpoint-url"), m_sandbox->value("restEndpoint"),
                                   str("--output"), str("json")},
                                  env);
    }

    static QStringList thingNamesOf(const Run &awsRun)
    {
        QStringList names;
        for (const QJsonValue &thing :
             QJsonDocument::fromJson(awsRun.out).object().value(str("things")).toArray())
            names.append(thing.toObject().value(str("thingName")).toString());
        names.sort();
        return names;
    }

    void verifyListsThings(const Run &run) const
    {
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        QCOMPARE(sortedLines(run.out), m_things);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_mfaHome.isValid());
        m_sandbox = std::make_unique<SandboxProcess>(m_dir.filePath(str("state")));
        QVERIFY2(m_sandbox->start({str("--things"), str("3"), str("--telemetry-rate"), str("0")}),
                 qPrintable(m_sandbox->error()));
        for (int i = 0; i < 3; ++i)
            m_things.append(m_sandbox->deviceThing(i));
        m_things.sort();
        QCOMPARE(m_things.size(), 3);
        QVERIFY(!examples(*m_sandbox).isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_sandbox)
            QCOMPARE(m_sandbox->stop(), 0);
    }

    // Each example's [default] profile: the things listed (plain and --json), a shadow read over
    // the data plane with the same keys, and exactly the cache entries botocore would write.
    void exampleProfiles_data()
    {
        QTest::addColumn<QString>("way");
        QTest::addColumn<QStringList>("cacheKeyJson"); ///< what botocore hashes, one per hop
        QTest::newRow("static keys") << str("static") << QStringList{};
        QTest::newRow("assume-role")
            << str("assumeRole")
            << QStringList{roleKeyJson(roleArn("thingdeck-operator"), str("thingdeck"))};
        QTest::newRow("external id")
            << str("externalId")
            << QStringList{QStringLiteral("{\"ExternalId\": \"%1\", \"RoleArn\": \"%2\"}")
                               .arg(examples(*m_sandbox).value(str("externalId")).toString(),
                                    roleArn("thingdeck-auditor"))};
        QTest::newRow("chained roles") << str("chained")
                                       << QStringList{roleKeyJson(roleArn("thingdeck-operator")),
                                                      roleKeyJson(roleArn("thingdeck-viewer"))};
        QTest::newRow("web identity (profile)")
            << str("webIdentity")
            << QStringList{roleKeyJson(roleArn("thingdeck-web"), str("thingdeck-web"))};
    }

    void exampleProfiles()
    {
        QFETCH(QString, way);
        QFETCH(QStringList, cacheKeyJson);
        QTemporaryDir home;
        const QProcessEnvironment env = wayEnvironment(way, home.path());
        verifyListsThings(thingsList(env));

        QStringList expectedFiles;
        for (const QString &json : cacheKeyJson)
            expectedFiles.append(botocoreKey(json) + QStringLiteral(".json"));
        expectedFiles.sort();
        QCOMPARE(cacheFiles(home.path()), expectedFiles);

        const Run json = thingsList(env, {str("--json")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
        QStringList names;
        for (const QByteArray &line : json.out.trimmed().split('\n'))
            names.append(QJsonDocument::fromJson(line).object().value(str("thingName")).toString());
        names.sort();
        QCOMPARE(names, m_things);

        const Run shadow =
            runWithoutTerminal(cli(), {str("shadow"), str("get"), m_things.first()}, env);
        QVERIFY2(shadow.exitCode == 0, qPrintable(shadow.describe()));
        QVERIFY2(QJsonDocument::fromJson(shadow.out).object().contains(str("state")),
                 shadow.out.constData());
        QCOMPARE(cacheFiles(home.path()), expectedFiles);
    }

    // AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN + AWS_ROLE_SESSION_NAME with a profile that
    // has only region, endpoint and CA.
    void webIdentityFromEnvironment()
    {
        QTemporaryDir home;
        const QString credentials = home.filePath(str("credentials"));
        QVERIFY(writeFile(credentials, "# none\n"));
        QProcessEnvironment env = filesEnvironment(
            home.path(), exampleFile(*m_sandbox, str("static"), "configFile"), credentials);
        env.insert(str("AWS_WEB_IDENTITY_TOKEN_FILE"), webIdentity("tokenFile"));
        env.insert(str("AWS_ROLE_ARN"), webIdentity("roleArn"));
        env.insert(str("AWS_ROLE_SESSION_NAME"), str("env-session"));
        verifyListsThings(thingsList(env));
        QCOMPARE(cacheFiles(home.path()),
                 QStringList{botocoreKey(roleKeyJson(webIdentity("roleArn"), str("env-session"))) +
                             QStringLiteral(".json")});
    }

    // The sandbox's static keys in the environment and a profile with role_arn and
    // credential_source = Environment, chosen with --profile (otherwise the environment keys
    // would be used as they are and no role assumed).
    void credentialSourceEnvironment()
    {
        QTemporaryDir home;
        const QString config = home.filePath(str("config"));
        const QString credentials = home.filePath(str("credentials"));
        QVERIFY(writeFile(config, (QStringLiteral("[profile from-env]\nrole_arn = %1\n"
                                                  "credential_source = Environment\n")
                                       .arg(roleArn("thingdeck-operator")) +
                                   endpointLines())
                                      .toUtf8()));
        QVERIFY(writeFile(credentials, "# none\n"));
        QProcessEnvironment env = filesEnvironment(home.path(), config, credentials);
        env.insert(str("AWS_ACCESS_KEY_ID"), m_sandbox->value("accessKeyId"));
        env.insert(str("AWS_SECRET_ACCESS_KEY"), m_sandbox->value("secretAccessKey"));
        verifyListsThings(thingsList(env, {str("--profile"), str("from-env")}));
        QCOMPARE(cacheFiles(home.path()),
                 QStringList{botocoreKey(roleKeyJson(roleArn("thingdeck-operator"))) +
                             QStringLiteral(".json")});
        // Without the keys in the environment the source has nothing to give.
        env.remove(str("AWS_ACCESS_KEY_ID"));
        env.remove(str("AWS_SECRET_ACCESS_KEY"));
        QDir(cacheDirectory(home.path())).removeRecursively();
        const Run empty = thingsList(env, {str("--profile"), str("from-env")});
        QCOMPARE(empty.exitCode, 1);
        QVERIFY2(empty.err.contains("No credentials found in credential_source referenced in "
                                    "profile from-env"),
                 qPrintable(empty.describe()));
    }

    // IAM Identity Center: the token `aws sso login` would have written, copied into
    // HOME/.aws/sso/cache/.
    void sso()
    {
        QTemporaryDir home;
        const QJsonObject sso = examples(*m_sandbox).value(str("sso")).toObject();
        const QProcessEnvironment env = wayEnvironment(str("sso"), home.path());
        const Run noToken = thingsList(env);
        if (noToken.err.contains("cannot use yet"))
            QSKIP(qPrintable(str("core has no SSO yet; thingdeck-cli says: ") +
                             QString::fromUtf8(noToken.err.trimmed())));
        QCOMPARE(noToken.exitCode, 1);
        QVERIFY2(noToken.err.contains(
                     "Error loading SSO Token: Token for thingdeck-sandbox does not exist"),
                 qPrintable(noToken.describe()));

        const QString token = sso.value(str("tokenCacheFile")).toString();
        QVERIFY(writeFile(home.filePath(str(".aws/sso/cache/")) + QFileInfo(token).fileName(),
                          contentsOf(token)));
        verifyListsThings(thingsList(env));

        // The role credentials are cached as the CLI caches them (§5.3: compact JSON key).
        const QString key = botocoreKey(
            QStringLiteral("{\"accountId\":\"%1\",\"roleName\":\"%2\",\"sessionName\":\"%3\"}")
                .arg(sso.value(str("accountId")).toString(), sso.value(str("roleName")).toString(),
                     sso.value(str("sessionName")).toString()));
        QCOMPARE(cacheFiles(home.path()), QStringList{key + QStringLiteral(".json")});
        const QString path = cacheFile(home.path(), key);
        QCOMPARE(modeOf(path), 0600);
        QCOMPARE(QJsonDocument::fromJson(contentsOf(path)).object().value(str("ProviderType")),
                 QJsonValue(str("sso")));
        QVERIFY2(
            cachedCredentials(path).value(str("AccessKeyId")).toString().startsWith(str("ASIA")),
            contentsOf(path).constData());
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(expirationOf(cachedCredentials(path))) >
                900);

        // Debian's AWS CLI cannot reach the sandbox's SSO portal: it lists things from that file.
        if (kAws.isEmpty())
            return;
        const QByteArray before = contentsOf(path);
        const Run shared = awsListThings(str("sso"), home.path());
        QVERIFY2(shared.exitCode == 0, qPrintable(shared.describe()));
        QCOMPARE(thingNamesOf(shared), m_things);
        QCOMPARE(contentsOf(path), before);
    }

    // A token `aws sso login` left that has expired: renewed through the sandbox's SSO OIDC
    // (CreateToken, refresh grant) and written back when it carries a refresh token; without
    // one, the sentence says to sign in again.
    void ssoExpiredToken_data()
    {
        QTest::addColumn<bool>("withRefreshToken");
        QTest::newRow("with a refresh token") << true;
        QTest::newRow("without a refresh token") << false;
    }

    void ssoExpiredToken()
    {
        QFETCH(bool, withRefreshToken);
        QTemporaryDir home;
        const QJsonObject sso = examples(*m_sandbox).value(str("sso")).toObject();
        const QProcessEnvironment env = wayEnvironment(str("sso"), home.path());
        const QString source = sso.value(str("tokenCacheFile")).toString();
        QJsonObject token = QJsonDocument::fromJson(contentsOf(source)).object();
        const QString expired = QDateTime::currentDateTimeUtc().addSecs(-60).toString(
            QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
        token.insert(str("expiresAt"), expired);
        if (!withRefreshToken)
            token.remove(str("refreshToken"));
        const QString path = home.filePath(str(".aws/sso/cache/")) + QFileInfo(source).fileName();
        QVERIFY(writeFile(path, QJsonDocument(token).toJson(QJsonDocument::Compact)));

        const Run run = thingsList(env);
        if (!withRefreshToken) {
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains("aws sso login --profile default"),
                     qPrintable(run.describe()));
            QVERIFY(cacheFiles(home.path()).isEmpty());
            return;
        }
        verifyListsThings(run);
        const QJsonObject renewed = QJsonDocument::fromJson(contentsOf(path)).object();
        QVERIFY2(renewed.value(str("accessToken")) != token.value(str("accessToken")),
                 contentsOf(path).constData());
        const QDateTime expiresAt =
            QDateTime::fromString(renewed.value(str("expiresAt")).toString(), Qt::ISODate);
        QVERIFY2(QDateTime::currentDateTimeUtc().secsTo(expiresAt) > 900,
                 contentsOf(path).constData());
        QCOMPARE(renewed.value(str("clientId")), token.value(str("clientId")));
        QCOMPARE(modeOf(path), 0600);
    }

    // A loop in source_profile is a configuration error naming the profiles visited, as
    // botocore words it; no STS call is made.
    void sourceProfileLoop_data()
    {
        QTest::addColumn<QString>("profiles");
        QTest::addColumn<QString>("message");
        const QString operatorRole = roleArn("thingdeck-operator");
        QTest::newRow("default -> loop-a -> loop-b -> loop-a")
            << QStringLiteral("[default]\nrole_arn = %1\nsource_profile = loop-a\n"
                              "[profile loop-a]\nrole_arn = %1\nsource_profile = loop-b\n"
                              "[profile loop-b]\nrole_arn = %1\nsource_profile = loop-a\n")
                   .arg(operatorRole)
            << str("Infinite loop in credential configuration detected. Attempting to load from "
                   "profile loop-a which has already been visited. Visited profiles: "
                   "['default', 'loop-a', 'loop-b']");
        QTest::newRow("default -> default without keys")
            << QStringLiteral("[default]\nrole_arn = %1\nsource_profile = default\n")
                   .arg(operatorRole)
            << str("Infinite loop in credential configuration detected. Attempting to load from "
                   "profile default which has already been visited. Visited profiles: "
                   "['default']");
    }

    void sourceProfileLoop()
    {
        QFETCH(QString, profiles);
        QFETCH(QString, message);
        QTemporaryDir home;
        const QString config = home.filePath(str("config"));
        const QString credentials = home.filePath(str("credentials"));
        QVERIFY(
            writeFile(config, (profiles + str("[profile unused]\n") + endpointLines()).toUtf8()));
        QVERIFY(writeFile(credentials, "# none\n"));
        const Run run = thingsList(filesEnvironment(home.path(), config, credentials),
                                   {str("--endpoint-url"), m_sandbox->value("restEndpoint")});
        QCOMPARE(run.exitCode, 1); // thingdeck-cli: 1 for every runtime error, 2 for usage
        QVERIFY2(run.out.isEmpty(), run.out.constData());
        QVERIFY2(run.err.contains(message.toUtf8()), qPrintable(run.describe()));
        QVERIFY(cacheFiles(home.path()).isEmpty());
    }

    // botocore's rules next to the loop check: a profile may name itself as source_profile when
    // it has keys of its own, and role_arn / source_profile count in the credentials file too.
    void sourceProfileAllowed_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("credentials");
        const QString operatorRole = roleArn("thingdeck-operator");
        QTest::newRow("self reference with its own keys")
            << QStringLiteral("[default]\nrole_arn = %1\nsource_profile = default\n")
                   .arg(operatorRole)
            << QString::fromUtf8(staticKeysSection(str("default")));
        QTest::newRow("role_arn in the credentials file")
            << str("[default]\n")
            << QStringLiteral("[default]\nrole_arn = %1\nsource_profile = keys\n")
                       .arg(operatorRole) +
                   QString::fromUtf8(staticKeysSection(str("keys")));
    }

    void sourceProfileAllowed()
    {
        QFETCH(QString, config);
        QFETCH(QString, credentials);
        QTemporaryDir home;
        const QString configPath = home.filePath(str("config"));
        const QString credentialsPath = home.filePath(str("credentials"));
        QVERIFY(writeFile(configPath, (config + endpointLines()).toUtf8()));
        QVERIFY(writeFile(credentialsPath, credentials.toUtf8()));
        verifyListsThings(thingsList(filesEnvironment(home.path(), configPath, credentialsPath)));
        QCOMPARE(cacheFiles(home.path()),
                 QStringList{botocoreKey(roleKeyJson(roleArn("thingdeck-operator"))) +
                             QStringLiteral(".json")});
    }

    // MFA on a pseudo-terminal: asked once with the AWS CLI's prompt, then a run with no
    // terminal at all (which could not answer) is served from ~/.aws/cli/cache.
    void mfaPromptedOnceThenCached()
    {
        // Control: without a terminal and without a cache entry the code cannot be asked for.
        QTemporaryDir noTerminalHome;
        const Run refused = thingsList(wayEnvironment(str("mfa"), noTerminalHome.path()));
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("there is no terminal to ask on"),
                 qPrintable(refused.describe()));

        const TerminalRun first = mfaRunOnTerminal(m_mfaHome.path());
        QVERIFY2(first.exitCode == 0, qPrintable(first.describe()));
        QCOMPARE(first.answers, 1);
        QCOMPARE(first.terminal.count("Enter MFA code for "), 1);
        QVERIFY2(first.terminal.contains(
                     QByteArray("Enter MFA code for " + mfaSerial().toUtf8() + ": ")),
                 first.terminal.constData());
        QCOMPARE(sortedLines(first.out), m_things);

        const Run second = thingsList(wayEnvironment(str("mfa"), m_mfaHome.path()));
        verifyListsThings(second);
        QVERIFY2(!second.err.contains("MFA"), second.err.constData());

        const QString key =
            botocoreKey(QStringLiteral("{\"RoleArn\": \"%1\", \"SerialNumber\": \"%2\"}")
                            .arg(roleArn("thingdeck-admin"), mfaSerial()));
        QCOMPARE(cacheFiles(m_mfaHome.path()), QStringList{key + QStringLiteral(".json")});
        const QString path = cacheFile(m_mfaHome.path(), key);
        QCOMPARE(modeOf(path), 0600);
        const QJsonObject credentials = cachedCredentials(path);
        QVERIFY2(credentials.value(str("AccessKeyId")).toString().startsWith(str("ASIA")),
                 contentsOf(path).constData());
        QVERIFY(!credentials.value(str("SecretAccessKey")).toString().isEmpty());
        QVERIFY(!credentials.value(str("SessionToken")).toString().isEmpty());
        const QDateTime expires = expirationOf(credentials);
        QVERIFY2(expires.isValid(), contentsOf(path).constData());
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(expires) > 900);
    }

    // A wrong code and a terminal closed at the prompt: the command fails with the reason,
    // nothing is cached, and a later run asks again.
    void mfaRefused_data()
    {
        QTest::addColumn<QByteArray>("typed"); ///< "wrong": the right code with a digit changed
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("wrong code")
            << QByteArray("wrong")
            << QByteArray("MultiFactorAuthentication failed with invalid MFA one time pass code");
        QTest::newRow("Ctrl+D") << QByteArray("\x04")
                                << QByteArray("the terminal closed before an MFA code was entered");
    }

    void mfaRefused()
    {
        QFETCH(QByteArray, typed);
        QFETCH(QByteArray, message);
        QTemporaryDir home;
        const TerminalRun run = mfaRunOnTerminal(home.path(), [typed](const QByteArray &code) {
            if (typed != "wrong")
                return typed;
            QByteArray wrong = code;
            wrong[0] = char('0' + (wrong.at(0) - '0' + 1) % 10);
            return wrong;
        });
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.answers, 1);
        QVERIFY2(run.out.isEmpty(), run.out.constData());
        QVERIFY2(run.terminal.contains(message), qPrintable(run.describe()));
        QVERIFY(cacheFiles(home.path()).isEmpty());
    }

    // Temporary credentials that expire after 5 s: the stale cache entry is replaced by a new
    // AssumeRole; the old keys, given directly, are refused by the service.
    void expiredCredentialsRefreshed()
    {
        QTemporaryDir stateDir;
        SandboxProcess shortLived(stateDir.path());
        QVERIFY2(shortLived.start({str("--things"), str("3"), str("--telemetry-rate"), str("0"),
                                   str("--credential-lifetime"), str("5")}),
                 qPrintable(shortLived.error()));
        QTemporaryDir home;
        const QProcessEnvironment env = wayEnvironment(shortLived, str("assumeRole"), home.path());
        const QString path = cacheFile(
            home.path(),
            botocoreKey(roleKeyJson(QStringLiteral("arn:aws:iam::%1:role/thingdeck-operator")
                                        .arg(shortLived.value("accountId")),
                                    str("thingdeck"))));
        verifyListsThings(thingsList(env));
        const QJsonObject first = cachedCredentials(path);
        const QDateTime firstExpires = expirationOf(first);
        QVERIFY2(firstExpires.isValid(), contentsOf(path).constData());
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(firstExpires) <= 5);

        QVERIFY(QTest::qWaitFor(
            [&] { return QDateTime::currentDateTimeUtc() > firstExpires.addSecs(2); }, 30000));
        verifyListsThings(thingsList(env));
        const QJsonObject second = cachedCredentials(path);
        QVERIFY2(expirationOf(second) > firstExpires, contentsOf(path).constData());
        QVERIFY(second.value(str("AccessKeyId")) != first.value(str("AccessKeyId")));

        QProcessEnvironment expired = env;
        expired.insert(str("AWS_ACCESS_KEY_ID"), first.value(str("AccessKeyId")).toString());
        expired.insert(str("AWS_SECRET_ACCESS_KEY"),
                       first.value(str("SecretAccessKey")).toString());
        expired.insert(str("AWS_SESSION_TOKEN"), first.value(str("SessionToken")).toString());
        const Run refused = thingsList(expired);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.out.isEmpty(), refused.out.constData());
        QVERIFY2(refused.err.contains("ExpiredTokenException"), qPrintable(refused.describe()));
        QVERIFY2(refused.err.contains("The security token included in the request is expired"),
                 qPrintable(refused.describe()));
        QCOMPARE(shortLived.stop(), 0);
    }

    // The token file is read on every STS call: garbage in it fails once the cache is cleared
    // (the token is not part of the cache key, so a cached entry still serves), and the
    // restored token works again.
    void webIdentityTokenFileReadAgain()
    {
        QTemporaryDir home;
        const QString tokenFile = home.filePath(str("token"));
        const QByteArray token = contentsOf(webIdentity("tokenFile"));
        QVERIFY(!token.isEmpty());
        QVERIFY(writeFile(tokenFile, token));
        const QString config = home.filePath(str("config"));
        const QString credentials = home.filePath(str("credentials"));
        QVERIFY(writeFile(config, (QStringLiteral("[default]\nrole_arn = %1\n"
                                                  "web_identity_token_file = %2\n")
                                       .arg(webIdentity("roleArn"), tokenFile) +
                                   endpointLines())
                                      .toUtf8()));
        QVERIFY(writeFile(credentials, "# none\n"));
        const QProcessEnvironment env = filesEnvironment(home.path(), config, credentials);

        verifyListsThings(thingsList(env));
        QCOMPARE(cacheFiles(home.path()).size(), 1);
        QVERIFY(writeFile(tokenFile, "not-a-token-at-all"));
        verifyListsThings(thingsList(env)); // served from the cache

        QVERIFY(QDir(cacheDirectory(home.path())).removeRecursively());
        const Run refused = thingsList(env);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("InvalidIdentityToken"), qPrintable(refused.describe()));
        QVERIFY2(refused.err.contains("The web identity token that was passed could not be "
                                      "validated by AWS"),
                 qPrintable(refused.describe()));
        QVERIFY(cacheFiles(home.path()).isEmpty());

        QVERIFY(writeFile(tokenFile, token));
        verifyListsThings(thingsList(env));
        QCOMPARE(cacheFiles(home.path()).size(), 1);
    }

    // Debian's AWS CLI 2.9.19 cannot reach the sandbox's STS (it ignores every endpoint setting
    // for its credential clients), so it can only list things with the MFA profile by reading
    // the entry thingdeck-cli wrote; with no terminal and stdin at EOF it cannot ask either.
    void awsCliUsesThingdeckCache()
    {
        if (kAws.isEmpty())
            QSKIP("Debian's AWS CLI (/usr/bin/aws) is not installed");
        if (cacheFiles(m_mfaHome.path()).isEmpty()) {
            const TerminalRun assumed = mfaRunOnTerminal(m_mfaHome.path());
            QVERIFY2(assumed.exitCode == 0, qPrintable(assumed.describe()));
        }
        QCOMPARE(cacheFiles(m_mfaHome.path()).size(), 1);
        const QString path = cacheDirectory(m_mfaHome.path()) + QLatin1Char('/') +
                             cacheFiles(m_mfaHome.path()).first();
        const QByteArray before = contentsOf(path);

        const Run shared = awsListThings(str("mfa"), m_mfaHome.path());
        QVERIFY2(shared.exitCode == 0, qPrintable(shared.describe()));
        QCOMPARE(thingNamesOf(shared), m_things);
        QCOMPARE(contentsOf(path), before);

        // Control: the same command with an empty cache cannot succeed (it would have to ask
        // for a code, and then call the real STS).
        QTemporaryDir emptyHome;
        const Run alone = awsListThings(str("mfa"), emptyHome.path());
        QVERIFY2(alone.exitCode != 0, qPrintable(alone.describe()));
        QVERIFY(cacheFiles(emptyHome.path()).isEmpty());
    }

    // A cache entry as botocore writes it (aws-credentials.md §3.3: one line, the whole parsed
    // response, Expiration in the writer's format) is used by thingdeck-cli with STS pointed at
    // a closed port; an entry with less than 15 minutes left is not.
    void botocoreCacheEntryUsedWithoutSts_data()
    {
        QTest::addColumn<QString>("format");  ///< QDateTime format of Expiration
        QTest::addColumn<int>("secondsLeft"); ///< 0: the real expiration
        QTest::addColumn<bool>("used");
        QTest::newRow("CLI v2 (+00:00)") << str("yyyy-MM-dd'T'HH:mm:ss'+00:00'") << 0 << true;
        QTest::newRow("CLI v2 with fraction")
            << str("yyyy-MM-dd'T'HH:mm:ss.zzz'000+00:00'") << 0 << true;
        QTest::newRow("CLI v2 wire format (Z)") << str("yyyy-MM-dd'T'HH:mm:ss'Z'") << 0 << true;
        QTest::newRow("botocore library (UTC)") << str("yyyy-MM-dd'T'HH:mm:ss'UTC'") << 0 << true;
        QTest::newRow("16 minutes left") << str("yyyy-MM-dd'T'HH:mm:ss'+00:00'") << 16 * 60 << true;
        QTest::newRow("14 minutes left: stale")
            << str("yyyy-MM-dd'T'HH:mm:ss'+00:00'") << 14 * 60 << false;
    }

    void botocoreCacheEntryUsedWithoutSts()
    {
        QFETCH(QString, format);
        QFETCH(int, secondsLeft);
        QFETCH(bool, used);
        const QString role = roleArn("thingdeck-operator");
        const QByteArray response = assumeRoleDirectly(role, str("thingdeck"));
        const QString accessKeyId = xmlValue(response, str("AccessKeyId"));
        QVERIFY2(accessKeyId.startsWith(str("ASIA")), response.constData());
        const QDateTime expires =
            secondsLeft
                ? QDateTime::currentDateTimeUtc().addSecs(secondsLeft)
                : QDateTime::fromString(xmlValue(response, str("Expiration")), Qt::ISODateWithMs)
                      .toUTC();
        QVERIFY(expires.isValid());
        // Key order and separators as json.dumps writes the parsed response.
        const QByteArray entry =
            QStringLiteral(
                "{\"Credentials\": {\"AccessKeyId\": \"%1\", \"SecretAccessKey\": \"%2\", "
                "\"SessionToken\": \"%3\", \"Expiration\": \"%4\"}, \"AssumedRoleUser\": "
                "{\"AssumedRoleId\": \"%5\", \"Arn\": \"%6\"}, \"ResponseMetadata\": "
                "{\"RequestId\": \"%7\", \"HTTPStatusCode\": 200, \"HTTPHeaders\": "
                "{\"content-type\": \"text/xml\"}, \"RetryAttempts\": 0}}")
                .arg(accessKeyId, xmlValue(response, str("SecretAccessKey")),
                     xmlValue(response, str("SessionToken")), expires.toString(format),
                     xmlValue(response, str("AssumedRoleId")), xmlValue(response, str("Arn")),
                     xmlValue(response, str("RequestId")))
                .toUtf8();
        QTemporaryDir home;
        const QString path =
            cacheFile(home.path(), botocoreKey(roleKeyJson(role, str("thingdeck"))));
        QVERIFY(writeFile(path, entry));

        QProcessEnvironment env = wayEnvironment(str("assumeRole"), home.path());
        env.insert(str("AWS_ENDPOINT_URL_STS"),
                   QStringLiteral("https://127.0.0.1:%1").arg(closedPort()));
        const Run run = thingsList(env);
        if (used) {
            verifyListsThings(run);
            QCOMPARE(contentsOf(path), entry);
        } else {
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains("AssumeRole") && run.err.contains("127.0.0.1"),
                     qPrintable(run.describe()));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliCredentials)
#include "tst_clicredentials.moc"
