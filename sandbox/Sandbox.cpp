#include "Sandbox.h"

#include "BrokerProcess.h"
#include "CredentialExamples.h"
#include "CredentialStore.h"
#include "DeviceSimulator.h"
#include "HttpServer.h"
#include "Logging.h"
#include "MqttPolicyProxy.h"
#include "RegistryService.h"
#include "RequestAuthenticator.h"
#include "RestApi.h"
#include "SandboxPki.h"
#include "SandboxSeeder.h"
#include "SandboxTls.h"
#include "ShadowService.h"
#include "ShadowTopicService.h"
#include "SsoService.h"
#include "StateStore.h"
#include "StsService.h"
#include "WebSocketGate.h"
#include "mqtt/MqttConnection.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace thingdeck {

namespace {

const QString kHost = QStringLiteral("localhost");
// The IAM user that owns the sandbox's static keys (GetCallerIdentity's Arn).
const QString kUserName = QStringLiteral("thingdeck-sandbox");
// How long the web identity token in DIR/examples stays valid; a new one is written each start.
constexpr int kWebIdentityTokenSeconds = 30 * 24 * 3600;

QString sub(const QString &dir, const char *name)
{
    return dir + QLatin1Char('/') + QLatin1String(name);
}

Result<QList<BrokerProcess::Denial>, QString> denials(const QStringList &rules)
{
    QList<BrokerProcess::Denial> out;
    for (const QString &rule : rules) {
        const auto filter = TopicFilter::create(rule.section(QLatin1Char('='), 1));
        if (!filter.ok())
            return fail(QStringLiteral("--deny %1: %2").arg(rule, filter.error()));
        out.append({rule.section(QLatin1Char('='), 0, 0), filter.value()});
    }
    return out;
}

std::optional<QString> writeMarker(const QString &path, const QByteArray &content)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    file.write(content);
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return std::nullopt;
}

// The devices are seeded on the first start only; later starts find them in the state.
std::optional<QString> seedDevicesOnce(const QString &stateDir, const QStringList &things,
                                       RegistryService &registry, ShadowService &shadows,
                                       const SandboxPki &pki)
{
    const QString marker = sub(stateDir, "state/.seeded");
    if (QFile::exists(marker))
        return std::nullopt;
    if (auto problem = SandboxSeeder::seed(things, registry, shadows, pki))
        return QStringLiteral("cannot seed the sandbox: %1").arg(*problem);
    return writeMarker(marker, {});
}

// The marker holds how many registry things are seeded, so that a restart with the same
// --registry-things seeds nothing and a larger one only the rest. Things deleted since stay
// deleted.
std::optional<QString> seedRegistryOnce(const QString &stateDir, int count,
                                        RegistryService &registry)
{
    const QString marker = sub(stateDir, "state/.seeded-registry-things");
    QFile file(marker);
    const int seeded = file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toInt() : 0;
    if (count <= seeded)
        return std::nullopt;
    QElapsedTimer clock;
    clock.start();
    if (auto problem = SandboxSeeder::seedRegistryThings(seeded + 1, count, registry))
        return QStringLiteral("cannot seed the registry things: %1").arg(*problem);
    qCInfo(lcSandbox).noquote() << QStringLiteral("seeded %1 registry things in %2 s")
                                       .arg(count - seeded)
                                       .arg(double(clock.elapsed()) / 1000.0, 0, 'f', 2);
    return writeMarker(marker, QByteArray::number(count));
}

} // namespace

