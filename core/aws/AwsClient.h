#pragma once

#include "Result.h"
#include "aws/AwsError.h"
#include "aws/AwsRequest.h"
#include "aws/RetryPolicy.h"

#include <QJsonDocument>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>

#include <functional>
#include <map>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace thingdeck {

class CredentialChain;

/// A successful AWS call: the parsed JSON body (an empty object for an empty body) and
/// the raw bytes.
struct AwsResponse
{
    int httpStatus = 0;
    QJsonDocument json;
    QByteArray body;
    QString requestId;
    int attempts = 1;
};

/// Settings shared by every call of one AwsClient.
struct AwsClientOptions
{
    QString region;
    std::chrono::milliseconds timeout{30000}; ///< per attempt
    RetryPolicy retry;
    /// CAs trusted in addition to the system's (AWS_CA_BUNDLE / profile ca_bundle).
    QList<QSslCertificate> extraCaCertificates;
};

/// Sends signed AWS REST requests through one shared QNetworkAccessManager: fetches
/// credentials, signs every attempt afresh, retries like the AWS SDKs' standard mode, enforces
/// a timeout, and reports the outcome as a value through a callback bound to a context object.
class AwsClient : public QObject
{
    Q_OBJECT
public:
    using CallId = quint64;
    using CallResult = Result<AwsResponse, AwsError>;
    using Callback = std::function<void(const CallResult &)>;

    /// `credentials` may be null when every request brings its own (AwsRequest::signing).
    AwsClient(QNetworkAccessManager *network, CredentialChain *credentials,
              AwsClientOptions options, QObject *parent = nullptr);
    ~AwsClient() override;
    Q_DISABLE_COPY_MOVE(AwsClient)

    /// Starts a call. The callback runs once, on the event loop, unless `context` is destroyed
    /// first (then the call is aborted and nothing is reported).
    CallId send(const AwsRequest &request, QObject *context, Callback callback);

    /// Aborts a call; its callback receives a Cancelled error. Unknown ids are ignored.
    void cancel(CallId id);

    int pendingCalls() const;
    const AwsClientOptions &options() const;

    /// Reads PEM certificates (a CA bundle file); the error names the file and the fix.
    static Result<QList<QSslCertificate>, QString> loadCaBundle(const QString &path);

Q_SIGNALS:
    /// Attempt `attempt` of call `id` failed with a retryable `error` (throttling, 5xx, a
    /// dropped connection, a timeout); attempt `attempt` + 1 starts in `delayMs`. For a
    /// "retrying" indication; the call's callback still runs once, with the final outcome.
    void retrying(thingdeck::AwsClient::CallId id, int attempt, int delayMs,
                  const thingdeck::AwsError &error);

private:
    struct Call;

    void cancelSilently(CallId id);
    void startAttempt(CallId id);
    void sendSigned(CallId id, const AwsCredentials *credentials);
    void onReplyFinished(CallId id);
    void onTimeout(CallId id);
    void retryOrFinish(CallId id, const AwsError &error);
    void finish(CallId id, const CallResult &result);
    CallResult resultOf(Call &call, QNetworkReply *reply) const;
    AwsError transportError(const Call &call, QNetworkReply *reply) const;
    Call *find(CallId id);

    QNetworkAccessManager *m_network;
    CredentialChain *m_credentials;
    AwsClientOptions m_options;
    std::map<CallId, std::unique_ptr<Call>> m_calls;
    CallId m_nextId = 1;
};

} // namespace thingdeck
