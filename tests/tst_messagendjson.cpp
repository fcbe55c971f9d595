// Messages as JSON lines: MessageLineFormatter and MessageLineParser, and the exporter and
// importer that move whole message lists through files without blocking the event loop.
#include "mqtt/MessageExporter.h"
#include "mqtt/MessageImporter.h"
#include "mqtt/MessageLineFormatter.h"
#include "mqtt/MessageLineParser.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace thingdeck;

namespace {

constexpr qint64 kSomeTime = 1795700000123; // 2026-11-26T13:33:20.123Z

MqttMessage messageOf(const QString &topic, const QByteArray &payload, int qos = 0,
                      bool retained = false, qint64 timeMs = kSomeTime)
{
    MqttMessage message;
    message.topic = topic;
    message.payload = payload;
    message.qos = quint8(qos);
    message.retained = retained;
    message.timestampMs = timeMs;
    return message;
}

QByteArray lineOf(const MqttMessage &message)
{
    QByteArray line;
    MessageLineFormatter::append(message, line);
    return line;
}

QByteArray linesOf(const MqttMessageBatch &messages)
{
    QByteArray lines;
    for (const MqttMessage &message : messages)
        MessageLineFormatter::append(message, lines);
    return lines;
}

QByteArray randomBytes(QRandomGenerator &random, qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(random.bounded(256));
    return bytes;
}

/// Text, JSON, binary, empty and awkward payloads on ASCII and non-ASCII topics.
MqttMessageBatch mixedMessages(int count)
{
    QRandomGenerator random(42);
    const QStringList topics = {QStringLiteral("devices/a/telemetry"),
                                QStringLiteral("capteurs/température/°C"),
                                QStringLiteral("设备/状态"), QStringLiteral("t/\"quoted\"\\x"),
                                QStringLiteral("$aws/things/x/shadow/update")};
    MqttMessageBatch messages;
    for (int i = 0; i < count; ++i) {
        QByteArray payload;
        switch (i % 5) {
        case 0:
            payload = QByteArray("{\"n\":") + QByteArray::number(i) + '}';
            break;
        case 1:
            payload = randomBytes(random, random.bounded(200));
            break;
        case 2:
            payload = QByteArray("line\n\ttab \"q\" \\ \x01\x1f caf\xc3\xa9");
            break;
        case 3:
            payload = QByteArray();
            break;
        default:
            payload = QByteArray("a\0b", 3);
            break;
        }
        messages.append(messageOf(topics.at(i % topics.size()), payload, i % 3, i % 7 == 0,
                                  kSomeTime + qint64(i) * 7));
    }
    return messages;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

/// What finished() reported, recorded through a lambda (Result has no default constructor, so
/// it does not come out of a QVariant).
struct Finish
{
    int times = 0;
    bool ok = false;
    qsizetype count = -1;
    QString error;
};

template<typename Emitter> void recordFinish(Emitter *emitter, Finish &finish)
{
    QObject::connect(emitter, &Emitter::finished, emitter,
                     [&finish](const Result<qsizetype, QString> &result) {
                         ++finish.times;
                         finish.ok = result.ok();
                         finish.count = result.ok() ? result.value() : -1;
                         finish.error = result.ok() ? QString() : result.error();
                     });
}

void compareMessages(const MqttMessageBatch &actual, const MqttMessageBatch &expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (qsizetype i = 0; i < actual.size(); ++i) {
        QCOMPARE(actual.at(i).topic, expected.at(i).topic);
        QCOMPARE(actual.at(i).payload, expected.at(i).payload);
        QCOMPARE(actual.at(i).qos, expected.at(i).qos);
        QCOMPARE(actual.at(i).retained, expected.at(i).retained);
        QCOMPARE(actual.at(i).timestampMs, expected.at(i).timestampMs);
    }
}

} // namespace

class tst_MessageNdjson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void parserAcceptsOtherJson_data();
    void parserAcceptsOtherJson();
    void parserErrors_data();
    void parserErrors();

    void exporterWritesFormatterBytes();
    void exporterEmptyList();
    void exporterCancelLeavesNoFile();
    void exporterCancelKeepsOldFile();
    void exporterUnwritablePath_data();
    void exporterUnwritablePath();

    void exportImportRoundTrip();
    void importChunkBoundaries_data();
    void importChunkBoundaries();
    void importSkipsEmptyLines();
    void importBadLineIsNamed();
    void importLineTooLong();
    void importMissingFile();
    void importCancel();
};

