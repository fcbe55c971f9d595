#include "MqttSessionPolicy.h"

#include "MqttConnectPacket.h"
#include "MqttPublishPacket.h"
#include "MqttSubscribePacket.h"
#include "TopicFilterOverlap.h"

namespace thingdeck {

namespace {

constexpr QLatin1String kSharePrefix("$share/");

// "$share/<group>/<filter>" subscribes to <filter>; the group only spreads the messages.
QString effectiveFilter(const QString &filter)
{
    if (!filter.startsWith(kSharePrefix))
        return filter;
    return filter.section(QLatin1Char('/'), 2);
}

} // namespace

MqttSessionPolicy::MqttSessionPolicy(QString thingName, QList<TopicFilter> denied)
    : m_thingName(std::move(thingName))
    , m_denied(std::move(denied))
{}

Result<QByteArray, QString> MqttSessionPolicy::inspect(const MqttPacket &packet)
{
    if (packet.type() == MqttPacket::Connect)
        return inspectConnect(packet);
    if (!m_connected)
        return fail(QStringLiteral("a packet of type %1 before CONNECT").arg(packet.type()));
    // Without denials everything is allowed, and there is no need to look inside.
    if (m_denied.isEmpty())
        return packet.bytes;
    if (packet.type() == MqttPacket::Subscribe)
        return inspectSubscribe(packet);
    if (packet.type() == MqttPacket::Publish)
        return inspectPublish(packet);
    return packet.bytes;
}

// mosquitto sees the proxy's plain connection, not the certificate, so the thing name goes
// into the user name: mosquitto's log and its ACL (the same denials, defence in depth) then
// see the device; a user name the client chose itself could pose as another thing.
Result<QByteArray, QString> MqttSessionPolicy::inspectConnect(const MqttPacket &packet)
{
    if (m_connected)
        return fail(QStringLiteral("a second CONNECT"));
    const auto connect = MqttConnectPacket::parse(packet);
    if (!connect)
        return fail(connect.error());
    if (const auto &will = connect.value().willTopic()) {
        if (const auto denial = denialMatching(*will))
            return fail(QStringLiteral("CONNECT with a will message to %1, which the denied "
                                       "filter %2 matches")
                            .arg(*will, denial->toString()));
    }
    m_connected = true;
    m_version5 = connect.value().isVersion5();
    return connect.value().withUserName(m_thingName).bytes;
}

Result<QByteArray, QString> MqttSessionPolicy::inspectSubscribe(const MqttPacket &packet) const
{
    const auto subscribe = MqttSubscribePacket::parse(packet, m_version5);
    if (!subscribe)
        return fail(subscribe.error());
    for (const QString &filter : subscribe.value().filters()) {
        if (const auto refusal = refuseSubscription(filter))
            return fail(*refusal);
    }
    return packet.bytes;
}

std::optional<QString> MqttSessionPolicy::refuseSubscription(const QString &filter) const
{
    const auto parsed = TopicFilter::create(effectiveFilter(filter));
    if (!parsed)
        return QStringLiteral("SUBSCRIBE %1: %2").arg(filter, parsed.error());
    for (const TopicFilter &denial : m_denied) {
        if (overlaps(parsed.value(), denial))
            return QStringLiteral("SUBSCRIBE %1 overlaps the denied filter %2")
                .arg(filter, denial.toString());
    }
    return std::nullopt;
}

Result<QByteArray, QString> MqttSessionPolicy::inspectPublish(const MqttPacket &packet)
{
    const auto publish = MqttPublishPacket::parse(packet, m_version5);
    if (!publish)
        return fail(publish.error());
    const auto topic = resolveTopic(publish.value());
    if (!topic)
        return fail(topic.error());
    if (const auto denial = denialMatching(topic.value()))
        return fail(QStringLiteral("PUBLISH %1 matches the denied filter %2")
                        .arg(topic.value(), denial->toString()));
    return packet.bytes;
}

// MQTT 5: a topic with an alias sets the alias; an empty topic uses the alias set before.
Result<QString, QString> MqttSessionPolicy::resolveTopic(const MqttPublishPacket &publish)
{
    const auto &alias = publish.topicAlias();
    if (!alias) {
        if (publish.topic().isEmpty())
            return fail(QStringLiteral("PUBLISH without a topic"));
        return publish.topic();
    }
    if (*alias == 0 || *alias > kMaxTopicAlias)
        return fail(QStringLiteral("PUBLISH with topic alias %1, beyond %2")
                        .arg(*alias)
                        .arg(kMaxTopicAlias));
    if (!publish.topic().isEmpty()) {
        m_topicAliases.insert(*alias, publish.topic());
        return publish.topic();
    }
    if (!m_topicAliases.contains(*alias))
        return fail(QStringLiteral("PUBLISH with topic alias %1, which was never set").arg(*alias));
    return m_topicAliases.value(*alias);
}

std::optional<TopicFilter> MqttSessionPolicy::denialMatching(const QString &topic) const
{
    for (const TopicFilter &denial : m_denied) {
        if (denial.matches(topic))
            return denial;
    }
    return std::nullopt;
}

} // namespace thingdeck
