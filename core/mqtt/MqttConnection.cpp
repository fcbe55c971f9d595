#include "mqtt/MqttConnection.h"

#include "Logging.h"
#include "aws/CredentialChain.h"
#include "aws/SigV4Signer.h"
#include "mqtt/MessageStore.h"
#include "tls/CertificateSet.h"
#include "tls/ConnectFailureText.h"

#include <MQTTAsync.h>

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>
#include <deque>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace thingdeck {

namespace {

constexpr int kMinBackoffMs = 1000;
constexpr int kDisconnectTimeoutMs = 2000;
// Paho answers a disconnect within its timeout; past this the client is closed regardless, so
// that a lost callback can never leave the connection (and a program quitting) in Disconnecting.
constexpr int kDisconnectGuardMs = kDisconnectTimeoutMs + 1500;
constexpr int kMaxBackoffMs = 120000;
constexpr int kMaxQueuedPublishes = 100000;
constexpr int kDrainIntervalMs = 5;
// A close this soon after a PUBLISH is how AWS IoT denies it by policy.
constexpr qint64 kPolicyWindowMs = 1000;
// Topics remembered per connection for that diagnosis; beyond this, new topics stay suspects.
constexpr qsizetype kMaxTrackedTopics = 1024;
// Paho's OpenSSL error lines kept per connect attempt: the newest few, each cut short, so a
// flood of them stays small. They name the TLS cause that Paho's own message leaves out.
constexpr qsizetype kMaxTlsLines = 8;
constexpr std::size_t kMaxTlsLineBytes = 512;
// ALPN protocol list in wire format: one length byte, then the name.
// NOLINTNEXTLINE(*-avoid-c-arrays): Paho takes the list as a C buffer and its size
const unsigned char kAlpnAwsMqtt[] = "\x0e"
                                     "x-amzn-mqtt-ca";

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString fromLenString(const MQTTLenString &text)
{
    return QString::fromUtf8(text.data, text.len);
}

void readProperty(const MQTTProperty &property, MqttProperties &into)
{
    switch (property.identifier) {
    case MQTTPROPERTY_CODE_CONTENT_TYPE:
        into.contentType = fromLenString(property.value.data);
        break;
    case MQTTPROPERTY_CODE_RESPONSE_TOPIC:
        into.responseTopic = fromLenString(property.value.data);
        break;
    case MQTTPROPERTY_CODE_CORRELATION_DATA:
        into.correlationData = QByteArray(property.value.data.data, property.value.data.len);
        break;
    case MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL:
        into.messageExpirySeconds = qint64(property.value.integer4);
        break;
    case MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR:
        into.payloadFormatIndicator = int(property.value.byte);
        break;
    case MQTTPROPERTY_CODE_USER_PROPERTY:
        into.userProperties.append(
            {fromLenString(property.value.data), fromLenString(property.value.value)});
        break;
    default:
        break; // topic alias, subscription identifiers: protocol detail, not shown
    }
}

// Null when none of the properties is one a person reads, so such a message costs a pointer.
std::shared_ptr<const MqttProperties> readProperties(const MQTTProperties &properties)
{
    auto result = std::make_shared<MqttProperties>();
    for (int i = 0; i < properties.count; ++i)
        readProperty(properties.array[i], *result);
    if (result->isEmpty())
        return nullptr;
    return result;
}

// MQTTProperties_add copies the bytes, so `data` and `value` need only live for the call.
void addProperty(MQTTProperties &properties, MQTTProperty property)
{
    if (MQTTProperties_add(&properties, &property) != 0)
        qCWarning(lcMqtt) << "Paho refused the MQTT 5 property" << property.identifier;
}

void addBytes(MQTTProperties &properties, MQTTPropertyCodes code, const QByteArray &data,
              const QByteArray &value = {})
{
    MQTTProperty property{};
    property.identifier = code;
    // Paho's C structs take non-const pointers for data it only reads.
    property.value.data = {int(data.size()),
                           const_cast<char *>(data.constData())}; // NOLINT(*-const-cast)
    property.value.value = {int(value.size()),
                            const_cast<char *>(value.constData())}; // NOLINT(*-const-cast)
    addProperty(properties, property);
}

void addIntegers(MQTTProperties &into, const MqttProperties &from)
{
    if (from.messageExpirySeconds >= 0) {
        MQTTProperty property{};
        property.identifier = MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL;
        property.value.integer4 = unsigned(std::min<qint64>(from.messageExpirySeconds, 0xffffffff));
        addProperty(into, property);
    }
    if (from.payloadFormatIndicator >= 0) {
        MQTTProperty property{};
        property.identifier = MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR;
        property.value.byte = static_cast<unsigned char>(from.payloadFormatIndicator != 0);
        addProperty(into, property);
    }
}

/// The caller frees the result with MQTTProperties_free().
MQTTProperties toPaho(const MqttProperties &from)
{
    MQTTProperties into = MQTTProperties_initializer;
    if (!from.contentType.isEmpty())
        addBytes(into, MQTTPROPERTY_CODE_CONTENT_TYPE, from.contentType.toUtf8());
    if (!from.responseTopic.isEmpty())
        addBytes(into, MQTTPROPERTY_CODE_RESPONSE_TOPIC, from.responseTopic.toUtf8());
    if (!from.correlationData.isEmpty())
        addBytes(into, MQTTPROPERTY_CODE_CORRELATION_DATA, from.correlationData);
    for (const auto &[name, value] : from.userProperties)
        addBytes(into, MQTTPROPERTY_CODE_USER_PROPERTY, name.toUtf8(), value.toUtf8());
    addIntegers(into, from);
    return into;
}

} // namespace

