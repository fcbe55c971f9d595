// The message table model (coalesced inserts and evictions), the filter/sort proxy over it,
// and the lazy payload formatting they show.
#include "models/MessageFilterModel.h"
#include "models/MessageTableModel.h"
#include "mqtt/MessageStore.h"
#include "mqtt/PayloadFormatter.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace thingdeck;

Q_DECLARE_METATYPE(PayloadFormatter::Kind)

namespace {

constexpr qint64 kBaseTime = 1700000000000;
constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

MqttMessage message(const QString &topic, const QByteArray &payload, qint64 timestampMs = 0)
{
    MqttMessage m;
    m.topic = topic;
    m.payload = payload;
    m.timestampMs = kBaseTime + timestampMs;
    return m;
}

MqttMessageBatch batch(int count, int firstNumber = 0)
{
    static const QString topics[] = {QStringLiteral("dt/lamp-1/telemetry"),
                                     QStringLiteral("dt/lamp-2/telemetry"),
                                     QStringLiteral("dt/lamp-1/status")};
    MqttMessageBatch messages;
    for (int i = firstNumber; i < firstNumber + count; ++i) {
        const QByteArray payload = "{\"seq\":" + QByteArray::number(i) + '}';
        messages.append(message(topics[i % 3], payload, i));
    }
    return messages;
}

TopicFilter makeFilter(const QString &text)
{
    return TopicFilter::create(text).value();
}

QList<quint64> ids(const QAbstractItemModel &model)
{
    QList<quint64> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, 0).data(MessageTableModel::IdRole).value<quint64>());
    return result;
}

QList<quint64> idRange(quint64 first, quint64 last)
{
    QList<quint64> result;
    for (quint64 id = first; id <= last; ++id)
        result.append(id);
    return result;
}

/// A `hexdump -C` line: the ASCII column starts at character 60.
QString dumpLine(const char *hex, const char *ascii)
{
    return QString::fromLatin1(hex).leftJustified(60, QLatin1Char(' ')) + QLatin1Char('|') +
           QLatin1String(ascii) + QLatin1Char('|');
}

QByteArray repeated(const char *utf8, int times)
{
    return QByteArray(utf8).repeated(times);
}

} // namespace

class TestMessageTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelTesterUnderChurn()
    {
        MessageStore store;
        store.setCapacity(40);
        MessageTableModel model(&store);
        MessageFilterModel filtered;
        filtered.setSourceModel(&model);
        MessageFilterModel sorted;
        sorted.setSourceModel(&model);
        sorted.sort(MessageTableModel::TopicColumn, Qt::DescendingOrder);
        QAbstractItemModelTester modelTester(&model, kFatal);
        QAbstractItemModelTester filteredTester(&filtered, kFatal);
        QAbstractItemModelTester sortedTester(&sorted, kFatal);
        filtered.setTopicFilter(makeFilter(QStringLiteral("dt/+/telemetry")));

        int number = 0;
        for (int round = 0; round < 40; ++round) {
            const int count = round * 7 % 23 + 1;
            store.append(batch(count, number));
            number += count;
            if (round % 3 == 0) { // two batches in one flush
                store.append(batch(5, number));
                number += 5;
            }
            churn(store, filtered, round); // while evicted rows are still in the model
            model.flush();
            QCOMPARE(model.rowCount(), store.size());
            QCOMPARE(ids(model), idRange(store.firstId(), store.nextId() - 1));
            QCOMPARE(sorted.rowCount(), model.rowCount());
            QVERIFY(isSorted(sorted, MessageTableModel::TopicColumn, Qt::DescendingOrder));
            QCOMPARE(filtered.rowCount(), expectedFilteredRows(store, filtered));
        }
    }

    void oneInsertPerFlush()
    {
        MessageStore store;
        store.setCapacity(1000);
        MessageTableModel model(&store);
        QAbstractItemModelTester tester(&model, kFatal);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        for (int i = 0; i < 10; ++i)
            store.append(batch(50, i * 50));
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.hasPendingChanges());
        QTRY_COMPARE(inserted.count(), 1); // the real ~50 ms timer
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 499);
        QCOMPARE(model.rowCount(), 500);
        QVERIFY(!model.hasPendingChanges());

        for (int i = 0; i < 7; ++i) // 1,200 in all: ids 1..200 fall out
            store.append(batch(100, 500 + i * 100));
        QTRY_COMPARE(inserted.count(), 2);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 0);
        QCOMPARE(removed.at(0).at(2).toInt(), 199);
        QCOMPARE(inserted.at(1).at(1).toInt(), 300);
        QCOMPARE(inserted.at(1).at(2).toInt(), 999);
        QCOMPARE(ids(model), idRange(201, 1200));
    }

    void pausedModelStandsStill()
    {
        MessageStore store;
        MessageTableModel model(&store);
        QAbstractItemModelTester tester(&model, kFatal);
        store.append(batch(10));
        model.flush();
        QCOMPARE(model.rowCount(), 10);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.setPaused(true);
        QVERIFY(model.isPaused());
        store.append(batch(25, 10));
        QVERIFY(!model.hasPendingChanges()); // no timer while paused
        model.flush();                       // and no change even when asked
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.pendingCount(), 25u);
        QCOMPARE(inserted.count(), 0);
        model.setPaused(false); // resuming catches up at once
        QCOMPARE(model.rowCount(), 35);
        QCOMPARE(model.pendingCount(), 0u);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(ids(model), idRange(1, 35));
    }

    void timerArmedOnlyWhenPending()
    {
        MessageStore store;
        MessageTableModel model(&store);
        QCOMPARE(model.flushInterval(), MessageTableModel::kDefaultFlushIntervalMs);
        QVERIFY(!model.hasPendingChanges());
        store.setCapacity(10); // nothing evicted, nothing to do
        QVERIFY(!model.hasPendingChanges());
        store.append({});
        QVERIFY(!model.hasPendingChanges());
        store.append(batch(3));
        QVERIFY(model.hasPendingChanges());
        model.flush();
        QVERIFY(!model.hasPendingChanges());
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.flush(); // nothing pending: no signals
        QCOMPARE(inserted.count() + removed.count(), 0);
    }

    void shortFlushInterval()
    {
        MessageStore store;
        MessageTableModel model(&store);
        model.setFlushInterval(0);
        store.append(batch(2));
        QTRY_COMPARE(model.rowCount(), 2);
    }

    void showsWhatTheStoreHoldsAtConstruction()
    {
        MessageStore store;
        store.setCapacity(5);
        store.append(batch(8));
        MessageTableModel model(&store);
        QCOMPARE(ids(model), idRange(4, 8));
        QVERIFY(!model.hasPendingChanges());
    }

    void messagesAppendedAndEvictedBetweenFlushesNeverBecomeRows()
    {
        MessageStore store;
        store.setCapacity(10);
        MessageTableModel model(&store);
        QAbstractItemModelTester tester(&model, kFatal);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        store.append(batch(9));
        store.append(batch(9));
        store.append(batch(7));
        model.flush();
        QCOMPARE(removed.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(2).toInt(), 9);
        QCOMPARE(ids(model), idRange(16, 25));

        store.append(batch(30)); // every row and more goes
        model.flush();
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(2).toInt(), 9);
        QCOMPARE(ids(model), idRange(46, 55));
    }

    void rowsEvictedBeforeTheFlushReadEmpty()
    {
        MessageStore store;
        store.setCapacity(10);
        MessageTableModel model(&store);
        store.append(batch(10));
        model.flush();
        store.append(batch(3));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.messageAt(2), nullptr);
        QVERIFY(!model.index(2, MessageTableModel::TopicColumn).data().isValid());
        QCOMPARE(model.index(3, 0).data(MessageTableModel::IdRole).value<quint64>(), quint64(4));
        model.flush();
        QCOMPARE(model.messageAt(0)->id, quint64(4));
    }

    void shrinkingAndClearing()
    {
        MessageStore store;
        MessageTableModel model(&store);
        QAbstractItemModelTester tester(&model, kFatal);
        store.append(batch(20));
        model.flush();
        store.setCapacity(6);
        QVERIFY(model.hasPendingChanges());
        model.flush();
        QCOMPARE(ids(model), idRange(15, 20));
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        store.clear();
        model.flush();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(reset.count(), 0);
        store.append(batch(2));
        model.flush();
        QCOMPARE(ids(model), idRange(21, 22));
        QCOMPARE(model.rowOfId(22), 1);
        QCOMPARE(model.rowOfId(20), -1);
        QCOMPARE(model.rowOfId(23), -1);
    }

    void columnsAndRoles()
    {
        MessageStore store;
        MqttMessage sent = message(QStringLiteral("cmd/lamp-1/set"), QByteArray(1234, 'x'), 5);
        sent.qos = 1;
        sent.retained = true;
        sent.outgoing = true;
        store.appendMessage(sent);
        MessageTableModel model(&store);
        QCOMPARE(model.columnCount(), 7);
        const auto display = [&model](int column) {
            return model.index(0, column).data();
        };
        const auto raw = [&model](int column) {
            return model.index(0, column).data(MessageTableModel::RawRole);
        };
        const QString time = QDateTime::fromMSecsSinceEpoch(kBaseTime + 5)
                                 .toLocalTime()
                                 .toString(QStringLiteral("HH:mm:ss.zzz"));
        QCOMPARE(display(MessageTableModel::TimeColumn).toString(), time);
        QCOMPARE(display(MessageTableModel::DirectionColumn).toString(), QStringLiteral("out"));
        QCOMPARE(display(MessageTableModel::TopicColumn).toString(), sent.topic);
        QCOMPARE(display(MessageTableModel::QosColumn).toInt(), 1);
        QCOMPARE(display(MessageTableModel::RetainedColumn).toString(), QStringLiteral("yes"));
        QCOMPARE(display(MessageTableModel::SizeColumn).toString(), QLocale().toString(1234));
        QCOMPARE(display(MessageTableModel::PayloadColumn).toString().size(),
                 PayloadFormatter::kPreviewChars);
        QCOMPARE(raw(MessageTableModel::TimeColumn).value<qint64>(), kBaseTime + 5);
        QCOMPARE(raw(MessageTableModel::DirectionColumn).toBool(), true);
        QCOMPARE(raw(MessageTableModel::SizeColumn).value<qint64>(), qint64(1234));
        QCOMPARE(raw(MessageTableModel::PayloadColumn).toByteArray(), sent.payload);
        const QModelIndex index = model.index(0, MessageTableModel::PayloadColumn);
        QCOMPARE(index.data(MessageTableModel::IdRole).value<quint64>(), quint64(1));
        QCOMPARE(index.data(MessageTableModel::TopicRole).toString(), sent.topic);
        QCOMPARE(index.data(MessageTableModel::PayloadRole).toByteArray(), sent.payload);
        QCOMPARE(index.data(MessageTableModel::TimestampRole).value<qint64>(), kBaseTime + 5);
        QCOMPARE(index.data(MessageTableModel::OutgoingRole).toBool(), true);
        QCOMPARE(model.roleNames().value(MessageTableModel::TopicRole), QByteArray("topic"));
    }

    void incomingNotRetained()
    {
        MessageStore store;
        store.append(batch(1));
        MessageTableModel model(&store);
        QCOMPARE(model.index(0, MessageTableModel::DirectionColumn).data().toString(),
                 QStringLiteral("in"));
        QCOMPARE(model.index(0, MessageTableModel::RetainedColumn).data().toString(), QString());
    }

    void headers()
    {
        MessageStore store;
        MessageTableModel model(&store);
        QStringList names;
        for (int column = 0; column < model.columnCount(); ++column)
            names.append(model.headerData(column, Qt::Horizontal).toString());
        QCOMPARE(names, (QStringList{QStringLiteral("Time"), QStringLiteral("Dir"),
                                     QStringLiteral("Topic"), QStringLiteral("QoS"),
                                     QStringLiteral("Retained"), QStringLiteral("Size"),
                                     QStringLiteral("Payload")}));
    }

    void formatting_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<PayloadFormatter::Kind>("kind");
        QTest::addColumn<QString>("formatted");
        QTest::addColumn<QString>("preview");

        using Kind = PayloadFormatter::Kind;
        QTest::newRow("empty") << QByteArray() << Kind::Empty << QString() << QString();
        QTest::newRow("compact JSON keeps key order and 64-bit numbers")
            << QByteArray("{\"b\":1,\"a\":[1,2.50],\"id\":18446744073709551615}") << Kind::Json
            << QStringLiteral("{\n    \"b\": 1,\n    \"a\": [\n        1,\n        2.50\n    ],\n"
                              "    \"id\": 18446744073709551615\n}")
            << QStringLiteral("{\"b\":1,\"a\":[1,2.50],\"id\":18446744073709551615}");
        QTest::newRow("indented JSON, empty containers")
            << QByteArray("{\n  \"a\": {},\n  \"b\": [ ]\n}\n") << Kind::Json
            << QStringLiteral("{\n    \"a\": {},\n    \"b\": []\n}")
            << QStringLiteral("{ \"a\": {}, \"b\": [ ] }");
        QTest::newRow("JSON strings with brackets and escapes")
            << QByteArray("[\"a\\\"}{,:\",\"\\\\\",null]") << Kind::Json
            << QStringLiteral("[\n    \"a\\\"}{,:\",\n    \"\\\\\",\n    null\n]")
            << QStringLiteral("[\"a\\\"}{,:\",\"\\\\\",null]");
        QTest::newRow("JSON scalar is text")
            << QByteArray("42") << Kind::Text << QStringLiteral("42") << QStringLiteral("42");
        QTest::newRow("broken JSON is text")
            << QByteArray("{\"a\":") << Kind::Text << QStringLiteral("{\"a\":")
            << QStringLiteral("{\"a\":");
        QTest::newRow("UTF-8 text") << QByteArray("caf\xc3\xa9\tok\r\nline 2") << Kind::Text
                                    << QString::fromUtf8("caf\xc3\xa9\tok\r\nline 2")
                                    << QString::fromUtf8("caf\xc3\xa9 ok line 2");
        QTest::newRow("binary") << QByteArray("\x00\x01\x02\xff", 4) << Kind::Binary
                                << dumpLine("00000000  00 01 02 ff", "....")
                                << QStringLiteral("00 01 02 ff");
        QTest::newRow("invalid UTF-8")
            << QByteArray("caf\xc3") << Kind::Binary << dumpLine("00000000  63 61 66 c3", "caf.")
            << QStringLiteral("63 61 66 c3");
        QTest::newRow("control character")
            << QByteArray("a\x07z") << Kind::Binary << dumpLine("00000000  61 07 7a", "a.z")
            << QStringLiteral("61 07 7a");
    }

    void formatting()
    {
        QFETCH(QByteArray, payload);
        QFETCH(PayloadFormatter::Kind, kind);
        QFETCH(QString, formatted);
        QFETCH(QString, preview);

        QCOMPARE(PayloadFormatter::detect(payload), kind);
        const PayloadFormatter::Formatted result = PayloadFormatter::format(payload);
        QCOMPARE(result.kind, kind);
        QCOMPARE(result.text, formatted);
        QCOMPARE(PayloadFormatter::preview(payload), preview);

        MessageStore store;
        store.appendMessage(message(QStringLiteral("t"), payload));
        MessageTableModel model(&store);
        const QModelIndex cell = model.index(0, MessageTableModel::PayloadColumn);
        QCOMPARE(cell.data().toString(), preview);
        QCOMPARE(cell.data(MessageTableModel::PayloadRole).toByteArray(), payload);
    }

    void hexDumpLines()
    {
        const QByteArray payload("Hello, world!\n\x00\x01\x02\xff\x7f", 19);
        const QString expected = QStringLiteral(
            "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|\n"
            "00000010  02 ff 7f                                          |...|");
        QCOMPARE(PayloadFormatter::hexDump(payload), expected);
        QCOMPARE(PayloadFormatter::hexDump(QByteArray()), QString());
    }

    void previewIsOneBoundedLine_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("preview");

        const QString ellipsis(QChar(0x2026));
        QTest::newRow("long ASCII")
            << QByteArray(500, 'x') << QString(QString(119, QLatin1Char('x')) + ellipsis);
        QTest::newRow("two-byte characters")
            << repeated("\xc3\xa9", 300) << QString(QString(119, QChar(0xe9)) + ellipsis);
        QTest::newRow("scan ends inside a character")
            << QByteArray(QByteArray("a") + repeated("\xe2\x82\xac", 200))
            << QString(QStringLiteral("a") + QString(118, QChar(0x20ac)) + ellipsis);
        QTest::newRow("surrogate pair not split")
            << repeated("\xf0\x9f\x98\x80", 200)
            << QString(QString::fromUtf8(repeated("\xf0\x9f\x98\x80", 59)) + ellipsis);
        QTest::newRow("long binary")
            << QByteArray(100, '\0')
            << QString(QString::fromLatin1(QByteArray(40, '\0').toHex(' ')) + ellipsis);
        QTest::newRow("only the start is looked at")
            << QByteArray(QByteArray(1000, 'a') + '\0')
            << QString(QString(119, QLatin1Char('a')) + ellipsis);
        QTest::newRow("whitespace collapsed")
            << QByteArray("{\n\t\"a\":  1\n}") << QStringLiteral("{ \"a\": 1 }");
    }

    void previewIsOneBoundedLine()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, preview);
        const QString actual = PayloadFormatter::preview(payload);
        QCOMPARE(actual, preview);
        QVERIFY(actual.size() <= PayloadFormatter::kPreviewChars);
        QVERIFY(!actual.contains(QLatin1Char('\n')));
    }

    void previewLength()
    {
        QCOMPARE(PayloadFormatter::preview(QByteArray("abcdef"), 4),
                 QStringLiteral("abc") + QChar(0x2026));
        QCOMPARE(PayloadFormatter::preview(QByteArray("abcd"), 4), QStringLiteral("abcd"));
        QCOMPARE(PayloadFormatter::preview(QByteArray("abcd"), 0), QString());
    }

    void topicFilter_data()
    {
        QTest::addColumn<QString>("filter"); // empty: no topic filter
        QTest::addColumn<QStringList>("topics");

        const QString telemetry1 = QStringLiteral("dt/lamp-1/telemetry");
        const QString telemetry2 = QStringLiteral("dt/lamp-2/telemetry");
        const QString status = QStringLiteral("dt/lamp-1/status");
        const QString shadow = QStringLiteral("$aws/things/lamp-1/shadow/update");
        const QString command = QStringLiteral("cmd/lamp-1");
        QTest::newRow("none") << QString()
                              << QStringList{telemetry1, telemetry2, status, shadow, command};
        QTest::newRow("plus") << QStringLiteral("dt/+/telemetry")
                              << QStringList{telemetry1, telemetry2};
        QTest::newRow("hash skips $ topics")
            << QStringLiteral("#") << QStringList{telemetry1, telemetry2, status, command};
        QTest::newRow("$aws") << QStringLiteral("$aws/#") << QStringList{shadow};
        QTest::newRow("device subtree")
            << QStringLiteral("dt/lamp-1/#") << QStringList{telemetry1, status};
        QTest::newRow("exact") << command << QStringList{command};
        QTest::newRow("no match") << QStringLiteral("x/+") << QStringList{};
    }

    void topicFilter()
    {
        QFETCH(QString, filter);
        QFETCH(QStringList, topics);
        MessageStore store;
        for (const char *topic : {"dt/lamp-1/telemetry", "dt/lamp-2/telemetry", "dt/lamp-1/status",
                                  "$aws/things/lamp-1/shadow/update", "cmd/lamp-1"})
            store.appendMessage(message(QString::fromLatin1(topic), QByteArray("{}")));
        MessageTableModel model(&store);
        MessageFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, kFatal);
        if (!filter.isEmpty())
            proxy.setTopicFilter(makeFilter(filter));
        QCOMPARE(proxyTopics(proxy), topics);
        proxy.setTopicFilter(std::nullopt);
        QCOMPARE(proxy.rowCount(), 5);
    }

    void searchText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<quint64>>("expected");

        QTest::newRow("empty keeps all") << QString() << QList<quint64>{1, 2, 3, 4, 5};
        QTest::newRow("topic, any case") << QStringLiteral("LAMP-2") << QList<quint64>{2};
        QTest::newRow("payload, any case") << QStringLiteral("tEmP") << QList<quint64>{1, 2};
        QTest::newRow("non-ASCII, any case") << QString(QChar(0xe9)) << QList<quint64>{3, 4};
        QTest::newRow("raw bytes, not the hex dump") << QStringLiteral("01") << QList<quint64>{};
        QTest::newRow("raw JSON, not the pretty one")
            << QStringLiteral("\"temp\": 21") << QList<quint64>{};
        QTest::newRow("raw JSON") << QStringLiteral("\"temp\":21") << QList<quint64>{1};
        QTest::newRow("binary payload bytes") << QStringLiteral("AbC") << QList<quint64>{5};
    }

    void searchText()
    {
        QFETCH(QString, text);
        QFETCH(QList<quint64>, expected);
        MessageStore store;
        store.append({message(QStringLiteral("dt/lamp-1/telemetry"), QByteArray("{\"Temp\":21}")),
                      message(QStringLiteral("dt/lamp-2/telemetry"), QByteArray("{\"temp\":2}")),
                      message(QStringLiteral("dt/cafe"), QByteArray("caf\xc3\xa9")),
                      message(QStringLiteral("dt/cafe"), QByteArray("CAF\xc3\x89")),
                      message(QStringLiteral("dt/blob"), QByteArray("\x01\x02"
                                                                    "abc\xff",
                                                                    6))});
        MessageTableModel model(&store);
        MessageFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, kFatal);
        proxy.setSearchText(text);
        QCOMPARE(proxy.searchText(), text);
        QCOMPARE(ids(proxy), expected);
    }

    void topicAndTextTogether()
    {
        MessageStore store;
        store.append(batch(9)); // seq 0..8 over three topics
        MessageTableModel model(&store);
        MessageFilterModel proxy;
        proxy.setSourceModel(&model);
        proxy.setTopicFilter(makeFilter(QStringLiteral("dt/lamp-1/#")));
        QCOMPARE(proxy.rowCount(), 6);
        proxy.setSearchText(QStringLiteral("\"seq\":3"));
        QCOMPARE(ids(proxy), QList<quint64>{4});
        proxy.setSearchText(QStringLiteral("\"seq\":4"));
        QCOMPARE(proxy.rowCount(), 0); // seq 4 is on lamp-2
    }

    void filterFollowsLiveRows()
    {
        MessageStore store;
        store.setCapacity(30);
        MessageTableModel model(&store);
        MessageFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, kFatal);
        proxy.setTopicFilter(makeFilter(QStringLiteral("dt/lamp-2/telemetry")));
        QSignalSpy inserted(&proxy, &QAbstractItemModel::rowsInserted);
        store.append(batch(30));
        model.flush();
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(proxy.rowCount(), 10);
        store.append(batch(15, 30));
        model.flush();
        QCOMPARE(proxy.rowCount(), 10);
        QCOMPARE(ids(proxy).first(), quint64(17)); // seq 16 is the first lamp-2 one left
        QCOMPARE(ids(proxy).last(), quint64(44));
    }

    void sortsOnRawValues_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("order");
        QTest::addColumn<QList<quint64>>("expected");

        QTest::newRow("size descending") << int(MessageTableModel::SizeColumn)
                                         << int(Qt::DescendingOrder) << QList<quint64>{3, 1, 4, 2};
        QTest::newRow("time ascending") << int(MessageTableModel::TimeColumn)
                                        << int(Qt::AscendingOrder) << QList<quint64>{4, 3, 2, 1};
        QTest::newRow("topic ascending") << int(MessageTableModel::TopicColumn)
                                         << int(Qt::AscendingOrder) << QList<quint64>{2, 4, 1, 3};
        QTest::newRow("qos descending, ties in arrival order")
            << int(MessageTableModel::QosColumn) << int(Qt::DescendingOrder)
            << QList<quint64>{2, 4, 1, 3};
    }

    void sortsOnRawValues()
    {
        QFETCH(int, column);
        QFETCH(int, order);
        QFETCH(QList<quint64>, expected);
        MessageStore store;
        // Sizes 9, 2, 100, 3 (100 > 9 only as numbers); times run backwards.
        MqttMessageBatch messages = {message(QStringLiteral("c"), QByteArray(9, 'a'), 40),
                                     message(QStringLiteral("a"), QByteArray(2, 'a'), 30),
                                     message(QStringLiteral("d"), QByteArray(100, 'a'), 20),
                                     message(QStringLiteral("b"), QByteArray(3, 'a'), 10)};
        const quint8 qos[] = {1, 2, 0, 2};
        for (qsizetype i = 0; i < messages.size(); ++i)
            messages[i].qos = qos[i];
        store.append(messages);
        MessageTableModel model(&store);
        MessageFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, kFatal);
        proxy.sort(column, Qt::SortOrder(order));
        QCOMPARE(ids(proxy), expected);
        // Sorting stays right while rows arrive and leave.
        store.setCapacity(4);
        store.appendMessage(messages.at(2));
        model.flush();
        QCOMPARE(proxy.rowCount(), 4);
        QVERIFY(!ids(proxy).contains(1));
        QVERIFY(isSorted(proxy, column, Qt::SortOrder(order)));
    }

