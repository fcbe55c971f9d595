#include "aws/AwsClient.h"

#include "aws/CredentialChain.h"

#include "Logging.h"
#include <QFile>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>

namespace thingdeck {

struct AwsClient::Call
{
    AwsRequest request;
    QPointer<QObject> context;
    Callback callback;
    int attempt = 0;
    QPointer<QNetworkReply> reply;
    QTimer timer;
    bool timedOut = false;
    bool cancelled = false;
    QStringList sslErrors;
};

namespace {

QString seconds(std::chrono::milliseconds ms)
{
    return QString::number(double(ms.count()) / 1000.0, 'g', 3) + QStringLiteral(" s");
}

QByteArray headerOf(QNetworkReply *reply, const char *name)
{
    return reply->rawHeader(QByteArray(name));
}

QString networkMessage(QNetworkReply::NetworkError code, const QString &host, const QString &qtText)
{
    switch (code) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("the connection to %1 was refused (nothing listens there); check the "
                              "endpoint URL")
            .arg(host);
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("%1 closed the connection before answering").arg(host);
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host %1 was not found; check the endpoint URL and the region")
            .arg(host);
    default:
        return qtText;
    }
}

} // namespace

AwsClient::AwsClient(QNetworkAccessManager *network, CredentialChain *credentials,
                     AwsClientOptions options, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_credentials(credentials)
    , m_options(std::move(options))
{}

AwsClient::~AwsClient()
{
    for (auto &[id, call] : m_calls) {
        if (call->reply) {
            disconnect(call->reply, nullptr, this, nullptr);
            call->reply->abort();
            call->reply->deleteLater();
        }
    }
}

AwsClient::CallId AwsClient::send(const AwsRequest &request, QObject *context, Callback callback)
{
    const CallId id = m_nextId++;
    auto call = std::make_unique<Call>();
    call->request = request;
    call->context = context ? context : this;
    call->callback = std::move(callback);
    call->timer.setSingleShot(true);
    connect(&call->timer, &QTimer::timeout, this, [this, id] { onTimeout(id); });
    connect(call->context, &QObject::destroyed, this, [this, id] { cancelSilently(id); });
    m_calls.emplace(id, std::move(call));
    startAttempt(id);
    return id;
}

void AwsClient::cancel(CallId id)
{
    Call *call = find(id);
    if (!call)
        return;
    call->cancelled = true;
    if (call->reply) {
        call->reply->abort(); // finishes through onReplyFinished
        return;
    }
    AwsError error;
    error.kind = AwsError::Kind::Cancelled;
    error.operation = call->request.describe();
    error.message = QStringLiteral("cancelled");
    error.attempts = call->attempt;
    finish(id, fail(error));
}

int AwsClient::pendingCalls() const
{
    return int(m_calls.size());
}

const AwsClientOptions &AwsClient::options() const
{
    return m_options;
}

void AwsClient::cancelSilently(CallId id)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    Call &call = *it->second;
    if (call.reply) {
        disconnect(call.reply, nullptr, this, nullptr);
        call.reply->abort();
        call.reply->deleteLater();
    }
    m_calls.erase(it);
}

void AwsClient::startAttempt(CallId id)
{
    Call *call = find(id);
    if (!call)
        return;
    ++call->attempt;
    if (call->request.signing != AwsRequest::Signing::Chain || !m_credentials) {
        const bool given = call->request.signing == AwsRequest::Signing::Given;
        sendSigned(id, given ? &call->request.credentials : nullptr);
        return;
    }
    m_credentials->fetch(this, [this, id](const CredentialChain::CredentialsResult &result) {
        if (!find(id))
            return;
        if (result.ok()) {
            sendSigned(id, &result.value());
            return;
        }
        AwsError error;
        error.kind = AwsError::Kind::Credentials;
        error.operation = find(id)->request.describe();
        error.message = result.error().message;
        error.credentials = result.error();
        finish(id, fail(error));
    });
}

// `credentials` null: the request goes out unsigned.
void AwsClient::sendSigned(CallId id, const AwsCredentials *credentials)
{
    Call &call = *find(id);
    const AwsRequest &request = call.request;
    const SigV4Scope scope{request.signingRegion.isEmpty() ? m_options.region
                                                           : request.signingRegion,
                           request.signingService};
    QNetworkRequest http(request.url());
    http.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                      QNetworkRequest::ManualRedirectPolicy);
    const SigV4Request toSign = request.toSigV4();
    for (const auto &[name, value] : toSign.headers)
        http.setRawHeader(name, value);
    const auto now = QDateTime::currentDateTimeUtc();
    if (credentials) {
        for (const auto &[name, value] : SigV4Signer::signHeaders(toSign, *credentials, scope, now))
            http.setRawHeader(name, value);
    }
    if (!m_options.extraCaCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_options.extraCaCertificates);
        http.setSslConfiguration(tls);
    }
    call.timedOut = false;
    call.sslErrors.clear();
    call.reply = m_network->sendCustomRequest(http, request.method, request.body);
    connect(call.reply, &QNetworkReply::finished, this, [this, id] { onReplyFinished(id); });
    connect(call.reply, &QNetworkReply::sslErrors, this,
            [this, id](const QList<QSslError> &errors) {
                if (Call *c = find(id)) {
                    for (const QSslError &e : errors)
                        c->sslErrors << e.errorString();
                }
            });
    call.timer.start(request.timeout.count() > 0 ? request.timeout : m_options.timeout);
    qCDebug(lcAws) << "attempt" << call.attempt << request.describe();
}

