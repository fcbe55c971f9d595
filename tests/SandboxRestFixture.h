#pragma once

#include "HttpServer.h"
#include "RegistryService.h"
#include "RequestAuthenticator.h"
#include "RestApi.h"
#include "ShadowService.h"
#include "StateStore.h"
#include "TestPki.h"
#include "aws/AwsClient.h"
#include "aws/CredentialChain.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QTemporaryDir>

#include <functional>
#include <memory>
#include <optional>

namespace thingdeck::test {

using Query = QList<std::pair<QString, QString>>;

QString region();          ///< the sandbox's region, "us-east-1"
QString endpointAddress(); ///< what the sandbox's DescribeEndpoint answers
AwsCredentials sandboxKeys();
AwsCredentials keysWith(const QString &id, const QString &secret, const QString &token = {});
QJsonObject object(const QByteArray &json);
/// JSON with every "@T" replaced by the timestamp `t`.
QJsonObject objectAt(const char *json, qint64 t);
QStringList sortedKeys(const QJsonObject &json);
QStringList names(const QJsonArray &items, const char *member);
bool isUuid(const QString &text);
QString thingArn(const QString &name);
QString signatureMismatch(); ///< AWS's text for a signature that does not match

/// A response read byte for byte.
struct RawReply
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return object(body); }
};

/// How a raw request is signed.
struct Signing
{
    QString service = QStringLiteral("iot");
    QString region = QStringLiteral("us-east-1");
    AwsCredentials keys = sandboxKeys();
    QDateTime time; ///< invalid: the sandbox's clock
    bool sign = true;
};

/// A complete sandbox REST endpoint (state store, registry, shadows, authenticator, REST API)
/// on real HTTPS on loopback with TestPki certificates, and an AwsClient that trusts it: the
/// base of the REST test classes. Call setUpPki() from initTestCase(), setUp() from init()
/// and tearDown() from cleanup().
class SandboxRestFixture : public QObject
{
protected:
    void setUpPki();
    void setUp();
    void tearDown();

    /// The sandbox's clock: real time plus m_skewSeconds, or m_fixedNow when set.
    QDateTime sandboxNow() const;
    /// Stops the sandbox's clock at the current second plus `ms`: timestamps become
    /// predictable while the AwsClient's signatures (made with the real clock) stay valid.
    qint64 freezeClock(int ms = 0);
    /// Builds the services on the state in m_stateDir and listens on HTTPS.
    bool startSandbox();
    void stopSandbox();
    /// A fresh AwsClient signing with `keys` for `clientRegion`, without retries.
    void useClient(const AwsCredentials &keys, const QString &clientRegion = region());

    AwsRequest request(const QString &service, const QByteArray &method, const QStringList &path,
                       const Query &query = {}, const QByteArray &body = {}) const;
    AwsRequest control(const QByteArray &method, const QStringList &path, const Query &query = {},
                       const QByteArray &body = {}) const; ///< signed for "iot"
    AwsRequest data(const QByteArray &method, const QStringList &path, const Query &query = {},
                    const QByteArray &body = {}) const; ///< signed for "iotdata"

    /// Sends through the AwsClient and waits (in a local event loop) for the result.
    AwsClient::CallResult call(const AwsRequest &r);
    /// The JSON of a call that must succeed; marks the test failed otherwise.
    QJsonObject succeed(const AwsRequest &r);
    /// The error of a call that must fail; marks the test failed otherwise.
    AwsError refused(const AwsRequest &r);
    /// Sends `r` signed as `signing` says through QNetworkAccessManager and returns the raw
    /// answer; `tamper` may edit the signing headers, `sentBody` replaces the signed body.
    RawReply sendRaw(const AwsRequest &r, const Signing &signing = {},
                     const std::function<void(QList<HttpHeader> &)> &tamper = {},
                     std::optional<QByteArray> sentBody = std::nullopt);

    /// Registry content made in-process (fast), for tests about reading it over REST.
    void seedThing(const QString &name, const QJsonObject &body = {});
    void seedType(const QString &name);
    void seedGroup(const QString &name, const QString &parent = {});
    /// Pages through a list operation; returns the names of `member`'s items in order.
    QStringList listAll(const QStringList &path, const char *member, const char *nameKey,
                        Query query = {}, int *pages = nullptr);
    QJsonObject getShadow(const QString &thing, const QString &shadowName = {});
    AwsClient::CallResult updateShadow(const QString &thing, const QByteArray &body,
                                       const QString &shadowName = {});

    QTemporaryDir m_pkiDir;
    std::unique_ptr<TestPki> m_pki;
    QList<QSslCertificate> m_ca;
    std::unique_ptr<QTemporaryDir> m_stateDir;
    std::optional<QDateTime> m_fixedNow;
    qint64 m_skewSeconds = 0;
    std::unique_ptr<StateStore> m_store;
    std::unique_ptr<RegistryService> m_registry;
    std::unique_ptr<ShadowService> m_shadows;
    std::unique_ptr<RequestAuthenticator> m_auth;
    std::unique_ptr<RestApi> m_api;
    std::unique_ptr<HttpServer> m_server;
    QNetworkAccessManager m_network;
    std::unique_ptr<CredentialChain> m_credentials;
    std::unique_ptr<AwsClient> m_client;
};

} // namespace thingdeck::test