Sandbox::Sandbox(SandboxOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{}

Sandbox::~Sandbox() = default;

QString Sandbox::infoFile() const
{
    return sub(m_options.stateDir, "sandbox.json");
}

void Sandbox::start()
{
    if (auto problem = prepareState()) {
        fatal(*problem);
        return;
    }
    if (auto problem = startRest()) {
        fatal(*problem);
        return;
    }
    startBroker();
}

std::optional<QString> Sandbox::prepareState()
{
    m_options.stateDir = QDir(m_options.stateDir).absolutePath();
    if (!QDir().mkpath(m_options.stateDir))
        return QStringLiteral("cannot create the state folder %1; choose a --state-dir you can "
                              "write to")
            .arg(m_options.stateDir);
    const auto identity = SandboxIdentity::loadOrCreate(m_options.stateDir);
    if (!identity.ok())
        return identity.error();
    m_identity = identity.value();
    auto credentials = CredentialStore::loadOrCreate(m_options.stateDir);
    if (!credentials.ok())
        return credentials.error();
    m_credentials = std::move(credentials).value();
    m_things = SandboxSeeder::thingNames(m_options.things);
    m_pki = std::make_unique<SandboxPki>(sub(m_options.stateDir, "certificates"));
    const auto made = m_pki->ensure(m_things);
    if (!made.ok())
        return made.error();
    // A crash (kill -9) must never corrupt the store; surviving a power cut is not worth 10x
    // slower writes for a local stand-in whose devices report many times a second.
    m_store = std::make_unique<StateStore>(sub(m_options.stateDir, "state"),
                                           StateStore::Durability::SurviveProcessCrash);
    if (auto problem = m_store->load())
        return problem->toString();
    for (const StoreError &problem : m_store->problems())
        qCWarning(lcSandbox).noquote() << "skipped" << problem.toString();
    m_registry = std::make_unique<RegistryService>(
        m_store.get(), RegistryOptions{m_options.region, m_identity.accountId, kHost});
    m_shadows = std::make_unique<ShadowService>(m_store.get());
    if (auto problem =
            seedDevicesOnce(m_options.stateDir, m_things, *m_registry, *m_shadows, *m_pki))
        return problem;
    return seedRegistryOnce(m_options.stateDir, m_options.registryThings, *m_registry);
}

std::optional<QString> Sandbox::startRest()
{
    m_authenticator = std::make_unique<RequestAuthenticator>(m_options.region);
    AwsCredentials keys;
    keys.accessKeyId = m_identity.accessKeyId;
    keys.secretAccessKey = m_identity.secretAccessKey;
    m_authenticator->addCredentials(keys);
    m_rest = std::make_unique<RestApi>(m_authenticator.get(), m_registry.get(), m_shadows.get());
    if (m_options.throttleEvery > 0)
        m_rest->setThrottle(ThrottlePolicy{m_options.throttleEvery, 0});
    startCredentialServices();
    m_http =
        std::make_unique<HttpServer>([this](const HttpRequest &request, HttpResponder responder) {
            route(request, std::move(responder));
        });
    const auto tls = SandboxTls::serverConfiguration(*m_pki);
    if (!tls.ok())
        return QStringLiteral("cannot serve HTTPS: %1").arg(tls.error());
    if (!m_http->listenTls(tls.value().localCertificate(), tls.value().privateKey(),
                           m_options.httpPort)) {
        return QStringLiteral("cannot serve HTTPS on port %1: %2; pass another --http-port or "
                              "omit it")
            .arg(m_options.httpPort)
            .arg(m_http->errorString());
    }
    return writeExamples();
}

// Temporary credentials the sandbox issued are accepted wherever its static keys are.
void Sandbox::startCredentialServices()
{
    CredentialStore *store = m_credentials.get();
    m_authenticator->setKeyLookup(
        [store](const QString &accessKeyId) -> std::optional<AwsCredentials> {
            const auto issued = store->find(accessKeyId);
            return issued ? std::optional(issued->keys) : std::nullopt;
        });
    m_sts = std::make_unique<StsService>(m_authenticator.get(), store,
                                         StsService::Options{m_identity.accountId, kUserName,
                                                             m_identity.accessKeyId,
                                                             m_options.credentialLifetime});
    SsoService::Options sso;
    sso.accountId = m_identity.accountId;
    sso.lifetimeCap = m_options.credentialLifetime;
    m_sso = std::make_unique<SsoService>(store, sso);
}

// STS is `POST /` with a form body, which no IoT operation uses; the SSO paths are their own.
void Sandbox::route(const HttpRequest &request, HttpResponder responder)
{
    if (StsService::accepts(request))
        responder.respond(m_sts->respond(request));
    else if (SsoService::accepts(request))
        responder.respond(m_sso->respond(request));
    else
        m_rest->handle(request, std::move(responder));
}

std::optional<QString> Sandbox::writeExamples()
{
    CredentialExamples::Inputs in;
    in.stateDir = m_options.stateDir;
    in.region = m_options.region;
    in.accountId = m_identity.accountId;
    in.endpoint = QStringLiteral("https://%1:%2").arg(kHost).arg(m_http->port());
    in.caFile = m_pki->caCertificateFile();
    in.accessKeyId = m_identity.accessKeyId;
    in.secretAccessKey = m_identity.secretAccessKey;
    in.webIdentityToken = m_credentials->makeWebIdentityToken(kWebIdentityTokenSeconds);
    const int seconds = m_sso->tokenSeconds();
    in.ssoAccessToken = m_credentials->issueSsoAccessToken(seconds);
    in.ssoExpiresAt = QDateTime::currentDateTimeUtc().addSecs(seconds);
    in.ssoRefreshToken = m_credentials->issueRefreshToken();
    const auto examples = CredentialExamples::write(in, *m_credentials);
    if (!examples.ok())
        return examples.error();
    m_examples = examples.value();
    return std::nullopt;
}

void Sandbox::startBroker()
{
    const auto denied = denials(m_options.denyRules);
    if (!denied.ok()) {
        fatal(denied.error());
        return;
    }
    BrokerProcess::Options options;
    options.program = m_options.mosquittoProgram;
    options.configDirectory = sub(m_options.stateDir, "broker");
    // With denials the devices' port is the policy proxy's, and mosquitto's TLS port (still
    // used by the sandbox's own connection) is any free one.
    options.mqttPort = denied.value().isEmpty() ? m_options.mqttPort : quint16(0);
    // The public websockets port is the WebSocket gate's; mosquitto's own is internal.
    options.webSocketPort = 0;
    options.denials = denied.value();
    QDir().mkpath(options.configDirectory);
    m_broker = std::make_unique<BrokerProcess>(*m_pki, options);
    connect(m_broker.get(), &BrokerProcess::ready, this, &Sandbox::onBrokerReady);
    connect(m_broker.get(), &BrokerProcess::failed, this, &Sandbox::fatal);
    connect(m_broker.get(), &BrokerProcess::exited, this, [this](const QString &reason) {
        if (m_stopping) {
            emit stopped();
            return;
        }
        fatal(QStringLiteral("mosquitto stopped unexpectedly (%1)").arg(reason));
    });
    m_broker->start();
}

void Sandbox::onBrokerReady()
{
    if (auto problem = startPolicyProxy()) {
        fatal(*problem);
        return;
    }
    if (auto problem = startWebSocketGate()) {
        fatal(*problem);
        return;
    }
    m_service = std::make_unique<MqttConnection>();
    m_shadowTopics = std::make_unique<ShadowTopicService>(m_service.get(), m_shadows.get());
    m_devices = std::make_unique<DeviceSimulator>(m_service.get(), m_things,
                                                  m_options.telemetryRate, m_options.reportDelayMs);
    connect(m_service.get(), &MqttConnection::stateChanged, this,
            [this](MqttConnection::State state) {
                if (state == MqttConnection::State::Connected && !m_ready)
                    onServiceConnected();
                else if (state == MqttConnection::State::Disconnected && !m_ready && !m_stopping)
                    fatal(QStringLiteral("the sandbox cannot reach its own broker: %1")
                              .arg(m_service->errorString()));
            });
    MqttConnectOptions options;
    options.host = kHost;
    options.port = m_broker->mqttPort();
    options.clientId = QStringLiteral("thingdeck-sandbox-service");
    options.caFile = m_pki->caCertificateFile();
    options.certificateFile = m_pki->serviceCertificateFile();
    options.privateKeyFile = m_pki->serviceKeyFile();
    m_service->connectToHost(options);
}

// mosquitto 2.0 grants what an IoT policy denies, where AWS IoT closes the connection; the
// proxy does that. Without denials it is not started, so devices reach mosquitto directly.
std::optional<QString> Sandbox::startPolicyProxy()
{
    const auto denied = denials(m_options.denyRules);
    if (!denied.ok() || denied.value().isEmpty())
        return std::nullopt;
    MqttPolicyProxy::Options options;
    options.brokerPort = m_broker->internalPort();
    options.denials = denied.value();
    m_policyProxy = std::make_unique<MqttPolicyProxy>(options);
    if (auto problem = m_policyProxy->listen(*m_pki, m_options.mqttPort))
        return QStringLiteral("cannot serve MQTT: %1; pass another --mqtt-port or omit it")
            .arg(*problem);
    return std::nullopt;
}

// mosquitto ignores the SigV4 query of a WebSocket URL; the gate checks it with the REST API's
// authenticator (so the sandbox's temporary credentials work too) and refuses as AWS does.
std::optional<QString> Sandbox::startWebSocketGate()
{
    WebSocketGate::Options options;
    options.brokerPort = m_broker->webSocketPort();
    m_webSocketGate = std::make_unique<WebSocketGate>(m_authenticator.get(), options);
    if (auto problem = m_webSocketGate->listen(*m_pki, m_options.wsPort))
        return QStringLiteral("cannot serve MQTT over WebSockets: %1; pass another --ws-port or "
                              "omit it")
            .arg(*problem);
    return std::nullopt;
}

quint16 Sandbox::deviceMqttPort() const
{
    return m_policyProxy ? m_policyProxy->port() : m_broker->mqttPort();
}

void Sandbox::onServiceConnected()
{
    m_shadowTopics->start();
    m_devices->start();
    if (auto problem = writeInfo()) {
        fatal(*problem);
        return;
    }
    m_ready = true;
    emit ready(infoFile());
}

std::optional<QString> Sandbox::writeInfo() const
{
    QJsonArray devices;
    for (const QString &thing : m_things) {
        devices.append(QJsonObject{
            {QStringLiteral("thingName"), thing},
            {QStringLiteral("certificateId"), m_pki->certificateId(thing).value_or(QString())},
            {QStringLiteral("certificateFile"), m_pki->deviceCertificateFile(thing)},
            {QStringLiteral("privateKeyFile"), m_pki->deviceKeyFile(thing)}});
    }
    const QJsonObject info{{QStringLiteral("region"), m_options.region},
                           {QStringLiteral("accountId"), m_identity.accountId},
                           {QStringLiteral("accessKeyId"), m_identity.accessKeyId},
                           {QStringLiteral("secretAccessKey"), m_identity.secretAccessKey},
                           {QStringLiteral("restEndpoint"),
                            QStringLiteral("https://%1:%2").arg(kHost).arg(m_http->port())},
                           {QStringLiteral("caFile"), m_pki->caCertificateFile()},
                           {QStringLiteral("mqttHost"), kHost},
                           {QStringLiteral("mqttPort"), deviceMqttPort()},
                           {QStringLiteral("mqttWebSocketPort"), m_webSocketGate->port()},
                           {QStringLiteral("pid"), QCoreApplication::applicationPid()},
                           {QStringLiteral("brokerPid"), m_broker->processId()},
                           {QStringLiteral("devices"), devices},
                           {QStringLiteral("examples"), m_examples}};
    QSaveFile file(infoFile());
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(infoFile(), file.errorString());
    // It holds the sandbox's secret key, so only the owner may read it.
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(QJsonDocument(info).toJson());
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(infoFile(), file.errorString());
    return std::nullopt;
}

void Sandbox::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_devices.reset();
    m_shadowTopics.reset();
    if (m_service)
        m_service->disconnectFromHost();
    if (m_http)
        m_http->close();
    if (m_policyProxy)
        m_policyProxy->close();
    if (m_webSocketGate)
        m_webSocketGate->close();
    if (m_broker && m_broker->state() != BrokerProcess::State::NotRunning) {
        m_broker->stop();
        return;
    }
    QMetaObject::invokeMethod(this, &Sandbox::stopped, Qt::QueuedConnection);
}

void Sandbox::fatal(const QString &message)
{
    if (m_stopping)
        return;
    emit failed(message);
}

} // namespace thingdeck
