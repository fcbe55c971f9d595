#include "session/ConsoleSession.h"

#include "models/ThingListModel.h"

#include "aws/AwsClient.h"
#include "aws/AwsConfig.h"
#include "aws/CredentialChain.h"
#include "iot/IotEndpoints.h"
#include "iot/IotError.h"
#include "iot/RegistryClient.h"
#include "iot/ShadowClient.h"
#include "iot/ThingName.h"
#include "models/MessageTableModel.h"
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"
#include "mqtt/MqttSubscription.h"
#include "session/SessionLogging.h"
#include "tls/CertificateSet.h"

#include <QNetworkAccessManager>

#include <algorithm>

namespace thingdeck {

struct ConsoleSession::Target
{
    IotEndpoints::Target endpoints;
    QString caBundle;
};

namespace {

Result<QUrl, QString> overrideUrl(const QString &text, const QString &field)
{
    const QUrl url(text);
    if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty())
        return fail(QStringLiteral("The connection's %1 \"%2\" is not a URL: enter one such as "
                                   "https://host:port, or leave it empty.")
                        .arg(field, text));
    return url;
}

} // namespace

ConsoleSession::ConsoleSession(ConnectionSettings settings, const QProcessEnvironment &environment,
                               QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_environment(environment)
    , m_messages(std::make_unique<MessageStore>())
    , m_messageModel(std::make_unique<MessageTableModel>(m_messages.get()))
    , m_mqtt(std::make_unique<MqttConnection>())
{
    m_clientId = m_settings.clientId.isEmpty() ? ConnectionSettings::generateClientId()
                                               : m_settings.clientId;
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &ConsoleSession::mqttStatusChanged);
    m_closeTimer.setSingleShot(true);
    m_closeTimer.setInterval(kCloseTimeoutMs);
    connect(&m_closeTimer, &QTimer::timeout, this, &ConsoleSession::finishClose);
    wireMqtt();
}

// The MQTT connection may report while it is torn down; nothing of that is wanted any more.
ConsoleSession::~ConsoleSession()
{
    m_mqtt->disconnect(this);
    m_messages->disconnect(this);
}

void ConsoleSession::setExplicitCredentials(const AwsCredentials &credentials)
{
    m_explicitCredentials = credentials;
    if (m_credentials)
        m_credentials->setExplicitCredentials(credentials);
}

void ConsoleSession::setMfaCodeSource(MfaCodeSource *source)
{
    m_mfa = source;
    if (m_credentials)
        m_credentials->setMfaCodeSource(source);
}

void ConsoleSession::setPrivateKeyPassphrase(const QByteArray &passphrase)
{
    m_passphrase = passphrase;
}

Result<bool, QString> ConsoleSession::open()
{
    if (m_aws)
        return true;
    const auto found = target();
    if (!found.ok())
        return fail(found.error());
    return buildClients(found.value());
}

Result<ConsoleSession::Target, QString> ConsoleSession::target() const
{
    auto result = profileTarget();
    if (!result.ok())
        return result;
    Target &found = result.value();
    if (!m_settings.region.isEmpty())
        found.endpoints.region = m_settings.region;
    if (!m_settings.controlPlaneUrl.isEmpty()) {
        const auto url =
            overrideUrl(m_settings.controlPlaneUrl, QStringLiteral("control-plane URL"));
        if (!url.ok())
            return fail(url.error());
        found.endpoints.controlPlane = url.value();
    }
    if (!m_settings.dataPlaneUrl.isEmpty()) {
        const auto url = overrideUrl(m_settings.dataPlaneUrl, QStringLiteral("data-plane URL"));
        if (!url.ok())
            return fail(url.error());
        found.endpoints.dataPlane = url.value();
    }
    if (found.endpoints.region.isEmpty())
        return fail(QStringLiteral("The connection \"%1\" has no AWS region: set one in the "
                                   "connection, in the profile, or in AWS_REGION.")
                        .arg(m_settings.name));
    return result;
}

