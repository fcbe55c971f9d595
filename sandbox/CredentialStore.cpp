#include "CredentialStore.h"

#include "JsonKey.h"
#include "Logging.h"
#include "Totp.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QTimeZone>

namespace thingdeck {

namespace {

const char *const kUpperBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const char *const kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

QString randomFrom(const char *alphabet, int length)
{
    const auto size = int(qstrlen(alphabet));
    QString out;
    out.reserve(length);
    for (int i = 0; i < length; ++i)
        out += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(size)]);
    return out;
}

QByteArray randomBytes(int count)
{
    QByteArray out(count, '\0');
    for (char &byte : out)
        byte = char(QRandomGenerator::system()->bounded(256));
    return out;
}

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

SandboxRole makeRole(const char *name)
{
    SandboxRole role;
    role.name = QString::fromLatin1(name);
    role.roleId = QStringLiteral("AROA") + randomFrom(kUpperBase32, 17);
    return role;
}

// The roles every new sandbox has: one for each way of assuming a role.
QList<SandboxRole> seededRoles()
{
    SandboxRole operatorRole = makeRole("thingdeck-operator");
    operatorRole.maxSessionSeconds = 43200;
    SandboxRole admin = makeRole("thingdeck-admin");
    admin.requiresMfa = true;
    SandboxRole auditor = makeRole("thingdeck-auditor");
    auditor.externalId = QStringLiteral("thingdeck-audit-7f3a");
    SandboxRole web = makeRole("thingdeck-web");
    web.webIdentity = true;
    SandboxRole viewer = makeRole("thingdeck-viewer");
    viewer.trustedRole = operatorRole.name;
    return {operatorRole, admin, auditor, web, viewer};
}

QJsonObject roleJson(const SandboxRole &role)
{
    return {{jsonKey("name"), role.name},
            {jsonKey("roleId"), role.roleId},
            {jsonKey("requiresMfa"), role.requiresMfa},
            {jsonKey("externalId"), role.externalId},
            {jsonKey("webIdentity"), role.webIdentity},
            {jsonKey("trustedRole"), role.trustedRole},
            {jsonKey("maxSessionSeconds"), role.maxSessionSeconds}};
}

SandboxRole roleFromJson(const QJsonObject &json)
{
    SandboxRole role;
    role.name = json.value(jsonKey("name")).toString();
    role.roleId = json.value(jsonKey("roleId")).toString();
    role.requiresMfa = json.value(jsonKey("requiresMfa")).toBool();
    role.externalId = json.value(jsonKey("externalId")).toString();
    role.webIdentity = json.value(jsonKey("webIdentity")).toBool();
    role.trustedRole = json.value(jsonKey("trustedRole")).toString();
    role.maxSessionSeconds = json.value(jsonKey("maxSessionSeconds")).toInt(3600);
    return role;
}

QJsonObject issuedJson(const IssuedCredentials &issued)
{
    return {{jsonKey("accessKeyId"), issued.keys.accessKeyId},
            {jsonKey("secretAccessKey"), issued.keys.secretAccessKey},
            {jsonKey("sessionToken"), issued.keys.sessionToken},
            {jsonKey("expiration"), issued.keys.expiration.toMSecsSinceEpoch()},
            {jsonKey("roleName"), issued.roleName},
            {jsonKey("sessionName"), issued.sessionName}};
}

IssuedCredentials issuedFromJson(const QJsonObject &json)
{
    IssuedCredentials issued;
    issued.keys.accessKeyId = json.value(jsonKey("accessKeyId")).toString();
    issued.keys.secretAccessKey = json.value(jsonKey("secretAccessKey")).toString();
    issued.keys.sessionToken = json.value(jsonKey("sessionToken")).toString();
    issued.keys.expiration = QDateTime::fromMSecsSinceEpoch(
        qint64(json.value(jsonKey("expiration")).toDouble()), QTimeZone::utc());
    issued.roleName = json.value(jsonKey("roleName")).toString();
    issued.sessionName = json.value(jsonKey("sessionName")).toString();
    return issued;
}

} // namespace

QString SandboxRole::arn(const QString &accountId) const
{
    return QStringLiteral("arn:aws:iam::%1:role/%2").arg(accountId, name);
}

QString SandboxRole::description() const
{
    if (requiresMfa)
        return QStringLiteral("requires MFA (SerialNumber and TokenCode)");
    if (!externalId.isEmpty())
        return QStringLiteral("requires ExternalId");
    if (webIdentity)
        return QStringLiteral("trusts the sandbox's web identity tokens only");
    if (!trustedRole.isEmpty())
        return QStringLiteral("only sessions of %1 may assume it (role chaining)").arg(trustedRole);
    return QStringLiteral("plain");
}

