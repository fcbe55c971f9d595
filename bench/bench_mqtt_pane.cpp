// bench_mqtt_pane: the real main window (under Xvfb, or offscreen) connected to a running
// sandbox over mutual TLS, with the Live MQTT dock visible, subscribed to --filter (QoS
// --qos) and following. It prints "ready baseline_rss_kb=K" once subscribed and settled, then
// counts the messages the window receives (MqttConnection::messagesReceived, after the
// session has stored them) until --count have arrived (or been dropped by the connection's
// inbox), waits kSettleMs for the model's flush and the follow timer, and prints one line:
//   received=N inbox_dropped=D first_to_last_s=S rate=R last_epoch_ns=T ticks=K
//   gap_p50_ms=… gap_p99_ms=… gap_max_ms=… gaps_over_50ms=… gaps_over_250ms=…
//   rss_kb=… hwm_kb=… baseline_rss_kb=… store_size=… store_bytes=… store_dropped=…
//   byte_budget=… rows=… following=0|1 at_end=0|1
// The heartbeat is a kHeartbeatMs precise QTimer on the GUI thread; a gap is the time between
// two of its ticks, recorded from the first message to the end of the settle time. bench/
// run-pane-benchmark publishes (and stops/continues this process around the backlog).
// With --print-tls it only prints the sandbox's MQTT URI and the first device's files.
// Figures, not a test.
#include "MainWindow.h"
#include "messages/MessagePane.h"
#include "models/MessageTableModel.h"
#include "models/SubscriptionListModel.h"
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"
#include "session/ConsoleSession.h"
#include "session/DraftStore.h"
#include "session/SandboxInfo.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "workspace/Workspace.h"

#include <QApplication>
#include <QDateTime>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

using namespace thingdeck;

namespace {

constexpr int kHeartbeatMs = 5;
constexpr int kSettleMs = 1000; ///< after the last message: flush, follow, paint
constexpr int kIdleMs = 2000;   ///< after subscribing, before the baseline
constexpr int kPollMs = 20;

struct Options
{
    QString sandboxJson;
    qint64 count = 200000;
    qint64 byteBudget = 0; ///< 0: the store's default
    int qos = 1;
    QString filter = QStringLiteral("dt/#");
    int timeoutSeconds = 600;
    bool printTls = false;
};

std::optional<Options> parseOptions(const QStringList &args)
{
    if (args.size() < 2 || args.at(1).startsWith(u'-'))
        return std::nullopt;
    Options options;
    options.sandboxJson = args.at(1);
    for (qsizetype i = 2; i < args.size(); ++i) {
        const QString &name = args.at(i);
        if (name == QLatin1String("--print-tls")) {
            options.printTls = true;
            continue;
        }
        if (i + 1 >= args.size())
            return std::nullopt;
        const QString value = args.at(++i);
        if (name == QLatin1String("--count"))
            options.count = value.toLongLong();
        else if (name == QLatin1String("--byte-budget-mb"))
            options.byteBudget = value.toLongLong() * 1024 * 1024;
        else if (name == QLatin1String("--qos"))
            options.qos = value.toInt();
        else if (name == QLatin1String("--filter"))
            options.filter = value;
        else if (name == QLatin1String("--timeout"))
            options.timeoutSeconds = value.toInt();
        else
            return std::nullopt;
    }
    if (options.count <= 0 || options.timeoutSeconds <= 0)
        return std::nullopt;
    return options;
}

/// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), or -1.
qint64 statusKb(const char *key)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(key) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

QProcessEnvironment sandboxEnvironment(const SandboxInfo &info, const QString &home)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home);
    environment.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), info.accessKeyId);
    environment.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), info.secretAccessKey);
    environment.insert(QStringLiteral("AWS_REGION"), info.region);
    environment.insert(QStringLiteral("AWS_ENDPOINT_URL"), info.restEndpoint);
    environment.insert(QStringLiteral("AWS_CA_BUNDLE"), info.caFile);
    return environment;
}

double percentileMs(std::vector<qint64> sortedNs, double q)
{
    if (sortedNs.empty())
        return 0;
    return double(sortedNs[std::min(sortedNs.size() - 1, size_t(q * double(sortedNs.size())))]) /
           1e6;
}

