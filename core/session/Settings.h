#pragma once

#include "Result.h"
#include "mqtt/SavedSubscription.h"
#include "session/ConnectionSettings.h"

#include <QByteArray>
#include <QList>
#include <QSettings>
#include <QString>

#include <memory>
#include <optional>

namespace thingdeck {

/// The one typed facade over the app's settings file (INI): saved connections, the last one
/// used, the theme and the views' saved state. Never holds a secret (see SecretStore).
class Settings
{
public:
    enum class Theme { System, Light, Dark };

    explicit Settings(const QString &filePath);
    ~Settings();
    Q_DISABLE_COPY_MOVE(Settings)

    /// GenericConfigLocation + "/thingdeck/thingdeck.conf", independent of the application's
    /// organisation and name.
    static QString defaultFilePath();

    /// Every saved connection, sorted by name (case-insensitive).
    QList<ConnectionSettings> connections() const;
    std::optional<ConnectionSettings> connection(const QString &name) const;
    /// Inserts, or replaces the connection called `previousName` (a rename when the names
    /// differ). Refuses settings that do not validate and a name another connection has.
    Result<bool, QString> saveConnection(const ConnectionSettings &settings,
                                         const QString &previousName = {});
    /// Saves a copy under "X (copy)", "X (copy 2)", …; returns the new name.
    Result<QString, QString> duplicateConnection(const QString &name);
    void removeConnection(const QString &name);
    /// `base` when no connection has that name, else "base 2", "base 3", …
    QString uniqueName(const QString &base) const;

    /// The MQTT subscriptions saved with a connection, in the pane's order.
    QList<SavedSubscription> subscriptions(const QString &connection) const;
    /// Whether subscriptions were ever saved for the connection (an empty list included).
    bool hasSubscriptions(const QString &connection) const;
    void setSubscriptions(const QString &connection, const QList<SavedSubscription> &subscriptions);
    /// The cap of the message pane: messages and bytes; 0 when never set (use the defaults).
    QPair<qint64, qint64> messageCaps() const;
    void setMessageCaps(qint64 messages, qint64 bytes);

    QString lastConnection() const;
    void setLastConnection(const QString &name);

    Theme theme() const;
    void setTheme(Theme theme);

    /// Opaque state a view saved (window geometry, dock state, header state); empty if none.
    QByteArray viewState(const QString &key) const;
    void setViewState(const QString &key, const QByteArray &state);

    QString filePath() const;
    /// Writes pending changes to the file now.
    void sync();

private:
    QList<ConnectionSettings> readAll() const;
    void writeAll(const QList<ConnectionSettings> &connections);
    static QString subscriptionsKey(const QString &connection);
    ConnectionSettings readConnection() const;
    void writeConnection(const ConnectionSettings &c);

    std::unique_ptr<QSettings> m_settings;
};

} // namespace thingdeck
