// IAM Identity Center (SSO) credentials: profile and sso-session settings, the token cache
// of `aws sso login`, the role-credential cache, and the wire (GetRoleCredentials, SSO OIDC
// CreateToken) against an in-process HTTPS server (aws-credentials.md §5, §7).
#include "TestHttpServer.h"
#include "TestPki.h"
#include "aws/AwsConfig.h"
#include "aws/CredentialCache.h"
#include "aws/CredentialChain.h"
#include "aws/SsoCredentialFetcher.h"
#include "aws/SsoEndpoint.h"
#include "aws/SsoProfile.h"
#include "aws/SsoToken.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

const QString kStartUrl = QStringLiteral("https://my-sso-portal.awsapps.com/start");
// `printf %s NAME | sha1sum`, and the same values in the reference (§5.2, §5.3).
const QString kSessionTokenKey = QStringLiteral("0ad374308c5a4e22f723adf10145eafad7c4031c");
const QString kLegacyTokenKey = QStringLiteral("c7aaaf71fcc8777ae2475525ed049d39fe16c484");
const QString kSessionRoleKey = QStringLiteral("0521d1f6a6c4e68f9e18540309367cc3cccb6305");
const QString kLegacyRoleKey = QStringLiteral("a86fc0ef036e01b9ff8f964ffab896b19c6ff372");

const QString kSessionConfig =
    QStringLiteral("[sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n"
                   "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
                   "[profile sso-new]\nsso_session = my-sso\nsso_account_id = 111122223333\n"
                   "sso_role_name = ReadOnly\nregion = eu-central-1\n"
                   "[profile sso-legacy]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n"
                   "sso_region = us-east-1\nsso_account_id = 111122223333\n"
                   "sso_role_name = ReadOnly\n");

QByteArray dataFile(const QString &name)
{
    QFile file(QStringLiteral(THINGDECK_TEST_DATA "/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray isoZ(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")).toLatin1() + 'Z';
}

/// The CLI's token file, expiring `secondsLeft` from now (registration 90 days ahead).
QByteArray loginToken(qint64 secondsLeft, qint64 registrationLeft = 90 * 86400)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return dataFile(QStringLiteral("sso/login-token.json"))
        .trimmed()
        .replace("{EXPIRES}", isoZ(now.addSecs(secondsLeft)))
        .replace("{REGISTRATION_EXPIRES}", isoZ(now.addSecs(registrationLeft)));
}

QByteArray roleAnswer(const QDateTime &expiration, int extraMilliseconds = 0)
{
    return dataFile(QStringLiteral("sso/role-credentials.json"))
        .trimmed()
        .replace("{EXPIRATION_MS}",
                 QByteArray::number(expiration.toMSecsSinceEpoch() + extraMilliseconds));
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool isPrivate(const QString &path)
{
    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                      QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    return QFileInfo::exists(path) && (QFileInfo(path).permissions() & others) == 0;
}

/// A home with .aws/config, the SSO token cache and the CLI cache for one test.
struct Home
{
    QTemporaryDir dir;
    QString path(const QString &relative) const { return dir.filePath(relative); }
    void config(const QString &text) const
    {
        writeFile(path(QStringLiteral(".aws/config")), text.toUtf8());
    }
    void credentials(const QString &text) const
    {
        writeFile(path(QStringLiteral(".aws/credentials")), text.toUtf8());
    }
    QString tokenFile(const QString &key) const
    {
        return path(QStringLiteral(".aws/sso/cache/") + key + QStringLiteral(".json"));
    }
    QString roleFile(const QString &key) const
    {
        return path(QStringLiteral(".aws/cli/cache/") + key + QStringLiteral(".json"));
    }
    void token(const QString &key, const QByteArray &content) const
    {
        QVERIFY(writeFile(tokenFile(key), content));
    }
    QProcessEnvironment environment(const QStringList &assignments = {}) const
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HOME"), dir.path());
        for (const QString &assignment : assignments) {
            const qsizetype equals = assignment.indexOf(u'=');
            environment.insert(assignment.left(equals), assignment.mid(equals + 1));
        }
        return environment;
    }
};

using CredentialsResult = CredentialChain::CredentialsResult;

