#pragma once

#include "Result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace thingdeck {

/// Private-key passphrases by connection name: in memory for the session, and in the desktop
/// keyring (Secret Service / KWallet through QtKeychain; service "thingdeck", key
/// "passphrase/<connection>") only when asked. Never writes a secret anywhere else, never logs
/// one. Keyring calls are asynchronous and report to a callback bound to a context object.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const Result<QByteArray, QString> &)>;
    using WriteDone = std::function<void(const Result<bool, QString> &)>;

    static constexpr const char *kService = "thingdeck";

    explicit SecretStore(QObject *parent = nullptr);
    ~SecretStore() override;
    Q_DISABLE_COPY_MOVE(SecretStore)

    void rememberInMemory(const QString &connection, const QByteArray &passphrase);
    std::optional<QByteArray> memoryPassphrase(const QString &connection) const;
    void forgetInMemory(const QString &connection);

    /// The keyring's passphrase for `connection` (kept in memory too), or a sentence: none
    /// saved, no keyring, access refused. `done` runs later, never once `context` is gone.
    void readFromKeyring(const QString &connection, QObject *context, Done done);
    /// Keeps the passphrase in memory at once, then saves it in the keyring. A failure's
    /// sentence says why and that the passphrase stays in memory until Thingdeck closes.
    void writeToKeyring(const QString &connection, const QByteArray &passphrase, QObject *context,
                        WriteDone done);
    /// Deletes the keyring entry (if any) and forgets the passphrase in memory; best effort.
    void removeFromKeyring(const QString &connection);

    /// The keyring key of a connection's passphrase.
    static QString keyringKey(const QString &connection);

private:
    QHash<QString, QByteArray> m_memory;
};

} // namespace thingdeck
