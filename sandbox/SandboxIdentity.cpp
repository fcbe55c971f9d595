#include "SandboxIdentity.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSaveFile>

namespace thingdeck {

namespace {

QString randomFrom(const char *alphabet, int length)
{
    const auto size = int(qstrlen(alphabet));
    QString out;
    for (int i = 0; i < length; ++i)
        out += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(size)]);
    return out;
}

SandboxIdentity create()
{
    // Shapes of real keys: AKIA + 16 base32 characters, a 40-character secret.
    return SandboxIdentity{
        randomFrom("0123456789", 12),
        QStringLiteral("AKIA") + randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)};
}

Result<SandboxIdentity, QString> save(const QString &path, const SandboxIdentity &identity)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1: %2; choose a --state-dir you can write to")
                        .arg(path, file.errorString()));
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    const QJsonObject json{{QStringLiteral("accountId"), identity.accountId},
                           {QStringLiteral("accessKeyId"), identity.accessKeyId},
                           {QStringLiteral("secretAccessKey"), identity.secretAccessKey}};
    file.write(QJsonDocument(json).toJson());
    if (!file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return identity;
}

} // namespace

Result<SandboxIdentity, QString> SandboxIdentity::loadOrCreate(const QString &stateDir)
{
    const QString path = stateDir + QStringLiteral("/identity.json");
    QFile file(path);
    if (!file.exists())
        return save(path, create());
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    SandboxIdentity identity{json.value(QStringLiteral("accountId")).toString(),
                             json.value(QStringLiteral("accessKeyId")).toString(),
                             json.value(QStringLiteral("secretAccessKey")).toString()};
    if (identity.accessKeyId.isEmpty() || identity.secretAccessKey.isEmpty())
        return fail(
            QStringLiteral("%1 is damaged; delete it and the sandbox makes new keys").arg(path));
    return identity;
}

} // namespace thingdeck