/// The window, its session and the measurement.
class PaneRun
{
public:
    PaneRun(const Options &options, const SandboxInfo &info)
        : m_options(options)
        , m_info(info)
        , m_environment(sandboxEnvironment(info, m_home.path()))
        , m_settings(m_home.filePath(QStringLiteral("thingdeck.conf")))
        , m_workspace(&m_settings, &m_secrets, m_environment, {}, {})
        , m_drafts(m_home.filePath(QStringLiteral("drafts")))
        , m_window(&m_workspace, &m_settings, &m_secrets, &m_drafts, m_environment)
    {
        m_heartbeat.setTimerType(Qt::PreciseTimer);
        m_heartbeat.setInterval(kHeartbeatMs);
        QObject::connect(&m_heartbeat, &QTimer::timeout, &m_window, [this] { onTick(); });
        m_poll.setInterval(kPollMs);
    }

    int exec()
    {
        m_window.resize(1280, 800);
        m_window.show();
        m_window.messagesDock()->show();
        m_window.messagesDock()->raise();
        // The sandbox as a plain AWS connection (keys from the environment), MQTT with the
        // first device's certificate, as tests/ui do.
        ConnectionSettings connection = m_info.connectionSettings(QStringLiteral("bench"));
        connection.kind = ConnectionSettings::Kind::AwsProfile;
        m_workspace.openUnsaved(connection);
        QObject::connect(&m_poll, &QTimer::timeout, &m_window, [this] { waitForConnection(); });
        m_poll.start();
        QTimer::singleShot(m_options.timeoutSeconds * 1000, &m_window, [this] {
            fail(QStringLiteral("timed out after %1 s").arg(m_options.timeoutSeconds));
        });
        m_clock.start();
        return QApplication::exec();
    }

private:
    MessagePane *pane() const { return m_window.messagePane(); }
    ConsoleSession *session() const { return m_workspace.session(); }

    void waitForConnection()
    {
        if (!session() || session()->mqtt()->state() != MqttConnection::State::Connected)
            return;
        m_poll.disconnect();
        if (m_options.byteBudget > 0)
            pane()->setCaps(session()->messages()->capacity(), m_options.byteBudget);
        const auto row = pane()->subscriptionModel()->add(m_options.filter, m_options.qos);
        if (!row.ok())
            return fail(row.error());
        m_row = row.value();
        pane()->setFollowing(true);
        QObject::connect(&m_poll, &QTimer::timeout, &m_window, [this] { waitForSubscription(); });
    }

    void waitForSubscription()
    {
        const auto state = pane()->subscriptionModel()->rowState(m_row);
        if (state == SubscriptionListModel::RowState::Refused)
            return fail(pane()->subscriptionModel()->problem(m_row));
        if (state != SubscriptionListModel::RowState::Active)
            return;
        m_poll.stop();
        QObject::connect(session()->mqtt(), &MqttConnection::messagesReceived, &m_window,
                         [this](const MqttMessageBatch &batch) { onBatch(batch); });
        QTimer::singleShot(kIdleMs, &m_window, [this] { announceReady(); });
    }

    void announceReady()
    {
        m_baselineRssKb = statusKb("VmRSS");
        std::printf("ready baseline_rss_kb=%lld\n", static_cast<long long>(m_baselineRssKb));
        std::fflush(stdout);
        m_heartbeat.start();
    }

    void onBatch(const MqttMessageBatch &batch)
    {
        const qint64 now = m_clock.nsecsElapsed();
        if (m_firstNs < 0)
            m_firstNs = m_lastTickNs = now;
        m_received += batch.size();
        if (m_lastNs >= 0 ||
            m_received + qint64(session()->mqtt()->droppedMessages()) < m_options.count)
            return;
        m_lastNs = now;
        m_lastEpochNs = QDateTime::currentMSecsSinceEpoch() * 1000000;
        QTimer::singleShot(kSettleMs, &m_window, [this] { finish(); });
    }

    void onTick()
    {
        const qint64 now = m_clock.nsecsElapsed();
        if (m_firstNs >= 0 && !m_done) {
            m_gapsNs.push_back(now - std::max(m_lastTickNs, m_firstNs));
            m_lastTickNs = now;
        }
    }

    void finish()
    {
        m_done = true;
        m_heartbeat.stop();
        printFigures();
        shutDown(0);
    }

