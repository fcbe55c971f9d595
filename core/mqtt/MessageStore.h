#pragma once

#include "mqtt/MqttMessage.h"

#include <QHash>
#include <QObject>

#include <array>
#include <functional>
#include <span>
#include <vector>

namespace thingdeck {

/// The capped buffer of MQTT messages seen by one connection, received and published alike.
/// A ring buffer: append and eviction are O(1) per message and reuse the slots, so memory stays
/// bounded by two caps, whichever bites first: the message count (capacity()) and the bytes
/// held (byteBudget(), measured by messageBytes()). The newest message is always kept, even
/// when it alone is larger than the byte budget: it is evicted by the next append. Every appended
/// message gets the next id (1, 2, 3, …); the stored messages always carry consecutive ids, so a
/// message is found by id in O(1). Messages pushed out by the cap are counted as dropped. Payloads
/// are kept raw (see PayloadFormatter).
class MessageStore : public QObject
{
    Q_OBJECT
public:
    /// Milliseconds on a monotonic clock; injected so that rate() can be tested.
    using Clock = std::function<qint64()>;

    static constexpr qsizetype kDefaultCapacity = 100000;
    /// Rows of a model are ints; the cap stays far below that.
    static constexpr qsizetype kMaxCapacity = 50000000;
    /// rate() counts the messages of the last kRateWindowMs, in whole buckets.
    static constexpr qint64 kRateBucketMs = 250;
    static constexpr int kRateBuckets = 4;
    static constexpr qint64 kRateWindowMs = kRateBucketMs * kRateBuckets;
    static constexpr qint64 kDefaultByteBudget = 256LL * 1024 * 1024;
    static constexpr qint64 kMinByteBudget = 1LL << 20;
    static constexpr qint64 kMaxByteBudget = 1LL << 36;
    /// What messageBytes() adds per message besides its strings: the ring slot (an MqttMessage
    /// of about 90 bytes) plus the allocation headers of its payload and topic.
    static constexpr qint64 kMessageOverheadBytes = 128;

    explicit MessageStore(QObject *parent = nullptr);
    explicit MessageStore(Clock clock, QObject *parent = nullptr);

    /// Stores copies of the messages with fresh ids (the ids in the batch are ignored) and
    /// evicts the oldest beyond the cap. Emits messagesChanged() once.
    void append(const MqttMessageBatch &batch);
    /// The same for a single message, e.g. MqttConnection::messagePublished.
    void appendMessage(const MqttMessage &message);
    /// Removes every message; ids keep counting and the removed ones are not counted as dropped.
    void clear();

    qsizetype capacity() const { return m_capacity; }
    /// Takes effect at once: shrinking evicts (and counts as dropped) the oldest messages.
    /// Clamped to [1, kMaxCapacity].
    void setCapacity(qsizetype capacity);

    qint64 byteBudget() const { return m_byteBudget; }
    /// Takes effect at once: shrinking evicts (and counts as dropped) the oldest messages until
    /// byteSize() fits, keeping the newest one. Clamped to [kMinByteBudget, kMaxByteBudget].
    void setByteBudget(qint64 bytes);
    /// The sum of messageBytes() over the stored messages.
    qint64 byteSize() const { return m_bytes; }
    /// What a message counts against the byte budget: payload bytes, the topic's UTF-16 bytes,
    /// kMessageOverheadBytes, and the properties' strings and data when it has any. A topic
    /// counts in full for every message although the store shares one string per topic, so
    /// the figure is an upper bound of the memory held.
    static qint64 messageBytes(const MqttMessage &message);

    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    /// index 0 is the oldest stored message; index must be in [0, size()).
    const MqttMessage &at(qsizetype index) const;
    /// The stored message with this id, or nullptr when it was evicted or never assigned.
    const MqttMessage *findById(quint64 id) const;
    /// The id of the oldest stored message; equals nextId() when the store is empty.
    quint64 firstId() const { return m_nextId - quint64(m_size); }
    /// The id the next appended message will get.
    quint64 nextId() const { return m_nextId; }

    /// Messages evicted by either cap since construction.
    quint64 droppedCount() const { return m_dropped; }
    /// How many of the stored messages carry each topic (so it is bounded by the cap, too).
    /// Its keys are the topic strings the stored messages share.
    const QHash<QString, qsizetype> &topicCounts() const { return m_topicCounts; }
    /// Messages per second appended during the last kRateWindowMs (whole buckets only, so the
    /// figure lags by up to kRateBucketMs).
    double rate() const;

Q_SIGNALS:
    /// Once per append/setCapacity/setByteBudget/clear: `appended` messages were added at the
    /// end and `evicted` removed from the front (which, for a batch larger than the room left,
    /// includes some of the batch itself). Evictions by either cap count.
    void messagesChanged(qsizetype appended, qsizetype evicted);
    void capacityChanged(qsizetype capacity);
    void byteBudgetChanged(qint64 bytes);

private:
    struct RateBucket
    {
        qint64 bucket = -1; ///< time / kRateBucketMs; -1 when unused
        qint64 count = 0;
    };

    void appendAll(std::span<const MqttMessage> messages);
    void push(const MqttMessage &message);
    void ensureRoom();
    void linearize();
    qsizetype evictFront(qsizetype count);
    qsizetype evictOverBudget();
    void shareTopic(MqttMessage &slot);
    void forgetTopic(const QString &topic);
    void recordRate(qsizetype count);
    qsizetype slotOf(qsizetype index) const;

    Clock m_clock;
    std::vector<MqttMessage> m_slots; ///< grows on demand up to m_capacity, then wraps
    qsizetype m_head = 0;             ///< slot of the oldest message
    qsizetype m_size = 0;
    qsizetype m_capacity = kDefaultCapacity;
    quint64 m_nextId = 1;
    quint64 m_dropped = 0;
    qint64 m_byteBudget = kDefaultByteBudget;
    qint64 m_bytes = 0;
    QHash<QString, qsizetype> m_topicCounts;
    std::array<RateBucket, kRateBuckets + 1> m_rate; ///< + 1 for the bucket being filled
};

} // namespace thingdeck
