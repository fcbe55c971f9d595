#pragma once

#include <QAbstractTableModel>
#include <QTimer>

namespace thingdeck {

class MessageStore;
struct MqttMessage;

/// A table over a MessageStore, one row per stored message, oldest first. The store changes
/// at once; the model follows on a single-shot timer armed only when the store has changed,
/// so a flood of batches becomes one beginRemoveRows (evicted from the front) and one
/// beginInsertRows (appended at the end) per flush. Messages both appended and evicted
/// between two flushes never become rows. Until the flush, rows already evicted from the
/// store read as empty. Display strings are made in data(), for the rows a view asks for;
/// the raw values are under the custom roles, for sorting and filtering.
///
/// The store must outlive the model.
class MessageTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        DirectionColumn,
        TopicColumn,
        QosColumn,
        RetainedColumn,
        SizeColumn,
        PayloadColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        /// The column's raw value (ms since the epoch, bool, topic, int, bytes); a sort role.
        RawRole = Qt::UserRole + 1,
        IdRole,        ///< quint64, the store's id
        TopicRole,     ///< QString
        PayloadRole,   ///< QByteArray, raw
        TimestampRole, ///< qint64, ms since the epoch (UTC)
        OutgoingRole,  ///< bool, published by this client
    };
    Q_ENUM(Role)

    static constexpr int kDefaultFlushIntervalMs = 50;

    explicit MessageTableModel(const MessageStore *store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// The message shown in this row, or nullptr when the store evicted it since the last
    /// flush (or the row is out of range).
    const MqttMessage *messageAt(int row) const;
    /// The row of the message with this id, or -1.
    int rowOfId(quint64 id) const;

    int flushInterval() const { return m_flushTimer.interval(); }
    void setFlushInterval(int milliseconds);
    /// Whether the store has changed since the last flush.
    bool hasPendingChanges() const { return m_flushTimer.isActive(); }
    /// Brings the rows up to date with the store now instead of when the timer fires.
    void flush();

    /// While paused the rows do not change at all (the view stands still); the store keeps
    /// taking messages up to its cap. Resuming brings the rows up to date at once.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    /// Messages the store took that are not rows yet (those that arrived while paused, or since
    /// the last flush).
    quint64 pendingCount() const;

private:
    void onStoreChanged(qsizetype appended, qsizetype evicted);
    void removeEvicted();
    void insertAppended();
    static QVariant displayData(const MqttMessage &message, int column);
    static QVariant rawData(const MqttMessage &message, int column);

    const MessageStore *m_store;
    quint64 m_firstId = 0; ///< the store id of row 0
    int m_rowCount = 0;
    QTimer m_flushTimer;
    bool m_paused = false;
};

} // namespace thingdeck
