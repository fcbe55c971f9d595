#pragma once

#include "mqtt/MqttMessage.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace thingdeck {

class MqttConnection;

/// The sandbox's simulated devices. Each publishes telemetry JSON on `dt/<thing>/telemetry`
/// (the total rate is split over the devices, up to tens of thousands of messages per second)
/// and follows its shadows' delta topics: after a short delay it reports the desired values
/// back, closing the desired/reported loop as a real device does.
class DeviceSimulator : public QObject
{
    Q_OBJECT
public:
    DeviceSimulator(MqttConnection *connection, const QStringList &thingNames,
                    double messagesPerSecond, int reportDelayMs, QObject *parent = nullptr);

    /// Subscribes to the delta topics and starts the telemetry clock. Call once connected.
    void start();
    quint64 telemetrySent() const { return m_sent; }
    quint64 reportsSent() const { return m_reports; }

private:
    void onTick();
    void onMessages(const MqttMessageBatch &messages);
    void scheduleReport(const QString &topic, const QByteArray &deltaPayload);
    QByteArray telemetry(const QString &thing, quint64 sequence) const;

    MqttConnection *m_connection;
    QStringList m_things;
    QSet<QString> m_thingSet;
    double m_rate;
    int m_reportDelayMs;
    QTimer m_tick;
    QElapsedTimer m_clock;
    quint64 m_sent = 0;
    quint64 m_reports = 0;
    qsizetype m_next = 0;
};

} // namespace thingdeck