std::optional<CredentialsResult> fetchNow(CredentialChain &chain)
{
    std::optional<CredentialsResult> result;
    QObject context;
    chain.fetch(&context, [&result](const CredentialsResult &r) { result = r; });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 15000))
        qWarning("no credentials within 15 s");
    return result;
}

QString describe(const std::optional<CredentialsResult> &result)
{
    if (!result)
        return QStringLiteral("no answer");
    return result->ok() ? result->value().source : result->error().message;
}

Result<std::optional<SsoProfile>, ConfigError> ssoFor(const Home &home, const QString &profile)
{
    const auto config = AwsConfig::load(home.environment(), profile);
    if (!config)
        return fail(config.error());
    return SsoProfile::forProfile(config.value().profiles(), profile);
}

CannedReply unauthorized()
{
    return CannedReply::json(401, "{\"message\":\"Session token not found or invalid\"}",
                             {{"x-amzn-ErrorType", "UnauthorizedException:http://internal/"}});
}

} // namespace

class TestSsoCredentials : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_pkiDir;
    std::unique_ptr<TestPki> m_pki;
    std::unique_ptr<TestHttpServer> m_server;
    QList<CannedReply> m_replies;

    void answerWith(QList<CannedReply> replies)
    {
        m_replies = std::move(replies);
        m_server->setHandler([this](const RecordedRequest &) {
            return m_replies.size() > 1 ? m_replies.takeFirst() : m_replies.first();
        });
    }

    // Portal and OIDC on one server, told apart by their paths.
    QStringList wireEnvironment() const
    {
        const QString url = m_server->localhostUrl().toString();
        return {QStringLiteral("AWS_CA_BUNDLE=") + m_pki->caFile(),
                QStringLiteral("AWS_ENDPOINT_URL_SSO=") + url,
                QStringLiteral("AWS_ENDPOINT_URL_SSO_OIDC=") + url};
    }

    std::optional<CredentialsResult> fetchProfile(const Home &home, const QString &profile)
    {
        CredentialChain chain(home.environment(wireEnvironment()), profile);
        return fetchNow(chain);
    }

