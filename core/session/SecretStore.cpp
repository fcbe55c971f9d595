#include "session/SecretStore.h"

#include "session/SessionLogging.h"

#include <QPointer>

#include <qt6keychain/keychain.h>

namespace thingdeck {

namespace {

const QString kKeptInMemory =
    QStringLiteral("The passphrase is kept in memory until Thingdeck closes.");

bool isNoKeyring(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError;
}

QString writeError(const QKeychain::Job &job)
{
    if (isNoKeyring(job.error()))
        return QStringLiteral("No desktop keyring is available (%1). ").arg(job.errorString()) +
               kKeptInMemory;
    if (job.error() == QKeychain::AccessDeniedByUser || job.error() == QKeychain::AccessDenied)
        return QStringLiteral("The desktop keyring refused access (%1). ").arg(job.errorString()) +
               kKeptInMemory;
    return QStringLiteral("The desktop keyring could not save the passphrase (%1). ")
               .arg(job.errorString()) +
           kKeptInMemory;
}

QString readError(const QKeychain::Job &job, const QString &connection)
{
    const QString askAgain = QStringLiteral("Thingdeck asks for the passphrase instead.");
    if (job.error() == QKeychain::EntryNotFound)
        return QStringLiteral("There is no passphrase saved for \"%1\" in the desktop keyring. ")
                   .arg(connection) +
               askAgain;
    if (isNoKeyring(job.error()))
        return QStringLiteral("No desktop keyring is available (%1). ").arg(job.errorString()) +
               askAgain;
    return QStringLiteral("The desktop keyring did not give the passphrase for \"%1\" (%2). ")
               .arg(connection, job.errorString()) +
           askAgain;
}

} // namespace

SecretStore::SecretStore(QObject *parent)
    : QObject(parent)
{}

SecretStore::~SecretStore() = default;

QString SecretStore::keyringKey(const QString &connection)
{
    return QStringLiteral("passphrase/") + connection;
}

void SecretStore::rememberInMemory(const QString &connection, const QByteArray &passphrase)
{
    m_memory.insert(connection, passphrase);
}

std::optional<QByteArray> SecretStore::memoryPassphrase(const QString &connection) const
{
    const auto found = m_memory.constFind(connection);
    if (found == m_memory.constEnd())
        return std::nullopt;
    return *found;
}

void SecretStore::forgetInMemory(const QString &connection)
{
    m_memory.remove(connection);
}

void SecretStore::readFromKeyring(const QString &connection, QObject *context, Done done)
{
    auto *job = new QKeychain::ReadPasswordJob(QLatin1String(kService));
    job->setKey(keyringKey(connection));
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this,
            [this, connection, guard, read = job, done = std::move(done)] {
                if (read->error() == QKeychain::NoError)
                    rememberInMemory(connection, read->binaryData());
                else
                    qCDebug(lcSession) << "keyring read failed:" << read->errorString();
                if (!guard)
                    return;
                if (read->error() != QKeychain::NoError)
                    return done(fail(readError(*read, connection)));
                done(read->binaryData());
            });
    job->start();
}

void SecretStore::writeToKeyring(const QString &connection, const QByteArray &passphrase,
                                 QObject *context, WriteDone done)
{
    rememberInMemory(connection, passphrase);
    auto *job = new QKeychain::WritePasswordJob(QLatin1String(kService));
    job->setKey(keyringKey(connection));
    job->setBinaryData(passphrase);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this,
            [guard, done = std::move(done)](QKeychain::Job *finished) {
                if (finished->error() != QKeychain::NoError)
                    qCDebug(lcSession) << "keyring write failed:" << finished->errorString();
                if (!guard)
                    return;
                if (finished->error() != QKeychain::NoError)
                    return done(fail(writeError(*finished)));
                done(true);
            });
    job->start();
}

void SecretStore::removeFromKeyring(const QString &connection)
{
    forgetInMemory(connection);
    auto *job = new QKeychain::DeletePasswordJob(QLatin1String(kService));
    job->setKey(keyringKey(connection));
    job->start();
}

} // namespace thingdeck
