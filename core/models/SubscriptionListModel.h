#pragma once

#include "Result.h"
#include "mqtt/MqttMessage.h"
#include "mqtt/MqttSubscription.h"
#include "mqtt/SavedSubscription.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QTimer>

#include <vector>

namespace thingdeck {

class MqttConnection;

/// The subscriptions of one connection as rows: filter, QoS, messages counted, messages per
/// second and state. Adding subscribes (now, or once connected; MqttConnection restores every
/// subscription after a reconnect), pausing unsubscribes and keeps the row, resuming subscribes
/// again. A subscription the broker refused, or that the connection's policy diagnosis names,
/// shows as refused with the reason and the advice, and is not subscribed again until the user
/// resumes it. Each row has a colour index; colourOfTopic() tells the message table which
/// subscription a topic belongs to (the first matching row that is not paused).
///
/// Counting costs one hash lookup per message: the rows a topic matches are cached per topic
/// (the cache is bounded and emptied when the subscriptions change).
class SubscriptionListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { FilterColumn, QosColumn, CountColumn, RateColumn, StateColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        ColourRole = Qt::UserRole + 1, ///< int, palette index
        PausedRole,                    ///< bool
        FailedRole,                    ///< bool: refused or denied
        FilterRole,                    ///< QString
    };
    Q_ENUM(Role)

    enum class RowState { Pending, Active, Paused, Refused };

    static constexpr int kColourCount = 10;
    static constexpr qsizetype kMaxSubscriptions = 200;
    static constexpr qsizetype kTopicCacheLimit = 20000;
    static constexpr int kRateIntervalMs = 1000;

    /// `connection` must outlive the model or be destroyed with it (handles are QPointers).
    explicit SubscriptionListModel(MqttConnection *connection, QObject *parent = nullptr);
    ~SubscriptionListModel() override;
    Q_DISABLE_COPY_MOVE(SubscriptionListModel)

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Validates `filter` (TopicFilter) and subscribes; refuses a filter already listed. Returns
    /// the new row, or a sentence.
    Result<int, QString> add(const QString &filter, int qos);
    void remove(int row);
    void setPaused(int row, bool paused);
    /// Replaces every row with `saved` (and subscribes the ones not paused).
    void restore(const QList<SavedSubscription> &saved);
    QList<SavedSubscription> saved() const;
    /// The row of this filter, or -1.
    int rowOf(const QString &filter) const;

    RowState rowState(int row) const;
    /// Why the row is refused, with the advice; empty otherwise.
    QString problem(int row) const;
    quint64 messageCount(int row) const;
    double rate(int row) const;
    /// The colour index of the subscription `topic` arrived on, or -1 when none matches.
    int colourOfTopic(const QString &topic) const;
    /// Counts each message once for every row it matches.
    void countMessages(const MqttMessageBatch &batch);
    /// Sets every count to zero (the pane's Clear).
    void resetCounts();

Q_SIGNALS:
    /// Rows added, removed, paused or resumed: what saved() returns changed.
    void subscriptionsChanged();

private:
    struct Row
    {
        SavedSubscription saved;
        QPointer<MqttSubscription> handle;
        quint64 count = 0;
        quint64 countAtTick = 0;
        double rate = 0;
    };

    void subscribeRow(Row &row);
    void unsubscribeRow(Row &row);
    void onHandleStateChanged();
    void updateRates();
    int nextColour() const;
    const QList<int> &rowsMatching(const QString &topic) const;
    void invalidateTopics();
    QVariant displayData(int row, int column) const;
    QString stateText(int row) const;
    void emitRowChanged(int row);

    QPointer<MqttConnection> m_connection;
    std::vector<Row> m_rows;
    mutable QHash<QString, QList<int>> m_topicRows;
    QTimer m_rateTimer;
};

} // namespace thingdeck
