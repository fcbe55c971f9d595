#pragma once

#include "SandboxIdentity.h"
#include "SandboxOptions.h"

#include <QJsonObject>
#include <QObject>

#include <memory>

namespace thingdeck {

class BrokerProcess;
class CredentialStore;
class DeviceSimulator;
class HttpResponder;
class HttpServer;
struct HttpRequest;
class MqttConnection;
class MqttPolicyProxy;
class RegistryService;
class RequestAuthenticator;
class RestApi;
class SandboxPki;
class ShadowService;
class ShadowTopicService;
class SsoService;
class StsService;
class StateStore;
class WebSocketGate;

/// The whole local stand-in for AWS IoT Core: certificates, state, the HTTPS REST API (with the
/// stand-ins for STS and the SSO portal and OIDC on the same port), the mosquitto broker with the
/// WebSocket gate that checks SigV4 in front of it, the MQTT shadow service and the simulated
/// devices, started in that order. When everything is up it writes
/// `<state dir>/sandbox.json` atomically and emits ready(); any failure on the way is failed() with
/// one line naming the cause and the fix.
class Sandbox : public QObject
{
    Q_OBJECT
public:
    explicit Sandbox(SandboxOptions options, QObject *parent = nullptr);
    ~Sandbox() override;
    Q_DISABLE_COPY_MOVE(Sandbox)

    void start();
    /// Stops devices, MQTT and the broker; stopped() follows.
    void stop();

    QString infoFile() const;

Q_SIGNALS:
    void ready(const QString &infoFile);
    void failed(const QString &message);
    void stopped();

private:
    std::optional<QString> prepareState();
    std::optional<QString> startRest();
    void startCredentialServices();
    void route(const HttpRequest &request, HttpResponder responder);
    std::optional<QString> writeExamples();
    void startBroker();
    void onBrokerReady();
    std::optional<QString> startPolicyProxy();
    std::optional<QString> startWebSocketGate();
    quint16 deviceMqttPort() const;
    void onServiceConnected();
    std::optional<QString> writeInfo() const;
    void fatal(const QString &message);

    SandboxOptions m_options;
    SandboxIdentity m_identity;
    QStringList m_things;
    std::unique_ptr<SandboxPki> m_pki;
    std::unique_ptr<StateStore> m_store;
    std::unique_ptr<RegistryService> m_registry;
    std::unique_ptr<ShadowService> m_shadows;
    std::unique_ptr<RequestAuthenticator> m_authenticator;
    std::unique_ptr<RestApi> m_rest;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<StsService> m_sts;
    std::unique_ptr<SsoService> m_sso;
    QJsonObject m_examples; ///< sandbox.json's `examples` section
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<BrokerProcess> m_broker;
    std::unique_ptr<MqttPolicyProxy> m_policyProxy; ///< only when there are --deny rules
    std::unique_ptr<WebSocketGate> m_webSocketGate; ///< the public wss:// port
    std::unique_ptr<MqttConnection> m_service;
    std::unique_ptr<ShadowTopicService> m_shadowTopics;
    std::unique_ptr<DeviceSimulator> m_devices;
    bool m_ready = false;
    bool m_stopping = false;
};

} // namespace thingdeck
