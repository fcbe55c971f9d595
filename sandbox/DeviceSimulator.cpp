#include "DeviceSimulator.h"

#include "Logging.h"
#include "mqtt/MqttConnection.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace thingdeck {

namespace {

constexpr int kTickMs = 10;
// Upper bound per tick, so that a stalled event loop does not burst a backlog all at once.
constexpr quint64 kMaxPerTick = 5000;
const QString kDeltaSuffix = QStringLiteral("/update/delta");

// "$aws/things/<thing>/shadow[/name/<n>]/update/delta" → the thing, or empty.
QString thingOfDeltaTopic(const QString &topic)
{
    if (!topic.startsWith(QLatin1String("$aws/things/")) || !topic.endsWith(kDeltaSuffix))
        return {};
    return topic.section(QLatin1Char('/'), 2, 2);
}

} // namespace

DeviceSimulator::DeviceSimulator(MqttConnection *connection, const QStringList &thingNames,
                                 double messagesPerSecond, int reportDelayMs, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_things(thingNames)
    , m_thingSet(thingNames.cbegin(), thingNames.cend())
    , m_rate(messagesPerSecond)
    , m_reportDelayMs(reportDelayMs)
{
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &DeviceSimulator::onTick);
    connect(m_connection, &MqttConnection::messagesReceived, this, &DeviceSimulator::onMessages);
}

void DeviceSimulator::start()
{
    for (const char *filter :
         {"$aws/things/+/shadow/update/delta", "$aws/things/+/shadow/name/+/update/delta"}) {
        m_connection->subscribe(TopicFilter::create(QString::fromLatin1(filter)).value(), 1);
    }
    if (m_rate > 0 && !m_things.isEmpty()) {
        m_clock.start();
        m_tick.start();
    }
}

void DeviceSimulator::onTick()
{
    if (m_connection->state() != MqttConnection::State::Connected)
        return;
    const auto due = quint64(m_rate * double(m_clock.elapsed()) / 1000.0);
    quint64 budget = due > m_sent ? std::min(due - m_sent, kMaxPerTick) : 0;
    if (due > m_sent + kMaxPerTick)
        m_sent = due - kMaxPerTick; // fell behind: skip rather than burst
    for (; budget > 0; --budget) {
        const QString &thing = m_things[m_next];
        m_next = (m_next + 1) % m_things.size();
        const auto topic = TopicName::create(QStringLiteral("dt/%1/telemetry").arg(thing));
        if (!topic.ok() ||
            !m_connection->publish(topic.value(), telemetry(thing, m_sent), 0, false))
            return;
        ++m_sent;
    }
}

QByteArray DeviceSimulator::telemetry(const QString &thing, quint64 sequence) const
{
    const double t = double(sequence) / double(std::max<qsizetype>(m_things.size(), 1));
    const QJsonObject body{
        {QStringLiteral("thing"), thing},
        {QStringLiteral("seq"), qint64(sequence)},
        {QStringLiteral("ts"), QDateTime::currentMSecsSinceEpoch()},
        {QStringLiteral("temperature"), std::round((21.0 + 3.0 * std::sin(t / 40.0)) * 100) / 100},
        {QStringLiteral("humidity"), std::round((45.0 + 10.0 * std::cos(t / 55.0)) * 10) / 10},
        {QStringLiteral("battery"), 100 - int(sequence / 1000 % 100)},
        {QStringLiteral("status"), QStringLiteral("ok")},
    };
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

void DeviceSimulator::onMessages(const MqttMessageBatch &messages)
{
    for (const MqttMessage &message : messages) {
        const QString thing = thingOfDeltaTopic(message.topic);
        if (!thing.isEmpty() && m_thingSet.contains(thing))
            scheduleReport(message.topic, message.payload);
    }
}

// The delta lists what desired has that reported lacks; a device applies it and reports it.
void DeviceSimulator::scheduleReport(const QString &topic, const QByteArray &deltaPayload)
{
    const QJsonObject delta = QJsonDocument::fromJson(deltaPayload).object();
    const QJsonObject state = delta.value(QStringLiteral("state")).toObject();
    if (state.isEmpty())
        return;
    const QString updateTopic = topic.chopped(kDeltaSuffix.size()) + QStringLiteral("/update");
    const QByteArray report =
        QJsonDocument(QJsonObject{{QStringLiteral("state"),
                                   QJsonObject{{QStringLiteral("reported"), state}}}})
            .toJson(QJsonDocument::Compact);
    QTimer::singleShot(m_reportDelayMs, this, [this, updateTopic, report] {
        const auto name = TopicName::create(updateTopic);
        if (name.ok() && m_connection->publish(name.value(), report, 1, false))
            ++m_reports;
    });
}

} // namespace thingdeck
