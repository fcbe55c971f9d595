#include "mqtt/MqttSubscription.h"

namespace thingdeck {

MqttSubscription::MqttSubscription(TopicFilter filter, int qos, QObject *parent)
    : QObject(parent)
    , m_filter(std::move(filter))
    , m_qos(qos)
{}

void MqttSubscription::setState(State state, const QString &error)
{
    m_error = error;
    m_granted = m_granted || state == State::Subscribed;
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace thingdeck