/// Shared between the owner's thread and Paho's threads. Paho's callbacks only touch this,
/// under the mutex, and reach the connection through queued calls while `owner` is set and
/// their client is still the `current` one.
struct MqttConnection::Bridge
{
    std::mutex mutex;
    MqttConnection *owner = nullptr;
    quint64 current = 0; ///< generation of the client whose callbacks count; 0: none
    std::deque<MqttMessage> inbox;
    qint64 inboxBytes = 0; ///< MessageStore::messageBytes() of the inbox
    quint64 dropped = 0;
    bool drainPosted = false;
    /// The current client's OpenSSL error lines since its last connect attempt started.
    QStringList tlsLines;

    // Checked twice: here, so a retired client's flood never reaches the queue, and on the
    // owner's thread, for what was posted just before its client was retired.
    void post(quint64 generation, std::function<void(MqttConnection *)> call)
    {
        std::lock_guard lock(mutex);
        if (!owner || generation != current) {
            qCDebug(lcMqtt) << "dropped a callback of retired client" << generation;
            return;
        }
        MqttConnection *target = owner;
        QMetaObject::invokeMethod(
            target,
            [target, generation, call = std::move(call)] {
                if (target->isCurrentClient(generation))
                    call(target);
            },
            Qt::QueuedConnection);
    }

    // Dropping the newest keeps what the owner will see gap-free up to the first drop.
    void push(quint64 generation, MqttMessage message)
    {
        const qint64 bytes = MessageStore::messageBytes(message);
        std::lock_guard lock(mutex);
        if (!owner || generation != current)
            return;
        if (qsizetype(inbox.size()) >= kInboxCapacity || inboxBytes + bytes > kInboxByteCapacity) {
            ++dropped;
            return;
        }
        inboxBytes += bytes;
        inbox.push_back(std::move(message));
        if (!drainPosted) {
            drainPosted = true;
            QMetaObject::invokeMethod(owner, &MqttConnection::drainInbox, Qt::QueuedConnection);
        }
    }

    void setCurrent(quint64 generation)
    {
        std::lock_guard lock(mutex);
        current = generation;
        tlsLines.clear();
    }

    void addTlsLine(quint64 generation, QString line)
    {
        std::lock_guard lock(mutex);
        if (generation != current || line.isEmpty())
            return;
        tlsLines.append(std::move(line));
        if (tlsLines.size() > kMaxTlsLines)
            tlsLines.removeFirst();
    }

    /// Empties the lines: each attempt's failure sees only its own.
    QStringList takeTlsLines(quint64 generation)
    {
        std::lock_guard lock(mutex);
        if (generation != current)
            return {};
        return std::exchange(tlsLines, {});
    }
};

/// The context Paho gets for the callbacks of one publish: its client's context and its id.
/// Owned by that ClientContext, so it lives as long as Paho may call back with it.
struct MqttConnection::PublishContext
{
    ClientContext *client;
    quint64 publishId;
};

/// The context Paho gets for every callback of one client: which client it is, and the way
/// to its connection. Owned by the connection and freed only after MQTTAsync_destroy()
/// (which may still call back with it, e.g. failing the requests it drops).
struct MqttConnection::ClientContext
{
    Bridge *bridge;
    quint64 generation;
    /// Added and removed on the owner's thread only; Paho's threads read just the contexts.
    /// One whose callback never comes (its client's session was dropped) goes with the client.
    std::unordered_map<quint64, std::unique_ptr<PublishContext>> publishes = {};

    static ClientContext *of(void *context) { return static_cast<ClientContext *>(context); }

    void post(std::function<void(MqttConnection *)> call) const
    {
        bridge->post(generation, std::move(call));
    }

    // Paho callbacks: copy, free Paho's memory, hand over, return 1 (0 makes Paho redeliver).
    static int messageArrived(void *context, char *topic, int topicLen, MQTTAsync_message *m)
    {
        MqttMessage message;
        message.topic = QString::fromUtf8(topic, topicLen > 0 ? topicLen : -1);
        message.payload = QByteArray(static_cast<const char *>(m->payload), m->payloadlen);
        message.qos = quint8(m->qos);
        message.retained = m->retained != 0;
        message.timestampMs = nowMs();
        if (m->properties.count > 0)
            message.properties = readProperties(m->properties);
        MQTTAsync_freeMessage(&m);
        MQTTAsync_free(topic);
        ClientContext *client = of(context);
        client->bridge->push(client->generation, std::move(message));
        return 1;
    }

    // NOLINTNEXTLINE(readability-non-const-parameter): Paho's MQTTAsync_connectionLost type
    static void connectionLost(void *context, char *cause)
    {
        const QString text = cause ? QString::fromUtf8(cause) : QString();
        of(context)->post([text](MqttConnection *c) { c->onConnectionLost(text); });
    }

    // Paho hands over OpenSSL's error queue one line per call, on its own thread. The lines
    // hold error codes, function names and file names, no key material. 1: go on to the next.
    static int sslError(const char *text, std::size_t length, void *context)
    {
        ClientContext *client = of(context);
        const auto size = qsizetype(std::min(length, kMaxTlsLineBytes));
        client->bridge->addTlsLine(client->generation, QString::fromUtf8(text, size).trimmed());
        return 1;
    }

