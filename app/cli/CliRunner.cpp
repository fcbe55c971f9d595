#include "CliRunner.h"

#include "TerminalMfaCodeSource.h"

#include "aws/AwsClient.h"
#include "aws/AwsConfig.h"
#include "aws/CredentialChain.h"
#include "iot/IotEndpoints.h"
#include "iot/RegistryClient.h"
#include "iot/ShadowClient.h"
#include "mqtt/MessageLineFormatter.h"
#include "mqtt/MqttConnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTextStream>
#include <QTimer>

#include <QJsonArray>

#include <cstdio>
#include <unistd.h>

namespace thingdeck {

namespace {

// A drained batch is written with one write(2) per this many bytes.
constexpr qsizetype kFlushBytes = qsizetype{64} * 1024;

// Longer than MqttConnection's drain interval (5 ms): see finishAfterLastDrain().
constexpr int kLastDrainMs = 25;

int defaultPort(MqttConnectOptions::Transport transport)
{
    return transport == MqttConnectOptions::Transport::MutualTls ? 8883 : 443;
}

Result<MqttConnectOptions::Transport, QString> transportOf(const QString &text)
{
    if (text.isEmpty() || text == QLatin1String("mtls"))
        return MqttConnectOptions::Transport::MutualTls;
    if (text == QLatin1String("alpn"))
        return MqttConnectOptions::Transport::MutualTlsAlpn;
    if (text == QLatin1String("wss"))
        return MqttConnectOptions::Transport::WebSocket;
    return fail(QStringLiteral("--transport must be mtls, alpn or wss, not \"%1\"").arg(text));
}

} // namespace

CliRunner::CliRunner(CliInvocation invocation, const QProcessEnvironment &environment,
                     QObject *parent)
    : QObject(parent)
    , m_invocation(std::move(invocation))
    , m_environment(environment)
{
    // Over the descriptor, not stdout's FILE*: QFile writes a FILE* with fwrite(), into
    // stdio's 4 KB block buffer (stdout is a file or a pipe), which a pipe reader does not see
    // until it fills and which a signal's default action throws away. Unbuffered on the
    // descriptor, every print() is written to the file or pipe at once.
    m_stdout.open(STDOUT_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered);
}

CliRunner::~CliRunner() = default;

void CliRunner::start()
{
    using Id = CliCommand::Id;
    static const QHash<Id, void (CliRunner::*)()> handlers{
        {Id::ThingsList, &CliRunner::runThingsList},
        {Id::ThingsDescribe, &CliRunner::runThingsDescribe},
        {Id::Endpoint, &CliRunner::runEndpoint},
        {Id::ShadowGet, &CliRunner::runShadowGet},
        {Id::ShadowUpdate, &CliRunner::runShadowUpdate},
        {Id::ShadowDelete, &CliRunner::runShadowDelete},
        {Id::ShadowList, &CliRunner::runShadowList},
        {Id::Sub, &CliRunner::runSub},
        {Id::Pub, &CliRunner::runPub},
    };
    if (auto problem = setUpAws()) {
        failWith(*problem);
        return;
    }
    (this->*handlers.value(m_invocation.command->id))();
}

void CliRunner::stop(int signalNumber)
{
    if (m_finished)
        return;
    const bool again = m_stopSignal != 0;
    m_stopSignal = signalNumber;
    // A second signal, e.g. Ctrl+C again while an unreachable broker holds up the
    // disconnect, ends at once; so does a command with no MQTT connection to close.
    if (again || !m_mqtt)
        return finish(exitCodeForSignal(signalNumber));
    disconnectAndFinish();
}

void CliRunner::print(const QByteArray &bytes)
{
    if (m_stdout.write(bytes) != bytes.size())
        failWith(QStringLiteral("cannot write the output: %1").arg(m_stdout.errorString()));
}

void CliRunner::printJson(const QJsonObject &object)
{
    print(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

void CliRunner::succeed()
{
    finish(0);
}

void CliRunner::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    emit finished(exitCode);
}

// MqttConnection hands messages over on a short drain timer, so some it took in before the
// disconnect may still be on their way to onSubMessages(). Finishing a little later writes
// them too: Qt fires the drain timer, started earlier and shorter, first.
void CliRunner::finishAfterLastDrain()
{
    QTimer::singleShot(kLastDrainMs, this,
                       [this] { finish(m_stopSignal != 0 ? exitCodeForSignal(m_stopSignal) : 0); });
}

void CliRunner::failWith(const QString &message, int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    QTextStream(stderr) << "thingdeck-cli: " << message << Qt::endl;
    emit finished(exitCode);
}

std::optional<int> CliRunner::qosOption() const
{
    if (!m_invocation.isSet("qos"))
        return 0;
    const QString text = m_invocation.value("qos");
    if (text == QLatin1String("0") || text == QLatin1String("1"))
        return text.toInt();
    return std::nullopt;
}

std::optional<QString> CliRunner::setUpAws()
{
    const auto config = AwsConfig::load(m_environment, m_invocation.value("profile"));
    if (!config.ok())
        return config.error().message;
    m_config = std::make_unique<AwsConfig>(config.value());
    m_region = m_invocation.isSet("region") ? m_invocation.value("region") : m_config->region();
    m_credentials = std::make_unique<CredentialChain>(m_environment, m_invocation.value("profile"));
    m_network = std::make_unique<QNetworkAccessManager>();
    // An assume-role profile with mfa_serial asks on the terminal, as `aws` does.
    m_mfa = std::make_unique<TerminalMfaCodeSource>();
    m_credentials->setMfaCodeSource(m_mfa.get());
    m_credentials->setNetworkAccessManager(m_network.get());
    AwsClientOptions options;
    options.region = m_region;
    if (!m_config->caBundle().isEmpty()) {
        const auto bundle = AwsClient::loadCaBundle(m_config->caBundle());
        if (!bundle.ok())
            return bundle.error();
        options.extraCaCertificates = bundle.value();
    }
    m_aws = std::make_unique<AwsClient>(m_network.get(), m_credentials.get(), options);
    auto target = IotEndpoints::Target::fromConfig(*m_config);
    if (!target.ok())
        return target.error().message;
    target.value().region = m_region;
    if (m_invocation.isSet("endpoint-url")) {
        const QUrl url(m_invocation.value("endpoint-url"));
        if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty())
            return QStringLiteral("--endpoint-url needs a URL such as https://host:port");
        target.value().controlPlane = url;
        target.value().dataPlane = url;
    }
    m_endpoints = std::make_unique<IotEndpoints>(m_aws.get(), target.value());
    m_registry = std::make_unique<RegistryClient>(m_endpoints.get());
    m_shadows = std::make_unique<ShadowClient>(m_endpoints.get());
    return std::nullopt;
}

void CliRunner::failWith(const IotError &error)
{
    failWith(error.toString());
}

void CliRunner::mqttOptions(const EndpointCallback &callback)
{
    if (m_invocation.isSet("mqtt-endpoint")) {
        const QString text = m_invocation.value("mqtt-endpoint");
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        bool ok = colon < 0;
        const int port = colon < 0 ? 0 : text.mid(colon + 1).toInt(&ok);
        if (!ok || port < 0 || port > 65535 || text.isEmpty())
            return callback(fail(QStringLiteral("--mqtt-endpoint needs HOST or HOST:PORT")));
        return callback(mqttOptionsFor(colon < 0 ? text : text.left(colon), port));
    }
    // As AWS clients do: the account's own endpoint, from DescribeEndpoint iot:Data-ATS.
    m_registry->describeDataEndpoint(this, [this, callback](const Result<QString, IotError> &host) {
        if (!host.ok())
            return callback(fail(host.error().toString() +
                                 QStringLiteral(" (or pass --mqtt-endpoint HOST:PORT)")));
        callback(mqttOptionsFor(host.value(), 0));
    });
}

Result<ThingName, QString> CliRunner::thingArgument() const
{
    return ThingName::create(m_invocation.arguments.value(0));
}

Result<ShadowName, QString> CliRunner::shadowOption() const
{
    if (!m_invocation.isSet("name"))
        return ShadowName::classic();
    return ShadowName::create(m_invocation.value("name"));
}

Result<ThingQuery, QString> CliRunner::thingQuery() const
{
    ThingQuery query;
    if (m_invocation.isSet("attribute")) {
        const QString text = m_invocation.value("attribute");
        if (!text.contains(QLatin1Char('=')))
            return fail(QStringLiteral("--attribute needs NAME=VALUE"));
        query.attributeName = text.section(QLatin1Char('='), 0, 0);
        query.attributeValue = text.section(QLatin1Char('='), 1);
    }
    query.prefixMatch = m_invocation.isSet("prefix");
    query.thingTypeName = m_invocation.value("type");
    query.maxResults = ThingQuery::kMaxResults;
    const QString problem = query.validate();
    if (!problem.isEmpty())
        return fail(problem);
    return query;
}

void CliRunner::runThingsList()
{
    const auto query = thingQuery();
    if (!query.ok())
        return failWith(query.error(), 2);
    listPage(query.value(), QString());
}

// One page at a time, printed as it arrives, so output starts at once on large registries.
void CliRunner::listPage(const ThingQuery &query, const QString &nextToken)
{
    m_registry->listThings(
        query, nextToken, this, [this, query](const Result<ThingPage, IotError> &page) {
            if (!page.ok())
                return failWith(page.error());
            QByteArray out;
            for (const ThingSummary &thing : page.value().things)
                out += formatThing(thing);
            print(out);
            m_received += page.value().things.size();
            if (::isatty(STDERR_FILENO))
                QTextStream(stderr) << "\r" << m_received << " things" << Qt::flush;
            if (page.value().isLast()) {
                if (::isatty(STDERR_FILENO))
                    QTextStream(stderr) << "\n";
                return succeed();
            }
            listPage(query, page.value().nextToken);
        });
}

QByteArray CliRunner::formatThing(const ThingSummary &thing) const
{
    if (!m_invocation.isSet("json"))
        return thing.name.toUtf8() + '\n';
    QJsonObject attributes;
    for (auto it = thing.attributes.cbegin(); it != thing.attributes.cend(); ++it)
        attributes.insert(it.key(), it.value());
    QJsonObject object{{QStringLiteral("thingName"), thing.name},
                       {QStringLiteral("thingArn"), thing.arn},
                       {QStringLiteral("attributes"), attributes},
                       {QStringLiteral("version"), thing.version}};
    if (!thing.typeName.isEmpty())
        object.insert(QStringLiteral("thingTypeName"), thing.typeName);
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

void CliRunner::runThingsDescribe()
{
    const auto thing = thingArgument();
    if (!thing.ok())
        return failWith(thing.error(), 2);
    m_registry->describeThing(
        thing.value(), this, [this](const Result<ThingDescription, IotError> &d) {
            if (!d.ok())
                return failWith(d.error());
            const ThingDescription &t = d.value();
            QJsonObject attributes;
            for (auto it = t.attributes.cbegin(); it != t.attributes.cend(); ++it)
                attributes.insert(it.key(), it.value());
            QJsonObject object{{QStringLiteral("thingName"), t.name},
                               {QStringLiteral("thingId"), t.id},
                               {QStringLiteral("thingArn"), t.arn},
                               {QStringLiteral("defaultClientId"), t.defaultClientId},
                               {QStringLiteral("attributes"), attributes},
                               {QStringLiteral("version"), t.version}};
            if (!t.typeName.isEmpty())
                object.insert(QStringLiteral("thingTypeName"), t.typeName);
            printJson(object);
            succeed();
        });
}

void CliRunner::runEndpoint()
{
    m_registry->describeDataEndpoint(this, [this](const Result<QString, IotError> &host) {
        if (!host.ok())
            return failWith(host.error());
        print(host.value().toUtf8() + '\n');
        succeed();
    });
}

void CliRunner::runShadowGet()
{
    const auto thing = thingArgument();
    const auto shadow = shadowOption();
    if (!thing.ok() || !shadow.ok())
        return failWith(thing.ok() ? shadow.error() : thing.error(), 2);
    m_shadows->getShadow(thing.value(), shadow.value(), this,
                         [this](const Result<ShadowSnapshot, IotError> &got) {
                             if (!got.ok())
                                 return failWith(got.error());
                             printJson(got.value().json);
                             succeed();
                         });
}

void CliRunner::runShadowUpdate()
{
    const auto thing = thingArgument();
    const auto shadow = shadowOption();
    if (!thing.ok() || !shadow.ok())
        return failWith(thing.ok() ? shadow.error() : thing.error(), 2);
    const auto text = documentArgument(m_invocation.arguments.value(1));
    if (!text.ok())
        return failWith(text.error());
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.value(), &error);
    if (!document.isObject())
        return failWith(QStringLiteral("DOCUMENT is not a JSON object (%1); it looks like "
                                       "{\"state\":{\"desired\":{...}}}")
                            .arg(error.errorString()),
                        2);
    std::optional<qint64> version;
    if (m_invocation.isSet("version")) {
        bool ok = false;
        version = m_invocation.value("version").toLongLong(&ok);
        if (!ok || *version < 0)
            return failWith(QStringLiteral("--version needs the shadow version number"), 2);
    }
    m_shadows->updateShadow(thing.value(), shadow.value(), document.object(), version, this,
                            [this](const Result<ShadowAccepted, IotError> &done) {
                                if (!done.ok())
                                    return failWith(done.error());
                                printJson(done.value().json);
                                succeed();
                            });
}

void CliRunner::runShadowDelete()
{
    const auto thing = thingArgument();
    const auto shadow = shadowOption();
    if (!thing.ok() || !shadow.ok())
        return failWith(thing.ok() ? shadow.error() : thing.error(), 2);
    m_shadows->deleteShadow(thing.value(), shadow.value(), this,
                            [this](const Result<ShadowAccepted, IotError> &done) {
                                if (!done.ok())
                                    return failWith(done.error());
                                printJson(done.value().json);
                                succeed();
                            });
}

void CliRunner::runShadowList()
{
    const auto thing = thingArgument();
    if (!thing.ok())
        return failWith(thing.error(), 2);
    m_shadows->listNamedShadows(thing.value(), this,
                                [this](const Result<QStringList, IotError> &names) {
                                    if (!names.ok())
                                        return failWith(names.error());
                                    QByteArray out;
                                    for (const QString &name : names.value())
                                        out += name.toUtf8() + '\n';
                                    print(out);
                                    succeed();
                                });
}

void CliRunner::publishOverHttp(const TopicName &topic, const QByteArray &payload, int qos)
{
    m_shadows->publish(topic, payload, qos, m_invocation.isSet("retain"), this,
                       [this](const Result<std::monostate, IotError> &done) {
                           if (!done.ok())
                               return failWith(done.error());
                           succeed();
                       });
}

Result<MqttConnectOptions, QString> CliRunner::mqttOptionsFor(const QString &host, int port)
{
    const auto transport = transportOf(m_invocation.value("transport"));
    if (!transport.ok())
        return fail(transport.error());
    MqttConnectOptions options;
    options.transport = transport.value();
    options.host = host;
    options.port = quint16(port > 0 ? port : defaultPort(options.transport));
    options.clientId = m_invocation.value("client-id");
    options.caFile = m_invocation.value("ca");
    options.certificateFile = m_invocation.value("cert");
    options.privateKeyFile = m_invocation.value("key");
    options.cleanSession = !m_invocation.isSet("persistent-session");
    options.credentials = m_credentials.get();
    options.region = m_region;
    const QString version = m_invocation.value("mqtt-version");
    if (version == QLatin1String("5"))
        options.version = MqttConnectOptions::Version::Mqtt5;
    else if (!version.isEmpty() && version != QLatin1String("3.1.1"))
        return fail(QStringLiteral("--mqtt-version must be 3.1.1 or 5"));
    const bool mutual = options.transport != MqttConnectOptions::Transport::WebSocket;
    if (mutual && (options.certificateFile.isEmpty() || options.privateKeyFile.isEmpty()))
        return fail(
            QStringLiteral("mutual TLS needs --cert and --key (the device certificate and "
                           "its private key), or use --transport wss with AWS credentials"));
    if (!mutual && m_region.isEmpty())
        return fail(QStringLiteral("--transport wss signs with SigV4 and needs a region: pass "
                                   "--region or set AWS_REGION"));
    return options;
}

// AWS IoT allows one connection per client id: a device connected with the same id is
// disconnected, and takes the id back when it reconnects. A thing's name is the id its device
// most likely uses, so reusing one deserves a warning, given before connecting.
void CliRunner::checkClientId(const QString &clientId, std::function<void()> next)
{
    const auto thing = ThingName::create(clientId);
    if (clientId.isEmpty() || !thing.ok())
        return next();
    m_registry->describeThing(
        thing.value(), this,
        [clientId, next = std::move(next)](const Result<ThingDescription, IotError> &found) {
            if (found.ok()) {
                QTextStream(stderr) << "thingdeck-cli: warning: the client id " << clientId
                                    << " is the name of a thing; AWS IoT disconnects a "
                                       "device using the same id (omit --client-id for a "
                                       "unique one)"
                                    << Qt::endl;
            }
            next();
        });
}

void CliRunner::connectMqtt(const MqttConnectOptions &options, std::function<void()> onConnected)
{
    checkClientId(options.clientId, [this, options, onConnected = std::move(onConnected)] {
        if (!m_finished) // stopped by a signal meanwhile
            startMqtt(options, onConnected);
    });
}

void CliRunner::startMqtt(const MqttConnectOptions &options, std::function<void()> onConnected)
{
    m_mqtt = std::make_unique<MqttConnection>();
    connect(m_mqtt.get(), &MqttConnection::stateChanged, this,
            [this, onConnected = std::move(onConnected)](MqttConnection::State state) {
                if (state == MqttConnection::State::Connected && !m_finished)
                    onConnected();
                else if (state == MqttConnection::State::Disconnected && m_disconnecting)
                    finishAfterLastDrain();
                else if (state == MqttConnection::State::Disconnected)
                    failWith(m_mqtt->errorString());
            });
    connect(m_mqtt.get(), &MqttConnection::errorChanged, this, [this](MqttConnection::Error e) {
        if (e == MqttConnection::Error::ProbablyDeniedByPolicy ||
            e == MqttConnection::Error::SubscribeFailed)
            failWith(m_mqtt->errorString());
        else if (e == MqttConnection::Error::ConnectionLost)
            QTextStream(stderr) << "thingdeck-cli: " << m_mqtt->errorString() << Qt::endl;
    });
    m_mqtt->connectToHost(options);
    // Refused before any connection (e.g. a certificate problem): no state change to wait for.
    if (m_mqtt->state() == MqttConnection::State::Disconnected)
        failWith(m_mqtt->errorString());
}

void CliRunner::runSub()
{
    const auto qos = qosOption();
    if (!qos)
        return failWith(QStringLiteral("--qos must be 0 or 1"), 2);
    bool ok = true;
    m_wanted = m_invocation.isSet("count") ? m_invocation.value("count").toLongLong(&ok) : 0;
    if (!ok || m_wanted < 0)
        return failWith(QStringLiteral("--count needs a positive number"), 2);
    QList<TopicFilter> filters;
    for (const QString &text : std::as_const(m_invocation.arguments)) {
        const auto filter = TopicFilter::create(text);
        if (!filter.ok())
            return failWith(filter.error(), 2);
        filters.append(filter.value());
    }
    mqttOptions([this, filters, qos](const Result<MqttConnectOptions, QString> &options) {
        if (!options.ok())
            return failWith(options.error());
        connectMqtt(options.value(), [this, filters, qos] {
            // After a reconnect the connection restores the subscriptions itself.
            if (!m_mqtt->subscriptions().isEmpty())
                return;
            connect(m_mqtt.get(), &MqttConnection::messagesReceived, this,
                    &CliRunner::onSubMessages);
            for (const TopicFilter &filter : filters)
                m_mqtt->subscribe(filter, *qos);
        });
    });
}

void CliRunner::onSubMessages(const MqttMessageBatch &messages)
{
    QByteArray out;
    out.reserve(qMin<qsizetype>(messages.size() * 256, kFlushBytes * 4));
    for (const MqttMessage &message : messages) {
        if (m_wanted > 0 && m_received >= m_wanted)
            break;
        MessageLineFormatter::append(message, out);
        ++m_received;
        if (out.size() >= kFlushBytes) {
            print(out);
            out.clear();
        }
    }
    print(out);
    if (m_wanted > 0 && m_received >= m_wanted)
        disconnectAndFinish();
}

void CliRunner::runPub()
{
    const auto qos = qosOption();
    if (!qos)
        return failWith(QStringLiteral("--qos must be 0 or 1"), 2);
    const auto topic = TopicName::create(m_invocation.arguments.value(0));
    if (!topic.ok())
        return failWith(topic.error(), 2);
    const auto payload = documentArgument(m_invocation.arguments.value(1));
    if (!payload.ok())
        return failWith(payload.error());
    if (m_invocation.isSet("http"))
        return publishOverHttp(topic.value(), payload.value(), *qos);
    mqttOptions([this, topic, payload, qos](const Result<MqttConnectOptions, QString> &options) {
        if (!options.ok())
            return failWith(options.error());
        connectMqtt(options.value(), [this, topic, payload, qos] {
            const auto sent =
                m_mqtt->publish(topic.value(), payload.value(), *qos, m_invocation.isSet("retain"));
            if (!sent.ok())
                return failWith(sent.error());
            // Paho's disconnect waits for the message to be delivered (QoS 1: acknowledged).
            disconnectAndFinish();
        });
    });
}

void CliRunner::disconnectAndFinish()
{
    if (m_disconnecting)
        return;
    m_disconnecting = true;
    m_mqtt->disconnectFromHost();
}

Result<QByteArray, QString> CliRunner::documentArgument(const QString &text)
{
    if (text != QLatin1String("-"))
        return text.toUtf8();
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read standard input"));
    return in.readAll();
}

} // namespace thingdeck