// A sandbox connection brings everything itself; the user's AWS files do not matter to it.
Result<ConsoleSession::Target, QString> ConsoleSession::profileTarget() const
{
    Target found;
    if (m_settings.kind == ConnectionSettings::Kind::Sandbox) {
        if (!m_explicitCredentials)
            return fail(QStringLiteral("The local sandbox's keys are missing: start the sandbox "
                                       "and open the connection again."));
        found.endpoints.profile = QStringLiteral("sandbox");
        found.caBundle = m_settings.caFile;
        return found;
    }
    const auto config = AwsConfig::load(m_environment, m_settings.profile);
    if (!config.ok())
        return fail(config.error().message);
    const auto endpoints = IotEndpoints::Target::fromConfig(config.value());
    if (!endpoints.ok())
        return fail(endpoints.error().message);
    found.endpoints = endpoints.value();
    found.endpoints.region = config.value().region();
    found.caBundle = config.value().caBundle();
    return found;
}

Result<bool, QString> ConsoleSession::buildClients(const Target &target)
{
    AwsClientOptions options;
    options.region = target.endpoints.region;
    if (!target.caBundle.isEmpty()) {
        const auto bundle = AwsClient::loadCaBundle(target.caBundle);
        if (!bundle.ok())
            return fail(bundle.error());
        options.extraCaCertificates = bundle.value();
    }
    m_region = target.endpoints.region;
    m_network = std::make_unique<QNetworkAccessManager>();
    m_credentials = std::make_unique<CredentialChain>(m_environment, m_settings.profile);
    if (m_explicitCredentials)
        m_credentials->setExplicitCredentials(*m_explicitCredentials);
    m_credentials->setMfaCodeSource(m_mfa);
    m_credentials->setNetworkAccessManager(m_network.get());
    m_aws = std::make_unique<AwsClient>(m_network.get(), m_credentials.get(), options);
    connect(m_aws.get(), &AwsClient::retrying, this,
            [this, attempts = options.retry.maxAttempts](AwsClient::CallId, int attempt,
                                                         int delayMs, const AwsError &error) {
                emit restRetrying(QStringLiteral("%1 — retrying in %2 s (attempt %3 of %4)")
                                      .arg(error.toString(),
                                           QString::number(delayMs / 1000.0, 'f', 1),
                                           QString::number(attempt + 1), QString::number(attempts)),
                                  delayMs);
            });
    m_endpoints = std::make_unique<IotEndpoints>(m_aws.get(), target.endpoints);
    m_registry = std::make_unique<RegistryClient>(m_endpoints.get());
    m_shadows = std::make_unique<ShadowClient>(m_endpoints.get());
    m_things = std::make_unique<ThingListModel>(m_registry.get());
    connect(m_things.get(), &ThingListModel::errorOccurred, this,
            [this](const IotError &error) { reportRestResult(&error); });
    qCInfo(lcSession) << "opened" << m_settings.name << "in" << m_region;
    return true;
}

void ConsoleSession::wireMqtt()
{
    connect(m_mqtt.get(), &MqttConnection::messagesReceived, this,
            &ConsoleSession::onMessagesReceived);
    connect(m_mqtt.get(), &MqttConnection::messagePublished, this, &ConsoleSession::expectEcho);
    connect(m_mqtt.get(), &MqttConnection::stateChanged, this, &ConsoleSession::onMqttStateChanged);
    connect(m_mqtt.get(), &MqttConnection::errorChanged, this, &ConsoleSession::mqttStatusChanged);
    connect(m_mqtt.get(), &MqttConnection::reconnectScheduled, this, [this] {
        m_countdown.start();
        emit mqttStatusChanged();
    });
}

void ConsoleSession::expectEcho(const MqttMessage &message)
{
    const QList<MqttSubscription *> subscriptions = m_mqtt->subscriptions();
    const bool echoed = std::any_of(subscriptions.begin(), subscriptions.end(),
                                    [&message](const MqttSubscription *subscription) {
                                        return subscription->filter().matches(message.topic);
                                    });
    if (echoed)
        m_echoes.expect(message);
}

void ConsoleSession::onMessagesReceived(const MqttMessageBatch &batch)
{
    if (m_echoes.pending() == 0) {
        m_messages->append(batch);
        return;
    }
    MqttMessageBatch marked = batch;
    m_echoes.markEchoes(marked);
    m_messages->append(marked);
}