void tst_MessageNdjson::roundTrip_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("qos");
    QTest::addColumn<bool>("retained");
    QTest::addColumn<qint64>("timeMs");
    QRandomGenerator random(7);
    const QString topic = QStringLiteral("devices/d1/telemetry");
    QTest::newRow("utf-8 json") << topic
                                << QByteArray("{\"t\":21.5,\"unit\":\"\xc2\xb0"
                                              "C\"}")
                                << 0 << false << kSomeTime;
    QTest::newRow("binary") << topic << QByteArray("\x00\xff\xfe\x80", 4) << 1 << false
                            << kSomeTime;
    QTest::newRow("empty payload") << topic << QByteArray() << 0 << false << kSomeTime;
    QTest::newRow("1 MB binary") << topic << randomBytes(random, 1 << 20) << 2 << true << kSomeTime;
    QTest::newRow("unicode topic")
        << QStringLiteral("设备/température/😀") << QByteArray("x") << 1 << true << kSomeTime;
    QTest::newRow("escapes") << QStringLiteral("t/\"q\"\\/\x01")
                             << QByteArray("a\nb\tc\r\"d\"\\e\x01\x1f") << 0 << false << kSomeTime;
    QTest::newRow("nul byte") << topic << QByteArray("a\0b", 3) << 0 << false << kSomeTime;
    QTest::newRow("overlong utf-8") << topic << QByteArray("\xc0\xaf") << 0 << false << kSomeTime;
    QTest::newRow("epoch") << topic << QByteArray("0") << 0 << false << qint64(0);
    QTest::newRow("before the epoch") << topic << QByteArray("0") << 0 << false << qint64(-1);
    QTest::newRow("year 9999") << topic << QByteArray("0") << 0 << false << qint64(253402300799999);
    for (int qos = 0; qos <= 2; ++qos) {
        for (const bool retained : {false, true}) {
            QTest::addRow("qos %d retain %d", qos, int(retained))
                << topic << QByteArray("p") << qos << retained << kSomeTime;
        }
    }
}

void tst_MessageNdjson::roundTrip()
{
    QFETCH(QString, topic);
    QFETCH(QByteArray, payload);
    QFETCH(int, qos);
    QFETCH(bool, retained);
    QFETCH(qint64, timeMs);
    const MqttMessage original = messageOf(topic, payload, qos, retained, timeMs);
    const QByteArray line = lineOf(original);
    const auto parsed = MessageLineParser::parse(line);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    compareMessages({parsed.value()}, {original});
    QCOMPARE(lineOf(parsed.value()), line); // byte for byte
    // Without its newline, too.
    const auto withoutNewline = MessageLineParser::parse(QByteArrayView(line).chopped(1));
    QVERIFY(withoutNewline.ok());
    QCOMPARE(lineOf(withoutNewline.value()), line);
}

void tst_MessageNdjson::parserAcceptsOtherJson_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<qint64>("timeMs");
    QTest::newRow("spaces and other order")
        << QByteArray(" { \"payload\" : \"x\", \"time\" : \"2026-11-26T13:33:20.123Z\", "
                      "\"retain\" : false, \"qos\" : 0, \"topic\" : \"t\" } \r\n")
        << QByteArray("x") << kSomeTime;
    QTest::newRow("other keys ignored")
        << QByteArray("{\"topic\":\"t\",\"qos\":1,\"retain\":true,\"time\":"
                      "\"2026-11-26T13:33:20.123Z\",\"payload\":\"x\",\"extra\":[1,2]}")
        << QByteArray("x") << kSomeTime;
    QTest::newRow("time without milliseconds")
        << QByteArray("{\"topic\":\"t\",\"qos\":0,\"retain\":false,\"time\":"
                      "\"2026-11-26T13:33:20Z\",\"payload\":\"\"}")
        << QByteArray() << kSomeTime - 123;
    QTest::newRow("time with an offset")
        << QByteArray("{\"topic\":\"t\",\"qos\":0,\"retain\":false,\"time\":"
                      "\"2026-11-26T14:33:20.123+01:00\",\"payload\":\"\"}")
        << QByteArray() << kSomeTime;
    QTest::newRow("time without a zone is UTC")
        << QByteArray("{\"topic\":\"t\",\"qos\":0,\"retain\":false,\"time\":"
                      "\"2026-11-26T13:33:20.123\",\"payload\":\"\"}")
        << QByteArray() << kSomeTime;
    QTest::newRow("unicode escapes")
        << QByteArray("{\"topic\":\"t\",\"qos\":0,\"retain\":false,\"time\":"
                      "\"2026-11-26T13:33:20.123Z\",\"payload\":\"\\u00e9\\ud83d\\ude00\"}")
        << QByteArray("\xc3\xa9\xf0\x9f\x98\x80") << kSomeTime;
    QTest::newRow("base64") << QByteArray(
                                   "{\"topic\":\"t\",\"qos\":2,\"retain\":false,\"time\":"
                                   "\"2026-11-26T13:33:20.123Z\",\"payloadBase64\":\"AP8=\"}")
                            << QByteArray("\x00\xff", 2) << kSomeTime;
}

