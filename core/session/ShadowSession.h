#pragma once

#include "iot/IotError.h"
#include "iot/ShadowDocument.h"
#include "iot/ShadowName.h"
#include "iot/ThingName.h"
#include "mqtt/MqttMessage.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <optional>

namespace thingdeck {

class MqttConnection;
class MqttSubscription;
class ShadowClient;

/// One version of a shadow as this session saw it.
struct ShadowVersion
{
    enum class Source {
        Fetched,    ///< answered by GetThingShadow
        Live,       ///< an `update/documents` message
        ThisEditor, ///< the result of an update this session sent
        Deleted,    ///< the shadow was deleted (document empty, not existing)
    };

    qint64 version = 0;
    qint64 timestamp = 0; ///< the service's time, epoch seconds (0 when unknown)
    QDateTime seenAt;     ///< local time this session received it
    QString clientToken;  ///< of the update that made it, when known
    Source source = Source::Fetched;
    bool byThisEditor = false; ///< made by an update this session sent (by clientToken)
    qint64 skipped = 0;        ///< versions between the previous one seen and this one
    ShadowDocument document;

    /// Who made it, for a person: "this editor", "client <token>", "another client" or "".
    QString author() const;
    /// The document as the service shows it: state (desired, reported, delta), metadata,
    /// version, timestamp.
    QJsonObject json() const;
};

/// The shadows of one thing on one connection, and the open one followed live: which named
/// shadows the thing has (every page), the open shadow's document as the service last said, every
/// version seen in this session, and sending an edit based on a version. Widgets bind to it; it
/// holds no edit text (the editor does).
///
/// While the MQTT connection is up it follows the open shadow on its exact `update/documents`,
/// `update/rejected` and `delete/accepted` topics (no wildcard under `$aws/things/…/shadow`,
/// aws-iot.md §5.1). A newer version replaces the current one at once; an older or equal one is
/// ignored, so REST answers and MQTT messages may arrive in any order. Without MQTT, refresh()
/// and the auto-refresh timer fetch by REST.
class ShadowSession : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle,    ///< no thing open
        Loading, ///< fetching the open shadow
        Loaded,  ///< current() holds the shadow
        Missing, ///< the shadow does not exist (or was deleted)
        Failed,  ///< the last fetch failed: errorText()
    };
    Q_ENUM(State)

    /// Versions kept in history(); the oldest go first.
    static constexpr int kMaxHistory = 500;
    /// Auto-refresh period while MQTT does not follow the shadow.
    static constexpr int kAutoRefreshMs = 5000;
    /// While live, how long an accepted update waits for its documents message before the
    /// new version is fetched by REST instead.
    static constexpr int kLiveGraceMs = 1500;

    /// `client` and `mqtt` must outlive the session.
    ShadowSession(ShadowClient *client, MqttConnection *mqtt, QObject *parent = nullptr);
    ~ShadowSession() override;
    Q_DISABLE_COPY_MOVE(ShadowSession)

    /// Opens `thing`: lists its named shadows and opens its classic shadow. An empty name
    /// closes (State::Idle).
    void setThing(const QString &thing);
    QString thing() const;
    /// Opens one shadow of the current thing (fetches it, follows it live).
    void openShadow(const ShadowName &shadow);
    ShadowName shadow() const { return m_shadow; }

    /// The named shadows, as ListNamedShadowsForThing answered (sorted); empty until loaded.
    QStringList namedShadows() const { return m_names; }
    bool namedShadowsLoaded() const { return m_namesLoaded; }
    /// Why listing the named shadows failed, or empty.
    QString namedShadowsError() const { return m_namesError; }

    State state() const { return m_state; }
    QString errorText() const { return m_error; }
    /// The newest version seen of the open shadow; nullopt before the first answer.
    std::optional<ShadowVersion> current() const;
    /// Every version of the open shadow seen in this session, oldest first.
    const QList<ShadowVersion> &history() const { return m_history; }
    /// Whether MQTT follows the open shadow now (its update/documents subscription is active).
    bool isLive() const;

    /// GetThingShadow for the open shadow (and the named shadows again when `names`).
    void refresh(bool names = false);
    void setAutoRefresh(bool enabled);
    bool autoRefresh() const { return m_autoRefresh; }

    /// A clientToken for the next update; updates carrying it count as this editor's.
    QString newClientToken();
    /// Sends an UpdateThingShadow request document for the open shadow, based on
    /// `basedOnVersion` (sent as "version"; nullopt for a shadow that does not exist, whose
    /// version AWS does not tell). Reports with applied(), conflict() or applyFailed(); a
    /// second apply() while one is on its way is refused (false). The request is built and
    /// checked by buildShadowEdit() beforehand.
    bool apply(const QJsonObject &document, std::optional<qint64> basedOnVersion);
    bool isApplying() const { return m_applying; }

    /// Creates the named shadow `name` (validated by ShadowName) with an empty desired state
    /// and opens it. An error sentence when the name is invalid or already listed.
    Result<bool, QString> createNamedShadow(const QString &name);
    /// Creates the open (missing) shadow with an empty desired state.
    void createOpenShadow();
    /// DeleteThingShadow for the open shadow.
    void deleteOpenShadow();

