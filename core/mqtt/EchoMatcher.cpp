#include "mqtt/EchoMatcher.h"

#include <QDateTime>

namespace thingdeck {

EchoMatcher::EchoMatcher()
    : EchoMatcher([] { return QDateTime::currentMSecsSinceEpoch(); })
{}

EchoMatcher::EchoMatcher(Clock clock)
    : m_clock(std::move(clock))
{}

void EchoMatcher::expect(const MqttMessage &message)
{
    expire();
    if (qsizetype(m_expected.size()) >= kMaxExpected)
        m_expected.pop_front();
    m_expected.push_back({message.topic, message.payload, m_clock()});
}

void EchoMatcher::markEchoes(MqttMessageBatch &batch)
{
    if (m_expected.empty())
        return;
    expire();
    for (MqttMessage &message : batch) {
        if (m_expected.empty())
            return;
        if (take(message))
            message.outgoing = true;
    }
}

void EchoMatcher::expire()
{
    const qint64 oldest = m_clock() - kMaxAgeMs;
    while (!m_expected.empty() && m_expected.front().sentMs < oldest)
        m_expected.pop_front();
}

// The oldest matching expectation is the one echoed: a broker keeps a publisher's order.
bool EchoMatcher::take(const MqttMessage &message)
{
    for (auto it = m_expected.begin(); it != m_expected.end(); ++it) {
        if (it->topic == message.topic && it->payload == message.payload) {
            m_expected.erase(it);
            return true;
        }
    }
    return false;
}

} // namespace thingdeck
