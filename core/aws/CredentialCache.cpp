#include "aws/CredentialCache.h"

#include "aws/StsResponse.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSaveFile>

#include <algorithm>

namespace thingdeck {
namespace {

QByteArray pyString(const QString &text)
{
    return CredentialCache::pythonString(text);
}

QByteArray pyValue(const QVariant &value)
{
    if (value.typeId() == QMetaType::QString)
        return pyString(value.toString());
    return QByteArray::number(value.toLongLong());
}

QByteArray pyObject(const CredentialCache::JsonMembers &members)
{
    return CredentialCache::pythonObject(members);
}

ConfigError badFile(const QString &path, const QString &problem)
{
    return {ConfigError::Kind::UnreadableFile,
            QStringLiteral("The cached credentials %1 %2. Delete the file; it is fetched again.")
                .arg(path, problem),
            path, 0};
}

bool isNumber(const QString &text)
{
    bool ok = false;
    text.toLongLong(&ok);
    return ok;
}

} // namespace

// Python's json.dumps string with ensure_ascii: non-ASCII as \uXXXX (UTF-16 units).
QByteArray CredentialCache::pythonString(const QString &text)
{
    QByteArray out = "\"";
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        switch (u) {
        case u'"':
            out += "\\\"";
            break;
        case u'\\':
            out += "\\\\";
            break;
        case u'\n':
            out += "\\n";
            break;
        case u'\r':
            out += "\\r";
            break;
        case u'\t':
            out += "\\t";
            break;
        case u'\b':
            out += "\\b";
            break;
        case u'\f':
            out += "\\f";
            break;
        default:
            if (u < 0x20 || u > 0x7e)
                out += "\\u" + QByteArray::number(u, 16).rightJustified(4, '0');
            else
                out += char(u);
        }
    }
    return out + '"';
}

// {"a": 1, "b": "x"} from members already in the wanted order and already serialized.
QByteArray CredentialCache::pythonObject(const JsonMembers &members, Separators separators)
{
    const bool compact = separators == Separators::Compact;
    QByteArray out = "{";
    for (const auto &[name, value] : members) {
        if (out.size() > 1)
            out += compact ? "," : ", ";
        out += pythonString(name) + (compact ? ":" : ": ") + value;
    }
    return out + '}';
}

CredentialCache::CredentialCache(QString directory)
    : m_directory(std::move(directory))
{}

QString CredentialCache::defaultDirectory(const QString &home)
{
    return (home.isEmpty() ? QDir::homePath() : home) + QStringLiteral("/.aws/cli/cache");
}

QByteArray CredentialCache::canonicalJson(const Arguments &arguments, Separators separators)
{
    Arguments sorted = arguments;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    JsonMembers members;
    for (const auto &[name, value] : sorted)
        members.append({name, pyValue(value)});
    return pythonObject(members, separators);
}

QString CredentialCache::key(const Arguments &arguments, Separators separators)
{
    QString hex = QString::fromLatin1(
        QCryptographicHash::hash(canonicalJson(arguments, separators), QCryptographicHash::Sha1)
            .toHex());
    // _make_file_safe: a no-op for hex, kept for the record.
    return hex.replace(u':', u'_').replace(u'/', u'_');
}

QString CredentialCache::filePath(const QString &key) const
{
    return m_directory + u'/' + key + QStringLiteral(".json");
}

Result<std::optional<AwsCredentials>, ConfigError> CredentialCache::read(const QString &key,
                                                                         const QDateTime &now) const
{
    const QString path = filePath(key);
    if (!QFileInfo::exists(path))
        return std::optional<AwsCredentials>();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(badFile(path, QStringLiteral("cannot be read (%1)").arg(file.errorString())));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(badFile(path, QStringLiteral("are not JSON")));
    const QJsonObject members = document.object().value(QStringLiteral("Credentials")).toObject();
    AwsCredentials credentials;
    credentials.accessKeyId = members.value(QStringLiteral("AccessKeyId")).toString();
    credentials.secretAccessKey = members.value(QStringLiteral("SecretAccessKey")).toString();
    credentials.sessionToken = members.value(QStringLiteral("SessionToken")).toString();
    credentials.expiration =
        StsResponse::parseTime(members.value(QStringLiteral("Expiration")).toString());
    if (!credentials.isValid() || !credentials.expiration.isValid())
        return fail(badFile(path, QStringLiteral("lack Credentials with AccessKeyId, "
                                                 "SecretAccessKey and a readable Expiration")));
    if (credentials.expiresWithin(kStaleSeconds - 1, now))
        return std::optional<AwsCredentials>();
    credentials.source = QStringLiteral("cache file ") + path;
    return std::optional<AwsCredentials>(credentials);
}