void tst_MessageNdjson::parserAcceptsOtherJson()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, payload);
    QFETCH(qint64, timeMs);
    const auto parsed = MessageLineParser::parse(line);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    QCOMPARE(parsed.value().topic, QStringLiteral("t"));
    QCOMPARE(parsed.value().payload, payload);
    QCOMPARE(parsed.value().timestampMs, timeMs);
}

void tst_MessageNdjson::parserErrors_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("error");
    const QByteArray time = "\"time\":\"2026-11-26T13:33:20.123Z\"";
    const QByteArray head = "{\"topic\":\"t\",\"qos\":0,\"retain\":false," + time;
    QTest::newRow("empty") << QByteArray() << QStringLiteral("line is not JSON (");
    QTest::newRow("truncated") << QByteArray("{\"topic\":\"t\",")
                               << QStringLiteral("line is not JSON (");
    QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("line is not a JSON object");
    QTest::newRow("no topic") << "{\"qos\":0,\"retain\":false," + time + ",\"payload\":\"\"}"
                              << QStringLiteral("line has no \"topic\"");
    QTest::newRow("empty topic") << "{\"topic\":\"\",\"qos\":0,\"retain\":false," + time +
                                        ",\"payload\":\"\"}"
                                 << QStringLiteral("\"topic\" is not a non-empty string");
    QTest::newRow("numeric topic")
        << "{\"topic\":5,\"qos\":0,\"retain\":false," + time + ",\"payload\":\"\"}"
        << QStringLiteral("\"topic\" is not a non-empty string");
    QTest::newRow("no qos") << "{\"topic\":\"t\",\"retain\":false," + time + ",\"payload\":\"\"}"
                            << QStringLiteral("line has no \"qos\"");
    QTest::newRow("qos 3") << "{\"topic\":\"t\",\"qos\":3,\"retain\":false," + time +
                                  ",\"payload\":\"\"}"
                           << QStringLiteral("\"qos\" is not 0, 1 or 2");
    QTest::newRow("qos text") << "{\"topic\":\"t\",\"qos\":\"1\",\"retain\":false," + time +
                                     ",\"payload\":\"\"}"
                              << QStringLiteral("\"qos\" is not 0, 1 or 2");
    QTest::newRow("no retain") << "{\"topic\":\"t\",\"qos\":0," + time + ",\"payload\":\"\"}"
                               << QStringLiteral("line has no \"retain\"");
    QTest::newRow("retain text") << "{\"topic\":\"t\",\"qos\":0,\"retain\":\"no\"," + time +
                                        ",\"payload\":\"\"}"
                                 << QStringLiteral("\"retain\" is not true or false");
    QTest::newRow("no time") << QByteArray("{\"topic\":\"t\",\"qos\":0,\"retain\":false,"
                                           "\"payload\":\"\"}")
                             << QStringLiteral("line has no \"time\"");
    QTest::newRow("bad time") << QByteArray("{\"topic\":\"t\",\"qos\":0,\"retain\":false,"
                                            "\"time\":\"yesterday\",\"payload\":\"\"}")
                              << QStringLiteral("\"time\" is not an ISO 8601 date and time");
    QTest::newRow("numeric time") << QByteArray("{\"topic\":\"t\",\"qos\":0,\"retain\":false,"
                                                "\"time\":1795700000123,\"payload\":\"\"}")
                                  << QStringLiteral("\"time\" is not an ISO 8601 date and time");
    QTest::newRow("no payload") << head + "}"
                                << QStringLiteral(
                                       "line has neither \"payload\" nor \"payloadBase64\"");
    QTest::newRow("both payloads")
        << head + ",\"payload\":\"\",\"payloadBase64\":\"\"}"
        << QStringLiteral("line has both \"payload\" and \"payloadBase64\"");
    QTest::newRow("numeric payload")
        << head + ",\"payload\":5}" << QStringLiteral("\"payload\" is not a string");
    QTest::newRow("base64 bad characters") << head + ",\"payloadBase64\":\"!!!!\"}"
                                           << QStringLiteral("payloadBase64 is not valid Base64");
    QTest::newRow("base64 without padding") << head + ",\"payloadBase64\":\"QQ\"}"
                                            << QStringLiteral("payloadBase64 is not valid Base64");
    QTest::newRow("base64 with spare bits") << head + ",\"payloadBase64\":\"QR==\"}"
                                            << QStringLiteral("payloadBase64 is not valid Base64");
    QTest::newRow("base64 with spaces") << head + ",\"payloadBase64\":\"QQ= =\"}"
                                        << QStringLiteral("payloadBase64 is not valid Base64");
}

