#include "mqtt/MessageImporter.h"

#include "mqtt/MessageLineParser.h"

#include <QDir>
#include <QFile>
#include <QTimer>

namespace thingdeck {

MessageImporter::MessageImporter(QObject *parent)
    : QObject(parent)
{}

MessageImporter::~MessageImporter() = default;

void MessageImporter::setChunkBytes(qint64 bytes)
{
    m_chunkBytes = std::max<qint64>(1, bytes);
}

void MessageImporter::setMaxLineBytes(qint64 bytes)
{
    m_maxLineBytes = std::max<qint64>(1, bytes);
}

bool MessageImporter::isRunning() const
{
    return m_file != nullptr;
}

void MessageImporter::start(const QString &path)
{
    cancel();
    m_path = path;
    m_lineNumber = 0;
    m_count = 0;
    m_file = std::make_unique<QFile>(path);
    if (!m_file->open(QIODevice::ReadOnly)) {
        const QString cause = m_file->errorString();
        m_file.reset();
        QTimer::singleShot(0, this, [this, generation = m_generation, cause] {
            if (generation == m_generation)
                emit finished(fail(failure(cause)));
        });
        return;
    }
    scheduleChunk();
}

void MessageImporter::cancel()
{
    ++m_generation;
    m_file.reset();
    m_pending.clear();
}

void MessageImporter::scheduleChunk()
{
    QTimer::singleShot(0, this, [this, generation = m_generation] {
        if (generation == m_generation && m_file)
            readChunk();
    });
}

void MessageImporter::readChunk()
{
    const qsizetype searchFrom = m_pending.size();
    m_pending += m_file->read(m_chunkBytes);
    if (m_pending.size() == searchFrom && !m_file->atEnd())
        return finish(fail(failure(m_file->errorString())));
    const bool atEnd = m_file->atEnd();
    if (atEnd && !m_pending.isEmpty() && !m_pending.endsWith('\n'))
        m_pending += '\n'; // the last line needs no newline
    const qint64 bytesRead = m_file->pos();
    MqttMessageBatch batch;
    const std::optional<QString> problem = takeLines(searchFrom, batch);
    const quint64 generation = m_generation;
    if (!batch.isEmpty())
        emit batchRead(batch);
    if (generation != m_generation) // a receiver cancelled or restarted
        return;
    if (problem)
        return finish(fail(failure(*problem)));
    emit progress(bytesRead, m_file->size());
    if (generation != m_generation)
        return;
    if (atEnd)
        return finish(m_count);
    scheduleChunk();
}

// Moves the complete lines of m_pending into `batch`; the unfinished rest stays pending.
// Only bytes from `searchFrom` on can hold a newline: those before are an unfinished line.
std::optional<QString> MessageImporter::takeLines(qsizetype searchFrom, MqttMessageBatch &batch)
{
    qsizetype start = 0;
    qsizetype end = 0;
    for (; (end = m_pending.indexOf('\n', std::max(start, searchFrom))) >= 0; start = end + 1) {
        if (auto problem = takeLine(QByteArrayView(m_pending).sliced(start, end - start), batch))
            return problem;
    }
    m_pending.remove(0, start);
    if (m_pending.size() > m_maxLineBytes) {
        ++m_lineNumber;
        return tooLong();
    }
    return std::nullopt;
}

std::optional<QString> MessageImporter::takeLine(QByteArrayView line, MqttMessageBatch &batch)
{
    ++m_lineNumber;
    if (line.size() > m_maxLineBytes)
        return tooLong();
    if (line.trimmed().isEmpty())
        return std::nullopt;
    auto parsed = MessageLineParser::parse(line);
    if (!parsed)
        return QStringLiteral("line %1 is not a message: %2").arg(m_lineNumber).arg(parsed.error());
    batch.append(std::move(parsed).value());
    ++m_count;
    return std::nullopt;
}

std::optional<QString> MessageImporter::tooLong() const
{
    const bool wholeMegabytes = m_maxLineBytes % (1 << 20) == 0;
    const QString limit = wholeMegabytes ? QStringLiteral("%1 MB").arg(m_maxLineBytes >> 20)
                                         : QStringLiteral("%1 bytes").arg(m_maxLineBytes);
    return QStringLiteral("line %1 is longer than %2, the most a line may have")
        .arg(m_lineNumber)
        .arg(limit);
}

void MessageImporter::finish(const Result<qsizetype, QString> &result)
{
    cancel();
    emit finished(result);
}

QString MessageImporter::failure(const QString &cause) const
{
    return QStringLiteral("Cannot import messages from %1: %2.")
        .arg(QDir::toNativeSeparators(m_path), cause);
}

} // namespace thingdeck
