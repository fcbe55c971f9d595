#include "mqtt/MessageExporter.h"

#include "mqtt/MessageLineFormatter.h"

#include <QDir>
#include <QSaveFile>
#include <QTimer>

namespace thingdeck {

MessageExporter::MessageExporter(QObject *parent)
    : QObject(parent)
{}

MessageExporter::~MessageExporter() = default;

bool MessageExporter::isRunning() const
{
    return m_file != nullptr;
}

void MessageExporter::start(const QString &path, const MqttMessageBatch &messages)
{
    cancel();
    m_path = path;
    m_messages = messages;
    m_done = 0;
    m_file = std::make_unique<QSaveFile>(path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        const QString cause = m_file->errorString();
        m_file.reset();
        const quint64 generation = m_generation;
        // Reported from the event loop, as every other outcome is.
        QTimer::singleShot(0, this, [this, generation, cause] {
            if (generation == m_generation)
                emit finished(fail(failure(cause)));
        });
        return;
    }
    scheduleChunk();
}

void MessageExporter::cancel()
{
    ++m_generation;
    if (m_file)
        m_file->cancelWriting();
    m_file.reset();
    m_messages.clear();
}

void MessageExporter::scheduleChunk()
{
    QTimer::singleShot(0, this, [this, generation = m_generation] {
        if (generation == m_generation && m_file)
            writeChunk();
    });
}

void MessageExporter::writeChunk()
{
    QByteArray out;
    const qsizetype end = std::min(m_messages.size(), m_done + kChunkMessages);
    qsizetype next = m_done;
    while (next < end && out.size() < kChunkBytes)
        MessageLineFormatter::append(m_messages.at(next++), out);
    if (m_file->write(out) != out.size())
        return finish(fail(failure(m_file->errorString())));
    m_done = next;
    const quint64 generation = m_generation;
    emit progress(m_done, m_messages.size());
    if (generation != m_generation) // a receiver cancelled or restarted
        return;
    if (m_done < m_messages.size())
        return scheduleChunk();
    if (!m_file->commit())
        return finish(fail(failure(m_file->errorString())));
    finish(m_done);
}

// Ends the export (the file is committed or abandoned by now) and reports `result`.
void MessageExporter::finish(const Result<qsizetype, QString> &result)
{
    ++m_generation;
    if (m_file && !result.ok())
        m_file->cancelWriting();
    m_file.reset();
    m_messages.clear();
    emit finished(result);
}

QString MessageExporter::failure(const QString &cause) const
{
    return QStringLiteral("Cannot export the messages to %1: %2.")
        .arg(QDir::toNativeSeparators(m_path), cause);
}

} // namespace thingdeck
