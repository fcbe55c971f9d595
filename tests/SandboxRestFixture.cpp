#include "SandboxRestFixture.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonDocument>
#include <QSslConfiguration>
#include <QTest>
#include <QTimeZone>
#include <QTimer>
#include <QUuid>

namespace thingdeck::test {

QString region()
{
    return QStringLiteral("us-east-1");
}

QString endpointAddress()
{
    return QStringLiteral("sandbox-ats.iot.us-east-1.localhost");
}

AwsCredentials sandboxKeys()
{
    AwsCredentials keys;
    keys.accessKeyId = QStringLiteral("AKIDSANDBOX0001");
    keys.secretAccessKey = QStringLiteral("sandbox/secret+key=0001");
    keys.source = QStringLiteral("test");
    return keys;
}

AwsCredentials keysWith(const QString &id, const QString &secret, const QString &token)
{
    AwsCredentials keys = sandboxKeys();
    keys.accessKeyId = id;
    keys.secretAccessKey = secret;
    keys.sessionToken = token;
    return keys;
}

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

/// JSON with every "@T" replaced by the timestamp `t`.
QJsonObject objectAt(const char *json, qint64 t)
{
    return object(QByteArray(json).replace("@T", QByteArray::number(t)));
}

QStringList sortedKeys(const QJsonObject &json)
{
    QStringList keys = json.keys();
    keys.sort();
    return keys;
}

QStringList names(const QJsonArray &items, const char *member)
{
    QStringList out;
    for (const QJsonValue &item : items)
        out.append(item.toObject().value(QLatin1String(member)).toString());
    return out;
}

bool isUuid(const QString &text)
{
    return text.size() == 36 && !QUuid::fromString(text).isNull();
}

QString thingArn(const QString &name)
{
    return QStringLiteral("arn:aws:iot:us-east-1:123456789012:thing/") + name;
}

QString signatureMismatch()
{
    return QStringLiteral("The request signature we calculated does not match the signature you "
                          "provided. Check your AWS Secret Access Key and signing method. Consult "
                          "the service documentation for details.");
}

void SandboxRestFixture::setUpPki()
{
    m_pki = std::make_unique<TestPki>(m_pkiDir.path());
    QVERIFY2(m_pki->create(), qPrintable(m_pki->error()));
    m_ca = AwsClient::loadCaBundle(m_pki->caFile()).value();
}

void SandboxRestFixture::setUp()
{
    m_stateDir = std::make_unique<QTemporaryDir>();
    m_fixedNow.reset();
    m_skewSeconds = 0;
    QVERIFY(startSandbox());
    useClient(sandboxKeys());
}

void SandboxRestFixture::tearDown()
{
    m_client.reset();
    m_credentials.reset();
    // Close the kept-alive connections while the server still exists, rather than leaving
    // them to the network thread's teardown at exit.
    m_network.clearConnectionCache();
    // Replies already finished are deleted now, not when the manager goes at exit.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    stopSandbox();
    m_stateDir.reset();
}

QDateTime SandboxRestFixture::sandboxNow() const
{
    return m_fixedNow ? *m_fixedNow : QDateTime::currentDateTimeUtc().addSecs(m_skewSeconds);
}

qint64 SandboxRestFixture::freezeClock(int ms)
{
    const qint64 seconds = QDateTime::currentSecsSinceEpoch();
    m_fixedNow = QDateTime::fromMSecsSinceEpoch(seconds * 1000 + ms, QTimeZone::utc());
    return seconds;
}

bool SandboxRestFixture::startSandbox()
{
    // The faster write mode: these tests are about the API; tst_statestore covers both.
    m_store = std::make_unique<StateStore>(m_stateDir->filePath(QStringLiteral("state")),
                                           StateStore::Durability::SurviveProcessCrash);
    if (m_store->load())
        return false;
    const auto clock = [this] {
        return sandboxNow();
    };
    RegistryOptions options;
    options.endpointAddress = endpointAddress();
    m_registry = std::make_unique<RegistryService>(m_store.get(), options, clock);
    m_shadows = std::make_unique<ShadowService>(m_store.get(), clock);
    m_auth = std::make_unique<RequestAuthenticator>(region(), clock);
    m_auth->addCredentials(sandboxKeys());
    m_api = std::make_unique<RestApi>(m_auth.get(), m_registry.get(), m_shadows.get(), clock);
    m_server =
        std::make_unique<HttpServer>([this](const HttpRequest &request, HttpResponder responder) {
            m_api->handle(request, responder);
        });
    return m_server->listenTls(TestPki::loadCertificate(m_pki->serverCertificateFile()),
                               TestPki::loadKey(m_pki->serverKeyFile()));
}

void SandboxRestFixture::stopSandbox()
{
    m_server.reset();
    m_api.reset();
    m_auth.reset();
    m_shadows.reset();
    m_registry.reset();
    m_store.reset();
}

void SandboxRestFixture::useClient(const AwsCredentials &keys, const QString &clientRegion)
{
    m_client.reset();
    m_credentials = std::make_unique<CredentialChain>(QProcessEnvironment());
    m_credentials->setExplicitCredentials(keys);
    AwsClientOptions options;
    options.region = clientRegion;
    options.timeout = std::chrono::milliseconds(20000);
    options.retry.maxAttempts = 1;
    options.extraCaCertificates = m_ca;
    m_client = std::make_unique<AwsClient>(&m_network, m_credentials.get(), options);
}

AwsRequest SandboxRestFixture::request(const QString &service, const QByteArray &method,
                                       const QStringList &path, const Query &query,
                                       const QByteArray &body) const
{
    AwsRequest r;
    r.method = method;
    r.endpoint = m_server->url();
    r.signingService = service;
    r.pathSegments = path;
    r.query = query;
    r.body = body;
    if (!body.isEmpty())
        r.contentType = "application/json";
    return r;
}

AwsRequest SandboxRestFixture::control(const QByteArray &method, const QStringList &path,
                                       const Query &query, const QByteArray &body) const
{
    return request(QStringLiteral("iot"), method, path, query, body);
}

AwsRequest SandboxRestFixture::data(const QByteArray &method, const QStringList &path,
                                    const Query &query, const QByteArray &body) const
{
    return request(QStringLiteral("iotdata"), method, path, query, body);
}

AwsClient::CallResult SandboxRestFixture::call(const AwsRequest &r)
{
    // A local event loop rather than QTest::qWaitFor(), whose 10 ms naps between polls
    // would dominate the timings of requests that take about a millisecond.
    std::optional<AwsClient::CallResult> result;
    QEventLoop loop;
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    m_client->send(r, this, [&result, &loop](const AwsClient::CallResult &x) {
        result = x;
        loop.quit();
    });
    loop.exec();
    if (!result)
        qFatal("no answer to %s", qPrintable(r.describe()));
    return *result;
}

QJsonObject SandboxRestFixture::succeed(const AwsRequest &r)
{
    const auto result = call(r);
    if (!result.ok()) {
        QTest::qFail(qPrintable(result.error().toString()), __FILE__, __LINE__);
        return {};
    }
    return result.value().json.object();
}

AwsError SandboxRestFixture::refused(const AwsRequest &r)
{
    const auto result = call(r);
    if (result.ok()) {
        QTest::qFail(qPrintable(QStringLiteral("expected an error from ") + r.describe()), __FILE__,
                     __LINE__);
        return {};
    }
    return result.error();
}

RawReply SandboxRestFixture::sendRaw(const AwsRequest &r, const Signing &signing,
                                     const std::function<void(QList<HttpHeader> &)> &tamper,
                                     std::optional<QByteArray> sentBody)
{
    const SigV4Request toSign = r.toSigV4();
    QNetworkRequest http(r.url());
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(m_ca);
    http.setSslConfiguration(tls);
    for (const auto &[name, value] : toSign.headers)
        http.setRawHeader(name, value);
    if (signing.sign) {
        const QDateTime time = signing.time.isValid() ? signing.time : sandboxNow();
        QList<HttpHeader> added =
            SigV4Signer::signHeaders(toSign, signing.keys, {signing.region, signing.service}, time);
        if (tamper)
            tamper(added);
        for (const auto &[name, value] : added)
            http.setRawHeader(name, value);
    }
    QNetworkReply *reply = m_network.sendCustomRequest(http, r.method, sentBody.value_or(r.body));
    QEventLoop loop;
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (!reply->isFinished())
        qFatal("no raw answer");
    RawReply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return out;
}

void SandboxRestFixture::seedThing(const QString &name, const QJsonObject &body)
{
    RegistryCall create;
    create.name = name;
    create.body = body;
    const auto reply = m_registry->createThing(create);
    if (!reply.ok())
        qFatal("seed %s: %s", qPrintable(name), qPrintable(reply.error().message));
}

void SandboxRestFixture::seedType(const QString &name)
{
    RegistryCall create;
    create.name = name;
    if (!m_registry->createThingType(create).ok())
        qFatal("seed type %s", qPrintable(name));
}

void SandboxRestFixture::seedGroup(const QString &name, const QString &parent)
{
    RegistryCall create;
    create.name = name;
    if (!parent.isEmpty())
        create.body = QJsonObject{{QStringLiteral("parentGroupName"), parent}};
    if (!m_registry->createThingGroup(create).ok())
        qFatal("seed group %s", qPrintable(name));
}

QStringList SandboxRestFixture::listAll(const QStringList &path, const char *member,
                                        const char *nameKey, Query query, int *pages)
{
    QStringList all;
    QString token;
    int count = 0;
    do {
        Query pageQuery = query;
        if (!token.isEmpty())
            pageQuery.append({QStringLiteral("nextToken"), token});
        const QJsonObject page = succeed(control("GET", path, pageQuery));
        const QJsonArray items = page.value(QLatin1String(member)).toArray();
        for (const QJsonValue &item : items)
            all.append(nameKey ? item.toObject().value(QLatin1String(nameKey)).toString()
                               : item.toString());
        token = page.value(QStringLiteral("nextToken")).toString();
        ++count;
    } while (!token.isEmpty() && count < 10000);
    if (pages)
        *pages = count;
    return all;
}

QJsonObject SandboxRestFixture::getShadow(const QString &thing, const QString &shadowName)
{
    const Query query =
        shadowName.isEmpty() ? Query() : Query{{QStringLiteral("name"), shadowName}};
    return succeed(data("GET", {QStringLiteral("things"), thing, QStringLiteral("shadow")}, query));
}

AwsClient::CallResult SandboxRestFixture::updateShadow(const QString &thing, const QByteArray &body,
                                                       const QString &shadowName)
{
    const Query query =
        shadowName.isEmpty() ? Query() : Query{{QStringLiteral("name"), shadowName}};
    return call(
        data("POST", {QStringLiteral("things"), thing, QStringLiteral("shadow")}, query, body));
}

} // namespace thingdeck::test