void tst_MessageNdjson::parserErrors()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, error);
    const auto parsed = MessageLineParser::parse(line);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().startsWith(error), qPrintable(parsed.error()));
}

void tst_MessageNdjson::exporterWritesFormatterBytes()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.ndjson"));
    const MqttMessageBatch messages = mixedMessages(10000);
    MessageExporter exporter;
    QSignalSpy progress(&exporter, &MessageExporter::progress);
    Finish finish;
    recordFinish(&exporter, finish);
    exporter.start(path, messages);
    QVERIFY(exporter.isRunning());
    QVERIFY(progress.isEmpty()); // nothing is written before the event loop runs
    QTRY_COMPARE(finish.times, 1);
    QVERIFY2(finish.ok, qPrintable(finish.error));
    QCOMPARE(finish.count, 10000);
    QVERIFY(!exporter.isRunning());
    QCOMPARE(readFile(path), linesOf(messages));
    QCOMPARE(progress.size(), 5); // 2,000 messages a turn
    qsizetype previous = 0;
    for (const QList<QVariant> &signal : std::as_const(progress)) {
        QVERIFY(signal.at(0).value<qsizetype>() > previous);
        previous = signal.at(0).value<qsizetype>();
        QCOMPARE(signal.at(1).value<qsizetype>(), 10000);
    }
    QCOMPARE(previous, 10000);
}

void tst_MessageNdjson::exporterEmptyList()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("empty.ndjson"));
    MessageExporter exporter;
    Finish finish;
    recordFinish(&exporter, finish);
    exporter.start(path, {});
    QTRY_COMPARE(finish.times, 1);
    QVERIFY(finish.ok);
    QCOMPARE(finish.count, 0);
    QVERIFY(QFile::exists(path));
    QCOMPARE(QFileInfo(path).size(), 0);
}

void tst_MessageNdjson::exporterCancelLeavesNoFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.ndjson"));
    MessageExporter exporter;
    QSignalSpy progress(&exporter, &MessageExporter::progress);
    Finish finish;
    recordFinish(&exporter, finish);
    exporter.start(path, mixedMessages(10000));
    QTRY_COMPARE(progress.size(), 1);
    exporter.cancel();
    QVERIFY(!exporter.isRunning());
    QTest::qWait(50); // a chunk still queued must not run
    QCOMPARE(progress.size(), 1);
    QCOMPARE(finish.times, 0);
    QVERIFY(!QFile::exists(path));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
}

void tst_MessageNdjson::exporterCancelKeepsOldFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.ndjson"));
    writeFile(path, "old\n");
    MessageExporter exporter;
    QSignalSpy progress(&exporter, &MessageExporter::progress);
    exporter.start(path, mixedMessages(5000));
    QTRY_COMPARE(progress.size(), 1);
    exporter.cancel();
    QTest::qWait(20);
    QCOMPARE(readFile(path), QByteArray("old\n"));
    // Starting again after a cancel writes the new list whole.
    Finish finish;
    recordFinish(&exporter, finish);
    const MqttMessageBatch messages = mixedMessages(3);
    exporter.start(path, messages);
    QTRY_COMPARE(finish.times, 1);
    QCOMPARE(readFile(path), linesOf(messages));
}

