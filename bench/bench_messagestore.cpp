// bench_messagestore: pushes 1,000,000 JSON messages of ~150 bytes, in batches of 500, through
// MessageStore + MessageTableModel capped at 100,000 (the model's flush timer driven by a real
// event loop), and through a plain capped std::deque<MqttMessage> as an in-run reference.
// Prints throughput, peak RSS (VmHWM) and the final row count. Not a test: it only measures.
//
// Each variant runs in a child process of its own so that its VmHWM is its own peak; run with
// `--mode store` or `--mode deque` to run one variant in this process. Making the messages
// costs about as much as storing them, so its time is measured and also reported apart.
#include "models/MessageTableModel.h"
#include "mqtt/MessageStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTimer>

#include <cstdio>
#include <deque>
#include <functional>

using namespace thingdeck;

namespace {

constexpr qint64 kMessages = 1000000;
constexpr int kBatchSize = 500;
constexpr qsizetype kCapacity = 100000;
constexpr int kDevices = 200;

using Sink = std::function<void(const MqttMessageBatch &)>;
using Figures = QHash<QString, QString>;

/// A telemetry message with its own topic and payload allocations, as MqttConnection makes.
MqttMessage makeMessage(qint64 seq)
{
    const QByteArray device = "device-" + QByteArray::number(seq % kDevices).rightJustified(3, '0');
    MqttMessage message;
    message.topic = QStringLiteral("dt/%1/telemetry").arg(QLatin1String(device));
    message.payload = "{\"deviceId\":\"" + device + "\",\"seq\":" + QByteArray::number(seq) +
                      ",\"ts\":" + QByteArray::number(1700000000000 + seq) +
                      ",\"temperature\":" + QByteArray::number(18.0 + double(seq % 700) / 100.0) +
                      ",\"humidity\":" + QByteArray::number(40 + seq % 20) + ",\"rssi\":-" +
                      QByteArray::number(50 + seq % 40) +
                      ",\"battery\":87,\"status\":\"ok\",\"firmware\":\"1.4.2-rc1\"}";
    message.timestampMs = 1700000000000 + seq;
    message.qos = quint8(seq % 2);
    return message;
}

MqttMessageBatch makeBatch(qint64 first)
{
    MqttMessageBatch batch;
    batch.reserve(kBatchSize);
    for (qint64 seq = first; seq < first + kBatchSize; ++seq)
        batch.append(makeMessage(seq));
    return batch;
}

/// Peak resident set size of this process in KiB, or -1.
qint64 peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly | QIODevice::Text))
        return -1;
    for (QByteArray line = status.readLine(); !line.isEmpty(); line = status.readLine()) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

/// The clock of one variant's run, and how much of it went into making the messages.
struct Timing
{
    QElapsedTimer clock;
    qint64 makingNs = 0;
};

/// Feeds kMessages to the sink, one batch per pass of the event loop (a 0 ms timer), so that
/// timers such as the model's flush run between batches as they would in the application.
/// Calls `done` after the last batch; the event loop runs until someone quits it.
void produce(Timing &timing, const Sink &sink, const std::function<void()> &done)
{
    QTimer timer;
    qint64 sent = 0;
    QObject::connect(&timer, &QTimer::timeout, &timer, [&] {
        const qint64 before = timing.clock.nsecsElapsed();
        const MqttMessageBatch batch = makeBatch(sent);
        timing.makingNs += timing.clock.nsecsElapsed() - before;
        sink(batch);
        sent += kBatchSize;
        if (sent < kMessages)
            return;
        timer.stop();
        done();
    });
    timing.clock.start();
    timer.start(0);
    QCoreApplication::exec();
}

void printFigures(const char *mode, const Timing &timing, qint64 totalNs, qint64 baselineKb,
                  qint64 rows, quint64 dropped)
{
    const double seconds = double(totalNs) / 1e9;
    const double storingSeconds = double(totalNs - timing.makingNs) / 1e9;
    std::printf("mode=%s messages=%lld seconds=%.3f rate=%.0f storing_rate=%.0f vmhwm_kb=%lld "
                "baseline_kb=%lld rows=%lld dropped=%llu\n",
                mode, kMessages, seconds, double(kMessages) / seconds,
                double(kMessages) / storingSeconds, peakRssKb(), baselineKb, rows,
                static_cast<unsigned long long>(dropped));
}