    QStringList takeTlsLines() const { return bridge->takeTlsLines(generation); }

    static void connectSuccess(void *context, MQTTAsync_successData * /*data*/)
    {
        of(context)->takeTlsLines(); // what a successful attempt logged is no failure's cause
        of(context)->post([](MqttConnection *c) { c->onConnected(); });
    }

    static void connectSuccess5(void *context, MQTTAsync_successData5 * /*data*/)
    {
        connectSuccess(context, nullptr);
    }

    static void connectFailure(void *context, MQTTAsync_failureData *data)
    {
        const int code = data ? data->code : -1;
        const QString text = data && data->message ? QString::fromUtf8(data->message) : QString();
        const QStringList tls = of(context)->takeTlsLines();
        of(context)->post(
            [code, text, tls](MqttConnection *c) { c->onConnectFailed(code, text, tls); });
    }

    static void connectFailure5(void *context, MQTTAsync_failureData5 *data)
    {
        const int code = data ? int(data->reasonCode) : -1;
        const QString text = data && data->message ? QString::fromUtf8(data->message) : QString();
        const QStringList tls = of(context)->takeTlsLines();
        of(context)->post(
            [code, text, tls](MqttConnection *c) { c->onConnectFailed(code, text, tls); });
    }

    // Paho fails the requests still unanswered when the connection drops; the connection's
    // loss (reported next) is what counts: its subscriptions are sent again on reconnect.
    static bool isLostWithConnection(int code)
    {
        return code == MQTTASYNC_OPERATION_INCOMPLETE || code == MQTTASYNC_DISCONNECTED;
    }

    static void subscribeSuccess(void *context, MQTTAsync_successData *data)
    {
        const int token = data->token;
        const int granted = data->alt.qos;
        of(context)->post([token, granted](MqttConnection *c) {
            c->onSubscribeResult(token, granted != MQTT_BAD_SUBSCRIBE, granted, QString());
        });
    }

    static void subscribeSuccess5(void *context, MQTTAsync_successData5 *data)
    {
        const int token = data->token;
        const int reason = int(data->reasonCode);
        of(context)->post([token, reason](MqttConnection *c) {
            c->onSubscribeResult(token, reason < 0x80, reason, QString());
        });
    }

    static void subscribeFailure(void *context, MQTTAsync_failureData *data)
    {
        if (isLostWithConnection(data->code))
            return;
        const int token = data->token;
        const QString text = data->message ? QString::fromUtf8(data->message) : QString();
        of(context)->post(
            [token, text](MqttConnection *c) { c->onSubscribeResult(token, false, 0x80, text); });
    }

    static void subscribeFailure5(void *context, MQTTAsync_failureData5 *data)
    {
        if (isLostWithConnection(data->code))
            return;
        const int token = data->token;
        const QString text = data->message ? QString::fromUtf8(data->message) : QString();
        of(context)->post(
            [token, text](MqttConnection *c) { c->onSubscribeResult(token, false, 0x80, text); });
    }

    static void disconnectDone(void *context, MQTTAsync_successData * /*data*/)
    {
        of(context)->post([](MqttConnection *c) { c->onDisconnected(); });
    }

    static void disconnectDone5(void *context, MQTTAsync_successData5 * /*data*/)
    {
        disconnectDone(context, nullptr);
    }

    // A failed disconnect still ends the session: the client is destroyed all the same.
    static void disconnectFailed(void *context, MQTTAsync_failureData * /*data*/)
    {
        disconnectDone(context, nullptr);
    }

    static void disconnectFailed5(void *context, MQTTAsync_failureData5 * /*data*/)
    {
        disconnectDone(context, nullptr);
    }

    // `context` is a PublishContext; `code` 0 is success, below 0 a Paho error, above 0 an
    // MQTT 5 reason code.
    static void publishDone(void *context, int code, const char *message)
    {
        const auto *publish = static_cast<const PublishContext *>(context);
        const quint64 id = publish->publishId;
        const QString text = message ? QString::fromUtf8(message) : QString();
        publish->client->post(
            [id, code, text](MqttConnection *c) { c->onPublishDone(id, code, text); });
    }

    static void publishSent(void *context, MQTTAsync_successData * /*data*/)
    {
        publishDone(context, 0, nullptr);
    }

    // A PUBACK reason code of 0x80 or above is a refusal (Paho reports those as failures).
    static void publishSent5(void *context, MQTTAsync_successData5 *data)
    {
        const int reason = data ? int(data->reasonCode) : 0;
        publishDone(context, reason < 0x80 ? 0 : reason, nullptr);
    }

    static void publishFailed(void *context, MQTTAsync_failureData *data)
    {
        const int code = data && data->code != 0 ? data->code : MQTTASYNC_FAILURE;
        publishDone(context, code, data ? data->message : nullptr);
    }

    static void publishFailed5(void *context, MQTTAsync_failureData5 *data)
    {
        int code = MQTTASYNC_FAILURE;
        if (data && data->code != 0)
            code = data->code;
        else if (data && data->reasonCode != 0)
            code = int(data->reasonCode);
        publishDone(context, code, data ? data->message : nullptr);
    }
};

