#pragma once

#include "Result.h"
#include "mqtt/MqttMessage.h"

#include <QObject>
#include <QString>

#include <memory>

class QSaveFile;

namespace thingdeck {

/// Writes messages to a file as JSON lines (MessageLineFormatter, as `thingdeck-cli sub`
/// prints them) without blocking the event loop: a chunk of at most kChunkMessages messages
/// (and about kChunkBytes of text) per event-loop turn. The file appears only when every
/// message is written (QSaveFile), so a failed or cancelled export leaves no partial file.
class MessageExporter : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kChunkMessages = 2000;
    static constexpr qsizetype kChunkBytes = 4 << 20;

    explicit MessageExporter(QObject *parent = nullptr);
    ~MessageExporter() override;
    Q_DISABLE_COPY_MOVE(MessageExporter)

    /// Starts writing `messages` to `path` (replacing the file when the export succeeds). An
    /// export still running is cancelled first. Reports through progress() and finished();
    /// when the file cannot be opened, finished() comes from the event loop all the same.
    void start(const QString &path, const MqttMessageBatch &messages);
    /// Stops the running export; no file is written or replaced, and finished() is not
    /// emitted. Does nothing when no export runs.
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    /// After each chunk: `done` of `total` messages are written.
    void progress(qsizetype done, qsizetype total);
    /// The count of messages written, or a sentence naming the file and the cause.
    void finished(const thingdeck::Result<qsizetype, QString> &result);

private:
    void scheduleChunk();
    void writeChunk();
    void finish(const Result<qsizetype, QString> &result);
    QString failure(const QString &cause) const;

    QString m_path;
    MqttMessageBatch m_messages;
    qsizetype m_done = 0;
    std::unique_ptr<QSaveFile> m_file; ///< set while an export runs
    quint64 m_generation = 0;          ///< tells a stale queued chunk from the current one
};

} // namespace thingdeck