void tst_MessageNdjson::exporterUnwritablePath_data()
{
    QTest::addColumn<QString>("relativePath");
    QTest::newRow("missing folder") << QStringLiteral("no/such/folder/out.ndjson");
    QTest::newRow("a folder") << QStringLiteral("folder");
}

void tst_MessageNdjson::exporterUnwritablePath()
{
    QFETCH(QString, relativePath);
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("folder")));
    const QString path = dir.filePath(relativePath);
    MessageExporter exporter;
    Finish finish;
    recordFinish(&exporter, finish);
    exporter.start(path, mixedMessages(10));
    QCOMPARE(finish.times, 0); // reported from the event loop
    QTRY_COMPARE(finish.times, 1);
    QVERIFY(!finish.ok);
    QVERIFY2(finish.error.startsWith(QStringLiteral("Cannot export the messages to ")),
             qPrintable(finish.error));
    QVERIFY2(finish.error.contains(QDir::toNativeSeparators(path)), qPrintable(finish.error));
    QVERIFY(finish.error.endsWith(QLatin1Char('.')));
    QVERIFY(!exporter.isRunning());
}

void tst_MessageNdjson::exportImportRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("round.ndjson"));
    const MqttMessageBatch messages = mixedMessages(10000);
    MessageExporter exporter;
    Finish exported;
    recordFinish(&exporter, exported);
    exporter.start(path, messages);
    QTRY_COMPARE(exported.times, 1);
    QVERIFY(exported.ok);

    MessageImporter importer;
    importer.setChunkBytes(64 * 1024); // many chunks, lines cut at their edges
    MqttMessageBatch read;
    int batches = 0;
    connect(&importer, &MessageImporter::batchRead, this, [&](const MqttMessageBatch &batch) {
        ++batches;
        read += batch;
    });
    QSignalSpy progress(&importer, &MessageImporter::progress);
    Finish imported;
    recordFinish(&importer, imported);
    importer.start(path);
    QTRY_COMPARE(imported.times, 1);
    QVERIFY2(imported.ok, qPrintable(imported.error));
    QCOMPARE(imported.count, 10000);
    QVERIFY(batches > 1);
    compareMessages(read, messages);
    QCOMPARE(linesOf(read), readFile(path)); // byte for byte
    const qint64 size = QFileInfo(path).size();
    QCOMPARE(progress.last().at(0).value<qint64>(), size);
    QCOMPARE(progress.last().at(1).value<qint64>(), size);
}

void tst_MessageNdjson::importChunkBoundaries_data()
{
    QTest::addColumn<qint64>("chunkBytes");
    QTest::newRow("1 byte") << qint64(1);
    QTest::newRow("7 bytes") << qint64(7);
    QTest::newRow("100 bytes") << qint64(100);
    QTest::newRow("whole file") << qint64(1 << 20);
}

void tst_MessageNdjson::importChunkBoundaries()
{
    QFETCH(qint64, chunkBytes);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("in.ndjson"));
    const MqttMessageBatch messages = mixedMessages(40);
    QByteArray bytes = linesOf(messages);
    bytes.chop(1); // the last line needs no newline
    writeFile(path, bytes);
    MessageImporter importer;
    importer.setChunkBytes(chunkBytes);
    MqttMessageBatch read;
    connect(&importer, &MessageImporter::batchRead, this, [&](const MqttMessageBatch &batch) {
        QVERIFY(!batch.isEmpty());
        read += batch;
    });
    Finish finish;
    recordFinish(&importer, finish);
    importer.start(path);
    QTRY_COMPARE_WITH_TIMEOUT(finish.times, 1, 30000);
    QVERIFY2(finish.ok, qPrintable(finish.error));
    QCOMPARE(finish.count, 40);
    compareMessages(read, messages);
}

void tst_MessageNdjson::importSkipsEmptyLines()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("in.ndjson"));
    const MqttMessageBatch messages = mixedMessages(3);
    writeFile(path, "\n" + lineOf(messages.at(0)) + "\n\r\n  \n" +
                        lineOf(messages.at(1)).chopped(1) + "\r\n" + lineOf(messages.at(2)) +
                        "\n\n");
    MessageImporter importer;
    MqttMessageBatch read;
    connect(&importer, &MessageImporter::batchRead, this,
            [&](const MqttMessageBatch &batch) { read += batch; });
    Finish finish;
    recordFinish(&importer, finish);
    importer.start(path);
    QTRY_COMPARE(finish.times, 1);
    QVERIFY2(finish.ok, qPrintable(finish.error));
    QCOMPARE(finish.count, 3);
    compareMessages(read, messages);
}

