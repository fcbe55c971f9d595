#include "CredentialExamples.h"

#include "CredentialStore.h"
#include "JsonKey.h"
#include "Totp.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <optional>

namespace thingdeck {

namespace {

QString awsTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
}

std::optional<QString> writeFile(const QString &path, const QByteArray &content, bool secret)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    if (secret)
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(content);
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return std::nullopt;
}

QString header(const QString &way, const QString &dir)
{
    return QStringLiteral(
               "# thingdeck-sandbox example: %1. Rewritten at every start of the sandbox.\n"
               "# Use: AWS_CONFIG_FILE=%2/config AWS_SHARED_CREDENTIALS_FILE=%2/credentials\n"
               "#\n"
               "# endpoint_url sends every service (IoT, IoT data, STS, SSO portal, SSO OIDC) to "
               "the sandbox\n"
               "# in SDKs with configured endpoints (AWS CLI >= 2.13, botocore >= 1.31, the "
               "newer SDKs).\n"
               "# Debian 12's AWS CLI 2.9.19 ignores endpoint_url, services sections and "
               "AWS_ENDPOINT_URL*:\n"
               "# pass --endpoint-url to each command. It cannot redirect the STS, SSO or OIDC "
               "calls it makes\n"
               "# to get credentials at all, so with that CLI only the static-keys example "
               "works offline.\n"
               "# ca_bundle makes clients trust the sandbox's own certificate authority.\n")
        .arg(way, dir);
}

QString endpointLines(const CredentialExamples::Inputs &in)
{
    return QStringLiteral("region = %1\nendpoint_url = %2\nca_bundle = %3\n")
        .arg(in.region, in.endpoint, in.caFile);
}

QString staticSourceProfile(const CredentialExamples::Inputs &in)
{
    return QStringLiteral("\n[profile %1]\n").arg(jsonKey(CredentialExamples::kStaticProfile)) +
           endpointLines(in);
}

QString keysSection(const QString &name, const CredentialExamples::Inputs &in)
{
    return QStringLiteral("[%1]\naws_access_key_id = %2\naws_secret_access_key = %3\n")
        .arg(name, in.accessKeyId, in.secretAccessKey);
}

QString roleArn(const CredentialExamples::Inputs &in, const char *role)
{
    return QStringLiteral("arn:aws:iam::%1:role/%2").arg(in.accountId, QLatin1String(role));
}

struct Way
{
    const char *name; ///< the JSON key
    const char *folder;
    QString description;
    QString config;      ///< after the header
    QString credentials; ///< empty: a file with a comment only
};

QList<Way> ways(const CredentialExamples::Inputs &in, const CredentialStore &store,
                const QString &dir)
{
    const QString lines = endpointLines(in);
    const QString source =
        QStringLiteral("source_profile = %1\n").arg(jsonKey(CredentialExamples::kStaticProfile));
    const QString staticKeys = keysSection(jsonKey(CredentialExamples::kStaticProfile), in);
    const QString mfaSerial = QStringLiteral("arn:aws:iam::%1:mfa/%2")
                                  .arg(in.accountId, CredentialStore::mfaDeviceName());
    const SandboxRole *auditor = store.roleByName(QStringLiteral("thingdeck-auditor"));
    return {
        {"static", "static", QStringLiteral("static keys"), QStringLiteral("[default]\n") + lines,
         keysSection(jsonKey("default"), in)},
        {"assumeRole", "assume-role", QStringLiteral("assume-role from a source profile"),
         QStringLiteral("[default]\nrole_arn = %1\n%2role_session_name = thingdeck\n")
                 .arg(roleArn(in, "thingdeck-operator"), source) +
             lines + staticSourceProfile(in),
         staticKeys},
        {"externalId", "external-id", QStringLiteral("assume-role with an ExternalId"),
         QStringLiteral("[default]\nrole_arn = %1\n%2external_id = %3\n")
                 .arg(roleArn(in, "thingdeck-auditor"), source,
                      auditor ? auditor->externalId : QString()) +
             lines + staticSourceProfile(in),
         staticKeys},
        {"mfa", "mfa",
         QStringLiteral("assume-role with MFA (the code is the TOTP of sandbox.json's "
                        "examples.mfa)"),
         QStringLiteral("[default]\nrole_arn = %1\n%2mfa_serial = %3\n")
                 .arg(roleArn(in, "thingdeck-admin"), source, mfaSerial) +
             lines + staticSourceProfile(in),
         staticKeys},
        {"chained", "chained", QStringLiteral("a role chain: static keys -> operator -> viewer"),
         QStringLiteral("[default]\nrole_arn = %1\nsource_profile = sandbox-operator\n")
                 .arg(roleArn(in, "thingdeck-viewer")) +
             lines +
             QStringLiteral("\n[profile sandbox-operator]\nrole_arn = %1\n%2")
                 .arg(roleArn(in, "thingdeck-operator"), source) +
             lines + staticSourceProfile(in),
         staticKeys},
        {"sso",
         "sso",
         QStringLiteral("IAM Identity Center (SSO); the CLI reads the token from "
                        "~/.aws/sso/cache/: copy %1/sso-cache/*.json there")
             .arg(dir + QStringLiteral("/sso")),
         QStringLiteral("[default]\nsso_session = %1\nsso_account_id = %2\nsso_role_name = "
                        "thingdeck-operator\n")
                 .arg(jsonKey(CredentialExamples::kSsoSession), in.accountId) +
             lines +
             QStringLiteral("\n[sso-session %1]\nsso_start_url = %2/start\nsso_region = %3\n"
                            "sso_registration_scopes = sso:account:access\n")
                 .arg(jsonKey(CredentialExamples::kSsoSession), in.endpoint, in.region),
         {}},
        {"webIdentity",
         "web-identity",
         QStringLiteral("web identity (a token file)"),
         QStringLiteral("[default]\nrole_arn = %1\nweb_identity_token_file = %2\n"
                        "role_session_name = thingdeck-web\n")
                 .arg(roleArn(in, "thingdeck-web"), dir + QStringLiteral("/web-identity/token")) +
             lines,
         {}},
    };
}