Q_SIGNALS:
    void thingChanged();
    void namedShadowsChanged();
    void stateChanged(thingdeck::ShadowSession::State state);
    /// A newer version became current.
    void currentChanged();
    void historyChanged();
    void liveChanged(bool live);
    /// An update was accepted: the version it made.
    void applied(qint64 version);
    /// An update was refused because the shadow moved on: `newest` is the version now current
    /// (fetched before this is emitted). The edit is the caller's to keep.
    void conflict(const thingdeck::ShadowVersion &newest);
    /// An update failed for another reason: one sentence.
    void applyFailed(const QString &sentence);
    /// A shadow operation other than apply failed (create, delete): one sentence.
    void operationFailed(const QString &sentence);
    /// Another client's update of the open shadow was rejected (an `update/rejected` message).
    void updateRejected(const QString &sentence);

private:
    void fetch(quint64 generation, bool forConflict);
    void listNames(quint64 generation);
    void adopt(ShadowVersion version);
    void setState(State state, const QString &error = QString());
    void follow();
    void unfollow();
    void onMessages(const MqttMessageBatch &messages);
    void onDocuments(const QByteArray &payload);
    void onRejected(const QByteArray &payload);
    void onDeleted(const QByteArray &payload);
    void markDeleted(qint64 version, qint64 timestamp, const QString &clientToken);
    void onAutoRefresh();
    void updateLive();

    // The connection's clients; guarded, since a closing connection may go first.
    QPointer<ShadowClient> m_client;
    QPointer<MqttConnection> m_mqtt;
    std::optional<ThingName> m_thing;
    ShadowName m_shadow = ShadowName::classic();
    quint64 m_generation = 0; ///< bumped when the thing or shadow changes; stale answers drop
    QStringList m_names;
    bool m_namesLoaded = false;
    QString m_namesError;
    State m_state = State::Idle;
    QString m_error;
    QList<ShadowVersion> m_history;
    std::optional<ShadowVersion> m_current;
    QSet<QString> m_ownTokens;               ///< clientTokens of updates this session sent
    QHash<qint64, QString> m_acceptedTokens; ///< version -> token of this session's updates
    bool m_applying = false;
    bool m_autoRefresh = false;
    bool m_live = false;
    QTimer m_autoRefreshTimer;
    QString m_documentsTopic;
    QString m_rejectedTopic;
    QString m_deletedTopic;
    QList<QPointer<MqttSubscription>> m_subscriptions;
};

} // namespace thingdeck

Q_DECLARE_METATYPE(thingdeck::ShadowVersion)