MqttConnection::MqttConnection(QObject *parent)
    : QObject(parent)
    , m_bridge(std::make_unique<Bridge>())
{
    m_bridge->owner = this;
    m_reconnectTimer.setSingleShot(true);
    // Precise: the status bar's countdown reads remainingTime(), which a coarse timer's 5 %
    // slack would push past the announced delay.
    m_reconnectTimer.setTimerType(Qt::PreciseTimer);
    m_disconnectGuard.setSingleShot(true);
    m_disconnectGuard.setInterval(kDisconnectGuardMs);
    connect(&m_disconnectGuard, &QTimer::timeout, this, [this] {
        if (m_state != State::Disconnecting)
            return;
        qCInfo(lcMqtt) << "Paho did not confirm the disconnect within" << kDisconnectGuardMs
                       << "ms; closing the client";
        onDisconnected();
    });
    connect(&m_reconnectTimer, &QTimer::timeout, this, &MqttConnection::startConnect);
    m_reaper.setSingleShot(true);
    m_reaper.setInterval(0);
    connect(&m_reaper, &QTimer::timeout, this, &MqttConnection::destroyRetired);
}

MqttConnection::~MqttConnection()
{
    {
        std::lock_guard lock(m_bridge->mutex);
        m_bridge->owner = nullptr;
    }
    m_pendingPublishes.clear(); // no one to tell any more
    retireClient();
    destroyRetired();
}

void MqttConnection::connectToHost(const MqttConnectOptions &options)
{
    m_reconnectTimer.stop();
    m_disconnectGuard.stop();
    ++m_attempt;
    retireClient();
    markSubscriptionsPending();
    m_options = options;
    if (m_options.clientId.isEmpty()) {
        m_options.clientId =
            QStringLiteral("thingdeck-%1")
                .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    }
    m_everConnected = false;
    m_reconnectAttempt = 0;
    setError(Error::None, {});
    if (auto problem = checkCertificates()) {
        setError(Error::InvalidOptions, *problem);
        setState(State::Disconnected);
        return;
    }
    setState(State::Connecting);
    startConnect();
}

// Paho says only "TCP/TLS connect failure" for every TLS problem, so the files are checked
// here first, where each problem can be named.
std::optional<QString> MqttConnection::checkCertificates() const
{
    CertificateFiles files{m_options.caFile, m_options.certificateFile, m_options.privateKeyFile,
                           m_options.privateKeyPassphrase};
    if (m_options.transport == MqttConnectOptions::Transport::WebSocket) {
        if (files.caFile.isEmpty())
            return std::nullopt;
        files.certificateFile.clear();
        files.privateKeyFile.clear();
    }
    const CertificateSet set = CertificateSet::load(files);
    for (const CertificateFinding &finding : set.findings()) {
        const bool irrelevant = m_options.transport == MqttConnectOptions::Transport::WebSocket &&
                                finding.role != CertificateFinding::Role::CaFile;
        if (irrelevant)
            continue;
        if (finding.isError())
            return finding.message;
        qCWarning(lcMqtt).noquote() << finding.message;
    }
    return std::nullopt;
}

void MqttConnection::disconnectFromHost()
{
    m_reconnectTimer.stop();
    ++m_attempt;
    markSubscriptionsPending();
    if (!m_client || !MQTTAsync_isConnected(m_client)) {
        retireClient();
        setState(State::Disconnected);
        return;
    }
    setState(State::Disconnecting);
    MQTTAsync_disconnectOptions options = MQTTAsync_disconnectOptions_initializer;
    options.timeout = kDisconnectTimeoutMs;
    options.context = m_context.get();
    if (m_options.version == MqttConnectOptions::Version::Mqtt5) {
        options.onSuccess5 = &ClientContext::disconnectDone5;
        options.onFailure5 = &ClientContext::disconnectFailed5;
    } else {
        options.onSuccess = &ClientContext::disconnectDone;
        options.onFailure = &ClientContext::disconnectFailed;
    }
    const int rc = MQTTAsync_disconnect(m_client, &options);
    if (rc != MQTTASYNC_SUCCESS) {
        qCInfo(lcMqtt) << "Paho refused to disconnect:" << MQTTAsync_strerror(rc);
        onDisconnected();
        return;
    }
    m_disconnectGuard.start();
}

void MqttConnection::onDisconnected()
{
    m_disconnectGuard.stop();
    retireClient();
    setState(State::Disconnected);
}

void MqttConnection::onPublishDone(quint64 publishId, int code, const QString &message)
{
    m_context->publishes.erase(publishId);
    const QString topic = m_pendingPublishes.take(publishId);
    if (topic.isNull())
        return; // already reported as failed when the connection dropped
    if (code == 0) {
        emit publishFinished(publishId, true, QString());
        return;
    }
    const QString text = publishFailureText(topic, code, message);
    qCWarning(lcMqtt).noquote() << text;
    emit publishFinished(publishId, false, text);
}

QString MqttConnection::publishFailureText(const QString &topic, int code, const QString &message)
{
    // Paho fails what is in flight when the connection drops, before it reports the loss.
    if (code == MQTTASYNC_OPERATION_INCOMPLETE || code == MQTTASYNC_DISCONNECTED)
        return droppedBeforeAckText(topic);
    QString reason = message;
    if (reason.isEmpty() && code < 0)
        reason = QString::fromUtf8(MQTTAsync_strerror(code));
    if (reason.isEmpty())
        reason = QStringLiteral("reason code 0x%1").arg(code, 2, 16, QLatin1Char('0'));
    return QStringLiteral("The message to %1 was not delivered (%2).").arg(topic, reason);
}

