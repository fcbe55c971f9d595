#pragma once

#include "HttpServer.h"
#include "Result.h"
#include "aws/AwsCredentials.h"
#include "aws/SigV4Signer.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace thingdeck {

/// Which AWS IoT API a request is for; each accepts its own SigV4 signing names.
enum class ApiPlane {
    Control, ///< registry API, signed for "iot" (or "execute-api", see RequestAuthenticator)
    Data,    ///< shadows and publish, signed for "iotdata"
    Sts,     ///< the sandbox's STS, signed for "sts" (in its region or the global us-east-1)
    /// MQTT over WebSocket, a presigned URL signed for "iotdevicegateway"; its
    /// X-Amz-Security-Token is appended after signing and so is not signed (aws-iot.md §1.7).
    DeviceGateway,
};

/// Why a request was refused, as AWS words it: HTTP status, error code for x-amzn-ErrorType
/// and the message.
struct AuthFailure
{
    int httpStatus = 403;
    QString code;
    QString message;

    bool operator==(const AuthFailure &) const = default;
};

/// Who signed an accepted request.
struct AuthenticatedCaller
{
    QString accessKeyId;
    QString service; ///< the signing name used, e.g. "iot" or "execute-api"
};

/// Verifies SigV4 header authentication and presigned URLs (query-string authentication) the
/// way AWS does for the IoT endpoints (aws-iot.md §1, §1.6, §1.7, §1.9): the canonical request
/// is rebuilt from the raw request-target, the received values of the signed headers and the
/// body, and every refusal carries AWS's code and text (missing token, unknown key, wrong
/// service or region, skewed clock or expired URL, signature mismatch). The control plane accepts
/// the signing names "iot" and "execute-api" (Debian's AWS CLI 2.9 signs with the latter, and AWS
/// accepts both); the data plane only "iotdata".
class RequestAuthenticator
{
public:
    using Clock = std::function<QDateTime()>;
    /// Finds keys issued after start (temporary credentials); nullopt for an unknown key.
    using KeyLookup = std::function<std::optional<AwsCredentials>(const QString &accessKeyId)>;

    /// AWS's tolerance for the X-Amz-Date of a request: five minutes either way.
    static constexpr qint64 kMaxSkewSeconds = qint64{5} * 60;

    /// `clock` defaults to the system clock; tests pass a skewed one.
    explicit RequestAuthenticator(QString region, Clock clock = {});

    /// Accepts requests signed with these keys. A key with a session token also requires the
    /// request's X-Amz-Security-Token to match it.
    void addCredentials(const AwsCredentials &credentials);
    /// Asked for keys not added with addCredentials(). Keys with an expiration are refused
    /// after it with 403 ExpiredTokenException, as AWS refuses expired temporary credentials.
    void setKeyLookup(KeyLookup lookup) { m_lookup = std::move(lookup); }
    QString region() const { return m_region; }

    /// The signing names accepted for `plane`; the first is the one AWS names in errors.
    static QStringList servicesFor(ApiPlane plane);

    /// Checks the request's Authorization header for `plane`.
    Result<AuthenticatedCaller, AuthFailure> authenticate(const HttpRequest &request,
                                                          ApiPlane plane) const;
    /// Checks a presigned URL: the X-Amz-* parameters of the request's query. X-Amz-Expires,
    /// when given, bounds the URL's life from X-Amz-Date (at most kMaxPresignedSeconds);
    /// without it X-Amz-Date must be within kMaxSkewSeconds. For ApiPlane::DeviceGateway the
    /// X-Amz-Security-Token parameter is left out of the canonical query, as AWS IoT expects.
    Result<AuthenticatedCaller, AuthFailure> authenticatePresigned(const HttpRequest &request,
                                                                   ApiPlane plane) const;

    /// The longest X-Amz-Expires AWS accepts: seven days.
    static constexpr qint64 kMaxPresignedSeconds = qint64{7} * 24 * 3600;

private:
    Result<AuthenticatedCaller, AuthFailure>
    verify(const SigV4Authorization &auth, const QByteArray &amzDate, const QByteArray &sentToken,
           const HttpRequest &signedRequest, ApiPlane plane, std::optional<qint64> expires) const;
    std::optional<AuthFailure> checkScope(const SigV4Authorization &auth, ApiPlane plane) const;
    static std::optional<AuthFailure> checkDate(const SigV4Authorization &auth,
                                                const QByteArray &amzDate);
    std::optional<AuthFailure> checkSkew(const QDateTime &signedAt) const;
    std::optional<AuthFailure> checkLifetime(const QDateTime &signedAt, qint64 expires) const;
    static std::optional<AuthFailure> checkToken(const AwsCredentials &key,
                                                 const QByteArray &sentToken);
    std::optional<AuthFailure> checkExpiry(const AwsCredentials &key) const;
    static std::optional<AuthFailure> checkSignature(const SigV4Authorization &auth,
                                                     const AwsCredentials &key,
                                                     const QByteArray &amzDate,
                                                     const HttpRequest &request);
    std::optional<AwsCredentials> findKey(const QByteArray &accessKeyId) const;
    QDateTime now() const;

    QString m_region;
    Clock m_clock;
    QList<AwsCredentials> m_credentials;
    KeyLookup m_lookup;
};

} // namespace thingdeck