private:
    static void churn(MessageStore &store, MessageFilterModel &filtered, int round)
    {
        switch (round) {
        case 10:
            store.setCapacity(15);
            break;
        case 15:
            filtered.setSearchText(QStringLiteral("7"));
            break;
        case 20:
            store.setCapacity(60);
            break;
        case 25:
            store.clear();
            break;
        case 30:
            filtered.setTopicFilter(std::nullopt);
            break;
        case 35:
            store.setCapacity(3);
            break;
        default:
            break;
        }
    }

    static int expectedFilteredRows(const MessageStore &store, const MessageFilterModel &filtered)
    {
        int count = 0;
        for (qsizetype i = 0; i < store.size(); ++i) {
            const MqttMessage &m = store.at(i);
            const bool topicOk =
                !filtered.topicFilter() || filtered.topicFilter()->matches(m.topic);
            const bool textOk = m.topic.contains(filtered.searchText()) ||
                                m.payload.contains(filtered.searchText().toUtf8());
            count += topicOk && textOk ? 1 : 0;
        }
        return count;
    }

    static bool isSorted(const QAbstractItemModel &model, int column, Qt::SortOrder order)
    {
        const QPartialOrdering wrong =
            order == Qt::AscendingOrder ? QPartialOrdering::Greater : QPartialOrdering::Less;
        for (int row = 1; row < model.rowCount(); ++row) {
            const QVariant before = model.index(row - 1, column).data(MessageTableModel::RawRole);
            const QVariant after = model.index(row, column).data(MessageTableModel::RawRole);
            if (QVariant::compare(before, after) == wrong)
                return false;
        }
        return true;
    }

    static QStringList proxyTopics(const QAbstractItemModel &model)
    {
        QStringList topics;
        for (int row = 0; row < model.rowCount(); ++row)
            topics.append(model.index(row, 0).data(MessageTableModel::TopicRole).toString());
        return topics;
    }
};

QTEST_GUILESS_MAIN(TestMessageTableModel)
#include "tst_messagetablemodel.moc"
