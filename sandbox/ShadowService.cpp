#include "ShadowService.h"

#include "JsonKey.h"
#include "PageToken.h"
#include "StateStore.h"
#include "iot/IotNameRule.h"
#include "iot/ShadowJson.h"
#include "iot/ShadowUpdate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QList>
#include <QLoggingCategory>

#include <algorithm>
#include <utility>

Q_LOGGING_CATEGORY(lcSandboxShadow, "thingdeck.sandbox.shadow", QtInfoMsg)

namespace thingdeck {

namespace {

constexpr int kMaxTopicBytes = 256;
constexpr int kMaxTopicSlashes = 7;

ShadowError badRequest(const QString &message)
{
    return ShadowError{400, message, QString()};
}

// Topic levels are counted without the Basic Ingest prefix "$aws/rules/<rule>/" (§6).
QByteArray withoutRulesPrefix(const QByteArray &topic)
{
    if (!topic.startsWith("$aws/rules/"))
        return topic;
    const qsizetype end = topic.indexOf('/', qsizetype(qstrlen("$aws/rules/")));
    return end < 0 ? QByteArray() : topic.mid(end + 1);
}

std::optional<ShadowError> checkTopic(const QString &topic)
{
    const QByteArray bytes = topic.toUtf8();
    if (bytes.isEmpty())
        return badRequest(QStringLiteral("The topic must not be empty"));
    if (bytes.contains('+') || bytes.contains('#'))
        return badRequest(QStringLiteral("The topic must not contain the wildcards '+' or '#'"));
    if (bytes.size() > kMaxTopicBytes)
        return badRequest(QStringLiteral("The topic is longer than %1 bytes").arg(kMaxTopicBytes));
    if (withoutRulesPrefix(bytes).count('/') > kMaxTopicSlashes)
        return badRequest(
            QStringLiteral("The topic has more than %1 forward slashes").arg(kMaxTopicSlashes));
    return std::nullopt;
}

} // namespace

ShadowService::ShadowService(StateStore *store, Clock clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(std::move(clock))
{}

ShadowReply ShadowService::getShadow(const QString &thing, const QString &shadowName,
                                     const QString &clientToken)
{
    if (auto error = checkNames(thing, shadowName))
        return fail(*error);
    const ShadowDocument shadow = m_store->shadow(thing, shadowName);
    if (!shadow.exists()) {
        ShadowError error = ShadowError::noShadow(shadowName);
        error.clientToken = clientToken;
        return fail(error);
    }
    return shadow.getResponse(now(), clientToken);
}

ShadowReply ShadowService::updateShadow(const QString &thing, const QString &shadowName,
                                        const QByteArray &payload)
{
    if (auto error = checkNames(thing, shadowName))
        return fail(*error);
    const auto update = ShadowUpdate::parse(payload);
    if (!update.ok())
        return fail(update.error());
    const qint64 timestamp = now();
    const ShadowDocument previous = m_store->shadow(thing, shadowName);
    const auto next = previous.updated(update.value(), timestamp);
    if (!next.ok())
        return fail(next.error());
    if (auto error = save(thing, shadowName, next.value()))
        return fail(*error);
    const QString token = update.value().clientToken();
    announceUpdate(topicPrefix(thing, shadowName), previous, next.value(), timestamp, token);
    return update.value().acceptedResponse(next.value().version(), timestamp);
}

ShadowReply ShadowService::deleteShadow(const QString &thing, const QString &shadowName,
                                        const QString &clientToken)
{
    if (auto error = checkNames(thing, shadowName))
        return fail(*error);
    const qint64 timestamp = now();
    const auto gone = m_store->shadow(thing, shadowName).deleted(timestamp, shadowName);
    if (!gone.ok()) {
        ShadowError error = gone.error();
        error.clientToken = clientToken;
        return fail(error);
    }
    if (auto error = save(thing, shadowName, gone.value()))
        return fail(*error);
    return gone.value().deleteAcceptedResponse(timestamp, clientToken);
}

ShadowReply ShadowService::listNamedShadows(const QString &thing, const QString &nextToken,
                                            int pageSize)
{
    if (auto error = checkNames(thing, QString()))
        return fail(*error);
    if (pageSize < 0 || pageSize > 100)
        return fail(badRequest(QStringLiteral("pageSize must be between 1 and 100")));
    const int size = pageSize == 0 ? kDefaultPageSize : pageSize;
    const auto after =
        nextToken.isEmpty() ? std::optional<QString>(QString()) : PageToken::decode(nextToken);
    if (!after)
        return fail(badRequest(QStringLiteral("Invalid nextToken")));
    const QStringList names = m_store->namedShadows(thing);
    auto it = std::upper_bound(names.begin(), names.end(), *after);
    QJsonArray results;
    for (; it != names.end() && results.size() < size; ++it)
        results.append(*it);
    QJsonObject answer{{jsonKey("results"), results}, {jsonKey("timestamp"), now()}};
    if (it != names.end())
        answer.insert(jsonKey("nextToken"), PageToken::encode(results.last().toString()));
    return answer;
}

std::optional<ShadowError> ShadowService::publish(const QString &topic, const QByteArray &payload,
                                                  int qos, bool retain)
{
    if (auto error = checkTopic(topic))
        return error;
    if (qos != 0 && qos != 1)
        return badRequest(QStringLiteral("qos must be 0 or 1"));
    if (payload.size() > kMaxPublishBytes)
        return ShadowError::payloadTooLarge();
    Q_EMIT publishRequested(topic, payload, qos, retain);
    return std::nullopt;
}

QString ShadowService::topicPrefix(const QString &thing, const QString &shadowName)
{
    const QString prefix = QStringLiteral("$aws/things/") + thing + QStringLiteral("/shadow");
    return shadowName.isEmpty() ? prefix : prefix + QStringLiteral("/name/") + shadowName;
}

QString ShadowService::clientTokenOf(const QByteArray &payload)
{
    return QJsonDocument::fromJson(payload).object().value(jsonKey("clientToken")).toString();
}

std::optional<ShadowError> ShadowService::checkNames(const QString &thing,
                                                     const QString &shadowName) const
{
    if (kThingNameRule.violation(thing))
        return badRequest(QStringLiteral("Invalid thing name"));
    if (!shadowName.isEmpty() && kShadowNameRule.violation(shadowName))
        return badRequest(QStringLiteral("Invalid shadow name"));
    return std::nullopt;
}

std::optional<ShadowError> ShadowService::save(const QString &thing, const QString &shadowName,
                                               const ShadowDocument &document)
{
    const auto failure = m_store->putShadow(thing, shadowName, document);
    if (!failure)
        return std::nullopt;
    qCWarning(lcSandboxShadow).noquote() << "cannot save a shadow:" << failure->toString();
    return ShadowError{500, QStringLiteral("Internal service failure"), QString()};
}

// Queued, so that subscribers see these after the requester's own `/update/accepted`.
void ShadowService::announceUpdate(const QString &prefix, const ShadowDocument &previous,
                                   const ShadowDocument &current, qint64 timestamp,
                                   const QString &clientToken)
{
    QList<std::pair<QString, QByteArray>> messages;
    if (const auto delta = current.deltaMessage(timestamp, clientToken))
        messages.append({prefix + QStringLiteral("/update/delta"), ShadowJson::compact(*delta)});
    messages.append({prefix + QStringLiteral("/update/documents"),
                     ShadowJson::compact(ShadowDocument::documentsMessage(
                         previous, current, timestamp, clientToken))});
    QMetaObject::invokeMethod(
        this,
        [this, messages] {
            for (const auto &[topic, payload] : messages)
                Q_EMIT published(topic, payload);
        },
        Qt::QueuedConnection);
}

qint64 ShadowService::now() const
{
    return (m_clock ? m_clock() : QDateTime::currentDateTimeUtc()).toSecsSinceEpoch();
}

} // namespace thingdeck