QString MqttConnection::droppedBeforeAckText(const QString &topic)
{
    return QStringLiteral("The connection dropped before the broker acknowledged the message "
                          "to %1.")
        .arg(topic);
}

// In id order, which is the order they were sent in.
void MqttConnection::failPendingPublishes()
{
    const QHash<quint64, QString> pending = std::exchange(m_pendingPublishes, {});
    QList<quint64> ids = pending.keys();
    std::sort(ids.begin(), ids.end());
    for (const quint64 id : std::as_const(ids))
        emit publishFinished(id, false, droppedBeforeAckText(pending.value(id)));
}

void MqttConnection::markSubscriptionsPending()
{
    m_pendingSubscribes.clear();
    for (MqttSubscription *subscription : std::as_const(m_subscriptions))
        subscription->setState(MqttSubscription::State::Pending);
}

MqttSubscription *MqttConnection::subscribe(const TopicFilter &filter, int qos)
{
    auto *subscription = new MqttSubscription(filter, std::clamp(qos, 0, 1), this);
    m_subscriptions.append(subscription);
    if (m_state == State::Connected)
        sendSubscribe(subscription);
    return subscription;
}

void MqttConnection::unsubscribe(MqttSubscription *subscription)
{
    if (!m_subscriptions.removeOne(subscription))
        return;
    if (m_state == State::Connected) {
        const QByteArray filter = subscription->filter().toString().toUtf8();
        const int rc = MQTTAsync_unsubscribe(m_client, filter.constData(), nullptr);
        if (rc != MQTTASYNC_SUCCESS) {
            qCWarning(lcMqtt) << "Paho refused to unsubscribe from" << filter << ":"
                              << MQTTAsync_strerror(rc);
        }
    }
    m_pendingSubscribes.removeIf([subscription](auto it) { return it.value() == subscription; });
    subscription->setState(MqttSubscription::State::Unsubscribed);
    subscription->deleteLater();
}

QList<MqttSubscription *> MqttConnection::subscriptions() const
{
    return m_subscriptions;
}

Result<bool, QString> MqttConnection::publish(const TopicName &topic, const QByteArray &payload,
                                              int qos, bool retain)
{
    const auto sent = send(topic, payload, qos, retain);
    if (!sent.ok())
        return fail(sent.error());
    return true;
}

Result<quint64, QString> MqttConnection::send(const TopicName &topic, const QByteArray &payload,
                                              int qos, bool retain,
                                              const MqttProperties &properties)
{
    const QString &name = topic.toString();
    if (m_state != State::Connected || !m_client)
        return fail(QStringLiteral("Not connected: the message to %1 was not sent.").arg(name));
    const bool v5 = m_options.version == MqttConnectOptions::Version::Mqtt5;
    const MqttProperties sent = v5 ? properties : MqttProperties();
    qos = std::clamp(qos, 0, 1);
    const quint64 id = m_lastPublishId + 1;
    const int rc = queueMessage(name.toUtf8(), payload, qos, retain, sent, id);
    if (rc != MQTTASYNC_SUCCESS)
        return fail(QStringLiteral("The message to %1 was not sent: %2")
                        .arg(name, QString::fromUtf8(MQTTAsync_strerror(rc))));
    m_lastPublishId = id;
    m_pendingPublishes.insert(id, name);
    m_lastPublish = QStringLiteral("PUBLISH %1").arg(name);
    m_lastPublishMs = nowMs();
    if (m_firstPublishMs.size() < kMaxTrackedTopics && !m_firstPublishMs.contains(name))
        m_firstPublishMs.insert(name, m_lastPublishMs);
    MqttMessage message{0, name, payload, nowMs(), quint8(qos), retain, true, nullptr};
    if (!sent.isEmpty())
        message.properties = std::make_shared<const MqttProperties>(sent);
    emit messagePublished(message);
    return id;
}

// Paho copies the message and its properties; the publish context stays with the client.
int MqttConnection::queueMessage(const QByteArray &topic, const QByteArray &payload, int qos,
                                 bool retain, const MqttProperties &properties, quint64 publishId)
{
    auto &publish = m_context->publishes[publishId];
    publish = std::make_unique<PublishContext>(PublishContext{m_context.get(), publishId});
    MQTTAsync_message message = MQTTAsync_message_initializer;
    message.payload = const_cast<char *>(payload.constData()); // NOLINT(*-const-cast): read only
    message.payloadlen = int(payload.size());
    message.qos = qos;
    message.retained = retain ? 1 : 0;
    message.properties = toPaho(properties);
    MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
    response.context = publish.get();
    // Paho refuses v5 callbacks on a 3.1.1 client and the reverse ("wrong MQTT version").
    if (m_options.version == MqttConnectOptions::Version::Mqtt5) {
        response.onSuccess5 = &ClientContext::publishSent5;
        response.onFailure5 = &ClientContext::publishFailed5;
    } else {
        response.onSuccess = &ClientContext::publishSent;
        response.onFailure = &ClientContext::publishFailed;
    }
    const int rc = MQTTAsync_sendMessage(m_client, topic.constData(), &message, &response);
    MQTTProperties_free(&message.properties);
    if (rc != MQTTASYNC_SUCCESS)
        m_context->publishes.erase(publishId);
    return rc;
}