private slots:
    void initTestCase()
    {
        m_pki = std::make_unique<TestPki>(m_pkiDir.path());
        QVERIFY2(m_pki->create(), qPrintable(m_pki->error()));
    }

    void init()
    {
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->listenTls(TestPki::loadCertificate(m_pki->serverCertificateFile()),
                                    TestPki::loadKey(m_pki->serverKeyFile())));
    }

    // ---- cache keys ---------------------------------------------------------------------

    void tokenCacheKeys()
    {
        SsoProfile session;
        session.sessionName = QStringLiteral("my-sso");
        session.startUrl = kStartUrl;
        SsoProfile legacy;
        legacy.startUrl = kStartUrl;
        QCOMPARE(session.tokenCacheKey(), kSessionTokenKey);
        QCOMPARE(legacy.tokenCacheKey(), kLegacyTokenKey);
        const auto sha1 = [](const char *text) {
            return QString::fromLatin1(
                QCryptographicHash::hash(text, QCryptographicHash::Sha1).toHex());
        };
        QCOMPARE(session.tokenCacheKey(), sha1("my-sso"));
        session.sessionName = QStringLiteral("corp");
        QCOMPARE(session.tokenCacheKey(),
                 QStringLiteral("ee0bfd2552fbd840c02cc48b6e823320543c450f"));
        legacy.startUrl = kStartUrl + u'/'; // the exact string: a trailing slash is another key
        QVERIFY(legacy.tokenCacheKey() != kLegacyTokenKey);
        QCOMPARE(legacy.tokenCacheKey(), sha1("https://my-sso-portal.awsapps.com/start/"));
    }

    void roleCacheKeys()
    {
        SsoProfile profile{QStringLiteral("p"),
                           QStringLiteral("my-sso"),
                           kStartUrl,
                           QStringLiteral("us-east-1"),
                           QStringLiteral("111122223333"),
                           QStringLiteral("ReadOnly")};
        QCOMPARE(profile.roleCacheJson(), QByteArray("{\"accountId\":\"111122223333\",\"roleName\":"
                                                     "\"ReadOnly\",\"sessionName\":\"my-sso\"}"));
        QCOMPARE(profile.roleCacheKey(), kSessionRoleKey);
        profile.sessionName.clear();
        QCOMPARE(profile.roleCacheJson(),
                 QByteArray("{\"accountId\":\"111122223333\",\"roleName\":\"ReadOnly\","
                            "\"startUrl\":\"https://my-sso-portal.awsapps.com/start\"}"));
        QCOMPARE(profile.roleCacheKey(), kLegacyRoleKey);
    }

    // ---- configuration ------------------------------------------------------------------

    void configuration_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("error"); // empty: valid

        const QString session = QStringLiteral(
            "[sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n"
            "sso_region = us-east-1\n");
        QTest::newRow("missing keys")
            << QStringLiteral("[profile partial]\nsso_account_id = 111122223333\n")
            << QStringLiteral("partial")
            << QStringLiteral("The profile \"partial\" is configured to use SSO but is missing "
                              "required configuration: sso_role_name, sso_start_url, sso_region");
        QTest::newRow("unknown session")
            << QStringLiteral("[profile p]\nsso_session = nope\nsso_account_id = 1\n"
                              "sso_role_name = R\n")
            << QStringLiteral("p")
            << QStringLiteral("The specified sso-session does not exist: \"nope\"");
        QTest::newRow("start URL differs")
            << session + QStringLiteral("[profile p]\nsso_session = my-sso\nsso_account_id = 1\n"
                                        "sso_role_name = R\n"
                                        "sso_start_url = https://other.awsapps.com/start\n")
            << QStringLiteral("p")
            << QStringLiteral("The value for sso_start_url is inconsistent between profile "
                              "(https://other.awsapps.com/start) and sso-session "
                              "(https://my-sso-portal.awsapps.com/start).");
        QTest::newRow("region differs")
            << session + QStringLiteral("[profile p]\nsso_session = my-sso\nsso_account_id = 1\n"
                                        "sso_role_name = R\nsso_region = eu-west-1\n")
            << QStringLiteral("p")
            << QStringLiteral("The value for sso_region is inconsistent between profile "
                              "(eu-west-1) and sso-session (us-east-1).");
        QTest::newRow("same values in both")
            << session +
                   QStringLiteral(
                       "[profile p]\nsso_session = my-sso\nsso_account_id = 1\nsso_role_name = R\n"
                       "sso_region = us-east-1\n")
            << QStringLiteral("p") << QString();
        QTest::newRow("new style") << kSessionConfig << QStringLiteral("sso-new") << QString();
        QTest::newRow("legacy") << kSessionConfig << QStringLiteral("sso-legacy") << QString();
    }

    void configuration()
    {
        QFETCH(QString, config);
        QFETCH(QString, profile);
        QFETCH(QString, error);
        Home home;
        home.config(config);
        const auto sso = ssoFor(home, profile);
        if (!error.isEmpty()) {
            QVERIFY(!sso.ok());
            QCOMPARE(sso.error().message, error);
            QCOMPARE(sso.error().kind, ConfigError::Kind::InvalidValue);
            // The chain stops there, as botocore does, even with keys further down.
            home.credentials(QStringLiteral("[%1]\naws_access_key_id = AKIA\n"
                                            "aws_secret_access_key = s\n")
                                 .arg(profile));
            const auto result = fetchProfile(home, profile);
            QVERIFY(result && !result->ok());
            QCOMPARE(result->error().message, error);
            return;
        }
        QVERIFY2(sso.ok(), sso.ok() ? "" : qPrintable(sso.error().message));
        QVERIFY(sso.value().has_value());
        QCOMPARE(sso.value()->profile, profile);
        QCOMPARE(sso.value()->startUrl, kStartUrl);
        QCOMPARE(sso.value()->ssoRegion, QStringLiteral("us-east-1"));
        QCOMPARE(sso.value()->isLegacy(), profile == QLatin1String("sso-legacy"));
    }

    void notAnSsoProfile()
    {
        Home home;
        home.config(kSessionConfig + QStringLiteral("[profile half]\nsso_session = my-sso\n"));
        const auto sso = ssoFor(home, QStringLiteral("half"));
        QVERIFY(sso.ok());
        QVERIFY(!sso.value().has_value());
    }

    void defaultEndpoints()
    {
        const SsoEndpoint plain = SsoEndpoint::forRegion(QStringLiteral("ap-south-2"));
        QCOMPARE(plain.portal, QUrl(QStringLiteral("https://portal.sso.ap-south-2.amazonaws.com")));
        QCOMPARE(plain.oidc, QUrl(QStringLiteral("https://oidc.ap-south-2.amazonaws.com")));
        const SsoEndpoint fips = SsoEndpoint::forRegion(QStringLiteral("us-east-1"), true);
        QCOMPARE(fips.portal.host(), QStringLiteral("portal.sso-fips.us-east-1.amazonaws.com"));
        QCOMPARE(fips.oidc.host(), QStringLiteral("oidc-fips.us-east-1.amazonaws.com"));
        QCOMPARE(SsoEndpoint::forRegion(QStringLiteral("us-east-1"), false, true).portal.host(),
                 QStringLiteral("portal.sso.us-east-1.api.aws"));
        QCOMPARE(SsoEndpoint::forRegion(QStringLiteral("cn-north-1")).oidc.host(),
                 QStringLiteral("oidc.cn-north-1.amazonaws.com.cn"));
    }

    void configuredEndpoints()
    {
        Home home;
        home.config(kSessionConfig +
                    QStringLiteral("[profile local]\nservices = here\n"
                                   "endpoint_url = https://everything.test\n"
                                   "[services here]\nsso =\n  endpoint_url = https://sso.test\n"));
        const auto config = AwsConfig::load(home.environment(), QStringLiteral("local"));
        QVERIFY(config.ok());
        const auto fromServices = SsoEndpoint::resolve(config.value(), QStringLiteral("us-east-1"));
        QVERIFY(fromServices.ok());
        QCOMPARE(fromServices.value().portal, QUrl(QStringLiteral("https://sso.test")));
        QCOMPARE(fromServices.value().oidc, QUrl(QStringLiteral("https://everything.test")));
        const auto fromEnvironment = AwsConfig::load(
            home.environment({QStringLiteral("AWS_ENDPOINT_URL_SSO_OIDC=https://oidc-env.test")}),
            QStringLiteral("local"));
        const auto both =
            SsoEndpoint::resolve(fromEnvironment.value(), QStringLiteral("us-east-1"));
        QCOMPARE(both.value().oidc, QUrl(QStringLiteral("https://oidc-env.test")));
        const auto ignored = AwsConfig::load(
            home.environment({QStringLiteral("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true")}),
            QStringLiteral("local"));
        QCOMPARE(SsoEndpoint::resolve(ignored.value(), QStringLiteral("us-east-1")).value().portal,
                 QUrl(QStringLiteral("https://portal.sso.us-east-1.amazonaws.com")));
    }

    // ---- the token cache ----------------------------------------------------------------

    void readsTheCliTokenFile()
    {
        Home home;
        home.config(kSessionConfig);
        home.token(kSessionTokenKey, loginToken(3600));
        const auto sso = ssoFor(home, QStringLiteral("sso-new"));
        const auto token =
            SsoToken::read(home.path(QStringLiteral(".aws/sso/cache")), *sso.value());
        QVERIFY(token.ok());
        QCOMPARE(token.value().accessToken, QStringLiteral("LOGINACCESSTOKEN"));
        QCOMPARE(token.value().refreshToken, QStringLiteral("LOGINREFRESH"));
        QCOMPARE(token.value().clientId, QStringLiteral("CLIENTID"));
        QCOMPARE(token.value().clientSecret, QStringLiteral("CLIENTSECRET"));
        QVERIFY(qAbs(token.value().expiresAt.secsTo(QDateTime::currentDateTimeUtc()) + 3600) < 5);
        QVERIFY(token.value().canRefresh(QDateTime::currentDateTimeUtc()));
        QVERIFY(!token.value().needsRefresh(QDateTime::currentDateTimeUtc()));
        // Rewritten, it is the same bytes the CLI wrote.
        QCOMPARE(token.value().fileContent(), loginToken(3600));
    }

    void tokenErrors_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("content"); // empty: no file
        QTest::addColumn<QString>("text");
        QTest::newRow("no token, sso-session")
            << QStringLiteral("sso-new") << kSessionTokenKey << QByteArray()
            << QStringLiteral("Error loading SSO Token: Token for my-sso does not exist");
        QTest::newRow("no token, legacy")
            << QStringLiteral("sso-legacy") << kLegacyTokenKey << QByteArray()
            << QStringLiteral("Error loading SSO Token: Token for "
                              "https://my-sso-portal.awsapps.com/start does not exist");
        QTest::newRow("no accessToken (start URL named for sso-session too)")
            << QStringLiteral("sso-new") << kSessionTokenKey
            << QByteArray("{\"expiresAt\": \"2030-01-01T00:00:00Z\"}")
            << QStringLiteral("Error loading SSO Token: Token for "
                              "https://my-sso-portal.awsapps.com/start is invalid");
        QTest::newRow("no expiresAt")
            << QStringLiteral("sso-legacy") << kLegacyTokenKey
            << QByteArray("{\"accessToken\": \"x\"}")
            << QStringLiteral("Error loading SSO Token: Token for "
                              "https://my-sso-portal.awsapps.com/start is invalid");
        QTest::newRow("expired, no refresh token")
            << QStringLiteral("sso-new") << kSessionTokenKey
            << QByteArray("{\"accessToken\": \"old\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}")
            << QStringLiteral("Error when retrieving token from sso: Token has expired and "
                              "refresh failed");
        QTest::newRow("expired, registration expired")
            << QStringLiteral("sso-new") << kSessionTokenKey << loginToken(-60, -1)
            << QStringLiteral("Error when retrieving token from sso: Token has expired and "
                              "refresh failed");
    }

    void tokenErrors()
    {
        QFETCH(QString, profile);
        QFETCH(QString, key);
        QFETCH(QByteArray, content);
        QFETCH(QString, text);
        Home home;
        home.config(kSessionConfig);
        if (!content.isEmpty())
            home.token(key, content);
        answerWith({CannedReply::json(500, "{}")});
        const auto result = fetchProfile(home, profile);
        QVERIFY(result && !result->ok());
        QCOMPARE(result->error().kind, ConfigError::Kind::SsoLoginRequired);
        QCOMPARE(result->error().profile, profile);
        QCOMPARE(
            result->error().message,
            text +
                QStringLiteral(". Run `aws sso login --profile %1`, then try again.").arg(profile));
        QCOMPARE(m_server->requests().size(), 0);
    }

    // ---- the wire -----------------------------------------------------------------------

    void getRoleCredentialsOnTheWire()
    {
        Home home;
        home.config(kSessionConfig);
        home.token(kSessionTokenKey, loginToken(3600));
        const QDateTime expiration = QDateTime::fromSecsSinceEpoch(
            QDateTime::currentSecsSinceEpoch() + 3600, Qt::UTC); // whole seconds
        answerWith({CannedReply::json(200, roleAnswer(expiration, 999))});
        const auto result = fetchProfile(home, QStringLiteral("sso-new"));
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        QCOMPARE(result->value().accessKeyId, QStringLiteral("ASIASSOEXAMPLE0001"));
        QCOMPARE(result->value().secretAccessKey, QStringLiteral("ssoSecretEXAMPLE"));
        QCOMPARE(result->value().sessionToken, QStringLiteral("ssoTokenEXAMPLE"));
        // Milliseconds dropped, as botocore formats them.
        QCOMPARE(result->value().expiration.toSecsSinceEpoch(), expiration.toSecsSinceEpoch());
        QCOMPARE(result->value().source, QStringLiteral("profile sso-new (SSO)"));

        QCOMPARE(m_server->requests().size(), 1);
        const RecordedRequest &request = m_server->requests().first();
        QCOMPARE(request.method, QByteArray("GET"));
        QCOMPARE(request.path(), QByteArray("/federation/credentials"));
        QCOMPARE(request.query(), QByteArray("role_name=ReadOnly&account_id=111122223333"));
        QCOMPARE(request.header("x-amz-sso_bearer_token"), QByteArray("LOGINACCESSTOKEN"));
        QVERIFY(!request.hasHeader("Authorization"));
        QVERIFY(!request.hasHeader("X-Amz-Date"));
        QVERIFY(!request.hasHeader("X-Amz-Security-Token"));
        QVERIFY(request.body.isEmpty());

        // The CLI's role cache, under the compact-JSON key, 0600; a new chain (a new process)
        // reads it without calling the portal.
        const QString cached = home.roleFile(kSessionRoleKey);
        QVERIFY2(isPrivate(cached), qPrintable(cached));
        QCOMPARE(readFile(cached),
                 QByteArray("{\"ProviderType\": \"sso\", \"Credentials\": {\"AccessKeyId\": "
                            "\"ASIASSOEXAMPLE0001\", \"SecretAccessKey\": \"ssoSecretEXAMPLE\", "
                            "\"SessionToken\": \"ssoTokenEXAMPLE\", \"Expiration\": \"") +
                     isoZ(expiration) + "\"}}");
        const auto again = fetchProfile(home, QStringLiteral("sso-new"));
        QVERIFY2(again && again->ok(), qPrintable(describe(again)));
        QCOMPARE(again->value().accessKeyId, QStringLiteral("ASIASSOEXAMPLE0001"));
        QCOMPARE(m_server->requests().size(), 1);
    }

    // A legacy token is never checked: an expired one is sent, and the portal's 401 says what
    // to do.
    void legacyExpiredTokenIsSentAndRejected()
    {
        Home home;
        home.config(kSessionConfig);
        home.token(kLegacyTokenKey,
                   "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", \"region\": "
                   "\"us-east-1\", \"accessToken\": \"OLDLEGACY\", \"expiresAt\": "
                   "\"2020-01-01T00:00:00Z\"}");
        answerWith({unauthorized()});
        const auto result = fetchProfile(home, QStringLiteral("sso-legacy"));
        QVERIFY(result && !result->ok());
        QCOMPARE(m_server->requests().size(), 1);
        QCOMPARE(m_server->requests().first().header("x-amz-sso_bearer_token"),
                 QByteArray("OLDLEGACY"));
        QCOMPARE(result->error().kind, ConfigError::Kind::SsoLoginRequired);
        QCOMPARE(result->error().message,
                 QStringLiteral("The SSO session associated with this profile has expired or is "
                                "otherwise invalid. To refresh this SSO session run aws sso login "
                                "with the corresponding profile. Run `aws sso login --profile "
                                "sso-legacy`, then try again."));
        QVERIFY(!result->error().message.contains(QStringLiteral("OLDLEGACY")));
        QVERIFY(!QFileInfo::exists(home.roleFile(kLegacyRoleKey)));
    }

    void otherPortalErrorsInAwsWords()
    {
        Home home;
        home.config(kSessionConfig);
        home.token(kSessionTokenKey, loginToken(3600));
        answerWith({CannedReply::json(
            404, "{\"message\":\"No access\"}",
            {{"x-amzn-ErrorType", "ResourceNotFoundException"}, {"x-amzn-RequestId", "r-1"}})});
        const auto result = fetchProfile(home, QStringLiteral("sso-new"));
        QVERIFY(result && !result->ok());
        QCOMPARE(result->error().kind, ConfigError::Kind::SsoFailed);
        QCOMPARE(result->error().message,
                 QStringLiteral("An error occurred (ResourceNotFoundException) when calling the "
                                "GetRoleCredentials operation: No access [request id r-1]"));
    }

    // Less than 15 minutes left: CreateToken with the refresh token, the file rewritten the
    // way the CLI rewrites it, and the new token sent to the portal.
    void refreshOnTheWire_data()
    {
        QTest::addColumn<bool>("newRefreshToken");
        QTest::newRow("with a new refresh token") << true;
        QTest::newRow("without one") << false;
    }

    void refreshOnTheWire()
    {
        QFETCH(bool, newRefreshToken);
        Home home;
        home.config(kSessionConfig);
        const QByteArray original = loginToken(300);
        home.token(kSessionTokenKey, original);
        const QByteArray registration = QJsonDocument::fromJson(original)
                                            .object()
                                            .value(QLatin1String("registrationExpiresAt"))
                                            .toString()
                                            .toLatin1();
        const QByteArray created =
            newRefreshToken ? "{\"accessToken\":\"NEWACCESSTOKEN\",\"tokenType\":\"Bearer\","
                              "\"expiresIn\":28800,\"refreshToken\":\"NEWREFRESHTOKEN\"}"
                            : "{\"accessToken\":\"NEWACCESSTOKEN\",\"tokenType\":\"Bearer\","
                              "\"expiresIn\":28800}";
        const QDateTime expiration = QDateTime::currentDateTimeUtc().addSecs(3600);
        answerWith(
            {CannedReply::json(200, created), CannedReply::json(200, roleAnswer(expiration))});
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const auto result = fetchProfile(home, QStringLiteral("sso-new"));
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));

        QCOMPARE(m_server->requests().size(), 2);
        const RecordedRequest &create = m_server->requests().at(0);
        QCOMPARE(create.method, QByteArray("POST"));
        QCOMPARE(create.path(), QByteArray("/token"));
        QCOMPARE(create.header("Content-Type"), QByteArray("application/json"));
        QVERIFY(!create.hasHeader("Authorization"));
        QVERIFY(!create.hasHeader("X-Amz-Date"));
        QCOMPARE(create.body, QByteArray("{\"grantType\": \"refresh_token\", \"clientId\": "
                                         "\"CLIENTID\", \"clientSecret\": \"CLIENTSECRET\", "
                                         "\"refreshToken\": \"LOGINREFRESH\"}"));
        QCOMPARE(m_server->requests().at(1).header("x-amz-sso_bearer_token"),
                 QByteArray("NEWACCESSTOKEN"));

        const QString tokenFile = home.tokenFile(kSessionTokenKey);
        QVERIFY(isPrivate(tokenFile));
        const QByteArray written = readFile(tokenFile);
        const QDateTime expiresAt = QDateTime::fromString(
            QJsonDocument::fromJson(written).object().value(QLatin1String("expiresAt")).toString(),
            Qt::ISODate);
        QVERIFY2(expiresAt >= before.addSecs(28800 - 1) &&
                     expiresAt <= QDateTime::currentDateTimeUtc().addSecs(28800),
                 written.constData());
        QByteArray expected = "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                              "\"region\": \"us-east-1\", \"accessToken\": \"NEWACCESSTOKEN\", "
                              "\"expiresAt\": \"" +
                              isoZ(expiresAt) +
                              "\", \"clientId\": \"CLIENTID\", \"clientSecret\": \"CLIENTSECRET\", "
                              "\"registrationExpiresAt\": \"" +
                              registration + '"';
        expected += newRefreshToken ? QByteArray(", \"refreshToken\": \"NEWREFRESHTOKEN\"}")
                                    : QByteArray("}");
        QCOMPARE(written, expected);
    }

    // A rejected refresh keeps a token that still has 12 minutes; an expired one is the end.
    void refreshRejected_data()
    {
        QTest::addColumn<int>("secondsLeft");
        QTest::addColumn<bool>("succeeds");
        QTest::newRow("12 minutes left") << 12 * 60 << true;
        QTest::newRow("expired") << -60 << false;
    }

    void refreshRejected()
    {
        QFETCH(int, secondsLeft);
        QFETCH(bool, succeeds);
        Home home;
        home.config(kSessionConfig);
        const QByteArray original = loginToken(secondsLeft);
        home.token(kSessionTokenKey, original);
        answerWith(
            {CannedReply::json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"no\"}",
                               {{"x-amzn-ErrorType", "InvalidGrantException"}}),
             CannedReply::json(200, roleAnswer(QDateTime::currentDateTimeUtc().addSecs(3600)))});
        const auto result = fetchProfile(home, QStringLiteral("sso-new"));
        QVERIFY(result.has_value());
        QCOMPARE(result->ok(), succeeds);
        QCOMPARE(readFile(home.tokenFile(kSessionTokenKey)), original); // not rewritten
        QCOMPARE(m_server->requests().first().path(), QByteArray("/token"));
        if (succeeds) {
            QCOMPARE(m_server->requests().size(), 2);
            QCOMPARE(m_server->requests().at(1).header("x-amz-sso_bearer_token"),
                     QByteArray("LOGINACCESSTOKEN"));
        } else {
            QCOMPARE(m_server->requests().size(), 1);
            QCOMPARE(result->error().kind, ConfigError::Kind::SsoLoginRequired);
            QVERIFY2(result->error().message.startsWith(
                         QStringLiteral("Error when retrieving token from sso: Token has expired "
                                        "and refresh failed. Run `aws sso login --profile "
                                        "sso-new`")),
                     qPrintable(result->error().message));
        }
    }

    // Legacy profiles never refresh, however close the token is to its end.
    void legacyNeverRefreshes()
    {
        Home home;
        home.config(kSessionConfig);
        home.token(kLegacyTokenKey, loginToken(60));
        answerWith(
            {CannedReply::json(200, roleAnswer(QDateTime::currentDateTimeUtc().addSecs(3600)))});
        const auto result = fetchProfile(home, QStringLiteral("sso-legacy"));
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        QCOMPARE(m_server->requests().size(), 1);
        QCOMPARE(m_server->requests().first().path(), QByteArray("/federation/credentials"));
        QVERIFY(isPrivate(home.roleFile(kLegacyRoleKey)));
    }

    // A stale role-cache entry (less than 15 minutes left) is not used.
    void staleRoleCacheIsRefetched()
    {
        Home home;
        home.config(kSessionConfig);
        home.token(kSessionTokenKey, loginToken(3600));
        QVERIFY(
            writeFile(home.roleFile(kSessionRoleKey),
                      "{\"ProviderType\": \"sso\", \"Credentials\": {\"AccessKeyId\": \"ASIAOLD\", "
                      "\"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"" +
                          isoZ(QDateTime::currentDateTimeUtc().addSecs(14 * 60)) + "\"}}"));
        answerWith(
            {CannedReply::json(200, roleAnswer(QDateTime::currentDateTimeUtc().addSecs(3600)))});
        const auto result = fetchProfile(home, QStringLiteral("sso-new"));
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        QCOMPARE(result->value().accessKeyId, QStringLiteral("ASIASSOEXAMPLE0001"));
        QCOMPARE(m_server->requests().size(), 1);
    }

    // An assume-role profile whose source is an sso-session profile: the source's own
    // sso_session is used (botocore 1.29's defect, §5.8, is not copied), then STS.
    void ssoAsSourceProfile()
    {
        Home home;
        home.config(kSessionConfig +
                    QStringLiteral("[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Dev\n"
                                   "source_profile = sso-new\n"));
        home.token(kSessionTokenKey, loginToken(3600));
        const QByteArray stsXml =
            dataFile(QStringLiteral("sts/assume-role.xml"))
                .replace(
                    "{EXPIRATION}",
                    QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate).toLatin1());
        const QByteArray portal = roleAnswer(QDateTime::currentDateTimeUtc().addSecs(3600));
        m_server->setHandler([stsXml, portal](const RecordedRequest &request) {
            if (request.path() == "/federation/credentials")
                return CannedReply::json(200, portal);
            CannedReply reply;
            reply.body = stsXml;
            reply.headers.append(thingdeck::HttpHeader{"Content-Type", "text/xml"});
            return reply;
        });
        CredentialChain chain(home.environment(wireEnvironment() +
                                               QStringList{QStringLiteral("AWS_ENDPOINT_URL_STS=") +
                                                               m_server->localhostUrl().toString(),
                                                           QStringLiteral("AWS_REGION=us-west-2")}),
                              QStringLiteral("dev"));
        const auto result = fetchNow(chain);
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        QCOMPARE(m_server->requests().size(), 2);
        QCOMPARE(m_server->requests().at(0).path(), QByteArray("/federation/credentials"));
        QCOMPARE(m_server->requests().at(1).method, QByteArray("POST"));
        QVERIFY(m_server->requests().at(1).header("Authorization").contains("ASIASSOEXAMPLE0001"));
        QCOMPARE(m_server->requests().at(1).header("X-Amz-Security-Token"),
                 QByteArray("ssoTokenEXAMPLE"));
    }

    void parseRoleCredentials()
    {
        const auto parsed = SsoCredentialFetcher::parseRoleCredentials(
            QJsonDocument::fromJson(
                "{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":"
                "\"S\",\"sessionToken\":\"T\",\"expiration\":1700000000999}}")
                .object());
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value().expiration.toString(Qt::ISODate),
                 QStringLiteral("2023-11-14T22:13:20Z"));
        const auto missing = SsoCredentialFetcher::parseRoleCredentials(
            QJsonDocument::fromJson("{\"roleCredentials\":{\"accessKeyId\":\"A\"}}").object());
        QVERIFY(!missing.ok());
    }
};

QTEST_GUILESS_MAIN(TestSsoCredentials)
#include "tst_ssocredentials.moc"
