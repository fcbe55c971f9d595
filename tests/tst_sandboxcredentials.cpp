// The sandbox's stand-ins for the credential services, as clients meet them: the real
// thingdeck-sandbox process on free loopback ports, STS (AssumeRole, AssumeRoleWithWebIdentity,
// GetCallerIdentity) signed by hand with the core SigV4 signer over QNetworkAccessManager, the
// SSO portal and OIDC, the temporary credentials on the REST API, their expiry, the example
// configuration files, and Debian's AWS CLI.
#include "CredentialTestSupport.h"
#include "SandboxOptions.h"
#include "SandboxProcess.h"
#include "Totp.h"
#include "aws/SigV4Signer.h"

#include <QCryptographicHash>
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
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

// Debian's AWS CLI, not whatever else may be first on PATH.
const QString kAws = test::CredentialTestSupport::awsProgram();

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QByteArray errorType; ///< x-amzn-ErrorType
    QByteArray contentType;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run run(const QString &program, const QStringList &arguments, const QProcessEnvironment &env)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(program, arguments);
    if (!process.waitForFinished(60000))
        process.kill();
    process.waitForFinished(1000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

// The text of the first element with this local name, as botocore's QueryParser finds it.
QString xmlValue(const QByteArray &xml, const QString &name)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == name)
            return reader.readElementText();
    }
    return {};
}

QString rootName(const QByteArray &xml)
{
    QXmlStreamReader reader(xml);
    reader.readNextStartElement();
    return reader.name().toString() + QLatin1Char(' ') + reader.namespaceUri().toString();
}

QByteArray form(const QList<std::pair<QString, QString>> &params)
{
    QByteArray out;
    for (const auto &[name, value] : params) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

AwsCredentials credentialsFrom(const QByteArray &xml)
{
    AwsCredentials keys;
    keys.accessKeyId = xmlValue(xml, str("AccessKeyId"));
    keys.secretAccessKey = xmlValue(xml, str("SecretAccessKey"));
    keys.sessionToken = xmlValue(xml, str("SessionToken"));
    keys.expiration = QDateTime::fromString(xmlValue(xml, str("Expiration")), Qt::ISODate);
    return keys;
}

QByteArray base32Decode(const QString &text)
{
    return test::CredentialTestSupport::base32Decode(text);
}

QString totp(const QByteArray &secret, qint64 unixSeconds, int digits = 6)
{
    return test::CredentialTestSupport::totp(secret, unixSeconds, digits);
}

// A tiny reader of the AWS INI files: "section" → key → value.
QMap<QString, QMap<QString, QString>> readIni(const QString &path)
{
    QMap<QString, QMap<QString, QString>> sections;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return sections;
    QString section;
    for (const QByteArray &raw : file.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        if (line.startsWith(QLatin1Char('[')) && line.endsWith(QLatin1Char(']'))) {
            section = line.mid(1, line.size() - 2).trimmed();
            sections[section];
            continue;
        }
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq > 0)
            sections[section][line.left(eq).trimmed()] = line.mid(eq + 1).trimmed();
    }
    return sections;
}

} // namespace