void AwsClient::onTimeout(CallId id)
{
    Call *call = find(id);
    if (!call || !call->reply)
        return;
    call->timedOut = true;
    call->reply->abort(); // finishes through onReplyFinished
}

void AwsClient::onReplyFinished(CallId id)
{
    Call *call = find(id);
    if (!call)
        return;
    call->timer.stop();
    QNetworkReply *reply = call->reply;
    call->reply = nullptr;
    reply->deleteLater();
    CallResult result = resultOf(*call, reply);
    if (result.ok() || call->cancelled)
        finish(id, result);
    else
        retryOrFinish(id, result.error());
}

void AwsClient::retryOrFinish(CallId id, const AwsError &error)
{
    Call &call = *find(id);
    if (!m_options.retry.shouldRetry(error, call.attempt)) {
        finish(id, fail(error));
        return;
    }
    const auto delay =
        m_options.retry.backoff(call.attempt, QRandomGenerator::global()->generateDouble());
    qCInfo(lcAws) << call.request.describe() << "attempt" << call.attempt << "failed, retrying in"
                  << delay.count() << "ms:" << error.toString();
    QTimer::singleShot(delay, this, [this, id] { startAttempt(id); });
    emit retrying(id, call.attempt, int(delay.count()), error);
}

void AwsClient::finish(CallId id, const CallResult &result)
{
    auto it = m_calls.find(id);
    std::unique_ptr<Call> call = std::move(it->second);
    m_calls.erase(it);
    CallResult delivered = result;
    if (!delivered.ok()) {
        AwsError error = delivered.error();
        error.attempts = call->attempt;
        delivered = fail(error);
    } else {
        delivered.value().attempts = call->attempt;
    }
    // Always delivered from the event loop, never inside send() or cancel(); dropped by Qt if
    // the context dies first.
    QMetaObject::invokeMethod(
        call->context.data(),
        [callback = std::move(call->callback), delivered] { callback(delivered); },
        Qt::QueuedConnection);
}

AwsClient::CallResult AwsClient::resultOf(Call &call, QNetworkReply *reply) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (call.cancelled || call.timedOut || status == 0)
        return fail(transportError(call, reply));
    const QByteArray body = reply->readAll();
    const QString requestId = QString::fromUtf8(headerOf(reply, "x-amzn-RequestId"));
    if (status < 200 || status >= 300) {
        AwsError error = AwsError::fromResponse(status, reply->rawHeaderPairs(), body);
        error.operation = call.request.describe();
        return fail(error);
    }
    AwsResponse response{status, QJsonDocument(QJsonObject()), body, requestId, call.attempt};
    if (body.trimmed().isEmpty() || !call.request.jsonResponse)
        return response;
    QJsonParseError parseError;
    response.json = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError)
        return response;
    AwsError error;
    error.kind = AwsError::Kind::InvalidResponse;
    error.httpStatus = status;
    error.operation = call.request.describe();
    error.requestId = requestId;
    error.message = QStringLiteral("the answer is not valid JSON (%1 at byte %2)")
                        .arg(parseError.errorString())
                        .arg(parseError.offset);
    return fail(error);
}

AwsError AwsClient::transportError(const Call &call, QNetworkReply *reply) const
{
    AwsError error;
    error.operation = call.request.describe();
    const QString host = call.request.endpoint.host();
    if (call.cancelled) {
        error.kind = AwsError::Kind::Cancelled;
        error.message = QStringLiteral("cancelled");
    } else if (call.timedOut) {
        error.kind = AwsError::Kind::Timeout;
        const auto limit =
            call.request.timeout.count() > 0 ? call.request.timeout : m_options.timeout;
        error.message = QStringLiteral("no answer from %1 within %2; check the network and the "
                                       "endpoint URL")
                            .arg(host, seconds(limit));
    } else if (reply->error() == QNetworkReply::SslHandshakeFailedError ||
               !call.sslErrors.isEmpty()) {
        error.kind = AwsError::Kind::Tls;
        const QString why = call.sslErrors.isEmpty() ? reply->errorString()
                                                     : call.sslErrors.join(QStringLiteral("; "));
        error.message = QStringLiteral("the TLS certificate of %1 is not accepted (%2); if the "
                                       "server uses a private CA, such as the local sandbox, name "
                                       "its CA file in AWS_CA_BUNDLE or the profile's ca_bundle")
                            .arg(host, why);
    } else {
        error.kind = AwsError::Kind::Network;
        error.message = networkMessage(reply->error(), host, reply->errorString());
    }
    return error;
}

AwsClient::Call *AwsClient::find(CallId id)
{
    auto it = m_calls.find(id);
    return it == m_calls.end() ? nullptr : it->second.get();
}

Result<QList<QSslCertificate>, QString> AwsClient::loadCaBundle(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(QStringLiteral("Cannot read the CA bundle %1 (%2). Check AWS_CA_BUNDLE or the "
                                   "profile's ca_bundle setting.")
                        .arg(path, file.errorString()));
    }
    const QList<QSslCertificate> certificates =
        QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certificates.isEmpty()) {
        return fail(QStringLiteral("The CA bundle %1 contains no PEM certificate. It must hold "
                                   "\"-----BEGIN CERTIFICATE-----\" blocks.")
                        .arg(path));
    }
    return certificates;
}

} // namespace thingdeck