int runStore()
{
    const qint64 baselineKb = peakRssKb();
    MessageStore store;
    store.setCapacity(kCapacity);
    MessageTableModel model(&store);
    Timing timing;
    bool produced = false;
    qint64 totalNs = 0;
    // Done when the last batch is in and the model has flushed it.
    const auto finishIfIdle = [&] {
        if (!produced || model.hasPendingChanges())
            return;
        totalNs = timing.clock.nsecsElapsed();
        QCoreApplication::quit();
    };
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, &model, finishIfIdle);
    produce(
        timing, [&store](const MqttMessageBatch &batch) { store.append(batch); },
        [&produced, &finishIfIdle] {
            produced = true;
            finishIfIdle();
        });
    printFigures("store", timing, totalNs, baselineKb, model.rowCount(), store.droppedCount());
    return model.rowCount() == kCapacity ? 0 : 1;
}

int runDeque()
{
    const qint64 baselineKb = peakRssKb();
    std::deque<MqttMessage> messages;
    quint64 nextId = 1;
    quint64 dropped = 0;
    const Sink sink = [&](const MqttMessageBatch &batch) {
        for (const MqttMessage &message : batch) {
            messages.push_back(message);
            messages.back().id = nextId++;
        }
        for (; qsizetype(messages.size()) > kCapacity; ++dropped)
            messages.pop_front();
    };
    Timing timing;
    produce(timing, sink, [] { QCoreApplication::quit(); });
    printFigures("deque", timing, timing.clock.nsecsElapsed(), baselineKb, qint64(messages.size()),
                 dropped);
    return 0;
}

Figures runChild(const QString &mode)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--mode"), mode});
    child.waitForFinished(-1);
    Figures figures;
    const QList<QByteArray> fields = child.readAllStandardOutput().trimmed().split(' ');
    for (const QByteArray &field : fields) {
        const qsizetype equals = field.indexOf('=');
        if (equals > 0)
            figures.insert(QString::fromLatin1(field.left(equals)),
                           QString::fromLatin1(field.mid(equals + 1)));
    }
    return figures;
}

void printRow(const char *label, const Figures &figures)
{
    const auto number = [&figures](const char *key) {
        return figures.value(QLatin1String(key)).toDouble();
    };
    std::printf("%-24s %12.0f %12.0f %10.1f %10.1f %8.0f\n", label, number("rate"),
                number("storing_rate"), number("vmhwm_kb") / 1024.0, number("baseline_kb") / 1024.0,
                number("rows"));
}

double ratio(const Figures &store, const Figures &deque, const char *key)
{
    return store.value(QLatin1String(key)).toDouble() / deque.value(QLatin1String(key)).toDouble();
}

int runBoth()
{
    const Figures deque = runChild(QStringLiteral("deque"));
    const Figures store = runChild(QStringLiteral("store"));
    if (deque.isEmpty() || store.isEmpty()) {
        std::fprintf(stderr, "bench_messagestore: a child run failed\n");
        return 1;
    }
    std::printf("%lld messages (~%lld bytes of JSON each) in batches of %d, cap %lld\n", kMessages,
                static_cast<long long>(makeMessage(kMessages / 2).payload.size()), kBatchSize,
                static_cast<long long>(kCapacity));
    std::printf("%-24s %12s %12s %10s %10s %8s\n", "", "msg/s", "msg/s store", "VmHWM MiB",
                "start MiB", "rows");
    printRow("std::deque (reference)", deque);
    printRow("MessageStore + model", store);
    std::printf("store+model / deque: throughput %.2f x (storing alone %.2f x), peak RSS %.2f x\n",
                ratio(store, deque, "rate"), ratio(store, deque, "storing_rate"),
                ratio(store, deque, "vmhwm_kb"));
    std::printf("(msg/s counts making the messages too; msg/s store leaves that time out)\n");
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    const qsizetype modeAt = arguments.indexOf(QStringLiteral("--mode"));
    const QString mode = modeAt > 0 ? arguments.value(modeAt + 1) : QString();
    if (mode == QLatin1String("store"))
        return runStore();
    if (mode == QLatin1String("deque"))
        return runDeque();
    if (!mode.isEmpty()) {
        std::fprintf(stderr, "usage: bench_messagestore [--mode store|deque]\n");
        return 2;
    }
    return runBoth();
}