class TestSandboxCredentials : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_home;
    std::unique_ptr<SandboxProcess> m_sandbox;
    QNetworkAccessManager m_network;

    QString account() const { return m_sandbox->value("accountId"); }
    QString roleArn(const char *role) const
    {
        return QStringLiteral("arn:aws:iam::%1:role/%2").arg(account(), QLatin1String(role));
    }
    QJsonObject examples() const { return m_sandbox->info().value(str("examples")).toObject(); }
    QString exampleFile(const char *way, const char *file) const
    {
        return examples()
            .value(str("ways"))
            .toObject()
            .value(QLatin1String(way))
            .toObject()
            .value(QLatin1String(file))
            .toString();
    }

    AwsCredentials staticKeys(const SandboxProcess &sandbox) const
    {
        AwsCredentials keys;
        keys.accessKeyId = sandbox.value("accessKeyId");
        keys.secretAccessKey = sandbox.value("secretAccessKey");
        return keys;
    }
    AwsCredentials staticKeys() const { return staticKeys(*m_sandbox); }

    // One request to `sandbox`, signed for `service` when `keys` are given.
    HttpResult call(const SandboxProcess &sandbox, const QByteArray &method,
                    const QByteArray &pathAndQuery, const QByteArray &body,
                    QList<HttpHeader> headers, const std::optional<AwsCredentials> &keys,
                    const QString &service)
    {
        const QUrl endpoint(sandbox.value("restEndpoint"));
        QNetworkRequest request(QUrl(endpoint.toString() + QString::fromUtf8(pathAndQuery)));
        if (keys) {
            SigV4Request toSign;
            toSign.method = method;
            toSign.host = QStringLiteral("localhost:%1").arg(endpoint.port()).toUtf8();
            const qsizetype mark = pathAndQuery.indexOf('?');
            toSign.path = mark < 0 ? pathAndQuery : pathAndQuery.left(mark);
            toSign.query = mark < 0 ? QByteArray() : pathAndQuery.mid(mark + 1);
            toSign.headers = headers;
            toSign.body = body;
            headers += SigV4Signer::signHeaders(toSign, *keys, {sandbox.value("region"), service},
                                                QDateTime::currentDateTimeUtc());
        }
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(QSslCertificate::fromPath(sandbox.value("caFile")));
        request.setSslConfiguration(tls);
        std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                reply->readAll(), reply->rawHeader("x-amzn-ErrorType"),
                reply->rawHeader("Content-Type")};
    }

    HttpResult sts(const SandboxProcess &sandbox, const QList<std::pair<QString, QString>> &params,
                   const std::optional<AwsCredentials> &keys)
    {
        return call(sandbox, "POST", "/", form(params),
                    {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}, keys,
                    str("sts"));
    }
    HttpResult sts(const QList<std::pair<QString, QString>> &params,
                   const std::optional<AwsCredentials> &keys)
    {
        return sts(*m_sandbox, params, keys);
    }

    HttpResult assumeRole(const AwsCredentials &keys, const QString &role,
                          const QList<std::pair<QString, QString>> &extra = {},
                          const QString &session = str("test-session"))
    {
        QList<std::pair<QString, QString>> params{{str("Action"), str("AssumeRole")},
                                                  {str("Version"), str("2011-06-15")},
                                                  {str("RoleArn"), role},
                                                  {str("RoleSessionName"), session}};
        return sts(params + extra, keys);
    }

    HttpResult callerIdentity(const SandboxProcess &sandbox, const AwsCredentials &keys)
    {
        return sts(sandbox,
                   {{str("Action"), str("GetCallerIdentity")}, {str("Version"), str("2011-06-15")}},
                   keys);
    }

    HttpResult listThings(const SandboxProcess &sandbox, const AwsCredentials &keys)
    {
        return call(sandbox, "GET", "/things?maxResults=5", {}, {}, keys, str("iot"));
    }

    AwsCredentials assumed(const char *role, const QList<std::pair<QString, QString>> &extra = {})
    {
        const HttpResult result = assumeRole(staticKeys(), roleArn(role), extra);
        if (result.status != 200)
            qWarning() << result.body;
        return credentialsFrom(result.body);
    }

    QJsonObject ssoCache() const
    {
        QFile file(examples().value(str("sso")).toObject().value(str("tokenCacheFile")).toString());
        file.open(QIODevice::ReadOnly);
        return QJsonDocument::fromJson(file.readAll()).object();
    }

    HttpResult roleCredentials(const SandboxProcess &sandbox, const QString &token,
                               const QString &role = str("thingdeck-operator"))
    {
        const QByteArray query =
            "/federation/credentials?account_id=" + sandbox.value("accountId").toUtf8() +
            "&role_name=" + role.toUtf8();
        return call(sandbox, "GET", query, {}, {{"x-amz-sso_bearer_token", token.toUtf8()}},
                    std::nullopt, {});
    }

    HttpResult createToken(const QJsonObject &body)
    {
        return call(*m_sandbox, "POST", "/token", QJsonDocument(body).toJson(),
                    {{"Content-Type", "application/json"}}, std::nullopt, {});
    }

    HttpResult webIdentity(const QString &role, const QString &token)
    {
        return sts({{str("Action"), str("AssumeRoleWithWebIdentity")},
                    {str("Version"), str("2011-06-15")},
                    {str("RoleArn"), role},
                    {str("RoleSessionName"), str("web-session")},
                    {str("WebIdentityToken"), token}},
                   std::nullopt);
    }

    QProcessEnvironment cliEnvironment() const
    {
        QProcessEnvironment env;
        env.insert(str("PATH"), qEnvironmentVariable("PATH"));
        env.insert(str("HOME"), m_home.path());
        env.insert(str("AWS_PAGER"), QString());
        return env;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sandbox = std::make_unique<SandboxProcess>(m_dir.path());
        QVERIFY2(m_sandbox->start({str("--things"), str("2"), str("--telemetry-rate"), str("0")}),
                 qPrintable(m_sandbox->error()));
    }

    void cleanupTestCase()
    {
        if (m_sandbox)
            QCOMPARE(m_sandbox->stop(), 0);
    }

    // RFC 6238 appendix B (SHA-1 rows), for the sandbox's code and the test's own.
    void totpMatchesRfc6238_data()
    {
        QTest::addColumn<qint64>("time");
        QTest::addColumn<QString>("code");
        QTest::newRow("59") << qint64(59) << str("94287082");
        QTest::newRow("1111111109") << qint64(1111111109) << str("07081804");
        QTest::newRow("1234567890") << qint64(1234567890) << str("89005924");
        QTest::newRow("20000000000") << qint64(20000000000) << str("65353130");
    }

    void totpMatchesRfc6238()
    {
        QFETCH(qint64, time);
        QFETCH(QString, code);
        const QByteArray secret("12345678901234567890");
        QCOMPARE(totp(secret, time, 8), code);
        QCOMPARE(Totp::code(secret, time), code.right(6));
        QVERIFY(Totp::verify(secret, code.right(6), time + 30));
        QVERIFY(!Totp::verify(secret, code.right(6), time + 90));
        QCOMPARE(base32Decode(Totp::base32(secret)), secret);
    }

    void credentialLifetimeOption_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("expected"); // -1: refused
        QTest::newRow("2") << str("2") << 2;
        QTest::newRow("43200") << str("43200") << 43200;
        QTest::newRow("0") << str("0") << -1;
        QTest::newRow("43201") << str("43201") << -1;
        QTest::newRow("text") << str("1h") << -1;
    }

    void credentialLifetimeOption()
    {
        QFETCH(QString, value);
        QFETCH(int, expected);
        const auto options =
            SandboxOptions::parse({str("thingdeck-sandbox"), str("--state-dir"), str("/tmp/x"),
                                   str("--credential-lifetime"), value});
        QCOMPARE(options.ok(), expected > 0);
        if (expected > 0)
            QCOMPARE(options.value().credentialLifetime, expected);
        else
            QVERIFY(options.error().contains(str("--credential-lifetime")));
        QVERIFY(SandboxOptions::helpText().contains(str("--credential-lifetime")));
    }

    void assumeRoleAnswersAsAws()
    {
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const HttpResult result = assumeRole(staticKeys(), roleArn("thingdeck-operator"));
        QCOMPARE(result.status, 200);
        QCOMPARE(result.contentType, QByteArray("text/xml"));
        QCOMPARE(rootName(result.body),
                 str("AssumeRoleResponse https://sts.amazonaws.com/doc/2011-06-15/"));
        const AwsCredentials keys = credentialsFrom(result.body);
        QVERIFY(keys.accessKeyId.startsWith(str("ASIA")));
        QCOMPARE(keys.accessKeyId.size(), 20);
        QCOMPARE(keys.secretAccessKey.size(), 40);
        QVERIFY(keys.sessionToken.size() > 100);
        QVERIFY(xmlValue(result.body, str("Expiration")).endsWith(QLatin1Char('Z')));
        QVERIFY(qAbs(before.secsTo(keys.expiration) - 3600) < 120);
        QCOMPARE(xmlValue(result.body, str("Arn")),
                 QStringLiteral("arn:aws:sts::%1:assumed-role/thingdeck-operator/test-session")
                     .arg(account()));
        const QString roleId = xmlValue(result.body, str("AssumedRoleId"));
        QVERIFY2(roleId.startsWith(str("AROA")) && roleId.endsWith(str(":test-session")),
                 qPrintable(roleId));
        QVERIFY(!xmlValue(result.body, str("RequestId")).isEmpty());
    }

    void durationSeconds_data()
    {
        QTest::addColumn<QString>("duration");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::newRow("899") << str("899") << 400
                             << str("1 validation error detected: Value '899' at "
                                    "'durationSeconds' failed to satisfy constraint: Member must "
                                    "have value greater than or equal to 900");
        QTest::newRow("43201") << str("43201") << 400
                               << str("1 validation error detected: Value '43201' at "
                                      "'durationSeconds' failed to satisfy constraint: Member "
                                      "must have value less than or equal to 43200");
        QTest::newRow("900") << str("900") << 200 << QString();
        QTest::newRow("43200") << str("43200") << 200 << QString();
    }

    void durationSeconds()
    {
        QFETCH(QString, duration);
        QFETCH(int, status);
        QFETCH(QString, message);
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const HttpResult result = assumeRole(staticKeys(), roleArn("thingdeck-operator"),
                                             {{str("DurationSeconds"), duration}});
        QCOMPARE(result.status, status);
        if (status != 200) {
            QCOMPARE(rootName(result.body),
                     str("ErrorResponse https://sts.amazonaws.com/doc/2011-06-15/"));
            QCOMPARE(xmlValue(result.body, str("Type")), str("Sender"));
            QCOMPARE(xmlValue(result.body, str("Code")), str("ValidationError"));
            QCOMPARE(xmlValue(result.body, str("Message")), message);
            QVERIFY(!xmlValue(result.body, str("RequestId")).isEmpty());
            return;
        }
        const AwsCredentials keys = credentialsFrom(result.body);
        QVERIFY(qAbs(before.secsTo(keys.expiration) - duration.toInt()) < 120);
    }

    void durationAboveRoleMaximum()
    {
        const HttpResult result = assumeRole(staticKeys(), roleArn("thingdeck-auditor"),
                                             {{str("DurationSeconds"), str("7200")},
                                              {str("ExternalId"), str("thingdeck-audit-7f3a")}});
        QCOMPARE(result.status, 400);
        QCOMPARE(xmlValue(result.body, str("Message")),
                 str("The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                     "role."));
    }

    void roleSessionNameChecked_data()
    {
        QTest::addColumn<QString>("session");
        QTest::addColumn<QString>("message");
        QTest::newRow("one character")
            << str("a")
            << str("1 validation error detected: Value 'a' at 'roleSessionName' failed to "
                   "satisfy constraint: Member must have length greater than or equal to 2");
        QTest::newRow("space") << str("bad name")
                               << str("1 validation error detected: Value 'bad name' at "
                                      "'roleSessionName' failed to satisfy constraint: Member "
                                      "must satisfy regular expression pattern: [\\w+=,.@-]*");
    }

    void roleSessionNameChecked()
    {
        QFETCH(QString, session);
        QFETCH(QString, message);
        const HttpResult result =
            assumeRole(staticKeys(), roleArn("thingdeck-operator"), {}, session);
        QCOMPARE(result.status, 400);
        QCOMPARE(xmlValue(result.body, str("Code")), str("ValidationError"));
        QCOMPARE(xmlValue(result.body, str("Message")), message);
    }

    void roleSessionNameRequired()
    {
        const HttpResult result = sts({{str("Action"), str("AssumeRole")},
                                       {str("Version"), str("2011-06-15")},
                                       {str("RoleArn"), roleArn("thingdeck-operator")}},
                                      staticKeys());
        QCOMPARE(result.status, 400);
        QCOMPARE(xmlValue(result.body, str("Message")),
                 str("1 validation error detected: Value null at 'roleSessionName' failed to "
                     "satisfy constraint: Member must not be null"));
    }

    void unknownRoleDenied()
    {
        const HttpResult result = assumeRole(staticKeys(), roleArn("no-such-role"));
        QCOMPARE(result.status, 403);
        QCOMPARE(xmlValue(result.body, str("Code")), str("AccessDenied"));
        QCOMPARE(xmlValue(result.body, str("Message")),
                 QStringLiteral("User: arn:aws:iam::%1:user/thingdeck-sandbox is not authorized "
                                "to perform: sts:AssumeRole on resource: %2")
                     .arg(account(), roleArn("no-such-role")));
    }

    void unsignedAssumeRoleRefused()
    {
        const HttpResult result = sts({{str("Action"), str("AssumeRole")},
                                       {str("RoleArn"), roleArn("thingdeck-operator")},
                                       {str("RoleSessionName"), str("s1")}},
                                      std::nullopt);
        QCOMPARE(result.status, 403);
        QCOMPARE(xmlValue(result.body, str("Code")), str("MissingAuthenticationToken"));
    }

    void mfa_data()
    {
        QTest::addColumn<QString>("serial"); // "" = not sent; "device" = the sandbox's
        QTest::addColumn<int>("codeOffset"); // steps from now; 99 = a wrong code
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        const QString denied = str("is not authorized to perform: sts:AssumeRole");
        QTest::newRow("no MFA") << QString() << 0 << 403 << denied;
        QTest::newRow("wrong code")
            << str("device") << 99 << 403
            << str("MultiFactorAuthentication failed with invalid MFA one time pass code.");
        QTest::newRow("unknown device")
            << str("arn:aws:iam::000000000000:mfa/someone") << 0 << 403
            << str("MultiFactorAuthentication failed, unable to validate MFA code.");
        QTest::newRow("current code") << str("device") << 0 << 200 << QString();
        QTest::newRow("previous step") << str("device") << -1 << 200 << QString();
        QTest::newRow("next step") << str("device") << 1 << 200 << QString();
        QTest::newRow("two steps ago") << str("device") << -3 << 403 << str("invalid MFA");
    }

    void mfa()
    {
        QFETCH(QString, serial);
        QFETCH(int, codeOffset);
        QFETCH(int, status);
        QFETCH(QString, message);
        const QJsonObject device = examples().value(str("mfa")).toObject();
        QCOMPARE(device.value(str("serialNumber")).toString(),
                 QStringLiteral("arn:aws:iam::%1:mfa/thingdeck-sandbox").arg(account()));
        const QByteArray secret = base32Decode(device.value(str("secretBase32")).toString());
        QCOMPARE(secret.size(), 20);
        QList<std::pair<QString, QString>> extra;
        if (!serial.isEmpty()) {
            // Far from a step boundary, so that the sandbox judges the code in the same step.
            while (QDateTime::currentSecsSinceEpoch() % 30 >= 25)
                QTest::qWait(200);
            const qint64 now = QDateTime::currentSecsSinceEpoch();
            QString code = totp(secret, now + qint64(codeOffset) * 30);
            if (codeOffset == 99)
                code = code == str("000000") ? str("111111") : str("000000");
            extra = {{str("SerialNumber"), serial == str("device")
                                               ? device.value(str("serialNumber")).toString()
                                               : serial},
                     {str("TokenCode"), code}};
        }
        const HttpResult result = assumeRole(staticKeys(), roleArn("thingdeck-admin"), extra);
        QCOMPARE(result.status, status);
        if (status == 200) {
            QVERIFY(credentialsFrom(result.body).accessKeyId.startsWith(str("ASIA")));
            return;
        }
        QCOMPARE(xmlValue(result.body, str("Code")), str("AccessDenied"));
        QVERIFY2(xmlValue(result.body, str("Message")).contains(message), result.body.constData());
    }

    void externalId_data()
    {
        QTest::addColumn<QString>("externalId");
        QTest::addColumn<int>("status");
        QTest::newRow("missing") << QString() << 403;
        QTest::newRow("wrong") << str("not-the-one") << 403;
        QTest::newRow("right") << str("thingdeck-audit-7f3a") << 200;
    }

    void externalId()
    {
        QFETCH(QString, externalId);
        QFETCH(int, status);
        QCOMPARE(examples().value(str("externalId")).toString(), str("thingdeck-audit-7f3a"));
        QList<std::pair<QString, QString>> extra;
        if (!externalId.isEmpty())
            extra.append({str("ExternalId"), externalId});
        const HttpResult result = assumeRole(staticKeys(), roleArn("thingdeck-auditor"), extra);
        QCOMPARE(result.status, status);
        if (status != 200)
            QCOMPARE(xmlValue(result.body, str("Code")), str("AccessDenied"));
    }

    void roleChaining()
    {
        const AwsCredentials operatorKeys = assumed("thingdeck-operator");
        QVERIFY(operatorKeys.isValid());
        // The viewer role trusts only sessions of the operator role.
        const HttpResult direct = assumeRole(staticKeys(), roleArn("thingdeck-viewer"));
        QCOMPARE(direct.status, 403);
        QCOMPARE(xmlValue(direct.body, str("Code")), str("AccessDenied"));
        const HttpResult tooLong = assumeRole(operatorKeys, roleArn("thingdeck-viewer"),
                                              {{str("DurationSeconds"), str("7200")}});
        QCOMPARE(tooLong.status, 400);
        QCOMPARE(xmlValue(tooLong.body, str("Message")),
                 str("The requested DurationSeconds exceeds the 1 hour session limit for roles "
                     "assumed by role chaining."));
        const HttpResult chained =
            assumeRole(operatorKeys, roleArn("thingdeck-viewer"), {}, str("chain"));
        QCOMPARE(chained.status, 200);
        const AwsCredentials viewerKeys = credentialsFrom(chained.body);
        const HttpResult who = callerIdentity(*m_sandbox, viewerKeys);
        QCOMPARE(who.status, 200);
        QCOMPARE(
            xmlValue(who.body, str("Arn")),
            QStringLiteral("arn:aws:sts::%1:assumed-role/thingdeck-viewer/chain").arg(account()));
        QCOMPARE(listThings(*m_sandbox, viewerKeys).status, 200);
    }

    void callerIdentityOfStaticKeys()
    {
        const HttpResult result = callerIdentity(*m_sandbox, staticKeys());
        QCOMPARE(result.status, 200);
        QCOMPARE(rootName(result.body),
                 str("GetCallerIdentityResponse https://sts.amazonaws.com/doc/2011-06-15/"));
        QCOMPARE(xmlValue(result.body, str("Account")), account());
        QCOMPARE(xmlValue(result.body, str("Arn")),
                 QStringLiteral("arn:aws:iam::%1:user/thingdeck-sandbox").arg(account()));
        QVERIFY(xmlValue(result.body, str("UserId")).startsWith(str("AIDA")));
    }

    void callerIdentityOfAssumedRole()
    {
        const HttpResult assumedRole = assumeRole(staticKeys(), roleArn("thingdeck-operator"));
        const AwsCredentials keys = credentialsFrom(assumedRole.body);
        const HttpResult result = callerIdentity(*m_sandbox, keys);
        QCOMPARE(result.status, 200);
        QCOMPARE(xmlValue(result.body, str("Account")), account());
        QCOMPARE(xmlValue(result.body, str("Arn")),
                 QStringLiteral("arn:aws:sts::%1:assumed-role/thingdeck-operator/test-session")
                     .arg(account()));
        QCOMPARE(xmlValue(result.body, str("UserId")),
                 xmlValue(assumedRole.body, str("AssumedRoleId")));
    }

    void temporaryCredentialsListThings()
    {
        const HttpResult result = listThings(*m_sandbox, assumed("thingdeck-operator"));
        QCOMPARE(result.status, 200);
        QVERIFY(!result.json().value(str("things")).toArray().isEmpty());
    }

    void wrongOrMissingSessionToken_data()
    {
        QTest::addColumn<QString>("token");
        QTest::newRow("wrong") << str("IQoJb3JpZ2luX2VjEnot-the-token");
        QTest::newRow("missing") << QString();
    }

    void wrongOrMissingSessionToken()
    {
        QFETCH(QString, token);
        AwsCredentials keys = assumed("thingdeck-operator");
        keys.sessionToken = token;
        const HttpResult rest = listThings(*m_sandbox, keys);
        QCOMPARE(rest.status, 403);
        QCOMPARE(rest.errorType, QByteArray("UnrecognizedClientException"));
        QCOMPARE(rest.json().value(str("message")).toString(),
                 str("The security token included in the request is invalid."));
        const HttpResult stsResult = callerIdentity(*m_sandbox, keys);
        QCOMPARE(stsResult.status, 403);
        QCOMPARE(xmlValue(stsResult.body, str("Code")), str("InvalidClientTokenId"));
        QCOMPARE(xmlValue(stsResult.body, str("Message")),
                 str("The security token included in the request is invalid."));
    }

    void webIdentity()
    {
        const QJsonObject web = examples().value(str("webIdentity")).toObject();
        QFile file(web.value(str("tokenFile")).toString());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString token = QString::fromUtf8(file.readAll());
        QCOMPARE(token.count(QLatin1Char('.')), 2);
        QCOMPARE(web.value(str("roleArn")).toString(), roleArn("thingdeck-web"));
        const HttpResult result = webIdentity(roleArn("thingdeck-web"), token);
        QCOMPARE(result.status, 200);
        QCOMPARE(
            rootName(result.body),
            str("AssumeRoleWithWebIdentityResponse https://sts.amazonaws.com/doc/2011-06-15/"));
        QCOMPARE(xmlValue(result.body, str("SubjectFromWebIdentityToken")),
                 str("system:serviceaccount:thingdeck:sandbox"));
        QCOMPARE(xmlValue(result.body, str("Audience")), str("sts.amazonaws.com"));
        QVERIFY(!xmlValue(result.body, str("Provider")).isEmpty());
        QCOMPARE(xmlValue(result.body, str("Arn")),
                 QStringLiteral("arn:aws:sts::%1:assumed-role/thingdeck-web/web-session")
                     .arg(account()));
        QCOMPARE(listThings(*m_sandbox, credentialsFrom(result.body)).status, 200);
        // botocore sends the file verbatim, a final newline included.
        QCOMPARE(webIdentity(roleArn("thingdeck-web"), token + QLatin1Char('\n')).status, 200);
    }

    void webIdentityRefused()
    {
        const QJsonObject web = examples().value(str("webIdentity")).toObject();
        QFile file(web.value(str("tokenFile")).toString());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString token = QString::fromUtf8(file.readAll());
        const HttpResult otherRole = webIdentity(roleArn("thingdeck-operator"), token);
        QCOMPARE(otherRole.status, 403);
        QCOMPARE(xmlValue(otherRole.body, str("Message")),
                 str("Not authorized to perform sts:AssumeRoleWithWebIdentity"));
        token.chop(2);
        const HttpResult forged = webIdentity(roleArn("thingdeck-web"), token + str("xx"));
        QCOMPARE(forged.status, 400);
        QCOMPARE(xmlValue(forged.body, str("Code")), str("InvalidIdentityToken"));
        const HttpResult garbage = webIdentity(roleArn("thingdeck-web"), str("not-a-token"));
        QCOMPARE(garbage.status, 400);
        QCOMPARE(xmlValue(garbage.body, str("Code")), str("InvalidIdentityToken"));
    }

    void ssoRoleCredentials()
    {
        const QJsonObject cache = ssoCache();
        for (const char *key : {"startUrl", "region", "accessToken", "expiresAt", "clientId",
                                "clientSecret", "registrationExpiresAt", "refreshToken"})
            QVERIFY2(!cache.value(QLatin1String(key)).toString().isEmpty(), key);
        const HttpResult result =
            roleCredentials(*m_sandbox, cache.value(str("accessToken")).toString());
        QCOMPARE(result.status, 200);
        const QJsonObject role = result.json().value(str("roleCredentials")).toObject();
        AwsCredentials keys;
        keys.accessKeyId = role.value(str("accessKeyId")).toString();
        keys.secretAccessKey = role.value(str("secretAccessKey")).toString();
        keys.sessionToken = role.value(str("sessionToken")).toString();
        QVERIFY(keys.accessKeyId.startsWith(str("ASIA")));
        const qint64 expiration = qint64(role.value(str("expiration")).toDouble());
        QVERIFY(expiration > QDateTime::currentMSecsSinceEpoch()); // epoch milliseconds
        QVERIFY(expiration < QDateTime::currentMSecsSinceEpoch() + 3601 * 1000);
        const HttpResult who = callerIdentity(*m_sandbox, keys);
        QCOMPARE(xmlValue(who.body, str("Arn")),
                 QStringLiteral("arn:aws:sts::%1:assumed-role/thingdeck-operator/"
                                "thingdeck-sandbox-user")
                     .arg(account()));
    }

    void ssoRoleCredentialsRefused()
    {
        const HttpResult bad = roleCredentials(*m_sandbox, str("not-a-token"));
        QCOMPARE(bad.status, 401);
        QCOMPARE(bad.errorType, QByteArray("UnauthorizedException"));
        QCOMPARE(bad.json().value(str("message")).toString(),
                 str("Session token not found or invalid"));
        const HttpResult missing = roleCredentials(*m_sandbox, QString());
        QCOMPARE(missing.status, 401);
        const HttpResult noRole = roleCredentials(
            *m_sandbox, ssoCache().value(str("accessToken")).toString(), str("no-such-role"));
        QCOMPARE(noRole.status, 403);
        QCOMPARE(noRole.errorType, QByteArray("ForbiddenException"));
    }

    void createTokenRefreshes()
    {
        const QJsonObject cache = ssoCache();
        const HttpResult result =
            createToken({{str("grantType"), str("refresh_token")},
                         {str("clientId"), cache.value(str("clientId"))},
                         {str("clientSecret"), cache.value(str("clientSecret"))},
                         {str("refreshToken"), cache.value(str("refreshToken"))}});
        QCOMPARE(result.status, 200);
        const QJsonObject token = result.json();
        QCOMPARE(token.value(str("tokenType")).toString(), str("Bearer"));
        QCOMPARE(token.value(str("expiresIn")).toInt(), 3600);
        QVERIFY(!token.value(str("refreshToken")).toString().isEmpty());
        const QString accessToken = token.value(str("accessToken")).toString();
        QVERIFY(accessToken != cache.value(str("accessToken")).toString());
        QCOMPARE(roleCredentials(*m_sandbox, accessToken).status, 200);
    }

    void createTokenRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("errorType");
        QTest::addColumn<QString>("error");
        QTest::newRow("refresh token")
            << str("refreshToken") << str("aorWRONG") << 400 << QByteArray("InvalidGrantException")
            << str("invalid_grant");
        QTest::newRow("client secret")
            << str("clientSecret") << str("nope") << 401 << QByteArray("InvalidClientException")
            << str("invalid_client");
        QTest::newRow("grant type")
            << str("grantType") << str("authorization_code") << 400
            << QByteArray("UnsupportedGrantTypeException") << str("unsupported_grant_type");
    }

    void createTokenRefused()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(int, status);
        QFETCH(QByteArray, errorType);
        QFETCH(QString, error);
        const QJsonObject cache = ssoCache();
        QJsonObject body{{str("grantType"), str("refresh_token")},
                         {str("clientId"), cache.value(str("clientId"))},
                         {str("clientSecret"), cache.value(str("clientSecret"))},
                         {str("refreshToken"), cache.value(str("refreshToken"))}};
        body.insert(field, value);
        const HttpResult result = createToken(body);
        QCOMPARE(result.status, status);
        QCOMPARE(result.errorType, errorType);
        QCOMPARE(result.json().value(str("error")).toString(), error);
        QVERIFY(!result.json().value(str("error_description")).toString().isEmpty());
    }

    void examplesWritten_data()
    {
        QTest::addColumn<QString>("way");
        QTest::addColumn<QStringList>("keys"); // what the [default] profile must have
        QTest::newRow("static") << str("static") << QStringList{};
        QTest::newRow("assumeRole")
            << str("assumeRole") << QStringList{str("role_arn"), str("source_profile")};
        QTest::newRow("externalId")
            << str("externalId")
            << QStringList{str("role_arn"), str("source_profile"), str("external_id")};
        QTest::newRow("mfa") << str("mfa")
                             << QStringList{str("role_arn"), str("source_profile"),
                                            str("mfa_serial")};
        QTest::newRow("chained") << str("chained")
                                 << QStringList{str("role_arn"), str("source_profile")};
        QTest::newRow("sso") << str("sso")
                             << QStringList{str("sso_session"), str("sso_account_id"),
                                            str("sso_role_name")};
        QTest::newRow("webIdentity")
            << str("webIdentity") << QStringList{str("role_arn"), str("web_identity_token_file")};
    }

    void examplesWritten()
    {
        QFETCH(QString, way);
        QFETCH(QStringList, keys);
        const QJsonObject entry = examples().value(str("ways")).toObject().value(way).toObject();
        QCOMPARE(entry.value(str("profile")).toString(), str("default"));
        const QString configFile = entry.value(str("configFile")).toString();
        const QString credentialsFile = entry.value(str("credentialsFile")).toString();
        QVERIFY2(QFile::exists(configFile), qPrintable(configFile));
        QVERIFY2(QFile::exists(credentialsFile), qPrintable(credentialsFile));
        QCOMPARE(QFileInfo(credentialsFile).permissions() & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());
        const auto config = readIni(configFile);
        const auto profile = config.value(str("default"));
        QCOMPARE(profile.value(str("endpoint_url")), m_sandbox->value("restEndpoint"));
        QCOMPARE(profile.value(str("ca_bundle")), m_sandbox->value("caFile"));
        QCOMPARE(profile.value(str("region")), m_sandbox->value("region"));
        for (const QString &key : keys)
            QVERIFY2(!profile.value(key).isEmpty(), qPrintable(key));
        // Every profile a source_profile names exists, and the chain ends in static keys.
        QString source = profile.value(str("source_profile"));
        const auto credentials = readIni(credentialsFile);
        for (int hops = 0; !source.isEmpty() && hops < 5; ++hops) {
            QVERIFY2(config.contains(str("profile ") + source), qPrintable(source));
            const QString next =
                config.value(str("profile ") + source).value(str("source_profile"));
            if (next.isEmpty())
                QCOMPARE(credentials.value(source).value(str("aws_access_key_id")),
                         m_sandbox->value("accessKeyId"));
            source = next;
        }
        if (way == str("static"))
            QCOMPARE(credentials.value(str("default")).value(str("aws_secret_access_key")),
                     m_sandbox->value("secretAccessKey"));
        if (way == str("sso")) {
            const auto session = config.value(str("sso-session thingdeck-sandbox"));
            QVERIFY(!session.value(str("sso_start_url")).isEmpty());
            QCOMPARE(session.value(str("sso_region")), m_sandbox->value("region"));
        }
    }

    void ssoCacheNamedAsTheCliNamesIt()
    {
        const QJsonObject sso = examples().value(str("sso")).toObject();
        const QString sessionName = sso.value(str("sessionName")).toString();
        const QString expected =
            QString::fromLatin1(
                QCryptographicHash::hash(sessionName.toUtf8(), QCryptographicHash::Sha1).toHex()) +
            str(".json");
        const QString file = sso.value(str("tokenCacheFile")).toString();
        QCOMPARE(QFileInfo(file).fileName(), expected);
        QCOMPARE(QFileInfo(file).dir().path(), m_dir.path() + str("/examples/sso/sso-cache"));
        QCOMPARE(ssoCache().value(str("startUrl")).toString(),
                 sso.value(str("startUrl")).toString());
        QVERIFY(QDateTime::fromString(ssoCache().value(str("expiresAt")).toString(), Qt::ISODate) >
                QDateTime::currentDateTimeUtc());
    }

    void awsCliGetCallerIdentity()
    {
        if (kAws.isEmpty())
            QSKIP("Debian's AWS CLI (/usr/bin/aws) is not installed");
        const Run r = run(kAws,
                          m_sandbox->endpointArguments() +
                              QStringList{str("sts"), str("get-caller-identity")},
                          m_sandbox->awsEnvironment(m_home.path()));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(str("Account")).toString(), account());
        QCOMPARE(r.json().value(str("Arn")).toString(),
                 QStringLiteral("arn:aws:iam::%1:user/thingdeck-sandbox").arg(account()));
    }

    void awsCliAssumeRole()
    {
        if (kAws.isEmpty())
            QSKIP("Debian's AWS CLI (/usr/bin/aws) is not installed");
        const Run r = run(kAws,
                          m_sandbox->endpointArguments() +
                              QStringList{str("sts"), str("assume-role"), str("--role-arn"),
                                          roleArn("thingdeck-operator"), str("--role-session-name"),
                                          str("cli")},
                          m_sandbox->awsEnvironment(m_home.path()));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject issued = r.json().value(str("Credentials")).toObject();
        QVERIFY(issued.value(str("AccessKeyId")).toString().startsWith(str("ASIA")));
        QCOMPARE(
            r.json().value(str("AssumedRoleUser")).toObject().value(str("Arn")).toString(),
            QStringLiteral("arn:aws:sts::%1:assumed-role/thingdeck-operator/cli").arg(account()));
        // The CLI used with what it was given lists things as the role.
        QProcessEnvironment env = m_sandbox->awsEnvironment(m_home.path());
        env.insert(str("AWS_ACCESS_KEY_ID"), issued.value(str("AccessKeyId")).toString());
        env.insert(str("AWS_SECRET_ACCESS_KEY"), issued.value(str("SecretAccessKey")).toString());
        env.insert(str("AWS_SESSION_TOKEN"), issued.value(str("SessionToken")).toString());
        const Run who = run(kAws,
                            m_sandbox->endpointArguments() +
                                QStringList{str("sts"), str("get-caller-identity")},
                            env);
        QVERIFY2(who.exitCode == 0, who.err.constData());
        QVERIFY(who.json().value(str("Arn")).toString().endsWith(str("/thingdeck-operator/cli")));
        const Run list =
            run(kAws, m_sandbox->endpointArguments() + QStringList{str("iot"), str("list-things")},
                env);
        QVERIFY2(list.exitCode == 0, list.err.constData());
        const Run refused =
            run(kAws,
                m_sandbox->endpointArguments() +
                    QStringList{str("sts"), str("assume-role"), str("--role-arn"),
                                roleArn("no-such-role"), str("--role-session-name"), str("cli")},
                m_sandbox->awsEnvironment(m_home.path()));
        QCOMPARE(refused.exitCode, 254);
        QVERIFY2(refused.err.contains("An error occurred (AccessDenied) when calling the "
                                      "AssumeRole operation: User: arn:aws:iam::"),
                 refused.err.constData());
    }

    void awsCliWithStaticExample()
    {
        if (kAws.isEmpty())
            QSKIP("Debian's AWS CLI (/usr/bin/aws) is not installed");
        // Only what the example files say: keys, region and ca_bundle (no AWS_CA_BUNDLE).
        QProcessEnvironment env = cliEnvironment();
        env.insert(str("AWS_CONFIG_FILE"), exampleFile("static", "configFile"));
        env.insert(str("AWS_SHARED_CREDENTIALS_FILE"), exampleFile("static", "credentialsFile"));
        const Run r =
            run(kAws, m_sandbox->endpointArguments() + QStringList{str("iot"), str("list-things")},
                env);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.json().value(str("things")).toArray().isEmpty());
    }

    // A second sandbox whose credentials live two seconds.
    void expiredCredentialsRefused()
    {
        QTemporaryDir dir;
        SandboxProcess shortLived(dir.path());
        QVERIFY2(shortLived.start({str("--things"), str("1"), str("--telemetry-rate"), str("0"),
                                   str("--credential-lifetime"), str("2")}),
                 qPrintable(shortLived.error()));
        const HttpResult issued =
            sts(shortLived,
                {{str("Action"), str("AssumeRole")},
                 {str("RoleArn"), QStringLiteral("arn:aws:iam::%1:role/thingdeck-operator")
                                      .arg(shortLived.value("accountId"))},
                 {str("RoleSessionName"), str("brief")},
                 {str("DurationSeconds"), str("3600")}},
                staticKeys(shortLived));
        QCOMPARE(issued.status, 200);
        const AwsCredentials keys = credentialsFrom(issued.body);
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(keys.expiration) <= 3);
        // Once the clock is past the expiry (and the second the response's timestamp may have
        // been cut by), every signed service refuses the keys.
        const QDateTime expired = keys.expiration.addSecs(1);
        QVERIFY(QTest::qWaitFor([&] { return QDateTime::currentDateTimeUtc() > expired; }, 10000));
        const HttpResult rest = listThings(shortLived, keys);
        QCOMPARE(rest.status, 403);
        QCOMPARE(rest.errorType, QByteArray("ExpiredTokenException"));
        QCOMPARE(rest.json().value(str("message")).toString(),
                 str("The security token included in the request is expired"));
        const HttpResult data =
            call(shortLived, "GET", "/things/" + shortLived.deviceThing(0).toUtf8() + "/shadow", {},
                 {}, keys, str("iotdata"));
        QCOMPARE(data.status, 403);
        QCOMPARE(data.errorType, QByteArray("ExpiredTokenException"));
        const HttpResult who = callerIdentity(shortLived, keys);
        QCOMPARE(who.status, 403);
        QCOMPARE(xmlValue(who.body, str("Code")), str("ExpiredToken"));
        QCOMPARE(xmlValue(who.body, str("Message")),
                 str("The security token included in the request is expired"));
        // The SSO access token written at start follows the same lifetime.
        QFile cache(shortLived.info()
                        .value(str("examples"))
                        .toObject()
                        .value(str("sso"))
                        .toObject()
                        .value(str("tokenCacheFile"))
                        .toString());
        QVERIFY(cache.open(QIODevice::ReadOnly));
        const QString token =
            QJsonDocument::fromJson(cache.readAll()).object().value(str("accessToken")).toString();
        QCOMPARE(roleCredentials(shortLived, token).status, 401);
        QCOMPARE(shortLived.stop(), 0);
    }

    // Last: restarts the shared sandbox.
    void credentialsSurviveRestart()
    {
        const AwsCredentials keys = assumed("thingdeck-operator");
        const QJsonObject mfaBefore = examples().value(str("mfa")).toObject();
        QCOMPARE(m_sandbox->stop(), 0);
        QVERIFY2(m_sandbox->start({str("--things"), str("2"), str("--telemetry-rate"), str("0")}),
                 qPrintable(m_sandbox->error()));
        QCOMPARE(examples().value(str("mfa")).toObject(), mfaBefore);
        const HttpResult who = callerIdentity(*m_sandbox, keys);
        QCOMPARE(who.status, 200);
        QVERIFY(xmlValue(who.body, str("Arn")).endsWith(str("/thingdeck-operator/test-session")));
        QCOMPARE(
            roleCredentials(*m_sandbox, ssoCache().value(str("accessToken")).toString()).status,
            200);
    }
};

QTEST_GUILESS_MAIN(TestSandboxCredentials)
#include "tst_sandboxcredentials.moc"