void ConsoleSession::connectMqtt()
{
    if (m_closing)
        return;
    ++m_generation;
    m_mqttProblem.clear();
    if (!m_registry) {
        setMqttProblem(QStringLiteral("MQTT error: the connection is not open."));
        return;
    }
    // Browsing the registry needs no device certificate; MQTT over mutual TLS does.
    if (m_settings.transport != MqttConnectOptions::Transport::WebSocket &&
        m_settings.certificateFile.isEmpty() && m_settings.privateKeyFile.isEmpty()) {
        setMqttProblem(QStringLiteral("MQTT off: no device certificate (add one under "
                                      "Connections, or use WebSockets)"));
        return;
    }
    m_preparing = true;
    m_mqttWanted = true;
    emit mqttStatusChanged();
    resolveHostAndConnect();
}

void ConsoleSession::resolveHostAndConnect()
{
    if (!m_settings.mqttHost.isEmpty())
        return prepare(m_settings.mqttHost);
    // As AWS clients do: the account's own endpoint, from DescribeEndpoint iot:Data-ATS.
    const quint64 generation = m_generation;
    m_registry->describeDataEndpoint(this, [this,
                                            generation](const Result<QString, IotError> &host) {
        if (generation != m_generation)
            return;
        if (!host.ok()) {
            noteCredentialFailure(host.error());
            return setMqttProblem(QStringLiteral("MQTT error: ") + host.error().toString() +
                                  QStringLiteral(" (or enter the MQTT host in the connection)"));
        }
        prepare(host.value());
    });
}

void ConsoleSession::prepare(const QString &host)
{
    const auto options = mqttOptions(host);
    if (!options.ok())
        return setMqttProblem(QStringLiteral("MQTT error: ") + options.error());
    if (const auto problem = certificateProblem(options.value()))
        return setMqttProblem(QStringLiteral("MQTT certificate problem: ") + *problem);
    checkClientId(options.value());
}

Result<MqttConnectOptions, QString> ConsoleSession::mqttOptions(const QString &host) const
{
    MqttConnectOptions options;
    options.transport = m_settings.transport;
    options.version = m_settings.mqttVersion;
    options.host = host;
    options.port = m_settings.effectivePort();
    options.clientId = m_clientId;
    options.caFile = m_settings.caFile;
    options.certificateFile = m_settings.certificateFile;
    options.privateKeyFile = m_settings.privateKeyFile;
    options.privateKeyPassphrase = m_passphrase;
    options.keepAliveSeconds = m_settings.keepAliveSeconds;
    options.credentials = m_credentials.get();
    options.region = m_region;
    if (options.transport == MqttConnectOptions::Transport::WebSocket && m_region.isEmpty())
        return fail(QStringLiteral("WebSockets sign with SigV4 and need a region: set one in "
                                   "the connection."));
    return options;
}

// Paho reports any TLS problem as "TCP/TLS connect failure"; the files are checked first so
// that the status names the actual problem.
std::optional<QString> ConsoleSession::certificateProblem(const MqttConnectOptions &options)
{
    if (options.transport == MqttConnectOptions::Transport::WebSocket)
        return std::nullopt;
    const auto set = CertificateSet::open({options.caFile, options.certificateFile,
                                           options.privateKeyFile, options.privateKeyPassphrase});
    if (set.ok())
        return std::nullopt;
    for (const CertificateFinding &finding : set.error()) {
        if (finding.severity == CertificateFinding::Severity::Error)
            return finding.message;
    }
    return set.error().value(0).message;
}

// AWS IoT allows one connection per client id: a device connected with the same id is
// disconnected, and takes the id back when it reconnects. A thing's name is the id its device
// most likely uses, so reusing one deserves a warning, given before connecting.
void ConsoleSession::checkClientId(const MqttConnectOptions &options)
{
    const auto thing = ThingName::create(options.clientId);
    if (!thing.ok())
        return startMqtt(options);
    const quint64 generation = m_generation;
    m_registry->describeThing(
        thing.value(), this,
        [this, generation, options](const Result<ThingDescription, IotError> &found) {
            if (generation != m_generation)
                return;
            if (found.ok())
                emit clientIdWarning(
                    QStringLiteral("The client id %1 is the name of a thing; AWS IoT disconnects "
                                   "a device using the same id. Choose another client id.")
                        .arg(options.clientId));
            startMqtt(options);
        });
}

void ConsoleSession::startMqtt(const MqttConnectOptions &options)
{
    m_preparing = false;
    m_mqtt->connectToHost(options);
    emit mqttStatusChanged();
}