quint64 MqttConnection::droppedMessages() const
{
    std::lock_guard lock(m_bridge->mutex);
    return m_bridge->dropped;
}

void MqttConnection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    qCDebug(lcMqtt) << "state" << state;
    emit stateChanged(state);
}

int MqttConnection::reconnectDelayMs() const
{
    return m_reconnectTimer.isActive() ? std::max(m_reconnectTimer.remainingTime(), 0) : 0;
}

QString MqttConnection::deniedFilter() const
{
    return m_deniedFilter;
}

// `deniedFilter` only counts with ProbablyDeniedByPolicy; a new denial with the same error
// is announced again, so a status bar can follow it.
void MqttConnection::setError(Error error, const QString &text, const QString &deniedFilter)
{
    m_errorString = text;
    if (error != Error::None)
        qCInfo(lcMqtt).noquote() << text;
    const QString denied = error == Error::ProbablyDeniedByPolicy ? deniedFilter : QString();
    if (m_error == error && m_deniedFilter == denied)
        return;
    m_error = error;
    m_deniedFilter = denied;
    emit errorChanged(error);
}

bool MqttConnection::isCurrentClient(quint64 generation) const
{
    return m_context && m_context->generation == generation;
}

bool MqttConnection::createClient(const QString &uri)
{
    MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer;
    // Paho counts every queued outgoing message against this, also while connected; the
    // default of 100 refuses a burst of publishes. Still a bound, so memory stays bounded.
    create.maxBufferedMessages = kMaxQueuedPublishes;
    if (m_options.version == MqttConnectOptions::Version::Mqtt5)
        create.MQTTVersion = MQTTVERSION_5;
    MQTTAsync client = nullptr;
    const QByteArray id = m_options.clientId.toUtf8();
    int rc = MQTTAsync_createWithOptions(&client, uri.toUtf8().constData(), id.constData(),
                                         MQTTCLIENT_PERSISTENCE_NONE, nullptr, &create);
    auto context = std::make_unique<ClientContext>(ClientContext{m_bridge.get(), 0});
    if (rc == MQTTASYNC_SUCCESS) {
        // Callbacks must be in place before connect: setting them during a handshake races.
        rc = MQTTAsync_setCallbacks(client, context.get(), &ClientContext::connectionLost,
                                    &ClientContext::messageArrived, nullptr);
    }
    if (rc != MQTTASYNC_SUCCESS) {
        if (client)
            MQTTAsync_destroy(&client);
        setError(Error::InvalidOptions, QStringLiteral("Cannot create an MQTT client for %1: %2")
                                            .arg(uri, QString::fromUtf8(MQTTAsync_strerror(rc))));
        return false;
    }
    context->generation = ++m_lastGeneration;
    m_bridge->setCurrent(context->generation);
    m_client = client;
    m_context = std::move(context);
    destroyRetired();
    return true;
}

// From now on whatever the client still reports, at once or from a queued call, is dropped:
// Paho cannot be told to stop calling back (it refuses setCallbacks(nullptr)). Destroying it
// waits for the next client or the event loop, see destroyRetired().
void MqttConnection::retireClient()
{
    if (!m_client)
        return;
    m_bridge->setCurrent(0);
    if (MQTTAsync_isConnected(m_client)) {
        MQTTAsync_disconnectOptions options = MQTTAsync_disconnectOptions_initializer;
        options.timeout = 0;
        const int rc = MQTTAsync_disconnect(m_client, &options);
        if (rc != MQTTASYNC_SUCCESS)
            qCInfo(lcMqtt) << "Paho refused to disconnect:" << MQTTAsync_strerror(rc);
    }
    m_retired.emplace_back(std::exchange(m_client, nullptr), std::move(m_context));
    m_pendingSubscribes.clear();
    m_reaper.start();
    failPendingPublishes(); // last: a listener that sends again finds no client
}

// On the owner's thread, never inside a Paho callback (destroy there stalls ~10 s). Paho
// stops its threads when its last client goes, which blocks here for 100 ms to 1 s; a
// retired client is therefore destroyed after its successor was created when there is one.
void MqttConnection::destroyRetired()
{
    for (auto &[client, context] : m_retired) {
        MQTTAsync_destroy(&client);
        context.reset(); // only now: destroy may still call back with it
    }
    m_retired.clear();
}

void MqttConnection::startConnect()
{
    const QString hostPort = m_options.host + QLatin1Char(':') + QString::number(m_options.port);
    if (m_options.transport != MqttConnectOptions::Transport::WebSocket) {
        connectWithUri(QByteArray("ssl://") + hostPort.toUtf8());
        return;
    }
    if (!m_options.credentials) {
        setError(Error::InvalidOptions,
                 QStringLiteral("MQTT over WebSockets needs AWS credentials to sign the URL."));
        setState(State::Disconnected);
        return;
    }
    // A fresh signature on every (re)connect: the URL embeds the time and the keys.
    m_options.credentials->fetch(this, [this, hostPort, attempt = m_attempt](const auto &result) {
        if (attempt != m_attempt)
            return; // connectToHost() or disconnectFromHost() came in between
        if (!result.ok()) {
            onConnectFailed(-1, result.error().message);
            return;
        }
        SigV4Request request;
        request.method = "GET";
        request.host = hostPort.toUtf8(); // Paho always sends host:port, also for 443
        request.path = "/mqtt";
        const QByteArray query = SigV4Signer::presignQuery(
            request, result.value(),
            SigV4Scope{m_options.region, QStringLiteral("iotdevicegateway")},
            QDateTime::currentDateTimeUtc(), 0, SigV4Signer::TokenMode::AppendedAfterSigning);
        connectWithUri("wss://" + hostPort.toUtf8() + "/mqtt?" + query);
    });
}

