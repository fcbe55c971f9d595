#include "workspace/Workspace.h"

#include "session/ConsoleSession.h"
#include "session/SandboxLauncher.h"
#include "session/SecretStore.h"
#include "session/Settings.h"
#include "tls/CertificateSet.h"

#include <algorithm>

namespace thingdeck {

namespace {

// The saved sandbox connection: the one with the usual name, else the first of kind Sandbox
// (the usual name may belong to a connection the user made), so that none is saved twice.
std::optional<ConnectionSettings> savedSandboxConnection(const Settings &settings)
{
    auto named = settings.connection(Workspace::sandboxConnectionName());
    if (named && named->kind == ConnectionSettings::Kind::Sandbox)
        return named;
    const QList<ConnectionSettings> all = settings.connections();
    for (const ConnectionSettings &connection : all) {
        if (connection.kind == ConnectionSettings::Kind::Sandbox)
            return connection;
    }
    return std::nullopt;
}

} // namespace

QString Workspace::sandboxConnectionName()
{
    return tr("Local sandbox");
}

Workspace::Workspace(Settings *settings, SecretStore *secrets,
                     const QProcessEnvironment &environment, QString sandboxExecutable,
                     QString sandboxStateDir, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_secrets(secrets)
    , m_environment(environment)
    , m_sandboxExecutable(std::move(sandboxExecutable))
    , m_sandboxStateDir(std::move(sandboxStateDir))
    , m_sandbox(new SandboxLauncher(this))
{
    connect(m_sandbox, &SandboxLauncher::ready, this, &Workspace::onSandboxReady);
    connect(m_sandbox, &SandboxLauncher::failed, this, &Workspace::onSandboxFailed);
    connect(m_sandbox, &SandboxLauncher::stateChanged, this, &Workspace::sandboxStatusChanged);
    connect(m_sandbox, &SandboxLauncher::died, this, &Workspace::sandboxDied);
    connect(m_sandbox, &SandboxLauncher::stopped, this, [this] {
        m_sandboxStopped = true;
        maybeFinishShutdown();
    });
}

Workspace::~Workspace() = default;

void Workspace::openConnection(const QString &name)
{
    const auto settings = m_settings->connection(name);
    if (!settings) {
        emit openFailed(tr("There is no saved connection called \"%1\": choose one in the "
                           "toolbar or create it under Connections.")
                            .arg(name));
        return;
    }
    openSettings(*settings, true);
}

void Workspace::openUnsaved(const ConnectionSettings &settings)
{
    openSettings(settings, false);
}

void Workspace::openSandbox()
{
    if (const auto existing = savedSandboxConnection(*m_settings)) {
        openSettings(*existing, true);
        return;
    }
    ConnectionSettings settings =
        ConnectionSettings::withDefaults(m_settings->uniqueName(sandboxConnectionName()));
    settings.kind = ConnectionSettings::Kind::Sandbox;
    const auto saved = m_settings->saveConnection(settings);
    if (!saved.ok()) {
        emit openFailed(saved.error());
        return;
    }
    m_settings->sync();
    openSettings(settings, true);
}

void Workspace::openSettings(const ConnectionSettings &settings, bool saved)
{
    if (m_shuttingDown)
        return;
    if (settings.kind == ConnectionSettings::Kind::Sandbox &&
        m_sandbox->state() != SandboxLauncher::State::Running) {
        retireSession();
        m_pendingSaved = saved;
        setPending(settings);
        startSandboxFor(settings);
        return;
    }
    setPending(std::nullopt);
    if (settings.kind == ConnectionSettings::Kind::Sandbox)
        createSession(settings, saved, m_sandbox->info());
    else
        createSession(settings, saved, std::nullopt);
}

void Workspace::startSandboxFor(const ConnectionSettings & /*settings*/)
{
    if (m_sandbox->state() == SandboxLauncher::State::Starting)
        return; // ready() opens the pending connection
    if (m_sandboxExecutable.isEmpty()) {
        setPending(std::nullopt);
        emit openFailed(tr("The local sandbox (thingdeck-sandbox) was not found beside Thingdeck "
                           "or on PATH. Reinstall Thingdeck, or put thingdeck-sandbox on PATH."));
        return;
    }
    m_sandboxStopped = false;
    m_sandbox->start(m_sandboxExecutable, m_sandboxStateDir);
}

void Workspace::onSandboxReady(const SandboxInfo &info)
{
    if (!m_pending)
        return;
    const ConnectionSettings settings = *m_pending;
    setPending(std::nullopt);
    createSession(settings, m_pendingSaved, info);
}

void Workspace::onSandboxFailed(const QString &sentence)
{
    m_sandboxStopped = true;
    if (m_pending) {
        setPending(std::nullopt);
        emit openFailed(sentence);
    }
    maybeFinishShutdown();
}

// A sandbox connection keeps the user's MQTT preferences; everything that identifies the
// sandbox (keys, endpoints, the device certificate) comes from the running sandbox.
void Workspace::createSession(const ConnectionSettings &settings, bool saved,
                              const std::optional<SandboxInfo> &sandbox)
{
    retireSession();
    ConnectionSettings effective = settings;
    if (sandbox) {
        effective = sandbox->connectionSettings(settings.name);
        effective.clientId = settings.clientId.isEmpty() ? effective.clientId : settings.clientId;
        effective.keepAliveSeconds = settings.keepAliveSeconds;
        effective.mqttVersion = settings.mqttVersion;
        effective.telemetryPattern = settings.telemetryPattern;
    }
    auto *session = new ConsoleSession(effective, m_environment, this);
    if (sandbox)
        session->setExplicitCredentials(sandbox->credentials());
    session->setMfaCodeSource(m_mfa);
    const auto opened = session->open();
    if (!opened.ok()) {
        delete session;
        emit sessionChanged(nullptr);
        emit openFailed(tr("Could not open \"%1\": %2").arg(settings.name, opened.error()));
        return;
    }
    m_session = session;
    if (saved) {
        m_settings->setLastConnection(settings.name);
        m_settings->sync();
    }
    emit sessionChanged(session);
    connectMqtt();
}

void Workspace::retireSession()
{
    if (!m_session)
        return;
    ConsoleSession *old = m_session;
    m_session = nullptr;
    disconnect(old, nullptr, this, nullptr);
    ++m_retiring;
    connect(old, &ConsoleSession::closed, this, [this, old] {
        old->deleteLater();
        --m_retiring;
        maybeFinishShutdown();
    });
    old->close();
}

void Workspace::closeConnection()
{
    setPending(std::nullopt);
    if (!m_session)
        return;
    retireSession();
    emit sessionChanged(nullptr);
}

void Workspace::connectMqtt()
{
    const ConnectionSettings &settings = m_session->settings();
    const bool usesKey = settings.transport != MqttConnectOptions::Transport::WebSocket &&
                         !settings.privateKeyFile.isEmpty();
    if (!usesKey) {
        m_session->connectMqtt();
        return;
    }
    if (const auto known = m_secrets->memoryPassphrase(settings.name)) {
        m_session->setPrivateKeyPassphrase(*known);
        m_session->connectMqtt();
        return;
    }
    QString problem;
    if (!needsPassphrase({}, &problem)) {
        m_session->connectMqtt();
        return;
    }
    if (!settings.rememberPassphrase) {
        askForPassphrase({});
        return;
    }
    const QString name = settings.name;
    m_secrets->readFromKeyring(name, m_session, [this, name](const Result<QByteArray, QString> &r) {
        if (!m_session || m_session->settings().name != name)
            return;
        if (!r.ok() || needsPassphrase(r.value(), nullptr))
            return askForPassphrase(r.ok() ? tr("The passphrase saved in the keyring does not "
                                                "open the key.")
                                           : QString());
        m_secrets->rememberInMemory(name, r.value());
        m_session->setPrivateKeyPassphrase(r.value());
        m_session->connectMqtt();
    });
}

bool Workspace::needsPassphrase(const QByteArray &passphrase, QString *problem) const
{
    const ConnectionSettings &s = m_session->settings();
    const CertificateSet set =
        CertificateSet::load({s.caFile, s.certificateFile, s.privateKeyFile, passphrase});
    const auto &findings = set.findings();
    const auto asking = std::ranges::find_if(findings, [](const CertificateFinding &finding) {
        return finding.problem == CertificateFinding::Problem::PassphraseRequired ||
               finding.problem == CertificateFinding::Problem::WrongPassphrase;
    });
    if (asking == findings.end())
        return false;
    if (problem)
        *problem = asking->message;
    return true;
}

void Workspace::askForPassphrase(const QString &problem)
{
    emit passphraseNeeded(m_session->settings().name, m_session->settings().privateKeyFile,
                          problem);
}

void Workspace::providePassphrase(const QByteArray &passphrase, bool remember)
{
    if (!m_session || passphrase.isEmpty())
        return;
    QString problem;
    if (needsPassphrase(passphrase, &problem)) {
        askForPassphrase(problem);
        return;
    }
    const QString name = m_session->settings().name;
    m_secrets->rememberInMemory(name, passphrase);
    if (remember)
        m_secrets->writeToKeyring(name, passphrase, this, [](const Result<bool, QString> &) {});
    m_session->setPrivateKeyPassphrase(passphrase);
    m_session->connectMqtt();
}

QString Workspace::sandboxStatusText() const
{
    switch (m_sandbox->state()) {
    case SandboxLauncher::State::NotRunning:
        return {};
    case SandboxLauncher::State::Starting:
        return tr("sandbox starting…");
    case SandboxLauncher::State::Running:
        return tr("sandbox running");
    case SandboxLauncher::State::Stopping:
        return tr("sandbox stopping…");
    case SandboxLauncher::State::Failed:
        return tr("sandbox stopped: %1").arg(m_sandbox->lastStderrLine());
    }
    return {};
}

void Workspace::setPending(std::optional<ConnectionSettings> pending)
{
    const bool was = m_pending.has_value();
    m_pending = std::move(pending);
    if (was != m_pending.has_value())
        emit openingChanged(m_pending.has_value());
}

void Workspace::shutdown()
{
    m_shuttingDown = true;
    setPending(std::nullopt);
    if (m_session) {
        retireSession();
        emit sessionChanged(nullptr);
    }
    if (m_sandbox->state() == SandboxLauncher::State::Running ||
        m_sandbox->state() == SandboxLauncher::State::Starting)
        m_sandbox->stop();
    else
        m_sandboxStopped = true;
    maybeFinishShutdown();
}

void Workspace::maybeFinishShutdown()
{
    if (!m_shuttingDown || m_retiring > 0 || !m_sandboxStopped)
        return;
    m_shuttingDown = false;
    QMetaObject::invokeMethod(this, &Workspace::shutDown, Qt::QueuedConnection);
}

} // namespace thingdeck