QString CredentialCache::formatExpiration(const QDateTime &time)
{
    const QDateTime utc = time.toUTC();
    QString text = utc.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    if (utc.time().msec() != 0)
        text += u'.' + QString::number(utc.time().msec() * 1000).rightJustified(6, u'0');
    return text + QStringLiteral("+00:00");
}

QByteArray CredentialCache::fileContent(const StsResponse &response)
{
    const AwsCredentials &c = response.credentials;
    const QByteArray credentials = pyObject({
        {QStringLiteral("AccessKeyId"), pyString(c.accessKeyId)},
        {QStringLiteral("SecretAccessKey"), pyString(c.secretAccessKey)},
        {QStringLiteral("SessionToken"), pyString(c.sessionToken)},
        {QStringLiteral("Expiration"), pyString(formatExpiration(c.expiration))},
    });
    JsonMembers top{{QStringLiteral("Credentials"), credentials}};
    // The result's other members in the order sent; "Parent.Child" ones grouped under Parent.
    QStringList order;
    QMap<QString, JsonMembers> structures;
    QMap<QString, QByteArray> scalars;
    for (const auto &[name, value] : response.members) {
        const QString parent = name.section(u'.', 0, 0);
        if (parent == QLatin1String("Credentials"))
            continue;
        if (!order.contains(parent))
            order.append(parent);
        if (name.contains(u'.'))
            structures[parent].append({name.section(u'.', 1), pyString(value)});
        else if (name == QLatin1String("PackedPolicySize") && isNumber(value))
            scalars.insert(name, value.toLatin1());
        else
            scalars.insert(name, pyString(value));
    }
    for (const QString &name : order)
        top.append({name, structures.contains(name) ? pyObject(structures.value(name))
                                                    : scalars.value(name)});
    const QByteArray metadata =
        pyObject({{QStringLiteral("RequestId"), pyString(response.requestId)},
                  {QStringLiteral("HTTPStatusCode"), "200"},
                  {QStringLiteral("HTTPHeaders"), "{}"},
                  {QStringLiteral("RetryAttempts"), "0"}});
    top.append({QStringLiteral("ResponseMetadata"), metadata});
    return pyObject(top);
}

bool CredentialCache::ensureDirectory(const QString &directory)
{
    // Each missing level is made private to the user: the files hold live keys.
    const QStringList parts = directory.split(u'/', Qt::SkipEmptyParts);
    QString path = directory.startsWith(u'/') ? QStringLiteral("/") : QString();
    for (const QString &part : parts) {
        path += part;
        if (!QFileInfo(path).isDir() &&
            !QDir().mkdir(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
            return false;
        path += u'/';
    }
    return true;
}

std::optional<QString> CredentialCache::write(const QString &key, const StsResponse &response) const
{
    return writePrivateFile(m_directory, filePath(key), fileContent(response));
}

std::optional<QString> CredentialCache::writeSso(const QString &key,
                                                 const AwsCredentials &credentials) const
{
    return writePrivateFile(m_directory, filePath(key), ssoFileContent(credentials));
}

// The SSO provider formats the expiration itself: UTC, whole seconds, `Z`.
QByteArray CredentialCache::ssoFileContent(const AwsCredentials &c)
{
    const QString expiration =
        c.expiration.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + u'Z';
    const QByteArray credentials = pyObject({
        {QStringLiteral("AccessKeyId"), pyString(c.accessKeyId)},
        {QStringLiteral("SecretAccessKey"), pyString(c.secretAccessKey)},
        {QStringLiteral("SessionToken"), pyString(c.sessionToken)},
        {QStringLiteral("Expiration"), pyString(expiration)},
    });
    return pyObject({{QStringLiteral("ProviderType"), pyString(QStringLiteral("sso"))},
                     {QStringLiteral("Credentials"), credentials}});
}

std::optional<QString> CredentialCache::writePrivateFile(const QString &directory,
                                                         const QString &path,
                                                         const QByteArray &content)
{
    if (!ensureDirectory(directory))
        return QStringLiteral("cannot create the folder %1").arg(directory);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    // Private before the first byte of a key is written.
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(content);
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return std::nullopt;
}

} // namespace thingdeck
