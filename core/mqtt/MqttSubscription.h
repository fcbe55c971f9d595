#pragma once

#include "mqtt/TopicFilter.h"

#include <QObject>

namespace thingdeck {

/// A subscription handle, owned by its MqttConnection. It stays valid across reconnects
/// (the connection subscribes again) until unsubscribed.
class MqttSubscription : public QObject
{
    Q_OBJECT
public:
    enum class State { Pending, Subscribed, Failed, Unsubscribed };
    Q_ENUM(State)

    MqttSubscription(TopicFilter filter, int qos, QObject *parent);

    const TopicFilter &filter() const { return m_filter; }
    int qos() const { return m_qos; }
    State state() const { return m_state; }
    QString errorString() const { return m_error; }
    /// Whether the broker has granted this subscription at least once (since it was made).
    bool wasGranted() const { return m_granted; }

    void setState(State state, const QString &error = {});

Q_SIGNALS:
    void stateChanged(thingdeck::MqttSubscription::State state);

private:
    TopicFilter m_filter;
    int m_qos;
    State m_state = State::Pending;
    QString m_error;
    bool m_granted = false;
};

} // namespace thingdeck