// Keeps the client across reconnects to the same URL; a signed WebSocket URL changes every
// time, and then the client does too.
bool MqttConnection::ensureClient(const QByteArray &uri)
{
    if (m_client && uri == m_uri)
        return true;
    retireClient();
    if (!createClient(QString::fromUtf8(uri))) {
        setState(State::Disconnected);
        return false;
    }
    m_uri = uri;
    return true;
}

void MqttConnection::connectWithUri(const QByteArray &uri)
{
    if (!ensureClient(uri))
        return;
    const QByteArray ca = m_options.caFile.toLocal8Bit();
    const QByteArray cert = m_options.certificateFile.toLocal8Bit();
    const QByteArray key = m_options.privateKeyFile.toLocal8Bit();
    MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
    ssl.trustStore = ca.isEmpty() ? nullptr : ca.constData();
    ssl.keyStore = cert.isEmpty() ? nullptr : cert.constData();
    ssl.privateKey = key.isEmpty() ? nullptr : key.constData();
    ssl.privateKeyPassword = m_options.privateKeyPassphrase.isEmpty()
                                 ? nullptr
                                 : m_options.privateKeyPassphrase.constData();
    ssl.enableServerCertAuth = 1;
    ssl.verify = 1; // the initializer leaves host-name verification off
    // struct_version 3 and up carry the error callback (the initializer sets 5).
    ssl.ssl_error_cb = &ClientContext::sslError;
    ssl.ssl_error_context = m_context.get();
    m_context->takeTlsLines(); // a reused client: drop what an earlier attempt left
    if (m_options.transport == MqttConnectOptions::Transport::MutualTlsAlpn) {
        ssl.protos = kAlpnAwsMqtt;
        ssl.protos_len = sizeof(kAlpnAwsMqtt) - 1;
    }
    const bool v5 = m_options.version == MqttConnectOptions::Version::Mqtt5;
    MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
    if (v5) {
        MQTTAsync_connectOptions init5 = MQTTAsync_connectOptions_initializer5;
        options = init5;
        options.cleanstart = m_options.cleanSession ? 1 : 0;
        options.onSuccess5 = &ClientContext::connectSuccess5;
        options.onFailure5 = &ClientContext::connectFailure5;
    } else {
        options.cleansession = m_options.cleanSession ? 1 : 0;
        options.onSuccess = &ClientContext::connectSuccess;
        options.onFailure = &ClientContext::connectFailure;
    }
    options.MQTTVersion = v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1; // no silent 3.1 retry
    options.keepAliveInterval = m_options.keepAliveSeconds;
    options.connectTimeout = m_options.connectTimeoutSeconds;
    options.context = m_context.get();
    options.ssl = &ssl;
    const int rc = MQTTAsync_connect(m_client, &options); // Paho copies what it keeps
    if (rc != MQTTASYNC_SUCCESS)
        onConnectFailed(rc, QString::fromUtf8(MQTTAsync_strerror(rc)));
}

void MqttConnection::onConnected()
{
    const bool reconnect = m_everConnected;
    m_everConnected = true;
    m_reconnectAttempt = 0;
    m_firstPublishMs.clear();
    setError(Error::None, {});
    setState(State::Connected);
    for (MqttSubscription *subscription : std::as_const(m_subscriptions))
        sendSubscribe(subscription);
    if (reconnect) {
        qCInfo(lcMqtt) << "reconnected to" << m_options.host << "and subscribed again to"
                       << m_subscriptions.size() << "filters";
        emit subscriptionsRestored(int(m_subscriptions.size()));
    }
}

void MqttConnection::onConnectFailed(int code, const QString &message,
                                     const QStringList &tlsDetails)
{
    const QString text =
        ConnectFailureText::describe(m_options.host, m_options.port, code, message, tlsDetails);
    if (!m_everConnected) {
        retireClient();
        setError(Error::ConnectFailed, text);
        setState(State::Disconnected);
        return;
    }
    setError(Error::ConnectionLost, text);
    scheduleReconnect();
}

void MqttConnection::onConnectionLost(const QString &cause)
{
    if (m_state != State::Connected)
        return;
    const QString denied = probablyDenied();
    if (!denied.isEmpty()) {
        const QString what =
            denied.startsWith(QLatin1String("SUBSCRIBE ")) ? denied.mid(10) : denied;
        setError(Error::ProbablyDeniedByPolicy,
                 QStringLiteral("The broker closed the connection right after %1: probably "
                                "denied by the IoT policy. Check that the policy allows it.")
                     .arg(denied),
                 what);
    } else {
        setError(Error::ConnectionLost,
                 QStringLiteral("The connection to %1 was lost%2; reconnecting.")
                     .arg(m_options.host,
                          cause.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(cause)));
    }
    markSubscriptionsPending();
    if (denied.startsWith(QLatin1String("SUBSCRIBE ")))
        dropDeniedSubscription(denied.mid(10));
    scheduleReconnect();
    failPendingPublishes();
}

