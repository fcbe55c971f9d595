#pragma once

#include "mqtt/MqttMessage.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

class QJsonObject;

namespace thingdeck {

/// One publish as the user made it, and what became of it.
struct PublishRecord
{
    enum Via { Mqtt, Https };
    enum Outcome { Pending, Sent, Acknowledged, Failed };

    QString topic;
    QByteArray payload;
    int qos = 0;
    bool retain = false;
    MqttProperties properties;
    Via via = Mqtt;
    qint64 timeMs = 0; ///< milliseconds since the epoch, UTC
    Outcome outcome = Pending;
    QString error; ///< why it failed; empty otherwise
    bool operator==(const PublishRecord &) const = default;
};

/// The recent publishes of one connection and its named payload templates, kept across
/// restarts. One JSON file per connection (the hex SHA-1 of its name, so any name is a safe
/// file name) in a directory of the caller's choice, written atomically on every change; the
/// directory is made private (0700) and the files 0600, since payloads may be sensitive.
/// Every change is kept in memory even when writing fails; the write's error is returned as a
/// sentence (nullopt when all went well).
class PublishHistory : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxRecords = 100;   ///< the oldest are dropped beyond
    static constexpr int kMaxTemplates = 200; ///< a new one is refused beyond

    explicit PublishHistory(QString directory, QObject *parent = nullptr);

    /// Switches to `connectionName` and reads its file, replacing what is in memory. A missing
    /// file is no problem; a damaged one (or one of another format) is moved aside, named in
    /// the returned sentence, and the history starts empty.
    std::optional<QString> load(const QString &connectionName);
    /// The connection given to the last load(); empty before.
    const QString &connectionName() const;
    /// The file of the current connection; empty before load().
    QString filePath() const;
    /// The file name used for `connectionName`: hex SHA-1 of its UTF-8 and ".json".
    static QString fileNameFor(const QString &connectionName);

    /// The recent publishes, most recent first.
    const QList<PublishRecord> &records() const;
    /// Puts `record` first (dropping the oldest beyond kMaxRecords) and saves.
    std::optional<QString> add(const PublishRecord &record);
    /// Sets the outcome of records()[index] (and its error, for Failed) and saves.
    std::optional<QString> setOutcome(int index, PublishRecord::Outcome outcome,
                                      const QString &error = QString());
    /// Forgets the recent publishes (the templates stay) and saves.
    std::optional<QString> clear();

    /// The template names, sorted case-insensitively.
    QStringList templateNames() const;
    std::optional<PublishRecord> templateNamed(const QString &name) const;
    /// Stores `record` under `name` (replacing a template of that name) and saves. An empty
    /// name, or a new name beyond kMaxTemplates, is refused and nothing changes.
    std::optional<QString> saveTemplate(const QString &name, const PublishRecord &record);
    /// Forgets the template `name` (no error when there is none) and saves.
    std::optional<QString> removeTemplate(const QString &name);

Q_SIGNALS:
    /// The records or templates changed (load, add, setOutcome, clear, templates).
    void changed();

private:
    std::optional<QString> readFile();
    std::optional<QString> read(const QByteArray &bytes);
    std::optional<QString> moveAside(const QString &why) const;
    std::optional<QString> save();
    std::optional<QString> makeDirectory() const;
    QByteArray serialize() const;

    QString m_directory;
    QString m_connection;
    QList<PublishRecord> m_records; ///< most recent first
    QHash<QString, PublishRecord> m_templates;
};

} // namespace thingdeck