QString ssoCacheFile(const QString &dir)
{
    const QByteArray name = QCryptographicHash::hash(QByteArray(CredentialExamples::kSsoSession),
                                                     QCryptographicHash::Sha1)
                                .toHex();
    return dir + QStringLiteral("/sso/sso-cache/") + QString::fromLatin1(name) +
           QStringLiteral(".json");
}

// The file `aws sso login` would write (aws-credentials.md §5.2), key order as the CLI's.
QByteArray ssoCache(const CredentialExamples::Inputs &in, const CredentialStore &store)
{
    const QString text =
        QStringLiteral("{\"startUrl\": \"%1/start\", \"region\": \"%2\", \"accessToken\": "
                       "\"%3\", \"expiresAt\": \"%4\", \"clientId\": \"%5\", \"clientSecret\": "
                       "\"%6\", \"registrationExpiresAt\": \"%7\", \"refreshToken\": \"%8\"}")
            .arg(in.endpoint, in.region, in.ssoAccessToken, awsTime(in.ssoExpiresAt),
                 store.ssoClientId(), store.ssoClientSecret(),
                 awsTime(QDateTime::currentDateTimeUtc().addDays(90)), in.ssoRefreshToken);
    return text.toUtf8();
}

QJsonArray rolesJson(const CredentialExamples::Inputs &in, const CredentialStore &store)
{
    QJsonArray roles;
    for (const SandboxRole &role : store.roles())
        roles.append(QJsonObject{{jsonKey("name"), role.name},
                                 {jsonKey("arn"), role.arn(in.accountId)},
                                 {jsonKey("requires"), role.description()},
                                 {jsonKey("maxSessionSeconds"), role.maxSessionSeconds}});
    return roles;
}

} // namespace

Result<QJsonObject, QString> CredentialExamples::write(const Inputs &in,
                                                       const CredentialStore &store)
{
    const QString dir = in.stateDir + QStringLiteral("/examples");
    QJsonObject described;
    for (const Way &way : ways(in, store, dir)) {
        const QString folder = dir + QLatin1Char('/') + QLatin1String(way.folder);
        const QString credentials =
            way.credentials.isEmpty()
                ? QStringLiteral("# No keys: this way gets its credentials from the sandbox.\n")
                : way.credentials;
        if (auto problem =
                writeFile(folder + QStringLiteral("/config"),
                          (header(way.description, folder) + way.config).toUtf8(), false))
            return fail(*problem);
        if (auto problem =
                writeFile(folder + QStringLiteral("/credentials"), credentials.toUtf8(), true))
            return fail(*problem);
        described.insert(
            QLatin1String(way.name),
            QJsonObject{
                {jsonKey("description"), way.description},
                {jsonKey("configFile"), QString(folder + QStringLiteral("/config"))},
                {jsonKey("credentialsFile"), QString(folder + QStringLiteral("/credentials"))},
                {jsonKey("profile"), jsonKey("default")}});
    }
    const QString tokenFile = dir + QStringLiteral("/web-identity/token");
    if (auto problem = writeFile(tokenFile, in.webIdentityToken.toUtf8(), true))
        return fail(*problem);
    const QString cacheFile = ssoCacheFile(dir);
    if (auto problem = writeFile(cacheFile, ssoCache(in, store), true))
        return fail(*problem);
    const SandboxRole *auditor = store.roleByName(QStringLiteral("thingdeck-auditor"));
    return QJsonObject{
        {jsonKey("directory"), dir},
        {jsonKey("ways"), described},
        {jsonKey("roles"), rolesJson(in, store)},
        {jsonKey("externalId"), auditor ? auditor->externalId : QString()},
        {jsonKey("mfa"), QJsonObject{{jsonKey("serialNumber"),
                                      QStringLiteral("arn:aws:iam::%1:mfa/%2")
                                          .arg(in.accountId, CredentialStore::mfaDeviceName())},
                                     {jsonKey("secretBase32"), Totp::base32(store.mfaSecret())},
                                     {jsonKey("algorithm"), jsonKey("SHA1")},
                                     {jsonKey("digits"), 6},
                                     {jsonKey("periodSeconds"), 30}}},
        {jsonKey("webIdentity"), QJsonObject{{jsonKey("tokenFile"), tokenFile},
                                             {jsonKey("roleArn"), roleArn(in, "thingdeck-web")}}},
        {jsonKey("sso"),
         QJsonObject{{jsonKey("sessionName"), jsonKey(kSsoSession)},
                     {jsonKey("startUrl"), QString(in.endpoint + QStringLiteral("/start"))},
                     {jsonKey("region"), in.region},
                     {jsonKey("accountId"), in.accountId},
                     {jsonKey("roleName"), jsonKey("thingdeck-operator")},
                     {jsonKey("tokenCacheFile"), cacheFile},
                     {jsonKey("expiresAt"), awsTime(in.ssoExpiresAt)}}}};
}

} // namespace thingdeck
