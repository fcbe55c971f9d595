// bench_mqtt_pipeline: drains a backlog of MQTT messages through the application's own
// pipeline, MqttConnection → MessageStore (capped) → MessageTableModel, with the model's real
// flush timer on a QCoreApplication event loop. The session is persistent (clean session off,
// fixed client id) and the subscription QoS 1, so bench/run-mqtt-benchmark can queue the
// backlog in the broker before this connects. Prints one line of figures:
//   received=N seconds=S rate=R vmhwm_kb=K rows=R store_dropped=D inbox_dropped=I batches=B
// where seconds run from connectToHost() until the model shows the Nth message. Exit code 0
// only when all N arrived before --timeout. Not a test: it only measures.
#include "models/MessageTableModel.h"
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"
#include "mqtt/MqttSubscription.h"
#include "mqtt/TopicFilter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <optional>

namespace thingdeck {
namespace {

constexpr int kDisconnectGraceMs = 3000;

struct PipelineOptions
{
    MqttConnectOptions connect = {};
    TopicFilter filter;
    qint64 count = 0;
    qsizetype capacity = MessageStore::kDefaultCapacity;
    int timeoutSeconds = 300;
};

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

void addOptions(QCommandLineParser &parser)
{
    const auto value = [&parser](const char *name, const char *help) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help),
                                            QStringLiteral("value")));
    };
    value("host", "broker host (the server certificate must name it)");
    value("port", "broker port (MQTT over mutual TLS)");
    value("client-id", "client id of the persistent session");
    value("topic", "topic filter to subscribe to with QoS 1");
    value("count", "messages to receive");
    value("ca", "CA file");
    value("cert", "client certificate file");
    value("key", "client key file");
    value("capacity", "message store cap (default 100000)");
    value("timeout", "give up after this many seconds (default 300)");
    parser.addHelpOption();
}

std::optional<PipelineOptions> readOptions(const QCommandLineParser &parser)
{
    const auto filter = TopicFilter::create(parser.value(QStringLiteral("topic")));
    if (!filter.ok()) {
        std::fprintf(stderr, "bench_mqtt_pipeline: %s\n", qPrintable(filter.error()));
        return std::nullopt;
    }
    PipelineOptions options{.filter = filter.value()};
    MqttConnectOptions &connect = options.connect;
    connect.host = parser.value(QStringLiteral("host"));
    connect.port = parser.value(QStringLiteral("port")).toUShort();
    connect.clientId = parser.value(QStringLiteral("client-id"));
    connect.caFile = parser.value(QStringLiteral("ca"));
    connect.certificateFile = parser.value(QStringLiteral("cert"));
    connect.privateKeyFile = parser.value(QStringLiteral("key"));
    connect.cleanSession = false;
    options.count = parser.value(QStringLiteral("count")).toLongLong();
    if (parser.isSet(QStringLiteral("capacity")))
        options.capacity = parser.value(QStringLiteral("capacity")).toLongLong();
    if (parser.isSet(QStringLiteral("timeout")))
        options.timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt();
    const bool complete = !connect.host.isEmpty() && connect.port != 0 &&
                          !connect.clientId.isEmpty() && !connect.caFile.isEmpty() &&
                          !connect.certificateFile.isEmpty() && !connect.privateKeyFile.isEmpty();
    if (!complete || options.count <= 0 || options.capacity <= 0 || options.timeoutSeconds <= 0) {
        std::fprintf(stderr, "bench_mqtt_pipeline: --host, --port, --client-id, --topic, "
                             "--count, --ca, --cert and --key are required (see --help)\n");
        return std::nullopt;
    }
    return options;
}

/// One drain: the pipeline under test plus the bookkeeping of the measurement.
class PipelineRun
{
public:
    explicit PipelineRun(PipelineOptions options)
        : m_options(std::move(options))
        , m_model(&m_store)
    {
        m_store.setCapacity(m_options.capacity);
        m_timeout.setSingleShot(true);
        m_timeout.setInterval(m_options.timeoutSeconds * 1000);
    }

