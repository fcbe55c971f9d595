#include "mqtt/MessageStore.h"

#include <QElapsedTimer>

#include <algorithm>

namespace thingdeck {

namespace {

// The slot vector grows by doubling, from this many, until it reaches the capacity.
constexpr qsizetype kInitialSlots = 64;

MessageStore::Clock monotonicClock()
{
    QElapsedTimer timer;
    timer.start();
    return [timer] {
        return timer.elapsed();
    };
}

} // namespace

MessageStore::MessageStore(QObject *parent)
    : MessageStore(monotonicClock(), parent)
{}

MessageStore::MessageStore(Clock clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock ? std::move(clock) : monotonicClock())
{}

void MessageStore::append(const MqttMessageBatch &batch)
{
    appendAll(std::span(batch.constData(), std::size_t(batch.size())));
}

void MessageStore::appendMessage(const MqttMessage &message)
{
    appendAll(std::span(&message, 1));
}

void MessageStore::clear()
{
    const qsizetype removed = m_size;
    // Swapping with an empty vector gives the slots' memory back, which clear() would not.
    std::vector<MqttMessage>().swap(m_slots);
    m_head = 0;
    m_size = 0;
    m_bytes = 0;
    m_topicCounts.clear();
    if (removed > 0)
        emit messagesChanged(0, removed);
}

void MessageStore::setCapacity(qsizetype capacity)
{
    capacity = std::clamp<qsizetype>(capacity, 1, kMaxCapacity);
    if (capacity == m_capacity)
        return;
    m_capacity = capacity;
    const qsizetype evicted = m_size > capacity ? evictFront(m_size - capacity) : 0;
    m_dropped += quint64(evicted);
    if (qsizetype(m_slots.size()) > capacity) {
        // Keep memory bounded by the new cap: drop the evicted slots and the spare ones.
        linearize();
        m_slots.resize(std::size_t(m_size));
        m_slots.shrink_to_fit();
    }
    emit capacityChanged(capacity);
    if (evicted > 0)
        emit messagesChanged(0, evicted);
}

void MessageStore::setByteBudget(qint64 bytes)
{
    bytes = std::clamp(bytes, kMinByteBudget, kMaxByteBudget);
    if (bytes == m_byteBudget)
        return;
    m_byteBudget = bytes;
    const qsizetype evicted = evictOverBudget();
    m_dropped += quint64(evicted);
    emit byteBudgetChanged(bytes);
    if (evicted > 0)
        emit messagesChanged(0, evicted);
}

qint64 MessageStore::messageBytes(const MqttMessage &message)
{
    qint64 bytes = kMessageOverheadBytes + message.payload.size() +
                   message.topic.size() * qint64(sizeof(QChar));
    if (const MqttProperties *p = message.properties.get()) {
        qint64 chars = p->contentType.size() + p->responseTopic.size();
        for (const auto &[name, value] : p->userProperties)
            chars += name.size() + value.size();
        bytes += qint64(sizeof(MqttProperties)) + p->correlationData.size() +
                 chars * qint64(sizeof(QChar));
    }
    return bytes;
}

const MqttMessage &MessageStore::at(qsizetype index) const
{
    Q_ASSERT(index >= 0 && index < m_size);
    return m_slots[std::size_t(slotOf(index))];
}

const MqttMessage *MessageStore::findById(quint64 id) const
{
    if (id < firstId() || id >= m_nextId)
        return nullptr;
    return &at(qsizetype(id - firstId()));
}

double MessageStore::rate() const
{
    const qint64 current = m_clock() / kRateBucketMs;
    qint64 count = 0;
    // Only complete buckets count: the one being filled would make the figure jitter.
    for (const RateBucket &bucket : m_rate) {
        if (bucket.bucket >= current - kRateBuckets && bucket.bucket < current)
            count += bucket.count;
    }
    return double(count) * 1000.0 / double(kRateWindowMs);
}

void MessageStore::appendAll(std::span<const MqttMessage> messages)
{
    if (messages.empty())
        return;
    qsizetype evicted = 0;
    for (const MqttMessage &message : messages) {
        if (m_size == m_capacity)
            evicted += evictFront(1);
        push(message);
        evicted += evictOverBudget();
    }
    m_dropped += quint64(evicted);
    const auto appended = qsizetype(messages.size());
    recordRate(appended);
    emit messagesChanged(appended, evicted);
}

void MessageStore::push(const MqttMessage &message)
{
    ensureRoom();
    MqttMessage &slot = m_slots[std::size_t(slotOf(m_size))];
    slot = message;
    slot.id = m_nextId++;
    ++m_size;
    m_bytes += messageBytes(slot);
    shareTopic(slot);
}

// 100k messages on 10 topics then hold 10 topic strings, not 100k copies of them.
void MessageStore::shareTopic(MqttMessage &slot)
{
    const auto it = m_topicCounts.find(slot.topic);
    if (it == m_topicCounts.end()) {
        m_topicCounts.insert(slot.topic, 1);
        return;
    }
    slot.topic = it.key();
    ++it.value();
}

void MessageStore::ensureRoom()
{
    const auto slotCount = qsizetype(m_slots.size());
    if (m_size < slotCount)
        return;
    // Growing a wrapped ring would put the new slots in the middle of it.
    linearize();
    const qsizetype grown = std::min(m_capacity, std::max(kInitialSlots, slotCount * 2));
    m_slots.resize(std::size_t(grown));
}

void MessageStore::linearize()
{
    if (m_head == 0)
        return;
    std::rotate(m_slots.begin(), m_slots.begin() + m_head, m_slots.end());
    m_head = 0;
}

qsizetype MessageStore::evictFront(qsizetype count)
{
    count = std::min(count, m_size);
    const auto slotCount = qsizetype(m_slots.size());
    for (qsizetype i = 0; i < count; ++i) {
        MqttMessage &slot = m_slots[std::size_t(m_head)];
        m_bytes -= messageBytes(slot);
        forgetTopic(slot.topic);
        // Released now, not when the slot is reused: under the byte budget a slot may wait
        // long for that, and the bytes must go when they stop counting.
        slot = MqttMessage();
        m_head = m_head + 1 == slotCount ? 0 : m_head + 1;
    }
    m_size -= count;
    return count;
}

// The newest message stays even when it alone is over the budget (see the class comment).
qsizetype MessageStore::evictOverBudget()
{
    qsizetype evicted = 0;
    while (m_bytes > m_byteBudget && m_size > 1)
        evicted += evictFront(1);
    return evicted;
}

void MessageStore::forgetTopic(const QString &topic)
{
    const auto it = m_topicCounts.find(topic);
    if (it == m_topicCounts.end())
        return;
    if (--it.value() == 0)
        m_topicCounts.erase(it);
}

void MessageStore::recordRate(qsizetype count)
{
    const qint64 bucket = m_clock() / kRateBucketMs;
    const auto slotCount = qint64(m_rate.size());
    RateBucket &entry = m_rate[std::size_t(((bucket % slotCount) + slotCount) % slotCount)];
    if (entry.bucket != bucket)
        entry = RateBucket{bucket, 0};
    entry.count += count;
}

qsizetype MessageStore::slotOf(qsizetype index) const
{
    const qsizetype slot = m_head + index;
    const auto slotCount = qsizetype(m_slots.size());
    return slot >= slotCount ? slot - slotCount : slot;
}

} // namespace thingdeck
