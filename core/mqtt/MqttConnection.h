#pragma once

#include "Result.h"
#include "mqtt/MqttConnectOptions.h"
#include "mqtt/MqttMessage.h"
#include "mqtt/MqttSubscription.h"
#include "mqtt/TopicName.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace thingdeck {

/// One MQTT client connection on Eclipse Paho C (MQTTAsync), shaped like QMqttClient: a
/// state and an error with change signals, subscriptions as handles it owns, and messages
/// delivered on the owner's thread in batches. Paho calls back on its own threads; messages
/// are copied into a bounded inbox that is drained by one queued call at a time. After a lost
/// connection it reconnects with exponential backoff and jitter (1 s up to 2 min) and
/// subscribes again.
///
/// Every send() gets a publish id that publishFinished() reports exactly once: acknowledged,
/// failed by Paho, or failed because the connection dropped or was closed first.
///
/// Each Paho client gets its own generation number, carried by every callback it makes; a
/// callback whose client has been replaced or destroyed is dropped, so connectToHost() and
/// disconnectFromHost() may follow each other in any order and at any speed.
class MqttConnection : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting, Disconnecting };
    Q_ENUM(State)
    enum class Error {
        None,
        InvalidOptions,         ///< options or files unusable; nothing was sent
        ConnectFailed,          ///< the broker could not be reached or refused the connection
        ConnectionLost,         ///< an established connection dropped
        ProbablyDeniedByPolicy, ///< closed right after a SUBSCRIBE or PUBLISH
        SubscribeFailed,        ///< the broker refused a subscription
    };
    Q_ENUM(Error)

    /// Messages waiting for the owner's thread beyond this are dropped (and counted).
    static constexpr qsizetype kInboxCapacity = 100000;
    /// The same in bytes (MessageStore::messageBytes()): a message that would take the waiting
    /// ones over this is dropped (and counted), so the newest go, as with kInboxCapacity; a
    /// single message larger than this is always dropped.
    static constexpr qint64 kInboxByteCapacity = 64LL * 1024 * 1024;

    explicit MqttConnection(QObject *parent = nullptr);
    ~MqttConnection() override;
    Q_DISABLE_COPY_MOVE(MqttConnection)

    /// Connects with `options`; a client that is connected, connecting or disconnecting is
    /// replaced (disconnected and destroyed; whatever it still reports is ignored).
    void connectToHost(const MqttConnectOptions &options);
    void disconnectFromHost();

    /// Returns a handle owned by the connection; subscribes now or once connected.
    MqttSubscription *subscribe(const TopicFilter &filter, int qos);
    void unsubscribe(MqttSubscription *subscription);
    QList<MqttSubscription *> subscriptions() const;

    /// Queues a message for sending; an error when not connected or Paho refuses it.
    Result<bool, QString> publish(const TopicName &topic, const QByteArray &payload, int qos,
                                  bool retain);
    /// Queues a message and returns its publish id (1, 2, … per connection object), which
    /// publishFinished() reports again: for QoS 1 when the broker's PUBACK arrives or the
    /// publish fails, for QoS 0 once Paho has written it. Properties are sent on MQTT 5 only.
    /// An error (and no id) when not connected or Paho refuses the message.
    Result<quint64, QString> send(const TopicName &topic, const QByteArray &payload, int qos,
                                  bool retain, const MqttProperties &properties = {});

    State state() const { return m_state; }
    Error error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    quint64 droppedMessages() const;
    const MqttConnectOptions &options() const { return m_options; }
    /// Time left until the next reconnect attempt, in ms; 0 when none is scheduled.
    int reconnectDelayMs() const;
    /// What the last ProbablyDeniedByPolicy diagnosis names: a topic filter ("secret/#") for
    /// a SUBSCRIBE, "PUBLISH <topic>" for a publish; empty while error() is anything else.
    QString deniedFilter() const;