    /// Runs the event loop until the drain ends; returns the exit code.
    int exec()
    {
        wire();
        m_connection.subscribe(m_options.filter, 1);
        m_timeout.start();
        m_clock.start();
        m_connection.connectToHost(m_options.connect);
        QCoreApplication::exec();
        print();
        return m_failure.isEmpty() ? 0 : 1;
    }

private:
    void wire()
    {
        QObject::connect(&m_connection, &MqttConnection::messagesReceived, &m_store,
                         [this](const MqttMessageBatch &batch) { onBatch(batch); });
        QObject::connect(&m_model, &QAbstractItemModel::rowsInserted, &m_model,
                         [this] { finishIfShown(); });
        QObject::connect(&m_connection, &MqttConnection::errorChanged, &m_store,
                         [this](MqttConnection::Error error) {
                             if (error != MqttConnection::Error::None)
                                 finish(m_connection.errorString());
                         });
        QObject::connect(&m_timeout, &QTimer::timeout, &m_store, [this] {
            finish(QStringLiteral("timed out after %1 s").arg(m_options.timeoutSeconds));
        });
    }

    void onBatch(const MqttMessageBatch &batch)
    {
        m_received += batch.size();
        ++m_batches;
        m_store.append(batch);
        if (const quint64 dropped = m_connection.droppedMessages(); dropped > 0)
            finish(QStringLiteral("the connection's inbox dropped %1 messages").arg(dropped));
    }

    // Done when all N are in and the model has flushed them into rows.
    void finishIfShown()
    {
        if (m_received >= m_options.count && !m_model.hasPendingChanges())
            finish({});
    }

    void finish(const QString &failure)
    {
        if (m_finishedNs >= 0)
            return;
        m_finishedNs = m_clock.nsecsElapsed();
        m_failure = failure;
        m_timeout.stop();
        QObject::connect(&m_connection, &MqttConnection::stateChanged, &m_store,
                         [](MqttConnection::State state) {
                             if (state == MqttConnection::State::Disconnected)
                                 QCoreApplication::quit();
                         });
        QTimer::singleShot(kDisconnectGraceMs, &m_store, [] { QCoreApplication::quit(); });
        m_connection.disconnectFromHost();
    }

    void print() const
    {
        const double seconds = double(m_finishedNs) / 1e9;
        std::printf("received=%lld seconds=%.3f rate=%.0f vmhwm_kb=%lld rows=%d "
                    "store_dropped=%llu inbox_dropped=%llu batches=%lld\n",
                    static_cast<long long>(m_received), seconds,
                    seconds > 0 ? double(m_received) / seconds : 0.0,
                    static_cast<long long>(peakRssKb()), m_model.rowCount(),
                    static_cast<unsigned long long>(m_store.droppedCount()),
                    static_cast<unsigned long long>(m_connection.droppedMessages()),
                    static_cast<long long>(m_batches));
        std::fflush(stdout);
        if (!m_failure.isEmpty())
            std::fprintf(stderr, "bench_mqtt_pipeline: %s after %lld of %lld messages\n",
                         qPrintable(m_failure), static_cast<long long>(m_received),
                         static_cast<long long>(m_options.count));
    }

    PipelineOptions m_options;
    MessageStore m_store;
    MessageTableModel m_model;
    MqttConnection m_connection;
    QElapsedTimer m_clock;
    QTimer m_timeout;
    qint64 m_received = 0;
    qint64 m_batches = 0; ///< messagesReceived() signals: one per wake-up of this thread
    qint64 m_finishedNs = -1;
    QString m_failure;
};

} // namespace
} // namespace thingdeck

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Drains an MQTT backlog through MqttConnection, MessageStore and MessageTableModel."));
    thingdeck::addOptions(parser);
    parser.process(app);
    auto options = thingdeck::readOptions(parser);
    if (!options)
        return 2;
    thingdeck::PipelineRun run(std::move(*options));
    return run.exec();
}
