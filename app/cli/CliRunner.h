#pragma once

#include "CliInvocation.h"
#include "Result.h"
#include "iot/ShadowName.h"
#include "iot/ThingName.h"
#include "iot/ThingQuery.h"
#include "iot/ThingSummary.h"
#include "mqtt/MqttConnectOptions.h"
#include "mqtt/MqttMessage.h"
#include "mqtt/TopicName.h"

#include <QFile>
#include <QObject>
#include <QProcessEnvironment>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace thingdeck {

class AwsClient;
class AwsConfig;
class CredentialChain;
class IotEndpoints;
class MqttConnection;
class RegistryClient;
class ShadowClient;
class TerminalMfaCodeSource;
struct IotError;

/// Runs one thingdeck-cli command asynchronously and reports the exit code: 0 done, 1 runtime
/// error (one sentence on stderr), 2 usage error, 128 + N stopped by signal N. Results go to
/// stdout as they come (each page, each drained batch of messages is written at once);
/// nothing but errors and warnings goes to stderr.
class CliRunner : public QObject
{
    Q_OBJECT
public:
    CliRunner(CliInvocation invocation, const QProcessEnvironment &environment,
              QObject *parent = nullptr);
    ~CliRunner() override;
    Q_DISABLE_COPY_MOVE(CliRunner)

    void start();
    /// Ends the command for signal `signalNumber` (SIGINT, SIGTERM, SIGHUP): stops reading,
    /// writes everything received, disconnects, then finishes with exitCodeForSignal(). A
    /// second call finishes at once.
    void stop(int signalNumber);

    /// 128 + N, as shells report a command ended by signal N (130 for Ctrl+C), so that a
    /// script can tell a stop from a finished `sub --count`.
    static constexpr int exitCodeForSignal(int signalNumber) { return 128 + signalNumber; }

Q_SIGNALS:
    void finished(int exitCode);

private:
    using EndpointCallback = std::function<void(const Result<MqttConnectOptions, QString> &)>;

    std::optional<QString> setUpAws();
    void mqttOptions(const EndpointCallback &callback);
    Result<MqttConnectOptions, QString> mqttOptionsFor(const QString &host, int port);
    void connectMqtt(const MqttConnectOptions &options, std::function<void()> onConnected);

    void runThingsList();
    void runThingsDescribe();
    void runEndpoint();
    void runShadowGet();
    void runShadowUpdate();
    void runShadowDelete();
    void runShadowList();
    void runSub();
    void runPub();
    void onSubMessages(const MqttMessageBatch &messages);
    void disconnectAndFinish();
    void checkClientId(const QString &clientId, std::function<void()> next);
    void startMqtt(const MqttConnectOptions &options, std::function<void()> onConnected);
    void publishOverHttp(const TopicName &topic, const QByteArray &payload, int qos);

    void print(const QByteArray &bytes);
    void printJson(const QJsonObject &object);
    void succeed();
    void finish(int exitCode);
    void finishAfterLastDrain();
    void failWith(const QString &message, int exitCode = 1);
    void failWith(const IotError &error);
    Result<ThingName, QString> thingArgument() const;
    Result<ShadowName, QString> shadowOption() const;
    Result<ThingQuery, QString> thingQuery() const;
    void listPage(const ThingQuery &query, const QString &nextToken);
    QByteArray formatThing(const ThingSummary &thing) const;
    static Result<QByteArray, QString> documentArgument(const QString &text);
    std::optional<int> qosOption() const;

    CliInvocation m_invocation;
    QProcessEnvironment m_environment;
    QFile m_stdout;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<TerminalMfaCodeSource> m_mfa; ///< declared before the chain that uses it
    std::unique_ptr<AwsConfig> m_config;
    std::unique_ptr<CredentialChain> m_credentials;
    std::unique_ptr<AwsClient> m_aws;
    std::unique_ptr<IotEndpoints> m_endpoints;
    std::unique_ptr<RegistryClient> m_registry;
    std::unique_ptr<ShadowClient> m_shadows;
    std::unique_ptr<MqttConnection> m_mqtt;
    QString m_region;
    qint64 m_wanted = 0; ///< sub --count; 0 = until interrupted
    qint64 m_received = 0;
    int m_stopSignal = 0; ///< the signal stop() was called with; 0: not stopping
    bool m_finished = false;
    bool m_disconnecting = false;
};

} // namespace thingdeck
