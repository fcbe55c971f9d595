#include "session/ShadowSession.h"

#include "JsonKey.h"
#include "iot/ShadowClient.h"
#include "iot/ShadowTopics.h"
#include "mqtt/MqttConnection.h"
#include "mqtt/MqttSubscription.h"
#include "mqtt/TopicFilter.h"
#include "session/SessionLogging.h"

#include <QJsonDocument>
#include <QRandomGenerator>

namespace thingdeck {

namespace {

QJsonObject parseObject(const QByteArray &payload)
{
    return QJsonDocument::fromJson(payload).object();
}

} // namespace

QString ShadowVersion::author() const
{
    if (source == Source::Fetched && clientToken.isEmpty() && !byThisEditor)
        return {};
    if (byThisEditor)
        return QStringLiteral("this editor");
    if (!clientToken.isEmpty())
        return QStringLiteral("client %1").arg(clientToken);
    return QStringLiteral("another client");
}

QJsonObject ShadowVersion::json() const
{
    if (!document.exists())
        return QJsonObject{{jsonKey("version"), version}, {jsonKey("timestamp"), timestamp}};
    return document.getResponse(timestamp, clientToken);
}

ShadowSession::ShadowSession(ShadowClient *client, MqttConnection *mqtt, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_mqtt(mqtt)
{
    m_autoRefreshTimer.setInterval(kAutoRefreshMs);
    connect(&m_autoRefreshTimer, &QTimer::timeout, this, &ShadowSession::onAutoRefresh);
    connect(m_mqtt, &MqttConnection::messagesReceived, this, &ShadowSession::onMessages);
    connect(m_mqtt, &MqttConnection::stateChanged, this, &ShadowSession::updateLive);
}

ShadowSession::~ShadowSession()
{
    unfollow();
}

void ShadowSession::setThing(const QString &thing)
{
    if (m_thing && m_thing->toString() == thing)
        return;
    ++m_generation;
    unfollow();
    m_names.clear();
    m_namesLoaded = false;
    m_namesError.clear();
    m_history.clear();
    m_current.reset();
    m_applying = false;
    m_shadow = ShadowName::classic();
    const auto name = ThingName::create(thing);
    if (thing.isEmpty() || !name.ok()) {
        m_thing.reset();
        emit thingChanged();
        emit namedShadowsChanged();
        emit historyChanged();
        emit currentChanged();
        setState(State::Idle);
        return;
    }
    m_thing = name.value();
    emit thingChanged();
    emit namedShadowsChanged();
    emit historyChanged();
    emit currentChanged();
    listNames(m_generation);
    follow();
    fetch(m_generation, false);
}

QString ShadowSession::thing() const
{
    return m_thing ? m_thing->toString() : QString();
}

void ShadowSession::openShadow(const ShadowName &shadow)
{
    if (!m_thing)
        return;
    ++m_generation;
    m_shadow = shadow;
    m_history.clear();
    m_current.reset();
    m_applying = false;
    emit historyChanged();
    emit currentChanged();
    follow();
    fetch(m_generation, false);
}

std::optional<ShadowVersion> ShadowSession::current() const
{
    return m_current;
}

bool ShadowSession::isLive() const
{
    return m_live;
}

void ShadowSession::refresh(bool names)
{
    if (!m_thing)
        return;
    if (names)
        listNames(m_generation);
    fetch(m_generation, false);
}

void ShadowSession::setAutoRefresh(bool enabled)
{
    m_autoRefresh = enabled;
    if (enabled)
        m_autoRefreshTimer.start();
    else
        m_autoRefreshTimer.stop();
}

QString ShadowSession::newClientToken()
{
    // 64 bits of randomness: unique among the clients of one shadow, well under the 64-byte
    // limit, and recognisable in another client's log as this program's.
    QString token = QStringLiteral("thingdeck-%1")
                        .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
    m_ownTokens.insert(token);
    return token;
}

bool ShadowSession::apply(const QJsonObject &document, std::optional<qint64> basedOnVersion)
{
    if (!m_thing || m_applying || !m_client)
        return false;
    m_applying = true;
    const QString token = document.value(jsonKey("clientToken")).toString();
    if (!token.isEmpty())
        m_ownTokens.insert(token);
    const quint64 generation = m_generation;
    m_client->updateShadow(
        *m_thing, m_shadow, document, basedOnVersion, this,
        [this, generation, token](const Result<ShadowAccepted, IotError> &result) {
            if (generation != m_generation)
                return; // another thing or shadow was opened meanwhile
            m_applying = false;
            if (result.ok()) {
                const qint64 version = result.value().version;
                m_acceptedTokens.insert(version, token);
                emit applied(version);
                // Live, the documents message brings the new version (usually before this
                // answer); a fetch is the fallback should it not come.
                if (m_live) {
                    QTimer::singleShot(kLiveGraceMs, this, [this, generation, version] {
                        if (generation == m_generation &&
                            (!m_current || m_current->version < version))
                            fetch(generation, false);
                    });
                } else if (!m_current || m_current->version < version) {
                    fetch(generation, false);
                }
                return;
            }
            if (result.error().isConflict()) {
                qCInfo(lcSession).noquote()
                    << QStringLiteral("Version conflict on %1; fetching the newer version")
                           .arg(shadowTopic(thing(), m_shadow, QString()));
                fetch(generation, true);
                return;
            }
            emit applyFailed(result.error().toString());
        });
    return true;
}

Result<bool, QString> ShadowSession::createNamedShadow(const QString &name)
{
    if (!m_thing || !m_client)
        return fail(QStringLiteral("Open a thing first."));
    const auto shadow = ShadowName::create(name);
    if (!shadow.ok())
        return fail(shadow.error());
    if (m_names.contains(name))
        return fail(
            QStringLiteral("%1 already has a shadow named %2.").arg(m_thing->toString(), name));
    ++m_generation;
    m_shadow = shadow.value();
    m_history.clear();
    m_current.reset();
    m_applying = false; // an update of the previous shadow no longer counts
    emit historyChanged();
    emit currentChanged();
    follow();
    setState(State::Loading);
    createOpenShadow();
    return true;
}

void ShadowSession::createOpenShadow()
{
    if (!m_thing || m_applying || !m_client)
        return;
    const quint64 generation = m_generation;
    m_applying = true;
    const QString token = newClientToken();
    const QJsonObject document{
        {jsonKey("state"), QJsonObject{{jsonKey("desired"), QJsonObject{}}}},
        {jsonKey("clientToken"), token},
    };
    m_client->updateShadow(*m_thing, m_shadow, document, std::nullopt, this,
                           [this, generation, token](const Result<ShadowAccepted, IotError> &r) {
                               if (generation != m_generation)
                                   return;
                               m_applying = false;
                               if (!r.ok()) {
                                   if (m_state == State::Loading) // a new named shadow
                                       setState(State::Missing);
                                   emit operationFailed(r.error().toString());
                                   return;
                               }
                               m_acceptedTokens.insert(r.value().version, token);
                               if (!m_shadow.isClassic())
                                   listNames(generation);
                               fetch(generation, false);
                           });
}

void ShadowSession::deleteOpenShadow()
{
    if (!m_thing || !m_client)
        return;
    const quint64 generation = m_generation;
    m_client->deleteShadow(*m_thing, m_shadow, this,
                           [this, generation](const Result<ShadowAccepted, IotError> &r) {
                               if (generation != m_generation)
                                   return;
                               if (!r.ok() && !r.error().isNotFound()) {
                                   emit operationFailed(r.error().toString());
                                   return;
                               }
                               if (r.ok())
                                   markDeleted(r.value().version, r.value().timestamp, {});
                               setState(State::Missing);
                               if (!m_shadow.isClassic())
                                   listNames(generation);
                           });
}

void ShadowSession::fetch(quint64 generation, bool forConflict)
{
    if (!m_thing || !m_client)
        return;
    if (!m_current && m_state != State::Missing)
        setState(State::Loading);
    m_client->getShadow(
        *m_thing, m_shadow, this,
        [this, generation, forConflict](const Result<ShadowSnapshot, IotError> &result) {
            if (generation != m_generation)
                return;
            if (result.ok()) {
                ShadowVersion version;
                version.document = result.value().document;
                version.version = version.document.version();
                version.timestamp = result.value().timestamp;
                version.source = ShadowVersion::Source::Fetched;
                adopt(version);
                setState(State::Loaded);
                if (forConflict && m_current)
                    emit conflict(*m_current);
                return;
            }
            if (result.error().isNotFound()) {
                if (m_current && m_current->document.exists())
                    markDeleted(m_current->version, 0, {});
                setState(State::Missing);
                if (forConflict)
                    emit applyFailed(QStringLiteral("The shadow was deleted while you edited it. "
                                                    "Apply again to create it with your edit."));
                return;
            }
            setState(State::Failed, result.error().toString());
            if (forConflict)
                emit applyFailed(
                    QStringLiteral("The shadow changed on the server (version conflict), and "
                                   "fetching the new version failed: %1")
                        .arg(result.error().toString()));
        });
}

void ShadowSession::listNames(quint64 generation)
{
    if (!m_thing || !m_client)
        return;
    m_client->listNamedShadows(
        *m_thing, this, [this, generation](const Result<QStringList, IotError> &result) {
            if (generation != m_generation)
                return;
            m_namesLoaded = result.ok();
            m_namesError = result.ok() ? QString() : result.error().toString();
            if (result.ok())
                m_names = result.value();
            emit namedShadowsChanged();
        });
}

// A version is adopted only when newer than the current one: REST answers and MQTT messages
// race, and an older document must never replace a newer one on screen.
void ShadowSession::adopt(ShadowVersion version)
{
    if (m_current && version.version <= m_current->version)
        return; // a delete keeps the version, so a document of it is older than the delete
    version.seenAt = QDateTime::currentDateTime();
    if (version.clientToken.isEmpty())
        version.clientToken = m_acceptedTokens.value(version.version);
    version.byThisEditor =
        !version.clientToken.isEmpty() && m_ownTokens.contains(version.clientToken);
    if (version.byThisEditor && version.source != ShadowVersion::Source::Deleted)
        version.source = ShadowVersion::Source::ThisEditor;
    if (m_current && version.version > m_current->version + 1)
        version.skipped = version.version - m_current->version - 1;
    m_current = version;
    m_history.append(version);
    if (m_history.size() > kMaxHistory)
        m_history.remove(0, m_history.size() - kMaxHistory);
    emit currentChanged();
    emit historyChanged();
}

void ShadowSession::markDeleted(qint64 version, qint64 timestamp, const QString &clientToken)
{
    if (m_current && !m_current->document.exists())
        return;
    ShadowVersion deleted;
    deleted.version = version;
    deleted.timestamp = timestamp;
    deleted.clientToken = clientToken;
    deleted.source = ShadowVersion::Source::Deleted;
    deleted.seenAt = QDateTime::currentDateTime();
    deleted.byThisEditor = !clientToken.isEmpty() && m_ownTokens.contains(clientToken);
    m_current = deleted;
    m_history.append(deleted);
    if (m_history.size() > kMaxHistory)
        m_history.remove(0, m_history.size() - kMaxHistory);
    emit currentChanged();
    emit historyChanged();
}

void ShadowSession::setState(State state, const QString &error)
{
    const bool changed = state != m_state || error != m_error;
    m_state = state;
    m_error = error;
    if (changed)
        emit stateChanged(state);
}

void ShadowSession::follow()
{
    unfollow();
    if (!m_thing || !m_mqtt)
        return;
    const QString thing = m_thing->toString();
    m_documentsTopic = shadowTopic(thing, m_shadow, QStringLiteral("update/documents"));
    m_rejectedTopic = shadowTopic(thing, m_shadow, QStringLiteral("update/rejected"));
    m_deletedTopic = shadowTopic(thing, m_shadow, QStringLiteral("delete/accepted"));
    for (const QString &topic : {m_documentsTopic, m_rejectedTopic, m_deletedTopic}) {
        const auto filter = TopicFilter::create(topic);
        if (!filter.ok())
            continue;
        MqttSubscription *subscription = m_mqtt->subscribe(filter.value(), 1);
        connect(subscription, &MqttSubscription::stateChanged, this, &ShadowSession::updateLive);
        m_subscriptions.append(subscription);
    }
    updateLive();
}

void ShadowSession::unfollow()
{
    for (const QPointer<MqttSubscription> &subscription : std::as_const(m_subscriptions)) {
        if (subscription && m_mqtt) {
            disconnect(subscription, nullptr, this, nullptr);
            m_mqtt->unsubscribe(subscription);
        }
    }
    m_subscriptions.clear();
    m_documentsTopic.clear();
    m_rejectedTopic.clear();
    m_deletedTopic.clear();
    updateLive();
}

// Live once connected and the documents subscription is granted. Going live again after a
// gap (a reconnect) fetches once, since the versions made meanwhile were not seen.
void ShadowSession::updateLive()
{
    const bool live = m_mqtt && m_mqtt->state() == MqttConnection::State::Connected &&
                      !m_subscriptions.isEmpty() && m_subscriptions.first() &&
                      m_subscriptions.first()->state() == MqttSubscription::State::Subscribed;
    if (live == m_live)
        return;
    m_live = live;
    emit liveChanged(live);
    if (live && m_thing && m_state != State::Loading)
        fetch(m_generation, false);
}

void ShadowSession::onMessages(const MqttMessageBatch &messages)
{
    if (m_documentsTopic.isEmpty())
        return;
    for (const MqttMessage &message : messages) {
        if (message.outgoing)
            continue;
        if (message.topic == m_documentsTopic)
            onDocuments(message.payload);
        else if (message.topic == m_rejectedTopic)
            onRejected(message.payload);
        else if (message.topic == m_deletedTopic)
            onDeleted(message.payload);
    }
}

void ShadowSession::onDocuments(const QByteArray &payload)
{
    const QJsonObject message = parseObject(payload);
    QJsonObject current = message.value(jsonKey("current")).toObject();
    if (!current.value(jsonKey("version")).isDouble())
        return;
    current.insert(jsonKey("exists"), true);
    // The message has state and metadata as stored, without the delta.
    auto document = ShadowDocument::fromJson(current);
    if (!document.ok()) {
        qCInfo(lcSession).noquote() << QStringLiteral("Ignoring a malformed message on %1: %2")
                                           .arg(m_documentsTopic, document.error());
        return;
    }
    ShadowVersion version;
    version.document = document.value();
    version.version = version.document.version();
    version.timestamp = message.value(jsonKey("timestamp")).toInteger();
    version.clientToken = message.value(jsonKey("clientToken")).toString();
    version.source = ShadowVersion::Source::Live;
    adopt(version);
    if (m_state != State::Loaded)
        setState(State::Loaded);
}

void ShadowSession::onRejected(const QByteArray &payload)
{
    const QJsonObject message = parseObject(payload);
    const QString token = message.value(jsonKey("clientToken")).toString();
    if (!token.isEmpty() && m_ownTokens.contains(token))
        return; // this session's own updates report their errors directly
    emit updateRejected(QStringLiteral("An update of this shadow by %1 was rejected: %2 %3")
                            .arg(token.isEmpty() ? QStringLiteral("another client")
                                                 : QStringLiteral("client %1").arg(token))
                            .arg(message.value(jsonKey("code")).toInt())
                            .arg(message.value(jsonKey("message")).toString()));
}

void ShadowSession::onDeleted(const QByteArray &payload)
{
    const QJsonObject message = parseObject(payload);
    markDeleted(message.value(jsonKey("version")).toInteger(),
                message.value(jsonKey("timestamp")).toInteger(),
                message.value(jsonKey("clientToken")).toString());
    setState(State::Missing);
    if (!m_shadow.isClassic())
        listNames(m_generation);
}

void ShadowSession::onAutoRefresh()
{
    if (m_autoRefresh && !m_live && m_thing && !m_applying)
        fetch(m_generation, false);
}

} // namespace thingdeck