CredentialStore::CredentialStore(QString path)
    : m_path(std::move(path))
{}

Result<std::unique_ptr<CredentialStore>, QString>
CredentialStore::loadOrCreate(const QString &stateDir)
{
    std::unique_ptr<CredentialStore> store(
        new CredentialStore(stateDir + QStringLiteral("/credentials.json")));
    QFile file(store->m_path);
    if (!file.exists()) {
        store->seed();
        store->save();
        if (!store->m_lastError.isEmpty())
            return fail(store->m_lastError);
        return store;
    }
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(store->m_path, file.errorString()));
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
    store->fromJson(document.object());
    if (store->m_roles.isEmpty() || store->m_mfaSecret.isEmpty() ||
        store->m_webIdentityKey.isEmpty())
        return fail(QStringLiteral("%1 is damaged; delete it and the sandbox makes new roles and "
                                   "secrets")
                        .arg(store->m_path));
    store->prune();
    return store;
}

void CredentialStore::seed()
{
    m_roles = seededRoles();
    m_mfaSecret = randomBytes(20);
    m_webIdentityKey = randomBytes(32);
    m_ssoClientId = randomFrom(kSecretAlphabet, 22).replace(QLatin1Char('+'), QLatin1Char('-'));
    m_ssoClientSecret = randomFrom(kSecretAlphabet, 64);
}

void CredentialStore::fromJson(const QJsonObject &json)
{
    for (const QJsonValue &role : json.value(jsonKey("roles")).toArray())
        m_roles.append(roleFromJson(role.toObject()));
    m_mfaSecret = QByteArray::fromBase64(json.value(jsonKey("mfaSecret")).toString().toLatin1());
    m_webIdentityKey =
        QByteArray::fromBase64(json.value(jsonKey("webIdentityKey")).toString().toLatin1());
    m_ssoClientId = json.value(jsonKey("ssoClientId")).toString();
    m_ssoClientSecret = json.value(jsonKey("ssoClientSecret")).toString();
    for (const QJsonValue &token : json.value(jsonKey("ssoTokens")).toArray()) {
        const QJsonObject object = token.toObject();
        m_ssoTokens.append(
            {object.value(jsonKey("token")).toString(),
             QDateTime::fromMSecsSinceEpoch(qint64(object.value(jsonKey("expiration")).toDouble()),
                                            QTimeZone::utc())});
    }
    for (const QJsonValue &token : json.value(jsonKey("refreshTokens")).toArray())
        m_refreshTokens.append(token.toString());
    for (const QJsonValue &issued : json.value(jsonKey("issued")).toArray())
        m_issued.append(issuedFromJson(issued.toObject()));
}

QJsonObject CredentialStore::toJson() const
{
    QJsonArray roles;
    for (const SandboxRole &role : m_roles)
        roles.append(roleJson(role));
    QJsonArray ssoTokens;
    for (const auto &[token, expiration] : m_ssoTokens)
        ssoTokens.append(QJsonObject{{jsonKey("token"), token},
                                     {jsonKey("expiration"), expiration.toMSecsSinceEpoch()}});
    QJsonArray issued;
    for (const IssuedCredentials &credentials : m_issued)
        issued.append(issuedJson(credentials));
    return {{jsonKey("roles"), roles},
            {jsonKey("mfaSecret"), QString::fromLatin1(m_mfaSecret.toBase64())},
            {jsonKey("webIdentityKey"), QString::fromLatin1(m_webIdentityKey.toBase64())},
            {jsonKey("ssoClientId"), m_ssoClientId},
            {jsonKey("ssoClientSecret"), m_ssoClientSecret},
            {jsonKey("ssoTokens"), ssoTokens},
            {jsonKey("refreshTokens"), QJsonArray::fromStringList(m_refreshTokens)},
            {jsonKey("issued"), issued}};
}

// Forgets what expired more than a day ago and keeps every list under its cap.
void CredentialStore::prune()
{
    const QDateTime horizon = QDateTime::currentDateTimeUtc().addDays(-1);
    m_issued.removeIf(
        [&](const IssuedCredentials &issued) { return issued.keys.expiration < horizon; });
    m_ssoTokens.removeIf([&](const auto &token) { return token.second < horizon; });
    while (m_issued.size() > kMaxIssued)
        m_issued.removeFirst();
    while (m_ssoTokens.size() > kMaxSsoTokens)
        m_ssoTokens.removeFirst();
    while (m_refreshTokens.size() > kMaxRefreshTokens)
        m_refreshTokens.removeFirst();
}