    void printFigures() const
    {
        std::vector<qint64> gaps = m_gapsNs;
        std::sort(gaps.begin(), gaps.end());
        const auto over = [&gaps](qint64 ms) {
            return long(std::count_if(gaps.begin(), gaps.end(),
                                      [ms](qint64 gap) { return gap > ms * 1000000; }));
        };
        const double seconds = double(m_lastNs - m_firstNs) / 1e9;
        std::printf("received=%lld inbox_dropped=%llu first_to_last_s=%.3f rate=%.0f "
                    "last_epoch_ns=%lld ticks=%zu gap_p50_ms=%.1f gap_p99_ms=%.1f "
                    "gap_max_ms=%.1f gaps_over_50ms=%ld gaps_over_250ms=%ld ",
                    static_cast<long long>(m_received),
                    static_cast<unsigned long long>(session()->mqtt()->droppedMessages()), seconds,
                    seconds > 0 ? double(m_received) / seconds : 0.0,
                    static_cast<long long>(m_lastEpochNs), gaps.size(), percentileMs(gaps, 0.5),
                    percentileMs(gaps, 0.99), gaps.empty() ? 0.0 : double(gaps.back()) / 1e6,
                    over(50), over(250));
        printMemory();
    }

    void printMemory() const
    {
        const MessageStore *store = session()->messages();
        const QScrollBar *bar = pane()->table()->verticalScrollBar();
        std::printf(
            "rss_kb=%lld hwm_kb=%lld baseline_rss_kb=%lld store_size=%lld "
            "store_bytes=%lld store_dropped=%llu byte_budget=%lld rows=%d following=%d "
            "at_end=%d\n",
            static_cast<long long>(statusKb("VmRSS")), static_cast<long long>(statusKb("VmHWM")),
            static_cast<long long>(m_baselineRssKb), static_cast<long long>(store->size()),
            static_cast<long long>(store->byteSize()),
            static_cast<unsigned long long>(store->droppedCount()),
            static_cast<long long>(store->byteBudget()), pane()->table()->model()->rowCount(),
            pane()->isFollowing() ? 1 : 0, bar->value() >= bar->maximum() ? 1 : 0);
        std::fflush(stdout);
    }

    void fail(const QString &why)
    {
        if (m_done)
            return;
        m_done = true;
        std::fprintf(stderr, "bench_mqtt_pane: %s (received %lld of %lld)\n", qPrintable(why),
                     static_cast<long long>(m_received), static_cast<long long>(m_options.count));
        shutDown(1);
    }

    // Closes the session as the window does on quit; a bounded wait, then exit regardless.
    void shutDown(int code)
    {
        QObject::connect(&m_workspace, &Workspace::shutDown, &m_window,
                         [code] { QApplication::exit(code); });
        QTimer::singleShot(5000, &m_window, [code] { QApplication::exit(code); });
        m_workspace.shutdown();
    }

    Options m_options;
    SandboxInfo m_info;
    QTemporaryDir m_home;
    QProcessEnvironment m_environment;
    Settings m_settings;
    SecretStore m_secrets;
    Workspace m_workspace;
    DraftStore m_drafts;
    MainWindow m_window;
    QTimer m_poll;
    QTimer m_heartbeat;
    QElapsedTimer m_clock;
    int m_row = -1;
    qint64 m_baselineRssKb = -1;
    qint64 m_received = 0;
    qint64 m_firstNs = -1;
    qint64 m_lastNs = -1;
    qint64 m_lastEpochNs = -1;
    qint64 m_lastTickNs = -1;
    bool m_done = false;
    std::vector<qint64> m_gapsNs;
};

int printTls(const SandboxInfo &info)
{
    if (info.devices.isEmpty()) {
        std::fprintf(stderr, "bench_mqtt_pane: the sandbox has no device certificate\n");
        return 1;
    }
    std::printf("uri=ssl://%s:%u\nca=%s\ncert=%s\nkey=%s\nhost=%s\nport=%u\n",
                qPrintable(info.mqttHost), unsigned(info.mqttPort), qPrintable(info.caFile),
                qPrintable(info.devices.first().certificateFile),
                qPrintable(info.devices.first().privateKeyFile), qPrintable(info.mqttHost),
                unsigned(info.mqttPort));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const auto options = parseOptions(args);
    if (!options) {
        std::fprintf(stderr, "usage: bench_mqtt_pane SANDBOX_JSON [--print-tls] [--count N] "
                             "[--byte-budget-mb M] [--qos Q] [--filter F] [--timeout S]\n");
        return 2;
    }
    const auto info = SandboxInfo::read(options->sandboxJson);
    if (!info.ok()) {
        std::fprintf(stderr, "bench_mqtt_pane: %s\n", qPrintable(info.error()));
        return 1;
    }
    if (options->printTls)
        return printTls(info.value());
    QApplication app(argc, argv);
    PaneRun run(*options, info.value());
    return run.exec();
}
