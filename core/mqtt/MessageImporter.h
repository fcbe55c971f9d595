#pragma once

#include "Result.h"
#include "mqtt/MqttMessage.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

class QFile;

namespace thingdeck {

/// Reads a file of JSON lines (as MessageExporter writes and `thingdeck-cli sub` prints) back
/// into messages without blocking the event loop: one chunk of the file per event-loop turn,
/// its complete lines parsed (MessageLineParser) and handed over as one batch. Empty lines are
/// skipped. A line longer than the line limit stops the import, so a file without newlines
/// cannot take unbounded memory.
class MessageImporter : public QObject
{
    Q_OBJECT
public:
    /// About 6 ms of parsing in a release build (JSON parsing costs ~3 µs a short line), so the
    /// event loop stays responsive; 4 MB would hold it for ~100 ms.
    static constexpr qint64 kDefaultChunkBytes = 256 << 10;
    static constexpr qint64 kDefaultMaxLineBytes = qint64(64) << 20;

    explicit MessageImporter(QObject *parent = nullptr);
    ~MessageImporter() override;
    Q_DISABLE_COPY_MOVE(MessageImporter)

    /// How much of the file one event-loop turn reads (for tests and tuning; at least 1).
    void setChunkBytes(qint64 bytes);
    /// The longest line accepted, newline excluded.
    void setMaxLineBytes(qint64 bytes);

    /// Starts reading `path`. An import still running is cancelled first. Reports through
    /// batchRead(), progress() and finished(), always from the event loop.
    void start(const QString &path);
    /// Stops the running import; finished() is not emitted. Batches already emitted stay
    /// with their receivers.
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    /// The messages of the lines completed by one chunk, in file order (never empty).
    void batchRead(const thingdeck::MqttMessageBatch &messages);
    /// After each chunk: `bytesRead` of the file's `total` bytes are read.
    void progress(qint64 bytesRead, qint64 total);
    /// The count of messages read, or a sentence naming the file and the cause; a bad line is
    /// named by its number (counting from 1), and the messages before it have been emitted.
    void finished(const thingdeck::Result<qsizetype, QString> &result);

private:
    void scheduleChunk();
    void readChunk();
    std::optional<QString> takeLines(qsizetype searchFrom, MqttMessageBatch &batch);
    std::optional<QString> takeLine(QByteArrayView line, MqttMessageBatch &batch);
    std::optional<QString> tooLong() const;
    void finish(const Result<qsizetype, QString> &result);
    QString failure(const QString &cause) const;

    qint64 m_chunkBytes = kDefaultChunkBytes;
    qint64 m_maxLineBytes = kDefaultMaxLineBytes;
    QString m_path;
    std::unique_ptr<QFile> m_file; ///< set while an import runs
    QByteArray m_pending;          ///< the start of a line whose end is not read yet
    qint64 m_lineNumber = 0;       ///< of the last line taken
    qsizetype m_count = 0;
    quint64 m_generation = 0; ///< tells a stale queued chunk from the current one
};

} // namespace thingdeck
