#include "ShadowTopicService.h"

#include "Logging.h"
#include "ShadowService.h"
#include "iot/ShadowJson.h"
#include "mqtt/MqttConnection.h"

#include <QDateTime>
#include <QJsonObject>

namespace thingdeck {

namespace {

const char *const kRequestFilters[] = {
    "$aws/things/+/shadow/get",           "$aws/things/+/shadow/update",
    "$aws/things/+/shadow/delete",        "$aws/things/+/shadow/name/+/get",
    "$aws/things/+/shadow/name/+/update", "$aws/things/+/shadow/name/+/delete",
};

/// A request topic taken apart; `operation` is empty when the topic is not a request.
struct ShadowRequest
{
    QString thing;
    QString shadowName;
    QString operation;
};

ShadowRequest parseTopic(const QString &topic)
{
    const QStringList levels = topic.split(QLatin1Char('/'));
    const bool prefix = levels.size() >= 5 && levels[0] == QLatin1String("$aws") &&
                        levels[1] == QLatin1String("things") &&
                        levels[3] == QLatin1String("shadow");
    if (prefix && levels.size() == 5)
        return {levels[2], {}, levels[4]};
    if (prefix && levels.size() == 7 && levels[4] == QLatin1String("name"))
        return {levels[2], levels[5], levels[6]};
    return {};
}

} // namespace

ShadowTopicService::ShadowTopicService(MqttConnection *connection, ShadowService *shadows,
                                       QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_shadows(shadows)
{
    connect(m_connection, &MqttConnection::messagesReceived, this, &ShadowTopicService::onMessages);
    connect(m_shadows, &ShadowService::published, this,
            [this](const QString &topic, const QByteArray &payload) { send(topic, payload); });
    connect(m_shadows, &ShadowService::publishRequested, this, &ShadowTopicService::send);
}

void ShadowTopicService::start()
{
    for (const char *filter : kRequestFilters)
        m_connection->subscribe(TopicFilter::create(QString::fromLatin1(filter)).value(), 1);
}

void ShadowTopicService::onMessages(const MqttMessageBatch &messages)
{
    for (const MqttMessage &message : messages) {
        if (message.topic.startsWith(QLatin1String("$aws/things/")))
            handle(message);
    }
}

void ShadowTopicService::handle(const MqttMessage &message)
{
    const ShadowRequest request = parseTopic(message.topic);
    ShadowReply reply = fail(ShadowError::invalidJson());
    if (request.operation == QLatin1String("get")) {
        reply = m_shadows->getShadow(request.thing, request.shadowName,
                                     ShadowService::clientTokenOf(message.payload));
    } else if (request.operation == QLatin1String("update")) {
        reply = m_shadows->updateShadow(request.thing, request.shadowName, message.payload);
    } else if (request.operation == QLatin1String("delete")) {
        reply = m_shadows->deleteShadow(request.thing, request.shadowName,
                                        ShadowService::clientTokenOf(message.payload));
    } else {
        return; // an /accepted, /delta, ... topic, not a request
    }
    ++m_handled;
    const QString base = message.topic;
    if (reply.ok())
        send(base + QStringLiteral("/accepted"), ShadowJson::compact(reply.value()));
    else
        send(base + QStringLiteral("/rejected"),
             ShadowJson::compact(reply.error().toJson(QDateTime::currentSecsSinceEpoch())));
}

void ShadowTopicService::send(const QString &topic, const QByteArray &payload, int qos, bool retain)
{
    const auto name = TopicName::create(topic);
    if (!name.ok()) {
        qCWarning(lcMqtt).noquote() << "not publishing:" << name.error();
        return;
    }
    const auto sent = m_connection->publish(name.value(), payload, qos, retain);
    if (!sent.ok())
        qCWarning(lcMqtt).noquote() << sent.error();
}

} // namespace thingdeck
