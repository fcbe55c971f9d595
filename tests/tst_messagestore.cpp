// The capped message ring buffer: ids, eviction and the drop count, run-time cap changes,
// per-topic counts and the rate over an injected clock.
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"

#include <QSignalSpy>
#include <QTest>

using namespace thingdeck;

namespace {

MqttMessage message(const QString &topic, const QByteArray &payload = QByteArrayLiteral("{}"))
{
    MqttMessage m;
    m.topic = topic;
    m.payload = payload;
    m.timestampMs = 1700000000000;
    return m;
}

MqttMessageBatch batch(int count, const QString &topic = QStringLiteral("dt/lamp/telemetry"))
{
    MqttMessageBatch messages;
    for (int i = 0; i < count; ++i)
        messages.append(message(topic, QByteArray::number(i)));
    return messages;
}

QList<quint64> storedIds(const MessageStore &store)
{
    QList<quint64> ids;
    for (qsizetype i = 0; i < store.size(); ++i)
        ids.append(store.at(i).id);
    return ids;
}

// A message that counts exactly `bytes` against the byte budget.
MqttMessage sized(qint64 bytes, const QString &topic = QStringLiteral("t"))
{
    const qint64 payload =
        bytes - MessageStore::kMessageOverheadBytes - topic.size() * qint64(sizeof(QChar));
    Q_ASSERT(payload >= 0);
    return message(topic, QByteArray(payload, 'x'));
}

QList<quint64> idRange(quint64 first, quint64 last)
{
    QList<quint64> ids;
    for (quint64 id = first; id <= last; ++id)
        ids.append(id);
    return ids;
}

} // namespace

class TestMessageStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsEmpty()
    {
        MessageStore store;
        QCOMPARE(store.size(), 0);
        QVERIFY(store.isEmpty());
        QCOMPARE(store.capacity(), MessageStore::kDefaultCapacity);
        QCOMPARE(store.capacity(), 100000);
        QCOMPARE(store.firstId(), quint64(1));
        QCOMPARE(store.nextId(), quint64(1));
        QCOMPARE(store.droppedCount(), quint64(0));
        QVERIFY(store.topicCounts().isEmpty());
        QCOMPARE(store.rate(), 0.0);
        QCOMPARE(store.findById(0), nullptr);
        QCOMPARE(store.findById(1), nullptr);
    }

    void idsAreMonotonicAndBatchIdsIgnored()
    {
        MessageStore store;
        MqttMessageBatch first = batch(3);
        first[0].id = 77; // whatever the caller put there, the store numbers the messages
        store.append(first);
        store.append(batch(2));
        QCOMPARE(storedIds(store), idRange(1, 5));
        QCOMPARE(store.firstId(), quint64(1));
        QCOMPARE(store.nextId(), quint64(6));
        QCOMPARE(store.findById(4)->payload, QByteArray("0"));
    }

    void keepsMessagesAsGiven()
    {
        MessageStore store;
        MqttMessage sent = message(QStringLiteral("cmd/lamp/set"), QByteArrayLiteral("\x00\xff"));
        sent.qos = 1;
        sent.retained = true;
        sent.outgoing = true;
        sent.timestampMs = 42;
        store.appendMessage(sent);
        const MqttMessage &stored = store.at(0);
        QCOMPARE(stored.topic, sent.topic);
        QCOMPARE(stored.payload, sent.payload);
        QCOMPARE(stored.qos, quint8(1));
        QVERIFY(stored.retained);
        QVERIFY(stored.outgoing);
        QCOMPARE(stored.timestampMs, qint64(42));
        // Stored raw and shared with the caller: appending copies no payload bytes.
        QCOMPARE(stored.payload.constData(), sent.payload.constData());
    }

    void takesMqttConnectionSignals()
    {
        MqttConnection connection;
        MessageStore store;
        QVERIFY(
            connect(&connection, &MqttConnection::messagesReceived, &store, &MessageStore::append));
        QVERIFY(connect(&connection, &MqttConnection::messagePublished, &store,
                        &MessageStore::appendMessage));
        emit connection.messagesReceived(batch(2));
        MqttMessage published = message(QStringLiteral("cmd/lamp/set"));
        published.outgoing = true;
        emit connection.messagePublished(published);
        QCOMPARE(store.size(), 3);
        QVERIFY(store.at(2).outgoing);
    }

    void oneSignalPerAppend()
    {
        MessageStore store;
        QSignalSpy spy(&store, &MessageStore::messagesChanged);
        store.append(batch(500));
        store.append({});
        store.appendMessage(message(QStringLiteral("a")));
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(0).at(0).value<qsizetype>(), 500);
        QCOMPARE(spy.at(0).at(1).value<qsizetype>(), 0);
        QCOMPARE(spy.at(1).at(0).value<qsizetype>(), 1);
    }

    void capEvictsOldest_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<QList<int>>("batches");
        QTest::addColumn<QList<int>>("evictedPerBatch");
        QTest::addColumn<int>("size");

        QTest::newRow("below cap") << 10 << QList<int>{4, 5} << QList<int>{0, 0} << 9;
        QTest::newRow("exactly the cap") << 10 << QList<int>{10} << QList<int>{0} << 10;
        QTest::newRow("one over") << 10 << QList<int>{10, 1} << QList<int>{0, 1} << 10;
        QTest::newRow("wraps several times")
            << 7 << QList<int>{5, 5, 5, 5} << QList<int>{0, 3, 5, 5} << 7;
        QTest::newRow("batch larger than cap") << 5 << QList<int>{12} << QList<int>{7} << 5;
        QTest::newRow("cap of one") << 1 << QList<int>{3, 1} << QList<int>{2, 1} << 1;
        QTest::newRow("past the first slot growth")
            << 1000 << QList<int>{300, 300, 300, 300} << QList<int>{0, 0, 0, 200} << 1000;
    }

    void capEvictsOldest()
    {
        QFETCH(int, capacity);
        QFETCH(QList<int>, batches);
        QFETCH(QList<int>, evictedPerBatch);
        QFETCH(int, size);

        MessageStore store;
        store.setCapacity(capacity);
        QSignalSpy spy(&store, &MessageStore::messagesChanged);
        int total = 0;
        for (int count : batches) {
            store.append(batch(count));
            total += count;
        }
        QCOMPARE(spy.count(), batches.size());
        for (qsizetype i = 0; i < batches.size(); ++i)
            QCOMPARE(spy.at(i).at(1).value<qsizetype>(), evictedPerBatch.at(i));
        QCOMPARE(store.size(), size);
        QCOMPARE(store.droppedCount(), quint64(total - size));
        QCOMPARE(storedIds(store), idRange(quint64(total - size + 1), quint64(total)));
        QCOMPARE(store.findById(quint64(total - size)), nullptr);
        QCOMPARE(store.topicCounts().value(QStringLiteral("dt/lamp/telemetry")), size);
    }

    void shrinkingEvictsAndCounts()
    {
        MessageStore store;
        store.setCapacity(10);
        store.append(batch(13)); // wrapped: ids 4..13
        QSignalSpy changed(&store, &MessageStore::messagesChanged);
        QSignalSpy capacity(&store, &MessageStore::capacityChanged);
        store.setCapacity(4);
        QCOMPARE(capacity.count(), 1);
        QCOMPARE(capacity.at(0).at(0).value<qsizetype>(), 4);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<qsizetype>(), 0);
        QCOMPARE(changed.at(0).at(1).value<qsizetype>(), 6);
        QCOMPARE(storedIds(store), idRange(10, 13));
        QCOMPARE(store.droppedCount(), quint64(3 + 6));
        store.append(batch(2));
        QCOMPARE(storedIds(store), idRange(12, 15));
    }

    void shrinkingWithoutEviction()
    {
        MessageStore store;
        store.append(batch(3));
        QSignalSpy changed(&store, &MessageStore::messagesChanged);
        store.setCapacity(5);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(store.droppedCount(), quint64(0));
        QCOMPARE(storedIds(store), idRange(1, 3));
    }

    void growingAfterWrapKeepsOrder()
    {
        MessageStore store;
        store.setCapacity(5);
        store.append(batch(8)); // the ring has wrapped: ids 4..8
        store.setCapacity(200);
        store.append(batch(150));
        QCOMPARE(store.size(), 155);
        QCOMPARE(storedIds(store), idRange(4, 158));
        QCOMPARE(store.at(0).payload, QByteArray("3"));
        QCOMPARE(store.at(5).payload, QByteArray("0"));
        QCOMPARE(store.droppedCount(), quint64(3));
    }

    void sameCapacityIsNoChange()
    {
        MessageStore store;
        QSignalSpy capacity(&store, &MessageStore::capacityChanged);
        store.setCapacity(MessageStore::kDefaultCapacity);
        QCOMPARE(capacity.count(), 0);
    }

    void capacityIsClamped_data()
    {
        QTest::addColumn<qsizetype>("requested");
        QTest::addColumn<qsizetype>("expected");
        QTest::newRow("zero") << qsizetype(0) << qsizetype(1);
        QTest::newRow("negative") << qsizetype(-5) << qsizetype(1);
        QTest::newRow("one") << qsizetype(1) << qsizetype(1);
        QTest::newRow("max") << MessageStore::kMaxCapacity << MessageStore::kMaxCapacity;
        QTest::newRow("above max") << MessageStore::kMaxCapacity + 1 << MessageStore::kMaxCapacity;
    }

    void capacityIsClamped()
    {
        QFETCH(qsizetype, requested);
        QFETCH(qsizetype, expected);
        MessageStore store;
        store.setCapacity(requested);
        QCOMPARE(store.capacity(), expected);
    }

    void topicCountsFollowTheStoredMessages()
    {
        MessageStore store;
        store.setCapacity(4);
        store.append(batch(2, QStringLiteral("a")));
        store.append(batch(1, QStringLiteral("b")));
        QCOMPARE(store.topicCounts().value(QStringLiteral("a")), 2);
        QCOMPARE(store.topicCounts().value(QStringLiteral("b")), 1);
        store.append(batch(3, QStringLiteral("c"))); // evicts both "a"
        QVERIFY(!store.topicCounts().contains(QStringLiteral("a")));
        QCOMPARE(store.topicCounts().value(QStringLiteral("b")), 1);
        QCOMPARE(store.topicCounts().value(QStringLiteral("c")), 3);
        store.setCapacity(2);
        QCOMPARE(store.topicCounts().size(), 1);
        QCOMPARE(store.topicCounts().value(QStringLiteral("c")), 2);
    }

    void topicCountsStayBoundedWithUniqueTopics()
    {
        MessageStore store;
        store.setCapacity(100);
        for (int i = 0; i < 1000; ++i)
            store.appendMessage(message(QStringLiteral("dev/%1").arg(i)));
        QCOMPARE(store.topicCounts().size(), 100);
    }

    void clearKeepsIdsAndDropCount()
    {
        MessageStore store;
        store.setCapacity(3);
        store.append(batch(5));
        QSignalSpy changed(&store, &MessageStore::messagesChanged);
        store.clear();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(1).value<qsizetype>(), 3);
        QVERIFY(store.isEmpty());
        QVERIFY(store.topicCounts().isEmpty());
        QCOMPARE(store.droppedCount(), quint64(2));
        QCOMPARE(store.firstId(), quint64(6));
        QCOMPARE(store.findById(5), nullptr);
        store.clear();
        QCOMPARE(changed.count(), 1); // nothing to remove, nothing to tell
        store.append(batch(1));
        QCOMPARE(storedIds(store), idRange(6, 6));
    }

    void messageBytesCountsPayloadTopicOverheadAndProperties()
    {
        MqttMessage m = message(QStringLiteral("dt/a"), QByteArray(1000, 'p'));
        QCOMPARE(MessageStore::messageBytes(m), MessageStore::kMessageOverheadBytes + 1000 + 8);
        auto properties = std::make_shared<MqttProperties>();
        properties->contentType = QStringLiteral("json");                               // 8 bytes
        properties->responseTopic = QStringLiteral("r/1");                              // 6
        properties->correlationData = QByteArray(10, 'c');                              // 10
        properties->userProperties.append({QStringLiteral("k"), QStringLiteral("vv")}); // 6
        m.properties = properties;
        QCOMPARE(MessageStore::messageBytes(m), MessageStore::kMessageOverheadBytes + 1000 + 8 +
                                                    qint64(sizeof(MqttProperties)) + 30);
        QCOMPARE(MessageStore::messageBytes(sized(5000)), 5000);
    }

    void byteBudgetDefaults()
    {
        MessageStore store;
        QCOMPARE(store.byteBudget(), MessageStore::kDefaultByteBudget);
        QCOMPARE(store.byteBudget(), 256LL * 1024 * 1024);
        QCOMPARE(store.byteSize(), 0);
        store.append(batch(3));
        qint64 expected = 0;
        for (qsizetype i = 0; i < store.size(); ++i)
            expected += MessageStore::messageBytes(store.at(i));
        QCOMPARE(store.byteSize(), expected);
        store.clear();
        QCOMPARE(store.byteSize(), 0);
    }

    void byteBudgetIsClamped_data()
    {
        QTest::addColumn<qint64>("requested");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("zero") << qint64(0) << MessageStore::kMinByteBudget;
        QTest::newRow("negative") << qint64(-1) << MessageStore::kMinByteBudget;
        QTest::newRow("below min")
            << MessageStore::kMinByteBudget - 1 << MessageStore::kMinByteBudget;
        QTest::newRow("min") << MessageStore::kMinByteBudget << MessageStore::kMinByteBudget;
        QTest::newRow("2 MiB") << qint64(2 << 20) << qint64(2 << 20);
        QTest::newRow("max") << MessageStore::kMaxByteBudget << MessageStore::kMaxByteBudget;
        QTest::newRow("above max")
            << MessageStore::kMaxByteBudget + 1 << MessageStore::kMaxByteBudget;
    }

    void byteBudgetIsClamped()
    {
        QFETCH(qint64, requested);
        QFETCH(qint64, expected);
        MessageStore store;
        QSignalSpy changed(&store, &MessageStore::byteBudgetChanged);
        store.setByteBudget(requested);
        QCOMPARE(store.byteBudget(), expected);
        QCOMPARE(changed.count(), expected == MessageStore::kDefaultByteBudget ? 0 : 1);
        if (!changed.isEmpty())
            QCOMPARE(changed.first().first().value<qint64>(), expected);
        store.setByteBudget(requested);
        QCOMPARE(changed.count(), expected == MessageStore::kDefaultByteBudget ? 0 : 1);
    }

    // Budget 1 MiB; each row appends batches of equally sized messages.
    void byteBudgetEvictsOldest_data()
    {
        QTest::addColumn<qint64>("messageSize");
        QTest::addColumn<QList<int>>("batches");
        QTest::addColumn<QList<int>>("evictedPerBatch");
        QTest::addColumn<int>("size");
        constexpr qint64 kMiB = 1 << 20;
        QTest::newRow("fits exactly") << kMiB / 4 << QList<int>{4} << QList<int>{0} << 4;
        QTest::newRow("one over") << kMiB / 4 << QList<int>{4, 1} << QList<int>{0, 1} << 4;
        QTest::newRow("batch larger than the budget")
            << kMiB / 4 << QList<int>{10} << QList<int>{6} << 4;
        QTest::newRow("across batches")
            << kMiB / 8 << QList<int>{5, 5, 5, 5} << QList<int>{0, 2, 5, 5} << 8;
        QTest::newRow("not a divisor") << kMiB / 3 + 1 << QList<int>{2, 2} << QList<int>{0, 2} << 2;
        QTest::newRow("each message the whole budget")
            << kMiB << QList<int>{1, 3} << QList<int>{0, 3} << 1;
    }

    void byteBudgetEvictsOldest()
    {
        QFETCH(qint64, messageSize);
        QFETCH(QList<int>, batches);
        QFETCH(QList<int>, evictedPerBatch);
        QFETCH(int, size);
        MessageStore store;
        store.setByteBudget(MessageStore::kMinByteBudget);
        QSignalSpy spy(&store, &MessageStore::messagesChanged);
        int total = 0;
        for (int count : batches) {
            MqttMessageBatch messages;
            for (int i = 0; i < count; ++i)
                messages.append(sized(messageSize));
            store.append(messages);
            total += count;
        }
        QCOMPARE(spy.count(), batches.size());
        for (qsizetype i = 0; i < batches.size(); ++i) {
            QCOMPARE(spy.at(i).at(0).value<qsizetype>(), batches.at(i));
            QCOMPARE(spy.at(i).at(1).value<qsizetype>(), evictedPerBatch.at(i));
        }
        QCOMPARE(store.size(), size);
        QCOMPARE(store.byteSize(), messageSize * size);
        QVERIFY(store.byteSize() <= store.byteBudget());
        QCOMPARE(store.droppedCount(), quint64(total - size));
        QCOMPARE(storedIds(store), idRange(quint64(total - size + 1), quint64(total)));
        QCOMPARE(store.topicCounts().value(QStringLiteral("t")), size);
    }

    // Whichever cap bites first evicts; both kinds count as dropped.
    void countAndByteCapsTogether()
    {
        MessageStore store;
        store.setCapacity(5);
        store.setByteBudget(MessageStore::kMinByteBudget);
        QSignalSpy spy(&store, &MessageStore::messagesChanged);
        store.append(batch(7)); // small: the count cap evicts 2
        MqttMessageBatch big{sized(MessageStore::kMinByteBudget / 2),
                             sized(MessageStore::kMinByteBudget / 2)};
        store.append(big); // the bytes evict all 5 small ones, so both big ones still fit
        QCOMPARE(spy.at(0).at(1).value<qsizetype>(), 2);
        QCOMPARE(spy.at(1).at(1).value<qsizetype>(), 5);
        QCOMPARE(storedIds(store), idRange(8, 9));
        QCOMPARE(store.droppedCount(), quint64(7));
        QCOMPARE(store.byteSize(), MessageStore::kMinByteBudget);
    }

    void shrinkingByteBudgetEvictsAndCounts_data()
    {
        QTest::addColumn<qint64>("budget");
        QTest::addColumn<int>("evicted");
        constexpr qint64 kMiB = 1 << 20;
        QTest::newRow("to half") << 2 * kMiB << 4;
        QTest::newRow("to the minimum") << kMiB << 6;
        QTest::newRow("still fits") << 4 * kMiB << 0;
    }

    void shrinkingByteBudgetEvictsAndCounts()
    {
        QFETCH(qint64, budget);
        QFETCH(int, evicted);
        constexpr qint64 kMessage = (1 << 20) / 2;
        MessageStore store;
        store.setByteBudget(4LL << 20);
        MqttMessageBatch messages;
        for (int i = 0; i < 8; ++i)
            messages.append(sized(kMessage));
        store.append(messages);
        QCOMPARE(store.size(), 8);
        QSignalSpy changed(&store, &MessageStore::messagesChanged);
        QSignalSpy budgetChanged(&store, &MessageStore::byteBudgetChanged);
        store.setByteBudget(budget);
        QCOMPARE(budgetChanged.count(), budget == (4LL << 20) ? 0 : 1);
        QCOMPARE(changed.count(), evicted > 0 ? 1 : 0);
        if (evicted > 0) {
            QCOMPARE(changed.first().at(0).value<qsizetype>(), 0);
            QCOMPARE(changed.first().at(1).value<qsizetype>(), evicted);
        }
        QCOMPARE(store.droppedCount(), quint64(evicted));
        QCOMPARE(storedIds(store), idRange(quint64(evicted + 1), 8));
        QCOMPARE(store.byteSize(), kMessage * (8 - evicted));
    }

    // The newest message stays even when it alone is larger than the budget; the next append
    // evicts it.
    void singleHugeMessageIsKeptAlone()
    {
        MessageStore store;
        store.setByteBudget(MessageStore::kMinByteBudget);
        store.append(batch(3));
        QSignalSpy changed(&store, &MessageStore::messagesChanged);
        const MqttMessage huge = sized(3 * MessageStore::kMinByteBudget);
        store.appendMessage(huge);
        QCOMPARE(storedIds(store), idRange(4, 4));
        QCOMPARE(store.byteSize(), 3 * MessageStore::kMinByteBudget);
        QCOMPARE(changed.first().at(0).value<qsizetype>(), 1);
        QCOMPARE(changed.first().at(1).value<qsizetype>(), 3);
        store.appendMessage(message(QStringLiteral("small")));
        QCOMPARE(storedIds(store), idRange(5, 5));
        QCOMPARE(changed.at(1).at(1).value<qsizetype>(), 1);
        QCOMPARE(store.droppedCount(), quint64(4));
        QCOMPARE(store.byteSize(), MessageStore::messageBytes(store.at(0)));
        QCOMPARE(store.topicCounts().size(), 1);
    }

    void byteSizeFollowsCountEvictionAndShrinking()
    {
        MessageStore store;
        store.setCapacity(3);
        for (int i = 1; i <= 6; ++i)
            store.appendMessage(message(QStringLiteral("t"), QByteArray(i * 10, 'x')));
        const qint64 each = MessageStore::kMessageOverheadBytes + 2;
        QCOMPARE(store.byteSize(), 3 * each + 40 + 50 + 60);
        store.setCapacity(1);
        QCOMPARE(store.byteSize(), each + 60);
    }

    void topicStringsAreShared_data()
    {
        QTest::addColumn<int>("topics");
        QTest::newRow("one topic") << 1;
        QTest::newRow("ten topics") << 10;
    }

    // Messages on one topic hold one topic string; sizes, counts and order do not change.
    void topicStringsAreShared()
    {
        QFETCH(int, topics);
        MessageStore store;
        store.setCapacity(50);
        MqttMessageBatch messages;
        for (int i = 0; i < 200; ++i) {
            // A fresh string per message, as Paho's callback makes them.
            messages.append(
                message(QStringLiteral("dev/%1/telemetry").arg(i % topics), QByteArray::number(i)));
        }
        store.append(messages);
        QCOMPARE(store.size(), 50);
        QCOMPARE(store.topicCounts().size(), topics);
        qint64 expected = 0;
        for (qsizetype i = 0; i < store.size(); ++i) {
            const MqttMessage &m = store.at(i);
            QCOMPARE(m.payload, QByteArray::number(150 + i));
            QCOMPARE(m.topic, QStringLiteral("dev/%1/telemetry").arg((150 + i) % topics));
            const auto key = store.topicCounts().constFind(m.topic).key();
            QCOMPARE(m.topic.constData(), key.constData());
            expected += MessageStore::messageBytes(m);
        }
        QCOMPARE(store.byteSize(), expected);
        // "dev/N/telemetry" is 15 UTF-16 characters, payloads "150".."199" 3 bytes.
        QCOMPARE(store.byteSize(), 50 * (MessageStore::kMessageOverheadBytes + 2 * 15 + 3));
    }

    void rate_data()
    {
        QTest::addColumn<QList<qint64>>("appendTimes"); // ms; 100 messages at each
        QTest::addColumn<qint64>("now");
        QTest::addColumn<double>("rate");

        // The window is the 4 whole 250 ms buckets before the current one.
        QTest::newRow("nothing yet") << QList<qint64>{} << qint64(5000) << 0.0;
        QTest::newRow("current bucket not counted") << QList<qint64>{1000} << qint64(1100) << 0.0;
        QTest::newRow("one full bucket") << QList<qint64>{1000} << qint64(1250) << 100.0;
        QTest::newRow("steady 400/s")
            << QList<qint64>{1000, 1250, 1500, 1750, 2000} << qint64(2000) << 400.0;
        QTest::newRow("oldest bucket slides out")
            << QList<qint64>{1000, 1250, 1500, 1750, 2000} << qint64(2250) << 400.0;
        QTest::newRow("two buckets gone") << QList<qint64>{1000, 1250} << qint64(2400) << 100.0;
        QTest::newRow("idle long after") << QList<qint64>{1000, 1250} << qint64(60000) << 0.0;
        QTest::newRow("bucket slot reused after a gap")
            << QList<qint64>{1000, 2250} << qint64(2500) << 100.0;
    }

    void rate()
    {
        QFETCH(QList<qint64>, appendTimes);
        QFETCH(qint64, now);
        QFETCH(double, rate);
        qint64 clock = 0;
        MessageStore store([&clock] { return clock; });
        for (qint64 time : appendTimes) {
            clock = time;
            store.append(batch(100));
        }
        clock = now;
        QCOMPARE(store.rate(), rate);
    }
};

QTEST_GUILESS_MAIN(TestMessageStore)
#include "tst_messagestore.moc"
