#pragma once

#include "mqtt/MqttMessage.h"

#include <deque>
#include <functional>

namespace thingdeck {

/// Keeps a published message from showing twice. A client subscribed to the topic it publishes
/// to gets its own message back from the broker (MQTT 3.1.1 has no "no local"), so a message
/// this client sends is not stored when it is sent: it is remembered here, and the copy the
/// broker echoes is marked outgoing when it arrives. Bounded by count and by age, so echoes that
/// never come (no matching subscription, a policy that denies receiving) are forgotten.
class EchoMatcher
{
public:
    using Clock = std::function<qint64()>;

    static constexpr qsizetype kMaxExpected = 1000;
    static constexpr qint64 kMaxAgeMs = 30000;

    EchoMatcher();
    explicit EchoMatcher(Clock clock);

    /// Remembers `message` (topic and payload) as sent by this client.
    void expect(const MqttMessage &message);
    /// Marks each message of `batch` that is the echo of an expected one as outgoing, and
    /// forgets that expectation (one echo per publish).
    void markEchoes(MqttMessageBatch &batch);
    qsizetype pending() const { return qsizetype(m_expected.size()); }

private:
    struct Expected
    {
        QString topic;
        QByteArray payload;
        qint64 sentMs = 0;
    };

    void expire();
    bool take(const MqttMessage &message);

    Clock m_clock;
    std::deque<Expected> m_expected;
};

} // namespace thingdeck