void tst_MessageNdjson::importBadLineIsNamed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.ndjson"));
    const MqttMessageBatch messages = mixedMessages(5);
    writeFile(path, lineOf(messages.at(0)) + lineOf(messages.at(1)) + "\n" +
                        "{\"qos\":0,\"retain\":false,\"time\":\"2026-11-26T13:33:20.123Z\","
                        "\"payload\":\"\"}\n" +
                        lineOf(messages.at(3)) + lineOf(messages.at(4)));
    MessageImporter importer;
    MqttMessageBatch read;
    connect(&importer, &MessageImporter::batchRead, this,
            [&](const MqttMessageBatch &batch) { read += batch; });
    Finish finish;
    recordFinish(&importer, finish);
    importer.start(path);
    QTRY_COMPARE(finish.times, 1);
    QVERIFY(!finish.ok);
    QCOMPARE(finish.error, QStringLiteral("Cannot import messages from %1: line 4 is not a "
                                          "message: line has no \"topic\".")
                               .arg(QDir::toNativeSeparators(path)));
    compareMessages(read, messages.mid(0, 2)); // the lines before it were delivered
    QVERIFY(!importer.isRunning());
}

void tst_MessageNdjson::importLineTooLong()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("long.ndjson"));
    const QByteArray first = lineOf(mixedMessages(1).at(0));
    writeFile(path, first + QByteArray(100000, 'x')); // no newline after it
    MessageImporter importer;
    importer.setChunkBytes(1000);
    importer.setMaxLineBytes(4096);
    QSignalSpy progress(&importer, &MessageImporter::progress);
    Finish finish;
    recordFinish(&importer, finish);
    importer.start(path);
    QTRY_COMPARE(finish.times, 1);
    QVERIFY(!finish.ok);
    QVERIFY2(finish.error.endsWith(
                 QStringLiteral("line 2 is longer than 4096 bytes, the most a line may have.")),
             qPrintable(finish.error));
    // It stopped soon after the limit rather than reading the whole line.
    QVERIFY(progress.last().at(0).value<qint64>() < 4096 + first.size() + 1000);

    // The limit in megabytes, for a line that ends within the chunk that passes it.
    writeFile(path, QByteArray((1 << 20) + 10, 'x') + '\n');
    importer.setChunkBytes(4 << 20);
    importer.setMaxLineBytes(1 << 20);
    importer.start(path);
    QTRY_COMPARE(finish.times, 2);
    QVERIFY2(finish.error.endsWith(QStringLiteral("line 1 is longer than 1 MB, the most a line "
                                                  "may have.")),
             qPrintable(finish.error));
}

void tst_MessageNdjson::importMissingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("missing.ndjson"));
    MessageImporter importer;
    Finish finish;
    recordFinish(&importer, finish);
    importer.start(path);
    QCOMPARE(finish.times, 0); // reported from the event loop
    QTRY_COMPARE(finish.times, 1);
    QVERIFY(!finish.ok);
    QVERIFY2(
        finish.error.startsWith(
            QStringLiteral("Cannot import messages from %1: ").arg(QDir::toNativeSeparators(path))),
        qPrintable(finish.error));
}

void tst_MessageNdjson::importCancel()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("in.ndjson"));
    writeFile(path, linesOf(mixedMessages(2000)));
    MessageImporter importer;
    importer.setChunkBytes(4096);
    int batches = 0;
    // Cancelling from a receiver stops at once.
    connect(&importer, &MessageImporter::batchRead, this, [&](const MqttMessageBatch &) {
        ++batches;
        importer.cancel();
    });
    QSignalSpy progress(&importer, &MessageImporter::progress);
    Finish finish;
    recordFinish(&importer, finish);
    importer.start(path);
    QTRY_COMPARE(batches, 1);
    QTest::qWait(50);
    QCOMPARE(batches, 1);
    QCOMPARE(progress.size(), 0);
    QCOMPARE(finish.times, 0);
    QVERIFY(!importer.isRunning());
}

QTEST_GUILESS_MAIN(tst_MessageNdjson)
#include "tst_messagendjson.moc"