// Subscribing again after a reconnect would only be refused again, in a loop: the denied
// subscription is given up (Failed, with the reason) and the rest are restored.
void MqttConnection::dropDeniedSubscription(const QString &filter)
{
    for (MqttSubscription *subscription : std::as_const(m_subscriptions)) {
        if (subscription->filter().toString() != filter)
            continue;
        // The handle stays valid (a child of the connection) so its owner can read why.
        m_subscriptions.removeOne(subscription);
        subscription->setState(MqttSubscription::State::Failed, m_errorString);
        return;
    }
}

// AWS IoT answers a SUBSCRIBE or PUBLISH its policy forbids by closing the connection, with
// no reason given. A subscription still unanswered at that moment, or a publish just before
// it, is the likely culprit.
QString MqttConnection::probablyDenied() const
{
    // One the broker granted before is not suspected: a connection that drops while it is
    // subscribed again after a reconnect is a crash or a network fault far more likely than a
    // policy that changed (giving it up would lose it for good).
    for (const MqttSubscription *subscription : m_pendingSubscribes) {
        if (!subscription->wasGranted())
            return QStringLiteral("SUBSCRIBE %1").arg(subscription->filter().toString());
    }
    // A topic published on this connection for longer than the window was allowed: with
    // devices publishing all the time, every crash would otherwise be blamed on the policy.
    const qint64 firstPublished =
        m_firstPublishMs.value(m_lastPublish.section(QLatin1Char(' '), 1), nowMs());
    if (!m_lastPublish.isEmpty() && nowMs() - m_lastPublishMs < kPolicyWindowMs &&
        nowMs() - firstPublished < kPolicyWindowMs)
        return m_lastPublish;
    // Paho may fail the unanswered SUBSCRIBE just before it reports the lost connection.
    if (!m_lastFailedSubscribe.isEmpty() && nowMs() - m_lastFailedSubscribeMs < kPolicyWindowMs)
        return m_lastFailedSubscribe;
    return {};
}

void MqttConnection::scheduleReconnect()
{
    setState(State::Reconnecting);
    const int exponent = std::min(m_reconnectAttempt++, 7);
    const int ceiling = std::min(kMinBackoffMs << exponent, kMaxBackoffMs);
    // Full jitter, but never below the minimum, so a broken broker is not hammered.
    const int delay = kMinBackoffMs / 2 + int(QRandomGenerator::global()->bounded(ceiling));
    qCInfo(lcMqtt) << "reconnecting in" << delay << "ms";
    m_reconnectTimer.start(delay);
    emit reconnectScheduled(delay);
}

void MqttConnection::sendSubscribe(MqttSubscription *subscription)
{
    const QByteArray filter = subscription->filter().toString().toUtf8();
    MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
    response.context = m_context.get();
    // Paho refuses v5 callbacks on a 3.1.1 client and the reverse ("wrong MQTT version").
    if (m_options.version == MqttConnectOptions::Version::Mqtt5) {
        response.onSuccess5 = &ClientContext::subscribeSuccess5;
        response.onFailure5 = &ClientContext::subscribeFailure5;
    } else {
        response.onSuccess = &ClientContext::subscribeSuccess;
        response.onFailure = &ClientContext::subscribeFailure;
    }
    const int rc =
        MQTTAsync_subscribe(m_client, filter.constData(), subscription->qos(), &response);
    if (rc != MQTTASYNC_SUCCESS) {
        qCWarning(lcMqtt) << "Paho refused to subscribe to" << filter << ":"
                          << MQTTAsync_strerror(rc);
        subscription->setState(MqttSubscription::State::Failed,
                               QString::fromUtf8(MQTTAsync_strerror(rc)));
        return;
    }
    m_pendingSubscribes.insert(response.token, subscription);
}

void MqttConnection::onSubscribeResult(int token, bool ok, int grantedQos, const QString &message)
{
    MqttSubscription *subscription = m_pendingSubscribes.take(token);
    if (!subscription)
        return;
    if (ok) {
        subscription->setState(MqttSubscription::State::Subscribed);
        return;
    }
    if (!subscription->wasGranted()) {
        m_lastFailedSubscribe =
            QStringLiteral("SUBSCRIBE %1").arg(subscription->filter().toString());
        m_lastFailedSubscribeMs = nowMs();
    }
    const QString text =
        QStringLiteral("The broker refused the subscription to %1 (%2); the IoT "
                       "policy probably does not allow it.")
            .arg(subscription->filter().toString(),
                 message.isEmpty() ? QStringLiteral("code 0x%1").arg(grantedQos, 0, 16) : message);
    subscription->setState(MqttSubscription::State::Failed, text);
    setError(Error::SubscribeFailed, text);
}

void MqttConnection::drainInbox()
{
    MqttMessageBatch batch;
    {
        std::lock_guard lock(m_bridge->mutex);
        batch.reserve(qsizetype(m_bridge->inbox.size()));
        for (MqttMessage &message : m_bridge->inbox)
            batch.append(std::move(message));
        m_bridge->inbox.clear();
        m_bridge->inboxBytes = 0;
        // While messages flow, drain on a short timer instead of being woken per message
        // (that cost Paho's receive thread a wake-up for every other message); once a drain
        // finds nothing, the next message wakes the owner again.
        m_bridge->drainPosted = !batch.isEmpty();
    }
    if (batch.isEmpty())
        return;
    QTimer::singleShot(kDrainIntervalMs, this, &MqttConnection::drainInbox);
    emit messagesReceived(batch);
}

} // namespace thingdeck