Q_SIGNALS:
    void stateChanged(thingdeck::MqttConnection::State state);
    void errorChanged(thingdeck::MqttConnection::Error error);
    void messagesReceived(const thingdeck::MqttMessageBatch &messages);
    /// A message was queued by send() or publish(); it carries the properties sent (MQTT 5).
    void messagePublished(const thingdeck::MqttMessage &message);
    /// The outcome of send() `publishId`; `error` is a sentence when !ok, empty otherwise.
    void publishFinished(quint64 publishId, bool ok, const QString &error);
    /// After a reconnect, with the number of subscriptions sent again.
    void subscriptionsRestored(int count);
    /// A reconnect attempt after a lost connection will start in `delayMs`.
    void reconnectScheduled(int delayMs);

private:
    struct Bridge;
    struct ClientContext;
    struct PublishContext;
    friend struct Bridge;
    friend struct ClientContext;

    void setState(State state);
    void setError(Error error, const QString &text, const QString &deniedFilter = {});
    bool isCurrentClient(quint64 generation) const;
    bool ensureClient(const QByteArray &uri);
    bool createClient(const QString &uri);
    void retireClient();
    void destroyRetired();
    void markSubscriptionsPending();
    void startConnect();
    void connectWithUri(const QByteArray &uri);
    void onConnected();
    /// `tlsDetails`: the OpenSSL error lines Paho reported during the attempt.
    void onConnectFailed(int code, const QString &message, const QStringList &tlsDetails = {});
    void onConnectionLost(const QString &cause);
    void onSubscribeResult(int token, bool ok, int grantedQos, const QString &message);
    void onDisconnected();
    void onPublishDone(quint64 publishId, int code, const QString &message);
    void failPendingPublishes();
    static QString publishFailureText(const QString &topic, int code, const QString &message);
    static QString droppedBeforeAckText(const QString &topic);
    int queueMessage(const QByteArray &topic, const QByteArray &payload, int qos, bool retain,
                     const MqttProperties &properties, quint64 publishId);
    void drainInbox();
    void sendSubscribe(MqttSubscription *subscription);
    void scheduleReconnect();
    QString probablyDenied() const;
    void dropDeniedSubscription(const QString &filter);
    std::optional<QString> checkCertificates() const;

    std::unique_ptr<Bridge> m_bridge;
    void *m_client = nullptr;
    /// What Paho passes to m_client's callbacks; freed only after the client is destroyed.
    std::unique_ptr<ClientContext> m_context;
    quint64 m_lastGeneration = 0;
    /// Replaced clients (with their contexts), disconnected and muted, not yet destroyed.
    std::vector<std::pair<void *, std::unique_ptr<ClientContext>>> m_retired;
    QTimer m_reaper; ///< destroys retired clients from the event loop
    /// Bumped by connectToHost()/disconnectFromHost(): a credentials fetch started for an
    /// earlier attempt must not connect.
    quint64 m_attempt = 0;
    MqttConnectOptions m_options;
    QByteArray m_uri;
    State m_state = State::Disconnected;
    Error m_error = Error::None;
    QString m_errorString;
    QString m_deniedFilter;
    QList<MqttSubscription *> m_subscriptions;
    QHash<int, MqttSubscription *> m_pendingSubscribes;
    quint64 m_lastPublishId = 0;
    QHash<quint64, QString> m_pendingPublishes; ///< publish id -> topic, not yet reported
    QString m_lastPublish;                      ///< "PUBLISH <topic>", for the policy diagnosis
    qint64 m_lastPublishMs = 0;
    /// When each topic (at most kMaxTrackedTopics) was first published on this connection.
    QHash<QString, qint64> m_firstPublishMs;
    QString m_lastFailedSubscribe; ///< "SUBSCRIBE <filter>" of the last refused subscription
    qint64 m_lastFailedSubscribeMs = 0;
    bool m_everConnected = false;
    int m_reconnectAttempt = 0;
    QTimer m_reconnectTimer;
    QTimer m_disconnectGuard; ///< ends Disconnecting should Paho never call back
};

} // namespace thingdeck