void ConsoleSession::setMqttProblem(const QString &phrase)
{
    m_preparing = false;
    m_mqttProblem = phrase;
    qCInfo(lcSession) << m_settings.name << phrase;
    emit mqttStatusChanged();
}

void ConsoleSession::disconnectMqtt()
{
    ++m_generation;
    m_preparing = false;
    m_mqttWanted = false;
    m_mqttProblem.clear();
    m_countdown.stop();
    if (m_mqtt->state() != MqttConnection::State::Disconnected)
        m_mqtt->disconnectFromHost();
    emit mqttStatusChanged();
}

void ConsoleSession::onMqttStateChanged()
{
    if (m_mqtt->state() != MqttConnection::State::Reconnecting)
        m_countdown.stop();
    emit mqttStatusChanged();
    if (m_closing && m_mqtt->state() == MqttConnection::State::Disconnected)
        finishClose();
}

void ConsoleSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    disconnectMqtt();
    if (m_mqtt->state() == MqttConnection::State::Disconnected)
        return finishClose();
    m_closeTimer.start();
}

void ConsoleSession::finishClose()
{
    if (m_closed)
        return;
    m_closed = true;
    m_closeTimer.stop();
    qCInfo(lcSession) << "closed" << m_settings.name;
    emit closed();
}

void ConsoleSession::reportRestResult(const IotError *errorOrNull)
{
    if (errorOrNull)
        noteCredentialFailure(*errorOrNull);
    else
        m_ssoReported = false;
    const RestState state = errorOrNull ? RestState::Failed : RestState::Ok;
    const QString error = errorOrNull ? errorOrNull->toString() : QString();
    if (state == m_restState && error == m_restError)
        return;
    m_restState = state;
    m_restError = error;
    emit restStateChanged();
}

// Only the kind counts here, never the sentence: the chain says which profile to sign in.
void ConsoleSession::noteCredentialFailure(const IotError &error)
{
    const auto &credentials = error.aws.credentials;
    if (!credentials || credentials->kind != ConfigError::Kind::SsoLoginRequired || m_ssoReported)
        return;
    m_ssoReported = true;
    const QString profile = credentials->profile.isEmpty() && m_credentials
                                ? m_credentials->profileName()
                                : credentials->profile;
    emit ssoLoginRequired(profile, credentials->message);
}

void ConsoleSession::invalidateCredentials()
{
    m_ssoReported = false;
    if (m_credentials)
        m_credentials->invalidate();
    const bool failedBeforeConnecting = m_mqttWanted && !m_mqttProblem.isEmpty() && !m_preparing &&
                                        m_mqtt->state() == MqttConnection::State::Disconnected;
    if (failedBeforeConnecting)
        connectMqtt();
}

QString ConsoleSession::mqttStatusText() const
{
    if (!m_mqttProblem.isEmpty())
        return m_mqttProblem;
    switch (m_mqtt->state()) {
    case MqttConnection::State::Connected:
        return QStringLiteral("MQTT connected (%1)").arg(m_settings.transportLabel());
    case MqttConnection::State::Connecting:
        return QStringLiteral("MQTT connecting…");
    case MqttConnection::State::Disconnecting:
        return QStringLiteral("MQTT disconnecting…");
    case MqttConnection::State::Reconnecting:
        if (m_mqtt->error() == MqttConnection::Error::ProbablyDeniedByPolicy)
            return QStringLiteral("MQTT denied by policy: ") + m_mqtt->deniedFilter();
        return QStringLiteral("MQTT reconnecting in %1 s")
            .arg(qMax(1, (m_mqtt->reconnectDelayMs() + 999) / 1000));
    case MqttConnection::State::Disconnected:
        break;
    }
    return disconnectedText();
}

QString ConsoleSession::disconnectedText() const
{
    if (m_preparing)
        return QStringLiteral("MQTT connecting…");
    if (!m_mqttWanted)
        return QStringLiteral("MQTT off");
    switch (m_mqtt->error()) {
    case MqttConnection::Error::None:
        return QStringLiteral("MQTT off");
    case MqttConnection::Error::ProbablyDeniedByPolicy:
        return QStringLiteral("MQTT denied by policy: ") + m_mqtt->deniedFilter();
    default:
        return QStringLiteral("MQTT error: ") + m_mqtt->errorString();
    }
}

} // namespace thingdeck
