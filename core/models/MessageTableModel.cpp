#include "models/MessageTableModel.h"

#include "mqtt/MessageStore.h"
#include "mqtt/PayloadFormatter.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace thingdeck {

MessageTableModel::MessageTableModel(const MessageStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_firstId(store->firstId())
    , m_rowCount(int(store->size()))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kDefaultFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &MessageTableModel::flush);
    connect(m_store, &MessageStore::messagesChanged, this, &MessageTableModel::onStoreChanged);
}

int MessageTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int MessageTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MessageTableModel::data(const QModelIndex &index, int role) const
{
    // Views and proxies ask about invalid indexes on purpose; only valid ones are checked.
    if (!index.isValid())
        return {};
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid));
    const MqttMessage *message = messageAt(index.row());
    if (!message)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return displayData(*message, index.column());
    case Qt::TextAlignmentRole:
        if (index.column() == QosColumn || index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RawRole:
        return rawData(*message, index.column());
    case IdRole:
        return QVariant::fromValue(message->id);
    case TopicRole:
        return message->topic;
    case PayloadRole:
        return message->payload;
    case TimestampRole:
        return QVariant::fromValue(message->timestampMs);
    case OutgoingRole:
        return message->outgoing;
    default:
        return {};
    }
}

QVariant MessageTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case DirectionColumn:
        return tr("Dir");
    case TopicColumn:
        return tr("Topic");
    case QosColumn:
        return tr("QoS");
    case RetainedColumn:
        return tr("Retained");
    case SizeColumn:
        return tr("Size");
    case PayloadColumn:
        return tr("Payload");
    default:
        return {};
    }
}

Qt::ItemFlags MessageTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return QAbstractTableModel::flags(index) | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> MessageTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(RawRole, QByteArrayLiteral("raw"));
    names.insert(IdRole, QByteArrayLiteral("messageId"));
    names.insert(TopicRole, QByteArrayLiteral("topic"));
    names.insert(PayloadRole, QByteArrayLiteral("payload"));
    names.insert(TimestampRole, QByteArrayLiteral("timestampMs"));
    names.insert(OutgoingRole, QByteArrayLiteral("outgoing"));
    return names;
}

const MqttMessage *MessageTableModel::messageAt(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return nullptr;
    return m_store->findById(m_firstId + quint64(row));
}

int MessageTableModel::rowOfId(quint64 id) const
{
    if (id < m_firstId || id - m_firstId >= quint64(m_rowCount))
        return -1;
    return int(id - m_firstId);
}

void MessageTableModel::setFlushInterval(int milliseconds)
{
    m_flushTimer.setInterval(std::max(0, milliseconds));
}

void MessageTableModel::flush()
{
    m_flushTimer.stop();
    if (m_paused)
        return;
    removeEvicted();
    insertAppended();
}

void MessageTableModel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!m_paused)
        flush();
}

quint64 MessageTableModel::pendingCount() const
{
    const quint64 end = m_firstId + quint64(m_rowCount);
    return m_store->nextId() > end ? m_store->nextId() - end : 0;
}

void MessageTableModel::onStoreChanged(qsizetype appended, qsizetype evicted)
{
    if (m_paused)
        return;
    if ((appended > 0 || evicted > 0) && !m_flushTimer.isActive())
        m_flushTimer.start();
}

void MessageTableModel::removeEvicted()
{
    const quint64 storeFirst = m_store->firstId();
    if (storeFirst > m_firstId && m_rowCount > 0) {
        const int count = int(std::min<quint64>(storeFirst - m_firstId, quint64(m_rowCount)));
        beginRemoveRows({}, 0, count - 1);
        m_firstId += quint64(count);
        m_rowCount -= count;
        endRemoveRows();
    }
    // With no rows left the next row is the store's oldest, whatever was skipped before it.
    if (m_rowCount == 0)
        m_firstId = storeFirst;
}

void MessageTableModel::insertAppended()
{
    const quint64 end = m_firstId + quint64(m_rowCount);
    if (m_store->nextId() <= end)
        return;
    const int count = int(m_store->nextId() - end);
    beginInsertRows({}, m_rowCount, m_rowCount + count - 1);
    m_rowCount += count;
    endInsertRows();
}

QVariant MessageTableModel::displayData(const MqttMessage &message, int column)
{
    switch (column) {
    case TimeColumn:
        return QDateTime::fromMSecsSinceEpoch(message.timestampMs)
            .toLocalTime()
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case DirectionColumn:
        return message.outgoing ? tr("out") : tr("in");
    case TopicColumn:
        return message.topic;
    case QosColumn:
        return int(message.qos);
    case RetainedColumn:
        return message.retained ? tr("yes") : QString();
    case SizeColumn:
        return QLocale().toString(qint64(message.payload.size()));
    case PayloadColumn:
        return PayloadFormatter::preview(message.payload);
    default:
        return {};
    }
}

QVariant MessageTableModel::rawData(const MqttMessage &message, int column)
{
    switch (column) {
    case TimeColumn:
        return QVariant::fromValue(message.timestampMs);
    case DirectionColumn:
        return message.outgoing;
    case TopicColumn:
        return message.topic;
    case QosColumn:
        return int(message.qos);
    case RetainedColumn:
        return message.retained;
    case SizeColumn:
        return QVariant::fromValue(qint64(message.payload.size()));
    case PayloadColumn:
        return message.payload;
    default:
        return {};
    }
}

} // namespace thingdeck
