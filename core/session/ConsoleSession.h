#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"
#include "mqtt/EchoMatcher.h"
#include "mqtt/MqttConnectOptions.h"
#include "mqtt/MqttMessage.h"
#include "session/ConnectionSettings.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QTimer>

#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace thingdeck {

class AwsClient;
class CredentialChain;
class MfaCodeSource;
class IotEndpoints;
class MessageStore;
class MessageTableModel;
class MqttConnection;
class RegistryClient;
class ShadowClient;
class ThingListModel;
struct IotError;

/// One open connection: owns, for its ConnectionSettings, the credential chain, the network
/// manager, the AWS and IoT REST clients, the MQTT connection, the message store and its table
/// model, and sums their state up in two short phrases for the status bar. The message store,
/// its model and mqtt() exist from construction; the REST clients from a successful open().
class ConsoleSession : public QObject
{
    Q_OBJECT
public:
    enum class RestState { Idle, Ok, Failed };
    Q_ENUM(RestState)

    static constexpr int kCloseTimeoutMs = 2000;

    ConsoleSession(ConnectionSettings settings, const QProcessEnvironment &environment,
                   QObject *parent = nullptr);
    ~ConsoleSession() override;
    Q_DISABLE_COPY_MOVE(ConsoleSession)

    /// Keys that win over the profile's (the sandbox's); call before open().
    void setExplicitCredentials(const AwsCredentials &credentials);
    /// For an encrypted private key; never logged.
    void setPrivateKeyPassphrase(const QByteArray &passphrase);
    /// Who is asked for MFA codes of assume-role profiles (the GUI's dialog); not owned, must
    /// outlive the session. Without one such a profile fails with "… needs an MFA code; …".
    void setMfaCodeSource(MfaCodeSource *source);

    /// Loads the AWS configuration for the profile (a Sandbox connection needs none), applies
    /// the connection's region and URL overrides and CA bundle, and builds the REST clients.
    /// An error is a sentence with the fix. Opening twice does nothing more.
    Result<bool, QString> open();

    const ConnectionSettings &settings() const { return m_settings; }
    /// The environment the session resolves credentials in (AWS_CONFIG_FILE, HOME, …); a
    /// program run for the session (`aws sso login`) gets the same.
    QProcessEnvironment environment() const { return m_environment; }
    AwsClient *aws() const { return m_aws.get(); }
    IotEndpoints *endpoints() const { return m_endpoints.get(); }
    RegistryClient *registry() const { return m_registry.get(); }
    ShadowClient *shadows() const { return m_shadows.get(); }
    MqttConnection *mqtt() const { return m_mqtt.get(); }
    MessageStore *messages() const { return m_messages.get(); }
    MessageTableModel *messageModel() const { return m_messageModel.get(); }
    /// The thing browser's model, listing from the first page; valid after open().
    ThingListModel *things() const { return m_things.get(); }
    /// The region in use (override, else the profile's); valid after open().
    QString region() const { return m_region; }

    /// Resolves the host (settings, else DescribeEndpoint iot:Data-ATS), checks the certificate
    /// files, warns about a client id that is a thing's name, then connects. Received and
    /// published messages go to messages(). Problems show in mqttStatusText().
    void connectMqtt();
    void disconnectMqtt();

    /// A message this client published (over MQTT or HTTPS). It is stored only as the copy the
    /// broker echoes on a matching subscription, marked outgoing, so it never shows twice; a
    /// topic no subscription matches is not echoed and so not stored.
    void expectEcho(const MqttMessage &message);

    /// Disconnects MQTT and drops pending MQTT preparations; emits closed() once, when MQTT is
    /// down (at once if it is, after kCloseTimeoutMs at the latest).
    void close();
    bool isClosed() const { return m_closed; }

    RestState restState() const { return m_restState; }
    QString restError() const { return m_restError; }
    /// Panes call this after each REST call: nullptr for success, else the call's error.
    void reportRestResult(const IotError *errorOrNull);

    /// Drops the cached credentials so that the next call resolves them again (after the user
    /// signed in, e.g. with `aws sso login`), and connects MQTT again if it failed before
    /// connecting. Reloading what the panes show is up to them.
    void invalidateCredentials();

    /// One short phrase: "MQTT off", "MQTT connecting…", "MQTT connected (mutual TLS, 8883)",
    /// "MQTT reconnecting in 7 s", "MQTT denied by policy: <filter>", "MQTT error: <sentence>",
    /// "MQTT certificate problem: <sentence>".
    QString mqttStatusText() const;

Q_SIGNALS:
    void restStateChanged();
    /// A REST call failed for a reason worth another try (throttling, a 5xx answer, a dropped
    /// connection, a timeout) and goes out again in `delayMs`. `sentence` names the call, the
    /// cause and the attempt, for a "retrying" note that keeps a slow view from looking frozen.
    void restRetrying(const QString &sentence, int delayMs);
    void mqttStatusChanged();
    /// The client id is the name of an existing thing (AWS IoT disconnects its device).
    void clientIdWarning(const QString &sentence);
    /// A call failed because the IAM Identity Center (SSO) token is missing or expired and
    /// could not be refreshed: `aws sso login --profile <profile>` fixes it. `sentence` says
    /// so. Emitted once per run of such failures (again after a success or
    /// invalidateCredentials()).
    void ssoLoginRequired(const QString &profile, const QString &sentence);
    void closed();

private:
    struct Target;

    Result<Target, QString> target() const;
    Result<Target, QString> profileTarget() const;
    Result<bool, QString> buildClients(const Target &target);
    void wireMqtt();
    void resolveHostAndConnect();
    void prepare(const QString &host);
    Result<MqttConnectOptions, QString> mqttOptions(const QString &host) const;
    static std::optional<QString> certificateProblem(const MqttConnectOptions &options);
    void checkClientId(const MqttConnectOptions &options);
    void startMqtt(const MqttConnectOptions &options);
    void setMqttProblem(const QString &phrase);
    void noteCredentialFailure(const IotError &error);
    void onMessagesReceived(const MqttMessageBatch &batch);
    void onMqttStateChanged();
    void finishClose();
    QString disconnectedText() const;

    ConnectionSettings m_settings;
    QProcessEnvironment m_environment;
    std::optional<AwsCredentials> m_explicitCredentials;
    QByteArray m_passphrase;
    MfaCodeSource *m_mfa = nullptr;
    QString m_region;
    QString m_clientId;

    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<CredentialChain> m_credentials;
    std::unique_ptr<AwsClient> m_aws;
    std::unique_ptr<IotEndpoints> m_endpoints;
    std::unique_ptr<RegistryClient> m_registry;
    std::unique_ptr<ShadowClient> m_shadows;
    std::unique_ptr<ThingListModel> m_things;
    std::unique_ptr<MessageStore> m_messages;
    std::unique_ptr<MessageTableModel> m_messageModel;
    std::unique_ptr<MqttConnection> m_mqtt;

    EchoMatcher m_echoes;
    RestState m_restState = RestState::Idle;
    QString m_restError;
    bool m_ssoReported = false; ///< ssoLoginRequired() was emitted for the current failures
    QString m_mqttProblem;      ///< a problem found before connecting (host, certificates)
    bool m_preparing = false;   ///< resolving the host or checking the client id
    bool m_mqttWanted = false;  ///< between connectMqtt() and disconnectMqtt()
    quint64 m_generation = 0;   ///< bumped by connect/disconnect/close; stale steps are dropped
    bool m_closing = false;
    bool m_closed = false;
    QTimer m_countdown;
    QTimer m_closeTimer;
};

} // namespace thingdeck