void CredentialStore::save()
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_lastError = QStringLiteral("cannot write %1: %2; choose a --state-dir you can write to")
                          .arg(m_path, file.errorString());
        return;
    }
    // It holds secrets, so only the owner may read it.
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        m_lastError = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        qCWarning(lcSandbox).noquote() << m_lastError;
        return;
    }
    m_lastError.clear();
}

const SandboxRole *CredentialStore::roleByArn(const QString &accountId, const QString &arn) const
{
    for (const SandboxRole &role : m_roles) {
        if (role.arn(accountId) == arn)
            return &role;
    }
    return nullptr;
}

const SandboxRole *CredentialStore::roleByName(const QString &name) const
{
    for (const SandboxRole &role : m_roles) {
        if (role.name == name)
            return &role;
    }
    return nullptr;
}

IssuedCredentials CredentialStore::issue(const SandboxRole &role, const QString &sessionName,
                                         int seconds)
{
    IssuedCredentials issued;
    issued.keys.accessKeyId = QStringLiteral("ASIA") + randomFrom(kUpperBase32, 16);
    issued.keys.secretAccessKey = randomFrom(kSecretAlphabet, 40);
    // Real session tokens are long base64 blobs; the prefix is what AWS's start with.
    issued.keys.sessionToken =
        QStringLiteral("IQoJb3JpZ2luX2VjE") + randomFrom(kSecretAlphabet, 340);
    issued.keys.expiration = QDateTime::currentDateTimeUtc().addSecs(seconds);
    issued.roleName = role.name;
    issued.sessionName = sessionName;
    m_issued.append(issued);
    prune();
    save();
    return issued;
}

std::optional<IssuedCredentials> CredentialStore::find(const QString &accessKeyId) const
{
    for (const IssuedCredentials &issued : m_issued) {
        if (issued.keys.accessKeyId == accessKeyId)
            return issued;
    }
    return std::nullopt;
}

QString CredentialStore::makeWebIdentityToken(int seconds) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject header{{jsonKey("alg"), jsonKey("HS256")},
                             {jsonKey("typ"), jsonKey("JWT")},
                             {jsonKey("kid"), jsonKey("thingdeck-sandbox")}};
    const QJsonObject payload{{jsonKey("iss"), jsonKey(kWebIdentityIssuer)},
                              {jsonKey("sub"), jsonKey(kWebIdentitySubject)},
                              {jsonKey("aud"), jsonKey(kWebIdentityAudience)},
                              {jsonKey("iat"), now},
                              {jsonKey("exp"), now + seconds}};
    const QByteArray signingInput =
        base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' +
        base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(signingInput + '.' +
                               base64Url(Totp::hmac("SHA256", m_webIdentityKey, signingInput)));
}

std::optional<WebIdentityClaims> CredentialStore::verifyWebIdentityToken(const QString &token) const
{
    const QList<QByteArray> parts = token.trimmed().toLatin1().split('.');
    if (parts.size() != 3)
        return std::nullopt;
    const QByteArray signingInput = parts.at(0) + '.' + parts.at(1);
    if (base64Url(Totp::hmac("SHA256", m_webIdentityKey, signingInput)) != parts.at(2))
        return std::nullopt;
    const QJsonObject payload =
        QJsonDocument::fromJson(QByteArray::fromBase64(parts.at(1), QByteArray::Base64UrlEncoding))
            .object();
    return WebIdentityClaims{
        payload.value(jsonKey("iss")).toString(), payload.value(jsonKey("sub")).toString(),
        payload.value(jsonKey("aud")).toString(),
        QDateTime::fromSecsSinceEpoch(qint64(payload.value(jsonKey("exp")).toDouble()),
                                      QTimeZone::utc())};
}

QString CredentialStore::issueSsoAccessToken(int seconds)
{
    const QString token = QStringLiteral("aoa") + randomFrom(kSecretAlphabet, 200);
    m_ssoTokens.append({token, QDateTime::currentDateTimeUtc().addSecs(seconds)});
    prune();
    save();
    return token;
}

std::optional<QDateTime> CredentialStore::ssoAccessTokenExpiry(const QString &token) const
{
    for (const auto &[known, expiration] : m_ssoTokens) {
        if (known == token)
            return expiration;
    }
    return std::nullopt;
}

QString CredentialStore::issueRefreshToken()
{
    const QString token = QStringLiteral("aor") + randomFrom(kSecretAlphabet, 200);
    m_refreshTokens.append(token);
    prune();
    save();
    return token;
}

bool CredentialStore::isRefreshToken(const QString &token) const
{
    return !token.isEmpty() && m_refreshTokens.contains(token);
}

} // namespace thingdeck
