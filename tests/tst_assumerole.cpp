// Assume-role and web identity: profile resolution (source_profile chains, loops,
// credential_source), STS endpoints, XML answers, and the wire against an in-process HTTPS
// server that plays STS (aws-credentials.md §1.5, §2, §3, §4, §6).
#include "TestHttpServer.h"
#include "TestPki.h"
#include "aws/AwsConfig.h"
#include "aws/AwsError.h"
#include "aws/CredentialCache.h"
#include "aws/CredentialChain.h"
#include "aws/MfaCodeSource.h"
#include "aws/RoleCredentialFetcher.h"
#include "aws/RolePlan.h"
#include "aws/SigV4Signer.h"
#include "aws/StsEndpoint.h"
#include "aws/StsResponse.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

const QString kDev = QStringLiteral("arn:aws:iam::123456789012:role/Dev");

QByteArray dataFile(const QString &name)
{
    QFile file(QStringLiteral(THINGDECK_TEST_DATA "/sts/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray stsAnswer(const QString &name, const QDateTime &expiration)
{
    return dataFile(name).replace("{EXPIRATION}", expiration.toString(Qt::ISODate).toLatin1());
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

/// A home with .aws/config and .aws/credentials for one test.
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
    QString cacheFile(const QString &key) const
    {
        return path(QStringLiteral(".aws/cli/cache/") + key + QStringLiteral(".json"));
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

Result<std::optional<RolePlan>, ConfigError> planFor(const Home &home, const QString &profile,
                                                     const QStringList &environment = {})
{
    const auto config = AwsConfig::load(home.environment(environment), profile);
    if (!config)
        return fail(config.error());
    return RolePlan::forProfile(config.value());
}

/// Answers with a fixed code, or an error, and counts the questions.
class FixedMfa : public QObject, public MfaCodeSource
{
public:
    MfaCodeSource::CodeResult answer = QStringLiteral("123456");
    QStringList serials;
    void request(const QString &serial, Callback callback) override
    {
        serials.append(serial);
        QMetaObject::invokeMethod(
            this, [callback, a = answer] { callback(a); }, Qt::QueuedConnection);
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

QByteArray formValue(const QByteArray &body, const QByteArray &name)
{
    for (const QByteArray &pair : body.split('&')) {
        if (pair.startsWith(QByteArray(name + '=')))
            return pair.mid(name.size() + 1);
    }
    return {};
}

} // namespace

class TestAssumeRole : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_pkiDir;
    std::unique_ptr<TestPki> m_pki;
    std::unique_ptr<TestHttpServer> m_sts;
    QList<CannedReply> m_replies;

    void answerWith(QList<CannedReply> replies)
    {
        m_replies = std::move(replies);
        m_sts->setHandler([this](const RecordedRequest &) {
            return m_replies.size() > 1 ? m_replies.takeFirst() : m_replies.first();
        });
    }

    static CannedReply xml(int status, const QByteArray &body)
    {
        CannedReply reply;
        reply.status = status;
        reply.body = body;
        reply.headers.append(thingdeck::HttpHeader{"Content-Type", "text/xml"});
        return reply;
    }

    QStringList wireEnvironment() const
    {
        return {QStringLiteral("AWS_CA_BUNDLE=") + m_pki->caFile(),
                QStringLiteral("AWS_ENDPOINT_URL_STS=") + m_sts->localhostUrl().toString(),
                QStringLiteral("AWS_REGION=us-west-2")};
    }

private slots:
    void initTestCase()
    {
        m_pki = std::make_unique<TestPki>(m_pkiDir.path());
        QVERIFY2(m_pki->create(), qPrintable(m_pki->error()));
    }

    void init()
    {
        m_sts = std::make_unique<TestHttpServer>();
        QVERIFY(m_sts->listenTls(TestPki::loadCertificate(m_pki->serverCertificateFile()),
                                 TestPki::loadKey(m_pki->serverKeyFile())));
    }

    // ---- profile resolution -------------------------------------------------------------

    void chainOfProfiles()
    {
        Home home;
        home.config(QStringLiteral("[profile a]\nrole_arn = arn:aws:iam::1:role/A\n"
                                   "source_profile = b\nexternal_id = x1\nduration_seconds = 1h\n"
                                   "[profile b]\nrole_arn = arn:aws:iam::1:role/B\n"
                                   "source_profile = c\n"
                                   "[profile c]\naws_access_key_id = AKIAC\n"
                                   "aws_secret_access_key = s\n"
                                   "role_arn = arn:aws:iam::1:role/ignored\n"));
        const auto plan = planFor(home, QStringLiteral("a"));
        QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
        QVERIFY(plan.value().has_value());
        QCOMPARE(plan.value()->base, RolePlan::Base::ProfileKeys);
        QCOMPARE(plan.value()->baseProfile, QStringLiteral("c")); // static keys beat role_arn
        QCOMPARE(plan.value()->hops.size(), 2);
        QCOMPARE(plan.value()->hops.at(0).roleArn, QStringLiteral("arn:aws:iam::1:role/B"));
        QCOMPARE(plan.value()->hops.at(1).roleArn, QStringLiteral("arn:aws:iam::1:role/A"));
        QCOMPARE(plan.value()->hops.at(1).externalId, QStringLiteral("x1"));
        QVERIFY(!plan.value()->hops.at(1).durationSeconds.has_value()); // "1h" is dropped
    }

    void configErrors_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("message");
        QTest::newRow("loop") << QStringLiteral("[profile A]\nrole_arn = r\nsource_profile = B\n"
                                                "[profile B]\nrole_arn = r\nsource_profile = A\n")
                              << QStringLiteral(
                                     "Infinite loop in credential configuration detected. "
                                     "Attempting to load from profile A which has already been "
                                     "visited. Visited profiles: ['A', 'B']");
        QTest::newRow("self without keys")
            << QStringLiteral("[profile A]\nrole_arn = r\nsource_profile = A\n")
            << QStringLiteral("Infinite loop in credential configuration detected. Attempting to "
                              "load from profile A which has already been visited. Visited "
                              "profiles: ['A']");
        QTest::newRow("both") << QStringLiteral("[profile A]\nrole_arn = r\nsource_profile = B\n"
                                                "credential_source = Environment\n[profile B]\n")
                              << QStringLiteral("The profile \"A\" contains both source_profile "
                                                "and credential_source.");
        QTest::newRow("neither") << QStringLiteral("[profile A]\nrole_arn = r\n")
                                 << QStringLiteral("Partial credentials found in assume-role, "
                                                   "missing: source_profile or "
                                                   "credential_source");
        QTest::newRow("unknown source name")
            << QStringLiteral("[profile A]\nrole_arn = r\ncredential_source = Ec2Metadata\n")
            << QStringLiteral("The credential source \"Ec2Metadata\" referenced in profile \"A\" "
                              "is not valid.");
        QTest::newRow("case-sensitive source name")
            << QStringLiteral("[profile A]\nrole_arn = r\ncredential_source = environment\n")
            << QStringLiteral("The credential source \"environment\" referenced in profile \"A\" "
                              "is not valid.");
        QTest::newRow("unsupported source")
            << QStringLiteral("[profile A]\nrole_arn = r\ncredential_source = EcsContainer\n")
            << QStringLiteral("credential_source = EcsContainer, which Thingdeck does not "
                              "support");
        QTest::newRow("missing source profile")
            << QStringLiteral("[profile A]\nrole_arn = r\nsource_profile = nope\n")
            << QStringLiteral("The source_profile \"nope\" referenced in the profile \"A\" does "
                              "not exist.");
        QTest::newRow("web identity without role")
            << QStringLiteral("[profile A]\nweb_identity_token_file = /t\n")
            << QStringLiteral("has no role ARN configured. Ensure that the profile has the "
                              "role_arnconfiguration set or the AWS_ROLE_ARN env var is set.");
    }

    void configErrors()
    {
        QFETCH(QString, config);
        QFETCH(QString, message);
        Home home;
        home.config(config);
        const auto plan = planFor(home, QStringLiteral("A"));
        QVERIFY(!plan.ok());
        QVERIFY2(plan.error().message.contains(message), qPrintable(plan.error().message));
    }

    void selfReferenceWithKeys()
    {
        Home home;
        home.config(QStringLiteral("[profile A]\nrole_arn = r\nsource_profile = A\n"
                                   "aws_access_key_id = AKIA\naws_secret_access_key = s\n"));
        const auto plan = planFor(home, QStringLiteral("A"));
        QVERIFY(plan.ok());
        QCOMPARE(plan.value()->baseProfile, QStringLiteral("A"));
        QCOMPARE(plan.value()->hops.size(), 1);
    }

    void credentialSourceEnvironment()
    {
        Home home;
        home.config(QStringLiteral("[profile A]\nrole_arn = r\ncredential_source = Environment\n"));
        const auto plan = planFor(home, QStringLiteral("A"));
        QVERIFY(plan.ok());
        QCOMPARE(plan.value()->base, RolePlan::Base::Environment);
    }

    // §1.3/§6: the environment's web identity variables count without an explicit profile.
    void webIdentityFromEnvironment()
    {
        Home home;
        home.config(QStringLiteral("[default]\nregion = us-east-2\n[profile p]\nregion = x\n"));
        const QStringList environment{QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE=~/tok"),
                                      QStringLiteral("AWS_ROLE_ARN=arn:aws:iam::1:role/W")};
        const auto implicit = planFor(home, QString(), environment);
        QVERIFY(implicit.ok());
        QVERIFY(implicit.value().has_value());
        QCOMPARE(implicit.value()->base, RolePlan::Base::WebIdentity);
        QCOMPARE(implicit.value()->webIdentity.tokenFile, QStringLiteral("~/tok"));
        const auto explicitProfile = planFor(home, QStringLiteral("p"), environment);
        QVERIFY(explicitProfile.ok());
        QVERIFY(!explicitProfile.value().has_value());
    }

    // ---- STS endpoint and answers -------------------------------------------------------

    void endpoints_data()
    {
        QTest::addColumn<QString>("region");
        QTest::addColumn<bool>("fips");
        QTest::addColumn<bool>("dualStack");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("signingRegion");
        QTest::newRow("us-east-1 regional")
            << QStringLiteral("us-east-1") << false << false
            << QStringLiteral("https://sts.us-east-1.amazonaws.com") << QStringLiteral("us-east-1");
        QTest::newRow("eu-west-1")
            << QStringLiteral("eu-west-1") << false << false
            << QStringLiteral("https://sts.eu-west-1.amazonaws.com") << QStringLiteral("eu-west-1");
        QTest::newRow("no region")
            << QString() << false << false << QStringLiteral("https://sts.amazonaws.com")
            << QStringLiteral("us-east-1");
        QTest::newRow("china") << QStringLiteral("cn-north-1") << false << false
                               << QStringLiteral("https://sts.cn-north-1.amazonaws.com.cn")
                               << QStringLiteral("cn-north-1");
        QTest::newRow("gov") << QStringLiteral("us-gov-west-1") << true << false
                             << QStringLiteral("https://sts.us-gov-west-1.amazonaws.com")
                             << QStringLiteral("us-gov-west-1");
        QTest::newRow("fips") << QStringLiteral("us-west-2") << true << false
                              << QStringLiteral("https://sts-fips.us-west-2.amazonaws.com")
                              << QStringLiteral("us-west-2");
        QTest::newRow("dualstack")
            << QStringLiteral("us-west-2") << false << true
            << QStringLiteral("https://sts.us-west-2.api.aws") << QStringLiteral("us-west-2");
    }

    void endpoints()
    {
        QFETCH(QString, region);
        QFETCH(bool, fips);
        QFETCH(bool, dualStack);
        QFETCH(QString, url);
        QFETCH(QString, signingRegion);
        const StsEndpoint endpoint = StsEndpoint::forRegion(region, fips, dualStack);
        QCOMPARE(endpoint.url, QUrl(url));
        QCOMPARE(endpoint.signingRegion, signingRegion);
    }

    void endpointOverrides_data()
    {
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<QString>("url");
        const QString env = QStringLiteral("AWS_ENDPOINT_URL_STS=https://sts-env.test");
        QTest::newRow("AWS_ENDPOINT_URL_STS")
            << QStringList{env} << QStringLiteral("https://sts-env.test");
        QTest::newRow("services section")
            << QStringList() << QStringLiteral("https://sts-services.test");
        QTest::newRow("ignored")
            << QStringList{env, QStringLiteral("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true")}
            << QStringLiteral("https://sts.eu-west-3.amazonaws.com");
        QTest::newRow("AWS_USE_FIPS_ENDPOINT")
            << QStringList{QStringLiteral("AWS_USE_FIPS_ENDPOINT=true"),
                           QStringLiteral("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true")}
            << QStringLiteral("https://sts-fips.eu-west-3.amazonaws.com");
    }

    void endpointOverrides()
    {
        QFETCH(QStringList, environment);
        QFETCH(QString, url);
        Home home;
        home.config(QStringLiteral("[default]\nregion = eu-west-3\nservices = local\n"
                                   "[services local]\nsts =\n  endpoint_url = "
                                   "https://sts-services.test\n"));
        const auto config = AwsConfig::load(home.environment(environment));
        QVERIFY(config.ok());
        const auto endpoint = StsEndpoint::resolve(config.value());
        QVERIFY(endpoint.ok());
        QCOMPARE(endpoint.value().url, QUrl(url));
        QCOMPARE(endpoint.value().signingRegion, QStringLiteral("eu-west-3"));
    }

    void parsesSuccess()
    {
        const auto parsed =
            StsResponse::parse(dataFile(QStringLiteral("assume-role.xml"))
                                   .replace("{EXPIRATION}", "2011-07-15T23:28:33.359Z"),
                               QStringLiteral("AssumeRole"));
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error()));
        const StsResponse &r = parsed.value();
        QCOMPARE(r.credentials.accessKeyId, QStringLiteral("ASIAEXAMPLEKEYID0001"));
        QCOMPARE(r.credentials.secretAccessKey, QStringLiteral("secretEXAMPLE"));
        QCOMPARE(r.credentials.sessionToken, QStringLiteral("tokenEXAMPLE"));
        QCOMPARE(r.credentials.expiration,
                 QDateTime(QDate(2011, 7, 15), QTime(23, 28, 33, 359), Qt::UTC));
        QCOMPARE(r.requestId, QStringLiteral("11111111-2222-3333-4444-555555555555"));
        QVERIFY(r.members.contains(
            {QStringLiteral("AssumedRoleUser.Arn"),
             QStringLiteral("arn:aws:sts::123456789012:assumed-role/Dev/sess")}));
        QVERIFY(!StsResponse::parse("<x/>", QStringLiteral("AssumeRole")).ok());
        QVERIFY(!StsResponse::parse("not xml", QStringLiteral("AssumeRole")).ok());
    }

    void parsesError()
    {
        const AwsError error =
            AwsError::fromResponse(403, {}, dataFile(QStringLiteral("access-denied.xml")));
        QCOMPARE(error.code, QStringLiteral("AccessDenied"));
        QVERIFY(error.message.startsWith(
            QStringLiteral("User: arn:aws:iam::123456789012:user/alice is not authorized")));
        QCOMPARE(error.requestId, QStringLiteral("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"));
        const AwsError wrapped = AwsError::fromResponse(
            400, {},
            "<Response><Errors><Error><Code>Throttling</Code><Message>slow</Message>"
            "</Error></Errors><RequestId>r1</RequestId></Response>");
        QCOMPARE(wrapped.code, QStringLiteral("Throttling"));
        QVERIFY(wrapped.isThrottling());
    }

    void formBodies()
    {
        const AssumeRoleHop hop{QStringLiteral("dev"),
                                kDev,
                                QStringLiteral("alice-session"),
                                QStringLiteral("ext-1234"),
                                QStringLiteral("arn:aws:iam::123456789012:mfa/alice"),
                                3600};
        QCOMPARE(RoleCredentialFetcher::assumeRoleBody(hop, hop.roleSessionName,
                                                       QStringLiteral("123456")),
                 QByteArray("Action=AssumeRole&Version=2011-06-15&RoleSessionName=alice-session"
                            "&ExternalId=ext-1234&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012"
                            "%3Amfa%2Falice&DurationSeconds=3600&RoleArn=arn%3Aaws%3Aiam%3A%3A"
                            "123456789012%3Arole%2FDev&TokenCode=123456"));
        const WebIdentitySource web{QStringLiteral("/t"),
                                    QStringLiteral("arn:aws:iam::123456789012:role/WebRole"),
                                    QString()};
        QCOMPARE(RoleCredentialFetcher::webIdentityBody(
                     web, QStringLiteral("botocore-session-1796530337"),
                     "eyJhbGciOiJSUzI1NiJ9.payload.sig\n"),
                 QByteArray("Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
                            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FWebRole"
                            "&RoleSessionName=botocore-session-1796530337"
                            "&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.payload.sig%0A"));
        QCOMPARE(RoleCredentialFetcher::formEncode("a b+~"), QByteArray("a+b%2B~"));
    }

    // ---- the wire -----------------------------------------------------------------------

    void assumeRoleOnTheWire()
    {
        Home home;
        home.config(QStringLiteral("[profile dev]\nrole_arn = %1\nsource_profile = base\n"
                                   "role_session_name = alice-session\nexternal_id = ext-1234\n"
                                   "duration_seconds = 3600\n")
                        .arg(kDev));
        home.credentials(QStringLiteral("[base]\naws_access_key_id = AKIABASE\n"
                                        "aws_secret_access_key = basesecret\n"));
        const QDateTime expiration = QDateTime::currentDateTimeUtc().addSecs(3600);
        answerWith({xml(200, stsAnswer(QStringLiteral("assume-role.xml"), expiration))});
        CredentialChain chain(home.environment(wireEnvironment()), QStringLiteral("dev"));
        const auto result = fetchNow(chain);
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        QCOMPARE(result->value().accessKeyId, QStringLiteral("ASIAEXAMPLEKEYID0001"));
        QCOMPARE(result->value().sessionToken, QStringLiteral("tokenEXAMPLE"));
        QCOMPARE(result->value().expiration.toSecsSinceEpoch(), expiration.toSecsSinceEpoch());
        QCOMPARE(m_sts->requests().size(), 1);
        const RecordedRequest &request = m_sts->requests().first();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path(), QByteArray("/"));
        QCOMPARE(request.header("Content-Type"),
                 QByteArray("application/x-www-form-urlencoded; charset=utf-8"));
        QCOMPARE(request.body,
                 QByteArray("Action=AssumeRole&Version=2011-06-15&RoleSessionName=alice-session"
                            "&ExternalId=ext-1234&DurationSeconds=3600&RoleArn=arn%3Aaws%3Aiam"
                            "%3A%3A123456789012%3Arole%2FDev"));
        const auto authorization = SigV4Signer::parseAuthorization(request.header("Authorization"));
        QVERIFY(authorization.has_value());
        QCOMPARE(authorization->accessKeyId, QByteArray("AKIABASE"));
        QCOMPARE(authorization->region, QByteArray("us-west-2"));
        QCOMPARE(authorization->service, QByteArray("sts"));
        QVERIFY(!request.hasHeader("X-Amz-Security-Token"));
        // The CLI's cache now holds it, under the key botocore computes; a new chain (a new
        // process) uses it without calling STS.
        const QString key = QStringLiteral("60f38a7fe6d788488c4f5e7a34471b3bd0f44fd0");
        QVERIFY(!QFileInfo::exists(home.cacheFile(key))); // no MFA serial in this profile
        const QString written = home.cacheFile(CredentialCache::key(
            {{QStringLiteral("RoleArn"), kDev},
             {QStringLiteral("RoleSessionName"), QStringLiteral("alice-session")},
             {QStringLiteral("ExternalId"), QStringLiteral("ext-1234")},
             {QStringLiteral("DurationSeconds"), QVariant::fromValue(qint64(3600))}}));
        QVERIFY2(QFileInfo::exists(written), qPrintable(written));
        QCOMPARE(QFileInfo(written).permissions() & (QFile::ReadOther | QFile::ReadGroup),
                 QFile::Permissions());
        CredentialChain again(home.environment(wireEnvironment()), QStringLiteral("dev"));
        const auto cached = fetchNow(again);
        QVERIFY2(cached && cached->ok(), qPrintable(describe(cached)));
        QCOMPARE(cached->value().accessKeyId, QStringLiteral("ASIAEXAMPLEKEYID0001"));
        QCOMPARE(m_sts->requests().size(), 1);
    }

    // A→B→C: two calls, the second signed with the first one's temporary keys.
    void twoHops()
    {
        Home home;
        home.config(QStringLiteral("[profile a]\nrole_arn = arn:aws:iam::1:role/A\n"
                                   "source_profile = b\n[profile b]\n"
                                   "role_arn = arn:aws:iam::1:role/B\nsource_profile = c\n"));
        home.credentials(QStringLiteral("[c]\naws_access_key_id = AKIAC\n"
                                        "aws_secret_access_key = c\n"));
        const QDateTime expiration = QDateTime::currentDateTimeUtc().addSecs(3600);
        answerWith({xml(200, stsAnswer(QStringLiteral("assume-role.xml"), expiration))});
        CredentialChain chain(home.environment(wireEnvironment()), QStringLiteral("a"));
        const auto result = fetchNow(chain);
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        QCOMPARE(m_sts->requests().size(), 2);
        const auto first =
            SigV4Signer::parseAuthorization(m_sts->requests().at(0).header("Authorization"));
        const auto second =
            SigV4Signer::parseAuthorization(m_sts->requests().at(1).header("Authorization"));
        QCOMPARE(first->accessKeyId, QByteArray("AKIAC"));
        QCOMPARE(formValue(m_sts->requests().at(0).body, "RoleArn"),
                 QByteArray("arn%3Aaws%3Aiam%3A%3A1%3Arole%2FB"));
        QVERIFY(formValue(m_sts->requests().at(0).body, "RoleSessionName")
                    .startsWith("botocore-session-"));
        QCOMPARE(second->accessKeyId, QByteArray("ASIAEXAMPLEKEYID0001"));
        QVERIFY(second->signedHeaders.contains("x-amz-security-token"));
        QCOMPARE(m_sts->requests().at(1).header("X-Amz-Security-Token"),
                 QByteArray("tokenEXAMPLE"));
    }

    void stsErrorInAwsWords()
    {
        Home home;
        home.config(QStringLiteral("[profile dev]\nrole_arn = %1\nsource_profile = base\n"
                                   "[profile base]\naws_access_key_id = AKIABASE\n"
                                   "aws_secret_access_key = s\n")
                        .arg(kDev));
        answerWith({xml(403, dataFile(QStringLiteral("access-denied.xml")))});
        CredentialChain chain(home.environment(wireEnvironment()), QStringLiteral("dev"));
        const auto result = fetchNow(chain);
        QVERIFY(result && !result->ok());
        QCOMPARE(result->error().kind, ConfigError::Kind::StsFailed);
        QVERIFY2(result->error().message.startsWith(
                     QStringLiteral("An error occurred (AccessDenied) when calling the AssumeRole "
                                    "operation: User: arn:aws:iam::123456789012:user/alice")),
                 qPrintable(result->error().message));
        QVERIFY(!result->error().message.contains(QStringLiteral("AKIABASE")));
    }

    void credentialSourceEnvironmentSigns()
    {
        Home home;
        home.config(QStringLiteral("[profile dev]\nrole_arn = %1\n"
                                   "credential_source = Environment\n")
                        .arg(kDev));
        answerWith({xml(200, stsAnswer(QStringLiteral("assume-role.xml"),
                                       QDateTime::currentDateTimeUtc().addSecs(3600)))});
        CredentialChain chain(
            home.environment(wireEnvironment() +
                             QStringList{QStringLiteral("AWS_ACCESS_KEY_ID=AKIAENV"),
                                         QStringLiteral("AWS_SECRET_ACCESS_KEY=e")}),
            QStringLiteral("dev"));
        const auto result = fetchNow(chain);
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        const auto authorization =
            SigV4Signer::parseAuthorization(m_sts->requests().first().header("Authorization"));
        QCOMPARE(authorization->accessKeyId, QByteArray("AKIAENV"));
    }

    void mfaCodeIsAskedAndSent()
    {
        Home home;
        const QString serial = QStringLiteral("arn:aws:iam::123456789012:mfa/alice");
        home.config(QStringLiteral("[profile dev]\nrole_arn = %1\nsource_profile = base\n"
                                   "mfa_serial = %2\n[profile base]\naws_access_key_id = AKIA\n"
                                   "aws_secret_access_key = s\n")
                        .arg(kDev, serial));
        answerWith({xml(200, stsAnswer(QStringLiteral("assume-role.xml"),
                                       QDateTime::currentDateTimeUtc().addSecs(3600)))});
        CredentialChain without(home.environment(wireEnvironment()), QStringLiteral("dev"));
        const auto refused = fetchNow(without);
        QVERIFY(refused && !refused->ok());
        QCOMPARE(refused->error().kind, ConfigError::Kind::MfaRequired);
        QVERIFY2(refused->error().message.contains(QStringLiteral("needs an MFA code; ")),
                 qPrintable(refused->error().message));
        QCOMPARE(m_sts->requests().size(), 0);

        FixedMfa mfa;
        CredentialChain chain(home.environment(wireEnvironment()), QStringLiteral("dev"));
        chain.setMfaCodeSource(&mfa);
        const auto result = fetchNow(chain);
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        QCOMPARE(mfa.serials, QStringList{serial});
        const QByteArray body = m_sts->requests().first().body;
        QCOMPARE(formValue(body, "SerialNumber"),
                 QByteArray("arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice"));
        QVERIFY(body.endsWith("&TokenCode=123456"));
        // Cached under the key with the serial: no second question.
        QVERIFY(QFileInfo::exists(
            home.cacheFile(QStringLiteral("bddce06f05976fa6453697386d5a5e375ed1bc1b"))));
        CredentialChain again(home.environment(wireEnvironment()), QStringLiteral("dev"));
        again.setMfaCodeSource(&mfa);
        QVERIFY(fetchNow(again)->ok());
        QCOMPARE(mfa.serials.size(), 1);
    }

    // In memory: inside 15 minutes a refresh is tried; if it fails the old keys are used until
    // 10 minutes are left, not after.
    void refreshWindows_data()
    {
        QTest::addColumn<int>("minutesLeft");
        QTest::addColumn<bool>("oldKeysStillUsed");
        QTest::newRow("advisory") << 12 << true;
        QTest::newRow("mandatory") << 8 << false;
    }

    void refreshWindows()
    {
        QFETCH(int, minutesLeft);
        QFETCH(bool, oldKeysStillUsed);
        Home home;
        home.config(QStringLiteral("[profile dev]\nrole_arn = %1\nsource_profile = base\n"
                                   "[profile base]\naws_access_key_id = AKIA\n"
                                   "aws_secret_access_key = s\n")
                        .arg(kDev));
        answerWith({xml(200, stsAnswer(QStringLiteral("assume-role.xml"),
                                       QDateTime::currentDateTimeUtc().addSecs(minutesLeft * 60))),
                    xml(403, dataFile(QStringLiteral("access-denied.xml")))});
        CredentialChain chain(home.environment(wireEnvironment()), QStringLiteral("dev"));
        QVERIFY(fetchNow(chain)->ok());
        QCOMPARE(m_sts->requests().size(), 1);
        const auto second = fetchNow(chain);
        QCOMPARE(m_sts->requests().size(), 2); // refreshed: the cache file is stale too
        QCOMPARE(second->ok(), oldKeysStillUsed);
    }

    void webIdentityOnTheWire()
    {
        Home home;
        home.config(QStringLiteral("[default]\nregion = us-east-2\n"));
        const QString tokenFile = home.path(QStringLiteral("token"));
        QVERIFY(writeFile(tokenFile, "eyJhbGciOiJSUzI1NiJ9.payload.sig\n"));
        answerWith({xml(200, stsAnswer(QStringLiteral("web-identity.xml"),
                                       QDateTime::currentDateTimeUtc().addSecs(3600)))});
        const QStringList environment =
            wireEnvironment() +
            QStringList{QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE=") + tokenFile,
                        QStringLiteral("AWS_ROLE_ARN=arn:aws:iam::123456789012:role/WebRole")};
        CredentialChain chain(home.environment(environment));
        const auto result = fetchNow(chain);
        QVERIFY2(result && result->ok(), qPrintable(describe(result)));
        QCOMPARE(result->value().accessKeyId, QStringLiteral("ASIAWEBIDENTITY0001"));
        const RecordedRequest &request = m_sts->requests().first();
        QVERIFY(!request.hasHeader("Authorization"));
        QVERIFY(!request.hasHeader("X-Amz-Date"));
        QVERIFY(request.body.startsWith(
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
            "123456789012%3Arole%2FWebRole&RoleSessionName=botocore-session-"));
        QVERIFY(request.body.endsWith("&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.payload.sig%0A"));
        QVERIFY(QFileInfo::exists(
            home.cacheFile(QStringLiteral("e5ca68d76c119993b60d950a5ffabf7445470b19"))));
    }

    void webIdentityTokenPathIsNotExpanded()
    {
        Home home;
        home.config(QStringLiteral("[profile w]\nrole_arn = arn:aws:iam::1:role/W\n"
                                   "web_identity_token_file = ~/token-from-profile\n"));
        writeFile(home.path(QStringLiteral("token-from-profile")), "x");
        CredentialChain chain(home.environment(wireEnvironment()), QStringLiteral("w"));
        const auto result = fetchNow(chain);
        QVERIFY(result && !result->ok());
        QVERIFY2(result->error().message.contains(QStringLiteral("~/token-from-profile")),
                 qPrintable(result->error().message));
        QCOMPARE(m_sts->requests().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAssumeRole)
#include "tst_assumerole.moc"
